package mockserver

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestPanicAnswers500 checks ServeHTTP's last line of defence: a handler
// that panics answers Netmera's 500 envelope instead of dropping the
// connection.
func TestPanicAnswers500(t *testing.T) {
	s := newEmptyServer(t)
	s.handle(http.MethodGet, "panic", func(*state.Tenant, *call) (any, error) { panic("boom") }, 0)
	req := httptest.NewRequest(http.MethodGet, "/rest/3.0/panic", nil)
	req.Header.Set(apiKeyHeader, "k")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	want := `{"code":2001,"error":"An unexpected error occurred. Retry later."}` + "\n"
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != want {
		t.Errorf("GET /panic (a handler that panics) = %d %q, want 500 %q", rec.Code, rec.Body, want)
	}
}

// TestReleasedRunsOneFreeAtATime: many large states dropped at once start
// one goroutine handing memory back, which runs at most once more; small
// states start none.
func TestReleasedRunsOneFreeAtATime(t *testing.T) {
	s := newEmptyServer(t)
	s.released(state.Counts{Users: bigTenant - 1})
	if got := s.freeing.Load(); got != 0 {
		t.Fatalf("after a small state: freeing = %d, want 0", got)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			s.released(state.Counts{Users: bigTenant})
			if got := s.freeing.Load(); got < 0 || got > 2 {
				t.Errorf("freeing = %d, want 0, 1 or 2", got)
			}
		})
	}
	wg.Wait()
	for s.freeing.Load() != 0 {
		runtime.Gosched() // the freeing goroutine finishes on its own
	}
}

// newEmptyServer serves one tenant of no data under key "k", with the
// default options.
func newEmptyServer(t *testing.T) *Server {
	t.Helper()
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return &state.Dataset{}, nil }), state.Settings{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
