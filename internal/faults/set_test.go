package faults

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// MustAdd adds r for tenant and fails the test on error.
func MustAdd(tb testing.TB, s *Set, tenant string, r Rule) Rule {
	tb.Helper()
	got, err := s.Add(tenant, r)
	if err != nil {
		tb.Fatalf("Add(%q, %+v): %v", tenant, r, err)
	}
	return got
}

func ids(rs []Rule) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestAdd(t *testing.T) {
	s := NewSet(1)
	r1 := MustAdd(t, s, "A", Rule{Method: "post", Path: "/x", Status: 500, Times: 2, Hits: 9, Remaining: 9,
		Headers: map[string]string{"content-type": "application/json", "x-request-id": "r1"}})
	want := Rule{ID: "f1", Priority: DefaultPriority, Method: "POST", Path: "/x", Status: 500, Times: 2, Remaining: 2,
		Headers: map[string]string{"Content-Type": "application/json", "X-Request-Id": "r1"}}
	if diff := cmp.Diff(want, r1); diff != "" {
		t.Errorf("Add returned (-want +got):\n%s", diff)
	}
	r1.Headers["X-Request-Id"] = "changed by the caller"
	if got := s.List("A")[0].Headers["X-Request-Id"]; got != "r1" {
		t.Errorf("changing the Headers Add returned changed the stored rule: %q", got)
	}
	MustAdd(t, s, "A", Rule{ID: "f3", Path: "/x", Status: 500})
	MustAdd(t, s, "A", Rule{Path: "/x", Status: 500}) // f2
	MustAdd(t, s, "A", Rule{Path: "/x", Status: 500}) // f4: f3 is taken
	MustAdd(t, s, "B", Rule{Path: "/x", Status: 500}) // B numbers on its own: f1
	if _, err := s.Add("A", Rule{ID: "f2", Path: "/y", Status: 500}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Add with a used id = %v, want ErrInvalid", err)
	}
	if _, err := s.Add("A", Rule{Path: "/y"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Add of an invalid rule = %v, want ErrInvalid", err)
	}
	// List shows the order Match tries: the newest first.
	if diff := cmp.Diff([]string{"f4", "f2", "f3", "f1"}, ids(s.List("A"))); diff != "" {
		t.Errorf("List(A) ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"f1"}, ids(s.List("B"))); diff != "" {
		t.Errorf("List(B) ids (-want +got):\n%s", diff)
	}
	if !s.Delete("A", "f3") || s.Delete("A", "f3") || s.Delete("B", "f3") || s.Delete("C", "f1") {
		t.Errorf("Delete: want true once for A's f3, then false, and false for ids a tenant does not have")
	}
	if diff := cmp.Diff([]string{"f4", "f2", "f1"}, ids(s.List("A"))); diff != "" {
		t.Errorf("List(A) ids after Delete(f3) (-want +got):\n%s", diff)
	}
	if n := s.Clear("A"); n != 3 {
		t.Errorf("Clear(A) = %d, want 3", n)
	}
	if got := s.List("A"); got == nil || len(got) != 0 {
		t.Errorf("List(A) after Clear = %#v, want an empty non-nil slice", got)
	}
	if !s.Empty("A") || s.Empty("B") || !s.Empty("nobody") {
		t.Errorf("Empty(A, B, nobody) = %v, %v, %v; want true, false, true", s.Empty("A"), s.Empty("B"), s.Empty("nobody"))
	}
	if r := MustAdd(t, s, "A", Rule{Path: "/x", Status: 500}); r.ID != "f1" {
		t.Errorf("first id after Clear = %q, want f1", r.ID)
	}
	if n := s.Clear("nobody"); n != 0 {
		t.Errorf("Clear of a tenant without rules = %d, want 0", n)
	}
	// A refused rule uses up no id.
	if _, err := s.Add("A", Rule{Path: "/x"}); err == nil {
		t.Fatalf("Add of a rule that does nothing succeeded")
	}
	if r := MustAdd(t, s, "A", Rule{Path: "/x", Status: 500}); r.ID != "f2" {
		t.Errorf("the id after a refused rule = %q, want f2", r.ID)
	}
}

func TestMatch(t *testing.T) {
	s := NewSet(1)
	MustAdd(t, s, "T", Rule{ID: "devices", Path: "/rest/3.0/getDevices", Status: 502}) // shadowed by the newer "get" for GET
	MustAdd(t, s, "T", Rule{ID: "tag", Method: "POST", Path: "/rest/3.0/tagUsers", Status: 500})
	MustAdd(t, s, "T", Rule{ID: "u7", Method: "POST", Path: "/rest/3.0/untagUsers", ExtID: "u7", Status: 400})
	MustAdd(t, s, "T", Rule{ID: "get", Method: "get", Path: "/rest/3.0/get*", Status: 503})
	MustAdd(t, s, "T", Rule{ID: "any", Path: "/rest/3.0/enable*", LatencyMS: 10})
	tests := []struct {
		name   string
		method string
		path   string
		extIDs []string
		want   string // id of the rule, "" for none
	}{
		{name: "exact path and method", method: "POST", path: "/rest/3.0/tagUsers", want: "tag"},
		{name: "method in any case", method: "post", path: "/rest/3.0/tagUsers", want: "tag"},
		{name: "other method", method: "GET", path: "/rest/3.0/tagUsers", want: ""},
		{name: "exact path is not a prefix", method: "POST", path: "/rest/3.0/tagUsersX", want: ""},
		{name: "extId named", method: "POST", path: "/rest/3.0/untagUsers", extIDs: []string{"u1", "u7"}, want: "u7"},
		{name: "extId not named", method: "POST", path: "/rest/3.0/untagUsers", extIDs: []string{"u1"}, want: ""},
		{name: "extId rule without ids", method: "POST", path: "/rest/3.0/untagUsers", want: ""},
		{name: "prefix", method: "GET", path: "/rest/3.0/getSegments", want: "get"},
		{name: "the newest rule wins", method: "GET", path: "/rest/3.0/getDevices", want: "get"},
		{name: "an older rule for another method", method: "DELETE", path: "/rest/3.0/getDevices", want: "devices"},
		{name: "any method", method: "PATCH", path: "/rest/3.0/enablePush", want: "any"},
		{name: "prefix is not a suffix", method: "GET", path: "/other/rest/3.0/getSegments", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := s.Match("T", tt.method, tt.path, tt.extIDs)
			if got := map[bool]string{true: r.ID}[ok]; got != tt.want || ok != (tt.want != "") {
				t.Errorf("Match(T, %s, %s, %v) = %q, %v; want %q", tt.method, tt.path, tt.extIDs, r.ID, ok, tt.want)
			}
			if _, ok := s.Match("other", tt.method, tt.path, tt.extIDs); ok {
				t.Errorf("Match(other, %s, %s) found a rule of tenant T", tt.method, tt.path)
			}
		})
	}
}

// TestOrder checks which of several matching rules answers: the lowest
// priority number, then the newest, whether their paths are exact or
// prefixes.
func TestOrder(t *testing.T) {
	type add struct {
		id       string
		path     string
		priority int
		times    int
	}
	tests := []struct {
		name     string
		rules    []add // added in this order
		deleted  string
		requests int      // how many GET /a/b to send; 1 when 0
		want     []string // the id of the rule that answers each request, "" for none
		wantList []string // List's order
	}{
		{name: "the newest of equal priorities",
			rules: []add{{id: "old", path: "/a/b"}, {id: "new", path: "/a/b"}},
			want:  []string{"new"}, wantList: []string{"new", "old"}},
		{name: "priority 1 beats a newer default",
			rules: []add{{id: "first", path: "/a/b", priority: 1}, {id: "newer", path: "/a/b"}},
			want:  []string{"first"}, wantList: []string{"first", "newer"}},
		{name: "the default 5 beats an older 6 and loses to an older 4",
			rules: []add{{id: "p4", path: "/a/b", priority: 4}, {id: "p6", path: "/a/b", priority: 6}, {id: "dflt", path: "/a/b"}},
			want:  []string{"p4"}, wantList: []string{"p4", "dflt", "p6"}},
		{name: "a background catch-all does not shadow a specific rule added before it",
			rules: []add{{id: "specific", path: "/a/b"}, {id: "background", path: "/*", priority: 10}},
			want:  []string{"specific"}, wantList: []string{"specific", "background"}},
		{name: "a catch-all of the default priority does shadow older rules",
			rules: []add{{id: "specific", path: "/a/b"}, {id: "all", path: "/*"}},
			want:  []string{"all"}, wantList: []string{"all", "specific"}},
		{name: "a newer exact rule beats an older prefix rule",
			rules: []add{{id: "prefix", path: "/a/*"}, {id: "exact", path: "/a/b"}},
			want:  []string{"exact"}, wantList: []string{"exact", "prefix"}},
		{name: "exact and prefix rules interleave by priority",
			rules: []add{{id: "e3", path: "/a/b", priority: 3}, {id: "p2", path: "/a*", priority: 2, times: 1},
				{id: "e1", path: "/a/b", priority: 1, times: 1}, {id: "p4", path: "/*", priority: 4}},
			requests: 4, want: []string{"e1", "p2", "e3", "e3"}, wantList: []string{"e1", "p2", "e3", "p4"}},
		{name: "a used-up rule lets the next one answer",
			rules:    []add{{id: "fallback", path: "/a/b"}, {id: "once", path: "/a/b", times: 1}},
			requests: 3, want: []string{"once", "fallback", "fallback"}, wantList: []string{"once", "fallback"}},
		{name: "a deleted rule shadows no more",
			rules:   []add{{id: "under", path: "/a/b"}, {id: "over", path: "/a*"}},
			deleted: "over", want: []string{"under"}, wantList: []string{"under"}},
		{name: "rules of other paths are not in the way",
			rules: []add{{id: "other", path: "/a/c", priority: 1}, {id: "otherprefix", path: "/b*", priority: 1}, {id: "mine", path: "/a/b", priority: 9}},
			want:  []string{"mine"}, wantList: []string{"otherprefix", "other", "mine"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSet(1)
			for _, a := range tt.rules {
				MustAdd(t, s, "T", Rule{ID: a.id, Path: a.path, Priority: a.priority, Times: a.times, Status: 500})
			}
			if tt.deleted != "" && !s.Delete("T", tt.deleted) {
				t.Fatalf("Delete(T, %s) = false", tt.deleted)
			}
			var got []string
			for range max(tt.requests, 1) {
				r, _ := s.Match("T", "GET", "/a/b", nil)
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("the rules answering GET /a/b (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantList, ids(s.List("T"))); diff != "" {
				t.Errorf("List order (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTimes(t *testing.T) {
	s := NewSet(1)
	MustAdd(t, s, "T", Rule{ID: "then", Path: "/x", Status: 503})
	MustAdd(t, s, "T", Rule{ID: "twice", Path: "/x", Status: 500, Times: 2})
	tests := []struct {
		name          string
		wantID        string
		wantRemaining int
		wantHits      int
	}{
		{name: "first use", wantID: "twice", wantRemaining: 1, wantHits: 1},
		{name: "second use", wantID: "twice", wantRemaining: 0, wantHits: 2},
		{name: "used up: the next rule", wantID: "then", wantRemaining: 0, wantHits: 1},
		{name: "unlimited", wantID: "then", wantRemaining: 0, wantHits: 2},
	}
	for _, tt := range tests { // in order: each step uses the rule once more
		r, ok := s.Match("T", "GET", "/x", nil)
		if !ok || r.ID != tt.wantID || r.Remaining != tt.wantRemaining || r.Hits != tt.wantHits {
			t.Errorf("%s: Match = {ID:%q Remaining:%d Hits:%d}, %v; want {ID:%q Remaining:%d Hits:%d}, true",
				tt.name, r.ID, r.Remaining, r.Hits, ok, tt.wantID, tt.wantRemaining, tt.wantHits)
		}
	}
	want := []Rule{
		{ID: "twice", Priority: DefaultPriority, Path: "/x", Status: 500, Times: 2, Remaining: 0, Hits: 2},
		{ID: "then", Priority: DefaultPriority, Path: "/x", Status: 503, Hits: 2},
	}
	if diff := cmp.Diff(want, s.List("T")); diff != "" {
		t.Errorf("List after the uses (-want +got):\n%s", diff)
	}
}

// draws matches /x n times on tenant T of s and returns how many matched;
// noise, when set, is matched on another tenant and another rule between
// draws, to show they do not disturb T's draws.
func draws(t *testing.T, s *Set, n int, noise bool) int {
	t.Helper()
	hits := 0
	for range n {
		if noise {
			s.Match("N", "GET", "/x", nil)
			s.Match("T", "GET", "/noise", nil)
		}
		if _, ok := s.Match("T", "GET", "/x", nil); ok {
			hits++
		}
	}
	return hits
}

func TestProbability(t *testing.T) {
	const n = 1000
	setup := func(seed int64) *Set {
		s := NewSet(seed)
		MustAdd(t, s, "T", Rule{Path: "/noise", Status: 500, Probability: 0.5})
		MustAdd(t, s, "T", Rule{Path: "/x", Status: 503, Probability: 0.3})
		MustAdd(t, s, "N", Rule{Path: "/x", Status: 503, Probability: 0.7})
		return s
	}
	first := draws(t, setup(42), n, false)
	// Pinned: another count means seed 42 no longer gives the faults it gave,
	// which breaks reproducing a recorded run.
	if first != 301 {
		t.Errorf("seed 42, probability 0.3: %d hits in %d draws, want the 301 this seed has always given", first, n)
	}
	if first < 200 || first > 400 {
		t.Errorf("probability 0.3 over %d draws hit %d times, want 200..400", n, first)
	}
	if again := draws(t, setup(42), n, false); again != first {
		t.Errorf("a fresh set with the same seed hit %d times, the first %d: draws are not reproducible", again, first)
	}
	if noisy := draws(t, setup(42), n, true); noisy != first {
		t.Errorf("with other tenants and rules drawing in between, the same seed hit %d times, alone %d", noisy, first)
	}
	s := setup(42)
	draws(t, s, n, false)
	for _, r := range s.List("T") {
		if r.Path == "/x" && r.Hits != first {
			t.Errorf("List shows %d hits, Match returned %d", r.Hits, first)
		}
	}

	always := NewSet(7)
	MustAdd(t, always, "T", Rule{Path: "/x", Status: 503, Probability: 1})
	MustAdd(t, always, "T", Rule{Path: "/y", Status: 503})
	if got := draws(t, always, 50, false); got != 50 {
		t.Errorf("probability 1 hit %d of 50 times", got)
	}

	// A failed draw does not use the rule up: Times counts hits.
	limited := NewSet(42)
	MustAdd(t, limited, "T", Rule{Path: "/x", Status: 503, Probability: 0.3, Times: 5})
	if got := draws(t, limited, n, false); got != 5 {
		t.Errorf("probability 0.3 with times 5 hit %d times in %d draws, want 5", got, n)
	}
}

func TestTenantsIsolated(t *testing.T) {
	s := NewSet(1)
	MustAdd(t, s, "A", Rule{Path: "/x", Status: 500, Times: 1})
	MustAdd(t, s, "B", Rule{Path: "/x", Status: 502, Times: 1})
	if r, ok := s.Match("B", "GET", "/x", nil); !ok || r.Status != 502 {
		t.Errorf("Match(B) = %+v, %v; want B's rule", r, ok)
	}
	if _, ok := s.Match("B", "GET", "/x", nil); ok {
		t.Errorf("Match(B) after its one use matched again (A's rule?)")
	}
	if r := s.List("A")[0]; r.Remaining != 1 || r.Hits != 0 {
		t.Errorf("A's rule after B's matches = %+v, want untouched", r)
	}
	if n := s.Clear("B"); n != 1 {
		t.Errorf("Clear(B) = %d, want 1", n)
	}
	if got := len(s.List("A")); got != 1 {
		t.Errorf("Clear(B) left A with %d rules, want 1", got)
	}
	if s.Delete("B", "f1") {
		t.Errorf("Delete(B, f1) removed something after B was cleared")
	}
	if len(s.List("A")) != 1 {
		t.Errorf("Delete(B, f1) removed A's f1")
	}
}

func TestClearAll(t *testing.T) {
	s := NewSet(1)
	MustAdd(t, s, "A", Rule{Path: "/x", Status: 500})
	MustAdd(t, s, "A", Rule{Path: "/y", Status: 500})
	MustAdd(t, s, "B", Rule{Path: "/x", Status: 502})
	if n := s.ClearAll(); n != 3 {
		t.Errorf("ClearAll() = %d, want 3", n)
	}
	for _, tenant := range []string{"A", "B"} {
		if got := s.List(tenant); len(got) != 0 {
			t.Errorf("List(%s) after ClearAll = %+v, want no rules", tenant, got)
		}
	}
	if r := MustAdd(t, s, "A", Rule{Path: "/x", Status: 500}); r.ID != "f1" {
		t.Errorf("the first rule added after ClearAll has id %q, want f1", r.ID)
	}
	if n := s.ClearAll(); n != 1 {
		t.Errorf("ClearAll() again = %d, want 1", n)
	}
}

func TestConcurrentMatch(t *testing.T) {
	const times, workers, each = 100, 8, 50
	s := NewSet(3)
	for _, tenant := range []string{"A", "B"} {
		MustAdd(t, s, tenant, Rule{Path: "/x", Status: 500, Times: times})
		MustAdd(t, s, tenant, Rule{Path: "/p*", Status: 503, Probability: 0.5})
	}
	var hits atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		tenant := []string{"A", "B"}[w%2]
		wg.Go(func() {
			for i := range each {
				if _, ok := s.Match(tenant, "GET", "/x", nil); ok {
					hits.Add(1)
				}
				s.Match(tenant, "GET", fmt.Sprintf("/p%d", i), nil)
				if i%10 == 0 {
					s.List(tenant)
					if _, err := s.Add(tenant, Rule{Path: "/never", Status: 500}); err != nil {
						t.Errorf("Add(%s) during the race: %v", tenant, err)
					}
				}
			}
		})
	}
	wg.Wait()
	// 4 workers per tenant × 50 tries = 200 tries for a rule of 100 uses.
	if got := hits.Load(); got != 2*times {
		t.Errorf("concurrent Match fired %d times for two rules of %d uses, want %d", got, times, 2*times)
	}
	for _, tenant := range []string{"A", "B"} {
		for _, r := range s.List(tenant) {
			if r.Path == "/x" && (r.Hits != times || r.Remaining != 0) {
				t.Errorf("tenant %s rule after the race: Hits %d Remaining %d, want %d and 0", tenant, r.Hits, r.Remaining, times)
			}
		}
	}
}
