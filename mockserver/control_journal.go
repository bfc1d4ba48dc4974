package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// The control API's view of requests: the journal and the fault rules.

// requestsResponse is the journal as GET /_mock/requests shows it. Last
// is the number of the tenant's newest entry, whatever the filters kept:
// ?after=Last asks for what came since.
type requestsResponse struct {
	Count    int    `json:"count"`
	Dropped  uint64 `json:"dropped"`
	Last     uint64 `json:"last"`
	Requests any    `json:"requests"`
}

// requestSummary is an entry as ?summary=true lists it: what a list of
// requests shows; GET /_mock/requests/{seq} has the rest.
type requestSummary struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Query      string    `json:"query,omitempty"`
	Status     int       `json:"status"`
	DurationMS float64   `json:"durationMs"`
	ExtIDs     []string  `json:"extIds,omitempty"`
	Fault      string    `json:"fault,omitempty"` // the fault rule that answered
	Notes      int       `json:"notes,omitempty"` // how many; the entry has them
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
	if v := q.Get("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, nil, fmt.Errorf("after must be an entry's seq, a non-negative integer, not %q", v)
		}
		f.After = n
	}
	_, last := s.journal.Span(id) // before the listing: an entry added meanwhile is listed again, never missed
	switch v := q.Get("summary"); v {
	case "", "false":
	case "true":
		list := s.journal.Summaries(f)
		out := make([]requestSummary, len(list))
		for i, e := range list {
			out[i] = requestSummary{Seq: e.Seq, Time: e.Time, Method: e.Method, Path: e.Path, Query: e.Query,
				Status: e.Status, DurationMS: e.DurationMS, ExtIDs: e.ExtIDs, Fault: e.Fault, Notes: len(e.Notes)}
		}
		return http.StatusOK, requestsResponse{Count: len(out), Dropped: s.journal.Dropped(id), Last: last, Requests: out}, nil
	default:
		return 0, nil, fmt.Errorf("summary must be true or false, not %q", v)
	}
	list := s.journal.List(f)
	return http.StatusOK, requestsResponse{Count: len(list), Dropped: s.journal.Dropped(id), Last: last, Requests: list}, nil
}

// getRequest shows one journal entry whole, by its seq.
func (s *Server) getRequest(r *http.Request, _ *state.Tenant, id string) (int, any, error) {
	if s.journal == nil {
		return 0, nil, errors.New("the request journal is turned off (-journal-size)")
	}
	v := mux.Vars(r)["seq"]
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("an entry's seq is a non-negative integer, not %q", v)
	}
	e, ok := s.journal.Get(id, seq)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no request %d in the journal (never made, or dropped: it keeps the newest)", seq))
	}
	return http.StatusOK, e, nil
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
	if errors.Is(err, faults.ErrFull) {
		return 0, nil, conflict{fmt.Errorf("%w (DELETE /_mock/faults/{id} removes one, DELETE /_mock/faults all)", err)}
	}
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
