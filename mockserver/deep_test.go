package mockserver_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/internal/jsonvalue"
	"github.com/netmera-mock/netmera-mock/mockserver"
)

// nested is v wrapped in n arrays: n levels of nesting (a scalar adds
// none).
func nested(n int, v string) string {
	return strings.Repeat("[", n) + v + strings.Repeat("]", n)
}

// tree is a segment-like condition tree ($and, $or and $not nodes, each
// an object holding an array) spanning depth levels of nesting, its root
// object the first.
func tree(depth int) string {
	var b strings.Builder
	ops := []string{"$and", "$or", "$not"}
	n := (depth - 1) / 2
	for i := range n {
		fmt.Fprintf(&b, `{"%s":[{"tag":"t%d"},`, ops[i%3], i)
	}
	if depth-2*n == 2 {
		b.WriteString(`[{"tag":"leaf"}]`)
	} else {
		b.WriteString(`{"tag":"leaf"}`)
	}
	b.WriteString(strings.Repeat("]}", n))
	return b.String()
}

// deepest is the deepest nesting a body may have (jsonvalue's default).
const deepest = 64

// TestDeepNesting sends a body of 10,000 nested arrays (20 KB) and
// bodies nested just under the limit. Over the limit, the
// answer is a cheap 400 2009 saying so, before any schema work; under
// it, the body is valid JSON and answered as any other, and a refused
// or skipped value changes nothing.
func TestDeepNesting(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tooDeep := envelope{Code: 2009, Error: "Invalid JSON: nesting deeper than 64 levels"}
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		want   *envelope // nil: 200 with no body
	}{
		// Over the limit.
		{name: "10,000 nested arrays", path: "deleteProfileAttributeValue", body: nested(10000, ""), status: 400, want: &tooDeep},
		{name: "a deep tag", path: "tagUsers", body: `{"tag":` + nested(10000, `"x"`) + `,"extIds":["id1"]}`, status: 400, want: &tooDeep},
		{name: "a deep tag to untag", path: "untagUsers", body: `{"tag":` + nested(10000, `"VIP"`) + `,"extIds":["id1"]}`, status: 400, want: &tooDeep},
		{name: "a deep value", path: "deleteProfileAttributeValue", body: `[{"key":"lastVisitedProducts","value":` + nested(5000, `"shirt"`) + `}]`, status: 400, want: &tooDeep},
		{name: "a deep profile", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"name":` + nested(deepest, `"x"`) + `}}]`, status: 400, want: &tooDeep},
		{name: "a deep tree", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"name":` + tree(deepest) + `}}]`, status: 400, want: &tooDeep},
		{name: "an unclosed nest", path: "tagUsers", body: strings.Repeat(`{"tag":[`, 10000), status: 400, want: &tooDeep},

		// Just under it: valid JSON, answered as any other body.
		{name: "a deep tag under the limit", path: "tagUsers", body: `{"tag":` + nested(deepest-1, `"x"`) + `,"extIds":["id1"]}`,
			status: 400, want: &envelope{Code: 2004, Error: "Field 'tag' should be a list of texts"}},
		{name: "a deep tree as the tag", path: "untagUsers", body: `{"tag":` + tree(deepest-1) + `,"extIds":["id1"]}`,
			status: 400, want: &envelope{Code: 2004, Error: "Field 'tag' should be a list of texts"}},
		{name: "a deep attribute value is dropped", path: "setProfileAttributes",
			body: `[{"extId":"id1","profile":{"lastVisitedCategories":` + nested(deepest-3, `"x"`) + `}}]`, status: 200},
		{name: "a deep tree as a value is dropped", path: "setProfileAttributes",
			body: `[{"extId":"id1","profile":{"name":` + tree(deepest-3) + `}}]`, status: 200},
		{name: "a deep push is dropped", path: "pushProfileAttributes",
			body: `[{"extId":"id1","profile":{"lastVisitedCategories":` + nested(deepest-3, `"x"`) + `}}]`, status: 200},
		{name: "a deep value removes nothing", path: "deleteProfileAttributeValue",
			body: `[{"key":"lastVisitedProducts","value":` + nested(deepest-2, `"shirt"`) + `}]`, status: 200},
		{name: "a deep tree removes nothing", path: "deleteProfileAttributeValue",
			body: `{"key":"lastVisitedProducts","value":` + tree(deepest-1) + `}`, status: 200},
		{name: "a deep category entry", path: "setCategoryPreferences", body: `[{"extId":"id1","category":` + tree(deepest-2) + `,"enable":true}]`,
			status: 400, want: &envelope{Code: 2004, Error: "Field 'category' should be a text"}},
		{name: "deep keys to delete", path: "deleteProfileAttributes", body: `[{"profile":` + nested(deepest-2, `"name"`) + `}]`, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := fmt.Sprintf("POST %s (%d bytes)", tt.path, len(tt.body))
			r := h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body)
			if tt.want == nil {
				wantOK(t, call, r)
			} else {
				wantError(t, call, r, tt.status, *tt.want)
			}
			h.wantUnchanged(t, call, before)
		})
	}
}

