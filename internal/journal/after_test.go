package journal

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestAfter checks that Filter.After selects the entries numbered above
// it, wherever the ring starts, and combines with the other fields.
func TestAfter(t *testing.T) {
	tests := []struct {
		name        string
		limit, adds int
		clear       bool // clear, then add two more
		f           Filter
		want        []uint64
	}{
		{name: "zero selects all", limit: 10, adds: 4, want: []uint64{1, 2, 3, 4}},
		{name: "the newer ones", limit: 10, adds: 4, f: Filter{After: 2}, want: []uint64{3, 4}},
		{name: "after the newest", limit: 10, adds: 4, f: Filter{After: 4}, want: []uint64{}},
		{name: "far past the newest", limit: 10, adds: 4, f: Filter{After: 1 << 60}, want: []uint64{}},
		{name: "before what the ring still holds", limit: 3, adds: 8, f: Filter{After: 2}, want: []uint64{6, 7, 8}},
		{name: "inside a wrapped ring", limit: 3, adds: 8, f: Filter{After: 6}, want: []uint64{7, 8}},
		{name: "with a path", limit: 10, adds: 6, f: Filter{After: 2, Path: "/p5"}, want: []uint64{5}},
		{name: "after a clear", limit: 10, adds: 4, clear: true, f: Filter{After: 4}, want: []uint64{5, 6}},
		{name: "after a clear, from before it", limit: 10, adds: 4, clear: true, f: Filter{After: 1}, want: []uint64{5, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := New(tt.limit)
			addN(j, "A", tt.adds)
			if tt.clear {
				j.Clear("A")
				addN(j, "A", 2)
			}
			tt.f.Tenant = "A"
			if diff := cmp.Diff(tt.want, seqs(j.List(tt.f))); diff != "" {
				t.Errorf("List(%+v) seqs (-want +got):\n%s", tt.f, diff)
			}
			if diff := cmp.Diff(tt.want, seqs(j.Summaries(tt.f))); diff != "" {
				t.Errorf("Summaries(%+v) seqs (-want +got):\n%s", tt.f, diff)
			}
			if n := j.Count(tt.f); n != len(tt.want) {
				t.Errorf("Count(%+v) = %d, want %d", tt.f, n, len(tt.want))
			}
		})
	}
}

// TestSummaries checks that a summary is the entry without its headers,
// body and response, with its external IDs.
func TestSummaries(t *testing.T) {
	j := New(10)
	j.Add(Entry{Tenant: "A", Time: t0, Method: "POST", Path: "/rest/3.0/tagUsers", Query: "x=1",
		Header: http.Header{"X-Netmera-Api-Key": {"secret"}}, Body: []byte(`{"tag":"t","extIds":["u1","u2"]}`),
		Status: 400, Response: []byte(`{"code":2009}`), DurationMS: 1.5, Notes: []string{"a note"}})
	got := j.Summaries(Filter{Tenant: "A"})
	want := []Entry{{Seq: 1, Time: t0, Tenant: "A", Method: "POST", Path: "/rest/3.0/tagUsers", Query: "x=1", Status: 400,
		DurationMS: 1.5, ExtIDs: []string{"u1", "u2"}, Notes: []string{"a note"}}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Entry{})); diff != "" {
		t.Errorf("Summaries (-want +got):\n%s", diff)
	}
	j.Add(Entry{Tenant: "A", Method: "GET", Path: "/rest/3.0/getDevices", Query: "extId=u1&api_key=secret"})
	if q := j.Summaries(Filter{Tenant: "A", After: 1})[0].Query; strings.Contains(q, "secret") || q != j.List(Filter{Tenant: "A", After: 1})[0].Query {
		t.Errorf("Summaries shows the query %q, want it masked as List shows it", q)
	}
	if got := j.Summaries(Filter{Tenant: "B"}); got == nil || len(got) != 0 {
		t.Errorf("Summaries of a tenant with no journal = %#v, want an empty list", got)
	}
}

// TestGet checks that Get finds exactly the entries the ring holds, shown
// as List shows them.
func TestGet(t *testing.T) {
	j := New(3)
	j.Add(Entry{Tenant: "A", Method: "POST", Path: "/p1", Header: http.Header{"X-Netmera-Api-Key": {"secret"}}, Body: []byte(`{ "a" : 1 }`)})
	addN(j, "A", 4) // seqs 2..5; the ring keeps 3, 4, 5
	for _, tt := range []struct {
		name   string
		tenant string
		seq    uint64
		want   bool
	}{
		{name: "zero", tenant: "A", seq: 0},
		{name: "dropped", tenant: "A", seq: 2},
		{name: "oldest kept", tenant: "A", seq: 3, want: true},
		{name: "newest", tenant: "A", seq: 5, want: true},
		{name: "not yet", tenant: "A", seq: 6},
		{name: "another tenant", tenant: "B", seq: 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := j.Get(tt.tenant, tt.seq)
			if ok != tt.want || (ok && e.Seq != tt.seq) {
				t.Errorf("Get(%q, %d) = seq %d, %v; want found %v", tt.tenant, tt.seq, e.Seq, ok, tt.want)
			}
		})
	}

	k := New(5)
	k.Add(Entry{Tenant: "A", Method: "POST", Path: "/p1", Header: http.Header{"X-Netmera-Api-Key": {"secret"}}, Body: []byte(`{ "extId" : "u1" }`)})
	got, ok := k.Get("A", 1)
	if !ok {
		t.Fatal("Get(A, 1) found nothing")
	}
	if diff := cmp.Diff(k.List(Filter{Tenant: "A"})[0], got, cmp.AllowUnexported(Entry{})); diff != "" {
		t.Errorf("Get(A, 1) differs from what List shows (-list +get):\n%s", diff)
	}
	if got.Header.Get("X-Netmera-Api-Key") == "secret" {
		t.Error("Get shows the API key in clear")
	}
	for _, tt := range []struct {
		name                string
		tenant              string
		wantFirst, wantLast uint64
	}{
		{name: "one entry", tenant: "A", wantFirst: 1, wantLast: 1},
		{name: "no journal yet", tenant: "B"},
	} {
		if first, last := k.Span(tt.tenant); first != tt.wantFirst || last != tt.wantLast {
			t.Errorf("%s: Span(%q) = %d, %d; want %d, %d", tt.name, tt.tenant, first, last, tt.wantFirst, tt.wantLast)
		}
	}
	k.Clear("A")
	if first, last := k.Span("A"); first != 2 || last != 1 {
		t.Errorf("Span(A) after Clear = %d, %d; want 2, 1: numbers go on, none held", first, last)
	}
	addN(k, "A", 7) // 2..8, the ring keeps 4..8
	if first, last := k.Span("A"); first != 4 || last != 8 {
		t.Errorf("Span(A) of a full ring = %d, %d; want 4, 8", first, last)
	}
}
