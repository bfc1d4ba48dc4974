package state_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// busyTenant has sent one of everything: a bulk push with inbox, a
// scheduled one, one waiting for approval, one going out in packages, a
// transactional push, an email, a live activity, with clicks and inbox
// reads.
func busyTenant(tb testing.TB) *state.Tenant {
	tb.Helper()
	tn := notifyTenant(tb, state.Settings{})
	k := MustSend(tb, tn, `{"message":{"title":"Hi","text":"x","personalizedMessage":"Hi @{name}","platforms":["IOS","ANDROID"],"inbox":true,"categories":["Newsletter"]},"target":{"sendToAll":true}}`)
	if _, err := tn.ClickDelivery(k, state.DeliveryMatch{ExtID: "alice"}); err != nil {
		tb.Fatal(err)
	}
	MustSend(tb, tn, `{"message":{"title":"Later","text":"x","platforms":["ANDROID"]},"target":{"segment":{"$and":["frequent_users",{"$not":["churn"]}]}},"schedule":{"startTime":"2024-06-02T09:00:00"}}`)
	req := mustJSON[state.BulkSend](tb, `{"message":{"title":"Wait","text":"x","platforms":["ANDROID"],"ttl":"2h"},"target":{"profile":{"age":[30,40],"$or":{"name":"Alice"}}}}`)
	req.AwaitApproval = true
	if _, err := tn.SendBulk(req, nil); err != nil {
		tb.Fatal(err)
	}
	MustSend(tb, tn, `{"message":{"title":"Slow","text":"x","platforms":["IOS","ANDROID"]},"target":{"tag":"Sport"},"speed":{"intervalMins":10,"packageSize":1}}`)
	def := MustDefine(tb, tn, `{"title":"Tx","message":"m","personalizedMessage":"Code @{code}","platforms":["ANDROID","EMAIL"],"inbox":true}`)
	if err := sendTx(tb, tn, fmt.Sprintf(`{"notificationKey":"%d","message":{"params":{"code":7}},"target":{"extId":["carol","nobody"]}}`, def)); err != nil {
		tb.Fatal(err)
	}
	if _, err := tn.SendEmailSms(mustJSON[state.EmailSmsSend](tb, `{"target":{"email":"erin@example.com"},"platforms":["EMAIL"],"title":"T","message":"x"}`), nil); err != nil {
		tb.Fatal(err)
	}
	MustSend(tb, tn, `{"message":{"title":"Match","text":"x","platforms":["IOS"],"contentState":{"home":0},"liveActAttr":{"netmeraGroupId":"ars-liv-2025","home":"Arsenal"},"liveActAttrType":"MatchScoreAttributes"},"type":"LIVE_ACTIVITY","target":{"sendToAll":true}}`)
	MustOK(tb, "UpdateLiveActivity", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "ars-liv-2025", Action: "UPDATE", ContentState: json.RawMessage(`{"home":1}`), Priority: 10}))
	p, _ := tn.Inbox(state.InboxQuery{ExtID: "carol", Status: 7})
	MustOK(tb, "SetInboxStatus", tn.SetInboxStatus("carol", []int64{p.Messages[0].PushInstanceID}, state.InboxRead))
	mustAdvance(tb, tn, 15*time.Minute)
	return tn
}

// TestNotificationsRoundTrip checks that a tenant's notifications,
// results, inboxes, live activities and clock survive an export and
// import: the import exports the same bytes, and keeps working.
func TestNotificationsRoundTrip(t *testing.T) {
	tn := busyTenant(t)
	MustConsistent(t, tn)
	first := tn.Export()
	b1, _ := json.Marshal(first)
	var decoded state.Dataset
	if err := json.Unmarshal(b1, &decoded); err != nil {
		t.Fatal(err)
	}
	again := MustTenant(t, &decoded, state.Settings{})
	MustConsistent(t, again)
	b2, _ := json.Marshal(again.Export())
	if !bytes.Equal(b1, b2) {
		t.Fatalf("an import exports other bytes:\n%s", cmp.Diff(string(b1), string(b2)))
	}
	for _, want := range []string{`"definitions"`, `"notifications"`, `"inbox"`, `"liveActivities"`, `"clock"`, `"queued"`, `"WAITING_APPROVAL"`} {
		if !bytes.Contains(b1, []byte(want)) {
			t.Errorf("the export lacks %s", want)
		}
	}
	// Both go on the same way: the queued package, the schedule.
	for _, x := range []*state.Tenant{tn, again} {
		mustAdvance(t, x, 24*time.Hour)
	}
	b1, _ = json.Marshal(tn.Export())
	b2, _ = json.Marshal(again.Export())
	if !bytes.Equal(b1, b2) {
		t.Errorf("after a day, the original and the import differ:\n%s", cmp.Diff(string(b1), string(b2)))
	}
	MustConsistent(t, again)
}

