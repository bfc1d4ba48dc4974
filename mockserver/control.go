package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/internal/spec"
	"github.com/netmera-mock/netmera-mock/state"
)

// controlPrefix is where the fake's own API lives, outside Netmera's.
const controlPrefix = "/_mock/"

// DefaultSeedUsers is how many users POST /_mock/seed generates when the
// body names no size, and DefaultMaxSeedUsers the most it generates unless
// Options.MaxSeedUsers says otherwise: about 5 GB of memory and 15 s of
// one core, so that a typo in a request cannot take the machine.
const (
	DefaultSeedUsers    = 1000
	DefaultMaxSeedUsers = 2_000_000
)

type healthResponse struct {
	Status  string       `json:"status"`
	Tenants int          `json:"tenants"`
	Counts  state.Counts `json:"counts"`
	Uptime  string       `json:"uptime"`
	Save    *saveHealth  `json:"save,omitempty"`
}

// saveHealth is how saving the state goes, once a save was attempted.
type saveHealth struct {
	Path         string     `json:"path"`
	LastSaved    *time.Time `json:"lastSaved,omitempty"`
	Error        string     `json:"error,omitempty"`
	Failures     int        `json:"failures,omitempty"`
	FailingSince *time.Time `json:"failingSince,omitempty"`
}

