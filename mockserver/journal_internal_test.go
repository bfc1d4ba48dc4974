package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// TestPanicIsJournaled checks that the journal records what a client got
// from a handler that panicked: the 500 envelope, not a made-up 200.
func TestPanicIsJournaled(t *testing.T) {
	s := newEmptyServer(t)
	s.handle(http.MethodGet, "panic", func(*state.Tenant, *call) (any, error) { panic("boom") }, 0)
	req := httptest.NewRequest(http.MethodGet, "/rest/3.0/panic", nil)
	req.Header.Set(apiKeyHeader, "k")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	want := `{"code":2001,"error":"An unexpected error occurred. Retry later."}`
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != want+"\n" {
		t.Errorf("GET /panic (a handler that panics) = %d %q, want 500 %q", rec.Code, rec.Body, want)
	}
	list := s.journal.List(journal.Filter{Tenant: state.HashKey("k").String()})
	if len(list) != 1 || list[0].Status != http.StatusInternalServerError || string(list[0].Response) != want {
		t.Errorf("the journal of a request whose handler panicked = %+v, want one entry with status 500 and %s", list, want)
	}
}
