package state

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seqModel drives a seqList[int] next to the naive model it must agree
// with: the live items in order. Items are distinct ints; slots tracks
// where the list says each is, through Append's result and moved.
type seqModel struct {
	l       *seqList[int]
	slots   map[int]int
	live    []int
	next    int
	compact int // compactions seen (moved calls for slot 0)
}

func newSeqModel() *seqModel {
	m := &seqModel{slots: make(map[int]int), live: []int{}}
	m.l = newSeqList(func(v, slot int) {
		m.slots[v] = slot
		if slot == 0 {
			m.compact++
		}
	})
	return m
}

func (m *seqModel) append() {
	v := m.next
	m.next++
	m.slots[v] = m.l.Append(v)
	m.live = append(m.live, v)
}

// removeAt removes the live item of model rank i.
func (m *seqModel) removeAt(i int) {
	v := m.live[i]
	m.l.Remove(m.slots[v])
	delete(m.slots, v)
	m.live = slices.Delete(m.live, i, i+1)
}

// removeDead calls Remove on slot when it holds no live item (a tombstone
// or out of range), which must change nothing.
func (m *seqModel) removeDead(tb testing.TB, slot int) {
	tb.Helper()
	if slot >= 0 && slot < len(m.l.alive) && m.l.alive[slot] {
		return
	}
	before := m.l.Len()
	m.l.Remove(slot)
	if m.l.Len() != before {
		tb.Fatalf("Remove(%d) of a dead slot changed Len from %d to %d", slot, before, m.l.Len())
	}
}

// page is what Page returns, as values.
func (m *seqModel) page(offset, n int) (items []int, more bool) {
	items = []int{}
	more = m.l.Page(offset, n, func(v int) { items = append(items, v) })
	return items, more
}

// wantPage is the model's answer to Page(offset, n).
func (m *seqModel) wantPage(offset, n int) (items []int, more bool) {
	offset = max(offset, 0)
	n = max(n, 0)
	lo := min(offset, len(m.live))
	hi := min(lo+n, len(m.live))
	return append([]int{}, m.live[lo:hi]...), hi < len(m.live) && offset < len(m.live)
}

// check compares the whole list with the model: Len, All, the Fenwick tree
// and the slots the items hold.
func (m *seqModel) check(tb testing.TB, when string) {
	tb.Helper()
	if got, want := m.l.Len(), len(m.live); got != want {
		tb.Fatalf("%s: Len() = %d, want %d", when, got, want)
	}
	all := []int{}
	m.l.All(func(v int) bool { all = append(all, v); return true })
	if diff := cmp.Diff(append([]int{}, m.live...), all); diff != "" {
		tb.Fatalf("%s: All() items differ (-want +got):\n%s", when, diff)
	}
	if err := checkSeq(m.l, func(v int) int { return m.slots[v] }); err != nil {
		tb.Fatalf("%s: %v", when, err)
	}
}

// checkPage compares one Page call with the model.
func (m *seqModel) checkPage(tb testing.TB, offset, n int) {
	tb.Helper()
	got, gotMore := m.page(offset, n)
	want, wantMore := m.wantPage(offset, n)
	if diff := cmp.Diff(want, got); diff != "" || gotMore != wantMore {
		tb.Fatalf("Page(%d, %d) over %d live items: more = %v, want %v; items (-want +got):\n%s",
			offset, n, len(m.live), gotMore, wantMore, diff)
	}
}

// checkAllPages calls Page at every offset with size n, and walks the list
// page by page following more, which must yield every live item once.
func (m *seqModel) checkAllPages(tb testing.TB, n int) {
	tb.Helper()
	for offset := -1; offset <= len(m.live)+1; offset++ {
		m.checkPage(tb, offset, n)
	}
	if n <= 0 {
		return
	}
	walked := []int{}
	for offset, more := 0, true; more; offset += n {
		var page []int
		page, more = m.page(offset, n)
		walked = append(walked, page...)
		if len(walked) > len(m.live) {
			tb.Fatalf("walking pages of %d: more than the %d live items", n, len(m.live))
		}
	}
	if diff := cmp.Diff(m.live, walked); diff != "" {
		tb.Fatalf("walking pages of %d: items (-want +got):\n%s", n, diff)
	}
}

