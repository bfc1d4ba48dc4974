package conformance

import (
	"encoding/json"
	"fmt"
	"github.com/netmera-mock/netmera-mock/internal/junit"
	"io"
	"strconv"
	"strings"
)

// WriteJSON writes one report as an indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	return writeJSON(w, r)
}

// WriteAllJSON writes reports as {"reports":[…]}, one per tenant.
func WriteAllJSON(w io.Writer, reports []*Report) error {
	if reports == nil {
		reports = []*Report{}
	}
	return writeJSON(w, struct {
		Reports []*Report `json:"reports"`
	}{reports})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJUnit writes reports as JUnit XML, for any CI to show as test
// results: one testsuite per report (tenant), one testcase per rule. A
// rule with findings fails, with one failure listing every finding and
// the rule's fix and source; a rule without passes; an ignored rule is
// skipped.
func WriteJUnit(w io.Writer, reports []*Report) error {
	out := junit.Suites{Name: "netmera-mock conformance"}
	for _, r := range reports {
		name := "netmera conformance"
		if r.Tenant != "" {
			name += " (" + r.Tenant + ")"
		}
		suite := junit.Suite{Name: name, Tests: len(r.Rules), Failures: r.Summary.Failed, Skipped: r.Summary.Ignored,
			Time: "0.000", Timestamp: junit.Timestamp(r.Generated),
			Properties: []junit.Property{{Name: "tenant", Value: r.Tenant}, {Name: "requests", Value: strconv.Itoa(r.Requests)},
				{Name: "dropped", Value: strconv.FormatUint(r.Dropped, 10)}},
			SystemOut: fmt.Sprintf("%d requests: %s", r.Requests, r.Summary)}
		if r.Since != nil {
			suite.Properties = append(suite.Properties, junit.Property{Name: "since", Value: r.Since.Format("2006-01-02T15:04:05.999999999Z07:00")})
		}
		for _, res := range r.Rules {
			tc := junit.Case{Name: res.ID + ": " + res.Title, Classname: "netmera.conformance." + string(res.Severity), Time: "0.000"}
			switch {
			case res.Ignored:
				tc.Skipped = &junit.Message{Message: "ignored"}
			case res.Count > 0:
				tc.Failure = &junit.Message{Message: failureMessage(res), Type: string(res.Severity), Text: res.Text()}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	return junit.Write(w, out)
}

func failureMessage(r Result) string {
	return fmt.Sprintf("%d finding%s; first: %s", r.Count, plural(r.Count), r.Findings[0])
}

// Text is a rule's findings as lines of text, then its fix and source.
func (r Result) Text() string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString(f.String() + "\n")
	}
	if more := r.Count - len(r.Findings); more > 0 {
		fmt.Fprintf(&b, "… and %d more\n", more)
	}
	fmt.Fprintf(&b, "fix:    %s\nsource: %s\n", r.Fix, r.Source)
	return b.String()
}

// String is the finding in one line: the requests (the first three and
// the last of a long list), then what is wrong.
func (f Finding) String() string {
	var ids []string
	for i, s := range f.Entries {
		switch n := len(f.Entries); {
		case n > 6 && i == 3:
			ids = append(ids, fmt.Sprintf("… %d more …", n-4))
		case n > 6 && i > 3 && i < n-1:
		default:
			ids = append(ids, strconv.FormatUint(s, 10))
		}
	}
	noun := "request"
	if len(ids) > 1 {
		noun = "requests"
	}
	return fmt.Sprintf("%s %s (%s): %s", noun, strings.Join(ids, ", "), f.Request, f.Detail)
}
