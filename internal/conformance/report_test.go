package conformance_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/internal/journal"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sampleReport is a report with findings of an error rule and a warning
// rule, one rule ignored.
func sampleReport(t *testing.T) *conformance.Report {
	t.Helper()
	reqs := []conformance.Request{
		rq(1, 0, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, header("Content-Type")),
		rq(2, 10*ms, "POST", "deleteProfileAttributeValue", `{"key":"k","value":"v"}`),
		rq(3, 20*ms, "GET", "getDeviceTokens?max=10", "", page("10")),
		rq(4, 30*ms, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, header("Content-Type")),
	}
	rep := conformance.Check(reqs, conformance.Options{Ignore: []string{"repeated-write"}})
	since := t0.Add(-time.Minute)
	rep.Tenant, rep.Generated, rep.Since, rep.Dropped = "key-00000000", t0.Add(time.Hour), &since, 2
	return &rep
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if diff := cmp.Diff(string(got), string(want)); diff != "" {
		t.Errorf("%s (-got +want):\n%s", path, diff)
	}
}

func TestReportGolden(t *testing.T) {
	rep := sampleReport(t)
	var j, x bytes.Buffer
	if err := rep.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", j.Bytes())
	if err := conformance.WriteJUnit(&x, []*conformance.Report{rep}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.xml", x.Bytes())
}

// The JUnit report has one testcase per rule: the rules with findings
// fail, the ignored one is skipped, the others pass; the counts add up
// over several tenants.
func TestJUnitShape(t *testing.T) {
	a, b := sampleReport(t), sampleReport(t)
	b.Tenant = "key-11111111"
	var buf bytes.Buffer
	if err := conformance.WriteJUnit(&buf, []*conformance.Report{a, b}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit report is not XML: %v\n%s", err, buf.String())
	}
	n := len(conformance.RuleIDs())
	if doc.Tests != 2*n || doc.Failures != 2*3 || doc.Skipped != 2 || len(doc.Suites) != 2 {
		t.Fatalf("tests=%d failures=%d skipped=%d suites=%d; want %d, 6, 2, 2", doc.Tests, doc.Failures, doc.Skipped, len(doc.Suites), 2*n)
	}
	var failed, skipped []string
	for _, c := range doc.Suites[1].Cases {
		id, _, _ := strings.Cut(c.Name, ":")
		if c.Failure != nil {
			failed = append(failed, id)
		}
		if c.Skipped != nil {
			skipped = append(skipped, id)
		}
	}
	if diff := cmp.Diff(failed, []string{"lenient-shape", "content-type", "pagination-stopped"}); diff != "" {
		t.Errorf("failed testcases (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(skipped, []string{"repeated-write"}); diff != "" || doc.Suites[1].Name != "netmera conformance (key-11111111)" {
		t.Errorf("skipped testcases (-got +want):\n%s\nsuite %q", diff, doc.Suites[1].Name)
	}
}

func TestAllJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := conformance.WriteAllJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(buf.String()); got != "{\n  \"reports\": []\n}" {
		t.Errorf("no reports: %s", got)
	}
	buf.Reset()
	if err := conformance.WriteAllJSON(&buf, []*conformance.Report{sampleReport(t)}); err != nil {
		t.Fatal(err)
	}
	var out struct{ Reports []conformance.Report }
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil || len(out.Reports) != 1 || out.Reports[0].Summary.Failed != 3 {
		t.Errorf("WriteAllJSON = %s (%v); want one report with 3 failed rules", buf.String(), err)
	}
}

// A rule lists at most MaxFindings findings and counts them all.
func TestFindingsAreCapped(t *testing.T) {
	var reqs []conformance.Request
	for i := range conformance.MaxFindings + 5 {
		reqs = append(reqs, rq(i+1, time.Duration(i)*time.Second, "GET", "getDevices?extId=a", `{}`))
	}
	rep := conformance.Check(reqs, conformance.Options{})
	i := slices.IndexFunc(rep.Rules, func(r conformance.Result) bool { return r.ID == "body-on-get" })
	if r := rep.Rules[i]; r.Count != conformance.MaxFindings+5 || len(r.Findings) != conformance.MaxFindings ||
		!strings.Contains(r.Text(), "… and 5 more\n") {
		t.Errorf("body-on-get: count %d, %d listed; want %d and %d, and the text to say 5 more", r.Count, len(r.Findings), conformance.MaxFindings+5, conformance.MaxFindings)
	}
}

func TestUnknownRules(t *testing.T) {
	if got := conformance.UnknownRules([]string{"id-limit", "nope", "retry-4xx", "ID-LIMIT"}); !slices.Equal(got, []string{"nope", "ID-LIMIT"}) {
		t.Errorf("UnknownRules = %q", got)
	}
}

// Every rule says where Netmera says so and how to fix it; IDs are unique.
func TestRulesAreDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range conformance.Rules() {
		if seen[r.ID] || r.Title == "" || r.Source == "" || r.Fix == "" || (r.Severity != conformance.Error && r.Severity != conformance.Warning) {
			t.Errorf("rule %+v: want a unique ID, a title, a source, a fix and a severity", r)
		}
		seen[r.ID] = true
	}
}

