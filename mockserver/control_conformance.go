package mockserver

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// The conformance report: what a tenant's clients did wrong, judged by the
// rules of internal/conformance over the tenant's journal when the report
// is asked for, never on the request path.

// Formats of a conformance report.
const (
	ReportJSON  = "json"  // one JSON object per tenant
	ReportJUnit = "junit" // JUnit XML: a testsuite per tenant, a testcase per rule
)

// errNoJournal refuses a report when there is no journal to judge.
var errNoJournal = errors.New("the request journal is turned off (-journal-size 0): there is nothing to judge")

// conformanceReport serves GET /_mock/conformance: the caller's tenant's
// report, over its whole journal or the requests since ?since= (RFC 3339,
// as on /_mock/requests), as JSON or ?format=junit, with the rules of
// ?ignore=id,id reported as ignored.
func (s *Server) conformanceReport(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.controlTenant(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = ReportJSON
	}
	var since time.Time
	var ignore []string
	var err error
	if v := q.Get("since"); v != "" {
		if since, err = time.Parse(time.RFC3339Nano, v); err != nil {
			err = fmt.Errorf("since must be an RFC 3339 time: %w", err)
		}
	}
	for _, v := range strings.Split(q.Get("ignore"), ",") {
		if v = strings.TrimSpace(v); v != "" {
			ignore = append(ignore, v)
		}
	}
	switch unknown := conformance.UnknownRules(ignore); {
	case err != nil:
	case s.journal == nil:
		err = errNoJournal
	case format != ReportJSON && format != ReportJUnit:
		err = fmt.Errorf("format must be %s or %s, not %q", ReportJSON, ReportJUnit, format)
	case len(unknown) > 0:
		err = fmt.Errorf("ignore names no rule: %q (the rules: %s)", unknown, strings.Join(conformance.RuleIDs(), ", "))
	}
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, err.Error())
		return
	}
	rep := s.conformance(id, since, ignore)
	if format == ReportJSON {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	_ = conformance.WriteJUnit(w, []*conformance.Report{&rep}) // a write error: the client left
}

// conformance judges the journal of tenant id, from since on.
func (s *Server) conformance(id string, since time.Time, ignore []string) conformance.Report {
	entries := s.journal.List(journal.Filter{Tenant: id, Since: since})
	rep := conformance.Check(conformance.FromEntries(entries), conformance.Options{Ignore: ignore})
	rep.Tenant, rep.Generated, rep.Dropped = tenantLogID(id), time.Now().UTC(), s.journal.Dropped(id)
	if !since.IsZero() {
		rep.Since = &since
	}
	return rep
}

// WriteConformance writes the conformance report of every tenant that
// has a journal, in format (ReportJSON: {"reports":[…]}, ReportJUnit),
// each named by its log ID, never by its key; it returns how many tenants
// and findings the reports hold. It is what netmera-mock -report-on-exit
// writes at shutdown, after the last request.
func (s *Server) WriteConformance(w io.Writer, format string) (tenants, findings int, err error) {
	if s.journal == nil {
		return 0, 0, errNoJournal
	}
	if format != ReportJSON && format != ReportJUnit {
		return 0, 0, fmt.Errorf("mockserver: report format must be %s or %s, not %q", ReportJSON, ReportJUnit, format)
	}
	var reps []*conformance.Report
	for _, id := range s.journal.Tenants() {
		rep := s.conformance(id, time.Time{}, nil)
		reps = append(reps, &rep)
		findings += rep.Summary.Findings
	}
	if format == ReportJUnit {
		err = conformance.WriteJUnit(w, reps)
	} else {
		err = conformance.WriteAllJSON(w, reps)
	}
	return len(reps), findings, err
}

// tenantLogID names a tenant by the ID its key has in the logs
// (state.KeyID), from the hash the journal files it under.
func tenantLogID(id string) string {
	var h state.KeyHash
	if b, err := hex.DecodeString(id); err == nil && len(b) == len(h) {
		copy(h[:], b)
		return h.ID()
	}
	return "tenant"
}
