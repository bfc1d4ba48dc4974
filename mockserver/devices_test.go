package mockserver_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

type deviceView struct {
	Platform      string `json:"platform"`
	Token         string `json:"token"`
	DeviceModel   string `json:"deviceModel"`
	PushPermitted bool   `json:"pushPermitted"`
}

// devicesOf reads getDevices.
func (h *harness) devicesOf(tb testing.TB, query string) []deviceView {
	tb.Helper()
	var got struct {
		ExtID   string       `json:"extId"`
		Devices []deviceView `json:"devices"`
	}
	wantJSON(tb, "GET getDevices?"+query, h.Do(tb, http.MethodGet, "/rest/3.0/getDevices?"+query, ""), &got)
	return got.Devices
}

func TestGetDevices(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	android := deviceView{"ANDROID", "a1b2c3d4e5f6g7", "Pixel 5", true}
	ios := deviceView{"IOS", "ios-token-id1", "iPhone 13", false}
	tests := []struct {
		name, query string
		want        []deviceView
	}{
		{name: "all installed", query: "extId=id1", want: []deviceView{android, ios}},
		{name: "pushPermitted=false is all", query: "extId=id1&pushPermitted=false", want: []deviceView{android, ios}},
		{name: "pushPermitted=true", query: "extId=id1&pushPermitted=true", want: []deviceView{android}},
		{name: "device without token", query: "extId=id2", want: []deviceView{{"CHROME", "chrome-token-id2", "", true}, {"IOS", "", "iPhone SE", false}}},
		{name: "unknown user", query: "extId=ghost", want: []deviceView{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, h.devicesOf(t, tt.query)); diff != "" {
				t.Errorf("GET getDevices?%s mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
	r := h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=ghost", "")
	if want := `{"extId":"ghost","devices":[]}` + "\n"; string(r.Body) != want {
		t.Errorf("GET getDevices?extId=ghost = %v, want %q", r, want)
	}
}

func TestSetPush(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body string
		query            string // getDevices query to read back
		want             []bool // pushPermitted of each device, in order
	}{
		{name: "disable by extId", path: "disablePush", body: `{"extId":"id1"}`, query: "extId=id1", want: []bool{false, false}},
		{name: "enable by extId", path: "enablePush", body: `{"extId":"id1"}`, query: "extId=id1", want: []bool{true, true}},
		{name: "disable by token", path: "disablePush", body: `{"deviceToken":"a1b2c3d4e5f6g7"}`, query: "extId=id1", want: []bool{false, false}},
		{name: "enable by token", path: "enablePush", body: `{"deviceToken":"ios-token-id1"}`, query: "extId=id1", want: []bool{true, true}},
		{name: "extId wins over token", path: "disablePush", body: `{"extId":"id2","deviceToken":"a1b2c3d4e5f6g7"}`, query: "extId=id1", want: []bool{true, false}},
		{name: "unknown extId", path: "disablePush", body: `{"extId":"ghost"}`, query: "extId=id1", want: []bool{true, false}},
		{name: "unknown token", path: "disablePush", body: `{"deviceToken":"ghost"}`, query: "extId=id1", want: []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			call := "POST " + tt.path + " " + tt.body
			wantOK(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body))
			var got []bool
			for _, d := range h.devicesOf(t, tt.query) {
				got = append(got, d.PushPermitted)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("after %s, pushPermitted of getDevices?%s mismatch (-want +got):\n%s", call, tt.query, diff)
			}
		})
	}
}

type tokensPage struct {
	NextPage *string          `json:"nextPage"`
	Total    int              `json:"total"`
	Devices  []map[string]any `json:"devices"`
}

// tokensAt reads one page of getDeviceTokens from an absolute URL.
func (h *harness) tokensAt(tb testing.TB, target string, headers ...string) (tokensPage, reply) {
	tb.Helper()
	var p tokensPage
	r := h.Do(tb, http.MethodGet, target, "", headers...)
	wantJSON(tb, "GET "+target, r, &p)
	return p, r
}

func TestGetDeviceTokensWalk(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	var want []string
	for _, d := range testDataset().Devices {
		want = append(want, d.InstallationID)
	}
	for _, size := range []int{5, 7, 10, 57, 56, 1000} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			var got []string
			next := h.URL + "/rest/3.0/getDeviceTokens?max=" + strconv.Itoa(size) + "&offset=0"
			for pages := 0; next != ""; pages++ {
				if pages > len(want) {
					t.Fatalf("walking getDeviceTokens with max=%d: more than %d pages", size, len(want))
				}
				p, r := h.tokensAt(t, next)
				if strings.Contains(string(r.Body), `\u0026`) {
					t.Errorf("GET %s: body escapes & as \\u0026: %s", next, r.Body)
				}
				if p.Total != testDevices {
					t.Errorf("GET %s: total %d, want %d", next, p.Total, testDevices)
				}
				if len(p.Devices) > size {
					t.Errorf("GET %s: %d devices, want at most %d", next, len(p.Devices), size)
				}
				for _, d := range p.Devices {
					got = append(got, d["installationId"].(string))
				}
				next = ""
				if p.NextPage != nil {
					next = *p.NextPage
					if !strings.HasPrefix(next, h.URL+"/rest/3.0/getDeviceTokens?") {
						t.Fatalf("GET getDeviceTokens: nextPage %q, want an absolute URL on %s", next, h.URL)
					}
					if len(p.Devices) != size {
						t.Errorf("GET getDeviceTokens: a page of %d devices has a nextPage, want %d", len(p.Devices), size)
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("walking getDeviceTokens with max=%d did not give every device once, in order (-want +got):\n%s", size, diff)
			}
		})
	}
}

