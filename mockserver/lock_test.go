package mockserver_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// The lock on /_mock/: Options.AdminToken and Options.NoControl.

// controlRoutes is every /_mock/ call but health and ready, in an order
// where each succeeds, with the status it answers.
func controlRoutes(export []byte) []struct {
	method, path, body string
	status             int
} {
	return []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/_mock/state", "", http.StatusOK},
		{http.MethodPut, "/_mock/state", string(export), http.StatusOK},
		{http.MethodPost, "/_mock/reset", "", http.StatusOK},
		{http.MethodPost, "/_mock/reset?all=true", "", http.StatusOK},
		{http.MethodPost, "/_mock/seed", `{"seed":2,"users":5}`, http.StatusOK},
		{http.MethodPost, "/_mock/users", `{"extId":"x"}`, http.StatusOK},
		{http.MethodPost, "/_mock/devices", `{"platform":"IOS"}`, http.StatusOK},
		{http.MethodPost, "/_mock/segments", `{"name":"x"}`, http.StatusOK},
		{http.MethodPost, "/_mock/attributes", `{"code":"x","dataType":"STRING"}`, http.StatusOK},
		{http.MethodPost, "/_mock/categories", `{"name":"x"}`, http.StatusOK},
		{http.MethodPost, "/_mock/messages", `{"title":"x"}`, http.StatusOK},
		{http.MethodGet, "/_mock/requests", "", http.StatusOK},
		{http.MethodGet, "/_mock/requests?summary=true&after=3", "", http.StatusOK},
		{http.MethodGet, "/_mock/requests/1", "", http.StatusNotFound},
		{http.MethodGet, "/_mock/users?email=x%40example.com", "", http.StatusNotFound},
		{http.MethodGet, "/_mock/segments", "", http.StatusOK},
		{http.MethodGet, "/_mock/inbox?extId=x", "", http.StatusOK},
		{http.MethodGet, "/_mock/notifications?limit=5", "", http.StatusOK},
		{http.MethodDelete, "/_mock/requests", "", http.StatusOK},
		{http.MethodPost, "/_mock/faults", `{"path":"/nowhere","status":500}`, http.StatusCreated},
		{http.MethodGet, "/_mock/faults", "", http.StatusOK},
		{http.MethodDelete, "/_mock/faults/f1", "", http.StatusNoContent},
		{http.MethodDelete, "/_mock/faults", "", http.StatusOK},
		{http.MethodGet, "/_mock/openapi.yaml", "", http.StatusOK},
		{http.MethodGet, "/_mock/openapi.json", "", http.StatusOK},
		{http.MethodGet, "/_mock/nothing-here", "", http.StatusNotFound},
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	const token = "adm1n-T0ken-5ecret"
	h := MustHarness(t, mockserver.Options{AdminToken: token})
	before := h.MustStateWith(t, testKey, "Bearer "+token)
	for _, rt := range controlRoutes(before) {
		call := rt.method + " " + rt.path
		// Refused without the token, whatever else the request carries.
		for _, auth := range []string{"", "Bearer wrong", "Bearer " + token + "x", token, "Basic " + token, "Bearer"} {
			r := h.Do(t, rt.method, rt.path, rt.body, "Authorization", auth)
			path, _, _ := strings.Cut(rt.path, "?")
			wantProblemStatus(t, call+" with Authorization "+jsonString(auth), r, http.StatusUnauthorized, path)
			if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer ") {
				t.Errorf("%s with Authorization %q: WWW-Authenticate %q, want a Bearer challenge", call, auth, got)
			}
			if strings.Contains(string(r.Body), token) {
				t.Errorf("%s refused answer shows the admin token: %s", call, r.Body)
			}
		}
		if rt.method != http.MethodGet {
			h.wantUnchangedWith(t, call+" refused", before, "Bearer "+token)
		}
	}
	// And served with it.
	for _, rt := range controlRoutes(before) {
		call := rt.method + " " + rt.path + " with the admin token"
		if r := h.Do(t, rt.method, rt.path, rt.body, "Authorization", "Bearer "+token); r.Status != rt.status {
			t.Errorf("%s = %v, want %d", call, r, rt.status)
		}
	}
	// The scheme is case-insensitive, as HTTP has it.
	if r := h.Do(t, http.MethodGet, "/_mock/faults", "", "Authorization", "bearer "+token); r.Status != http.StatusOK {
		t.Errorf("GET /_mock/faults with Authorization \"bearer <token>\" = %v, want 200", r)
	}
	// Health and readiness stay open, and the API needs no token.
	for _, path := range []string{"/_mock/health", "/_mock/ready"} {
		if r := h.DoKey(t, "", http.MethodGet, path, ""); r.Status != http.StatusOK {
			t.Errorf("GET %s without a token = %v, want 200", path, r)
		}
	}
	if r := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", ""); r.Status != http.StatusOK {
		t.Errorf("GET getDevices without an admin token = %v, want 200: the token guards only /_mock/", r)
	}
	// The inspector's page holds no data: it is served without the token,
	// and asks for it to fetch anything.
	for _, path := range []string{"/_mock/ui/", "/_mock/ui/core.js"} {
		if r := h.DoKey(t, "", http.MethodGet, path, ""); r.Status != http.StatusOK {
			t.Errorf("GET %s without a token = %v, want 200", path, r)
		}
	}
	wantProblemStatus(t, "GET /_mock/stream without the token", h.Do(t, http.MethodGet, "/_mock/stream", ""), http.StatusUnauthorized, "/_mock/stream")
}

