package spec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netmera-mock/netmera-mock/internal/jsonvalue"
)

// fastValidate validates a request the way the server does: the body
// parsed once by jsonvalue (a body it refuses is invalid JSON), then the
// Index's parameter and body checks.
func fastValidate(x *Index, r *http.Request, body []byte) error {
	op := x.Lookup(r.Method, r.URL.Path)
	if op == nil {
		return fmt.Errorf("%w: %s %s", ErrNoRoute, r.Method, r.URL.Path)
	}
	if err := op.CheckParams(r, nil); err != nil {
		return err
	}
	if op.Body == nil {
		return nil
	}
	v, _, err := jsonvalue.Parse(body, jsonvalue.Limits{})
	if err != nil {
		return invalidJSON(err)
	}
	return op.CheckBody(context.Background(), v)
}

// outcome is what a validation answered, comparable.
func outcome(err error) string {
	var ve *ValidationError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNoRoute):
		return "no route"
	case errors.As(err, &ve):
		return fmt.Sprintf("%d %s (%s)", ve.Code, ve.Message, ve.Field)
	}
	return "other: " + err.Error()
}

// TestIndexAgreesWithValidator is the fast path's proof: over a corpus of
// several thousand good and bad requests made from every operation of the
// document (its examples, each member removed, nulled or given every JSON
// type, whole bodies of every type, every query parameter given odd
// values), the Index answers exactly what kin-openapi's full request
// validation answers.
func TestIndexAgreesWithValidator(t *testing.T) {
	t.Parallel()
	doc := mustDoc(t)
	v := mustValidator(t)
	x := IndexFor(doc)
	cases := corpus(t)
	if len(cases) < 1500 {
		t.Fatalf("the corpus has %d requests, want at least 1500", len(cases))
	}
	seen := map[string]int{}
	for _, c := range cases {
		r := c.request()
		want := outcome(v.ValidateRequest(r, []byte(c.body)))
		got := outcome(fastValidate(x, c.request(), []byte(c.body)))
		seen[strings.SplitN(want, " (", 2)[0][:min(4, len(want))]]++
		if got != want {
			t.Errorf("%s %s %s\n\tfast path: %s\n\tkin-openapi: %s", c.method, c.target, c.body, got, want)
		}
	}
	// The corpus must exercise passes and each kind of refusal.
	for _, kind := range []string{"ok", "2004", "2009", "2020"} {
		if seen[kind] < 20 {
			t.Errorf("the corpus has %d requests answered %q, want at least 20 (answers: %v)", seen[kind], kind, seen)
		}
	}
}

// TestIndexLenientHeaders: a header named lenient is not checked.
func TestIndexLenientHeaders(t *testing.T) {
	t.Parallel()
	op := IndexFor(mustDoc(t)).Lookup(http.MethodGet, "/rest/3.0/getSegments")
	if op == nil {
		t.Fatal("no getSegments operation")
	}
	r := httptest.NewRequest(http.MethodGet, "/rest/3.0/getSegments", nil)
	if err := op.CheckParams(r, nil); outcome(err) != "2020 X-netmera-os is required (X-netmera-os)" {
		t.Errorf("CheckParams(no OS header) = %v, want 2020", err)
	}
	if err := op.CheckParams(r, nil, "x-netmera-os"); err != nil {
		t.Errorf("CheckParams(no OS header, lenient) = %v, want nil", err)
	}
}

func TestIndexIsShared(t *testing.T) {
	t.Parallel()
	doc := mustDoc(t)
	if IndexFor(doc) != IndexFor(doc) {
		t.Error("IndexFor built a second index for the same document")
	}
}

type corpusCase struct {
	method, target, body string
	header               []string
}

func (c corpusCase) request() *http.Request {
	r := httptest.NewRequest(c.method, "http://127.0.0.1:39917"+c.target, nil)
	for i := 0; i+1 < len(c.header); i += 2 {
		r.Header.Set(c.header[i], c.header[i+1])
	}
	return r
}

// oddValues are what a member or element is replaced with.
var oddValues = []any{nil, json.Number("5"), json.Number("0.5"), json.Number("-1"), "x", "", true,
	[]any{}, []any{"x"}, []any{json.Number("5")}, []any{nil}, map[string]any{}, map[string]any{"x": "y"}}

// oddParams are what a query parameter or header is set to ("\x00" leaves
// it out).
var oddParams = []string{"\x00", "", "x", "-1", "0", "1", "1.5", "100", "99999999999999999999", "true", "IOS", "ANDROID", "WINDOWS"}

