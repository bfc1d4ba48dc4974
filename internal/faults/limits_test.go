package faults

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLimits(t *testing.T) {
	big := strings.Repeat("b", MaxBodyLen)
	tests := []struct {
		name    string
		opts    []Option
		fill    []Rule // added first, each must succeed
		add     Rule
		wantErr error  // nil, ErrInvalid or ErrFull
		wantMsg string // part of the error's message
	}{
		{name: "the default latency limit is allowed", add: Rule{Path: "/x", LatencyMS: 30_000}},
		{name: "over the default latency limit", add: Rule{Path: "/x", LatencyMS: 30_001}, wantErr: ErrInvalid,
			wantMsg: "latencyMs 30001 is over this server's limit of 30000: an answer held longer would miss the server's write timeout"},
		{name: "a latency limit of its own", opts: []Option{MaxLatency(5 * time.Second)}, add: Rule{Path: "/x", Status: 503, LatencyMS: 5001},
			wantErr: ErrInvalid, wantMsg: "latencyMs 5001 is over this server's limit of 5000"},
		{name: "a higher latency limit", opts: []Option{MaxLatency(time.Hour)}, add: Rule{Path: "/x", LatencyMS: 3_600_000}},
		{name: "a zero latency limit is the default", opts: []Option{MaxLatency(0)}, add: Rule{Path: "/x", LatencyMS: 30_001}, wantErr: ErrInvalid},
		{name: "the latency limit with other problems", add: Rule{Path: "x", LatencyMS: 60_000}, wantErr: ErrInvalid,
			wantMsg: `path "x" must start with '/'; latencyMs 60000 is over`},
		{name: "up to the rule limit", opts: []Option{MaxRules(3)}, fill: rules(2, "/x"), add: Rule{Path: "/x", Status: 500}},
		{name: "over the rule limit", opts: []Option{MaxRules(3)}, fill: rules(3, "/x"), add: Rule{Path: "/x", Status: 500},
			wantErr: ErrFull, wantMsg: "faults: no room for another rule: this tenant already holds 3 rules, the most it may; delete some first"},
		{name: "a full tenant refuses even a bad rule as full", opts: []Option{MaxRules(1)}, fill: rules(1, "/x"), add: Rule{ID: "f1", Path: "/x", Status: 500},
			wantErr: ErrFull},
		{name: "a zero rule limit is the default", opts: []Option{MaxRules(0)}, fill: rules(5, "/x"), add: Rule{Path: "/x", Status: 500}},
		{name: "up to the byte limit", opts: []Option{MaxTenantBytes(3 * (MaxBodyLen + 512))}, fill: []Rule{bigRule(big), bigRule(big)}, add: bigRule(big)},
		{name: "over the byte limit", opts: []Option{MaxTenantBytes(2 * (MaxBodyLen + 300))}, fill: []Rule{bigRule(big), bigRule(big)}, add: Rule{Path: "/x", Status: 500},
			wantErr: ErrFull, wantMsg: "this tenant's rules take 131592 bytes; with this one (260) they would pass the 131672 a tenant may hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSet(1, tt.opts...)
			for _, r := range tt.fill {
				MustAdd(t, s, "T", r)
			}
			before := ids(s.List("T"))
			got, err := s.Add("T", tt.add)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Add(%+v) = %v, want it added", tt.add, err)
			case tt.wantErr == nil:
				if n := len(s.List("T")); n != len(tt.fill)+1 {
					t.Errorf("after Add, List has %d rules, want %d", n, len(tt.fill)+1)
				}
				return
			case !errors.Is(err, tt.wantErr):
				t.Fatalf("Add(%+v) = %v (rule %+v), want an error wrapping %v", tt.add, err, got, tt.wantErr)
			case !strings.Contains(err.Error(), tt.wantMsg):
				t.Errorf("Add(%+v) = %q, want it to contain %q", tt.add, err, tt.wantMsg)
			}
			if after := ids(s.List("T")); strings.Join(after, ",") != strings.Join(before, ",") {
				t.Errorf("a refused Add changed the rules from %v to %v", before, after)
			}
			// Another tenant has room of its own.
			MustAdd(t, s, "other", Rule{Path: "/x", Status: 500})
		})
	}
}

