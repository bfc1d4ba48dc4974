package state

// eventLog keeps the newest events a tenant's users fired, oldest first,
// with each user's events indexed: adding one costs O(1) amortised, and
// reading a user's costs what the user fired. Past its bound the oldest
// event goes; a user deleted for good takes their events along.
type eventLog struct {
	slots  []eventSlot // slots[head:] are kept, oldest first
	head   int
	first  uint64              // the number of slots[head]; numbers are never reused
	live   int                 // kept slots not dead
	byUser map[string][]uint64 // each user's event numbers, ascending
}

type eventSlot struct {
	rec  EventRecord
	dead bool // its user was deleted
}

// slot returns the slot numbered n, which must be kept.
func (l *eventLog) slot(n uint64) *eventSlot { return &l.slots[l.head+int(n-l.first)] }

// add appends rec and drops the oldest events past max.
func (l *eventLog) add(rec EventRecord, max int) {
	if l.byUser == nil {
		l.byUser = map[string][]uint64{}
	}
	n := l.first + uint64(len(l.slots)-l.head)
	l.slots = append(l.slots, eventSlot{rec: rec})
	l.byUser[rec.ExtID] = append(l.byUser[rec.ExtID], n)
	l.live++
	for l.live > max {
		l.dropOldest()
	}
}

// dropOldest forgets the oldest kept slot.
func (l *eventLog) dropOldest() {
	s := &l.slots[l.head]
	if !s.dead {
		seqs := l.byUser[s.rec.ExtID]
		if len(seqs) <= 1 {
			delete(l.byUser, s.rec.ExtID)
		} else {
			l.byUser[s.rec.ExtID] = seqs[1:]
		}
		l.live--
	}
	*s = eventSlot{}
	l.head++
	l.first++
	if l.head > 1024 && l.head*2 > len(l.slots) {
		l.slots = append([]eventSlot(nil), l.slots[l.head:]...)
		l.head = 0
	}
}

// dropUser forgets every event of extID.
func (l *eventLog) dropUser(extID string) {
	for _, n := range l.byUser[extID] {
		*l.slot(n) = eventSlot{dead: true}
		l.live--
	}
	delete(l.byUser, extID)
}

// each calls fn on every kept event, newest first, until fn returns false.
func (l *eventLog) each(fn func(*eventSlot) bool) {
	for i := len(l.slots) - 1; i >= l.head; i-- {
		if s := &l.slots[i]; !s.dead && !fn(s) {
			return
		}
	}
}

// eachOfUser calls fn on extID's events, newest first, until fn returns
// false.
func (l *eventLog) eachOfUser(extID string, fn func(*eventSlot) bool) {
	seqs := l.byUser[extID]
	for i := len(seqs) - 1; i >= 0; i-- {
		if !fn(l.slot(seqs[i])) {
			return
		}
	}
}

// records returns every kept event, oldest first.
func (l *eventLog) records() []EventRecord {
	out := make([]EventRecord, 0, l.live)
	for i := l.head; i < len(l.slots); i++ {
		if s := l.slots[i]; !s.dead {
			out = append(out, cloneEvent(s.rec))
		}
	}
	return out
}

// len is the number of kept events.
func (l *eventLog) len() int { return l.live }