func TestSeqListModel(t *testing.T) {
	tests := []struct {
		name string
		seed uint64
		// phases of (operations, share of appends in percent)
		phases [][2]int
		// minimum compactions the run must go through
		wantCompactions int
	}{
		{name: "append only", seed: 1, phases: [][2]int{{300, 100}}},
		{name: "balanced", seed: 2, phases: [][2]int{{2000, 55}}},
		{name: "grow then drain past 1024 tombstones", seed: 3, phases: [][2]int{{3000, 100}, {2900, 0}}, wantCompactions: 1},
		{name: "sawtooth", seed: 4, phases: [][2]int{{2500, 90}, {2400, 5}, {2500, 90}, {2500, 5}}, wantCompactions: 2},
		{name: "drain to empty and regrow", seed: 5, phases: [][2]int{{1500, 100}, {1500, 0}, {200, 100}}, wantCompactions: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := newSeqModel()
			r := rand.New(rand.NewPCG(tt.seed, 0))
			step := 0
			for _, ph := range tt.phases {
				for range ph[0] {
					step++
					switch {
					case len(m.live) == 0 || r.IntN(100) < ph[1]:
						m.append()
					default:
						m.removeAt(r.IntN(len(m.live)))
					}
					switch r.IntN(8) {
					case 0: // removing a dead or out-of-range slot is a no-op
						m.removeDead(t, r.IntN(len(m.l.items)+3)-1)
						if len(m.live) > 0 {
							m.removeDead(t, m.slots[m.live[0]]-1)
							m.removeDead(t, len(m.l.items))
						}
					case 1:
						m.checkPage(t, r.IntN(len(m.live)+3)-1, r.IntN(12))
					}
					if step%97 == 0 {
						m.check(t, fmt.Sprintf("step %d", step))
					}
				}
				m.check(t, fmt.Sprintf("after phase %v", ph))
				for _, n := range []int{1, 7, 100} {
					m.checkAllPages(t, n)
				}
			}
			if m.compact < tt.wantCompactions {
				t.Errorf("the run compacted %d times, want at least %d", m.compact, tt.wantCompactions)
			}
		})
	}
}

func TestSeqListCompactionRenumbers(t *testing.T) {
	m := newSeqModel()
	for range 3000 {
		m.append()
	}
	// Remove every other item, then from the front until tombstones pass
	// both 1024 and the live count.
	for i := 0; i < len(m.live); i++ {
		m.removeAt(i)
	}
	for m.compact == 0 {
		m.removeAt(0)
	}
	m.check(t, "after compaction")
	if got, want := len(m.l.items), m.l.Len(); got != want {
		t.Errorf("after compaction the list holds %d slots for %d live items, want no tombstones", got, want)
	}
	for i, v := range m.live {
		if m.slots[v] != i {
			t.Fatalf("after compaction item %d was told slot %d, want %d", v, m.slots[v], i)
		}
	}
	// The renumbered slots are the ones Remove must be given next.
	m.removeAt(len(m.live) / 2)
	m.append()
	m.check(t, "after removing by renumbered slot")
	m.checkAllPages(t, 10)
}

func TestSeqListPageEdges(t *testing.T) {
	m := newSeqModel()
	for range 5 {
		m.append()
	}
	m.removeAt(1)
	m.removeAt(3) // live: 0 2 3
	tests := []struct {
		name     string
		offset   int
		n        int
		want     []int
		wantMore bool
	}{
		{name: "first page", offset: 0, n: 2, want: []int{0, 2}, wantMore: true},
		{name: "exact last page", offset: 1, n: 2, want: []int{2, 3}, wantMore: false},
		{name: "page larger than rest", offset: 2, n: 10, want: []int{3}, wantMore: false},
		{name: "offset at end", offset: 3, n: 10, want: []int{}, wantMore: false},
		{name: "offset past end", offset: 50, n: 10, want: []int{}, wantMore: false},
		{name: "negative offset is 0", offset: -4, n: 1, want: []int{0}, wantMore: true},
		{name: "zero size with items left", offset: 1, n: 0, want: []int{}, wantMore: true},
		{name: "negative size", offset: 0, n: -1, want: []int{}, wantMore: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, more := m.page(tt.offset, tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" || more != tt.wantMore {
				t.Errorf("Page(%d, %d) over [0 2 3]: more = %v, want %v; items (-want +got):\n%s", tt.offset, tt.n, more, tt.wantMore, diff)
			}
		})
	}
	empty := newSeqModel()
	if got, more := empty.page(0, 10); len(got) != 0 || more {
		t.Errorf("Page(0, 10) on an empty list = %v, more %v; want nothing, false", got, more)
	}
}

