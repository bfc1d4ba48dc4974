package state

import (
	"fmt"
	"maps"
	"slices"
)

// ClockRecord is a tenant's clock in the dataset: frozen at At, or running
// Offset milliseconds ahead of the real time (behind when negative). A
// tenant on the real time has none.
type ClockRecord struct {
	Frozen bool  `json:"frozen,omitempty"`
	At     int64 `json:"at,omitempty"`
	Offset int64 `json:"offsetMs,omitempty"`
}

// CounterRecord holds the next notification key, notification ID, result
// number and push instance ID, when they are past what the dataset's own
// records imply (after notifications were cleared or evicted): keys and
// numbers are never given twice.
type CounterRecord struct {
	NextKey            int64  `json:"nextKey"`
	NextID             int64  `json:"nextId"`
	NextSeq            uint64 `json:"nextSeq"`
	NextPushInstanceID int64  `json:"nextPushInstanceId"`
}

// AddNotificationData hands the Loader the notification part of d
// (definitions, notifications, inbox, live activities, clock, counters),
// which Finish loads after the messages it links to.
func (l *Loader) AddNotificationData(d *Dataset) { l.notify = d }

// exportNotify adds the notification state to d; the caller holds the
// lock.
func (t *Tenant) exportNotify(d *Dataset) {
	for _, k := range t.nt.defOrder {
		d.Definitions = append(d.Definitions, t.nt.defs[k].record())
	}
	for _, n := range t.nt.notifs {
		d.Notifications = append(d.Notifications, n.record(nil, 0))
	}
	for _, piid := range slices.Sorted(maps.Keys(t.nt.inbox)) {
		d.Inbox = append(d.Inbox, t.nt.inbox[piid].view())
	}
	for _, g := range t.nt.liveOrder {
		d.LiveActivities = append(d.LiveActivities, t.nt.lives[g].rec.clone())
	}
	if c := t.nt.clock; c != (tenantClock{}) {
		d.Clock = &ClockRecord{Frozen: c.frozen, At: c.at, Offset: c.offset}
	}
	want := CounterRecord{NextKey: t.nt.nextKey, NextID: t.nt.nextID, NextSeq: t.nt.nextSeq, NextPushInstanceID: t.nt.nextPiid}
	if want != derivedCounters(d) {
		d.Counters = &want
	}
}

// derivedCounters are the counters a dataset's records imply.
func derivedCounters(d *Dataset) CounterRecord {
	c := CounterRecord{NextKey: 1, NextID: 1, NextSeq: 1, NextPushInstanceID: 1}
	for _, r := range d.Definitions {
		c.NextKey = max(c.NextKey, r.NotificationKey+1)
	}
	for _, r := range d.Notifications {
		c.NextKey = max(c.NextKey, r.NotificationKey+1)
		c.NextID = max(c.NextID, r.ID+1)
		for _, del := range r.Deliveries {
			c.NextSeq = max(c.NextSeq, del.Seq+1)
		}
	}
	for _, m := range d.Messages {
		c.NextKey = max(c.NextKey, m.NotificationKey+1)
	}
	for _, m := range d.Inbox {
		c.NextKey = max(c.NextKey, m.MsgID+1)
		c.NextPushInstanceID = max(c.NextPushInstanceID, m.PushInstanceID+1)
	}
	for _, la := range d.LiveActivities {
		c.NextKey = max(c.NextKey, la.NotificationKey+1)
	}
	return c
}