func corpus(tb testing.TB) []corpusCase {
	tb.Helper()
	var out []corpusCase
	for _, op := range mustOperations(tb) {
		// Parameters: each set to each odd value, the others given good ones.
		var params []string
		var headers []string
		for _, ref := range op.op.Parameters {
			switch ref.Value.In {
			case "query":
				params = append(params, ref.Value.Name)
			case "header":
				headers = append(headers, ref.Value.Name)
			}
		}
		for _, odd := range oddParams {
			for _, name := range append(slices.Clone(params), headers...) {
				q, h := url.Values{}, []string{}
				for _, p := range params {
					if p == name {
						if odd != "\x00" {
							q.Set(p, odd)
						}
						continue
					}
					q.Set(p, "100")
				}
				for _, hn := range headers {
					if hn == name {
						if odd != "\x00" {
							h = append(h, hn, odd)
						}
						continue
					}
					h = append(h, hn, "IOS")
				}
				target := op.path
				if len(q) > 0 {
					target += "?" + q.Encode()
				}
				out = append(out, corpusCase{method: op.method, target: target, header: h, body: `{}`})
			}
		}
		if BodySchema(op.op) == nil {
			continue
		}
		// Bodies: each example, then each member and element mutated.
		var bodies []any
		for _, ex := range examplesOf(op) {
			bodies = append(bodies, ex)
			bodies = append(bodies, mutations(ex)...)
		}
		bodies = append(bodies, oddValues...)
		h := []string{}
		for _, hn := range headers {
			h = append(h, hn, "IOS")
		}
		for _, b := range bodies {
			data, err := json.Marshal(b)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, corpusCase{method: op.method, target: op.path, body: string(data), header: h})
		}
		for _, raw := range []string{"", "{", "[1,]", `{"a":1} {}`, "nul"} {
			out = append(out, corpusCase{method: op.method, target: op.path, body: raw, header: h})
		}
	}
	return out
}

// examplesOf returns the request body examples of op, as JSON values.
func examplesOf(op operation) []any {
	mt := op.op.RequestBody.Value.Content.Get("application/json")
	var names []string
	for name := range mt.Examples {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []any
	for _, name := range names {
		ex := mt.Examples[name]
		if ex.Value == nil {
			continue
		}
		data, err := json.Marshal(ex.Value.Value)
		if err != nil {
			continue
		}
		var v any
		if json.Unmarshal(data, &v) == nil {
			out = append(out, toNumbers(v))
		}
	}
	return out
}

// toNumbers turns float64 into json.Number, as bodies are read.
func toNumbers(v any) any {
	switch t := v.(type) {
	case float64:
		return json.Number(fmt.Sprint(t))
	case []any:
		for i := range t {
			t[i] = toNumbers(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = toNumbers(t[k])
		}
	}
	return v
}

// mutations returns copies of v with one member or element removed or
// replaced by each odd value, recursively.
func mutations(v any) []any {
	var out []any
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			without := cloneJSON(t).(map[string]any)
			delete(without, k)
			out = append(out, without)
			for _, odd := range oddValues {
				c := cloneJSON(t).(map[string]any)
				c[k] = cloneJSON(odd)
				out = append(out, c)
			}
			for _, m := range mutations(e) {
				c := cloneJSON(t).(map[string]any)
				c[k] = m
				out = append(out, c)
			}
		}
	case []any:
		for _, odd := range oddValues {
			out = append(out, append(cloneJSON(t).([]any), cloneJSON(odd)))
		}
		for i := range t {
			for _, m := range mutations(t[i]) {
				c := cloneJSON(t).([]any)
				c[i] = m
				out = append(out, c)
			}
		}
	}
	return out
}

func cloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = cloneJSON(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = cloneJSON(e)
		}
		return c
	}
	return v
}

// BenchmarkIndex compares the fast path with kin-openapi's full request
// validation on the same tagUsers request, in one run.
func BenchmarkIndex(b *testing.B) {
	doc := mustDoc(b)
	v := mustValidator(b)
	x := IndexFor(doc)
	body := []byte(`{"tag":"Sport","extIds":["id1","id2"]}`)
	r := httptest.NewRequest(http.MethodPost, "/rest/3.0/tagUsers", nil)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := fastValidate(x, r, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("kin-openapi", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := v.ValidateRequest(r, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestQuickAgreesWithKin holds the compiled body check to kin-openapi's
// verdict on the whole corpus: it may only call a body valid that
// kin-openapi accepts (after reading nulls as the handlers do), and, for
// bodies without nulls, it must call valid every body kin-openapi accepts
// (else the fast path would not be taken). Every operation of the
// document must compile.
func TestQuickAgreesWithKin(t *testing.T) {
	t.Parallel()
	x := IndexFor(mustDoc(t))
	checked := 0
	for _, c := range corpus(t) {
		op := x.Lookup(c.method, strings.SplitN(c.target, "?", 2)[0])
		if op == nil || op.Body == nil {
			continue
		}
		if op.quick == nil {
			t.Fatalf("%s's body schema does not compile to a quick check", op.ID)
		}
		v, _, err := jsonvalue.Parse([]byte(c.body), jsonvalue.Limits{})
		if err != nil {
			continue
		}
		checked++
		kinValid := op.Body.VisitJSON(zeroNulls(cloneValue(v), op.Body), openapi3.VisitAsRequest()) == nil
		quickValid := op.quick.valid(v)
		switch {
		case quickValid && !kinValid:
			t.Errorf("%s %s: the quick check accepts what kin-openapi refuses", op.ID, c.body)
		case !quickValid && kinValid && !hasNull(v):
			t.Errorf("%s %s: the quick check refuses what kin-openapi accepts", op.ID, c.body)
		}
	}
	if checked < 1000 {
		t.Errorf("checked %d bodies, want at least 1000", checked)
	}
}
