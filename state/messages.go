package state

import (
	"math"
	"slices"
)

// ApprovePushes approves messages waiting for approval. Every ID must name
// a message: one unknown ID fails the whole request with 5003. Approving an
// approved message again changes nothing. A message standing for a bulk
// send that waits for approval lets that send go: at once, or at its
// schedule if later; a send whose time to live ran out before the
// approval is EXPIRED instead.
func (t *Tenant) ApprovePushes(ids []int64) error {
	t.lock()
	for _, id := range ids {
		if t.messages[id] == nil {
			t.mu.Unlock()
			return &Error{Kind: KindNotFound, Code: CodeMessageNotFound, Message: "Message with given messageId could not be found"}
		}
	}
	for _, id := range ids {
		m := t.messages[id]
		if m.Status == MessageWaitingApproval && m.NotificationKey != 0 {
			if n := t.awaiting(m); n != nil {
				t.approve(n)
			}
		}
		m.Status = MessageApproved
	}
	t.mu.Unlock()
	t.ProcessDue()
	return nil
}

// awaiting returns the notification a message stands for, or nil.
func (t *Tenant) awaiting(m *MessageRecord) *notification {
	for _, n := range t.nt.byKey[m.NotificationKey] {
		if n.msgID == m.MessageID {
			return n
		}
	}
	return nil
}

// awaitApproval creates the message that stands for n in sendPushApproval;
// the caller holds the write lock.
func (t *Tenant) awaitApproval(n *notification) {
	id, _ := t.newMessageID() // SendBulk checked that there is one
	m := MessageRecord{MessageID: id, Title: n.content.Title, Text: n.content.Text,
		Platforms: slices.Clone(n.content.Platforms), Status: MessageWaitingApproval, NotificationKey: n.key}
	n.msgID = m.MessageID
	t.messages[m.MessageID] = &m
	t.msgOrder = append(t.msgOrder, m.MessageID)
	t.msgTop = max(t.msgTop, m.MessageID)
}

// newMessageID is the ID a new message takes: one more than the largest,
// except that the first message of an app takes 0, the ID Netmera's own
// sendPushApproval example approves. ok is false when the largest is
// already the largest an int64 holds. It reads the running maximum the
// tenant keeps as messages come and go: no walk of the messages, except
// once after the message holding the maximum was removed. The caller holds
// the write lock.
func (t *Tenant) newMessageID() (id int64, ok bool) {
	if len(t.messages) == 0 {
		return 0, true
	}
	if t.msgTopStale {
		t.msgTop = 0
		for id := range t.messages {
			t.msgTop = max(t.msgTop, id)
		}
		t.msgTopStale = false
	}
	return t.msgTop + 1, t.msgTop < math.MaxInt64
}

// Message returns one message, for assertions and the control API.
func (t *Tenant) Message(id int64) (MessageRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	m := t.messages[id]
	if m == nil {
		return MessageRecord{}, false
	}
	r := *m
	r.Platforms = slices.Clone(m.Platforms)
	return r, true
}
