package mockserver_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// sent is one request a deliberately wrong (or right) client sends, by
// plain HTTP: the key in its header and a JSON body's Content-Type are
// added unless contentType or header say otherwise.
type sent struct {
	method, target, body string
	contentType          string   // "-" for none
	header               []string // name, value pairs, added after the key
}

func (h *harness) send(tb testing.TB, key string, s sent) reply {
	tb.Helper()
	req, err := http.NewRequest(s.method, h.URL+s.target, strings.NewReader(s.body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", key)
	switch {
	case s.contentType == "-":
	case s.contentType != "":
		req.Header.Set("Content-Type", s.contentType)
	case s.body != "":
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(s.header); i += 2 {
		req.Header.Add(s.header[i], s.header[i+1])
	}
	return h.MustSend(tb, req)
}

// mustConformance reads GET /_mock/conformance?query as key.
func (h *harness) mustConformance(tb testing.TB, key, query string) conformance.Report {
	tb.Helper()
	target := "/_mock/conformance"
	if query != "" {
		target += "?" + query
	}
	r := h.DoKey(tb, key, http.MethodGet, target, "")
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json" {
		tb.Fatalf("GET %s = %v (%s), want 200 JSON", target, r, r.Header.Get("Content-Type"))
	}
	var rep conformance.Report
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		tb.Fatalf("GET %s: %v\n%s", target, err, r.Body)
	}
	return rep
}

// ruleFindings returns one rule's findings of a report.
func ruleFindings(tb testing.TB, rep conformance.Report, rule string) []conformance.Finding {
	tb.Helper()
	i := slices.IndexFunc(rep.Rules, func(r conformance.Result) bool { return r.ID == rule })
	if i < 0 {
		tb.Fatalf("the report has no rule %q", rule)
	}
	return rep.Rules[i].Findings
}

// every lists every finding of a report, as "rule [entries]".
func every(rep conformance.Report) []string {
	var out []string
	for _, r := range rep.Rules {
		for _, f := range r.Findings {
			out = append(out, fmt.Sprintf("%s %v", r.ID, f.Entries))
		}
	}
	return out
}

func extIDList(from, n int) string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", bigUser(from+i))
	}
	return "[" + strings.Join(ids, ",") + "]"
}

