package mockserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// faultRule is a rule as POST and GET /_mock/faults show it.
type faultRule struct {
	ID          string            `json:"id"`
	Priority    int               `json:"priority"`
	Method      string            `json:"method,omitempty"`
	Path        string            `json:"path"`
	ExtID       string            `json:"extId,omitempty"`
	Status      int               `json:"status,omitempty"`
	Code        int               `json:"code,omitempty"`
	Error       string            `json:"error,omitempty"`
	Body        string            `json:"body,omitempty"`
	ContentType string            `json:"contentType,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	LatencyMS   int               `json:"latencyMs,omitempty"`
	Times       int               `json:"times,omitempty"`
	Probability float64           `json:"probability,omitempty"`
	RetryAfter  int               `json:"retryAfter,omitempty"`
	Drop        bool              `json:"drop,omitempty"`
	Remaining   *int              `json:"remaining,omitempty"`
	Hits        int               `json:"hits"`
}

// MustFault adds a rule as key and returns it as stored.
func (h *harness) MustFault(tb testing.TB, key, rule string) faultRule {
	tb.Helper()
	r := h.DoKey(tb, key, http.MethodPost, "/_mock/faults", rule)
	if r.Status != http.StatusCreated {
		tb.Fatalf("POST /_mock/faults %s = %v, want 201", rule, r)
	}
	var got faultRule
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		tb.Fatalf("POST /_mock/faults %s: body %s is not a rule: %v", rule, r.Body, err)
	}
	return got
}

// mustFaults lists key's rules.
func (h *harness) mustFaults(tb testing.TB, key string) []faultRule {
	tb.Helper()
	var list struct {
		Faults []faultRule `json:"faults"`
	}
	wantJSON(tb, "GET /_mock/faults", h.DoKey(tb, key, http.MethodGet, "/_mock/faults", ""), &list)
	if list.Faults == nil {
		tb.Errorf("GET /_mock/faults lists null, want a list")
	}
	return list.Faults
}

func TestFaultEnvelope(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	before := h.MustState(t, testKey)
	got := h.MustFault(t, testKey, `{"method":"post","path":"tagUsers","status":500,"code":2001,"error":"An unexpected error occurred. Retry later."}`)
	want := faultRule{ID: "f1", Priority: 5, Method: "POST", Path: "/rest/3.0/tagUsers", Status: 500, Code: 2001, Error: "An unexpected error occurred. Retry later."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST /_mock/faults answer mismatch (-want +got):\n%s", diff)
	}
	for range 3 {
		wantError(t, "POST tagUsers with an envelope fault", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`),
			http.StatusInternalServerError, envelope{Code: 2001, Error: "An unexpected error occurred. Retry later."})
	}
	// The fault answered instead of the fake: nothing was tagged.
	h.wantUnchanged(t, "tagUsers answered by a fault", before)
	// Other methods and paths are served.
	if r := h.Do(t, http.MethodPost, "/rest/3.0/untagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != http.StatusOK {
		t.Errorf("POST untagUsers with a tagUsers fault = %v, want 200", r)
	}
	if r := h.Do(t, http.MethodGet, "/rest/3.0/tagUsers", ""); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET tagUsers with a POST tagUsers fault = %v, want the usual 405", r)
	}
	want.Hits = 3
	if diff := cmp.Diff([]faultRule{want}, h.mustFaults(t, testKey)); diff != "" {
		t.Errorf("GET /_mock/faults after 3 hits mismatch (-want +got):\n%s", diff)
	}
	// The journal records what the client got.
	page := h.mustRequests(t, testKey, "method=POST&path=tagUsers")
	if page.Count != 3 || page.Requests[0].Status != 500 || string(page.Requests[0].Response) != `{"code":2001,"error":"An unexpected error occurred. Retry later."}` {
		t.Errorf("GET /_mock/requests?method=POST&path=tagUsers = %+v, want 3 entries with the fault's 500 and envelope", page)
	}
}

