package clienttest_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/state"
)

// mustSendBulk makes a bulk send in srv's app and returns its key.
func mustSendBulk(t *testing.T, srv *clienttest.Server, body string) int64 {
	t.Helper()
	var req state.BulkSend
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	key, err := srv.Tenant().SendBulk(req, []byte(body))
	if err != nil {
		t.Fatalf("SendBulk(%s) = %v", body, err)
	}
	return key
}

// keys lists the notification keys of records, in order.
func notificationKeys(recs []state.NotificationRecord) []int64 {
	out := []int64{}
	for _, r := range recs {
		out = append(out, r.NotificationKey)
	}
	return out
}

func TestServerNotificationsFilters(t *testing.T) {
	srv := clienttest.NewServer(t)
	k1 := mustSendBulk(t, srv, `{"message":{"title":"One","text":"1","platforms":["ANDROID"]},"target":{"extId":["id1","id2"]}}`)
	k2 := mustSendBulk(t, srv, `{"message":{"title":"Two","text":"2","platforms":["ANDROID"]},"target":{"extId":["id2"]}}`)

	tests := []struct {
		name    string
		filters []state.NotificationFilter
		want    []int64
	}{
		{name: "none: all, newest first", want: []int64{k2, k1}},
		{name: "one key", filters: []state.NotificationFilter{{Key: k1}}, want: []int64{k1}},
		{name: "a user", filters: []state.NotificationFilter{{ExtID: "id1"}}, want: []int64{k1}},
		{name: "two filters, both hold", filters: []state.NotificationFilter{{ExtID: "id2"}, {Key: k2}}, want: []int64{k2}},
		{name: "two keys: nothing is both", filters: []state.NotificationFilter{{Key: k1}, {Key: k2}}, want: []int64{}},
		{name: "two users: nothing is both", filters: []state.NotificationFilter{{ExtID: "id1"}, {ExtID: "id2"}}, want: []int64{}},
		{name: "a status none has", filters: []state.NotificationFilter{{Status: state.StatusScheduled}}, want: []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(notificationKeys(srv.Notifications(tt.filters...)), tt.want); diff != "" {
				t.Errorf("Notifications(%+v) keys (-got +want):\n%s", tt.filters, diff)
			}
		})
	}

	// A user's filter narrows the deliveries to that user.
	recs := srv.Notifications(state.NotificationFilter{Key: k1, ExtID: "id2"})
	if len(recs) != 1 || len(recs[0].Deliveries) != 1 || recs[0].Deliveries[0].ExtID != "id2" {
		t.Errorf("Notifications(key %d, id2) = %+v, want one notification with id2's delivery only", k1, recs)
	}
}

// Unlike the control API, the Server lists every delivery unless told
// otherwise.
func TestServerNotificationsListEveryDelivery(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.WithUsers(1200))
	key := mustSendBulk(t, srv, `{"message":{"title":"All","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true}}`)
	stats, err := srv.Tenant().PushStats(key)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, l := range stats.Stats {
		total += l.Sent + l.Failed
	}
	if total <= state.DefaultListedDeliveries {
		t.Fatalf("the send made %d deliveries; the test needs more than %d", total, state.DefaultListedDeliveries)
	}
	n := srv.Notifications(state.NotificationFilter{Key: key})[0]
	if int64(len(n.Deliveries)) != total || n.DeliveriesOmitted != 0 {
		t.Errorf("Notifications(key) listed %d deliveries and omitted %d; want all %d", len(n.Deliveries), n.DeliveriesOmitted, total)
	}
	n = srv.Notifications(state.NotificationFilter{Key: key, MaxDeliveries: 5})[0]
	if len(n.Deliveries) != 5 || int64(n.DeliveriesOmitted) != total-5 {
		t.Errorf("with MaxDeliveries 5: listed %d, omitted %d; want 5 and %d", len(n.Deliveries), n.DeliveriesOmitted, total-5)
	}
}