// loadNotify loads the notification part of d into a tenant being built.
func (t *Tenant) loadNotify(d *Dataset) error {
	if d == nil {
		return nil
	}
	if c := d.Clock; c != nil {
		t.nt.clock = tenantClock{frozen: c.Frozen, at: c.At, offset: c.Offset}
	}
	for i, r := range d.Definitions {
		if err := t.loadDefinition(r); err != nil {
			return fmt.Errorf("definitions[%d]: %w", i, err)
		}
	}
	var seqs []uint64
	for i, r := range d.Notifications {
		if err := t.loadNotification(r); err != nil {
			return fmt.Errorf("notifications[%d]: %w", i, err)
		}
		for _, del := range r.Deliveries {
			seqs = append(seqs, del.Seq)
		}
	}
	slices.Sort(seqs)
	for i := 1; i < len(seqs); i++ {
		if seqs[i] == seqs[i-1] {
			return fmt.Errorf("notifications: delivery seq %d used twice", seqs[i])
		}
	}
	for k, ns := range t.nt.byKey {
		if len(ns) > 1 {
			t.rebuildKeyResults(k)
		}
	}
	for i, m := range d.Inbox {
		if err := t.loadInbox(m); err != nil {
			return fmt.Errorf("inbox[%d]: %w", i, err)
		}
	}
	t.linkInbox()
	for i, r := range d.LiveActivities {
		if err := t.loadLiveActivity(r); err != nil {
			return fmt.Errorf("liveActivities[%d]: %w", i, err)
		}
	}
	for _, m := range t.messages {
		if m.NotificationKey != 0 && m.Status == MessageWaitingApproval && t.awaiting(m) == nil {
			return fmt.Errorf("message %d waits for approval of notification key %d, which has no such send", m.MessageID, m.NotificationKey)
		}
	}
	c := derivedCounters(d)
	if d.Counters != nil {
		if d.Counters.NextKey < c.NextKey || d.Counters.NextID < c.NextID || d.Counters.NextSeq < c.NextSeq ||
			d.Counters.NextPushInstanceID < c.NextPushInstanceID {
			return fmt.Errorf("counters %+v are behind the records, which need %+v", *d.Counters, c)
		}
		c = *d.Counters
	}
	t.nt.nextKey, t.nt.nextID, t.nt.nextSeq, t.nt.nextPiid = c.NextKey, c.NextID, c.NextSeq, c.NextPushInstanceID
	return nil
}

var notificationKinds = []string{KindBulk, KindTransactional, KindEmailSms, KindBulkEmail, KindLiveActivity, KindEmailAttachment}

