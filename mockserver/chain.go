package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/internal/jsonvalue"
	"github.com/netmera-mock/netmera-mock/internal/spec"
	"github.com/netmera-mock/netmera-mock/state"
)

// This file is the whole path of a request, top to bottom:
//
//	ServeHTTP → serveAPI: key → tenant → body → fault → route → shape →
//	validate → endpoint → answer; finish: recover → journal → log.
//
// Every /rest/3.0/ request takes the same path, whatever its key: a
// missing or unknown key is answered at the first step, for every path,
// known or not. Only requests of a known tenant are journaled, so that
// random keys cannot grow the journal.

// FaultHeader names the fault rule that answered a request instead of the
// fake; a real Netmera answer never carries it.
const FaultHeader = "X-Netmera-Mock-Fault"

// Header names the chain reads.
const (
	apiKeyHeader = "X-netmera-api-key"
	osHeader     = "X-netmera-os"
)

// serveAPI runs a Netmera API request through the fake.
func (s *Server) serveAPI(x *exchange, r *http.Request) {
	// 1. The key names the tenant.
	key := r.Header.Get(apiKeyHeader)
	t, err := s.store.Lookup(key)
	if err != nil {
		s.refuseKey(x, key, err)
		return
	}
	x.tenant = t.ID()
	x.journaled = s.journal != nil

	// 2. The body, read once and bounded.
	if err := x.readBody(r, s.opts.MaxBodyBytes); err != nil {
		if !x.left(r) {
			s.fail(x, err)
		}
		return
	}

	// 3. A fault rule of the tenant may answer instead of the fake, on any
	// path and method: a rule can stub an endpoint the fake does not know.
	if s.fault(x, r) {
		return
	}

	// 4. The route: an unknown path answers 404, a known one with another
	// method 405, as Netmera's framework does.
	ep := s.api[strings.TrimPrefix(r.URL.Path, apiPrefix)]
	if ep == nil {
		s.notFound(x, r)
		return
	}
	h := ep.methods[r.Method]
	if h == nil {
		s.methodNotAllowed(x, r, ep)
		return
	}

	// 5. The shape: the switches are settled here, once.
	c := &call{ctx: r.Context(), r: r, raw: x.body, note: x.note}
	if err := s.shape(x, r, h, c); err != nil {
		if !x.left(r) {
			s.fail(x, err)
		}
		return
	}

	// 6. The endpoint acts on the tenant, 7. and its answer is written.
	// A client that left is not served: the work is not done, nothing
	// changes.
	if x.left(r) {
		return
	}
	t.ApplyDueRegistrations() // registerUsers requests whose delay is over
	out, err := h.fn(t, c)
	x.nextPage = c.nextPage
	if err != nil {
		s.fail(x, err)
		return
	}
	switch out.(type) {
	case nil: // Netmera's empty 200 of a write
		x.WriteHeader(http.StatusOK)
		return
	case noContent:
		x.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(x, http.StatusOK, out)
}

// shape parses the body once, applies the shape switches (a single object
// where an array is documented, a missing X-netmera-os) and validates the
// request against the document. What a switch let through is noted for
// the journal.
func (s *Server) shape(x *exchange, r *http.Request, h *handler, c *call) error {
	if h.flags&osHeaderRequired != 0 {
		switch os := r.Header.Get(osHeader); {
		case os == "IOS" || os == "ANDROID":
		case s.opts.LenientOS:
			x.note("X-netmera-os " + quoteOrMissing(os) + " accepted by -lenient-os; Netmera documents it as required (IOS or ANDROID)")
		case os == "":
			return state.ErrMissing(osHeader)
		default:
			return state.Invalidf(state.CodeTypeMismatch, "Header '%s' should be IOS or ANDROID", osHeader)
		}
	}
	if h.flags&(objectBody|arrayBody) != 0 {
		v, info, err := jsonvalue.Parse(x.body, jsonvalue.Limits{})
		if err != nil {
			return bodyError(err)
		}
		if err := r.Context().Err(); err != nil {
			return err // the client left while a large body was parsed
		}
		for _, k := range info.DuplicateKeys {
			x.note(fmt.Sprintf("member %q appears more than once; the last value was used", k))
		}
		if _, one := v.(map[string]any); one && h.flags&(arrayBody|objectBody) == arrayBody {
			if !s.acceptsSingle(h.flags&oneObjectOK != 0) {
				return state.ErrInvalidJSON()
			}
			v = []any{v}
			if h.flags&oneObjectOK == 0 || s.opts.SingleObject == SingleObjectAccept {
				x.note("a single object accepted where Netmera documents an array (-single-object " + s.opts.SingleObject + ")")
			}
		}
		c.body = v
	}
	if s.index == nil {
		return nil
	}
	op := s.index.Lookup(r.Method, r.URL.Path)
	if op == nil {
		return nil // not in the document: the endpoint checks alone
	}
	if err := op.CheckParams(r, c.values(), osHeader); err != nil {
		return validationError(err)
	}
	if h.flags&(objectBody|arrayBody) != 0 {
		if err := op.CheckBody(r.Context(), c.body); err != nil {
			return validationError(err)
		}
	}
	return nil
}

// acceptsSingle says whether an array-bodied endpoint takes a single
// object; lenient marks the endpoints where the auto policy accepts it.
func (s *Server) acceptsSingle(lenient bool) bool {
	switch s.opts.SingleObject {
	case SingleObjectAccept:
		return true
	case SingleObjectReject:
		return false
	}
	return lenient
}

func quoteOrMissing(v string) string {
	if v == "" {
		return "missing"
	}
	return fmt.Sprintf("%q", v)
}

// fault applies the tenant's matching fault rule, if any, and reports
// whether it answered the request (or the client left during its latency);
// a latency-only rule lets the request go on.
func (s *Server) fault(x *exchange, r *http.Request) (answered bool) {
	if s.faults.Empty(x.tenant) {
		return false // no rules: skip reading the body's external IDs
	}
	rule, ok := s.faults.Match(x.tenant, r.Method, r.URL.Path, journal.ExtIDs(r.URL.Query(), x.body))
	if !ok {
		return false
	}
	if err := faults.Sleep(r.Context(), rule.Latency()); err != nil {
		x.dropped = true // the client went away: it got no answer
		return true
	}
	x.dropped = rule.Drop
	if rule.Status != 0 {
		x.Header().Set(FaultHeader, rule.ID) // says which rule answered, for whoever debugs the client
	}
	return faults.Apply(x, rule)
}

// refuseKey answers a key that names no tenant: Netmera's 403 2010 for an
// unknown key, and a distinct 503 5022 when -accept-any-key would take the
// key but the tenant limit is reached, which is logged (at most a line a
// second, counting the ones left out).
func (s *Server) refuseKey(x *exchange, key string, err error) {
	switch {
	case errors.Is(err, state.ErrTenantLimit):
		if n, ok := s.limitLog.allow(time.Now()); ok {
			s.log.Warn("tenant limit reached: a new API key was refused", "key", state.KeyID(key),
				"tenants", s.store.Len(), "refused_since_last_line", n)
		}
		writeJSON(x, http.StatusServiceUnavailable, envelope{Code: state.CodeQuotaExceeded,
			Error: fmt.Sprintf("Service usage quota is exceeded: netmera-mock already serves its limit of %d apps (-max-tenants); this key gets no app of its own", s.store.MaxTenants())})
	case errors.Is(err, state.ErrUnknownKey):
		s.fail(x, state.ErrAPIKey())
	default: // seeding the new tenant failed
		s.log.Error("creating a tenant for a new key", "key", state.KeyID(key), "err", err)
		s.fail(x, errInternal())
	}
}

// fail answers err in Netmera's envelope.
func (s *Server) fail(x *exchange, err error) {
	writeError(x, err, s.opts.AuthStatus)
}

// validationError is the answer to a request the document refuses.
func validationError(err error) error {
	var ve *spec.ValidationError
	if errors.As(err, &ve) {
		return state.Invalidf(ve.Code, "%s", ve.Message)
	}
	return state.ErrInvalidJSON()
}

// bodyError is the answer to a body the JSON reader refused: invalid JSON,
// saying which limit when a limit refused it.
func bodyError(err error) error {
	var e *jsonvalue.Error
	if errors.As(err, &e) {
		switch {
		case e.TooDeep || e.TooMany:
			return state.Invalidf(state.CodeInvalidJSON, "Invalid JSON: %s", e.Reason)
		case strings.Contains(e.Reason, "UTF"):
			return state.Invalidf(state.CodeInvalidJSON, "Invalid JSON: %s at byte %d", e.Reason, e.Offset)
		}
	}
	return state.ErrInvalidJSON()
}

// exchange is the one writer every request goes through: it remembers the
// status for the log and the journal, and keeps a copy of the response
// when the request is journaled.
type exchange struct {
	http.ResponseWriter
	status  int
	wrote   bool
	start   time.Time
	dropped bool // no answer reached the client

	tenant    string       // the tenant's id, once the key named one (or a control write acted on it)
	journaled bool         // the request goes to the journal
	body      []byte       // the request body, read once
	response  bytes.Buffer // what was written, when journaled
	owned     []byte       // or the one body written by writeOwned
	notes     []string
	nextPage  string // the answer's nextPage link, for the journal
}

func (x *exchange) WriteHeader(code int) {
	if !x.wrote {
		x.status, x.wrote = code, true
	}
	x.ResponseWriter.WriteHeader(code)
}

func (x *exchange) Write(b []byte) (int, error) {
	x.wrote = true
	if x.journaled {
		x.response.Write(b)
	}
	return x.ResponseWriter.Write(b)
}

// writeOwned writes b, which the caller hands over and never changes: a
// journaled request keeps b itself rather than a copy.
func (x *exchange) writeOwned(b []byte) {
	if x.journaled && x.response.Len() == 0 && x.owned == nil {
		x.wrote = true
		x.owned = b
		_, _ = x.ResponseWriter.Write(b)
		return
	}
	_, _ = x.Write(b)
}

// responseBody is what was written, for the journal.
func (x *exchange) responseBody() []byte {
	if x.owned != nil {
		return x.owned
	}
	return x.response.Bytes()
}

// Unwrap lets http.ResponseController reach the connection, for drops.
func (x *exchange) Unwrap() http.ResponseWriter { return x.ResponseWriter }

func (x *exchange) note(s string) { x.notes = append(x.notes, s) }

// left reports whether the client has gone (its request's context is
// done), marking the request as answered to nobody.
func (x *exchange) left(r *http.Request) bool {
	if r.Context().Err() != nil {
		x.dropped = true
		return true
	}
	return false
}

// readBody reads the whole body once, at most limit bytes; a body over the
// limit, or one that cannot be read, is refused as invalid JSON. A body of
// known length is read into a buffer of exactly that size.
func (x *exchange) readBody(r *http.Request, limit int64) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	body := http.MaxBytesReader(x.ResponseWriter, r.Body, limit)
	var err error
	if n := r.ContentLength; n > 0 && n <= limit {
		x.body = make([]byte, n)
		if _, err = io.ReadFull(body, x.body); err == nil {
			var extra [1]byte // a body longer than it said is read on, to the limit
			if m, _ := body.Read(extra[:]); m > 0 {
				rest, e := io.ReadAll(body)
				x.body, err = append(append(x.body, extra[0]), rest...), e
			}
		}
	} else {
		x.body, err = io.ReadAll(body)
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return state.Invalidf(state.CodeInvalidJSON, "Request body is larger than %d bytes", tooBig.Limit)
		}
		return state.ErrInvalidJSON()
	}
	return nil
}

