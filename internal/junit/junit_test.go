package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A report with text XML cannot hold as written (control characters, a
// CDATA terminator, markup) still parses, and reads back as it was
// written apart from the characters XML has no room for.
func TestWriteRoundTrips(t *testing.T) {
	in := Suites{Name: "r", Tests: 2, Failures: 1, Skipped: 1, Suites: []Suite{{
		Name: "s", Tests: 2, Failures: 1, Skipped: 1, Time: Seconds(1234 * time.Millisecond),
		Timestamp:  Timestamp(time.Date(2026, 12, 5, 10, 0, 0, 0, time.FixedZone("x", 3*3600))),
		Properties: []Property{{Name: "target", Value: "http://127.0.0.1:8080"}},
		Cases: []Case{
			{Name: "bad\x00name", Classname: "c", Time: "0.000", Failure: &Message{
				Message: "first <line>", Type: "contract", Text: "a ]]> b\n\x1bc & <d>"}},
			{Name: "skipped", Classname: "c", Time: "0.000", Skipped: &Message{Message: "live only"}},
		},
	}}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), xml.Header) || !strings.HasSuffix(buf.String(), ">\n") {
		t.Errorf("document is not an XML header, the report and a newline:\n%s", buf.String())
	}
	if in.Suites[0].Cases[0].Name != "bad\x00name" {
		t.Errorf("Write changed the caller's report")
	}
	var out Suites
	if err := xml.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("the report does not parse: %v\n%s", err, buf.String())
	}
	want := in
	want.XMLName = xml.Name{Local: "testsuites"}
	want.Suites = []Suite{in.Suites[0]}
	want.Suites[0].Cases = []Case{in.Suites[0].Cases[0], in.Suites[0].Cases[1]}
	want.Suites[0].Cases[0].Name = "bad\uFFFDname"
	want.Suites[0].Cases[0].Failure = &Message{Message: "first <line>", Type: "contract", Text: "a ]]> b\n\uFFFDc & <d>"}
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("read back (-want +got):\n%s", d)
	}
	if got := want.Suites[0].Time; got != "1.234" {
		t.Errorf("Seconds(1.234s) = %q", got)
	}
	if got := want.Suites[0].Timestamp; got != "2026-12-05T07:00:00" {
		t.Errorf("Timestamp is %q, want UTC without a zone", got)
	}
}