func TestFaultRawBody(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"getDevices","status":503,"body":"<h1>upstream down</h1>","contentType":"text/html"}`)
	h.MustFault(t, testKey, `{"path":"getDeviceTokens","status":502,"body":"bad gateway"}`)
	h.MustFault(t, testKey, `{"path":"getSegments","status":204}`)
	tests := []struct {
		path              string
		status            int
		contentType, body string
	}{
		{"/rest/3.0/getDevices?extId=id1", 503, "text/html", "<h1>upstream down</h1>"},
		{"/rest/3.0/getDeviceTokens", 502, "text/plain; charset=utf-8", "bad gateway"},
		{"/rest/3.0/getSegments", 204, "", ""},
	}
	for _, tt := range tests {
		r := h.Do(t, http.MethodGet, tt.path, "")
		if r.Status != tt.status || r.Header.Get("Content-Type") != tt.contentType || string(r.Body) != tt.body {
			t.Errorf("GET %s with a raw fault = %d %q %q, want %d %q %q", tt.path, r.Status, r.Header.Get("Content-Type"), r.Body,
				tt.status, tt.contentType, tt.body)
		}
	}
}

func TestFaultLatencyOnly(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	plain := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	h.MustFault(t, testKey, `{"path":"getDevices","latencyMs":1}`)
	for i := range 2 {
		r := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
		if r.Status != http.StatusOK || !bytes.Equal(r.Body, plain.Body) {
			t.Errorf("GET getDevices #%d with a latency-only fault = %v, want the normal answer %v", i+1, r, plain)
		}
	}
	wantOK(t, "tagUsers with a latency rule on getDevices", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`))
	if got := h.mustFaults(t, testKey); len(got) != 1 || got[0].Hits != 2 {
		t.Errorf("GET /_mock/faults = %+v, want the latency rule with 2 hits", got)
	}
}

func TestFaultTimes(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	got := h.MustFault(t, testKey, `{"path":"tagUsers","status":500,"code":2001,"error":"down","times":2}`)
	if got.Remaining == nil || *got.Remaining != 2 || got.Times != 2 {
		t.Errorf("POST /_mock/faults with times 2 = %+v, want remaining 2", got)
	}
	var statuses []int
	for range 4 {
		statuses = append(statuses, h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"T","extIds":["id1"]}`).Status)
	}
	if want := []int{500, 500, 200, 200}; !cmp.Equal(statuses, want) {
		t.Errorf("4 tagUsers with a rule of times 2 answered %v, want %v", statuses, want)
	}
	list := h.mustFaults(t, testKey)
	if len(list) != 1 || list[0].Hits != 2 || list[0].Remaining == nil || *list[0].Remaining != 0 {
		t.Errorf("GET /_mock/faults after the rule was used up = %+v, want hits 2, remaining 0", list)
	}
	if u := h.MustUser(t, "id1"); !strings.Contains(strings.Join(u.Tags, ","), "T") {
		t.Errorf("after the rule was used up, tagUsers did not tag id1: tags %q", u.Tags)
	}
}

// faultSequence sends n getDevices to a fresh server with seed whose
// only rule fails half the requests, and returns the statuses.
func faultSequence(t *testing.T, seed int64, n int) []int {
	t.Helper()
	h := MustHarness(t, mockserver.Options{FaultSeed: seed})
	h.MustFault(t, testKey, `{"path":"getDevices","status":503,"probability":0.5}`)
	var out []int
	failed := 0
	for range n {
		s := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "").Status
		if s == 503 {
			failed++
		}
		out = append(out, s)
	}
	if got := h.mustFaults(t, testKey); len(got) != 1 || got[0].Hits != failed {
		t.Errorf("GET /_mock/faults = %+v, want hits %d, the requests it failed", got, failed)
	}
	return out
}

func TestFaultProbabilityIsSeeded(t *testing.T) {
	t.Parallel()
	const n = 40
	first, second := faultSequence(t, 42, n), faultSequence(t, 42, n)
	if !cmp.Equal(first, second) {
		t.Errorf("the same FaultSeed gave different outcomes:\n%v\n%v", first, second)
	}
	counts := map[int]int{}
	for _, s := range first {
		counts[s]++
	}
	if len(counts) != 2 || counts[200] == 0 || counts[503] == 0 {
		t.Errorf("probability 0.5 over %d requests answered %v, want both 200s and 503s", n, counts)
	}
	if other := faultSequence(t, 43, n); cmp.Equal(first, other) {
		t.Errorf("FaultSeed 42 and 43 gave the same %d outcomes: the seed is not used", n)
	}
}

func TestFaultRetryAfter(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"getDeviceTokens","status":429,"code":429,"error":"Too many requests","retryAfter":3}`)
	r := h.Do(t, http.MethodGet, "/rest/3.0/getDeviceTokens", "")
	wantError(t, "GET getDeviceTokens with a 429 fault", r, http.StatusTooManyRequests, envelope{Code: 429, Error: "Too many requests"})
	if got := r.Header.Get("Retry-After"); got != "3" {
		t.Errorf("GET getDeviceTokens with a 429 fault: Retry-After %q, want 3", got)
	}
	if got := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "").Header.Get("Retry-After"); got != "" {
		t.Errorf("GET getDevices (no rule): Retry-After %q, want none", got)
	}
}