// Each deliberately wrong client, driving the fake through plain HTTP,
// gets the finding of the rule it breaks, about the requests that broke
// it.
func TestConformanceFindsWrongClients(t *testing.T) {
	tagOne := func(i int) sent {
		return sent{method: "POST", target: "/rest/3.0/tagUsers", body: fmt.Sprintf(`{"tag":"T","extIds":["%s"]}`, bigUser(i))}
	}
	tests := []struct {
		name   string
		opts   mockserver.Options
		faults []string
		reqs   []sent
		rule   string
		want   [][]uint64
		detail string // in the first finding
	}{
		{name: "a missing member", rule: "document-refused", want: [][]uint64{{1}}, detail: `400 {"code":2020,`,
			reqs: []sent{{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T"}`}}},
		{name: "an object where an array is required", rule: "document-refused", want: [][]uint64{{1}}, detail: "one object where Netmera documents an array",
			reqs: []sent{{method: "POST", target: "/rest/3.0/setProfileAttributes", body: `{"extId":"id1","profile":{"age":3}}`}}},
		{name: "a path in the wrong case", rule: "unknown-endpoint", want: [][]uint64{{1}}, detail: "404: No static resource rest/3.0/tagusers.",
			reqs: []sent{{method: "POST", target: "/rest/3.0/tagusers", body: `{"tag":"T","extIds":["id1"]}`}}},
		{name: "no X-netmera-os, let through by -lenient-os", opts: mockserver.Options{LenientOS: true},
			rule: "lenient-shape", want: [][]uint64{{1}}, detail: "accepted by -lenient-os",
			reqs: []sent{{method: "GET", target: "/rest/3.0/getSegments"}}},
		{name: "a single object, let through by -single-object accept", opts: mockserver.Options{SingleObject: mockserver.SingleObjectAccept},
			rule: "lenient-shape", want: [][]uint64{{1}}, detail: "(-single-object accept)",
			reqs: []sent{{method: "POST", target: "/rest/3.0/setProfileAttributes", body: `{"extId":"id1","profile":{"age":3}}`}}},
		{name: "a member twice", rule: "duplicate-member", want: [][]uint64{{1}}, detail: `member "tag" appears more than once`,
			reqs: []sent{{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"A","extIds":["id1"],"tag":"B"}`}}},
		{name: "a numeric notificationKey", rule: "notification-key-type", want: [][]uint64{{1}}, detail: "notificationKey 106 sent as a JSON number",
			reqs: []sent{{method: "POST", target: "/rest/3.0/sendNotification", body: `{"notificationKey":106,"target":{"extId":"id1"}}`}}},
		{name: "a form's Content-Type", rule: "content-type", want: [][]uint64{{1}, {2}}, detail: `"application/x-www-form-urlencoded"`,
			reqs: []sent{
				{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T","extIds":["id1"]}`, contentType: "application/x-www-form-urlencoded"},
				{method: "POST", target: "/rest/3.0/untagUsers", body: `{"tag":"T","extIds":["id1"]}`, contentType: "-"},
			}},
		{name: "the guide's GET with a body", rule: "body-on-get", want: [][]uint64{{1}}, detail: "a GET with a body of 20 bytes",
			reqs: []sent{{method: "GET", target: "/rest/3.0/getCategoryPreferences?externalId=id1", body: `{"externalId":"id1"}`}}},
		{name: "the key in the query, the header twice", rule: "api-key-placement", want: [][]uint64{{1}, {2}}, detail: `the key in the query parameter "api_key" (` + state.KeyID(testKey) + ")",
			reqs: []sent{
				{method: "GET", target: "/rest/3.0/getDevices?extId=id1&api_key=" + testKey},
				{method: "GET", target: "/rest/3.0/getDevices?extId=id1", header: []string{"x-netmera-api-key", testKey}},
			}},
		{name: "1001 IDs", rule: "id-limit", want: [][]uint64{{1}}, detail: "1001 unique IDs (1001 extId); the fake refused it: 400",
			reqs: []sent{{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T","extIds":` + extIDList(0, 1001) + `}`}}},
		{name: "one ID a request", rule: "small-batches", want: [][]uint64{{1, 2, 3, 4, 5, 6}}, detail: "6 tagUsers requests",
			reqs: []sent{tagOne(1), tagOne(2), tagOne(3), tagOne(4), tagOne(5), tagOne(6)}},
		{name: "an off-by-one split", rule: "batch-overlap", want: [][]uint64{{1, 2}}, detail: `1 ID of request 1 again in the next tagUsers batch: "u-000999"`,
			reqs: []sent{
				{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T","extIds":` + extIDList(0, 1000) + `}`},
				{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T","extIds":` + extIDList(999, 2) + `}`},
			}},
		{name: "an unknown user, deleted again", rule: "retry-4xx", want: [][]uint64{{1, 2}}, detail: `answered 400 {"code":5016,`,
			reqs: []sent{
				{method: "POST", target: "/rest/3.0/deleteUsersPermanently", body: `{"extIds":["nobody"]}`},
				{method: "POST", target: "/rest/3.0/deleteUsersPermanently", body: `{"extIds":["nobody"]}`},
			}},
		{name: "a 429 retried before Retry-After", rule: "retry-backoff", want: [][]uint64{{1, 2}}, detail: "with Retry-After: 30, and sent again",
			faults: []string{`{"path":"tagUsers","status":429,"code":429,"error":"Too many requests","retryAfter":30,"times":1}`},
			reqs:   []sent{tagOne(1), tagOne(1)}},
		{name: "removeTag as netmera4j sends it", rule: "repeated-write", want: [][]uint64{{1, 2}}, detail: "the endpoint is untagUsers",
			reqs: []sent{tagOne(1), tagOne(1)}},
		{name: "an offset computed, not followed", rule: "pagination-offset", want: [][]uint64{{2, 1}}, detail: "offset=6, which no nextPage gave; request 1's answer gave offset=5",
			reqs: []sent{{method: "GET", target: "/rest/3.0/getDeviceTokens?max=5"}, {method: "GET", target: "/rest/3.0/getDeviceTokens?max=5&offset=6"}}},
		{name: "one page of tokens", rule: "pagination-stopped", want: [][]uint64{{1}}, detail: "the walk of getDeviceTokens stopped before its last page",
			reqs: []sent{{method: "GET", target: "/rest/3.0/getDeviceTokens?max=5"}}},
		{name: "a deleted user read back at once", rule: "async-read-back", want: [][]uint64{{1, 2}}, detail: "getProfileAttributes?extId=id2 after",
			reqs: []sent{
				{method: "POST", target: "/rest/3.0/deleteUsersPermanently", body: `{"extIds":["id2"]}`},
				{method: "GET", target: "/rest/3.0/getProfileAttributes?extId=id2"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarnessWith(t, func() (*state.Dataset, error) {
				d := testDataset()
				d.Users = append(d.Users, bigDataset(1100, 0, 0).Users...)
				return d, nil
			}, state.Settings{}, tt.opts, testKey)
			for _, f := range tt.faults {
				if r := h.Do(t, http.MethodPost, "/_mock/faults", f); r.Status != http.StatusCreated {
					t.Fatalf("POST /_mock/faults %s = %v", f, r)
				}
			}
			for _, s := range tt.reqs {
				h.send(t, testKey, s)
			}
			rep := h.mustConformance(t, testKey, "")
			found := ruleFindings(t, rep, tt.rule)
			var got [][]uint64
			for _, f := range found {
				got = append(got, f.Entries)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Fatalf("%s findings' entries (-got +want):\n%s\nevery finding: %q", tt.rule, diff, every(rep))
			}
			if !strings.Contains(found[0].Detail, tt.detail) {
				t.Errorf("%s finding says %q, want it to say %q", tt.rule, found[0].Detail, tt.detail)
			}
			if rep.Requests != len(tt.reqs) || rep.Tenant != state.KeyID(testKey) {
				t.Errorf("report of %d requests for %q; want %d for %q", rep.Requests, rep.Tenant, len(tt.reqs), state.KeyID(testKey))
			}
		})
	}
}

// A client that does everything right, through every endpoint the fake
// serves, gets no finding.
func TestConformanceCorrectClient(t *testing.T) {
	h := MustHarnessWith(t, func() (*state.Dataset, error) {
		d := testDataset()
		d.Users = append(d.Users, bigDataset(1500, 0, 0).Users...)
		return d, nil
	}, state.Settings{}, mockserver.Options{}, testKey)
	os := []string{"X-netmera-os", "ANDROID"}
	for _, s := range []sent{
		{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"VIP","extIds":` + extIDList(0, 1000) + `}`},
		{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"VIP","extIds":` + extIDList(1000, 500) + `}`},
		{method: "POST", target: "/rest/3.0/untagUsers", body: `{"tag":"VIP","extIds":["id1"]}`, contentType: "application/json; charset=UTF-8"},
		{method: "POST", target: "/rest/3.0/setProfileAttributes", body: `[{"extId":"id1","profile":{"age":35}}]`},
		{method: "POST", target: "/rest/3.0/unsetProfileAttributes", body: `[{"extId":"id1","profile":["age"]}]`},
		{method: "POST", target: "/rest/3.0/pushProfileAttributes", body: `[{"extId":"id1","profile":{"lastVisitedProducts":["hat"]}}]`},
		{method: "POST", target: "/rest/3.0/pullProfileAttributes", body: `[{"extId":"id1","profile":{"lastVisitedProducts":["hat"]}}]`},
		{method: "POST", target: "/rest/3.0/deleteProfileAttributeValue", body: `[{"key":"lastVisitedProducts","value":"shoes"}]`},
		{method: "GET", target: "/rest/3.0/getProfileAttributes?extId=id1"},
		{method: "POST", target: "/rest/3.0/setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":false}]`},
		{method: "GET", target: "/rest/3.0/getCategoryPreferences?externalId=id1"},
		{method: "POST", target: "/rest/3.0/disablePush", body: `{"extId":"id1"}`},
		{method: "GET", target: "/rest/3.0/getDevices?extId=id1&pushPermitted=true"},
		{method: "GET", target: "/rest/3.0/getSegments", header: os},
		{method: "GET", target: "/rest/3.0/getSegmentUsers?id=5884", header: os},
		{method: "POST", target: "/rest/3.0/sendPushApproval", body: `[{"messageId":0}]`},
		{method: "POST", target: "/rest/3.0/enableMail", body: `{"extIds":["id1"]}`},
		{method: "POST", target: "/rest/3.0/updateMsisdn", body: `{"extId":"id1","msisdn":"905550000009"}`},
		{method: "POST", target: "/rest/3.0/deleteUsersPermanently", body: `{"extIds":["nobody"]}`}, // refused once, not retried
		{method: "GET", target: "/rest/3.0/app/profile-attributes"},
	} {
		h.send(t, testKey, s)
	}
	// Every token, following nextPage as given.
	next := "/rest/3.0/getDeviceTokens?max=20"
	for pages := 0; next != ""; pages++ {
		var page struct {
			NextPage string `json:"nextPage"`
		}
		wantJSON(t, "GET "+next, h.send(t, testKey, sent{method: "GET", target: next}), &page)
		next = strings.TrimPrefix(page.NextPage, h.URL)
		if pages > 10 {
			t.Fatal("more than 10 pages of tokens")
		}
	}
	rep := h.mustConformance(t, testKey, "")
	if got := every(rep); len(got) != 0 {
		t.Errorf("a correct client got findings %q:\n%+v", got, rep.Rules)
	}
	if rep.Summary.Passed != len(conformance.RuleIDs()) || rep.Requests < 23 {
		t.Errorf("summary %+v over %d requests; want every rule passed", rep.Summary, rep.Requests)
	}
}

// A page too long for the journal to keep whole still tells the rules its
// nextPage: a segment walked whole passes, one left after its first page
// does not.
func TestConformanceLongPages(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("member-%s-%06d", strings.Repeat("x", 80), i) }
	h := MustHarnessWith(t, func() (*state.Dataset, error) {
		d := bigDataset(1500, 0, 1500)
		for i := range d.Users {
			d.Users[i].ExtID = long(i)
			d.Segments[0].Members[i] = long(i)
		}
		return d, nil
	}, state.Settings{}, mockserver.Options{}, testKey)
	os := []string{"X-netmera-os", "IOS"}
	r := h.send(t, testKey, sent{method: "GET", target: "/rest/3.0/getSegmentUsers?id=1&max=1000", header: os})
	var page struct {
		NextPage string `json:"nextPage"`
	}
	wantJSON(t, "the first page", r, &page)
	if len(r.Body) <= 64<<10 || page.NextPage == "" {
		t.Fatalf("the first page is %d bytes with nextPage %q; want more than the journal keeps, and a next page", len(r.Body), page.NextPage)
	}
	if got := ruleFindings(t, h.mustConformance(t, testKey, ""), "pagination-stopped"); len(got) != 1 {
		t.Errorf("a walk left after its first page: %+v, want one pagination-stopped finding", got)
	}
	h.send(t, testKey, sent{method: "GET", target: strings.TrimPrefix(page.NextPage, h.URL), header: os})
	if got := every(h.mustConformance(t, testKey, "")); len(got) != 0 {
		t.Errorf("a segment walked whole: findings %q, want none", got)
	}
}

// The report covers what the journal holds: since narrows it as on
// /_mock/requests, clearing the journal or resetting starts it afresh,
// and each tenant sees only its own.
func TestConformanceSinceClearAndTenants(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	bad := sent{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T"}`}
	h.send(t, testKey, bad)
	h.send(t, testKey, sent{method: "GET", target: "/rest/3.0/getDevices?extId=id1"})
	h.send(t, testKey, bad)
	since := h.mustRequests(t, testKey, "").Requests[1].Time

	rep := h.mustConformance(t, testKey, "since="+url.QueryEscape(since))
	refused := ruleFindings(t, rep, "document-refused")
	if rep.Requests != 2 || len(refused) != 1 || refused[0].Entries[0] != 3 || rep.Since == nil {
		t.Errorf("since request 2: %d requests, document-refused %+v, since %v; want 2 requests and request 3 refused", rep.Requests, refused, rep.Since)
	}
	if other := h.mustConformance(t, otherKey, ""); other.Requests != 0 || len(every(other)) != 0 || other.Tenant != state.KeyID(otherKey) {
		t.Errorf("the other tenant's report: %d requests, findings %q, tenant %q", other.Requests, every(other), other.Tenant)
	}
	if r := h.Do(t, http.MethodDelete, "/_mock/requests", ""); r.Status != http.StatusOK {
		t.Fatalf("DELETE /_mock/requests = %v", r)
	}
	if rep := h.mustConformance(t, testKey, ""); rep.Requests != 0 || len(every(rep)) != 0 {
		t.Errorf("after DELETE /_mock/requests: %d requests, findings %q; want none", rep.Requests, every(rep))
	}
	h.send(t, testKey, bad)
	if r := h.Do(t, http.MethodPost, "/_mock/reset", ""); r.Status != http.StatusOK {
		t.Fatalf("POST /_mock/reset = %v", r)
	}
	if rep := h.mustConformance(t, testKey, ""); rep.Requests != 0 {
		t.Errorf("after a reset: %d requests, want none", rep.Requests)
	}
}

// The JUnit report, ignored rules, and what the endpoint refuses.
func TestConformanceFormatsAndRefusals(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	h.send(t, testKey, sent{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T"}`, contentType: "-"})

	r := h.Do(t, http.MethodGet, "/_mock/conformance?format=junit&ignore=content-type", "")
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/xml" {
		t.Fatalf("GET ?format=junit = %v (%s), want 200 XML", r, r.Header.Get("Content-Type"))
	}
	if err := xml.Unmarshal(r.Body, &doc); err != nil || doc.Tests != len(conformance.RuleIDs()) || doc.Failures != 1 || doc.Skipped != 1 {
		t.Errorf("JUnit: %+v (%v); want a testcase per rule, document-refused failed, content-type skipped\n%s", doc, err, r.Body)
	}
	rep := h.mustConformance(t, testKey, "ignore=content-type,+document-refused")
	if rep.Summary.Ignored != 2 || rep.Summary.Findings != 0 {
		t.Errorf("two rules ignored: summary %+v", rep.Summary)
	}

	for _, tt := range []struct {
		name, query string
		want        string
	}{
		{name: "a format", query: "format=xml", want: `format must be json or junit, not "xml"`},
		{name: "a rule", query: "ignore=content-type,nope", want: `ignore names no rule: ["nope"] (the rules: document-refused, `},
		{name: "a time", query: "since=yesterday", want: "since must be an RFC 3339 time"},
	} {
		r := h.Do(t, http.MethodGet, "/_mock/conformance?"+tt.query, "")
		var problem struct{ Detail string }
		_ = json.Unmarshal(r.Body, &problem)
		if r.Status != http.StatusBadRequest || !strings.Contains(problem.Detail, tt.want) {
			t.Errorf("%s: GET ?%s = %v, want 400 saying %q", tt.name, tt.query, r, tt.want)
		}
	}
	if r := h.DoKey(t, "unknown-key", http.MethodGet, "/_mock/conformance", ""); r.Status != http.StatusForbidden {
		t.Errorf("an unknown key: %v, want the API's 403", r)
	}
	off := MustHarness(t, mockserver.Options{JournalSize: -1})
	if r := off.Do(t, http.MethodGet, "/_mock/conformance", ""); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "journal is turned off") {
		t.Errorf("without a journal: %v, want 400 saying the journal is off", r)
	}
}

// WriteConformance reports every tenant that sent something, named by its
// log ID, never its key.
func TestWriteConformance(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	h.send(t, testKey, sent{method: "POST", target: "/rest/3.0/tagUsers", body: `{"tag":"T"}`})
	h.send(t, otherKey, sent{method: "GET", target: "/rest/3.0/getDevices?extId=id1&apiKey=" + otherKey})

	var buf bytes.Buffer
	tenants, findings, err := h.Server.WriteConformance(&buf, mockserver.ReportJSON)
	if err != nil || tenants != 2 || findings != 2 {
		t.Fatalf("WriteConformance = %d tenants, %d findings, %v; want 2, 2, nil", tenants, findings, err)
	}
	if strings.Contains(buf.String(), testKey) || strings.Contains(buf.String(), otherKey) {
		t.Errorf("the report shows a key in clear:\n%s", buf.String())
	}
	var all struct{ Reports []conformance.Report }
	if err := json.Unmarshal(buf.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range all.Reports {
		names = append(names, r.Tenant)
	}
	want := []string{state.KeyID(testKey), state.KeyID(otherKey)}
	slices.Sort(names)
	slices.Sort(want)
	if diff := cmp.Diff(names, want); diff != "" {
		t.Errorf("tenants (-got +want):\n%s", diff)
	}
	buf.Reset()
	if _, _, err := h.Server.WriteConformance(&buf, mockserver.ReportJUnit); err != nil || !strings.Contains(buf.String(), "<testsuites") {
		t.Errorf("WriteConformance(junit) = %v:\n%s", err, buf.String())
	}
	if _, _, err := h.Server.WriteConformance(&buf, "yaml"); err == nil {
		t.Error("WriteConformance(yaml) = nil, want an error")
	}
	off := MustHarness(t, mockserver.Options{JournalSize: -1})
	if _, _, err := off.Server.WriteConformance(&buf, mockserver.ReportJSON); err == nil {
		t.Error("WriteConformance without a journal = nil, want an error")
	}
}
