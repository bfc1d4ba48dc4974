package mockserver

import (
	"net/http"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

type healthResponse struct {
	Status  string       `json:"status"`
	Tenants int          `json:"tenants"`
	Counts  state.Counts `json:"counts"`
	Uptime  string       `json:"uptime"`
}

// health answers 200 once the server exists: its data is loaded before New
// returns, so ready means ready.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, healthResponse{Status: "ok", Tenants: s.store.Len(), Counts: s.store.Total(),
		Uptime: time.Since(s.started).Round(time.Second).String()})
}

// controlTenant picks the tenant a control call acts on, by the same
// X-netmera-api-key header the API uses.
func (s *Server) controlTenant(w http.ResponseWriter, r *http.Request) (*state.Tenant, bool) {
	t, ok := s.store.Tenant(r.Header.Get(apiKeyHeader))
	if !ok {
		writeError(w, state.ErrAPIKey(), s.opts.AuthStatus)
	}
	return t, ok
}

func (s *Server) exportState(w http.ResponseWriter, r *http.Request) {
	t, ok := s.controlTenant(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, t.Export())
}

// reset puts the caller's tenant, or every tenant with ?all=true, back to
// its seeded state.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	var err error
	if r.URL.Query().Get("all") == "true" {
		err = s.store.ResetAll()
	} else {
		if _, ok := s.controlTenant(w, r); !ok {
			return
		}
		err = s.store.Reset(r.Header.Get(apiKeyHeader))
	}
	if err != nil {
		s.log.Error("reset failed", "err", err)
		writeError(w, err, s.opts.AuthStatus)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "reset", "counts": s.store.Total()})
}