// TestNoNotificationsNoExportChange checks that a tenant that never sent
// anything exports none of the new fields.
func TestNoNotificationsNoExportChange(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	b, _ := json.Marshal(tn.Export())
	for _, field := range []string{"definitions", "notifications", "inbox", "liveActivities", "clock", "counters"} {
		if bytes.Contains(b, []byte(`"`+field+`"`)) {
			t.Errorf("the export of a tenant without notifications has %q", field)
		}
	}
}

func TestNotificationsListing(t *testing.T) {
	tn := busyTenant(t)
	all := tn.Notifications(state.NotificationFilter{})
	if len(all) != 7 {
		t.Fatalf("%d notifications, want 7", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].ID <= all[i].ID {
			t.Errorf("not newest first: %d before %d", all[i-1].ID, all[i].ID)
		}
	}
	carol := tn.Notifications(state.NotificationFilter{ExtID: "carol"})
	for _, r := range carol {
		for _, d := range r.Deliveries {
			if d.ExtID != "carol" {
				t.Errorf("filtered by carol, notification %d lists a delivery to %s", r.ID, d.ExtID)
			}
		}
	}
	var ids []int64
	for _, r := range carol {
		ids = append(ids, r.ID)
	}
	// The first push and the transactional one reached her; the live
	// activity (iOS only) named her and left her out.
	if diff := cmp.Diff([]int64{7, 5, 1}, ids); diff != "" {
		t.Errorf("notifications naming carol (-want +got):\n%s", diff)
	}
	if got := tn.Notifications(state.NotificationFilter{Status: state.StatusWaitingApproval}); len(got) != 1 || got[0].Status != state.StatusWaitingApproval {
		t.Errorf("by status: %d notifications", len(got))
	}
	if got := tn.Notifications(state.NotificationFilter{Token: "tok-a-ios"}); len(got) != 3 {
		t.Errorf("by alice's iPhone token: %d notifications, want 3 (first bulk, slow, live activity)", len(got))
	}
	if got := tn.Notifications(state.NotificationFilter{Since: ms(t0) + 1}); len(got) != 0 {
		t.Errorf("since after t0: %d notifications, want none (all were made at t0)", len(got))
	}
	var limited []int64
	for _, r := range tn.Notifications(state.NotificationFilter{ExtID: "carol", Limit: 2}) {
		limited = append(limited, r.ID)
	}
	if diff := cmp.Diff([]int64{7, 5}, limited); diff != "" {
		t.Errorf("the 2 newest notifications naming carol (-want +got):\n%s", diff)
	}
	if got := tn.Notifications(state.NotificationFilter{MaxDeliveries: 1}); got[len(got)-1].DeliveriesOmitted != 3 {
		t.Errorf("the first send lists %d deliveries and omits %d, want 1 and 3", len(got[len(got)-1].Deliveries), got[len(got)-1].DeliveriesOmitted)
	}
	ds := tn.DeliveriesTo("carol")
	var keys []string
	for _, d := range ds {
		keys = append(keys, strconv.FormatInt(d.NotificationKey, 10)+"/"+d.Platform)
	}
	if diff := cmp.Diff(list("1/ANDROID", "5/ANDROID", "5/EMAIL"), keys); diff != "" {
		t.Errorf("DeliveriesTo(carol) (-want +got):\n%s", diff)
	}
	one, ok := tn.Notification(all[0].ID)
	if !ok || one.ID != all[0].ID {
		t.Errorf("Notification(%d) = %v", all[0].ID, ok)
	}
	if _, ok := tn.Notification(999); ok {
		t.Error("Notification(999) found one")
	}
}

