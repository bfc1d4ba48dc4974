package mockserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// roundTrip is d as it reads back from JSON, the form /_mock/state has.
func roundTrip(tb testing.TB, d *state.Dataset) *state.Dataset {
	tb.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		tb.Fatalf("json.Marshal(dataset) = %v", err)
	}
	var out state.Dataset
	MustUnmarshal(tb, "the seed dataset", b, &out)
	return &out
}

func TestExportState(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	r := h.Do(t, http.MethodGet, "/_mock/state", "")
	var got state.Dataset
	wantJSON(t, "GET /_mock/state", r, &got)
	want := roundTrip(t, testDataset())
	if diff := cmp.Diff(want, &got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("GET /_mock/state on a fresh tenant differs from the seed (-want +got):\n%s", diff)
	}
	if again := h.MustState(t, testKey); !bytes.Equal(r.Body, again) {
		t.Errorf("GET /_mock/state twice gave different bytes:\n%s\n%s", r.Body, again)
	}
	wantError(t, "GET /_mock/state without a key", h.DoKey(t, "", http.MethodGet, "/_mock/state", ""),
		http.StatusForbidden, envelope{Code: 2010, Error: "API key is invalid"})
}

func TestHealth(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	type health struct {
		Status  string       `json:"status"`
		Tenants int          `json:"tenants"`
		Counts  state.Counts `json:"counts"`
		Uptime  string       `json:"uptime"`
	}
	check := func(what string, want state.Counts) {
		t.Helper()
		var got health
		wantJSON(t, "GET /_mock/health "+what, h.DoKey(t, "", http.MethodGet, "/_mock/health", ""), &got)
		if got.Uptime == "" {
			t.Errorf("GET /_mock/health %s: no uptime", what)
		}
		got.Uptime = ""
		if diff := cmp.Diff(health{Status: "ok", Tenants: 2, Counts: want}, got); diff != "" {
			t.Errorf("GET /_mock/health %s mismatch (-want +got):\n%s", what, diff)
		}
	}
	// Two tenants, each seeded with testDataset.
	seeded := state.Counts{Users: 2 * testUsers, Devices: 2 * testDevices, Segments: 2 * 4, Messages: 2 * 2}
	check("when seeded", seeded)

	wantOK(t, "POST deleteUsersPermanently externalid", h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["externalid"]}`))
	after := seeded
	after.Users--
	after.Devices--
	check("after deleting externalid and its device", after)
}

func TestResetIsPerTenant(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	seeded := h.MustState(t, testKey)
	if other := h.MustState(t, otherKey); !bytes.Equal(seeded, other) {
		t.Fatalf("the two tenants start from different states")
	}
	change := func(key string) {
		t.Helper()
		wantOK(t, "tagUsers", h.DoKey(t, key, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Reset","extIds":["id1"]}`))
		wantOK(t, "deleteUsersPermanently", h.DoKey(t, key, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["externalid"]}`))
	}

	// Writes through one key are invisible through the other.
	change(testKey)
	changed := h.MustState(t, testKey)
	if bytes.Equal(changed, seeded) {
		t.Fatalf("tagUsers and deleteUsersPermanently did not change the state")
	}
	if other := h.MustState(t, otherKey); !bytes.Equal(other, seeded) {
		t.Errorf("writes with %q changed the tenant of %q", testKey, otherKey)
	}
	change(otherKey)

	type resetReply struct {
		Status string       `json:"status"`
		Counts state.Counts `json:"counts"`
	}
	var rr resetReply
	wantJSON(t, "POST /_mock/reset", h.Do(t, http.MethodPost, "/_mock/reset", ""), &rr)
	// The counts are the caller's tenant's, back to its seeded size.
	if want := (resetReply{Status: "reset", Counts: state.Counts{Users: testUsers, Devices: testDevices, Segments: 4, Messages: 2}}); !cmp.Equal(want, rr) {
		t.Errorf("POST /_mock/reset mismatch (-want +got):\n%s", cmp.Diff(want, rr))
	}
	if got := h.MustState(t, testKey); !bytes.Equal(got, seeded) {
		t.Errorf("after POST /_mock/reset the caller's tenant is not its seeded state:\n%s", cmp.Diff(string(seeded), string(got)))
	}
	if got := h.MustState(t, otherKey); !bytes.Equal(got, changed) {
		t.Errorf("POST /_mock/reset with %q reset the tenant of %q too", testKey, otherKey)
	}

	change(testKey)
	wantJSON(t, "POST /_mock/reset?all=true", h.Do(t, http.MethodPost, "/_mock/reset?all=true", ""), &rr)
	for _, key := range []string{testKey, otherKey} {
		if got := h.MustState(t, key); !bytes.Equal(got, seeded) {
			t.Errorf("after POST /_mock/reset?all=true the tenant of %q is not its seeded state", key)
		}
	}

	wantError(t, "POST /_mock/reset with a wrong key", h.DoKey(t, "nope", http.MethodPost, "/_mock/reset", ""),
		http.StatusForbidden, envelope{Code: 2010, Error: "API key is invalid"})
}

// TestTenantsIsolated checks that every read of one tenant ignores the
// other's writes.
func TestTenantsIsolated(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	writes := []struct{ path, body string }{
		{"setProfileAttributes", `[{"extId":"id1","profile":{"name":"Other"}}]`},
		{"disablePush", `{"extId":"id1"}`},
		{"setCategoryPreferences", `[{"extId":"id1","category":"Shopping","enable":false}]`},
		{"deleteUsersPermanently", `{"extIds":["id2"]}`},
	}
	for _, w := range writes {
		wantOK(t, "POST "+w.path+" as "+otherKey, h.DoKey(t, otherKey, http.MethodPost, "/rest/3.0/"+w.path, w.body))
	}
	reads := []struct{ path, want string }{
		{"/rest/3.0/getProfileAttributes?extId=id1", `"name":"John"`},
		{"/rest/3.0/getDevices?extId=id1&pushPermitted=true", `"token":"a1b2c3d4e5f6g7"`},
		{"/rest/3.0/getCategoryPreferences?externalId=id1", `"Shopping":true`},
		{"/rest/3.0/getProfileAttributes?extId=id2", `"name":"Jane"`},
	}
	for _, rd := range reads {
		r := h.Do(t, http.MethodGet, rd.path, "")
		if r.Status != http.StatusOK || !strings.Contains(string(r.Body), rd.want) {
			t.Errorf("GET %s as %s after writes as %s = %v, want 200 containing %s", rd.path, testKey, otherKey, r, rd.want)
		}
	}
}

// TestRequestLog checks Options.Logger: one line per request at debug
// level, the key masked, and none at the default info level (a line per
// request is a write per request, which the hot path must not pay).
func TestRequestLog(t *testing.T) {
	t.Parallel()
	var quiet syncBuffer
	q := MustHarness(t, mockserver.Options{Logger: slog.New(slog.NewTextHandler(&quiet, nil))})
	q.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	if quiet.String() != "" {
		t.Errorf("at info level a request logged:\n%s", quiet.String())
	}
	var buf syncBuffer
	h := MustHarness(t, mockserver.Options{Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	h.DoKey(t, "", http.MethodPost, "/rest/3.0/tagUsers", "{}")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("the log has %d lines, want 2:\n%s", len(lines), buf.String())
	}
	for i, want := range []string{"path=/rest/3.0/getDevices status=200 key=key-", "path=/rest/3.0/tagUsers status=403 key=none"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("log line %d = %q, want it to contain %q", i, lines[i], want)
		}
	}
	if strings.Contains(buf.String(), testKey) {
		t.Errorf("the log shows the API key in clear:\n%s", buf.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestExportLoadsAgain seeds a second server with the first one's
// /_mock/state after a round of writes: its export must be the same bytes.
func TestExportLoadsAgain(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	writes := []struct{ path, body string }{
		{"tagUsers", `{"tag":["Sport","Ünicode"],"extIds":["id1","user-007"]}`},
		{"setProfileAttributes", `[{"extId":"id2","profile":{"age":9007199254740993,"score":0.1,"dateOfBirth":-1}}]`},
		{"pullProfileAttributes", `[{"extId":"id2","profile":{"lastVisitedProducts":["shirt"]}}]`},
		{"pushProfileAttributes", `[{"extId":"user-001","profile":{"lastVisitedCategories":["a","b"]}}]`},
		{"setCategoryPreferences", `[{"extId":"id2","category":"Haftalık Bülten","enable":false,"channel":"SMS"}]`},
		{"disablePush", `{"extId":"id1"}`},
		{"updateEmail", `{"extId":"id_in_my_system_1","email":"ayse@example.com"}`},
		{"updateMsisdn", `{"extId":"your-extId","msisdn":""}`},
		{"enableSms", `{"msisdnList":["905312345678"]}`},
		{"sendPushApproval", `[{"messageId":0}]`},
		{"deleteUsersPermanently", `{"extIds":["externalid","user-002"]}`},
	}
	for _, w := range writes {
		wantOK(t, "POST "+w.path+" "+w.body, h.Do(t, http.MethodPost, "/rest/3.0/"+w.path, w.body))
	}
	first := h.MustState(t, testKey)
	var d state.Dataset
	if err := json.Unmarshal(first, &d); err != nil { // as a fixtures file is read
		t.Fatalf("GET /_mock/state is not a Dataset: %v", err)
	}
	again := MustHarnessWith(t, func() (*state.Dataset, error) {
		var fresh state.Dataset
		err := json.Unmarshal(first, &fresh)
		return &fresh, err
	}, state.Settings{}, mockserver.Options{}, testKey)
	if second := again.MustState(t, testKey); !bytes.Equal(first, second) {
		t.Errorf("loading GET /_mock/state and exporting it again changed it (-first +second):\n%s", cmp.Diff(string(first), string(second)))
	}
}
