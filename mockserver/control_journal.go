package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// The control API's view of requests: the journal and the fault rules.

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