// rules returns n valid rules for path.
func rules(n int, path string) []Rule {
	out := make([]Rule, n)
	for i := range out {
		out[i] = Rule{Path: path, Status: 500}
	}
	return out
}

// bigRule is a rule with the largest raw body.
func bigRule(body string) Rule { return Rule{Path: "/x", Status: 200, Body: body} }

// TestLimitsMakeRoom checks that deleting or clearing rules makes room
// under both limits, so that a full tenant is not stuck.
func TestLimitsMakeRoom(t *testing.T) {
	s := NewSet(1)
	for range DefaultMaxRules {
		MustAdd(t, s, "T", Rule{Path: "/x", Status: 500})
	}
	if _, err := s.Add("T", Rule{Path: "/x", Status: 500}); !errors.Is(err, ErrFull) {
		t.Fatalf("rule %d of %d allowed: Add = %v, want ErrFull", DefaultMaxRules+1, DefaultMaxRules, err)
	}
	if !s.Delete("T", "f500") {
		t.Fatalf("Delete(T, f500) = false")
	}
	if r := MustAdd(t, s, "T", Rule{Path: "/x", Status: 500}); r.ID != "f1001" {
		t.Errorf("the rule added after a Delete got id %s, want f1001 (ids are not reused)", r.ID)
	}
	s.Clear("T")
	bytes := NewSet(1, MaxTenantBytes(MaxBodyLen+512))
	MustAdd(t, bytes, "T", bigRule(strings.Repeat("b", MaxBodyLen)))
	if _, err := bytes.Add("T", bigRule("b")); !errors.Is(err, ErrFull) {
		t.Fatalf("Add past the byte limit = %v, want ErrFull", err)
	}
	if !bytes.Delete("T", "f1") {
		t.Fatalf("Delete(T, f1) = false")
	}
	MustAdd(t, bytes, "T", bigRule(strings.Repeat("b", MaxBodyLen)))
}

// fullTenant returns a set whose tenant "full" holds the most rules, each a
// prefix that no request matches, so that every Match of that tenant looks
// at all of them; and whose tenant "quiet" has a few rules, one for
// /rest/3.0/getDevices.
func fullTenant(tb testing.TB, opts ...Option) *Set {
	tb.Helper()
	s := NewSet(1, opts...)
	for i := range DefaultMaxRules {
		MustAdd(tb, s, "full", Rule{Path: fmt.Sprintf("/nothing/%d*", i), Status: 500})
	}
	for _, p := range []string{"/rest/3.0/tagUsers", "/rest/3.0/getDevices", "/rest/3.0/getSegments"} {
		MustAdd(tb, s, "quiet", Rule{Path: p, Status: 503})
	}
	return s
}