// BenchmarkDeepBodies measures bodies nested 8, 16, 32 levels and just
// under the limit, through the whole server: time per request should
// grow with the body's size, in step with the depth (kin-openapi's schema
// walk used to grow with its square), and 10,000 nested arrays show the
// price of a refusal.
func BenchmarkDeepBodies(b *testing.B) {
	srv := benchSmall(b)
	cases := []struct {
		name, path string
		outer      int // levels around the value
		body       func(depth int) string
	}{
		{"setProfileAttributes/arrays", "setProfileAttributes", 3, func(d int) string {
			return `[{"extId":"id1","profile":{"lastVisitedCategories":` + nested(d, `"x"`) + `}}]`
		}},
		{"setProfileAttributes/tree", "setProfileAttributes", 3, func(d int) string {
			return `[{"extId":"id1","profile":{"name":` + tree(d) + `}}]`
		}},
		{"deleteProfileAttributeValue/arrays", "deleteProfileAttributeValue", 2, func(d int) string {
			return `[{"key":"lastVisitedProducts","value":` + nested(d, `"shirt"`) + `}]`
		}},
		{"deleteProfileAttributeValue/tree", "deleteProfileAttributeValue", 1, func(d int) string {
			return `{"key":"lastVisitedProducts","value":` + tree(d) + `}`
		}},
	}
	for _, c := range cases {
		for _, depth := range []int{8, 16, 32, deepest} {
			b.Run(fmt.Sprintf("%s/depth=%d", c.name, depth), func(b *testing.B) {
				serve(b, srv, http.MethodPost, "/rest/3.0/"+c.path, c.body(depth-c.outer))
			})
		}
	}
	refused := []struct{ name, path, body string }{
		{"tagUsers/tag/depth=16", "tagUsers", `{"tag":` + nested(15, `"x"`) + `,"extIds":["id1"]}`},
		{"tagUsers/tag/depth=64", "tagUsers", `{"tag":` + nested(deepest-1, `"x"`) + `,"extIds":["id1"]}`},
		{"tagUsers/tag/depth=10001", "tagUsers", `{"tag":` + nested(10000, `"x"`) + `,"extIds":["id1"]}`},
		{"deleteProfileAttributeValue/depth=10000", "deleteProfileAttributeValue", nested(10000, "")},
	}
	for _, c := range refused {
		b.Run("refused/"+c.name, func(b *testing.B) {
			serveStatus(b, srv, http.MethodPost, "/rest/3.0/"+c.path, c.body, http.StatusBadRequest)
		})
	}
}

// TestNestingHelpers: the bodies above are as deep as they say, so "just
// under the limit" is exactly that.
func TestNestingHelpers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		body    string
		tooDeep bool
	}{
		{"tree(64)", tree(deepest), false},
		{"tree(65)", tree(deepest + 1), true},
		{"tree(63)", tree(deepest - 1), false},
		{"nested(64)", nested(deepest, "1"), false},
		{"nested(65)", nested(deepest+1, "1"), true},
	} {
		_, _, err := jsonvalue.Parse([]byte(c.body), jsonvalue.Limits{})
		var e *jsonvalue.Error
		if deep := errors.As(err, &e) && e.TooDeep; deep != c.tooDeep || (err != nil && !deep) {
			t.Errorf("jsonvalue.Parse(%s) = %v, want too deep: %v", c.name, err, c.tooDeep)
		}
	}
	if got := tree(deepest - 1); !strings.HasPrefix(got, `{"$and":[{"tag":"t0"},{"$or":[`) {
		t.Errorf("tree(63) = %.60s…, want $and, $or, $not nodes", got)
	}
}
