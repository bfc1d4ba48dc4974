package state

import "container/heap"

// Time in a send: it starts at its schedule (or at once), goes out in
// packages when it has a speed, and stops at its time to live. Work that
// falls due is done by ProcessDue, which the clock's setters and every
// read of notifications, results, stats and inboxes call first: no
// goroutine runs in the background, and a tenant whose clock stands still
// delivers nothing until it moves.

// dueEvent is a start or a package of a notification, due at at.
type dueEvent struct {
	at    int64
	n     *notification
	start bool // a start; otherwise the next package
}

// dueHeap orders events soonest first (then by notification ID, so that
// events due together run in the order the sends were made).
type dueHeap []dueEvent

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].n.id < h[j].n.id
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(dueEvent)) }
func (h *dueHeap) Pop() any {
	old := *h
	ev := old[len(old)-1]
	old[len(old)-1] = dueEvent{}
	*h = old[:len(old)-1]
	return ev
}

func (t *Tenant) schedule(ev dueEvent) { heap.Push(&t.nt.due, ev) }

// ProcessDue does every start and package whose time has come by the
// tenant's clock: it resolves scheduled sends that are due (see resolve)
// and releases the packages of sends going out at a speed. It returns
// when nothing is due. It is cheap when nothing is: one look at the
// soonest event under the read lock.
func (t *Tenant) ProcessDue() {
	t.ApplyDueRegistrations()
	for {
		t.mu.RLock()
		due := len(t.nt.due) > 0 && t.nt.due[0].at <= t.now()
		t.mu.RUnlock()
		if !due {
			return
		}
		t.lock()
		if len(t.nt.due) == 0 || t.nt.due[0].at > t.now() {
			t.mu.Unlock()
			return
		}
		ev := heap.Pop(&t.nt.due).(dueEvent)
		n := ev.n
		if ev.start {
			if n.status != StatusScheduled || n.resolving || n.era != t.nt.era {
				t.mu.Unlock()
				continue
			}
			n.resolving, n.status, n.startAt = true, StatusSending, ev.at
			t.mu.Unlock()
			t.resolve(n)
			continue
		}
		t.releaseDue(n)
		t.mu.Unlock()
	}
}

// commit moves a resolver's output into its notification; the caller
// holds the write lock.
func (t *Tenant) commit(r *resolver) {
	n := r.n
	base := int32(len(n.texts))
	n.texts = append(n.texts, r.local...)
	for _, x := range r.excl {
		n.exclude(x)
	}
	for _, res := range r.out {
		if res.text < 0 {
			res.text = base + (-res.text - 1)
		}
		t.plan(n, res)
	}
	clear(r.out)
	clear(r.excl)
	clear(r.local)
	r.out, r.excl, r.local = r.out[:0], r.excl[:0], r.local[:0]
	r.cacheUser = nil
}

// plan gives a delivery its time: the start, or its package's time when
// the send has a speed. One due now is released at once; a later one
// waits in the queue; one due after the send's time to live runs out is
// recorded as TTL_EXPIRED instead.
func (t *Tenant) plan(n *notification, res result) {
	at := n.startAt
	if n.speed.PackageSize > 0 && n.speed.IntervalMins > 0 {
		pkg := int64(n.planned / n.speed.PackageSize)
		at += pkg * int64(n.speed.IntervalMins) * 60_000
	}
	n.planned++
	if n.expiresAt > 0 && at > n.expiresAt {
		n.exclude(exclusion{extID: res.extID, iid: res.iid, addr: res.token, plat: res.plat, reason: reasonOf(ReasonExpired)})
		return
	}
	res.at = at
	if len(n.queued) == 0 && at <= t.now() {
		t.release(n, res)
		return
	}
	n.queued = append(n.queued, res)
}

// release makes a delivery visible: it takes the next result number and
// enters the stats, the indexes and, for an inbox message, the user's
// inbox.
func (t *Tenant) release(n *notification, res result) {
	res.seq = t.nt.nextSeq
	t.nt.nextSeq++
	n.results.add(res)
	i := n.results.len() - 1
	if res.failed {
		n.stats[res.plat][statFailed]++
	} else {
		n.stats[res.plat][statSent]++
	}
	t.nt.kept++
	t.indexResult(n, i)
	n.endAt = max(n.endAt, res.at)
	if n.content.Inbox && !res.failed && res.plat < platEmail && res.extID != "" && n.lastInbox != res.extID {
		n.lastInbox = res.extID
		t.addInboxItem(n, n.results.at(i))
	}
}

// indexResult enters result i of n in the indexes that are built.
func (t *Tenant) indexResult(n *notification, i int) {
	res := n.results.at(i)
	if l := t.nt.keyResults[n.key]; l != nil {
		l.add(n, i)
	}
	if t.nt.resByExt != nil && res.extID != "" {
		refsOf(t.nt.resByExt, res.extID).add(n, i)
	}
	if t.nt.resByToken != nil && res.token != "" && res.plat < platEmail {
		refsOf(t.nt.resByToken, res.token).add(n, i)
	}
}

func refsOf(m map[string]*refList, k string) *refList {
	l := m[k]
	if l == nil {
		l = &refList{}
		m[k] = l
	}
	return l
}

// finish ends a notification's resolution: SENDING while packages wait,
// FINISHED otherwise. The caller holds the write lock.
func (t *Tenant) finish(n *notification) {
	n.resolving = false
	if len(n.queued) > 0 {
		n.status = StatusSending
		t.schedule(dueEvent{at: n.queued[0].at, n: n})
		return
	}
	t.setDone(n, StatusFinished)
	if n.endAt == 0 {
		n.endAt = n.startAt
	}
	t.evict()
}

// releaseDue releases the queued deliveries whose package time has come;
// the caller holds the write lock.
func (t *Tenant) releaseDue(n *notification) {
	if n.era != t.nt.era {
		return
	}
	now := t.now()
	k := 0
	for k < len(n.queued) && n.queued[k].at <= now {
		t.release(n, n.queued[k])
		k++
	}
	clear(n.queued[:k])
	n.queued = n.queued[k:]
	if len(n.queued) == 0 {
		n.queued = nil
	}
	t.finish(n)
}

// approve lets a notification that waited for approval go: at once, or at
// its schedule if that is later; if its time to live ran out meanwhile it
// is EXPIRED and never delivers. The caller holds the write lock.
func (t *Tenant) approve(n *notification) {
	if n.status != StatusWaitingApproval {
		return
	}
	now := t.now()
	n.approved = now
	if n.expiresAt > 0 && now > n.expiresAt {
		t.setDone(n, StatusExpired)
		n.endAt = now
		return
	}
	n.startAt = max(n.startAt, now)
	n.status = StatusScheduled
	t.schedule(dueEvent{at: n.startAt, n: n, start: true})
}
