package state

import (
	"fmt"
	"slices"
)

// verifyNotify checks the notification state's invariants; the caller
// holds the lock. See Verify.
func (t *Tenant) verifyNotify() error {
	s := &t.nt
	if !t.msgTopStale {
		var top int64
		for id := range t.messages {
			top = max(top, id)
		}
		if top != t.msgTop {
			return fmt.Errorf("the largest message ID is %d, %d kept", top, t.msgTop)
		}
	}
	if len(s.defOrder) != len(s.defs) {
		return fmt.Errorf("defOrder has %d keys, defs %d", len(s.defOrder), len(s.defs))
	}
	for _, k := range s.defOrder {
		if s.defs[k] == nil || s.defs[k].key != k || k >= s.nextKey {
			return fmt.Errorf("definition %d: not in the map, or not below nextKey %d", k, s.nextKey)
		}
	}
	if len(s.notifByID) != len(s.notifs) {
		return fmt.Errorf("%d notifications, %d by ID", len(s.notifs), len(s.notifByID))
	}
	inHeap := map[*notification]int{}
	for i, ev := range s.due {
		if s.notifByID[ev.n.id] != ev.n {
			return fmt.Errorf("due event %d names notification %d, which the tenant does not hold", i, ev.n.id)
		}
		if i > 0 && s.due.Less(i, (i-1)/2) {
			return fmt.Errorf("due events out of heap order at %d", i)
		}
		inHeap[ev.n]++
	}
	var kept, doneKept int64
	done, byKey := 0, 0
	for i, n := range s.notifs {
		if err := t.verifyNotification(n, inHeap[n]); err != nil {
			return fmt.Errorf("notification %d (key %d): %w", n.id, n.key, err)
		}
		if i > 0 && s.notifs[i-1].id >= n.id {
			return fmt.Errorf("notifications out of ID order at %d", n.id)
		}
		if !slices.Contains(s.byKey[n.key], n) {
			return fmt.Errorf("notification %d is not listed under its key %d", n.id, n.key)
		}
		kept += int64(n.results.len())
		if n.done() {
			done++
			doneKept += int64(n.results.len())
		}
	}
	if done != s.done || doneKept != s.doneKept {
		return fmt.Errorf("%d notifications done holding %d results, counted %d holding %d", done, doneKept, s.done, s.doneKept)
	}
	for k, ns := range s.byKey {
		byKey += len(ns)
		l := s.keyResults[k]
		if (len(ns) > 1) != (l != nil) {
			return fmt.Errorf("key %d: %d notifications, result list %v", k, len(ns), l != nil)
		}
		if l != nil {
			if err := checkRefs(l, func(n *notification, r *result) bool { return n.key == k }); err != nil {
				return fmt.Errorf("key %d results: %w", k, err)
			}
			total := 0
			for _, n := range ns {
				total += n.results.len()
			}
			if total != len(l.refs) {
				return fmt.Errorf("key %d: %d results, its list %d", k, total, len(l.refs))
			}
		}
	}
	if byKey != len(s.notifs) || len(s.keyResults) > len(s.byKey) {
		return fmt.Errorf("%d notifications listed by key, %d held; %d key lists", byKey, len(s.notifs), len(s.keyResults))
	}
	if kept != s.kept {
		return fmt.Errorf("%d results held, %d counted", kept, s.kept)
	}
	if err := t.verifyResultIndexes(); err != nil {
		return err
	}
	return t.verifyInbox()
}

func (t *Tenant) verifyNotification(n *notification, events int) error {
	s := &t.nt
	if n.key >= s.nextKey || n.id >= s.nextID || n.era != s.era {
		return fmt.Errorf("key, ID or era past the counters (%d, %d, %d)", s.nextKey, s.nextID, s.era)
	}
	var stats [numPlats][3]int64
	var last uint64
	for i := range n.results.len() {
		r := n.results.at(i)
		if r.seq <= last || r.seq >= s.nextSeq {
			return fmt.Errorf("result %d: seq %d after %d, or not below %d", i, r.seq, last, s.nextSeq)
		}
		last = r.seq
		if int(r.text) >= len(n.texts) || r.text < 0 {
			return fmt.Errorf("result %d: text %d of %d", i, r.text, len(n.texts))
		}
		if r.failed {
			stats[r.plat][statFailed]++
		} else {
			stats[r.plat][statSent]++
		}
		if r.clicked {
			stats[r.plat][statClicked]++
		}
	}
	if !n.evicted && stats != n.stats {
		return fmt.Errorf("stats %v, results say %v", n.stats, stats)
	}
	for i, q := range n.queued {
		if q.seq != 0 || (i > 0 && q.at < n.queued[i-1].at) || int(q.text) >= len(n.texts) {
			return fmt.Errorf("queued %d: seq %d, at %d, text %d", i, q.seq, q.at, q.text)
		}
	}
	switch {
	case len(n.queued) > 0 && (n.status != StatusSending || events != 1):
		return fmt.Errorf("%d queued deliveries, status %s, %d events", len(n.queued), n.status, events)
	case n.status == StatusScheduled && events != 1 && !n.resolving:
		return fmt.Errorf("scheduled with %d events", events)
	case (n.status == StatusFinished || n.status == StatusExpired || n.status == StatusWaitingApproval) && events != 0:
		return fmt.Errorf("%s with %d events", n.status, events)
	}
	if n.status == StatusWaitingApproval {
		m := t.messages[n.msgID]
		if m == nil || m.NotificationKey != n.key || m.Status != MessageWaitingApproval {
			return fmt.Errorf("waits for approval, but message %d does not", n.msgID)
		}
	}
	if n.msgID >= 0 {
		if m := t.messages[n.msgID]; m == nil || m.NotificationKey != n.key {
			return fmt.Errorf("message %d does not stand for it", n.msgID)
		}
	}
	if len(n.excl) > MaxStoredExclusions {
		return fmt.Errorf("%d exclusions stored", len(n.excl))
	}
	var total int64
	for _, c := range n.exclN {
		total += c
	}
	if total < int64(len(n.excl)) {
		return fmt.Errorf("%d exclusions stored, %d counted", len(n.excl), total)
	}
	return nil
}

