package state

import (
	"encoding/json"
	"maps"
	"slices"
)

// NotificationRecord is a captured notification: the request as sent,
// what it was normalized to, its status and times, and everything it did.
// It is what the control API lists and what the dataset stores.
type NotificationRecord struct {
	ID                int64           `json:"id"`
	NotificationKey   int64           `json:"notificationKey"`
	Kind              string          `json:"kind"`
	Status            string          `json:"status"`
	CreatedAt         int64           `json:"createdAt"`
	StartAt           int64           `json:"startAt"`
	EndAt             int64           `json:"endAt,omitempty"`
	ExpiresAt         int64           `json:"expiresAt,omitempty"`
	ApprovedAt        int64           `json:"approvedAt,omitempty"`
	MessageID         *int64          `json:"messageId,omitempty"`
	Request           json.RawMessage `json:"request,omitempty"`
	Message           MessageContent  `json:"message"`
	Target            *Target         `json:"target,omitempty"`
	Params            map[string]any  `json:"params,omitempty"`
	LastActiveDevice  bool            `json:"lastActiveDevice,omitempty"`
	Speed             *Speed          `json:"speed,omitempty"`
	ExtRef            string          `json:"extRef,omitempty"`
	LiveActivityGroup string          `json:"liveActivityGroup,omitempty"`
	Stats             []PlatformStats `json:"stats"`
	Deliveries        []Delivery      `json:"deliveries"`
	// DeliveriesOmitted counts deliveries a listing left out (see
	// NotificationFilter.MaxDeliveries); the dataset never omits any.
	DeliveriesOmitted int              `json:"deliveriesOmitted,omitempty"`
	Queued            []Delivery       `json:"queued,omitempty"`
	Exclusions        []Exclusion      `json:"exclusions,omitempty"`
	ExclusionCounts   map[string]int64 `json:"exclusionCounts,omitempty"`
	// Evicted says its deliveries and exclusions were dropped to bound the
	// tenant's memory; Stats still hold.
	Evicted bool `json:"evicted,omitempty"`
}

// Delivery is one result of a send: to one device, email address or
// MSISDN.
type Delivery struct {
	Seq             uint64 `json:"seq,omitempty"`
	NotificationKey int64  `json:"notificationKey,omitempty"` // in DeliveriesTo only
	ExtID           string `json:"extId,omitempty"`
	InstallationID  string `json:"installationId,omitempty"`
	Token           string `json:"token,omitempty"`
	Address         string `json:"address,omitempty"` // email and SMS deliveries
	Platform        string `json:"platform"`
	Status          string `json:"status"`
	ErrorCode       string `json:"errorCode,omitempty"`
	ErrorMsg        string `json:"errorMsg,omitempty"`
	TimeStamp       int64  `json:"timeStamp"`
	Title           string `json:"title,omitempty"`
	Text            string `json:"text,omitempty"`
	SubText         string `json:"subText,omitempty"`
}

// Exclusion is a user or device a send's target named but the send did
// not reach, with the reason (see the Reason constants).
type Exclusion struct {
	ExtID          string `json:"extId,omitempty"`
	InstallationID string `json:"installationId,omitempty"`
	Token          string `json:"token,omitempty"` // or the address of an email or SMS exclusion
	Platform       string `json:"platform,omitempty"`
	Reason         string `json:"reason"`
}

func (n *notification) delivery(r *result) Delivery {
	txt := n.texts[r.text]
	d := Delivery{Seq: r.seq, ExtID: r.extID, InstallationID: r.iid, Platform: platNames[r.plat], Status: r.status(),
		TimeStamp: r.at, Title: txt.title, Text: txt.text, SubText: txt.subText}
	if r.plat >= platEmail {
		d.Address = r.token
	} else {
		d.Token = r.token
	}
	if r.failed {
		d.ErrorCode, d.ErrorMsg = InvalidTokenCode, InvalidTokenMsg
	}
	return d
}

func (x exclusion) record() Exclusion {
	e := Exclusion{ExtID: x.extID, InstallationID: x.iid, Token: x.addr, Reason: reasons[x.reason]}
	if x.plat < numPlats {
		e.Platform = platNames[x.plat]
	}
	return e
}

