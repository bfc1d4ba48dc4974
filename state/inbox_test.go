package state_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// inboxTenant has alice receive n inbox pushes, one a minute from t0, the
// i-th titled "m<i>"; the even ones are in category Promotions.
func inboxTenant(tb testing.TB, n int) *state.Tenant {
	tb.Helper()
	tn := notifyTenant(tb, state.Settings{})
	for i := range n {
		cats := ""
		if i%2 == 0 {
			cats = `,"categories":["Newsletter"]`
		}
		MustSend(tb, tn, fmt.Sprintf(`{"message":{"title":"m%d","text":"x","platforms":["IOS","ANDROID"],"inbox":true%s},"target":{"extId":"alice"}}`, i, cats))
		mustAdvance(tb, tn, time.Minute)
	}
	return tn
}

func titles(p state.InboxPage) []string {
	out := []string{}
	for _, m := range p.Messages {
		out = append(out, m.Title)
	}
	return out
}

// TestInboxOnePerUserPerSend checks that a user with two devices reached
// gets one inbox message, and a user the send did not reach none.
func TestInboxOnePerUserPerSend(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"Hi","text":"x","platforms":["IOS","ANDROID"],"inbox":true},"target":{"sendToAll":true}}`)
	for _, tt := range []struct {
		extID string
		want  int
	}{{"alice", 1}, {"bob", 0}, {"carol", 1}, {"dave", 0}, {"erin", 0}} {
		p, err := tn.Inbox(state.InboxQuery{ExtID: tt.extID, Status: 7})
		MustOK(t, "Inbox", err)
		if len(p.Messages) != tt.want {
			t.Errorf("%s has %d inbox messages, want %d (bob's only delivery failed)", tt.extID, len(p.Messages), tt.want)
		}
	}
	p, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: state.InboxUnread})
	m := p.Messages[0]
	if m.MsgID != key || m.Status != "UNREAD" || m.Sts != ms(t0) || m.ExtID != "alice" || m.Title != "Hi" {
		t.Errorf("alice's message = %+v, want key %d, UNREAD, at t0", m, key)
	}
	got, ok := tn.InboxMessageByID(m.PushInstanceID)
	if !ok || !cmp.Equal(got, m) {
		t.Errorf("InboxMessageByID(%d) = %+v, %v; want %+v", m.PushInstanceID, got, ok, m)
	}
	if _, ok := tn.InboxMessageByID(999); ok {
		t.Error("InboxMessageByID(999) found a message")
	}
	// Without inbox: true, nothing lands.
	MustSend(t, tn, `{"message":{"title":"No inbox","text":"x","platforms":["ANDROID"]},"target":{"extId":"carol"}}`)
	if p, _ := tn.Inbox(state.InboxQuery{ExtID: "carol", Status: 7}); len(p.Messages) != 1 {
		t.Errorf("carol has %d inbox messages after a send without inbox, want still 1", len(p.Messages))
	}
}

func TestInboxPaging(t *testing.T) {
	tn := inboxTenant(t, 7)
	var got []string
	var before int64
	for pages := 0; pages < 10; pages++ {
		p, err := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7, Limit: 3, Before: before})
		MustOK(t, "Inbox", err)
		got = append(got, titles(p)...)
		if p.Next == 0 {
			break
		}
		if p.Next != p.Messages[len(p.Messages)-1].PushInstanceID {
			t.Errorf("next index %d, want the last message's push instance ID", p.Next)
		}
		before = p.Next
	}
	if want := list("m6", "m5", "m4", "m3", "m2", "m1", "m0"); !cmp.Equal(want, got) {
		t.Errorf("paged titles = %v, want %v (newest first, each once)", got, want)
	}
	p, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7, Limit: 7})
	if p.Next != 0 {
		t.Errorf("a page holding the last message has next %d, want none", p.Next)
	}
	if p, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7}); len(p.Messages) != 7 {
		t.Errorf("default page: %d messages, want all 7 (default size 20)", len(p.Messages))
	}
}

func TestInboxFiltersAndStatus(t *testing.T) {
	tn := inboxTenant(t, 6)
	all, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7})
	piid := func(title string) int64 {
		for _, m := range all.Messages {
			if m.Title == title {
				return m.PushInstanceID
			}
		}
		t.Fatalf("no message %s", title)
		return 0
	}
	MustOK(t, "SetInboxStatus", tn.SetInboxStatus("alice", []int64{piid("m0"), piid("m1")}, state.InboxRead))
	MustOK(t, "SetInboxStatus", tn.SetInboxStatus("alice", []int64{piid("m2")}, state.InboxDeleted))
	MustOK(t, "SetInboxStatus of another user's message", tn.SetInboxStatus("bob", []int64{piid("m3")}, state.InboxDeleted))
	tests := []struct {
		name       string
		q          state.InboxQuery
		want       []string
		wantCounts map[int]int
	}{
		{"unread", state.InboxQuery{Status: 2}, list("m5", "m4", "m3"), map[int]int{2: 3}},
		{"read", state.InboxQuery{Status: 1}, list("m1", "m0"), map[int]int{1: 2}},
		{"read and unread", state.InboxQuery{Status: 3}, list("m5", "m4", "m3", "m1", "m0"), map[int]int{1: 2, 2: 3}},
		{"deleted", state.InboxQuery{Status: 4}, list("m2"), map[int]int{4: 1}},
		{"all", state.InboxQuery{Status: 7}, list("m5", "m4", "m3", "m2", "m1", "m0"), map[int]int{1: 2, 2: 3, 4: 1}},
		{"the unknown bit alone", state.InboxQuery{Status: 8}, list(), map[int]int{}},
		{"a date range", state.InboxQuery{Status: 7, Start: ms(t0.Add(time.Minute)), End: ms(t0.Add(3 * time.Minute))},
			list("m3", "m2", "m1"), map[int]int{1: 1, 2: 1, 4: 1}},
		{"a category", state.InboxQuery{Status: 7, Categories: []int{2}}, list("m4", "m2", "m0"), map[int]int{1: 1, 2: 1, 4: 1}},
		{"a category no message has", state.InboxQuery{Status: 7, Categories: []int{1}}, list(), map[int]int{1: 0, 2: 0, 4: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.ExtID = "alice"
			p, err := tn.Inbox(tt.q)
			MustOK(t, "Inbox", err)
			if diff := cmp.Diff(tt.want, titles(p)); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCounts, p.Counts); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInboxRefusals(t *testing.T) {
	tn := inboxTenant(t, 1)
	for _, st := range []int{0, 16, -1} {
		_, err := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: st})
		MustCode(t, fmt.Sprintf("Inbox(status %d)", st), err, state.CodeInboxStatus, state.KindInvalid)
	}
	_, err := tn.Inbox(state.InboxQuery{Status: 2})
	MustCode(t, "Inbox(no extId)", err, state.CodeMissingParameter, state.KindInvalid)
	for _, st := range []int{0, 3, 7, 8} {
		MustCode(t, fmt.Sprintf("SetInboxStatus(%d)", st), tn.SetInboxStatus("alice", []int64{1}, st), state.CodeInboxStatus, state.KindInvalid)
	}
	if p, err := tn.Inbox(state.InboxQuery{ExtID: "nobody", Status: 7}); err != nil || len(p.Messages) != 0 || p.Next != 0 {
		t.Errorf("an unknown user's inbox = %+v, %v; want empty", p, err)
	}
}

// TestInboxPersonalized checks that a personalized inbox message carries
// what its user saw.
func TestInboxPersonalized(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	MustSend(t, tn, `{"message":{"title":"T","text":"Hello","personalizedMessage":"Hello @{name}","platforms":["ANDROID"],"inbox":true,
		"click":{"deeplink":"app://offers"}},"target":{"extId":"alice"}}`)
	p, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7})
	if m := p.Messages[0]; m.Message != "Hello" || m.PersonalizedMsg != "Hello Alice" || m.Deeplink != "app://offers" {
		t.Errorf("message %+v, want message Hello, personalizedMsg Hello Alice and the deeplink", m)
	}
}

// TestInboxForgottenWithTheUser checks that a permanent deletion takes
// the user's inbox with it.
func TestInboxForgottenWithTheUser(t *testing.T) {
	tn := inboxTenant(t, 2)
	p, _ := tn.Inbox(state.InboxQuery{ExtID: "alice", Status: 7})
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"alice"}))
	if _, ok := tn.InboxMessageByID(p.Messages[0].PushInstanceID); ok {
		t.Error("a deleted user's inbox message is still found")
	}
	MustConsistent(t, tn)
}
