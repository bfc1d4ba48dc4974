package mockserver_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// tenantReads are the reads of every kind of data a tenant holds.
var tenantReads = []struct {
	name, path string
	headers    []string
}{
	{name: "getProfileAttributes id1", path: "/rest/3.0/getProfileAttributes?extId=id1"},
	{name: "getProfileAttributes id2", path: "/rest/3.0/getProfileAttributes?extId=id2"},
	{name: "getProfileAttributes a new user", path: "/rest/3.0/getProfileAttributes?extId=tenant-a-user"},
	{name: "getProfileAttributes by token", path: "/rest/3.0/getProfileAttributes?deviceToken=tenant-a-token"},
	{name: "getDevices id1", path: "/rest/3.0/getDevices?extId=id1"},
	{name: "getDeviceTokens", path: "/rest/3.0/getDeviceTokens?max=1000"},
	{name: "getSegments", path: "/rest/3.0/getSegments", headers: []string{iosHeader, "IOS"}},
	{name: "getSegmentUsers brand", path: "/rest/3.0/getSegmentUsers?id=5884", headers: []string{iosHeader, "IOS"}},
	{name: "getSegmentUsers new", path: "/rest/3.0/getSegmentUsers?id=5887", headers: []string{iosHeader, "IOS"}},
	{name: "getCategoryPreferences", path: "/rest/3.0/getCategoryPreferences?externalId=id1"},
	{name: "app/profile-attributes", path: "/rest/3.0/app/profile-attributes"},
	{name: "state", path: "/_mock/state"},
}

// readAll reads every tenantReads entry as key, status and body.
func (h *harness) readAll(tb testing.TB, key string) map[string]reply {
	tb.Helper()
	out := map[string]reply{}
	for _, rd := range tenantReads {
		r := h.DoKey(tb, key, http.MethodGet, rd.path, "", rd.headers...)
		r.Header = nil
		out[rd.name] = r
	}
	return out
}