// record returns n whole, or, with keep, its deliveries and exclusions
// that keep accepts and at most maxDeliveries of them (0: all).
func (n *notification) record(keep func(extID, token string) bool, maxDeliveries int) NotificationRecord {
	r := NotificationRecord{ID: n.id, NotificationKey: n.key, Kind: n.kind, Status: n.status, CreatedAt: n.createdAt,
		StartAt: n.startAt, EndAt: n.endAt, ExpiresAt: n.expiresAt, ApprovedAt: n.approved, Request: cloneRaw(n.raw),
		Message: n.content.MessageContent.clone(), Target: n.target.clone(), Params: cloneParams(n.params),
		LastActiveDevice: n.lastActive, ExtRef: n.extRef, LiveActivityGroup: n.liveGroup,
		Stats: statLines(n.content.Platforms, &n.stats), Deliveries: []Delivery{}, Evicted: n.evicted}
	if n.msgID >= 0 {
		id := n.msgID
		r.MessageID = &id
	}
	if n.speed != (Speed{}) {
		s := n.speed
		r.Speed = &s
	}
	for i := range n.results.len() {
		res := n.results.at(i)
		if keep != nil && !keep(res.extID, res.token) {
			continue
		}
		if maxDeliveries > 0 && len(r.Deliveries) >= maxDeliveries {
			r.DeliveriesOmitted++
			continue
		}
		r.Deliveries = append(r.Deliveries, n.delivery(res))
	}
	for i := range n.queued {
		if keep == nil || keep(n.queued[i].extID, n.queued[i].token) {
			d := n.delivery(&n.queued[i])
			r.Queued = append(r.Queued, d)
		}
	}
	for _, x := range n.excl {
		if keep == nil || keep(x.extID, x.addr) {
			r.Exclusions = append(r.Exclusions, x.record())
		}
	}
	if keep == nil {
		for i, c := range n.exclN {
			if c > 0 {
				if r.ExclusionCounts == nil {
					r.ExclusionCounts = map[string]int64{}
				}
				r.ExclusionCounts[reasons[i]] = c
			}
		}
	}
	return r
}

// NotificationFilter selects captured notifications; every field set must
// hold.
type NotificationFilter struct {
	ExtID  string // a delivery or exclusion names this user
	Token  string // … this device token
	Key    int64
	Status string
	Since  int64 // created at or after, epoch ms
	// MaxDeliveries bounds the deliveries listed per notification
	// (DefaultListedDeliveries when 0); the rest are counted in
	// DeliveriesOmitted.
	MaxDeliveries int
	// Limit is the most notifications returned, the newest; 0 is all.
	Limit int
}

// DefaultListedDeliveries is how many deliveries a listing shows per
// notification by default.
const DefaultListedDeliveries = 1000

