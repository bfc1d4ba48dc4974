package state

import "slices"

// seqList keeps items in insertion order and answers "the item at live rank
// k" in O(log n), so that a page at any offset costs O(log n + page size)
// rather than O(offset). Removal leaves a tombstone, counted out by a
// Fenwick tree; once tombstones outnumber live items the list is compacted,
// which keeps iteration over a page amortised O(page size).
type seqList[T any] struct {
	items []T
	alive []bool
	tree  []int // Fenwick tree over alive, 1-based
	live  int
	// seqs, when kept (see keepSeqs), numbers the items in the order they
	// were appended: unlike slots, the numbers survive compaction, so a
	// cursor can hold one (see afterSeq).
	seqs    []uint32
	nextSeq uint32
	// moved is told an item's new slot after compaction.
	moved func(item T, slot int)
}

func newSeqList[T any](moved func(T, int)) *seqList[T] {
	return &seqList[T]{tree: []int{0}, moved: moved}
}

// grow makes room for n more items, so that loading many does not copy
// the slices again and again.
func (l *seqList[T]) grow(n int) {
	l.items = slices.Grow(l.items, n)
	l.alive = slices.Grow(l.alive, n)
	l.tree = slices.Grow(l.tree, n)
}

// fill makes an empty list hold items, in order, in O(n) rather than
// O(n log n): with every slot live, each Fenwick node counts exactly the
// slots it covers. The list keeps items; slot i holds items[i].
func (l *seqList[T]) fill(items []T) {
	if len(l.items) != 0 {
		panic("seqList.fill on a list that is not empty")
	}
	l.items = items
	l.alive = make([]bool, len(items))
	l.tree = make([]int, len(items)+1)
	for i := range items {
		l.alive[i] = true
		l.tree[i+1] = (i + 1) & -(i + 1)
	}
	l.live = len(items)
	if l.seqs != nil {
		l.seqs = make([]uint32, len(items))
		for i := range l.seqs {
			l.seqs[i] = uint32(i)
		}
		l.nextSeq = uint32(len(items))
	}
}

// keepSeqs makes an empty list number its items (see seqs).
func (l *seqList[T]) keepSeqs() {
	l.seqs = []uint32{}
}

// seqAt is the number of the item at slot.
func (l *seqList[T]) seqAt(slot int) uint32 { return l.seqs[slot] }

// afterSeq returns the live rank of the first live item numbered seq or
// more: where a walk that has seen every item numbered below seq resumes,
// whatever was removed or compacted since.
func (l *seqList[T]) afterSeq(seq uint32) int {
	slot, _ := slices.BinarySearch(l.seqs, seq)
	return l.prefix(slot)
}

// Len is the number of live items.
func (l *seqList[T]) Len() int { return l.live }

// Append adds v at the end and returns its slot.
func (l *seqList[T]) Append(v T) int {
	slot := len(l.items)
	l.items = append(l.items, v)
	l.alive = append(l.alive, true)
	if l.seqs != nil {
		l.seqs = append(l.seqs, l.nextSeq)
		l.nextSeq++
	}
	// Node i (1-based) covers (i-lowbit(i), i]: its value is that range's sum.
	i := slot + 1
	l.tree = append(l.tree, l.prefix(i-1)-l.prefix(i-(i&-i))+1)
	l.live++
	return slot
}

// Remove drops the item at slot; removing a dead slot is a no-op.
func (l *seqList[T]) Remove(slot int) {
	if slot < 0 || slot >= len(l.items) || !l.alive[slot] {
		return
	}
	l.alive[slot] = false
	var zero T
	l.items[slot] = zero
	for i := slot + 1; i < len(l.tree); i += i & -i {
		l.tree[i]--
	}
	l.live--
	if dead := len(l.items) - l.live; dead > 1024 && dead > l.live {
		l.compact()
	}
}

// prefix is the number of live items in slots [0, i).
func (l *seqList[T]) prefix(i int) int {
	n := 0
	for ; i > 0; i -= i & -i {
		n += l.tree[i]
	}
	return n
}

// slotOfRank returns the slot of the live item of rank k (0-based), or
// len(items) when k >= Len().
func (l *seqList[T]) slotOfRank(k int) int {
	if k >= l.live {
		return len(l.items)
	}
	pos, rem := 0, k+1
	for step := highBit(len(l.tree) - 1); step > 0; step >>= 1 {
		if next := pos + step; next < len(l.tree) && l.tree[next] < rem {
			pos = next
			rem -= l.tree[next]
		}
	}
	return pos // 1-based pos+1 holds the item, i.e. slot pos
}

func highBit(n int) int {
	b := 1
	for b<<1 <= n {
		b <<= 1
	}
	if n == 0 {
		return 0
	}
	return b
}

// Page calls fn for at most n live items starting at live rank offset, in
// order, and reports whether live items remain after them.
func (l *seqList[T]) Page(offset, n int, fn func(T)) (more bool) {
	if offset < 0 {
		offset = 0
	}
	slot := l.slotOfRank(offset)
	for ; slot < len(l.items) && n > 0; slot++ {
		if l.alive[slot] {
			fn(l.items[slot])
			n--
		}
	}
	return offset < l.live && l.prefix(slot) < l.live
}

// from calls fn for the live items from live rank k on, in order, until
// fn returns false.
func (l *seqList[T]) from(k int, fn func(T) bool) {
	for slot := l.slotOfRank(max(k, 0)); slot < len(l.items); slot++ {
		if l.alive[slot] && !fn(l.items[slot]) {
			return
		}
	}
}

// All calls fn for every live item in order until fn returns false.
func (l *seqList[T]) All(fn func(T) bool) {
	for i, ok := range l.alive {
		if ok && !fn(l.items[i]) {
			return
		}
	}
}

func (l *seqList[T]) compact() {
	items := make([]T, 0, l.live)
	var seqs []uint32
	if l.seqs != nil {
		seqs = make([]uint32, 0, l.live)
	}
	for i, ok := range l.alive {
		if ok {
			items = append(items, l.items[i])
			if seqs != nil {
				seqs = append(seqs, l.seqs[i])
			}
		}
	}
	next := l.nextSeq
	l.items, l.alive, l.tree, l.live = nil, nil, []int{0}, 0
	if seqs != nil {
		l.seqs = []uint32{}
	}
	for _, v := range items {
		slot := l.Append(v)
		if l.moved != nil {
			l.moved(v, slot)
		}
	}
	if seqs != nil {
		l.seqs, l.nextSeq = seqs, next
	}
}