// FromEntries reads what journal.List shows back into bytes: JSON as it
// is, other bodies as their text, a body the journal cut as its prefix.
func TestFromEntries(t *testing.T) {
	j := journal.New(10)
	big := `{"tag":"T","extIds":["` + strings.Repeat("x", journal.MaxBody) + `"]}`
	for _, e := range []journal.Entry{
		{Method: "POST", Path: "/rest/3.0/tagUsers", Body: []byte(`{ "tag": "T" }`), Status: 400, Response: []byte(`{"code":2020,"error":"extIds is required"}`), DurationMS: 1.5},
		{Method: "POST", Path: "/rest/3.0/tagUsers", Body: []byte("tag=T"), Status: 400},
		{Method: "POST", Path: "/rest/3.0/tagUsers", Body: []byte(big), Status: 200, NextPage: "n", RetryAfter: "3", Fault: "f1"},
	} {
		e.Tenant, e.Time = "t", t0
		e.Header = http.Header{"X-Netmera-Api-Key": {testKey}}
		j.Add(e)
	}
	got := conformance.FromEntries(j.List(journal.Filter{Tenant: "t"}))
	if len(got) != 3 {
		t.Fatalf("%d requests, want 3", len(got))
	}
	if string(got[0].Body) != `{"tag":"T"}` || got[0].Cut || got[0].Duration != 1500*time.Microsecond || got[0].Seq != 1 {
		t.Errorf("a JSON body: %q cut=%t duration=%v seq=%d", got[0].Body, got[0].Cut, got[0].Duration, got[0].Seq)
	}
	if string(got[1].Body) != "tag=T" || got[1].Cut {
		t.Errorf("a body that is not JSON: %q cut=%t", got[1].Body, got[1].Cut)
	}
	if len(got[2].Body) != journal.MaxBody || !got[2].Cut || !strings.HasPrefix(big, string(got[2].Body)) ||
		got[2].NextPage != "n" || got[2].RetryAfter != "3" || got[2].Fault != "f1" {
		t.Errorf("a cut body: %d bytes, cut=%t; next %q, retry after %q, fault %q", len(got[2].Body), got[2].Cut, got[2].NextPage, got[2].RetryAfter, got[2].Fault)
	}
	if k := got[0].Header.Get("X-Netmera-Api-Key"); k != keyID {
		t.Errorf("the key header reads %q, want its ID %s", k, keyID)
	}
}

// What a request carries that XML cannot hold (a control character in its
// path) does not break the JUnit report.
func TestJUnitHoldsAnyRequest(t *testing.T) {
	rep := conformance.Check([]conformance.Request{
		rq(1, 0, "GET", "tag\x01Users]]>", "", answer(404, "{\"detail\":\"No static resource \x01]]>\"}")),
	}, conformance.Options{})
	var buf bytes.Buffer
	if err := conformance.WriteJUnit(&buf, []*conformance.Report{&rep}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil || doc.Failures != 1 {
		t.Errorf("the JUnit report of a request with a control character: %v (failures %d)\n%s", err, doc.Failures, buf.String())
	}
}

func TestFindingString(t *testing.T) {
	tests := []struct {
		name    string
		entries []uint64
		want    string
	}{
		{name: "one", entries: []uint64{7}, want: "request 7 (POST /p): d"},
		{name: "six", entries: []uint64{1, 2, 3, 4, 5, 6}, want: "requests 1, 2, 3, 4, 5, 6 (POST /p): d"},
		{name: "many", entries: []uint64{1, 2, 3, 4, 5, 6, 7, 8}, want: "requests 1, 2, 3, … 4 more …, 8 (POST /p): d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (conformance.Finding{Entries: tt.entries, Request: "POST /p", Detail: "d"}).String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// docs/conformance.md lists every rule as the package defines it.
func TestRulesDoc(t *testing.T) {
	const path, begin, end = "../../docs/conformance.md", "<!-- rules: generated from internal/conformance (go test ./internal/conformance -update) -->\n", "<!-- /rules -->\n"
	var b strings.Builder
	b.WriteString("| Rule | Severity | What | Source | Fix |\n|---|---|---|---|---|\n")
	for _, r := range conformance.Rules() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.Severity, r.Title, r.Source, r.Fix)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, rest, ok1 := strings.Cut(string(doc), begin)
	_, tail, ok2 := strings.Cut(rest, end)
	if !ok1 || !ok2 {
		t.Fatalf("%s lacks the markers %q and %q", path, begin, end)
	}
	want := head + begin + b.String() + end + tail
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(doc), want); diff != "" {
		t.Errorf("%s is not the rules' table (go test -update rewrites it) (-got +want):\n%s", path, diff)
	}
}
