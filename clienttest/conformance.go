package clienttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/mockserver"
)

// The conformance rules of the fake's GET /_mock/conformance, applied by
// Run to the requests each case received: a finding of an error rule (the
// request breaks what Netmera documents) fails the case, a finding of a
// warning rule (wasteful, or caused by what the case asked) is logged.

// IgnoreRules skips conformance rules by ID ("small-batches",
// "retry-backoff"…), for a client that breaks one on purpose; Run fails
// when an ID names no rule.
func IgnoreRules(ids ...string) RunOption {
	return func(c *runConfig) { c.ignore = append(c.ignore, ids...) }
}

// checkConformance judges the requests of a case by the rules.
func (e *env) checkConformance(ignore []string) {
	e.t.Helper()
	reqs := e.rec.all()
	if len(reqs) == 0 {
		return
	}
	j := journal.New(MaxRecorded) // the journal interprets and masks them as the fake's does
	for _, r := range reqs {
		j.Add(entryOf(r))
	}
	rep := conformance.Check(conformance.FromEntries(j.List(journal.Filter{Tenant: "case"})), conformance.Options{Ignore: ignore})
	for _, res := range rep.Rules {
		if res.Count == 0 {
			continue
		}
		msg := fmt.Sprintf("%s: the requests %s %s break conformance rule %s (%s): %s\n%s(clienttest.IgnoreRules(%q) skips the rule)",
			e.name, e.where(), e.receivedVerb(), res.ID, res.Severity, res.Title, indent(res.Text()), res.ID)
		if res.Severity == conformance.Error {
			e.t.Errorf("%s", msg)
		} else {
			e.t.Logf("%s", msg)
		}
	}
}

func (e *env) receivedVerb() string {
	if e.live() {
		return "was sent"
	}
	return "received"
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ") + "\n"
}

// entryOf is a recorded request as the fake's journal records one.
func entryOf(r Request) journal.Entry {
	e := journal.Entry{Tenant: "case", Time: r.Time, Method: r.Method, Path: r.Path, Query: r.Query.Encode(),
		Header: r.Header, Body: r.Body, Status: r.Status, Response: r.Response,
		DurationMS: float64(r.Duration.Microseconds()) / 1000}
	if r.Status >= 400 {
		e.RetryAfter, e.Fault = r.ResponseHeader.Get("Retry-After"), r.ResponseHeader.Get(mockserver.FaultHeader)
	}
	if r.Method == http.MethodGet && r.Status == http.StatusOK { // a page the journal would cut keeps its link
		var page struct {
			NextPage string `json:"nextPage"`
		}
		if json.Unmarshal(r.Response, &page) == nil {
			e.NextPage = page.NextPage
		}
	}
	return e
}