func TestGetDeviceTokensPaging(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name     string
		query    string
		headers  []string
		wantN    int
		wantNext string // "" for no nextPage; a leading "/" is on the test server
	}{
		{name: "defaults", query: "", wantN: 10, wantNext: "/rest/3.0/getDeviceTokens?offset=10&max=10"},
		{name: "doc example", query: "max=10&offset=0", wantN: 10, wantNext: "/rest/3.0/getDeviceTokens?offset=10&max=10"},
		{name: "last page", query: "max=10&offset=50", wantN: 7},
		{name: "exactly the end", query: "max=7&offset=50", wantN: 7},
		{name: "past the end", query: "offset=57", wantN: 0},
		{name: "far past the end", query: "offset=9223372036854775807", wantN: 0},
		{name: "forwarded", query: "max=10", headers: []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "restapi.netmera.com"},
			wantN: 10, wantNext: "https://restapi.netmera.com/rest/3.0/getDeviceTokens?offset=10&max=10"},
		{name: "forwarded lists", query: "max=10", headers: []string{"X-Forwarded-Proto", "https, http", "X-Forwarded-Host", "proxy.example:8443, inner"},
			wantN: 10, wantNext: "https://proxy.example:8443/rest/3.0/getDeviceTokens?offset=10&max=10"},
		{name: "forwarded proto in upper case", query: "max=10", headers: []string{"X-Forwarded-Proto", "HTTPS", "X-Forwarded-Host", "restapi.netmera.com"},
			wantN: 10, wantNext: "https://restapi.netmera.com/rest/3.0/getDeviceTokens?offset=10&max=10"},
		{name: "bogus forwarded proto", query: "max=10", headers: []string{"X-Forwarded-Proto", "gopher"},
			wantN: 10, wantNext: "/rest/3.0/getDeviceTokens?offset=10&max=10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/rest/3.0/getDeviceTokens?" + tt.query
			p, r := h.tokensAt(t, target, tt.headers...)
			if len(p.Devices) != tt.wantN {
				t.Errorf("GET %s: %d devices, want %d", target, len(p.Devices), tt.wantN)
			}
			want := tt.wantNext
			if strings.HasPrefix(want, "/") {
				want = h.URL + want
			}
			var got string
			if p.NextPage != nil {
				got = *p.NextPage
			}
			if got != want {
				t.Errorf("GET %s %v: nextPage %q, want %q", target, tt.headers, got, want)
			}
			if tt.wantNext == "" && strings.Contains(string(r.Body), "nextPage") {
				t.Errorf("GET %s = %s, want no nextPage field on the last page", target, r.Body)
			}
		})
	}
}

