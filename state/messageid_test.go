package state_test

import (
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

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