// checkRefs checks that a result list is in seq order and that each of
// its results satisfies belongs.
func checkRefs(l *refList, belongs func(*notification, *result) bool) error {
	sorted := true
	for i := range l.refs {
		n, r := l.get(i)
		if int(l.refs[i].i) >= n.results.len() || !belongs(n, r) {
			return fmt.Errorf("ref %d does not belong", i)
		}
		if i > 0 {
			_, p := l.get(i - 1)
			if p.seq >= r.seq {
				return fmt.Errorf("refs %d and %d out of seq order", i-1, i)
			}
			if p.at > r.at {
				sorted = false
			}
		}
	}
	if l.sorted && !sorted {
		return fmt.Errorf("list claims non-decreasing times, but they decrease")
	}
	return nil
}

func (t *Tenant) verifyResultIndexes() error {
	s := &t.nt
	if (s.resByExt == nil) != (s.resByToken == nil) {
		return fmt.Errorf("one result index built, the other not")
	}
	if s.resByExt == nil {
		return nil
	}
	var exts, toks int
	for _, n := range s.notifs {
		for i := range n.results.len() {
			r := n.results.at(i)
			if r.extID != "" {
				exts++
			}
			if r.token != "" && r.plat < platEmail {
				toks++
			}
		}
	}
	for _, idx := range []struct {
		name  string
		m     map[string]*refList
		want  int
		match func(k string, r *result) bool
	}{
		{"extId", s.resByExt, exts, func(k string, r *result) bool { return r.extID == k }},
		{"token", s.resByToken, toks, func(k string, r *result) bool { return r.token == k && r.plat < platEmail }},
	} {
		got := 0
		for k, l := range idx.m {
			if len(l.refs) == 0 {
				return fmt.Errorf("%s index: empty list for %q", idx.name, k)
			}
			if err := checkRefs(l, func(n *notification, r *result) bool { return s.notifByID[n.id] == n && idx.match(k, r) }); err != nil {
				return fmt.Errorf("%s index %q: %w", idx.name, k, err)
			}
			got += len(l.refs)
		}
		if got != idx.want {
			return fmt.Errorf("%s index holds %d results, %d have one", idx.name, got, idx.want)
		}
	}
	return nil
}

func (t *Tenant) verifyInbox() error {
	s := &t.nt
	n := 0
	for ext, list := range s.inboxByUser {
		if len(list) == 0 {
			return fmt.Errorf("inbox: empty list kept for %q", ext)
		}
		for i, it := range list {
			if it.msg.ExtID != ext || s.inbox[it.msg.PushInstanceID] != it || it.msg.PushInstanceID >= s.nextPiid {
				return fmt.Errorf("inbox of %q: message %d misfiled", ext, it.msg.PushInstanceID)
			}
			if i > 0 && list[i-1].msg.PushInstanceID >= it.msg.PushInstanceID {
				return fmt.Errorf("inbox of %q: out of order at %d", ext, it.msg.PushInstanceID)
			}
			if _, ok := inboxStatusNames[it.status]; !ok {
				return fmt.Errorf("inbox message %d: status %d", it.msg.PushInstanceID, it.status)
			}
		}
		n += len(list)
	}
	if n != len(s.inbox) {
		return fmt.Errorf("inbox: %d messages by user, %d by ID", n, len(s.inbox))
	}
	if len(s.liveOrder) != len(s.lives) {
		return fmt.Errorf("%d live activities listed, %d held", len(s.liveOrder), len(s.lives))
	}
	return nil
}
