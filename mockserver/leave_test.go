package mockserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// countdown is a request context that is done after its Err has been
// asked n times: a client that leaves while its request is worked on,
// at a point the test chooses, without a clock.
type countdown struct {
	context.Context
	left atomic.Int64
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func (c *countdown) Done() <-chan struct{} { return nil }

func (c *countdown) Deadline() (time.Time, bool) { return time.Time{}, false }

// bigProfileBody is a setProfileAttributes body of n entries, each with a
// profile of keys values.
func bigProfileBody(n, keys int) string {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"extId":"user-%03d","profile":{"age":%d`, i%bulkUsers+1, i)
		for k := range keys {
			fmt.Fprintf(&b, `,"k%d":["v%d",%d]`, k, k, k)
		}
		b.WriteString("}}")
	}
	b.WriteString("]")
	return b.String()
}

// serveIn serves one request as testKey with ctx as its context, in
// process, and returns what was written.
func serveIn(ctx context.Context, srv http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body)).WithContext(ctx)
	req.Header.Set("X-netmera-api-key", testKey)
	if strings.HasPrefix(path, "/rest/3.0/getSegment") {
		req.Header.Set("X-netmera-os", "IOS")
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// TestClientsThatLeave sends requests whose client has already gone:
// nothing is done for them, nothing changes, nothing is answered, and the
// journal shows them as answered to nobody (status 0).
func TestClientsThatLeave(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name, method, path, body string
	}{
		{"tagUsers", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"gone","extIds":["id1"]}`},
		{"1000 profile entries", http.MethodPost, "/rest/3.0/setProfileAttributes", bigProfileBody(1000, 20)},
		{"a large body", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"gone","extIds":["id1"],"pad":"` + strings.Repeat("x", 8<<20) + `"}`},
		{"a delete across users", http.MethodPost, "/rest/3.0/deleteProfileAttributes", `[{"profile":["name","age"]}]`},
		{"a bad body", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":`},
		{"a read", http.MethodGet, "/rest/3.0/getDeviceTokens?max=1000", ""},
		{"the control API's import", http.MethodPut, "/_mock/state", `{"version":1,"users":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			rec := serveIn(gone, h.Server, tt.method, tt.path, tt.body)
			if rec.Body.Len() != 0 && strings.HasPrefix(tt.path, "/rest/") {
				t.Errorf("%s %s of a client that left answered %d %.200s, want nothing written", tt.method, tt.path, rec.Code, rec.Body)
			}
			h.wantUnchanged(t, tt.name+" of a client that left", before)
		})
	}
	// A latency of 30 s that the client does not wait for: the request
	// ends at once, and the write behind it is not done.
	h.MustFault(t, testKey, `{"path":"disablePush","latencyMs":30000}`)
	before := h.MustState(t, testKey)
	if rec := serveIn(gone, h.Server, http.MethodPost, "/rest/3.0/disablePush", `{"extId":"id1"}`); rec.Body.Len() != 0 {
		t.Errorf("disablePush behind a latency rule, client gone = %d %s, want nothing written", rec.Code, rec.Body)
	}
	h.wantUnchanged(t, "disablePush behind a latency rule, client gone", before)
	for _, e := range h.mustRequests(t, testKey, "").Requests {
		if e.Status != 0 {
			t.Errorf("journal: %s %s of a client that left has status %d, want 0 (answered to nobody)", e.Method, e.Path, e.Status)
		}
	}
}

// TestClientLeavesMidway lets the client of a 1000-entry profile write
// leave at points the server looks: the request is applied whole or not
// at all, never in part, and a client gone before the write is not
// served. (A valid body is checked without a look: the compiled check
// decides it at once.)
func TestClientLeavesMidway(t *testing.T) {
	t.Parallel()
	body := bigProfileBody(1000, 5)
	for _, after := range []int64{0, 1, 2, 3, 5, 10, 1 << 40} {
		h := MustHarness(t, mockserver.Options{})
		before := h.MustState(t, testKey)
		rec := serveIn(newCountdown(after), h.Server, http.MethodPost, "/rest/3.0/setProfileAttributes", body)
		served := rec.Code == http.StatusOK && rec.Body.Len() == 0 && h.MustUser(t, "user-001").Profile["age"] != nil
		switch {
		case after < 2 && served:
			// The server looks after the parse, then before the write.
			t.Errorf("a client leaving after %d looks, before the write, was served; want nothing done", after)
		case after == 1<<40 && !served:
			t.Errorf("a client that stays got %d %.200s, want the write applied", rec.Code, rec.Body)
		case !served:
			h.wantUnchanged(t, fmt.Sprintf("a write whose client left after %d looks", after), before)
		}
	}
}

// TestClientLeavesWhileRefused sends 1000 category entries of which the
// last is of the wrong type: the body goes to kin-openapi element by
// element, and a client that leaves before the last is reached gets no
// answer at all; one that stays gets the 2004.
func TestClientLeavesWhileRefused(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	body := "[" + strings.Repeat(`{"extId":"id1","category":"Shopping","enable":false},`, 999) + `{"extId":5}]`
	for _, after := range []int64{0, 1, 2, 10, 500, 999, 1000, 1 << 40} {
		rec := serveIn(newCountdown(after), h.Server, http.MethodPost, "/rest/3.0/setCategoryPreferences", body)
		switch answered := rec.Body.Len() > 0; {
		case after <= 1000 && answered:
			// After the parse, before validation, then before each element.
			t.Errorf("a client leaving after %d looks, while 1000 entries were validated, got %d %s; want no answer", after, rec.Code, rec.Body)
		case after == 1<<40:
			wantError(t, "1000 category entries, the last wrong", reply{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()},
				http.StatusBadRequest, wrongType("extId", "a text"))
		}
	}
	if u := h.MustUser(t, "id1"); len(u.Categories) != 1 {
		t.Errorf("id1's preferences after refused requests = %+v, want the seeded one alone", u.Categories)
	}
}