// loadNotification adds one notification from the dataset. A SENDING
// notification with no queued deliveries was exported while it was being
// resolved; it loads as FINISHED with what it had.
func (t *Tenant) loadNotification(r NotificationRecord) error {
	if r.ID <= 0 || r.NotificationKey <= 0 {
		return fmt.Errorf("id %d, key %d: both start at 1", r.ID, r.NotificationKey)
	}
	if len(t.nt.notifs) > 0 && t.nt.notifs[len(t.nt.notifs)-1].id >= r.ID {
		return fmt.Errorf("id %d: notifications must be listed by increasing id", r.ID)
	}
	if !slices.Contains(notificationKinds, r.Kind) {
		return fmt.Errorf("id %d: unknown kind %q", r.ID, r.Kind)
	}
	switch r.Status {
	case StatusWaitingApproval, StatusScheduled, StatusSending, StatusFinished, StatusExpired:
	default:
		return fmt.Errorf("id %d: unknown status %q", r.ID, r.Status)
	}
	if err := checkPlatforms(r.Message.Platforms, true); err != nil {
		return fmt.Errorf("id %d: %s", r.ID, err.(*Error).Message)
	}
	if r.Target == nil {
		return fmt.Errorf("id %d: no target", r.ID)
	}
	n := &notification{id: r.ID, key: r.NotificationKey, kind: r.Kind, raw: cloneRaw(r.Request), status: r.Status,
		createdAt: r.CreatedAt, startAt: r.StartAt, endAt: r.EndAt, expiresAt: r.ExpiresAt, approved: r.ApprovedAt,
		msgID: -1, content: newContent(r.Message.clone()), target: r.Target.clone(), params: cloneParams(r.Params),
		lastActive: r.LastActiveDevice, extRef: r.ExtRef, liveGroup: r.LiveActivityGroup, evicted: r.Evicted, era: t.nt.era}
	if r.Speed != nil {
		n.speed = *r.Speed
	}
	n.match, _ = t.compile(n.target, compileOpts{})
	if r.MessageID != nil {
		m := t.messages[*r.MessageID]
		if m == nil || m.NotificationKey != n.key {
			return fmt.Errorf("id %d: message %d does not stand for key %d", r.ID, *r.MessageID, n.key)
		}
		n.msgID = *r.MessageID
	} else if n.status == StatusWaitingApproval {
		return fmt.Errorf("id %d: waits for approval but names no message", r.ID)
	}
	texts := map[rendered]int32{}
	toResult := func(d Delivery) (result, error) {
		p, ok := platIndex(d.Platform)
		if !ok {
			return result{}, fmt.Errorf("unknown platform %q", d.Platform)
		}
		res := result{extID: d.ExtID, iid: d.InstallationID, token: d.Token, at: d.TimeStamp, seq: d.Seq, plat: p}
		if p >= platEmail {
			res.token = d.Address
		}
		switch d.Status {
		case ResultFailed:
			res.failed = true
		case ResultClicked:
			res.clicked = true
		case ResultSuccess:
		default:
			return result{}, fmt.Errorf("unknown delivery status %q", d.Status)
		}
		txt := rendered{title: d.Title, text: d.Text, subText: d.SubText}
		i, ok := texts[txt]
		if !ok {
			i = n.addText(txt)
			texts[txt] = i
		}
		res.text = i
		return res, nil
	}
	var last uint64
	for k, d := range r.Deliveries {
		res, err := toResult(d)
		if err != nil {
			return fmt.Errorf("id %d: deliveries[%d]: %w", r.ID, k, err)
		}
		if res.seq <= last {
			return fmt.Errorf("id %d: deliveries[%d]: seq %d after %d", r.ID, k, res.seq, last)
		}
		last = res.seq
		n.results.add(res)
		n.stats[res.plat][map[bool]int{true: statFailed, false: statSent}[res.failed]]++
		if res.clicked {
			n.stats[res.plat][statClicked]++
		}
		if !res.failed && res.plat < platEmail && res.extID != "" {
			n.lastInbox = res.extID
		}
	}
	for k, d := range r.Queued {
		res, err := toResult(d)
		if err != nil || d.Seq != 0 {
			return fmt.Errorf("id %d: queued[%d]: %v (a queued delivery has no seq)", r.ID, k, err)
		}
		n.queued = append(n.queued, res)
	}
	n.planned = n.results.len() + len(n.queued)
	if n.evicted {
		for _, s := range r.Stats {
			for p := range numPlats {
				if statPlatforms[statPlatform(uint8(p))] == s.Platform {
					n.stats[p] = [3]int64{s.Sent, s.Failed, s.Clicked}
					break
				}
			}
		}
	}
	for k, x := range r.Exclusions {
		reason, ok := reasonIndex(x.Reason)
		plat, pok := platIndex(x.Platform)
		if x.Platform == "" {
			plat, pok = numPlats, true
		}
		if !ok || !pok {
			return fmt.Errorf("id %d: exclusions[%d]: unknown reason %q or platform %q", r.ID, k, x.Reason, x.Platform)
		}
		n.exclude(exclusion{extID: x.ExtID, iid: x.InstallationID, addr: x.Token, plat: plat, reason: reason})
	}
	if r.ExclusionCounts != nil {
		n.exclN = make([]int64, len(reasons))
		for reason, c := range r.ExclusionCounts {
			i, ok := reasonIndex(reason)
			if !ok {
				return fmt.Errorf("id %d: exclusionCounts: unknown reason %q", r.ID, reason)
			}
			n.exclN[i] = c
		}
	}
	switch {
	case n.status == StatusScheduled:
		t.schedule(dueEvent{at: n.startAt, n: n, start: true})
	case n.status == StatusSending && len(n.queued) > 0:
		t.schedule(dueEvent{at: n.queued[0].at, n: n})
	case n.status == StatusSending:
		n.status = StatusFinished
	}
	t.nt.notifs = append(t.nt.notifs, n)
	t.nt.notifByID[n.id] = n
	t.nt.byKey[n.key] = append(t.nt.byKey[n.key], n)
	t.nt.kept += int64(n.results.len())
	if n.done() {
		t.nt.done++
		t.nt.doneKept += int64(n.results.len())
	}
	return nil
}