// PushesTo shows pushes, in order, and leaves email out; DeliveriesTo
// has everything.
func TestServerPushesTo(t *testing.T) {
	srv := clienttest.NewServer(t)
	d := srv.Devices("id2")[0]
	d.InvalidToken = true
	if _, err := srv.Tenant().PutDevice(d); err != nil {
		t.Fatal(err)
	}
	mustSendBulk(t, srv, `{"message":{"title":"First","text":"1","platforms":["ANDROID"]},"target":{"extId":["id1","id2"]}}`)
	mustSendBulk(t, srv, `{"message":{"title":"Second","text":"2","platforms":["ANDROID"]},"target":{"extId":["id1"]}}`)
	// Definition 12 of the seeded examples is an email.
	email := []state.TransactionalSend{{NotificationKey: "12", Target: &state.Target{ExtID: state.StringList{"id1"}}}}
	if err := srv.Tenant().SendTransactional(email, nil); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		extID string
		want  []clienttest.Push
	}{
		{"id1", []clienttest.Push{
			{Platform: "ANDROID", Title: "First", Text: "1", Status: "SUCCESS"},
			{Platform: "ANDROID", Title: "Second", Text: "2", Status: "SUCCESS"},
		}},
		{"id2", []clienttest.Push{{Platform: "ANDROID", Title: "First", Text: "1", Status: "FAILED"}}},
		{"user_123", []clienttest.Push{}},
		{"nobody", []clienttest.Push{}},
	}
	for _, tt := range tests {
		t.Run(tt.extID, func(t *testing.T) {
			if diff := cmp.Diff(srv.PushesTo(tt.extID), tt.want); diff != "" {
				t.Errorf("PushesTo(%q) (-got +want):\n%s", tt.extID, diff)
			}
		})
	}
	var platforms []string
	for _, d := range srv.DeliveriesTo("id1") {
		platforms = append(platforms, d.Platform)
	}
	if want := []string{"ANDROID", "ANDROID", "EMAIL"}; !slices.Equal(platforms, want) {
		t.Errorf("DeliveriesTo(id1) went to %q, want %q", platforms, want)
	}
	if got, want := fmt.Sprint(srv.PushesTo("id2")), `[ANDROID FAILED "First": 1]`; got != want {
		t.Errorf("PushesTo(id2) prints %s, want %s", got, want)
	}
}

func TestServerClockAndClear(t *testing.T) {
	srv := clienttest.NewServer(t)
	at := time.Date(2031, 3, 1, 8, 0, 0, 0, time.UTC)
	if err := srv.SetClock(at, true); err != nil {
		t.Fatal(err)
	}
	if got := srv.Now(); !got.Equal(at) {
		t.Errorf("Now() = %v after SetClock(%v, frozen), want it", got, at)
	}
	if err := srv.AdvanceClock(90 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.Now(), at.Add(90*time.Minute); !got.Equal(want) {
		t.Errorf("Now() = %v after AdvanceClock(90m), want %v", got, want)
	}
	if err := srv.AdvanceClock(-time.Minute); err == nil {
		t.Errorf("AdvanceClock(-1m) = nil, want an error")
	}
	if err := srv.SetClock(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), true); err == nil {
		t.Errorf("SetClock(year 10000) = nil, want an error")
	}

	key, err := srv.Tenant().CreateNotificationDefinition(state.NotificationDefinition{Title: "T", Message: "M", Platforms: []string{"IOS"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if def, ok := srv.Definition(key); !ok || def.Message.Title != "T" {
		t.Errorf("Definition(%d) = %+v, %t; want the definition titled T", key, def, ok)
	}
	mustSendBulk(t, srv, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"id1"}}`)
	srv.ClearNotifications()
	if n, p := len(srv.Notifications()), len(srv.PushesTo("id1")); n != 0 || p != 0 {
		t.Errorf("after ClearNotifications: %d notifications, %d pushes to id1; want none", n, p)
	}
	if _, ok := srv.Definition(key); !ok {
		t.Errorf("ClearNotifications dropped definition %d; definitions stay", key)
	}

	mustSendBulk(t, srv, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"id1"}}`)
	if err := srv.Reset(); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Notifications()); n != 0 {
		t.Errorf("after Reset: %d notifications, want none", n)
	}
	if _, ok := srv.Definition(key); ok {
		t.Errorf("after Reset: definition %d is still there; Reset puts the seeded state back", key)
	}
}
