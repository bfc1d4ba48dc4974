package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// journalEntry is one request as GET /_mock/requests lists it.
type journalEntry struct {
	Seq        uint64          `json:"seq"`
	Time       string          `json:"time"` // as the server wrote it, to pass back as since
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Query      string          `json:"query"`
	Headers    http.Header     `json:"headers"`
	Body       json.RawMessage `json:"body"`
	Status     int             `json:"status"`
	Response   json.RawMessage `json:"response"`
	DurationMS float64         `json:"durationMs"`
	ExtIDs     []string        `json:"extIds"`
	NextPage   string          `json:"nextPage"`
	RetryAfter string          `json:"retryAfter"`
	Fault      string          `json:"fault"`
	Notes      []string        `json:"notes"`
}

type requestsPage struct {
	Count    int            `json:"count"`
	Dropped  uint64         `json:"dropped"`
	Last     uint64         `json:"last"`
	Requests []journalEntry `json:"requests"`
}

// mustRequests reads GET /_mock/requests?query as key, strictly.
func (h *harness) mustRequests(tb testing.TB, key, query string) requestsPage {
	tb.Helper()
	target := "/_mock/requests"
	if query != "" {
		target += "?" + query
	}
	r := h.DoKey(tb, key, http.MethodGet, target, "")
	if r.Status != http.StatusOK {
		tb.Fatalf("GET %s = %v, want 200", target, r)
	}
	var p requestsPage
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		tb.Fatalf("GET %s: body %s is not the journal: %v", target, r.Body, err)
	}
	if p.Count != len(p.Requests) {
		tb.Errorf("GET %s: count %d, but %d requests listed", target, p.Count, len(p.Requests))
	}
	return p
}

func seqs(p requestsPage) []uint64 {
	out := []uint64{}
	for _, e := range p.Requests {
		out = append(out, e.Seq)
	}
	return out
}

