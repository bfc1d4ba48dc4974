package mockserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

func TestTargetingCount(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, target string
		want         int
	}{
		{"an array attribute, one value", `{"profile":{"lastVisitedProducts":["shoes"]}}`, 1},
		{"an array attribute, any of two", `{"profile":{"lastVisitedProducts":["shoes","shirt"]}}`, 2},
		{"a single value given alone", `{"profile":{"lastVisitedProducts":"shirt"}}`, 2},
		{"a number for an integer attribute", `{"profile":{"age":34}}`, 1},
		{"the attribute exists", `{"profile":{"age":{"$exists":true}}}`, 2},
		{"the attribute does not exist", `{"profile":{"name":{"$exists":false}}}`, testUsers - 4},
		{"two attributes, both hold", `{"profile":{"lastVisitedProducts":"shirt","age":28}}`, 1},
		{"a tag", `{"tag":"VIP"}`, 1},
		{"a segment by name", `{"segment":"brand"}`, 3},
		{"everyone", `{"sendToAll":true}`, testUsers},
		{"a value nobody has", `{"profile":{"name":"Nobody"}}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"target":` + tt.target + `}`
			var got struct {
				Count *int `json:"count"`
			}
			wantJSON(t, "targeting/count "+body, h.Do(t, http.MethodPost, "/rest/3.0/targeting/count", body), &got)
			if got.Count == nil || *got.Count != tt.want {
				t.Errorf("targeting/count %s = %v, want %d", body, got.Count, tt.want)
			}
		})
	}
}