// health answers 200 once the server exists: its data is loaded before New
// returns, so healthy means ready. The status is "degraded" while saving
// the state fails: requests are served, but the state file lags behind.
func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	resp := healthResponse{Status: "ok", Tenants: s.store.Len(), Counts: s.store.Total(),
		Uptime: time.Since(s.started).Round(time.Second).String()}
	if st := s.store.SaveStatus(); st.Path != "" {
		resp.Save = &saveHealth{Path: st.Path, Failures: st.Failures}
		if !st.LastSaved.IsZero() {
			resp.Save.LastSaved = &st.LastSaved
		}
		if st.Failing() {
			resp.Status, resp.Save.Error, resp.Save.FailingSince = "degraded", st.Err.Error(), &st.FailingSince
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

// ready is the readiness answer: the data is loaded and requests are served.
func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ready": true, "tenants": s.store.Len()})
}

// ctlHandler is one control endpoint. The control router is built once
// per process (controlRouter), so its handlers take the server as an
// argument; serveControl calls them.
type ctlHandler func(s *Server, w http.ResponseWriter, r *http.Request)

// ServeHTTP makes a ctlHandler a route's handler; it is never called, as a
// control handler needs its server.
func (ctlHandler) ServeHTTP(http.ResponseWriter, *http.Request) {
	panic("mockserver: a control handler was called without its server")
}

// controlRouter routes /_mock/: gorilla/mux, with the routes of
// controlRoutes, built on first use.
var controlRouter = sync.OnceValue(func() *mux.Router {
	router := mux.NewRouter()
	controlRoutes(func(method, name string, h ctlHandler) {
		router.Handle(controlPrefix+name, h).Methods(method)
	})
	return router
})

// serveControl serves /_mock/, once the lock allows it.
func (s *Server) serveControl(x *exchange, r *http.Request) {
	if !s.controlAllowed(x, r) {
		return
	}
	router := controlRouter()
	var match mux.RouteMatch
	switch {
	case router.Match(r, &match) && match.MatchErr == nil:
		match.Handler.(ctlHandler)(s, x, mux.SetURLVars(r, match.Vars))
	case errors.Is(match.MatchErr, mux.ErrMethodMismatch):
		x.Header().Set("Allow", strings.Join(allowedMethods(router, r), ", "))
		writeProblem(x, r, http.StatusMethodNotAllowed, "Method '"+r.Method+"' is not supported.")
	default:
		s.notFound(x, r)
	}
}

// allowedMethods lists the methods router serves r's path with.
func allowedMethods(router *mux.Router, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	return allow
}

// controlAllowed enforces Options.NoControl and Options.AdminToken on
// /_mock/, answering the refusal itself. Health and readiness stay open,
// for container health checks; the inspector's page (not its data) is
// open under the admin token, which it asks for.
func (s *Server) controlAllowed(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case controlPrefix + "health", controlPrefix + "ready":
		return true
	}
	if s.opts.NoControl {
		writeProblem(w, r, http.StatusNotFound, "The control API is turned off on this server.")
		return false
	}
	if s.opts.AdminToken == "" || isUI(r.URL.Path) {
		return true // the inspector's page holds no data: it asks for the token to fetch any
	}
	// The scheme is case-insensitive (RFC 9110); a bare token is no Bearer.
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.opts.AdminToken))
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 || !ok || !strings.EqualFold(scheme, "Bearer") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="netmera-mock control"`)
		writeProblem(w, r, http.StatusUnauthorized, "The control API needs Authorization: Bearer <admin token>.")
		return false
	}
	return true
}

// controlFunc is one control endpoint acting on the caller's tenant,
// named by X-netmera-api-key as on the API. It returns the status and body
// to answer; an error answers a problem detail: 404 for a notFound, 409
// for a conflict, 501 for a notImplementedError, 400 for any other.
type controlFunc func(s *Server, r *http.Request, t *state.Tenant, id string) (int, any, error)

// tenantControl adapts a control endpoint: it finds the caller's tenant
// and writes the endpoint's answer, or its error as a problem detail.
func tenantControl(fn controlFunc) ctlHandler {
	return func(s *Server, w http.ResponseWriter, r *http.Request) {
		t, id, ok := s.controlTenant(w, r)
		if !ok {
			return
		}
		t.ApplyDueRegistrations() // as an API request does: control reads see what is due
		if r.Method != http.MethodGet {
			tenantChanged(w, t) // the inspector's streams hear of it
		}
		status, body, err := fn(s, r, t, id)
		if err != nil {
			status = http.StatusBadRequest
			switch {
			case errors.As(err, new(notFound)):
				status = http.StatusNotFound
			case errors.As(err, new(conflict)):
				status = http.StatusConflict
			case errors.As(err, new(notImplementedError)):
				status = http.StatusNotImplemented
			}
			writeProblem(w, r, status, err.Error())
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	}
}

// controlTenant finds the tenant of a control call's key, with its id,
// or answers the refusal itself.
func (s *Server) controlTenant(w http.ResponseWriter, r *http.Request) (*state.Tenant, string, bool) {
	key := r.Header.Get(apiKeyHeader)
	t, err := s.store.Lookup(key)
	if errors.Is(err, state.ErrTenantLimit) {
		writeProblem(w, r, http.StatusServiceUnavailable, fmt.Sprintf(
			"netmera-mock already serves its limit of %d apps (-max-tenants): this key gets no app of its own", s.store.MaxTenants()))
		return nil, "", false
	}
	if err != nil {
		writeError(w, state.ErrAPIKey(), s.opts.AuthStatus)
		return nil, "", false
	}
	return t, t.ID(), true
}

// notFound is a control error answered 404: what was asked for does not
// exist.
type notFound string

func (e notFound) Error() string { return string(e) }

// conflict is a control error answered 409: the request is fine, but the
// tenant's state refuses it (it is full), until the caller changes that.
type conflict struct{ error }

// notImplementedError is a control error answered 501.
type notImplementedError string

func (e notImplementedError) Error() string { return string(e) }

// readControl reads a control body whole, bounded as API bodies are.
func (s *Server) readControl(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return b, nil
}

// decodeControl decodes a control body strictly: unknown fields are errors,
// so that a typo does not pass silently.
func (s *Server) decodeControl(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if dec.More() {
		return errors.New("body: more than one JSON value")
	}
	return nil
}

// openAPIJSON serves the document requests are validated against.
func (s *Server) openAPIJSON(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.doc)
}

// openAPIYAML serves the document as YAML: the embedded file as it is, or
// a custom document as JSON (which is YAML too; its own text is not kept).
func (s *Server) openAPIYAML(w http.ResponseWriter, _ *http.Request) {
	if s.opts.Document != nil {
		writeJSONType(w, http.StatusOK, "application/yaml", s.doc)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(spec.Document())
}
