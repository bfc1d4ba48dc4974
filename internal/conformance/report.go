package conformance

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
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

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Skipped   *junitMessage `xml:"skipped"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"` // kept as written: a CI shows its lines
}

// WriteJUnit writes reports as JUnit XML, for any CI to show as test
// results: one testsuite per report (tenant), one testcase per rule. A
// rule with findings fails, with one failure listing every finding and
// the rule's fix and source; a rule without passes; an ignored rule is
// skipped.
func WriteJUnit(w io.Writer, reports []*Report) error {
	out := junitSuites{Name: "netmera-mock conformance"}
	for _, r := range reports {
		name := "netmera conformance"
		if r.Tenant != "" {
			name += " (" + r.Tenant + ")"
		}
		suite := junitSuite{Name: name, Tests: len(r.Rules), Failures: r.Summary.Failed, Skipped: r.Summary.Ignored,
			Time: "0.000", Timestamp: r.Generated.UTC().Format("2006-01-02T15:04:05"),
			Properties: []junitProperty{{"tenant", r.Tenant}, {"requests", strconv.Itoa(r.Requests)},
				{"dropped", strconv.FormatUint(r.Dropped, 10)}},
			SystemOut: fmt.Sprintf("%d requests: %s", r.Requests, r.Summary)}
		if r.Since != nil {
			suite.Properties = append(suite.Properties, junitProperty{"since", r.Since.Format("2006-01-02T15:04:05.999999999Z07:00")})
		}
		for _, res := range r.Rules {
			tc := junitCase{Name: res.ID + ": " + res.Title, Classname: "netmera.conformance." + string(res.Severity), Time: "0.000"}
			switch {
			case res.Ignored:
				tc.Skipped = &junitMessage{Message: "ignored"}
			case res.Count > 0:
				tc.Failure = &junitMessage{Message: failureMessage(res), Type: string(res.Severity), Text: xmlText(res.Text())}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Skipped += suite.Skipped
		out.Suites = append(out.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlText replaces what XML cannot hold, even in CDATA (control
// characters a request's path may carry), with U+FFFD.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, s)
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
