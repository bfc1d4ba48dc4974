package mockserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/internal/spec"
	"github.com/netmera-mock/netmera-mock/state"
)

// controlPrefix is where the fake's own API lives, outside Netmera's.
const controlPrefix = "/_mock/"

// DefaultSeedUsers is how many users POST /_mock/seed generates when the
// body names no size, and MaxSeedUsers the most it generates.
const (
	DefaultSeedUsers = 1000
	MaxSeedUsers     = 100_000_000
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
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
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
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ready": true, "tenants": s.store.Len()})
}

// serveControl serves /_mock/, once the lock allows it.
func (s *Server) serveControl(x *exchange, r *http.Request) {
	if !s.controlAllowed(x, r) {
		return
	}
	s.control.ServeHTTP(x, r)
}

// controlMethodNotAllowed answers a known control path with another
// method, listing in Allow the methods the path is served with.
func (s *Server) controlMethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.control.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeProblem(w, r, http.StatusMethodNotAllowed, "Method '"+r.Method+"' is not supported.")
}

// controlAllowed enforces Options.NoControl and Options.AdminToken on
// /_mock/, answering the refusal itself. Health and readiness stay open,
// for container health checks.
func (s *Server) controlAllowed(w http.ResponseWriter, r *http.Request) bool {
	switch r.URL.Path {
	case controlPrefix + "health", controlPrefix + "ready":
		return true
	}
	if s.opts.NoControl {
		writeProblem(w, r, http.StatusNotFound, "The control API is turned off on this server.")
		return false
	}
	if s.opts.AdminToken == "" {
		return true
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
// to answer; an error answers 400 as a problem detail.
type controlFunc func(r *http.Request, t *state.Tenant, id string) (int, any, error)

// tenantControl adapts a control endpoint: it finds the caller's tenant
// and writes the endpoint's answer, or its error as a problem detail.
func (s *Server) tenantControl(fn controlFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get(apiKeyHeader)
		t, ok := s.store.Tenant(key)
		if !ok {
			writeError(w, state.ErrAPIKey(), s.opts.AuthStatus)
			return
		}
		status, body, err := fn(r, t, state.HashKey(key).String())
		if err != nil {
			status = http.StatusBadRequest
			switch {
			case errors.As(err, new(notFound)):
				status = http.StatusNotFound
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
	})
}

// notFound is a control error answered 404: what was asked for does not
// exist.
type notFound string

func (e notFound) Error() string { return string(e) }

// notImplementedError is a control error answered 501.
type notImplementedError string

func (e notImplementedError) Error() string { return string(e) }

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

func (s *Server) exportState(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, t.Export(), nil
}

// importState replaces the caller's tenant with the posted state, in the
// format GET /_mock/state exports: an export imported again exports the same.
func (s *Server) importState(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var d state.Dataset
	if err := s.decodeControl(r, &d); err != nil {
		return 0, nil, err
	}
	before := t.Counts()
	if err := t.Replace(&d); err != nil {
		return 0, nil, err
	}
	s.released(before)
	return http.StatusOK, map[string]any{"status": "imported", "counts": t.Counts()}, nil
}

// reset puts the caller's tenant, or every tenant with ?all=true, back to
// its seeded state. Resetting every tenant needs a configured key: a
// tenant that AcceptAnyKey let in must not reset the others.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("all") == "true" {
		if !s.store.Configured(r.Header.Get(apiKeyHeader)) {
			writeProblem(w, r, http.StatusForbidden, "Resetting every tenant needs a key given with -api-key in X-netmera-api-key.")
			return
		}
		before := s.store.Total()
		if err := s.store.ResetAll(); err != nil {
			s.log.Error("reset failed", "err", err)
			writeError(w, err, s.opts.AuthStatus)
			return
		}
		s.released(before)
		writeJSON(w, http.StatusOK, map[string]any{"status": "reset", "counts": s.store.Total()})
		return
	}
	s.tenantControl(func(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
		before := t.Counts()
		if err := s.store.Reset(r.Header.Get(apiKeyHeader)); err != nil {
			return 0, nil, err
		}
		s.released(before)
		return http.StatusOK, map[string]any{"status": "reset", "counts": t.Counts()}, nil
	}).ServeHTTP(w, r)
}

// bigTenant is the size from which replacing a tenant's state hands the
// old state's memory back to the system at once.
const bigTenant = 100_000

// released runs after a tenant's state was replaced whole; c counts the
// old state, now garbage. Left to the collector, a server that resets a
// million users a few times grows to several times the memory it needs
// before it shrinks again, which a memory-limited container does not
// survive. Small states are left to the collector.
// Concurrent calls start one goroutine, which frees once more if more
// states were dropped while it ran.
func (s *Server) released(c state.Counts) {
	if c.Users+c.Devices < bigTenant {
		return
	}
	for {
		cur := s.freeing.Load()
		if cur == 2 {
			return // a pass is already due after the running one
		}
		if s.freeing.CompareAndSwap(cur, cur+1) {
			if cur == 0 {
				go s.freeMemory()
			}
			return
		}
	}
}

func (s *Server) freeMemory() {
	for {
		debug.FreeOSMemory()
		if s.freeing.Add(-1) == 0 {
			return
		}
	}
}

