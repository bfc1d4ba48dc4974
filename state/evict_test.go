package state_test

import (
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

const laterSend = `{"message":{"title":"Later","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true},"schedule":{"startTime":"2024-06-02T09:00:00"}}`

// TestEvictKeepsIndexesWhenNothingGoes: past a bound with nothing that
// may be evicted (sends not finished), a send must leave the result
// indexes built; dropping them makes the next read by user or token
// rebuild and sort every result.
func TestEvictKeepsIndexesWhenNothingGoes(t *testing.T) {
	t.Run("MaxNotifications", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{MaxNotifications: 2})
		for range 3 {
			MustSend(t, tn, laterSend)
		}
		tn.DeliveriesTo("alice")
		if !state.ResultIndexesBuilt(tn) {
			t.Fatal("DeliveriesTo did not build the indexes")
		}
		MustSend(t, tn, laterSend)
		if !state.ResultIndexesBuilt(tn) {
			t.Error("a send past MaxNotifications, with no send finished, dropped the result indexes")
		}
		MustConsistent(t, tn)
	})
	t.Run("MaxDeliveries", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{MaxDeliveries: 1})
		MustSend(t, tn, `{"message":{"title":"Slow","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true},"speed":{"intervalMins":10,"packageSize":2}}`)
		if got := len(tn.DeliveriesTo("alice")); got != 2 {
			t.Fatalf("alice has %d deliveries, want the first package's 2", got)
		}
		MustSend(t, tn, laterSend)
		if !state.ResultIndexesBuilt(tn) {
			t.Error("a send past MaxDeliveries, with no send finished, dropped the result indexes")
		}
		MustConsistent(t, tn)
		// Once the slow send finishes, its results go and so do the indexes.
		mustAdvance(t, tn, time.Hour)
		if state.ResultIndexesBuilt(tn) {
			t.Error("an eviction left the result indexes built")
		}
		if got := len(tn.DeliveriesTo("alice")); got != 0 {
			t.Errorf("alice has %d deliveries after the eviction, want 0", got)
		}
		MustConsistent(t, tn)
	})
}

// TestEvictDropsInbox: the inbox messages a send made go with its results
// when it is evicted or forgotten, also after an export loaded again; a
// clear keeps them.
func TestEvictDropsInbox(t *testing.T) {
	inbox := func(tn *state.Tenant) int {
		t.Helper()
		p, err := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7})
		MustOK(t, "Inbox", err)
		return len(p.Messages)
	}
	send := func(tn *state.Tenant) {
		MustSend(t, tn, `{"message":{"title":"m","text":"x","platforms":["IOS","ANDROID"],"inbox":true},"target":{"extId":"alice"}}`)
	}
	for _, s := range []state.Settings{{MaxNotifications: 2}, {MaxDeliveries: 4}} {
		tn := notifyTenant(t, s)
		send(tn)
		send(tn)
		if got := inbox(tn); got != 2 {
			t.Fatalf("%+v: alice has %d inbox messages, want 2", s, got)
		}
		tn = MustTenant(t, tn.Export(), s)
		send(tn)
		if got := inbox(tn); got != 2 {
			t.Errorf("%+v: after a third send past the bound alice has %d inbox messages, want 2", s, got)
		}
		MustConsistent(t, tn)
		tn.ClearNotifications()
		if got := inbox(tn); got != 2 {
			t.Errorf("%+v: a clear left alice %d inbox messages, want 2: inboxes stay", s, got)
		}
		MustConsistent(t, MustTenant(t, tn.Export(), s))
	}
}