func TestGetDeviceTokensMaxClamped(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1200, 1200, 0), nil }, state.Settings{}, mockserver.Options{}, testKey)
	p, _ := h.tokensAt(t, "/rest/3.0/getDeviceTokens?max=5000")
	if len(p.Devices) != 1000 || p.NextPage == nil || *p.NextPage != h.URL+"/rest/3.0/getDeviceTokens?offset=1000&max=1000" {
		t.Errorf("GET getDeviceTokens?max=5000 over 1200 devices: %d devices, nextPage %v; want 1000 and offset=1000&max=1000", len(p.Devices), p.NextPage)
	}
	p, _ = h.tokensAt(t, *p.NextPage)
	if len(p.Devices) != 200 || p.NextPage != nil || p.Total != 1200 {
		t.Errorf("GET the second page: %d devices, nextPage %v, total %d; want 200, none, 1200", len(p.Devices), p.NextPage, p.Total)
	}
}

func TestDeviceTokenShapes(t *testing.T) {
	t.Parallel()
	// Devices 3..6 of testDataset: a linked device, one linked to a user with
	// push disabled, an unlinked one and one without token.
	tests := []struct {
		shape string
		want  []map[string]any
	}{
		{shape: mockserver.ShapeBoth, want: []map[string]any{
			{"installationId": "inst-my-device", "extId": "id_in_my_system_1", "platform": "IOS", "deviceToken": "my_device_token", "token": "my_device_token", "deviceModel": "iPhone 15", "pushPermitted": true},
			{"installationId": "inst-id2-chrome", "extId": "id2", "platform": "CHROME", "deviceToken": "chrome-token-id2", "token": "chrome-token-id2", "pushPermitted": true},
			{"installationId": "inst-anon", "platform": "ANDROID", "deviceToken": "anon-token", "token": "anon-token", "deviceModel": "Pixel 6", "pushPermitted": false},
			{"installationId": "inst-id2-notoken", "extId": "id2", "platform": "IOS", "deviceModel": "iPhone SE", "pushPermitted": false},
		}},
		{shape: mockserver.ShapeLegacy, want: []map[string]any{
			{"platform": "IOS", "token": "my_device_token", "deviceModel": "iPhone 15", "pushPermitted": true},
			{"platform": "CHROME", "token": "chrome-token-id2", "pushPermitted": true},
			{"platform": "ANDROID", "token": "anon-token", "deviceModel": "Pixel 6", "pushPermitted": false},
			{"platform": "IOS", "deviceModel": "iPhone SE", "pushPermitted": false},
		}},
		{shape: mockserver.ShapeCurrent, want: []map[string]any{
			{"installationId": "inst-my-device", "extId": "id_in_my_system_1", "platform": "IOS", "deviceToken": "my_device_token"},
			{"installationId": "inst-id2-chrome", "extId": "id2", "platform": "CHROME", "deviceToken": "chrome-token-id2"},
			{"installationId": "inst-anon", "platform": "ANDROID", "deviceToken": "anon-token"},
			{"installationId": "inst-id2-notoken", "extId": "id2", "platform": "IOS"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.shape, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{DeviceTokenShape: tt.shape})
			p, _ := h.tokensAt(t, "/rest/3.0/getDeviceTokens?offset=3&max=4")
			if diff := cmp.Diff(tt.want, p.Devices); diff != "" {
				t.Errorf("GET getDeviceTokens?offset=3&max=4 with shape %q mismatch (-want +got):\n%s", tt.shape, diff)
			}
		})
	}
}

// TestNextPageIsFollowable checks that nextPage parses as a URL whose query
// round-trips through url.ParseQuery.
func TestNextPageIsFollowable(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	p, _ := h.tokensAt(t, "/rest/3.0/getDeviceTokens?max=3&offset=4&ignored=1")
	if p.NextPage == nil {
		t.Fatalf("GET getDeviceTokens?max=3&offset=4: no nextPage")
	}
	u, err := url.Parse(*p.NextPage)
	if err != nil {
		t.Fatalf("nextPage %q does not parse: %v", *p.NextPage, err)
	}
	if diff := cmp.Diff(url.Values{"offset": {"7"}, "max": {"3"}}, u.Query()); diff != "" {
		t.Errorf("nextPage %q query mismatch (-want +got):\n%s", *p.NextPage, diff)
	}
}
