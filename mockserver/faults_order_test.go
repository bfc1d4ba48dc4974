package mockserver_test

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// TestFaultOrder checks which rule answers when several match: the lowest
// priority number, then the newest.
func TestFaultOrder(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.MustFault(t, testKey, `{"path":"*","status":503,"priority":10}`)                    // f1: the background
	h.MustFault(t, testKey, `{"method":"POST","path":"tagUsers","status":500,"times":1}`) // f2
	h.MustFault(t, testKey, `{"path":"getDevices","status":502,"priority":1}`)            // f3: first whatever comes later
	h.MustFault(t, testKey, `{"path":"get*","status":504}`)                               // f4: newer than f2
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantRule                 string
	}{
		{name: "a specific rule before the background", method: http.MethodPost, path: "/rest/3.0/tagUsers",
			body: `{"tag":"x","extIds":["id1"]}`, wantStatus: 500, wantRule: "f2"},
		{name: "used up: the background answers", method: http.MethodPost, path: "/rest/3.0/tagUsers",
			body: `{"tag":"x","extIds":["id1"]}`, wantStatus: 503, wantRule: "f1"},
		{name: "priority 1 before a newer rule", method: http.MethodGet, path: "/rest/3.0/getDevices?extId=id1", wantStatus: 502, wantRule: "f3"},
		{name: "a prefix rule", method: http.MethodGet, path: "/rest/3.0/getSegments", wantStatus: 504, wantRule: "f4"},
		{name: "the background alone", method: http.MethodPost, path: "/rest/3.0/enablePush", body: `{"extId":"id1"}`, wantStatus: 503, wantRule: "f1"},
	}
	for _, tt := range tests { // in order: the first uses f2 up
		r := h.Do(t, tt.method, tt.path, tt.body)
		if r.Status != tt.wantStatus || r.Header.Get(mockserver.FaultHeader) != tt.wantRule {
			t.Errorf("%s: %s %s = %v from rule %q, want %d from %s", tt.name, tt.method, tt.path, r,
				r.Header.Get(mockserver.FaultHeader), tt.wantStatus, tt.wantRule)
		}
	}
	var order []string
	for _, f := range h.mustFaults(t, testKey) {
		order = append(order, f.ID)
	}
	if diff := cmp.Diff([]string{"f3", "f4", "f2", "f1"}, order); diff != "" {
		t.Errorf("GET /_mock/faults order (-want +got):\n%s", diff)
	}
}

// readmeFaults returns the bodies of the POST /_mock/faults commands of
// the README's fault example, in order.
func readmeFaults(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "**Faults.**")
	if !ok {
		t.Fatalf("README.md has no **Faults.** section")
	}
	_, block, _ := strings.Cut(section, "```sh\n")
	block, _, _ = strings.Cut(block, "```")
	block = strings.ReplaceAll(block, "\\\n", " ") // continued lines
	var bodies []string
	data := regexp.MustCompile(`-d '([^']*)'`)
	for line := range strings.SplitSeq(block, "\n") {
		if m := data.FindStringSubmatch(line); m != nil && strings.Contains(line, "/_mock/faults") {
			bodies = append(bodies, m[1])
		}
	}
	return bodies
}

// TestFaultReadme pastes the README's fault example as one block and
// checks that each rule does what its comment says, none shadowing
// another.
func TestFaultReadme(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	bodies := readmeFaults(t)
	if len(bodies) != 6 {
		t.Fatalf("the README's fault example has %d rules, want the 6 this test checks:\n%s", len(bodies), strings.Join(bodies, "\n"))
	}
	for _, b := range bodies {
		h.MustFault(t, testKey, b)
	}
	const tag = `{"tag":"x","extIds":["id1"]}`
	for range 2 {
		wantError(t, "README: tagUsers failing", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", tag),
			http.StatusInternalServerError, envelope{Code: 2001, Error: "An unexpected error occurred. Retry later."})
	}
	if r := h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", tag); r.Status != http.StatusOK || r.Header.Get(mockserver.FaultHeader) != "" {
		t.Errorf("README: the third tagUsers = %v (rule %q), want the fake's 200 after the background wait", r, r.Header.Get(mockserver.FaultHeader))
	}
	if r := h.Do(t, http.MethodGet, "/rest/3.0/getDeviceTokens", ""); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "3" {
		t.Errorf("README: getDeviceTokens = %v, Retry-After %q; want 429 and 3", r, r.Header.Get("Retry-After"))
	}
	req, err := http.NewRequest(http.MethodPost, h.URL+"/rest/3.0/enablePush", strings.NewReader(`{"extId":"id1"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", testKey)
	if resp, err := noKeepAlive.Do(req); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Errorf("README: enablePush = %d %q, want the connection dropped", resp.StatusCode, b)
	}
	r := h.Do(t, http.MethodPost, "/rest/3.0/createNotificationDefinition", `{"title":"t","message":"m","platforms":["IOS"]}`)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json" || string(r.Body) != `{"notificationKey":96}` {
		t.Errorf("README: createNotificationDefinition = %v, Content-Type %q; want 200 application/json {\"notificationKey\":96}", r, r.Header.Get("Content-Type"))
	}
	var order []int
	for _, f := range h.mustFaults(t, testKey) {
		order = append(order, f.Priority)
	}
	if diff := cmp.Diff([]int{5, 5, 5, 5, 5, 10}, order); diff != "" {
		t.Errorf("README: the priorities of the rules as listed (-want +got):\n%s", diff)
	}
}
