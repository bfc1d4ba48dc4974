package state_test

import (
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestApprovalMessageIDsFromRunningMaximum: a send waiting for approval
// takes the next message ID from the tenant's running maximum, kept as
// messages come and go, not from a walk of every message under the write
// lock. A message planted behind the tenant's back shows which.
func TestApprovalMessageIDsFromRunningMaximum(t *testing.T) {
	tn := notifyTenant(t, state.Settings{RequireApproval: true})
	if _, err := tn.CreateMessage(state.MessageRecord{MessageID: 40, Title: "p", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	state.PlantMessage(tn, 1000)
	key := MustSend(t, tn, laterSend)
	rec := MustNotification(t, tn, key)
	if rec.MessageID == nil || *rec.MessageID != 41 {
		t.Errorf("the waiting send's message ID is %v, want 41, one past the largest the tenant added", deref(rec.MessageID))
	}
}

// TestApprovalMessageIDsAfterRemoval: message IDs follow the largest
// message held, also when the largest is cleared with its send and after
// a load.
func TestApprovalMessageIDsAfterRemoval(t *testing.T) {
	tn := notifyTenant(t, state.Settings{RequireApproval: true})
	id := func(key int64) int64 {
		t.Helper()
		rec := MustNotification(t, tn, key)
		if rec.MessageID == nil {
			t.Fatalf("key %d has no message", key)
		}
		return *rec.MessageID
	}
	if got := id(MustSend(t, tn, laterSend)); got != 1 {
		t.Errorf("first waiting send: message %d, want 1 (the panel's is 0)", got)
	}
	if got := id(MustSend(t, tn, laterSend)); got != 2 {
		t.Errorf("second waiting send: message %d, want 2", got)
	}
	tn.ClearNotifications() // takes messages 1 and 2 with their sends
	if got := id(MustSend(t, tn, laterSend)); got != 1 {
		t.Errorf("after a clear: message %d, want 1, one past the panel's 0", got)
	}
	if _, err := tn.CreateMessage(state.MessageRecord{MessageID: 7, Title: "p", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	again := MustTenant(t, tn.Export(), state.Settings{RequireApproval: true})
	tn = again
	if got := id(MustSend(t, tn, laterSend)); got != 8 {
		t.Errorf("after a load: message %d, want 8", got)
	}
	MustConsistent(t, tn)
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
