package state

import (
	"encoding/json"
	"fmt"
)

// Live activity statuses.
const (
	LiveActivityActive = "ACTIVE"
	LiveActivityEnded  = "ENDED"
)

// liveActivity is an iOS live activity started by a bulk send of type
// LIVE_ACTIVITY, named by the netmeraGroupId of its attributes.
type liveActivity struct {
	rec LiveActivityRecord
}

// LiveActivityRecord is a live activity with every update it received.
type LiveActivityRecord struct {
	GroupID         string                  `json:"groupId"`
	NotificationKey int64                   `json:"notificationKey"`
	Status          string                  `json:"status"`
	AttributesType  string                  `json:"liveActAttrType,omitempty"`
	Attributes      json.RawMessage         `json:"liveActAttr,omitempty"`
	ContentState    json.RawMessage         `json:"contentState,omitempty"`
	StartedAt       int64                   `json:"startedAt"`
	EndedAt         int64                   `json:"endedAt,omitempty"`
	Updates         []LiveActivityUpdateRec `json:"updates,omitempty"`
}

// LiveActivityUpdateRec is one update-live-activity call as received.
type LiveActivityUpdateRec struct {
	At           int64           `json:"at"`
	Action       string          `json:"action"`
	ContentState json.RawMessage `json:"contentState,omitempty"`
	Priority     int             `json:"priority,omitempty"`
}

func (r LiveActivityRecord) clone() LiveActivityRecord {
	r.Attributes, r.ContentState = cloneRaw(r.Attributes), cloneRaw(r.ContentState)
	ups := make([]LiveActivityUpdateRec, len(r.Updates))
	for i, u := range r.Updates {
		u.ContentState = cloneRaw(u.ContentState)
		ups[i] = u
	}
	if r.Updates != nil {
		r.Updates = ups
	}
	return r
}

// liveGroup returns the group ID a live activity send starts, from
// message.liveActAttr.netmeraGroupId; "" for another kind of send.
func liveGroup(kind string, msg BulkMessage) (string, error) {
	if kind != KindLiveActivity {
		return "", nil
	}
	var attrs struct {
		GroupID string `json:"netmeraGroupId"`
	}
	if len(msg.LiveActAttr) == 0 || json.Unmarshal(msg.LiveActAttr, &attrs) != nil || attrs.GroupID == "" {
		return "", ErrMissing("liveActAttr.netmeraGroupId")
	}
	return attrs.GroupID, nil
}

// startLiveActivity records the activity a send starts; the caller holds
// the write lock. Starting a group that ended starts it afresh.
func (t *Tenant) startLiveActivity(n *notification, msg BulkMessage) {
	if t.nt.lives[n.liveGroup] == nil {
		t.nt.liveOrder = append(t.nt.liveOrder, n.liveGroup)
	}
	t.nt.lives[n.liveGroup] = &liveActivity{rec: LiveActivityRecord{GroupID: n.liveGroup, NotificationKey: n.key,
		Status: LiveActivityActive, AttributesType: msg.LiveActAttrType, Attributes: cloneRaw(msg.LiveActAttr),
		ContentState: cloneRaw(msg.ContentState), StartedAt: n.startAt}}
}

// UpdateLiveActivity applies an update-live-activity request: UPDATE
// replaces the content state, END ends the activity. A group that no send
// started, or one that ended, is refused with 2021; an action other than
// UPDATE or END with 2004.
func (t *Tenant) UpdateLiveActivity(u LiveActivityUpdate) error {
	if u.GroupID == "" {
		return ErrMissing("groupId")
	}
	if u.Action != LiveActivityUpdateAction && u.Action != LiveActivityEndAction {
		return Invalidf(CodeTypeMismatch, "Field 'action' should be UPDATE or END")
	}
	t.ProcessDue()
	t.lock()
	defer t.mu.Unlock()
	la := t.nt.lives[u.GroupID]
	if la == nil || la.rec.Status != LiveActivityActive {
		return Invalidf(CodeInvalidConfig, "Live activity with groupId '%s' is not active", u.GroupID)
	}
	now := t.now()
	la.rec.Updates = append(la.rec.Updates, LiveActivityUpdateRec{At: now, Action: u.Action,
		ContentState: cloneRaw(u.ContentState), Priority: u.Priority})
	if u.ContentState != nil {
		la.rec.ContentState = cloneRaw(u.ContentState)
	}
	if u.Action == LiveActivityEndAction {
		la.rec.Status, la.rec.EndedAt = LiveActivityEnded, now
	}
	return nil
}

// LiveActivity returns a live activity by group ID.
func (t *Tenant) LiveActivity(groupID string) (LiveActivityRecord, bool) {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	la := t.nt.lives[groupID]
	if la == nil {
		return LiveActivityRecord{}, false
	}
	return la.rec.clone(), true
}

// loadLiveActivity adds a live activity from the dataset.
func (t *Tenant) loadLiveActivity(r LiveActivityRecord) error {
	if r.GroupID == "" {
		return fmt.Errorf("live activity with an empty groupId")
	}
	if t.nt.lives[r.GroupID] != nil {
		return fmt.Errorf("live activity %q listed twice", r.GroupID)
	}
	if r.Status != LiveActivityActive && r.Status != LiveActivityEnded {
		return fmt.Errorf("live activity %q: unknown status %q", r.GroupID, r.Status)
	}
	t.nt.lives[r.GroupID] = &liveActivity{rec: r.clone()}
	t.nt.liveOrder = append(t.nt.liveOrder, r.GroupID)
	return nil
}