func TestSeqListAllStops(t *testing.T) {
	m := newSeqModel()
	for range 10 {
		m.append()
	}
	var got []int
	m.l.All(func(v int) bool { got = append(got, v); return len(got) < 3 })
	if diff := cmp.Diff([]int{0, 1, 2}, got); diff != "" {
		t.Errorf("All with fn returning false after 3 items: (-want +got):\n%s", diff)
	}
}

// FuzzSeqList reads its input as operations on a seqList and the model:
// each byte's low 3 bits choose the operation, the next byte its argument.
func FuzzSeqList(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 1, 3, 0, 3, 1})
	f.Add([]byte{0, 0, 0, 0, 2, 0, 2, 0, 2, 0, 4, 0})
	f.Add([]byte{5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 3, 7, 7, 3, 0})
	f.Add([]byte{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 4, 3, 9})
	f.Add([]byte{1, 1, 2, 200, 2, 2, 7, 4, 3, 255})
	f.Fuzz(func(t *testing.T, ops []byte) {
		m := newSeqModel()
		arg := func(i int) int {
			if i+1 < len(ops) {
				return int(ops[i+1])
			}
			return 0
		}
		for i, op := range ops {
			switch op & 7 {
			case 0, 1:
				m.append()
			case 2:
				if len(m.live) > 0 {
					m.removeAt(arg(i) % len(m.live))
				}
			case 3:
				m.checkPage(t, arg(i)-2, arg(i)%9)
			case 4: // no-op removals
				m.removeDead(t, arg(i)-1)
				m.removeDead(t, len(m.l.items)+arg(i))
			case 5:
				for range 100 {
					m.append()
				}
			case 6:
				for range min(100, len(m.live)) {
					m.removeAt((arg(i) * 7) % len(m.live))
				}
			case 7:
				m.checkAllPages(t, arg(i)%5+1)
			}
		}
		m.check(t, fmt.Sprintf("after %d operations", len(ops)))
		m.checkAllPages(t, 3)
	})
}

// TestSeqListFillMatchesAppend: a list filled in one go is the list that
// appending the same items one by one makes, and keeps behaving like the
// model after removals and appends.
func TestSeqListFillMatchesAppend(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 100, 1025} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			appended := newSeqList[int](nil)
			items := make([]int, n)
			for i := range items {
				items[i] = i
				appended.Append(i)
			}
			m := newSeqModel()
			m.l.fill(items)
			for i := range items {
				m.slots[i] = i
				m.live = append(m.live, i)
			}
			m.next = n
			if diff := cmp.Diff(appended.tree, m.l.tree); diff != "" {
				t.Fatalf("Fenwick tree after fill differs from after appends (-append +fill):\n%s", diff)
			}
			m.check(t, "after fill")
			m.checkAllPages(t, 3)
			r := rand.New(rand.NewPCG(uint64(n), 7))
			for range 2 * n {
				if len(m.live) > 0 && r.IntN(3) > 0 {
					m.removeAt(r.IntN(len(m.live)))
				} else {
					m.append()
				}
			}
			m.check(t, "after removals and appends")
			m.checkAllPages(t, 4)
		})
	}
}

// TestSeqListSeqsSurviveCompaction: numbered items keep their numbers
// through removals and compactions, and afterSeq finds where a walk that
// saw every item below a number resumes.
func TestSeqListSeqsSurviveCompaction(t *testing.T) {
	l := newSeqList[int](nil)
	l.keepSeqs()
	l.fill([]int{0, 1, 2})
	var live []int // item i was appended as number i
	live = append(live, 0, 1, 2)
	r := rand.New(rand.NewPCG(3, 4))
	next := 3
	slotOf := func(v int) int { return slices.Index(l.items, v) }
	for step := range 20000 {
		if len(live) > 0 && r.IntN(5) < 3 {
			k := r.IntN(len(live))
			l.Remove(slotOf(live[k]))
			live = slices.Delete(live, k, k+1)
		} else {
			l.Append(next)
			live = append(live, next)
			next++
		}
		if err := checkSeq(l, func(v int) int { return slotOf(v) }); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if step%7 == 0 {
			seq := r.IntN(next + 1)
			want, _ := slices.BinarySearch(live, seq) // live items numbered below seq
			if got := l.afterSeq(uint32(seq)); got != want {
				t.Fatalf("step %d: afterSeq(%d) = %d, want %d", step, seq, got, want)
			}
		}
		for slot, ok := range l.alive {
			if ok && l.seqAt(slot) != uint32(l.items[slot]) {
				t.Fatalf("step %d: item %d carries number %d", step, l.items[slot], l.seqAt(slot))
			}
		}
	}
}
