package state

// eventLog keeps the newest events a tenant's users fired, oldest first,
// with each user's events indexed: adding one costs O(1) amortised, and
// reading a user's costs what the user fired. Past its bound the oldest
// event goes; a user deleted for good takes their events along.
type eventLog struct {
	slots  []eventSlot // slots[head:] are kept, oldest first
	head   int
	first  uint64              // the number of slots[head]; a compaction renumbers the slots
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
	l.compactIfSparse()
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
	l.compactIfSparse()
}

// minDeadCompact is the fewest dead slots worth a compaction.
const minDeadCompact = 64

// dead is the number of kept slots that are dead.
func (l *eventLog) dead() int { return len(l.slots) - l.head - l.live }

// compactIfSparse compacts the log once its dead slots outnumber its live
// ones (and minDeadCompact): dead slots otherwise go only as the oldest
// are dropped, which a log whose users are deleted as fast as they fire
// never reaches. The kept slots so stay at most max(2×live,
// live+minDeadCompact), and a compaction, costing the slots it walks,
// costs each dead slot O(1) once.
func (l *eventLog) compactIfSparse() {
	if dead := l.dead(); dead > l.live && dead > minDeadCompact {
		l.compact()
	}
}

// compact forgets the dead slots, numbering the live ones afresh from
// first (numbers only index byUser, which is renumbered alike; each
// user's list keeps its length, so it is reused).
func (l *eventLog) compact() {
	for extID, seqs := range l.byUser {
		l.byUser[extID] = seqs[:0]
	}
	slots := make([]eventSlot, 0, l.live)
	for i := l.head; i < len(l.slots); i++ {
		if s := l.slots[i]; !s.dead {
			l.byUser[s.rec.ExtID] = append(l.byUser[s.rec.ExtID], l.first+uint64(len(slots)))
			slots = append(slots, s)
		}
	}
	l.slots, l.head = slots, 0
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
