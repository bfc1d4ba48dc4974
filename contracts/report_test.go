package contracts_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/contracts"
)

func sampleReport() contracts.Report {
	return contracts.Report{
		Target: "http://127.0.0.1:8080", Prefix: "nmmock-1234abcd-",
		Started:  time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC),
		Duration: 1500 * time.Millisecond,
		Results: []contracts.Result{
			{Name: "auth/wrong-key", Tags: []contracts.Tag{contracts.LiveSafe}, Status: contracts.StatusPass, Duration: 12 * time.Millisecond,
				Calls: []string{"tagUsers 403 2010"}},
			{Name: "limit/over-1000", Tags: []contracts.Tag{contracts.MockOnly}, Status: contracts.StatusFail, Duration: 250 * time.Millisecond,
				Failures: []string{"POST /rest/3.0/tagUsers → 200 with no body\n\twant 400", "second & <failure>"}},
			{Name: "users/delete-unknown", Tags: []contracts.Tag{contracts.LiveSafe, contracts.Destructive}, Status: contracts.StatusSkip,
				Reason: "destructive: run with AllowDestructive"},
		},
	}
}

func TestReportSummary(t *testing.T) {
	rep := sampleReport()
	if got, want := rep.Summary(), "1 passed, 1 failed, 1 skipped"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	if !rep.Failed() {
		t.Errorf("Failed() = false with a failed case")
	}
	rep.Results = rep.Results[:1]
	if rep.Failed() {
		t.Errorf("Failed() = true with every case passed")
	}
}

func TestReportWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `PASS auth/wrong-key (12ms)
FAIL limit/over-1000 (250ms): 2 failures
    POST /rest/3.0/tagUsers → 200 with no body
    	want 400
    second & <failure>
SKIP users/delete-unknown (0s): destructive: run with AllowDestructive
1 passed, 1 failed, 1 skipped
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("WriteText differs (-want +got):\n%s", d)
	}
}

func TestReportWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("WriteJSON wrote invalid JSON: %v\n%s", err, b.String())
	}
	want := map[string]any{
		"target": "http://127.0.0.1:8080", "live": false, "prefix": "nmmock-1234abcd-", "started": "2024-06-01T12:00:00Z",
		"durationMs": 1500.0, "summary": "1 passed, 1 failed, 1 skipped", "passed": 1.0, "failed": 1.0, "skipped": 1.0,
		"results": []any{
			map[string]any{"name": "auth/wrong-key", "tags": []any{"live-safe"}, "status": "pass", "durationMs": 12.0,
				"calls": []any{"tagUsers 403 2010"}},
			map[string]any{"name": "limit/over-1000", "tags": []any{"mock-only"}, "status": "fail", "durationMs": 250.0,
				"failures": []any{"POST /rest/3.0/tagUsers → 200 with no body\n\twant 400", "second & <failure>"}},
			map[string]any{"name": "users/delete-unknown", "tags": []any{"live-safe", "destructive"}, "status": "skip", "durationMs": 0.0,
				"reason": "destructive: run with AllowDestructive"},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("WriteJSON differs (-want +got):\n%s", d)
	}
}

func TestReportWriteJUnit(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteJUnit(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("WriteJUnit does not start with an XML header:\n%s", b.String())
	}
	type message struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *message `xml:"failure"`
		Skipped   *message `xml:"skipped"`
		SystemOut string   `xml:"system-out"`
	}
	var got struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suite    struct {
			Name  string     `xml:"name,attr"`
			Tests int        `xml:"tests,attr"`
			Cases []testcase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("WriteJUnit wrote invalid XML: %v\n%s", err, b.String())
	}
	wantCases := []testcase{
		{Name: "auth/wrong-key", Classname: "contracts.auth", Time: "0.012", SystemOut: "tags: live-safe"},
		{Name: "limit/over-1000", Classname: "contracts.limit", Time: "0.250", SystemOut: "tags: mock-only",
			Failure: &message{Message: "POST /rest/3.0/tagUsers → 200 with no body",
				Text: "POST /rest/3.0/tagUsers → 200 with no body\n\twant 400\n\nsecond & <failure>"}},
		{Name: "users/delete-unknown", Classname: "contracts.users", Time: "0.000", SystemOut: "tags: live-safe, destructive",
			Skipped: &message{Message: "destructive: run with AllowDestructive"}},
	}
	if got.Tests != 3 || got.Failures != 1 || got.Skipped != 1 || got.Suite.Name != "contracts" || got.Suite.Tests != 3 {
		t.Errorf("WriteJUnit counts: tests %d failures %d skipped %d, suite %q with %d tests; want 3, 1, 1, contracts with 3",
			got.Tests, got.Failures, got.Skipped, got.Suite.Name, got.Suite.Tests)
	}
	if d := cmp.Diff(wantCases, got.Suite.Cases); d != "" {
		t.Errorf("WriteJUnit test cases differ (-want +got):\n%s", d)
	}
}
