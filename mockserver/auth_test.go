package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

var badKey = envelope{Code: 2010, Error: "API key is invalid"}

// TestEveryRouteRefusesBadKeys loops over Server.Routes: no endpoint may
// answer, or change anything, without the right key.
func TestEveryRouteRefusesBadKeys(t *testing.T) {
	t.Parallel()
	for _, status := range []int{0, http.StatusForbidden, http.StatusUnauthorized} {
		h := MustHarness(t, mockserver.Options{AuthStatus: status})
		want := status
		if want == 0 {
			want = http.StatusForbidden
		}
		keys := []struct{ name, key string }{
			{"no key", ""},
			{"wrong key", "wrong-key"},
			{"key in upper case", strings.ToUpper(testKey)},
			{"key prefix", testKey[:len(testKey)-1]},
			{"key suffix", testKey + "x"},
		}
		routes := h.Server.Routes()
		if len(routes) < 26 {
			t.Fatalf("Server.Routes() = %d routes %v, want at least the 26 implemented endpoints", len(routes), routes)
		}
		for _, route := range routes {
			method, path, _ := strings.Cut(route, " ")
			for _, k := range keys {
				t.Run(http.StatusText(want)+" "+route+" "+k.name, func(t *testing.T) {
					before := h.MustState(t, testKey)
					call := route + " with " + k.name
					r := h.DoKey(t, k.key, method, path+"?extId=id1&externalId=id1&id=5883", `{"extIds":["id1"],"tag":"x","extId":"id1"}`, iosHeader, "IOS")
					wantError(t, call, r, want, badKey)
					h.wantUnchanged(t, call, before)
				})
			}
		}
	}
}

// TestAPIKeyHeaderCase sends the key header spelled as clients spell it.
func TestAPIKeyHeaderCase(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	for _, name := range []string{"X-netmera-api-key", "x-netmera-api-key", "X-NETMERA-API-KEY", "X-Netmera-Api-Key"} {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, h.URL+"/rest/3.0/getDevices?extId=id1", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header[name] = []string{testKey} // sent as spelled, not canonicalised
			if r := h.MustSend(t, req); r.Status != http.StatusOK {
				t.Errorf("GET getDevices with header %q = %v, want 200", name, r)
			}
			req.Header[name] = []string{"wrong"}
			wantError(t, "GET getDevices with a wrong key in "+name, h.MustSend(t, req), http.StatusForbidden, badKey)
		})
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	store := MustHarness(t, mockserver.Options{}).Store
	tests := []struct {
		name    string
		opts    mockserver.Options
		wantErr bool
	}{
		{name: "zero", opts: mockserver.Options{}},
		{name: "401", opts: mockserver.Options{AuthStatus: 401}},
		{name: "auth 500", opts: mockserver.Options{AuthStatus: 500}, wantErr: true},
		{name: "single object accept", opts: mockserver.Options{SingleObject: mockserver.SingleObjectAccept}},
		{name: "single object unknown", opts: mockserver.Options{SingleObject: "sometimes"}, wantErr: true},
		{name: "shape legacy", opts: mockserver.Options{DeviceTokenShape: mockserver.ShapeLegacy}},
		{name: "shape unknown", opts: mockserver.Options{DeviceTokenShape: "v2"}, wantErr: true},
		{name: "negative body limit", opts: mockserver.Options{MaxBodyBytes: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := mockserver.New(store, tt.opts)
			if (err != nil) != tt.wantErr || (err == nil) == (srv == nil) {
				t.Errorf("mockserver.New(store, %+v) = %v, %v; want an error: %v", tt.opts, srv, err, tt.wantErr)
			}
		})
	}
	if srv, err := mockserver.New(nil, mockserver.Options{}); err == nil {
		t.Errorf("mockserver.New(nil, {}) = %v, nil; want an error", srv)
	}
}
