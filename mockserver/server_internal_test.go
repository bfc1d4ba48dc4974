package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestPanicAnswers500 checks ServeHTTP's last line of defence: a handler
// that panics answers Netmera's 500 envelope instead of dropping the
// connection.
func TestPanicAnswers500(t *testing.T) {
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return &state.Dataset{}, nil }), state.Settings{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.router.Handle("/rest/3.0/panic", s.api(func(*http.Request, *state.Tenant) (any, error) { panic("boom") }))
	req := httptest.NewRequest(http.MethodGet, "/rest/3.0/panic", nil)
	req.Header.Set(apiKeyHeader, "k")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	want := `{"code":2001,"error":"An unexpected error occurred. Retry later."}` + "\n"
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != want {
		t.Errorf("GET /panic (a handler that panics) = %d %q, want 500 %q", rec.Code, rec.Body, want)
	}
}