// TestTenantsDoNotWait holds the lock of a tenant with the most rules, as
// a long Match of it would, and checks that another tenant's requests and
// control calls, and a new tenant, go on meanwhile. A watchdog fails the
// test if they wait; nothing is timed.
func TestTenantsDoNotWait(t *testing.T) {
	s := fullTenant(t)
	full := s.get("full")
	full.mu.Lock() // a Match of "full" in progress
	done := make(chan string, 1)
	go func() {
		if r, ok := s.Match("quiet", "GET", "/rest/3.0/getDevices", nil); !ok || r.Status != 503 {
			done <- fmt.Sprintf("Match(quiet) = %+v, %v; want its 503 rule", r, ok)
			return
		}
		if _, ok := s.Match("quiet", "GET", "/rest/3.0/other", nil); ok {
			done <- "Match(quiet) of a path without rules matched"
			return
		}
		if _, err := s.Add("quiet", Rule{Path: "/y", Status: 500}); err != nil {
			done <- fmt.Sprintf("Add(quiet) = %v", err)
			return
		}
		if _, err := s.Add("new", Rule{Path: "/y", Status: 500}); err != nil {
			done <- fmt.Sprintf("Add(new) = %v", err)
			return
		}
		if n := len(s.List("quiet")); n != 4 {
			done <- fmt.Sprintf("List(quiet) has %d rules, want 4", n)
			return
		}
		if !s.Delete("quiet", "f4") || s.Empty("quiet") || s.Empty("full") || s.Clear("new") != 1 {
			done <- "Delete, Empty or Clear of another tenant went wrong"
			return
		}
		done <- ""
	}()
	select {
	case msg := <-done:
		if msg != "" {
			t.Error(msg)
		}
	case <-time.After(time.Minute):
		t.Fatalf("with tenant full's lock held, tenant quiet's calls did not finish within a minute: they wait for it")
	}
	full.mu.Unlock()
	if _, ok := s.Match("full", "GET", "/nothing/7/x", nil); !ok {
		t.Errorf("Match(full) after its lock was released found no rule")
	}
}

// TestMatchLooksOnlyAtItsPath checks the index Match walks: the rules of
// the request's exact path and the prefix rules, not the others.
func TestMatchLooksOnlyAtItsPath(t *testing.T) {
	s := NewSet(1)
	for i := range 100 {
		MustAdd(t, s, "T", Rule{Path: fmt.Sprintf("/p/%d", i), Status: 500})
	}
	MustAdd(t, s, "T", Rule{Path: "/p/7", Method: "POST", Status: 501})
	MustAdd(t, s, "T", Rule{Path: "/q*", Status: 502})
	tr := s.get("T")
	if n := len(tr.exact["/p/7"]); n != 2 {
		t.Errorf("the index holds %d rules for /p/7, want 2", n)
	}
	if n := len(tr.prefix); n != 1 {
		t.Errorf("the index holds %d prefix rules, want 1", n)
	}
	s.Delete("T", "f101") // the POST /p/7
	s.Delete("T", "f1")   // /p/0, the only rule of its path
	if _, ok := tr.exact["/p/0"]; ok || len(tr.exact["/p/7"]) != 1 || len(tr.exact) != 99 {
		t.Errorf("after Delete the index holds %d paths, /p/7 has %d rules; want 99 paths, /p/0 gone, /p/7 with 1",
			len(tr.exact), len(tr.exact["/p/7"]))
	}
	if r, ok := s.Match("T", "POST", "/p/7", nil); !ok || r.Status != 500 {
		t.Errorf("Match(POST /p/7) after its POST rule was deleted = %+v, %v; want the 500 rule", r, ok)
	}
}

// BenchmarkMatchBesideFullTenant measures a quiet tenant's Match alone and
// while another goroutine matches, again and again, a tenant holding the
// most rules (each Match of it looks at all of them). It reports both and
// their ratio, beside/alone: near 1 when tenants do not wait for each
// other (on a loaded machine, CPU sharing alone raises it somewhat).
func BenchmarkMatchBesideFullTenant(b *testing.B) {
	s := fullTenant(b)
	quiet := func(n int) time.Duration {
		start := time.Now()
		for range n {
			s.Match("quiet", "GET", "/rest/3.0/getDevices", nil)
		}
		return time.Since(start)
	}
	alone := quiet(b.N)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				s.Match("full", "GET", "/rest/3.0/getDevices", nil)
			}
		}
	})
	beside := quiet(b.N)
	close(stop)
	wg.Wait()

	b.ReportMetric(float64(alone.Nanoseconds())/float64(b.N), "ns/match-alone")
	b.ReportMetric(float64(beside.Nanoseconds())/float64(b.N), "ns/match-beside")
	b.ReportMetric(float64(beside)/float64(alone), "beside/alone")
}