// TestTenantIsolation writes through one key with every kind of write and
// checks that no read through another key sees any of it: not the data,
// not the journal, not the fault rules.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	const a, b = testKey, otherKey
	bBefore := h.readAll(t, b)
	aBefore := h.readAll(t, a)
	for name, r := range aBefore {
		if r.Status != bBefore[name].Status || !bytes.Equal(r.Body, bBefore[name].Body) {
			t.Fatalf("before any write, %s differs between the tenants: %v and %v", name, r, bBefore[name])
		}
	}

	writes := []struct{ path, body string }{
		{"/rest/3.0/tagUsers", `{"tag":"A-only","extIds":["id1"]}`},
		{"/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{"name":"Alice"}}]`},
		{"/rest/3.0/disablePush", `{"extId":"id1"}`},
		{"/rest/3.0/setCategoryPreferences", `[{"extId":"id1","category":"Shopping","enable":false}]`},
		{"/rest/3.0/deleteUsersPermanently", `{"extIds":["id2"]}`},
		{"/rest/3.0/sendPushApproval", `[{"messageId":0}]`},
		{"/_mock/users", `{"extId":"tenant-a-user","profile":{"name":"A"}}`},
		{"/_mock/devices", `{"extId":"tenant-a-user","platform":"IOS","token":"tenant-a-token","pushPermitted":true}`},
		{"/_mock/segments", `{"name":"A's","createdAt":1900000000000,"members":["tenant-a-user"]}`},
		{"/_mock/attributes", `{"code":"aOnly","dataType":"STRING"}`},
		{"/_mock/categories", `{"name":"A-category"}`},
		{"/_mock/messages", `{"title":"A's message"}`},
	}
	for _, w := range writes {
		if r := h.DoKey(t, a, http.MethodPost, w.path, w.body); r.Status != http.StatusOK {
			t.Fatalf("POST %s %s as tenant A = %v, want 200", w.path, w.body, r)
		}
	}
	// Tenant A sees every one of its writes: each read changed.
	aAfter := h.readAll(t, a)
	for name, r := range aAfter {
		if r.Status == aBefore[name].Status && bytes.Equal(r.Body, aBefore[name].Body) {
			t.Errorf("%s as tenant A did not change after A's writes (%v): the test would prove nothing", name, r)
		}
	}
	if r := h.DoKey(t, a, http.MethodPost, "/_mock/faults", `{"path":"*","status":503,"code":503,"error":"A is down"}`); r.Status != http.StatusCreated {
		t.Fatalf("POST /_mock/faults as tenant A = %v, want 201", r)
	}

	// Tenant B sees none of it, byte for byte.
	bAfter := h.readAll(t, b)
	for _, rd := range tenantReads {
		if got, want := bAfter[rd.name], bBefore[rd.name]; got.Status != want.Status || !bytes.Equal(got.Body, want.Body) {
			t.Errorf("GET %s as tenant B after A's writes = %v, want it unchanged: %v", rd.path, got, want)
		}
	}
	// A's fault rule fires for A only.
	wantError(t, "GET getDevices as tenant A with its fault rule", h.DoKey(t, a, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""),
		http.StatusServiceUnavailable, envelope{Code: 503, Error: "A is down"})
	var faultList struct {
		Faults []faultRule `json:"faults"`
	}
	wantJSON(t, "GET /_mock/faults as B", h.DoKey(t, b, http.MethodGet, "/_mock/faults", ""), &faultList)
	if len(faultList.Faults) != 0 {
		t.Errorf("GET /_mock/faults as tenant B lists %+v, want none: the rules are A's", faultList.Faults)
	}
	if r := h.DoKey(t, b, http.MethodDelete, "/_mock/faults/f1", ""); r.Status != http.StatusNotFound {
		t.Errorf("DELETE /_mock/faults/f1 as tenant B = %v, want 404: f1 is A's", r)
	}
	wantJSON(t, "GET /_mock/faults as A", h.DoKey(t, a, http.MethodGet, "/_mock/faults", ""), &faultList)
	if len(faultList.Faults) != 1 || faultList.Faults[0].Hits != 1 {
		t.Errorf("GET /_mock/faults as tenant A = %+v, want its one rule with 1 hit (B's reads are not A's)", faultList.Faults)
	}

	// Each journal holds its own tenant's requests only.
	apiReads := 0
	for _, rd := range tenantReads {
		if strings.HasPrefix(rd.path, "/rest/") {
			apiReads++
		}
	}
	for _, tt := range []struct {
		key       string
		wantCount int
		wantPOSTs int
	}{
		{key: b, wantCount: 2 * apiReads},
		{key: a, wantCount: 2*apiReads + 6 + 1, wantPOSTs: 6},
	} {
		page := h.mustRequests(t, tt.key, "")
		posts := 0
		for _, e := range page.Requests {
			if got := e.Headers.Get("X-Netmera-Api-Key"); got != state.KeyID(tt.key) {
				t.Errorf("GET /_mock/requests as %s lists request %d %s %s made with key %s", state.KeyID(tt.key), e.Seq, e.Method, e.Path, got)
			}
			if e.Method == http.MethodPost {
				posts++
			}
		}
		if page.Count != tt.wantCount || posts != tt.wantPOSTs {
			t.Errorf("GET /_mock/requests as %s: %d requests, %d POSTs; want %d and %d", state.KeyID(tt.key), page.Count, posts, tt.wantCount, tt.wantPOSTs)
		}
	}
	// Clearing B's journal leaves A's.
	h.control(t, b, http.MethodDelete, "/_mock/requests", "", http.StatusOK, nil)
	if got := h.mustRequests(t, a, "").Count; got != 2*apiReads+7 {
		t.Errorf("after DELETE /_mock/requests as B, A's journal holds %d requests, want %d", got, 2*apiReads+7)
	}
	// Resetting A leaves B as it was.
	h.control(t, a, http.MethodPost, "/_mock/reset", "", http.StatusOK, nil)
	if got := h.MustState(t, b); !bytes.Equal(got, bBefore["state"].Body) {
		t.Errorf("POST /_mock/reset as A changed B's state")
	}
}

