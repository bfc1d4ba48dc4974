package mockserver_test

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

var update = flag.Bool("update", false, "rewrite golden files")

// MustGolden compares got with testdata/golden/name.json, or rewrites the
// file under -update.
func MustGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading golden file: %v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		tb.Errorf("body differs from %s (-want +got); run go test -update if the change is intended:\n%s", path, diff)
	}
}

// TestGoldenReads compares the bodies of the read endpoints with golden
// files. Requests carry X-Forwarded-* so that nextPage URLs are stable.
func TestGoldenReads(t *testing.T) {
	t.Parallel()
	harnesses := map[string]*harness{
		mockserver.ShapeBoth:    MustHarness(t, mockserver.Options{}),
		mockserver.ShapeLegacy:  MustHarness(t, mockserver.Options{DeviceTokenShape: mockserver.ShapeLegacy}),
		mockserver.ShapeCurrent: MustHarness(t, mockserver.Options{DeviceTokenShape: mockserver.ShapeCurrent}),
	}
	tests := []struct {
		name  string
		shape string
		path  string
	}{
		{name: "getProfileAttributes-id1", path: "getProfileAttributes?extId=id1"},
		{name: "getProfileAttributes-token", path: "getProfileAttributes?deviceToken=my_device_token"},
		{name: "getProfileAttributes-unknown", path: "getProfileAttributes?extId=ghost"},
		{name: "getDevices-id1", path: "getDevices?extId=id1"},
		{name: "getDevices-id1-permitted", path: "getDevices?extId=id1&pushPermitted=true"},
		{name: "getDevices-unknown", path: "getDevices?extId=ghost"},
		{name: "getDeviceTokens-first", path: "getDeviceTokens"},
		{name: "getDeviceTokens-last", path: "getDeviceTokens?offset=50&max=10"},
		{name: "getDeviceTokens-legacy", shape: mockserver.ShapeLegacy, path: "getDeviceTokens?max=8"},
		{name: "getDeviceTokens-current", shape: mockserver.ShapeCurrent, path: "getDeviceTokens?max=8"},
		{name: "getSegments", path: "getSegments"},
		{name: "getSegmentUsers-brand", path: "getSegmentUsers?id=5884"},
		{name: "getSegmentUsers-segment", path: "getSegmentUsers?id=5883"},
		{name: "getCategoryPreferences-id1", path: "getCategoryPreferences?externalId=id1"},
		{name: "app-profile-attributes", path: "app/profile-attributes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shape := tt.shape
			if shape == "" {
				shape = mockserver.ShapeBoth
			}
			r := harnesses[shape].Do(t, http.MethodGet, "/rest/3.0/"+tt.path, "",
				iosHeader, "IOS", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "restapi.netmera.com")
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s = %v, want 200", tt.path, r)
			}
			MustGolden(t, tt.name, r.Body)
		})
	}
}
