package mockserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// FaultHeader names the fault rule that answered a request instead of the
// fake; a real Netmera answer never carries it.
const FaultHeader = "X-Netmera-Mock-Fault"

// call is what the pipeline learned about one /rest/3.0/ request before
// the endpoint runs: whose it is and what it carried.
type call struct {
	tenant *state.Tenant
	id     string // the tenant's name in the journal and fault rules
	body   []byte
}

type callKey struct{}

func callOf(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// serveAPI runs a Netmera API request through the fake: it resolves the
// caller's tenant, applies a matching fault rule, routes the request, and
// journals what came and what went. Requests without a valid key go to the
// router alone, which refuses them; they are not journaled, so that random
// keys cannot grow the journal.
func (s *Server) serveAPI(w *statusRecorder, r *http.Request) {
	key := r.Header.Get(apiKeyHeader)
	t, ok := s.store.Tenant(key)
	if !ok {
		s.router.ServeHTTP(w, r)
		return
	}
	c := &call{tenant: t, id: state.HashKey(key).String()}
	start := time.Now()
	capture := &captureWriter{statusRecorder: w}
	defer func() {
		// A panic is answered here rather than by ServeHTTP, so that the
		// journal records the 500 the client gets; ServeHTTP still logs it.
		p := recover()
		if p != nil && p != http.ErrAbortHandler && !capture.wrote {
			writeError(capture, errInternal(), s.opts.AuthStatus)
		}
		if s.journal != nil {
			s.journal.Add(journal.Entry{Time: start, Tenant: c.id, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
				Header: r.Header, Body: c.body, Status: capture.recorded(), Response: capture.body.Bytes(),
				DurationMS: float64(time.Since(start).Microseconds()) / 1000})
		}
		if p != nil {
			panic(p)
		}
	}()
	body, err := readBody(r)
	if err != nil {
		writeError(capture, err, s.opts.AuthStatus)
		return
	}
	c.body = body
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.fault(capture, r, c) {
		return
	}
	s.router.ServeHTTP(capture, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
}

// fault applies the tenant's first matching fault rule, if any, and
// reports whether it answered the request (or the client left during its
// latency); a latency-only rule lets the request go on.
func (s *Server) fault(w *captureWriter, r *http.Request, c *call) (answered bool) {
	if s.faults.Empty(c.id) {
		return false // no rules: skip reading the body's external IDs
	}
	rule, ok := s.faults.Match(c.id, r.Method, r.URL.Path, journal.ExtIDs(r.URL.Query(), c.body))
	if !ok {
		return false
	}
	if err := faults.Sleep(r.Context(), rule.Latency()); err != nil {
		w.dropped = true // the client went away: it got no answer
		return true
	}
	w.dropped = rule.Drop
	if rule.Status != 0 {
		w.Header().Set(FaultHeader, rule.ID) // says which rule answered, for whoever debugs the client
	}
	return faults.Apply(w, rule)
}

// validate checks a request against the OpenAPI document, answering in
// Netmera's envelope what the document refuses.
func (s *Server) validate(r *http.Request, body []byte) error {
	if s.validator == nil {
		return nil
	}
	// The document describes the default switches; a request that only
	// the switches make acceptable is validated as its default form.
	if s.opts.LenientOS && r.Header.Get(osHeader) != "IOS" && r.Header.Get(osHeader) != "ANDROID" {
		r = r.Clone(r.Context())
		r.Header.Set(osHeader, "IOS")
	}
	err := s.validator.ValidateRequest(r, body)
	if err != nil && s.opts.SingleObject == SingleObjectAccept {
		if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' {
			err = s.validator.ValidateRequest(r, append(append([]byte{'['}, trimmed...), ']'))
		}
	}
	var ve *contracts.ValidationError
	switch {
	case err == nil, errors.Is(err, contracts.ErrNoRoute):
		return nil
	case errors.As(err, &ve):
		return state.Invalidf(ve.Code, "%s", ve.Message)
	default:
		return state.ErrInvalidJSON()
	}
}

// captureWriter keeps a copy of the response for the journal.
type captureWriter struct {
	*statusRecorder
	body    bytes.Buffer
	dropped bool
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.body.Write(b) // whole, so the journal reports the true size of what it truncates
	return w.statusRecorder.Write(b)
}

// recorded is the status to journal: 0 for a dropped connection.
func (w *captureWriter) recorded() int {
	if w.dropped {
		return 0
	}
	return w.status
}

// Unwrap lets http.ResponseController reach the connection, for drops.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.statusRecorder }