// finish ends every request: it answers a panic with Netmera's 500,
// journals a tenant's API request and logs the request at debug level.
func (s *Server) finish(x *exchange, r *http.Request) {
	p := recover()
	if p != nil {
		if p == http.ErrAbortHandler { // a connection dropped on purpose
			x.dropped = true
		} else {
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if !x.wrote {
				if strings.HasPrefix(r.URL.Path, apiPrefix) {
					writeError(x, errInternal(), s.opts.AuthStatus)
				} else {
					writeProblem(x, r, http.StatusInternalServerError, "netmera-mock failed: "+fmt.Sprint(p))
				}
			}
		}
	}
	status := x.status
	if x.dropped {
		status = 0
	}
	if x.journaled {
		e := journal.Entry{Time: x.start, Tenant: x.tenant, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Header: r.Header, Body: x.body, Status: status, Response: x.responseBody(), Notes: x.notes,
			NextPage: x.nextPage, DurationMS: float64(time.Since(x.start).Microseconds()) / 1000}
		if status >= 400 { // what a client's retry must heed (conformance rules read it)
			e.RetryAfter, e.Fault = x.Header().Get("Retry-After"), x.Header().Get(FaultHeader)
		}
		s.journal.Add(e)
	}
	if x.tenant != "" {
		s.watch.changed(x.tenant) // one atomic load when no inspector watches
	}
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", status,
			"key", state.KeyID(r.Header.Get(apiKeyHeader)), "duration_ms", float64(time.Since(x.start).Microseconds())/1000)
	}
	if p == http.ErrAbortHandler {
		panic(p)
	}
}