// TestTargetingCountBatch checks the counts and their order, byte for
// byte: highest first, ties by value.
func TestTargetingCountBatch(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, body, want string
	}{
		{"every value of an array attribute", `{"groupBy":{"profile":"lastVisitedProducts"}}`, `{"counts":{"shirt":2,"shoes":1}}`},
		{"the values asked for, zero included", `{"groupBy":{"profile":"lastVisitedProducts"},"values":["hat","shoes","shirt"]}`,
			`{"counts":{"shirt":2,"shoes":1,"hat":0}}`},
		{"platforms, a tie by name", `{"groupBy":{"installation":"platform"}}`, `{"counts":{"ANDROID":27,"IOS":27,"CHROME":1}}`},
		{"numeric buckets", `{"groupBy":{"profile":"age","buckets":[[41,99],[18,30],[31,40]]}}`, `{"counts":{"18-30":1,"31-40":1,"41-99":0}}`},
		{"a value with characters to escape", `{"groupBy":{"profile":"name"},"values":["<Ayşe & \"co\">"]}`, `{"counts":{"<Ayşe & \"co\">":0}}`},
		{"an empty list of values is every value", `{"groupBy":{"profile":"score"},"values":[]}`, `{"counts":{"4.5":1}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.Do(t, http.MethodPost, "/rest/3.0/targeting/count-batch", tt.body)
			if r.Status != http.StatusOK || string(r.Body) != tt.want+"\n" {
				t.Errorf("targeting/count-batch %s = %v, want 200 %s", tt.body, r, tt.want)
			}
		})
	}
}

// TestTargetingRefusals: a 400 in the envelope, nothing changed, with the
// validator or without it (where the two word a refusal differently, the
// handler's words are given apart).
func TestTargetingRefusals(t *testing.T) {
	t.Parallel()
	tooMany := `["` + strings.Repeat(`v","`, 10_000) + `v"]`
	tests := []struct {
		name, path, body string
		want             envelope
		unvalidated      *envelope // the handler's answer, when the validator's differs
	}{
		{name: "no target", path: "targeting/count", body: `{}`, want: missing("target")},
		{name: "a null target", path: "targeting/count", body: `{"target":null}`, want: missing("target")},
		{name: "an empty target", path: "targeting/count", body: `{"target":{}}`, want: envelope{2020, "target must not be empty"}},
		{name: "a target that is a list", path: "targeting/count", body: `{"target":[]}`, want: wrongType("target", "an object")},
		{name: "users by ID", path: "targeting/count", body: `{"target":{"extId":["id1"]}}`,
			want: envelope{2009, "Invalid targeting query: targeting counts take conditions, not users by identifier"}},
		{name: "an undefined attribute", path: "targeting/count", body: `{"target":{"profile":{"favoriteFootballPlayers":["352481"]}}}`,
			want: envelope{2009, "Invalid targeting query: profile attribute 'favoriteFootballPlayers' is not defined"}},
		{name: "a tag nobody has", path: "targeting/count", body: `{"target":{"tag":"test-users"}}`, want: envelope{2009, "Tag 'test-users' does not exist"}},
		{name: "an unknown segment", path: "targeting/count", body: `{"target":{"segment":"no such segment"}}`, want: envelope{5042, "Segment not found"}},
		{name: "an unknown operator", path: "targeting/count", body: `{"target":{"tag":{"$xor":["VIP"]}}}`},
		{name: "an array body", path: "targeting/count", body: `[{"target":{"tag":"VIP"}}]`, want: invalidJSON},

		{name: "no groupBy", path: "targeting/count-batch", body: `{"values":["1"]}`, want: missing("groupBy")},
		{name: "an empty groupBy", path: "targeting/count-batch", body: `{"groupBy":{}}`, want: missing("groupBy.profile or groupBy.installation")},
		{name: "groupBy a text", path: "targeting/count-batch", body: `{"groupBy":"age"}`, want: wrongType("groupBy", "an object")},
		{name: "both attributes", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age","installation":"platform"}}`,
			want: envelope{2009, "Invalid targeting query: groupBy takes profile or installation, not both"}},
		{name: "an undefined profile attribute", path: "targeting/count-batch", body: `{"groupBy":{"profile":"favoriteFootballPlayers"}}`,
			want: envelope{2009, "Invalid targeting query: profile attribute 'favoriteFootballPlayers' is not defined"}},
		{name: "an unknown installation attribute", path: "targeting/count-batch", body: `{"groupBy":{"installation":"colour"}}`,
			want: envelope{2009, "Invalid targeting query: unknown installation attribute 'colour' (want one of [platform deviceModel pushPermitted])"}},
		{name: "buckets of a text attribute", path: "targeting/count-batch", body: `{"groupBy":{"profile":"name","buckets":[[1,2]]}}`,
			want: envelope{2009, "Invalid targeting query: buckets need a numeric attribute, 'name' is STRING"}},
		{name: "a bucket of one number", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age","buckets":[[1]]}}`,
			want: envelope{2009, "Invalid targeting query: bucket [1] is not [min, max]"}},
		{name: "a bucket upside down", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age","buckets":[[40,30]]}}`,
			want: envelope{2009, "Invalid targeting query: bucket [40 30] is not [min, max]"}},
		{name: "buckets a text", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age","buckets":"18-24"}}`, want: wrongType("buckets", "a list")},
		{name: "a bucket of texts", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age","buckets":[["18","24"]]}}`,
			want: invalidJSON, unvalidated: &envelope{2004, "Field 'buckets' should be a list of [min, max] pairs of numbers"}},
		{name: "values of numbers", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age"},"values":[34]}`, want: wrongType("values", "a list of texts")},
		{name: "values a text", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age"},"values":"34"}`, want: wrongType("values", "a list")},
		{name: "more than 10000 values", path: "targeting/count-batch", body: `{"groupBy":{"profile":"age"},"values":` + tooMany + `}`,
			want: envelope{2009, "Invalid targeting query: at most 10000 values, got 10001"}},
	}
	for _, validation := range []bool{true, false} {
		h := MustHarness(t, mockserver.Options{NoValidation: !validation})
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s validation %v", tt.name, validation), func(t *testing.T) {
				want := tt.want
				if !validation && tt.unvalidated != nil {
					want = *tt.unvalidated
				}
				before := h.MustState(t, testKey)
				call := "POST " + tt.path + " " + tt.body[:min(len(tt.body), 120)]
				r := h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body)
				if want == (envelope{}) { // any 2009 naming the query
					if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), `"code":2009,"error":"Invalid targeting query`) {
						t.Errorf("%s = %v, want 400 with code 2009 \"Invalid targeting query…\"", call, r)
					}
				} else {
					wantError(t, call, r, http.StatusBadRequest, want)
				}
				h.wantUnchanged(t, call, before)
			})
		}
	}
}