// TestAcceptAnyKey checks Store.AcceptAnyKey through the API: new keys get
// fresh, identically seeded, independent tenants up to the limit.
func TestAcceptAnyKey(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{},
		mockserver.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}, testKey)
	h.Store.AcceptAnyKey(2) // two keys besides testKey: configured keys do not count
	h.responses = nil       // the tenant limit's 503 is the fake's own, not in the document
	seeded := h.MustState(t, testKey)
	const k1, k2, k3 = "suite-one-3d9a", "suite-two-77e1", "suite-three-0bf4"

	for _, k := range []string{k1, k2} {
		if got := h.MustState(t, k); !bytes.Equal(got, seeded) {
			t.Errorf("GET /_mock/state with the new key %s is not the seeded state", state.KeyID(k))
		}
	}
	wantOK(t, "tagUsers as "+k1, h.DoKey(t, k1, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"One","extIds":["id1"]}`))
	wantOK(t, "deleteUsersPermanently as "+k1, h.DoKey(t, k1, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["id2"]}`))
	if got := h.MustState(t, k1); bytes.Equal(got, seeded) {
		t.Errorf("writes as %s did not change its tenant", state.KeyID(k1))
	}
	for _, k := range []string{testKey, k2} {
		if got := h.MustState(t, k); !bytes.Equal(got, seeded) {
			t.Errorf("writes as %s changed the tenant of %s", state.KeyID(k1), state.KeyID(k))
		}
	}
	if got := h.profileOf(t, "extId=id2"); got["name"] != "Jane" {
		t.Errorf("getProfileAttributes?extId=id2 as %s after %s deleted id2 = %v, want Jane", testKey, state.KeyID(k1), got)
	}

	// The limit: a fourth key gets an answer of its own, not a bad key's,
	// and the refusal is logged without the key.
	full := envelope{Code: 5022, Error: "Service usage quota is exceeded: netmera-mock already serves its limit of 2 apps (-max-tenants); this key gets no app of its own"}
	wantError(t, "GET getDevices with a key past the tenant limit", h.DoKey(t, k3, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""),
		http.StatusServiceUnavailable, full)
	if r := h.DoKey(t, k3, http.MethodGet, "/_mock/state", ""); r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "-max-tenants") {
		t.Errorf("GET /_mock/state with a key past the tenant limit = %v, want 503 naming -max-tenants", r)
	}
	if got := log.String(); !strings.Contains(got, "tenant limit reached") || strings.Contains(got, k3) {
		t.Errorf("the log after a key past the limit = %q, want a line saying the tenant limit was reached, without the key", got)
	}
	refused := envelope{Code: 2010, Error: "API key is invalid"}
	wantError(t, "POST tagUsers without a key", h.DoKey(t, "", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`),
		http.StatusForbidden, refused)
	wantError(t, "GET /_mock/state without a key", h.DoKey(t, "", http.MethodGet, "/_mock/state", ""), http.StatusForbidden, refused)
	// Known keys still work, and the health report counts three tenants.
	if r := h.DoKey(t, k2, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""); r.Status != http.StatusOK {
		t.Errorf("GET getDevices with %s once the limit is reached = %v, want 200", state.KeyID(k2), r)
	}
	var health struct {
		Tenants int `json:"tenants"`
	}
	wantJSON(t, "GET /_mock/health", h.DoKey(t, "", http.MethodGet, "/_mock/health", ""), &health)
	if health.Tenants != 3 {
		t.Errorf("GET /_mock/health counts %d tenants, want 3", health.Tenants)
	}
	// Each new tenant has its own journal.
	if got := h.mustRequests(t, k2, "").Count; got != 1 {
		t.Errorf("GET /_mock/requests as %s holds %d requests, want its 1 getDevices", state.KeyID(k2), got)
	}
	if got := h.mustRequests(t, k1, "method=POST").Count; got != 2 {
		t.Errorf("GET /_mock/requests?method=POST as %s holds %d requests, want its 2 writes", state.KeyID(k1), got)
	}
}

// TestResetAllNeedsAConfiguredKey: with AcceptAnyKey, a tenant let in by
// its key alone cannot reset the others; a configured key can.
func TestResetAllNeedsAConfiguredKey(t *testing.T) {
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return testDataset(), nil }), state.Settings{}, testKey)
	if err != nil {
		t.Fatal(err)
	}
	store.AcceptAnyKey(10)
	srv, err := mockserver.New(store, mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key string
		want      int
	}{
		{name: "no key", key: "", want: http.StatusForbidden},
		{name: "a key AcceptAnyKey let in", key: "suite-b", want: http.StatusForbidden},
		{name: "a configured key", key: testKey, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/_mock/reset?all=true", nil)
			if tt.key != "" {
				req.Header.Set("X-netmera-api-key", tt.key)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("POST /_mock/reset?all=true with key %q = %d %s, want %d", tt.key, rec.Code, rec.Body, tt.want)
			}
		})
	}
}