func TestClearNotifications(t *testing.T) {
	tn := busyTenant(t)
	next := tn.Export().Counters
	tn.ClearNotifications()
	MustConsistent(t, tn)
	MustNoNotifications(t, tn)
	if m, ok := tn.Message(1); ok {
		t.Errorf("the approval message of a cleared send remains: %+v", m)
	}
	if _, ok := tn.Message(0); !ok {
		t.Error("the panel's own message was cleared")
	}
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"sendToAll":true}}`)
	if next != nil && key < next.NextKey {
		t.Errorf("after a clear the next key is %d, want at least %d: keys are not given twice", key, next.NextKey)
	}
	if key != 8 {
		t.Errorf("after a clear the next key is %d, want 8, past the 7 keys used", key)
	}
	// Cleared, then exported and imported: the counters carry on.
	d := tn.Export()
	again := MustTenant(t, d, state.Settings{})
	if k := MustSend(t, again, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"sendToAll":true}}`); k != key+1 {
		t.Errorf("after an import, the next key is %d, want %d", k, key+1)
	}
}

func TestLiveActivity(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	start := `{"message":{"title":"Live","text":"x","platforms":["IOS"],"contentState":{"home":0},"liveActAttr":{"netmeraGroupId":"g1"},"liveActAttrType":"Match"},"type":"LIVE_ACTIVITY","target":{"sendToAll":true}}`
	key := MustSend(t, tn, start)
	if rec := MustNotification(t, tn, key); rec.Kind != state.KindLiveActivity || rec.LiveActivityGroup != "g1" {
		t.Errorf("kind %s group %q, want LIVE_ACTIVITY g1", rec.Kind, rec.LiveActivityGroup)
	}
	_, err := tn.SendBulk(mustJSON[state.BulkSend](t, start), nil)
	MustCode(t, "starting an active group again", err, state.CodeInvalidConfig, state.KindInvalid)
	MustOK(t, "UPDATE", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "g1", Action: "UPDATE", ContentState: json.RawMessage(`{"home":1}`), Priority: 10}))
	mustAdvance(t, tn, time.Minute)
	MustOK(t, "END", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "g1", Action: "END", Priority: 10}))
	la, ok := tn.LiveActivity("g1")
	if !ok || la.Status != state.LiveActivityEnded || string(la.ContentState) != `{"home":1}` || len(la.Updates) != 2 || la.EndedAt != ms(t0.Add(time.Minute)) {
		t.Errorf("after UPDATE and END: %+v", la)
	}
	MustCode(t, "an update after END", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "g1", Action: "UPDATE"}), state.CodeInvalidConfig, state.KindInvalid)
	MustCode(t, "an unknown group", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "nope", Action: "UPDATE"}), state.CodeInvalidConfig, state.KindInvalid)
	MustCode(t, "an unknown action", tn.UpdateLiveActivity(state.LiveActivityUpdate{GroupID: "g1", Action: "PAUSE"}), state.CodeTypeMismatch, state.KindInvalid)
	MustCode(t, "no group", tn.UpdateLiveActivity(state.LiveActivityUpdate{Action: "END"}), state.CodeMissingParameter, state.KindInvalid)
	// An ended group starts again.
	MustSend(t, tn, start)
	if la, _ := tn.LiveActivity("g1"); la.Status != state.LiveActivityActive || len(la.Updates) != 0 {
		t.Errorf("restarted: %+v, want ACTIVE with no updates", la)
	}
	MustConsistent(t, tn)
}

// TestEvictionBoundsMemory checks that past MaxDeliveries the oldest
// finished sends give up their deliveries, keeping their stats, and past
// MaxNotifications are forgotten.
func TestEvictionBoundsMemory(t *testing.T) {
	tn := MustTenant(t, bigDataset(10), state.Settings{MaxDeliveries: 25, MaxNotifications: 4})
	mustSetClock(t, tn, t0, true)
	var keys []int64
	for range 6 {
		keys = append(keys, MustSend(t, tn, androidToAll))
	}
	MustConsistent(t, tn)
	if _, err := tn.PushStats(keys[0]); err == nil {
		t.Errorf("the oldest of 6 sends is still known with MaxNotifications 4")
	}
	recs := tn.Notifications(state.NotificationFilter{})
	if len(recs) != 4 {
		t.Fatalf("%d notifications kept, want 4", len(recs))
	}
	kept := 0
	for _, r := range recs {
		kept += len(r.Deliveries)
		if r.Evicted && (len(r.Deliveries) != 0 || r.Stats[0].Sent != 10) {
			t.Errorf("evicted notification %d: %d deliveries, stats %+v; want none and its stats", r.ID, len(r.Deliveries), r.Stats)
		}
	}
	if kept > 25 {
		t.Errorf("%d deliveries kept, want at most 25", kept)
	}
	if got := walk(t, tn, state.PushResultFilter{ExtID: "u3"}, 10); len(got) != kept/10 {
		t.Errorf("u3 has %d results after eviction, want %d", len(got), kept/10)
	}
}
