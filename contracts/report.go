package contracts

import (
	"encoding/json"
	"fmt"
	"github.com/netmera-mock/netmera-mock/internal/junit"
	"io"
	"strings"
	"time"
)

// Status is how a case ended.
type Status string

const (
	StatusPass Status = "pass"
	StatusFail Status = "fail"
	StatusSkip Status = "skip"
)

// Result is one case's outcome.
type Result struct {
	Name     string
	Tags     []Tag
	Status   Status
	Duration time.Duration
	// Reason says why a skipped case did not run.
	Reason string
	// Failures are the case's failure messages, each naming the request,
	// what came back and what was wanted.
	Failures []string
	// Calls lists what the case exercised: "operationId status" with the
	// error code when the answer was an error envelope ("tagUsers 400
	// 2020"), sorted.
	Calls []string
}

// String is the one line the CLI prints per case.
func (r Result) String() string {
	line := fmt.Sprintf("%-4s %s (%s)", strings.ToUpper(string(r.Status)), r.Name, r.Duration.Round(time.Millisecond))
	switch {
	case r.Status == StatusSkip:
		line += ": " + r.Reason
	case len(r.Failures) == 1:
		line += ": 1 failure"
	case len(r.Failures) > 1:
		line += fmt.Sprintf(": %d failures", len(r.Failures))
	}
	return line
}

// Text is String's line followed by the failures, each indented, as
// WriteText writes a case and the CLI prints one as it ends.
func (r Result) Text() string {
	var b strings.Builder
	b.WriteString(r.String() + "\n")
	for _, f := range r.Failures {
		b.WriteString("    " + strings.ReplaceAll(f, "\n", "\n    ") + "\n")
	}
	return b.String()
}

// Report is the outcome of a run.
type Report struct {
	Target   string // the base URL; the API key is never reported
	Live     bool
	Prefix   string
	Started  time.Time
	Duration time.Duration
	Results  []Result
}

// Counts returns how many cases passed, failed and were skipped.
func (r Report) Counts() (passed, failed, skipped int) {
	for _, res := range r.Results {
		switch res.Status {
		case StatusPass:
			passed++
		case StatusFail:
			failed++
		default:
			skipped++
		}
	}
	return passed, failed, skipped
}

// Summary is "N passed, N failed, N skipped".
func (r Report) Summary() string {
	p, f, s := r.Counts()
	return fmt.Sprintf("%d passed, %d failed, %d skipped", p, f, s)
}

// Failed reports whether any case failed.
func (r Report) Failed() bool {
	_, f, _ := r.Counts()
	return f > 0
}

// Result returns the result of the case named name.
func (r Report) Result(name string) (Result, bool) {
	for _, res := range r.Results {
		if res.Name == name {
			return res, true
		}
	}
	return Result{}, false
}

// WriteText writes one line per case, the failures of failed cases
// indented under theirs, and the summary line last.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, res := range r.Results {
		b.WriteString(res.Text())
	}
	b.WriteString(r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonResult struct {
	Name       string   `json:"name"`
	Tags       []Tag    `json:"tags"`
	Status     Status   `json:"status"`
	DurationMS float64  `json:"durationMs"`
	Reason     string   `json:"reason,omitempty"`
	Failures   []string `json:"failures,omitempty"`
	Calls      []string `json:"calls,omitempty"`
}

type jsonReport struct {
	Target     string       `json:"target"`
	Live       bool         `json:"live"`
	Prefix     string       `json:"prefix"`
	Started    time.Time    `json:"started"`
	DurationMS float64      `json:"durationMs"`
	Summary    string       `json:"summary"`
	Passed     int          `json:"passed"`
	Failed     int          `json:"failed"`
	Skipped    int          `json:"skipped"`
	Results    []jsonResult `json:"results"`
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteJSON writes the report as one indented JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	p, f, s := r.Counts()
	out := jsonReport{Target: r.Target, Live: r.Live, Prefix: r.Prefix, Started: r.Started, DurationMS: millis(r.Duration),
		Summary: r.Summary(), Passed: p, Failed: f, Skipped: s, Results: []jsonResult{}}
	for _, res := range r.Results {
		out.Results = append(out.Results, jsonResult{Name: res.Name, Tags: res.Tags, Status: res.Status,
			DurationMS: millis(res.Duration), Reason: res.Reason, Failures: res.Failures, Calls: res.Calls})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteJUnit writes the report as JUnit XML: one testsuite, one testcase
// per case (classname "contracts.<group>"), failures with every message,
// skips with their reason, tags in system-out.
func (r Report) WriteJUnit(w io.Writer) error {
	p, f, s := r.Counts()
	suite := junit.Suite{Name: "contracts", Tests: p + f + s, Failures: f, Skipped: s, Time: junit.Seconds(r.Duration),
		Timestamp:  junit.Timestamp(r.Started),
		Properties: []junit.Property{{Name: "target", Value: r.Target}, {Name: "live", Value: fmt.Sprint(r.Live)}, {Name: "prefix", Value: r.Prefix}}}
	for _, res := range r.Results {
		group, _, _ := strings.Cut(res.Name, "/")
		tc := junit.Case{Name: res.Name, Classname: "contracts." + group, Time: junit.Seconds(res.Duration)}
		tags := make([]string, len(res.Tags))
		for i, t := range res.Tags {
			tags[i] = string(t)
		}
		tc.SystemOut = "tags: " + strings.Join(tags, ", ")
		switch res.Status {
		case StatusFail:
			first := "failed"
			if len(res.Failures) > 0 {
				first, _, _ = strings.Cut(res.Failures[0], "\n")
			}
			tc.Failure = &junit.Message{Message: first, Type: "contract", Text: strings.Join(res.Failures, "\n\n")}
		case StatusSkip:
			tc.Skipped = &junit.Message{Message: res.Reason}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	return junit.Write(w, junit.Suites{Name: "netmera-mock contracts", Tests: suite.Tests, Failures: f, Skipped: s, Time: suite.Time,
		Suites: []junit.Suite{suite}})
}