func TestJournalRecords(t *testing.T) {
	t.Parallel()
	const key = "journal-KEY-never-in-clear-4711"
	const admin = "admin-token-never-in-clear-0815"
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{}, mockserver.Options{AdminToken: admin}, key)
	auth := []string{"Authorization", "Bearer " + admin}
	h.DoKey(t, key, http.MethodGet, "/rest/3.0/getDevices?extId=id1&pushPermitted=true", "", auth...)
	h.DoKey(t, key, http.MethodPost, "/rest/3.0/tagUsers", "{\n  \"tag\": \"Sport\",\n  \"extIds\": [\"id1\", \"id2\"]\n}", "X-Request-Id", "r-2")
	h.DoKey(t, key, http.MethodPost, "/rest/3.0/tagUsers", `{"extIds":["id1"]}`)
	h.DoKey(t, key, http.MethodPost, "/rest/3.0/updateEmail", `not json`)

	r := h.DoKey(t, key, http.MethodGet, "/_mock/requests", "", auth...)
	if bytes.Contains(r.Body, []byte(key)) || bytes.Contains(r.Body, []byte(admin)) {
		t.Errorf("GET /_mock/requests shows the API key or the admin token in clear:\n%s", r.Body)
	}
	var page requestsPage
	wantJSON(t, "GET /_mock/requests", r, &page)
	devices := `{"extId":"id1","devices":[{"platform":"ANDROID","token":"a1b2c3d4e5f6g7","deviceModel":"Pixel 5","pushPermitted":true}]}`
	want := []journalEntry{
		{Seq: 1, Method: "GET", Path: "/rest/3.0/getDevices", Query: "extId=id1&pushPermitted=true", Status: 200,
			Response: json.RawMessage(devices), ExtIDs: []string{"id1"},
			Headers: http.Header{"X-Netmera-Api-Key": {state.KeyID(key)}, "Authorization": {"Bearer " + state.KeyID(admin)}}},
		{Seq: 2, Method: "POST", Path: "/rest/3.0/tagUsers", Body: json.RawMessage(`{"tag":"Sport","extIds":["id1","id2"]}`), Status: 200,
			ExtIDs: []string{"id1", "id2"}, Headers: http.Header{"X-Netmera-Api-Key": {state.KeyID(key)}, "X-Request-Id": {"r-2"}}},
		{Seq: 3, Method: "POST", Path: "/rest/3.0/tagUsers", Body: json.RawMessage(`{"extIds":["id1"]}`), Status: 400,
			Response: json.RawMessage(`{"code":2020,"error":"tag is required"}`), ExtIDs: []string{"id1"},
			Headers: http.Header{"X-Netmera-Api-Key": {state.KeyID(key)}}},
		{Seq: 4, Method: "POST", Path: "/rest/3.0/updateEmail", Body: json.RawMessage(`"not json"`), Status: 400,
			Response: json.RawMessage(`{"code":2009,"error":"Invalid JSON"}`), Headers: http.Header{"X-Netmera-Api-Key": {state.KeyID(key)}}},
	}
	// Only the headers the test set are compared; the client adds others.
	for i := range page.Requests {
		e := &page.Requests[i]
		if e.Time == "" || e.DurationMS < 0 {
			t.Errorf("journal entry %d has time %q and duration %v, want a time and a duration", e.Seq, e.Time, e.DurationMS)
		}
		kept := http.Header{}
		for _, name := range []string{"X-Netmera-Api-Key", "Authorization", "X-Request-Id"} {
			if v := e.Headers.Values(name); v != nil {
				kept[name] = v
			}
		}
		e.Headers = kept
	}
	if diff := cmp.Diff(want, page.Requests, cmpopts.IgnoreFields(journalEntry{}, "Time", "DurationMS"),
		cmp.Transformer("json", func(m json.RawMessage) string { return string(m) })); diff != "" {
		t.Errorf("GET /_mock/requests mismatch (-want +got):\n%s", diff)
	}

	// Control calls are not API requests: they are not journaled.
	if got := h.mustRequestsAuth(t, key, auth); got.Count != 4 {
		t.Errorf("after GET /_mock/requests, the journal holds %d requests, want the same 4", got.Count)
	}
}

// mustRequestsAuth is mustRequests with an Authorization header.
func (h *harness) mustRequestsAuth(tb testing.TB, key string, auth []string) requestsPage {
	tb.Helper()
	var p requestsPage
	wantJSON(tb, "GET /_mock/requests", h.DoKey(tb, key, http.MethodGet, "/_mock/requests", "", auth...), &p)
	return p
}