// MustStateWith is MustState with an Authorization header.
func (h *harness) MustStateWith(tb testing.TB, key, auth string) []byte {
	tb.Helper()
	r := h.DoKey(tb, key, http.MethodGet, "/_mock/state", "", "Authorization", auth)
	if r.Status != http.StatusOK {
		tb.Fatalf("GET /_mock/state = %v, want 200", r)
	}
	return r.Body
}

func (h *harness) wantUnchangedWith(tb testing.TB, what string, before []byte, auth string) {
	tb.Helper()
	if after := h.MustStateWith(tb, testKey, auth); !bytes.Equal(before, after) {
		tb.Errorf("%s changed the state, want nothing changed (-before +after):\n%s", what, cmp.Diff(string(before), string(after)))
	}
}

func TestNoControl(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{NoControl: true, AdminToken: "tok"})
	export := MustHarness(t, mockserver.Options{}).MustState(t, testKey)
	for _, rt := range controlRoutes(export) {
		path, _, _ := strings.Cut(rt.path, "?")
		for _, auth := range []string{"", "Bearer tok"} {
			wantProblemStatus(t, rt.method+" "+rt.path+" with control off", h.Do(t, rt.method, rt.path, rt.body, "Authorization", auth),
				http.StatusNotFound, path)
		}
	}
	for _, path := range []string{"/_mock/health", "/_mock/ready"} {
		if r := h.DoKey(t, "", http.MethodGet, path, ""); r.Status != http.StatusOK {
			t.Errorf("GET %s with control off = %v, want 200", path, r)
		}
	}
	for _, path := range []string{"/_mock/ui", "/_mock/ui/", "/_mock/ui/core.js", "/_mock/stream"} {
		wantProblemStatus(t, "GET "+path+" with control off", h.Do(t, http.MethodGet, path, ""), http.StatusNotFound, path)
	}
	// Nothing was changed, as the API itself sees it.
	if got, want := h.profileOf(t, "extId=id1"), seededID1(); !cmp.Equal(got, want) {
		t.Errorf("getProfileAttributes?extId=id1 after refused control calls = %v, want the seeded %v", got, want)
	}
	if got := h.devicesOf(t, "extId=ghost"); len(got) != 0 {
		t.Errorf("getDevices?extId=ghost after refused control calls = %v, want none", got)
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		path, contentType, prefix string
	}{
		{"/_mock/openapi.yaml", "application/yaml", "openapi: 3.0"},
		{"/_mock/openapi.json", "application/json", `{`},
	}
	for _, tt := range tests {
		r := h.DoKey(t, "", http.MethodGet, tt.path, "")
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != tt.contentType || !bytes.Contains(r.Body, []byte(tt.prefix)) {
			t.Errorf("GET %s = %d %s, want 200 %s holding %q", tt.path, r.Status, r.Header.Get("Content-Type"), tt.contentType, tt.prefix)
		}
	}
}