// Notifications returns the captured notifications that f selects, the
// newest first. With ExtID or Token, each lists only the deliveries and
// exclusions of that user or device.
func (t *Tenant) Notifications(f NotificationFilter) []NotificationRecord {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	var keep func(extID, token string) bool
	if f.ExtID != "" || f.Token != "" {
		keep = func(extID, token string) bool {
			return (f.ExtID == "" || extID == f.ExtID) && (f.Token == "" || token == f.Token)
		}
	}
	maxD := f.MaxDeliveries
	if maxD <= 0 {
		maxD = DefaultListedDeliveries
	}
	out := []NotificationRecord{}
	for i := len(t.nt.notifs) - 1; i >= 0 && (f.Limit <= 0 || len(out) < f.Limit); i-- {
		n := t.nt.notifs[i]
		if (f.Key != 0 && n.key != f.Key) || (f.Status != "" && n.status != f.Status) || n.createdAt < f.Since {
			continue
		}
		r := n.record(keep, maxD)
		if keep != nil && len(r.Deliveries) == 0 && len(r.Queued) == 0 && len(r.Exclusions) == 0 {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Notification returns one captured notification by ID, whole.
func (t *Tenant) Notification(id int64) (NotificationRecord, bool) {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := t.nt.notifByID[id]
	if n == nil {
		return NotificationRecord{}, false
	}
	return n.record(nil, 0), true
}

// DeliveriesTo returns every delivery to a user, in delivery order, each
// with its notification key. It reads the index by external ID (built on
// first use): O(the user's deliveries).
func (t *Tenant) DeliveriesTo(extID string) []Delivery {
	t.ProcessDue()
	t.rlockWithIndexes(true)
	defer t.mu.RUnlock()
	out := []Delivery{}
	if l := t.nt.resByExt[extID]; l != nil {
		for i := range l.refs {
			n, r := l.get(i)
			d := n.delivery(r)
			d.NotificationKey = n.key
			out = append(out, d)
		}
	}
	return out
}

// ClearNotifications forgets every captured notification with its
// results, and the messages that sends waiting for approval made.
// Definitions, inboxes, live activities and the clock stay; keys and
// result numbers go on from where they were.
func (t *Tenant) ClearNotifications() {
	t.lock()
	defer t.mu.Unlock()
	for _, n := range t.nt.notifs {
		t.dropMessageOf(n)
	}
	t.nt.notifs, t.nt.notifByID, t.nt.byKey = nil, map[int64]*notification{}, map[int64][]*notification{}
	t.nt.keyResults = map[int64]*refList{}
	t.nt.resByExt, t.nt.resByToken = nil, nil
	t.nt.due, t.nt.kept, t.nt.done, t.nt.doneKept = nil, 0, 0, 0
	t.nt.era = eras.Add(1) // a send resolving now lands nowhere
}

// dropMessageOf removes the approval message a notification made.
func (t *Tenant) dropMessageOf(n *notification) {
	if n.msgID < 0 {
		return
	}
	if m := t.messages[n.msgID]; m != nil && m.NotificationKey == n.key {
		delete(t.messages, n.msgID)
		if n.msgID >= t.msgTop {
			t.msgTopStale = true
		}
		t.msgOrder = slices.DeleteFunc(t.msgOrder, func(id int64) bool { return id == n.msgID })
	}
}

// done reports whether n is FINISHED or EXPIRED: whether evict may take
// it.
func (n *notification) done() bool { return n.status == StatusFinished || n.status == StatusExpired }

// setDone gives n the status FINISHED or EXPIRED, counting it among the
// notifications evict may take; the caller holds the write lock.
func (t *Tenant) setDone(n *notification, status string) {
	if !n.done() {
		t.nt.done++
		t.nt.doneKept += int64(n.results.len())
	}
	n.status = status
}

// evict bounds what the tenant keeps of its sends (Settings.MaxDeliveries,
// MaxNotifications): past the bounds, the oldest finished notifications
// give up their deliveries, exclusions and the inbox items they made
// first (their stats stay), then are forgotten whole. Indexes over results are dropped when results
// went, to be built again on use. With no finished notification that
// could give anything up, it does nothing, without walking the
// notifications. The caller holds the write lock.
func (t *Tenant) evict() {
	maxD, maxN := int64(t.settings.MaxDeliveries), t.settings.MaxNotifications
	if maxD <= 0 {
		maxD = DefaultMaxDeliveries
	}
	if maxN <= 0 {
		maxN = DefaultMaxNotifications
	}
	overD := t.nt.kept > maxD && t.nt.doneKept > 0
	overN := len(t.nt.notifs) > maxN && t.nt.done > 0
	if !overD && !overN {
		return
	}
	touched := map[int64]bool{}
	gone := false // results went, which the indexes may name
	for _, n := range t.nt.notifs {
		if !overD || t.nt.kept <= maxD || t.nt.doneKept == 0 {
			break
		}
		if n.done() && !n.evicted && n.results.len() > 0 {
			t.nt.kept -= int64(n.results.len())
			t.nt.doneKept -= int64(n.results.len())
			n.results, n.texts, n.excl, n.evicted = resultStore{}, nil, nil, true
			t.dropInboxOf(n)
			touched[n.key], gone = true, true
		}
	}
	if drop := len(t.nt.notifs) - maxN; drop > 0 && t.nt.done > 0 {
		kept := t.nt.notifs[:0]
		for _, n := range t.nt.notifs {
			if drop > 0 && n.done() {
				drop--
				gone = gone || n.results.len() > 0
				t.nt.kept -= int64(n.results.len())
				t.nt.done--
				t.nt.doneKept -= int64(n.results.len())
				delete(t.nt.notifByID, n.id)
				t.nt.byKey[n.key] = slices.DeleteFunc(t.nt.byKey[n.key], func(m *notification) bool { return m == n })
				if len(t.nt.byKey[n.key]) == 0 {
					delete(t.nt.byKey, n.key)
				}
				t.dropMessageOf(n)
				t.dropInboxOf(n)
				touched[n.key] = true
				continue
			}
			kept = append(kept, n)
		}
		clear(t.nt.notifs[len(kept):])
		t.nt.notifs = kept
	}
	for _, k := range slices.Sorted(maps.Keys(touched)) {
		t.rebuildKeyResults(k)
	}
	if gone {
		t.nt.resByExt, t.nt.resByToken = nil, nil
	}
}

// rebuildKeyResults makes the result list of a key with several
// notifications again (or drops it when one or none is left).
func (t *Tenant) rebuildKeyResults(key int64) {
	ns := t.nt.byKey[key]
	if len(ns) < 2 {
		delete(t.nt.keyResults, key)
		return
	}
	l := &refList{}
	resultsBySeq(ns, l.add)
	t.nt.keyResults[key] = l
}