func TestJournalBound(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{JournalSize: 3})
	tags := []string{"t1", "t2", "t3", "t4", "t5"}
	for i, tag := range tags {
		wantOK(t, "tagUsers "+tag, h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"`+tag+`","extIds":["id1"]}`))
		page := h.mustRequests(t, testKey, "")
		wantLen, wantDropped := min(i+1, 3), max(i+1-3, 0)
		if page.Count != wantLen || page.Dropped != uint64(wantDropped) {
			t.Errorf("after %d requests with JournalSize 3: count %d, dropped %d; want %d and %d", i+1, page.Count, page.Dropped, wantLen, wantDropped)
		}
	}
	// The newest three, oldest first.
	page := h.mustRequests(t, testKey, "")
	var bodies []string
	for _, e := range page.Requests {
		bodies = append(bodies, string(e.Body))
	}
	want := []string{`{"tag":"t3","extIds":["id1"]}`, `{"tag":"t4","extIds":["id1"]}`, `{"tag":"t5","extIds":["id1"]}`}
	if diff := cmp.Diff(want, bodies); diff != "" || !cmp.Equal(seqs(page), []uint64{3, 4, 5}) {
		t.Errorf("journal of 5 requests bounded to 3 mismatch (-want +got):\n%s\nseqs %v, want [3 4 5]", diff, seqs(page))
	}
	// Each tenant has its own bound.
	h.DoKey(t, otherKey, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	if other := h.mustRequests(t, otherKey, ""); other.Count != 1 || other.Dropped != 0 {
		t.Errorf("the other tenant's journal: count %d, dropped %d; want 1 and 0", other.Count, other.Dropped)
	}
	// Clearing resets the count and the dropped tally; seq goes on.
	var cleared struct {
		Cleared int `json:"cleared"`
	}
	h.control(t, testKey, http.MethodDelete, "/_mock/requests", "", http.StatusOK, &cleared)
	if cleared.Cleared != 3 {
		t.Errorf("DELETE /_mock/requests = %+v, want 3 cleared", cleared)
	}
	if page := h.mustRequests(t, testKey, ""); page.Count != 0 || page.Dropped != 0 {
		t.Errorf("after DELETE /_mock/requests: count %d, dropped %d; want 0 and 0", page.Count, page.Dropped)
	}
	if other := h.mustRequests(t, otherKey, ""); other.Count != 1 {
		t.Errorf("DELETE /_mock/requests as %s cleared the other tenant's journal: count %d, want 1", testKey, other.Count)
	}
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	if page := h.mustRequests(t, testKey, ""); !cmp.Equal(seqs(page), []uint64{6}) {
		t.Errorf("after a clear the next request has seq %v, want [6]", seqs(page))
	}
}

func TestJournalFilters(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	calls := []struct{ method, path, body string }{
		{http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"A","extIds":["id1"]}`},                   // 1
		{http.MethodGet, "/rest/3.0/getDevices?extId=id2", ""},                                    // 2
		{http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"B","extIds":["id2","user-001"]}`},        // 3
		{http.MethodGet, "/rest/3.0/getProfileAttributes?extId=id1", ""},                          // 4
		{http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{}}]`},     // 5
		{http.MethodGet, "/rest/3.0/getDeviceTokens?max=1", ""},                                   // 6
		{http.MethodPost, "/rest/3.0/untagUsers", `{"tag":"A","extIds":["id1"]}`},                 // 7
		{http.MethodGet, "/rest/3.0/getCategoryPreferences?externalId=user-001", ""},              // 8
		{http.MethodPost, "/rest/3.0/tagUsers/", `{"tag":"C","extIds":["id1"]}`},                  // 9: another path
		{http.MethodGet, "/rest/3.0/getSegments", ""},                                             // 10
		{http.MethodGet, "/rest/3.0/getSegmentUsers?id=5883&max=100", ""},                         // 11
		{http.MethodPost, "/rest/3.0/setCategoryPreferences", `[{"extId":"id2","category":"x"}]`}, // 12
	}
	for _, c := range calls {
		h.Do(t, c.method, c.path, c.body, iosHeader, "IOS")
	}
	// Another tenant's requests must never match.
	h.DoKey(t, otherKey, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"A","extIds":["id1"]}`)

	all := h.mustRequests(t, testKey, "")
	if all.Count != len(calls) {
		t.Fatalf("GET /_mock/requests lists %d requests, want %d", all.Count, len(calls))
	}
	since := all.Requests[5].Time // request 6
	tests := []struct {
		name  string
		query url.Values
		want  []uint64
	}{
		{name: "everything", want: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{name: "method", query: url.Values{"method": {"POST"}}, want: []uint64{1, 3, 5, 7, 9, 12}},
		{name: "method in any case", query: url.Values{"method": {"get"}}, want: []uint64{2, 4, 6, 8, 10, 11}},
		{name: "short path", query: url.Values{"path": {"tagUsers"}}, want: []uint64{1, 3}},
		{name: "exact path", query: url.Values{"path": {"/rest/3.0/tagUsers"}}, want: []uint64{1, 3}},
		{name: "short prefix", query: url.Values{"path": {"get*"}}, want: []uint64{2, 4, 6, 8, 10, 11}},
		{name: "full prefix", query: url.Values{"path": {"/rest/3.0/set*"}}, want: []uint64{5, 12}},
		{name: "every path", query: url.Values{"path": {"*"}}, want: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{name: "path of no request", query: url.Values{"path": {"deleteUsersPermanently"}}, want: []uint64{}},
		{name: "query string is not part of the path", query: url.Values{"path": {"getDevices?extId=id2"}}, want: []uint64{}},
		{name: "extId in a body", query: url.Values{"extId": {"user-001"}}, want: []uint64{3, 8}},
		{name: "extId in a query or a body", query: url.Values{"extId": {"id2"}}, want: []uint64{2, 3, 12}},
		{name: "extId of no request", query: url.Values{"extId": {"ghost"}}, want: []uint64{}},
		{name: "since", query: url.Values{"since": {since}}, want: []uint64{6, 7, 8, 9, 10, 11, 12}},
		{name: "since the future", query: url.Values{"since": {"2999-01-01T00:00:00Z"}}, want: []uint64{}},
		{name: "since long ago", query: url.Values{"since": {"2000-01-01T00:00:00+03:00"}}, want: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{name: "exactly one call to tagUsers for user-001", query: url.Values{"method": {"POST"}, "path": {"tagUsers"}, "extId": {"user-001"}}, want: []uint64{3}},
		{name: "all filters", query: url.Values{"method": {"POST"}, "path": {"*"}, "extId": {"id1"}, "since": {since}}, want: []uint64{7, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := h.mustRequests(t, testKey, tt.query.Encode())
			if diff := cmp.Diff(tt.want, seqs(page)); diff != "" {
				t.Errorf("GET /_mock/requests?%s: seqs mismatch (-want +got):\n%s", tt.query.Encode(), diff)
			}
		})
	}

	for _, bad := range []string{"yesterday", "2024-01-01", "1700000000"} {
		q := url.Values{"since": {bad}}.Encode()
		wantProblemStatus(t, "GET /_mock/requests?"+q, h.Do(t, http.MethodGet, "/_mock/requests?"+q, ""), http.StatusBadRequest, "/_mock/requests")
	}
}

// TestJournalSkipsBadKeys checks that requests without a valid key are
// not journaled anywhere a tenant can see.
func TestJournalSkipsBadKeys(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	for _, key := range []string{"", "wrong-key", "Test-Key", otherKey + "x"} {
		r := h.DoKey(t, key, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`)
		if r.Status != http.StatusForbidden {
			t.Fatalf("POST tagUsers with key %q = %v, want 403", key, r)
		}
	}
	h.DoKey(t, "", http.MethodGet, "/_mock/health", "")
	if page := h.mustRequests(t, testKey, ""); !cmp.Equal(seqs(page), []uint64{1}) {
		t.Errorf("after requests with bad keys, %s's journal holds seqs %v, want only its own [1]", testKey, seqs(page))
	}
	if page := h.mustRequests(t, otherKey, ""); page.Count != 0 {
		t.Errorf("after requests with bad keys, %s's journal holds %d requests, want 0", otherKey, page.Count)
	}
	// Unknown paths with a valid key are API requests too, and journaled.
	h.Do(t, http.MethodGet, "/rest/3.0/noSuchEndpoint", "")
	if page := h.mustRequests(t, testKey, "path=noSuchEndpoint"); page.Count != 1 || page.Requests[0].Status != http.StatusNotFound {
		t.Errorf("GET /_mock/requests?path=noSuchEndpoint = %+v, want the one 404", page)
	}
}

func TestJournalOff(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{JournalSize: -1})
	wantOK(t, "tagUsers", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`))
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		wantProblemStatus(t, method+" /_mock/requests with the journal off", h.Do(t, method, "/_mock/requests", ""),
			http.StatusBadRequest, "/_mock/requests")
	}
	// Faults work without a journal.
	h.control(t, testKey, http.MethodPost, "/_mock/faults", `{"path":"tagUsers","status":500,"times":1}`, http.StatusCreated, nil)
	if r := h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != http.StatusInternalServerError {
		t.Errorf("tagUsers with a fault rule and no journal = %v, want 500", r)
	}
}