// noKeepAlive is a client that opens a connection per request, so that a
// dropped connection is an error rather than a silent retry.
var noKeepAlive = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}

// pollJournal waits (at most 10s) until key's journal has n entries for
// path, and returns them: an entry is added once the request is over,
// which the client may learn of first.
func (h *harness) pollJournal(t *testing.T, key, path string, n int) []journalEntry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if page := h.mustRequests(t, key, "path="+path); page.Count >= n {
			return page.Requests
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s the journal has fewer than %d entries for %s", n, path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	before := h.MustState(t, testKey)
	h.MustFault(t, testKey, `{"path":"disablePush","drop":true}`)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		req, err := http.NewRequest(method, h.URL+"/rest/3.0/disablePush", strings.NewReader(`{"extId":"id1"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-netmera-api-key", testKey)
		resp, err := noKeepAlive.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Errorf("%s disablePush with a drop rule = %d %q, want no answer (a connection error)", method, resp.StatusCode, b)
		}
	}
	h.wantUnchanged(t, "disablePush dropped", before)
	entries := h.pollJournal(t, testKey, "disablePush", 2)
	for _, e := range entries {
		if e.Status != 0 || len(e.Response) != 0 {
			t.Errorf("the journal entry of the dropped %s disablePush = %+v, want status 0 and no response", e.Method, e)
		}
	}
	if len(entries) != 2 {
		t.Errorf("the journal holds %d entries for disablePush, want the 2 dropped", len(entries))
	}
}

// TestFaultClientGone checks what the journal says of a request whose
// client gave up during the fault's latency: no answer, status 0.
func TestFaultClientGone(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"getDevices","latencyMs":30000}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+"/rest/3.0/getDevices?extId=id1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", testKey)
	done := make(chan error, 1)
	go func() {
		resp, err := noKeepAlive.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// The rule counts a hit when the request arrives, before the wait.
	deadline := time.Now().Add(10 * time.Second)
	for h.mustFaults(t, testKey)[0].Hits == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s the latency rule has no hit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled GET getDevices returned %v, want context.Canceled", err)
	}
	if e := h.pollJournal(t, testKey, "getDevices", 1)[0]; e.Status != 0 || len(e.Response) != 0 {
		t.Errorf("the journal entry of a request whose client left during the latency = status %d response %s, want status 0 and no response", e.Status, e.Response)
	}
}

func TestFaultExtID(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"*","extId":"id2","status":500,"code":2001,"error":"id2 is cursed"}`)
	tests := []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`, 200},
		{http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1","id2"]}`, 500},
		{http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{}},{"extId":"id2","profile":{}}]`, 500},
		{http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{"name":"id2"}}]`, 200},
		{http.MethodGet, "/rest/3.0/getDevices?extId=id2", "", 500},
		{http.MethodGet, "/rest/3.0/getDevices?extId=id22", "", 200},
		{http.MethodGet, "/rest/3.0/getCategoryPreferences?externalId=id2", "", 500},
		{http.MethodGet, "/rest/3.0/getDeviceTokens", "", 200},
		{http.MethodPost, "/rest/3.0/enablePush", `{"extId":"id2"}`, 500},
		{http.MethodPost, "/rest/3.0/enablePush", `{"deviceToken":"id2"}`, 200},
	}
	for _, tt := range tests {
		if r := h.Do(t, tt.method, tt.path, tt.body); r.Status != tt.want {
			t.Errorf("%s %s %s with a rule for extId id2 = %v, want %d", tt.method, tt.path, tt.body, r, tt.want)
		}
	}
}