// seed regenerates the caller's tenant from a new seed and sizes, which
// later resets return to.
func (s *Server) seed(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var req struct {
		Seed     int64 `json:"seed"`
		Users    *int  `json:"users"`
		Segments int   `json:"segments"`
		Messages int   `json:"messages"`
	}
	if err := s.decodeControl(r, &req); err != nil {
		return 0, nil, err
	}
	spec := SeedSpec{Seed: req.Seed, Users: DefaultSeedUsers, Segments: req.Segments, Messages: req.Messages}
	if req.Users != nil {
		spec.Users = *req.Users
	}
	if spec.Users < 0 || spec.Users > MaxSeedUsers { // named as the body names it
		return 0, nil, fmt.Errorf("users must be between 0 and %d", MaxSeedUsers)
	}
	if s.opts.Seeder == nil {
		return 0, nil, notImplementedError("this server has no seeder: it was made without mockserver.Options.Seeder")
	}
	before := t.Counts()
	if err := s.store.Reseed(r.Header.Get(apiKeyHeader), s.opts.Seeder(spec)); err != nil {
		return 0, nil, err
	}
	s.released(before)
	return http.StatusOK, map[string]any{"status": "seeded", "seed": spec, "counts": t.Counts()}, nil
}

func (s *Server) putUser(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var u state.UserRecord
	if err := s.decodeControl(r, &u); err != nil {
		return 0, nil, err
	}
	if err := t.PutUser(u); err != nil {
		return 0, nil, err
	}
	stored, _ := t.User(u.ExtID)
	return http.StatusOK, stored, nil
}

// getUser shows one user. The external ID is a query parameter, not a
// path segment: IDs may hold "/" or be "..", which a path would not carry.
func (s *Server) getUser(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	id := r.URL.Query().Get("extId")
	if id == "" {
		return 0, nil, errors.New("extId is required: GET /_mock/users?extId=…")
	}
	d, ok := t.UserDetail(id)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no user %q", id))
	}
	return http.StatusOK, d, nil
}

func (s *Server) putDevice(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var d state.DeviceRecord
	if err := s.decodeControl(r, &d); err != nil {
		return 0, nil, err
	}
	stored, err := t.PutDevice(d)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

func (s *Server) putSegment(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var seg state.SegmentRecord
	if err := s.decodeControl(r, &seg); err != nil {
		return 0, nil, err
	}
	id, err := t.PutSegment(seg)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"id": id}, nil
}

func (s *Server) defineAttribute(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var a state.AttributeDef
	if err := s.decodeControl(r, &a); err != nil {
		return 0, nil, err
	}
	if err := t.DefineAttribute(a); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *Server) defineCategory(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var c state.Category
	if err := s.decodeControl(r, &c); err != nil {
		return 0, nil, err
	}
	stored, err := t.DefineCategory(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

func (s *Server) createMessage(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var m state.MessageRecord
	if err := s.decodeControl(r, &m); err != nil {
		return 0, nil, err
	}
	stored, err := t.CreateMessage(m)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

// requestsResponse is the journal as GET /_mock/requests shows it.
type requestsResponse struct {
	Count    int             `json:"count"`
	Dropped  uint64          `json:"dropped"`
	Requests []journal.Entry `json:"requests"`
}

func (s *Server) listRequests(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	if s.journal == nil {
		return 0, nil, errors.New("the request journal is turned off (-journal-size)")
	}
	q := r.URL.Query()
	f := journal.Filter{Tenant: id, Method: q.Get("method"), Path: q.Get("path"), ExtID: q.Get("extId")}
	if p := f.Path; p != "" && !strings.HasPrefix(p, "/") {
		f.Path = apiPrefix + p // "tagUsers" is short for "/rest/3.0/tagUsers"
	}
	if since := q.Get("since"); since != "" {
		ts, err := time.Parse(time.RFC3339Nano, since)
		if err != nil {
			return 0, nil, fmt.Errorf("since must be an RFC 3339 time: %w", err)
		}
		f.Since = ts
	}
	list := s.journal.List(f)
	return http.StatusOK, requestsResponse{Count: len(list), Dropped: s.journal.Dropped(id), Requests: list}, nil
}

func (s *Server) clearRequests(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	if s.journal == nil {
		return 0, nil, errors.New("the request journal is turned off (-journal-size)")
	}
	return http.StatusOK, map[string]int{"cleared": s.journal.Clear(id)}, nil
}

func (s *Server) addFault(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	var rule faults.Rule
	if err := s.decodeControl(r, &rule); err != nil {
		return 0, nil, err
	}
	if rule.Path != "" && !strings.HasPrefix(rule.Path, "/") {
		rule.Path = apiPrefix + rule.Path
	}
	stored, err := s.faults.Add(id, rule)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, stored, nil
}

func (s *Server) listFaults(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	return http.StatusOK, map[string][]faults.Rule{"faults": s.faults.List(id)}, nil
}

func (s *Server) clearFaults(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	return http.StatusOK, map[string]int{"cleared": s.faults.Clear(id)}, nil
}

func (s *Server) deleteFault(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	if !s.faults.Delete(id, mux.Vars(r)["id"]) {
		return 0, nil, notFound(fmt.Sprintf("no fault rule %q", mux.Vars(r)["id"]))
	}
	return http.StatusNoContent, nil, nil
}

// openAPI serves the document requests are validated against.
func (s *Server) openAPI(asJSON bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asJSON {
			writeJSON(w, http.StatusOK, s.doc)
			return
		}
		if s.opts.Document != nil { // JSON is YAML too; the custom file's own text is not kept
			writeJSONType(w, http.StatusOK, "application/yaml", s.doc)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(spec.Document())
	})
}
