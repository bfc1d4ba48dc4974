package state

import "slices"

// ApprovePushes approves messages waiting for approval. Every ID must name
// a message: one unknown ID fails the whole request with 5003. Approving an
// approved message again changes nothing.
func (t *Tenant) ApprovePushes(ids []int64) error {
	t.lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		if t.messages[id] == nil {
			return &Error{Kind: KindNotFound, Code: CodeMessageNotFound, Message: "Message with given messageId could not be found"}
		}
	}
	for _, id := range ids {
		t.messages[id].Status = MessageApproved
	}
	return nil
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
