package contracts

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// ReplayResult is what replaying one golden file found.
type ReplayResult struct {
	File   string
	Case   string
	Source string // from the manifest; "unknown" for a file it does not list
	// Replayed and Skipped count exchanges sent again and derived ones
	// left out.
	Replayed, Skipped int
	// Diffs holds one go-cmp diff (-recorded +target) per exchange whose
	// answer differs, headed by the request.
	Diffs []string
}

// Replay sends every request of the golden files in dir to t again, with a
// fresh prefix, and compares each answer with the recorded one as its
// Compare mode says: the drift detector between a recording (of the live
// API, or documented samples) and the target (usually the fake).
func Replay(ctx context.Context, t Target, dir string) ([]ReplayResult, error) {
	r, err := newRunner(t, Options{})
	if err != nil {
		return nil, err
	}
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []ReplayResult
	for _, path := range files {
		name := filepath.Base(path)
		if name == ManifestFile {
			continue
		}
		g, err := ReadGolden(path)
		if err != nil {
			return out, err
		}
		res := ReplayResult{File: name, Case: g.Case, Source: "unknown"}
		if e, ok := m.Files[name]; ok {
			res.Source = e.Source
		}
		r.prefix = RandomPrefix()
		for i, ex := range g.Exchanges {
			if ex.Derived {
				res.Skipped++
				continue
			}
			d, err := r.replayOne(ctx, ex)
			if err != nil {
				return out, fmt.Errorf("contracts: %s exchange %d: %w", name, i, err)
			}
			res.Replayed++
			if d != "" {
				res.Diffs = append(res.Diffs, fmt.Sprintf("exchange %d, %s %s (-recorded +target):\n%s", i, ex.Method, ex.Path, d))
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// replayOne sends one recorded request and diffs the answer.
func (r *runner) replayOne(ctx context.Context, ex Exchange) (string, error) {
	sc := r.scrubber()
	req := Request{Method: ex.Method, Path: sc.unscrub(ex.Path), Header: []string{HeaderOS, ex.OS}}
	if ex.Body != nil {
		req.Body = sc.unscrub(*ex.Body)
	}
	switch ex.APIKey {
	case "none":
		req.Header = append(req.Header, HeaderAPIKey, "")
	case "wrong":
		req.Header = append(req.Header, HeaderAPIKey, wrongKey)
	case "valid":
	default:
		return "", fmt.Errorf("apiKey %q is not valid, wrong or none", ex.APIKey)
	}
	hr, _, err := r.newRequest(ctx, req)
	if err != nil {
		return "", err
	}
	resp, err := r.target.Client.Do(hr)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return "", err
	}
	got := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	return diffExchange(ex, got, sc)
}

// answer is what a replay compares.
type answer struct {
	Status      int
	ContentType string
	Body        any
}

// diffExchange compares the target's answer with the recorded one.
func diffExchange(ex Exchange, got *Response, sc scrubber) (string, error) {
	want := answer{Status: ex.Status, ContentType: ex.ContentType}
	have := answer{Status: got.Status, ContentType: mediaType(got)}
	var gotValue any
	gotJSON := decodeJSON(got.Body, &gotValue) == nil
	switch {
	case ex.Response != nil:
		var rec any
		if err := decodeJSON(ex.Response, &rec); err != nil {
			return "", fmt.Errorf("recorded response: %w", err)
		}
		switch {
		case !gotJSON:
			want.Body, have.Body = rec, string(got.Body)
		case ex.Compare == CompareExact:
			scrubbed := sc.text(string(got.Body))
			_ = decodeJSON([]byte(scrubbed), &gotValue)
			want.Body, have.Body = rec, gotValue
		case ex.Compare == CompareShape:
			want.Body, have.Body = reconcile(rec, skeleton(gotValue), false)
		case ex.Compare == CompareFields:
			want.Body, have.Body = reconcile(skeleton(rec), skeleton(gotValue), true)
		default:
			return "", fmt.Errorf("compare %q is not exact, shape or fields", ex.Compare)
		}
	case ex.ResponseText != "":
		want.Body, have.Body = ex.ResponseText, sc.text(string(got.Body))
	case len(got.Body) > 0:
		have.Body = sc.text(string(got.Body))
	}
	return cmp.Diff(want, have), nil
}

// skeleton replaces every value of a JSON value by its type: "string",
// "url" (an absolute http or https URL), "number", "boolean", "null";
// objects keep their members, lists hold one item, the merge of theirs.
func skeleton(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = skeleton(e)
		}
		return m
	case []any:
		if len(t) == 0 {
			return []any{}
		}
		merged := skeleton(t[0])
		for _, e := range t[1:] {
			merged = mergeShapes(merged, skeleton(e))
		}
		return []any{merged}
	case string:
		if u, err := url.Parse(t); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return "url"
		}
		return "string"
	case bool:
		return "boolean"
	case nil:
		return "null"
	default: // json.Number, float64
		return "number"
	}
}

// mergeShapes is the shape of values of shape a or b: objects have the
// members of both, and different types make a union such as "null|number".
func mergeShapes(a, b any) any {
	am, aObj := a.(map[string]any)
	bm, bObj := b.(map[string]any)
	if aObj && bObj {
		out := make(map[string]any, len(am))
		for k, v := range am {
			out[k] = v
		}
		for k, v := range bm {
			if x, ok := out[k]; ok {
				out[k] = mergeShapes(x, v)
			} else {
				out[k] = v
			}
		}
		return out
	}
	al, aList := a.([]any)
	bl, bList := b.([]any)
	if aList && bList {
		switch {
		case len(al) == 0:
			return bl
		case len(bl) == 0:
			return al
		}
		return []any{mergeShapes(al[0], bl[0])}
	}
	kinds := append(kindsOf(a), kindsOf(b)...)
	slices.Sort(kinds)
	return strings.Join(slices.Compact(kinds), "|")
}

func kindsOf(s any) []string {
	switch t := s.(type) {
	case string:
		return strings.Split(t, "|")
	case map[string]any:
		return []string{"object"}
	case []any:
		return []string{"array"}
	}
	return []string{fmt.Sprint(s)}
}

// reconcile prepares two shapes for cmp.Diff, so that only real
// differences show: with subset, members of got that want lacks are
// dropped; an empty list on either side matches any list; type unions
// that share a type match.
func reconcile(want, got any, subset bool) (any, any) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return want, got
		}
		ow, og := map[string]any{}, map[string]any{}
		for k, wv := range w {
			if gv, ok := g[k]; ok {
				ow[k], og[k] = reconcile(wv, gv, subset)
			} else {
				ow[k] = wv
			}
		}
		for k, gv := range g {
			if _, ok := w[k]; !ok && !subset {
				og[k] = gv
			}
		}
		return ow, og
	case []any:
		g, ok := got.([]any)
		if !ok {
			return want, got
		}
		if len(w) == 0 || len(g) == 0 {
			return []any{}, []any{}
		}
		a, b := reconcile(w[0], g[0], subset)
		return []any{a}, []any{b}
	case string:
		if g, ok := got.(string); ok && sharesType(w, g) {
			return w, w
		}
	}
	return want, got
}

func sharesType(a, b string) bool {
	for _, x := range strings.Split(a, "|") {
		if slices.Contains(strings.Split(b, "|"), x) {
			return true
		}
	}
	return false
}
