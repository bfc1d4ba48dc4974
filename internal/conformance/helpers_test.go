package conformance_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/state"
)

// The key of the test requests, and its ID as the journal shows it.
const testKey = "secret-key"

var (
	keyID = state.KeyID(testKey)
	t0    = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
)

// opt changes a test request.
type opt func(*conformance.Request)

// rq makes request seq, arriving at t0+at: target is a path under
// /rest/3.0/ with its query; a body gets Content-Type application/json.
// It is answered 200 with an empty body in 2 ms unless opts say otherwise.
func rq(seq int, at time.Duration, method, target, body string, opts ...opt) conformance.Request {
	path, query, _ := strings.Cut(target, "?")
	r := conformance.Request{Seq: uint64(seq), Time: t0.Add(at), Duration: 2 * time.Millisecond,
		Method: method, Path: "/rest/3.0/" + path, Query: query,
		Header: http.Header{"X-Netmera-Api-Key": {keyID}}, Status: http.StatusOK}
	if body != "" {
		r.Body = []byte(body)
		r.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// answer sets the status and body of the answer.
func answer(status int, body string) opt {
	return func(r *conformance.Request) { r.Status, r.Response = status, []byte(body) }
}

// refusal is Netmera's envelope as an answer.
func refusal(status, code int, msg string) opt {
	return answer(status, fmt.Sprintf(`{"code":%d,"error":%q}`, code, msg))
}

func header(name string, values ...string) opt {
	return func(r *conformance.Request) {
		if len(values) == 0 {
			r.Header.Del(name)
			return
		}
		r.Header[http.CanonicalHeaderKey(name)] = values
	}
}

func notes(n ...string) opt { return func(r *conformance.Request) { r.Notes = n } }

func retryAfter(v string) opt { return func(r *conformance.Request) { r.RetryAfter = v } }

func took(d time.Duration) opt { return func(r *conformance.Request) { r.Duration = d } }

func cut() opt { return func(r *conformance.Request) { r.Cut = true } }

// page answers a listing with a nextPage carrying offset ("" for none).
func page(offset string) opt {
	return func(r *conformance.Request) {
		r.Status = http.StatusOK
		if offset == "" {
			r.Response = []byte(`{"total":3,"devices":[]}`)
			return
		}
		next := "http://127.0.0.1/rest/3.0/" + strings.TrimPrefix(r.Path, "/rest/3.0/") + "?" +
			url.Values{"offset": {offset}, "max": {"10"}}.Encode()
		r.Response = []byte(`{"nextPage":"` + next + `","total":30,"devices":[]}`)
	}
}

// ids makes n external IDs starting at from: "u-0001", …
func ids(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u-%04d", from+i)
	}
	return out
}

func jsonList(ss []string) string {
	return `["` + strings.Join(ss, `","`) + `"]`
}

// found is a finding as a test wants it: its entries, and words of its
// detail.
type found struct {
	entries []uint64
	detail  string
}

// wantFindings checks rule's findings over reqs: their entries exactly,
// and each detail containing the words wanted.
func wantFindings(t *testing.T, reqs []conformance.Request, rule string, want []found) {
	t.Helper()
	rep := conformance.Check(reqs, conformance.Options{})
	i := slices.IndexFunc(rep.Rules, func(r conformance.Result) bool { return r.ID == rule })
	if i < 0 {
		t.Fatalf("no rule %q in the report", rule)
	}
	res := rep.Rules[i]
	var got, wantEntries [][]uint64
	for _, f := range res.Findings {
		got = append(got, f.Entries)
	}
	for _, w := range want {
		wantEntries = append(wantEntries, w.entries)
	}
	if diff := cmp.Diff(got, wantEntries); diff != "" || res.Count != len(want) {
		t.Fatalf("%s: findings' entries (-got +want):\n%s\nfindings: %+v (count %d)", rule, diff, res.Findings, res.Count)
	}
	for i, w := range want {
		if !strings.Contains(res.Findings[i].Detail, w.detail) {
			t.Errorf("%s: finding %d says %q, want it to say %q", rule, i, res.Findings[i].Detail, w.detail)
		}
	}
}

// allFindings lists every finding of a report as "rule: entries".
func allFindings(rep conformance.Report) []string {
	var out []string
	for _, r := range rep.Rules {
		for _, f := range r.Findings {
			out = append(out, fmt.Sprintf("%s: %v %s", r.ID, f.Entries, f.Detail))
		}
	}
	return out
}
