package conformance

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Severity says how sure a rule is that a finding is a bug.
type Severity string

const (
	// Error: the request breaks what Netmera documents; the real API
	// refuses it, ignores it or does something else than the client meant.
	Error Severity = "error"
	// Warning: the request works, but wastefully or by luck; a finding
	// can be intended, and a test suite can cause one by the calls it
	// makes rather than by how the client makes them.
	Warning Severity = "warning"
)

// Rule is one thing clients get wrong, with where Netmera says so and how
// to fix it.
type Rule struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Source is Netmera's word for the rule: the source IDs of the fact
	// sheet (S1 the official OpenAPI reference, S2 the newer per-endpoint
	// reference, S3 the guide, S5 the netmera4j client) or a standard.
	Source string `json:"source"`
	Fix    string `json:"fix"`

	check func(c *checker) []Finding
}

// Finding is one breach of a rule: the requests it is about (their Seq)
// and what is wrong with them.
type Finding struct {
	Entries []uint64 `json:"entries"`
	Request string   `json:"request"` // the first entry's method, path and query
	Detail  string   `json:"detail"`
}

// Options tune the rules; the zero value is Netmera's documented limits
// and the defaults below.
type Options struct {
	// MaxIDs is the most unique identifiers one request may name; 0
	// means DefaultMaxIDs.
	MaxIDs int
	// MinBackoff is the shortest wait before retrying a failed request
	// that counts as backing off; 0 means DefaultMinBackoff.
	MinBackoff time.Duration
	// Window is how close two requests must be for the second to count as
	// a repeat of the first, or as reading back what the first wrote; 0
	// means DefaultWindow.
	Window time.Duration
	// Ignore lists rule IDs whose findings are not counted: the rules are
	// reported as ignored.
	Ignore []string
}

// Defaults of Options.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultWindow     = time.Minute
)

// MaxFindings is the most findings a Result lists; Count counts them all.
const MaxFindings = 100

// Result is one rule's outcome.
type Result struct {
	Rule
	Ignored  bool      `json:"ignored,omitempty"`
	Count    int       `json:"count"`
	Findings []Finding `json:"findings"`
}

// Passed reports whether the rule found nothing (or was ignored).
func (r Result) Passed() bool { return r.Ignored || r.Count == 0 }

// Summary counts a report's rules and findings.
type Summary struct {
	Rules    int `json:"rules"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	Ignored  int `json:"ignored"`
	Findings int `json:"findings"`
	Errors   int `json:"errors"`   // findings of Error rules
	Warnings int `json:"warnings"` // findings of Warning rules
}

// Report is every rule's outcome over one tenant's requests. Check fills
// Requests, Summary and Rules; the caller says whose and when.
type Report struct {
	// Tenant names the app by its log ID ("key-1a2b3c4d"), never its key.
	Tenant    string     `json:"tenant,omitempty"`
	Generated time.Time  `json:"generated"`
	Since     *time.Time `json:"since,omitempty"`
	Requests  int        `json:"requests"`
	// Dropped counts requests the journal no longer holds: findings
	// about them are lost, and a walk whose first pages were dropped is
	// judged from the pages left.
	Dropped uint64   `json:"dropped"`
	Summary Summary  `json:"summary"`
	Rules   []Result `json:"rules"`
}

// Rules returns every rule, in the order reports list them.
func Rules() []Rule { return slices.Clone(rules) }

// RuleIDs returns the IDs of every rule, in order.
func RuleIDs() []string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return ids
}

// Check runs every rule over one tenant's requests, in the order they
// arrived (by Time; Seq breaks ties). It reads the requests and does not
// modify them.
func Check(reqs []Request, opts Options) Report {
	c := newChecker(reqs, opts)
	rep := Report{Requests: len(c.entries), Rules: make([]Result, 0, len(rules))}
	for _, r := range rules {
		res := Result{Rule: r, Ignored: slices.Contains(opts.Ignore, r.ID), Findings: []Finding{}}
		if !res.Ignored {
			found := r.check(c)
			sort.SliceStable(found, func(i, j int) bool { return found[i].Entries[0] < found[j].Entries[0] })
			res.Count = len(found)
			res.Findings = append(res.Findings, found[:min(len(found), MaxFindings)]...)
		}
		rep.Rules = append(rep.Rules, res)
		rep.Summary.add(res)
	}
	return rep
}

func (s *Summary) add(r Result) {
	s.Rules++
	switch {
	case r.Ignored:
		s.Ignored++
	case r.Count == 0:
		s.Passed++
	default:
		s.Failed++
	}
	s.Findings += r.Count
	if r.Severity == Error {
		s.Errors += r.Count
	} else {
		s.Warnings += r.Count
	}
}

// String is the summary in one line.
func (s Summary) String() string {
	line := fmt.Sprintf("%d rules: %d passed, %d failed", s.Rules, s.Passed, s.Failed)
	if s.Ignored > 0 {
		line += fmt.Sprintf(", %d ignored", s.Ignored)
	}
	return line + fmt.Sprintf("; %d finding%s (%d error%s, %d warning%s)",
		s.Findings, plural(s.Findings), s.Errors, plural(s.Errors), s.Warnings, plural(s.Warnings))
}

// UnknownRules returns the IDs of ids that name no rule.
func UnknownRules(ids []string) []string {
	var out []string
	for _, id := range ids {
		if !slices.ContainsFunc(rules, func(r Rule) bool { return r.ID == id }) {
			out = append(out, id)
		}
	}
	return out
}

// checker holds the requests in arrival order and the options, for the
// rules.
type checker struct {
	entries    []*entry
	maxIDs     int
	minBackoff time.Duration
	window     time.Duration
	keyIDs     map[string]string // state.KeyID of values seen
}

func newChecker(reqs []Request, opts Options) *checker {
	c := &checker{maxIDs: opts.MaxIDs, minBackoff: opts.MinBackoff, window: opts.Window, keyIDs: map[string]string{}}
	if c.maxIDs <= 0 {
		c.maxIDs = DefaultMaxIDs
	}
	if c.minBackoff <= 0 {
		c.minBackoff = DefaultMinBackoff
	}
	if c.window <= 0 {
		c.window = DefaultWindow
	}
	for i := range reqs {
		if strings.HasPrefix(reqs[i].Path, apiPrefix) {
			c.entries = append(c.entries, newEntry(&reqs[i]))
		}
	}
	sort.SliceStable(c.entries, func(i, j int) bool {
		a, b := c.entries[i], c.entries[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Seq < b.Seq
	})
	for i, e := range c.entries {
		e.i = i
	}
	return c
}

// each makes one finding per request that detail says something about.
func (c *checker) each(detail func(e *entry) string) []Finding {
	var out []Finding
	for _, e := range c.entries {
		if d := detail(e); d != "" {
			out = append(out, finding(d, e))
		}
	}
	return out
}

// finding is a finding about es, described by the first.
func finding(detail string, es ...*entry) Finding {
	f := Finding{Request: es[0].describe(), Detail: detail}
	for _, e := range es {
		f.Entries = append(f.Entries, e.Seq)
	}
	return f
}

// seconds shows a duration for a finding: "0.004 s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f s", d.Seconds())
}
