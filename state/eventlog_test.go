package state

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEventLogStaysBounded drives an event log through fires and user
// deletions next to a plain list of what it should keep: after every
// step it keeps the same events, and its slots (dead ones included) stay
// within max(2×live, live+minDeadCompact), however many users are deleted
// while few events are live. Before dead slots were compacted, firing and
// deleting 5000 times kept 5000 slots for no live event.
func TestEventLogStaysBounded(t *testing.T) {
	type step struct {
		fire   string // a user who fires one event
		delete bool   // the user is deleted right after
	}
	churn := func(n int) []step { // each user fires once and is deleted
		out := make([]step, n)
		for i := range out {
			out[i] = step{fmt.Sprintf("u%d", i), true}
		}
		return out
	}
	mixed := func(n int) []step { // a few keep their events, most are deleted
		r := rand.New(rand.NewPCG(3, 4))
		out := make([]step, n)
		for i := range out {
			out[i] = step{fmt.Sprintf("u%d", r.IntN(50)), r.IntN(4) != 0}
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		max   int
		steps []step
	}{
		{"fire then delete, large bound", 10_000, churn(5000)},
		{"fire then delete, small bound", 3, churn(5000)},
		{"mixed, bound never reached", 10_000, mixed(5000)},
		{"mixed, bound reached", 20, mixed(5000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var l eventLog
			var want []EventRecord // oldest first
			for i, s := range tt.steps {
				l.add(EventRecord{ExtID: s.fire, Name: fmt.Sprint(i)}, tt.max)
				want = append(want, EventRecord{ExtID: s.fire, Name: fmt.Sprint(i)})
				if len(want) > tt.max {
					want = want[1:]
				}
				if s.delete {
					l.dropUser(s.fire)
					want = slices.DeleteFunc(want, func(e EventRecord) bool { return e.ExtID == s.fire })
				}
				if kept := len(l.slots) - l.head; kept > max(2*l.live, l.live+minDeadCompact) {
					t.Fatalf("step %d: %d slots kept for %d live events", i, kept, l.live)
				}
				if i%97 != 0 && i != len(tt.steps)-1 {
					continue
				}
				if got := l.records(); !slices.EqualFunc(got, want, func(a, b EventRecord) bool { return a.ExtID == b.ExtID && a.Name == b.Name }) {
					t.Fatalf("step %d: kept %v, want %v", i, names(got), names(want))
				}
				for _, u := range []string{s.fire, "u1", "u7"} {
					var got, wantU []string
					l.eachOfUser(u, func(e *eventSlot) bool { got = append(got, e.rec.Name); return true })
					for _, e := range slices.Backward(want) {
						if e.ExtID == u {
							wantU = append(wantU, e.Name)
						}
					}
					if !slices.Equal(got, wantU) {
						t.Fatalf("step %d: %s's events %v, want %v", i, u, got, wantU)
					}
				}
			}
			if c := cap(l.slots); c > 4*max(l.live, minDeadCompact) {
				t.Errorf("%d slots of room for %d live events", c, l.live)
			}
		})
	}
}

func names(list []EventRecord) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.ExtID + "/" + e.Name
	}
	return out
}