func TestFaultRejects(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"id":"mine","path":"tagUsers","status":500}`)
	bad := []struct{ name, body string }{
		{"not JSON", `{"path":`},
		{"empty body", ``},
		{"unknown field", `{"path":"tagUsers","status":500,"statusCode":500}`},
		{"no path", `{"status":500}`},
		{"star inside the path", `{"path":"tag*Users","status":500}`},
		{"does nothing", `{"path":"tagUsers"}`},
		{"status out of range", `{"path":"tagUsers","status":99}`},
		{"status too high", `{"path":"tagUsers","status":600}`},
		{"drop with a status", `{"path":"tagUsers","drop":true,"status":500}`},
		{"drop with a body", `{"path":"tagUsers","drop":true,"body":"x"}`},
		{"body and envelope", `{"path":"tagUsers","status":500,"body":"x","code":1}`},
		{"content type without body", `{"path":"tagUsers","status":500,"contentType":"text/html"}`},
		{"answer without status", `{"path":"tagUsers","retryAfter":3}`},
		{"probability over 1", `{"path":"tagUsers","status":500,"probability":1.5}`},
		{"negative times", `{"path":"tagUsers","status":500,"times":-1}`},
		{"negative latency", `{"path":"tagUsers","latencyMs":-5}`},
		{"bad method", `{"method":"P0ST","path":"tagUsers","status":500}`},
		{"bad id", `{"id":"a b","path":"tagUsers","status":500}`},
		{"id taken", `{"id":"mine","path":"untagUsers","status":500}`},
		{"204 with a body", `{"path":"tagUsers","status":204,"body":"x"}`},
		{"wrong type", `{"path":"tagUsers","status":"500"}`},
		{"negative priority", `{"path":"tagUsers","status":500,"priority":-1}`},
		{"latency over the limit", `{"path":"tagUsers","latencyMs":30001}`},
		{"body too long", `{"path":"tagUsers","status":200,"body":"` + strings.Repeat("b", 64<<10+1) + `"}`},
		{"header value with CR LF", `{"path":"tagUsers","status":200,"headers":{"X-A":"1\r\nSet-Cookie: a=b"}}`},
		{"header name with a space", `{"path":"tagUsers","status":200,"headers":{"X A":"1"}}`},
		{"Content-Length header", `{"path":"tagUsers","status":200,"headers":{"Content-Length":"3"}}`},
		{"the fault header", `{"path":"tagUsers","status":200,"headers":{"X-Netmera-Mock-Fault":"f9"}}`},
		{"header of a list", `{"path":"tagUsers","status":200,"headers":{"X-A":["1","2"]}}`},
		{"headers without status", `{"path":"tagUsers","latencyMs":5,"headers":{"X-A":"1"}}`},
	}
	for _, tt := range bad {
		wantProblemStatus(t, "POST /_mock/faults "+tt.name, h.Do(t, http.MethodPost, "/_mock/faults", tt.body), http.StatusBadRequest, "/_mock/faults")
	}
	want := []faultRule{{ID: "mine", Priority: 5, Path: "/rest/3.0/tagUsers", Status: 500}}
	if diff := cmp.Diff(want, h.mustFaults(t, testKey)); diff != "" {
		t.Errorf("GET /_mock/faults after refused rules mismatch (-want +got):\n%s", diff)
	}
}

func TestFaultDelete(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"tagUsers","status":500}`)
	h.MustFault(t, testKey, `{"path":"untagUsers","status":501}`)
	h.MustFault(t, testKey, `{"path":"getDevices","status":502}`)
	h.MustFault(t, otherKey, `{"path":"tagUsers","status":503}`)

	if r := h.Do(t, http.MethodDelete, "/_mock/faults/f2", ""); r.Status != http.StatusNoContent || len(r.Body) != 0 {
		t.Errorf("DELETE /_mock/faults/f2 = %v, want 204 with no body", r)
	}
	var ids []string
	for _, f := range h.mustFaults(t, testKey) {
		ids = append(ids, f.ID)
	}
	if !cmp.Equal(ids, []string{"f3", "f1"}) {
		t.Errorf("rules after deleting f2 = %v, want [f3 f1] (the newest first)", ids)
	}
	if r := h.Do(t, http.MethodPost, "/rest/3.0/untagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != http.StatusOK {
		t.Errorf("untagUsers after its rule was deleted = %v, want 200", r)
	}
	wantProblemStatus(t, "DELETE /_mock/faults/f2 again", h.Do(t, http.MethodDelete, "/_mock/faults/f2", ""), http.StatusNotFound, "/_mock/faults/f2")

	var cleared struct {
		Cleared int `json:"cleared"`
	}
	h.control(t, testKey, http.MethodDelete, "/_mock/faults", "", http.StatusOK, &cleared)
	if cleared.Cleared != 2 || len(h.mustFaults(t, testKey)) != 0 {
		t.Errorf("DELETE /_mock/faults = %+v, want 2 cleared and none left", cleared)
	}
	if r := h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != http.StatusOK {
		t.Errorf("tagUsers after DELETE /_mock/faults = %v, want 200", r)
	}
	// The other tenant's rule is untouched and still fires for it only.
	if got := h.mustFaults(t, otherKey); len(got) != 1 || got[0].Status != 503 {
		t.Errorf("the other tenant's rules after %s cleared its own = %+v, want its 503 rule", testKey, got)
	}
	if r := h.DoKey(t, otherKey, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != 503 {
		t.Errorf("tagUsers as %s = %v, want its rule's 503", otherKey, r)
	}
	// Numbering restarts after a clear.
	if got := h.MustFault(t, testKey, `{"path":"tagUsers","status":500}`); got.ID != "f1" {
		t.Errorf("the first rule after a clear got id %s, want f1", got.ID)
	}
}
