package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// problemDetail decodes a problem detail's detail.
func problemDetail(tb testing.TB, r reply) string {
	tb.Helper()
	var p struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		tb.Fatalf("%v is not a problem detail: %v", r, err)
	}
	return p.Detail
}

// TestFaultLimit fills an app with the most rules it may hold: the next
// is refused with 409 and changes nothing, another app still adds its
// own, and deleting a rule makes room.
func TestFaultLimit(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	const most = 1000
	for i := range most {
		h.MustFault(t, testKey, fmt.Sprintf(`{"path":"/nowhere/%d","status":500}`, i))
	}
	r := h.Do(t, http.MethodPost, "/_mock/faults", `{"path":"tagUsers","status":500}`)
	wantProblemStatus(t, "POST /_mock/faults past the limit", r, http.StatusConflict, "/_mock/faults")
	if d, want := problemDetail(t, r), "this tenant already holds 1000 rules, the most it may"; !strings.Contains(d, want) {
		t.Errorf("POST /_mock/faults past the limit: detail %q, want it to say %q", d, want)
	}
	if n := len(h.mustFaults(t, testKey)); n != most {
		t.Errorf("after a refused rule the app lists %d rules, want %d", n, most)
	}
	if r := h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1"]}`); r.Status != http.StatusOK {
		t.Errorf("tagUsers after its rule was refused = %v, want 200", r)
	}
	h.MustFault(t, otherKey, `{"path":"tagUsers","status":503}`)
	if r := h.Do(t, http.MethodDelete, "/_mock/faults/f7", ""); r.Status != http.StatusNoContent {
		t.Fatalf("DELETE /_mock/faults/f7 = %v, want 204", r)
	}
	if got := h.MustFault(t, testKey, `{"path":"tagUsers","status":500}`); got.ID != "f1001" {
		t.Errorf("the rule added after a delete got id %s, want f1001", got.ID)
	}
}

func TestFaultMaxLatency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		max        time.Duration
		latencyMS  int
		wantStatus int
		wantDetail string
	}{
		{name: "the default limit", latencyMS: 30_000, wantStatus: http.StatusCreated},
		{name: "over the default limit", latencyMS: 30_001, wantStatus: http.StatusBadRequest,
			wantDetail: "faults: invalid rule: latencyMs 30001 is over this server's limit of 30000: an answer held longer would miss the server's write timeout"},
		{name: "a limit of its own", max: 2 * time.Second, latencyMS: 2000, wantStatus: http.StatusCreated},
		{name: "over a limit of its own", max: 2 * time.Second, latencyMS: 2001, wantStatus: http.StatusBadRequest,
			wantDetail: "latencyMs 2001 is over this server's limit of 2000"},
		{name: "a longer limit", max: 10 * time.Minute, latencyMS: 600_000, wantStatus: http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{FaultMaxLatency: tt.max})
			body := fmt.Sprintf(`{"path":"getDevices","latencyMs":%d}`, tt.latencyMS)
			r := h.Do(t, http.MethodPost, "/_mock/faults", body)
			if tt.wantStatus == http.StatusCreated {
				if r.Status != http.StatusCreated {
					t.Errorf("POST /_mock/faults %s = %v, want 201", body, r)
				}
				return
			}
			wantProblemStatus(t, "POST /_mock/faults "+body, r, tt.wantStatus, "/_mock/faults")
			if d := problemDetail(t, r); !strings.Contains(d, tt.wantDetail) {
				t.Errorf("POST /_mock/faults %s: detail %q, want it to contain %q", body, d, tt.wantDetail)
			}
			if got := h.mustFaults(t, testKey); len(got) != 0 {
				t.Errorf("a refused rule was stored: %+v", got)
			}
		})
	}
}

// TestFaultHeaders checks a stub that answers like Netmera: its headers,
// body and status, and the fake's own X-Netmera-Mock-Fault beside them.
func TestFaultHeaders(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	got := h.MustFault(t, testKey, `{"method":"POST","path":"createNotificationDefinition","status":200,`+
		`"body":"{\"notificationKey\":96}","headers":{"content-type":"application/json","x-request-id":"req-1"}}`)
	wantHeaders := map[string]string{"Content-Type": "application/json", "X-Request-Id": "req-1"}
	if diff := cmp.Diff(wantHeaders, got.Headers); diff != "" {
		t.Errorf("POST /_mock/faults stored headers (-want +got):\n%s", diff)
	}
	h.MustFault(t, testKey, `{"path":"tagUsers","status":400,"code":2004,"error":"Field 'tag' should be a text",`+
		`"headers":{"Content-Type":"application/json;charset=UTF-8"}}`)
	tests := []struct {
		name, path, body string
		wantStatus       int
		wantHeader       http.Header
		wantBody         string
	}{
		{name: "a stub", path: "/rest/3.0/createNotificationDefinition", body: `{"title":"t"}`, wantStatus: 200,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req-1"}, "X-Netmera-Mock-Fault": {"f1"}},
			wantBody:   `{"notificationKey":96}`},
		{name: "an envelope with a Content-Type of its own", path: "/rest/3.0/tagUsers", body: `{"tag":"x","extIds":["id1"]}`, wantStatus: 400,
			wantHeader: http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "X-Netmera-Mock-Fault": {"f2"}},
			wantBody:   `{"code":2004,"error":"Field 'tag' should be a text"}` + "\n"},
	}
	for _, tt := range tests {
		r := h.Do(t, http.MethodPost, tt.path, tt.body)
		if r.Status != tt.wantStatus || string(r.Body) != tt.wantBody {
			t.Errorf("%s: POST %s = %v, want %d %q", tt.name, tt.path, r, tt.wantStatus, tt.wantBody)
		}
		for name := range tt.wantHeader {
			if got, want := r.Header.Values(name), tt.wantHeader[name]; !cmp.Equal(got, want) {
				t.Errorf("%s: POST %s header %s = %q, want %q", tt.name, tt.path, name, got, want)
			}
		}
	}
	page := h.mustRequests(t, testKey, "path=createNotificationDefinition")
	if page.Count != 1 || page.Requests[0].Status != 200 || string(page.Requests[0].Response) != `{"notificationKey":96}` {
		t.Errorf("the journal of the stubbed call = %+v, want its 200 and body", page)
	}
}
