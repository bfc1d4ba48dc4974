// Package junit writes JUnit XML test reports, the format every CI shows
// as test results: the contract suite's report and the conformance report
// are both written with it.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Suites is a report: a <testsuites> of suites.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr,omitempty"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is one <testsuite>.
type Suite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr"`
	Properties []Property `xml:"properties>property"`
	Cases      []Case     `xml:"testcase"`
	SystemOut  string     `xml:"system-out,omitempty"`
}

// Property is a name and value a suite carries.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is one <testcase>: it passed, unless Failure or Skipped is set.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Message `xml:"failure"`
	Skipped   *Message `xml:"skipped"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Message is a failure's or a skip's message and text.
type Message struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"` // kept as written: a CI shows its lines
}

// Seconds is a duration as JUnit writes it, "1.234".
func Seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// Timestamp is a time as JUnit writes it, in UTC without a zone.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// Write writes s as an XML document, indented, with a final newline.
// Characters XML cannot hold (control characters a request's path may
// carry) become U+FFFD.
func Write(w io.Writer, s Suites) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	s.Suites = append([]Suite(nil), s.Suites...) // the caller's report stays as it was
	for i := range s.Suites {
		suite := &s.Suites[i]
		suite.Cases = append([]Case(nil), suite.Cases...)
		suite.SystemOut = Text(suite.SystemOut)
		for j := range suite.Cases {
			c := &suite.Cases[j]
			c.Name, c.SystemOut = Text(c.Name), Text(c.SystemOut)
			c.Failure, c.Skipped = clean(c.Failure), clean(c.Skipped)
		}
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func clean(m *Message) *Message {
	if m == nil {
		return nil
	}
	return &Message{Message: Text(m.Message), Type: m.Type, Text: Text(m.Text)}
}

// Text replaces what XML cannot hold with U+FFFD.
func Text(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, s)
}
