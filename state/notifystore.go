package state

import (
	"encoding/json"
	"sync/atomic"
	"time"
)

// notifyState is what a tenant holds of its notifications: definitions,
// sends with their results, inboxes, live activities, and the clock they
// run on. It lives inside Tenant, under the tenant's lock, and is swapped
// whole by Replace.
type notifyState struct {
	clock tenantClock
	zone  *time.Location

	defs     map[int64]*definition
	defOrder []int64

	notifs    []*notification // in ID order
	notifByID map[int64]*notification
	byKey     map[int64][]*notification // a definition's key has one per send
	// keyResults holds, for keys with several notifications (a definition
	// sent many times), their results in seq order. A key of one
	// notification reads that notification's results directly.
	keyResults map[int64]*refList
	// Results by external ID and token, built on first use (nil until then).
	resByExt, resByToken map[string]*refList

	nextKey, nextID int64
	nextSeq         uint64
	kept            int64 // released results kept, over every notification
	// done counts the notifications FINISHED or EXPIRED, the ones evict may
	// take; doneKept the results they hold. With none, evict skips its walk.
	done     int
	doneKept int64

	due dueHeap // starts and packages, soonest first

	inbox       map[int64]*inboxItem    // by push instance ID
	inboxByUser map[string][]*inboxItem // ascending push instance IDs
	nextPiid    int64

	lives     map[string]*liveActivity
	liveOrder []string

	// era names this set of notifications among every tenant's: a
	// notification whose era is not the tenant's was cleared or replaced
	// while it was being resolved, and its work is dropped.
	era uint64
}

// eras numbers notification states, so that no two share an era.
var eras atomic.Uint64

func newNotifyState(zone *time.Location) notifyState {
	return notifyState{zone: zone,
		defs: map[int64]*definition{}, notifByID: map[int64]*notification{}, byKey: map[int64][]*notification{},
		keyResults: map[int64]*refList{}, inbox: map[int64]*inboxItem{}, inboxByUser: map[string][]*inboxItem{},
		lives: map[string]*liveActivity{}, nextKey: 1, nextID: 1, nextSeq: 1, nextPiid: 1, era: eras.Add(1)}
}

// definition is a transactional notification definition.
type definition struct {
	key       int64
	createdAt int64
	raw       json.RawMessage
	content   *content
}

// refList is results in seq order, each named by its notification and
// index. sorted reports whether their delivery times never decrease, so
// that a time window can be found by binary search.
type refList struct {
	refs   []resRef
	sorted bool
}

type resRef struct {
	n *notification
	i int32
}

func (l *refList) add(n *notification, i int) {
	if len(l.refs) == 0 {
		l.sorted = true
	} else if last := l.refs[len(l.refs)-1]; last.n.results.at(int(last.i)).at > n.results.at(i).at {
		l.sorted = false
	}
	l.refs = append(l.refs, resRef{n, int32(i)})
}

// newKey takes the next notification key: definitions and sends share
// one numbering.
func (t *Tenant) newKey() int64 {
	k := t.nt.nextKey
	t.nt.nextKey++
	return k
}

// register adds a new notification to the tenant's lists; the caller
// holds the write lock.
func (t *Tenant) register(n *notification) {
	n.id = t.nt.nextID
	t.nt.nextID++
	n.era = t.nt.era
	t.nt.notifs = append(t.nt.notifs, n)
	t.nt.notifByID[n.id] = n
	t.nt.byKey[n.key] = append(t.nt.byKey[n.key], n)
	if len(t.nt.byKey[n.key]) == 2 {
		// A second send of the key: its results are now listed together.
		l := &refList{}
		first := t.nt.byKey[n.key][0]
		for i := range first.results.len() {
			l.add(first, i)
		}
		t.nt.keyResults[n.key] = l
	}
	t.evict()
}

// newNotification makes a notification of kind for key, created now.
func (t *Tenant) newNotification(kind string, key int64, raw []byte, c *content, target *Target) *notification {
	now := t.now()
	return &notification{key: key, kind: kind, raw: append(json.RawMessage(nil), raw...), createdAt: now,
		startAt: now, msgID: -1, content: c, target: target, status: StatusScheduled}
}
