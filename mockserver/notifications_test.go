package mockserver_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// captured is GET /_mock/notifications.
type captured struct {
	Count         int                        `json:"count"`
	Notifications []state.NotificationRecord `json:"notifications"`
}

func (h *harness) notifications(tb testing.TB, query string) captured {
	tb.Helper()
	var c captured
	wantJSON(tb, "GET /_mock/notifications?"+query, h.Do(tb, http.MethodGet, "/_mock/notifications?"+query, ""), &c)
	return c
}

// wantControl wants a control call answered 200.
func wantControl(tb testing.TB, what string, r reply) {
	tb.Helper()
	if r.Status != http.StatusOK {
		tb.Fatalf("%s = %v, want 200", what, r)
	}
}

// keyOf reads {"notificationKey": n} from a 200.
func keyOf(tb testing.TB, what string, r reply) int64 {
	tb.Helper()
	var k struct{ NotificationKey int64 }
	wantJSON(tb, what, r, &k)
	if k.NotificationKey <= 0 {
		tb.Fatalf("%s = %v, want a positive notificationKey", what, r)
	}
	return k.NotificationKey
}

// deliveredTo is "extId platform title|text" of each delivery, sorted.
func deliveredTo(n state.NotificationRecord) []string {
	var out []string
	for _, d := range n.Deliveries {
		out = append(out, fmt.Sprintf("%s %s %s %s|%s", d.ExtID, d.Platform, d.Status, d.Title, d.Text))
	}
	slices.Sort(out)
	return out
}

// excluded is "extId reason" of each exclusion, sorted.
func excluded(n state.NotificationRecord) []string {
	var out []string
	for _, e := range n.Exclusions {
		out = append(out, e.ExtID+" "+e.Reason)
	}
	slices.Sort(out)
	return out
}

// TestTransactionalSend: a definition created over the API, sent to two
// users with params, reaches their permitted devices rendered, and
// getPushResult and getPushStats report it.
func TestTransactionalSend(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	key := keyOf(t, "createNotificationDefinition", h.Do(t, http.MethodPost, "/rest/3.0/createNotificationDefinition",
		`{"title":"Order","message":"Your order shipped","personalizedMessage":"@{name}, order @{order} shipped","platforms":["IOS","ANDROID"]}`))

	r := h.Do(t, http.MethodPost, "/rest/3.0/sendNotification",
		fmt.Sprintf(`{"notificationKey":"%d","message":{"params":{"name":"John","order":"A1"}},"target":{"extId":["id1","id_in_my_system_1"]}}`, key))
	if r.Status != http.StatusOK || string(r.Body) != "{}\n" {
		t.Fatalf("sendNotification = %v, want 200 {}", r)
	}
	list := h.notifications(t, "notificationKey="+fmt.Sprint(key))
	if list.Count != 1 {
		t.Fatalf("captured %d notifications of key %d, want 1", list.Count, key)
	}
	n := list.Notifications[0]
	want := []string{
		"id1 ANDROID SUCCESS Order|John, order A1 shipped",
		"id_in_my_system_1 IOS SUCCESS Order|John, order A1 shipped",
	}
	if diff := cmp.Diff(want, deliveredTo(n)); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	// id1's iPhone has no push permission and its old phone is uninstalled.
	if diff := cmp.Diff([]string{"id1 NO_PUSH_PERMISSION", "id1 UNINSTALLED"}, excluded(n)); diff != "" {
		t.Errorf("exclusions (-want +got):\n%s", diff)
	}

	var results struct {
		NextPage string
		List     []struct{ Platform, Status, InstallationID, ExtID, MsgText string }
	}
	wantJSON(t, "getPushResult", h.Do(t, http.MethodGet, fmt.Sprintf("/rest/3.0/getPushResult?notificationKey=%d", key), ""), &results)
	if len(results.List) != 2 || results.NextPage != "" || results.List[0].MsgText != "John, order A1 shipped" {
		t.Errorf("getPushResult of key %d = %+v, want 2 results on one page", key, results)
	}
	var stats struct {
		Status string
		Stats  []state.PlatformStats
	}
	wantJSON(t, "getPushStats", h.Do(t, http.MethodGet, fmt.Sprintf("/rest/3.0/getPushStats?notificationKey=%d", key), ""), &stats)
	sent := int64(0)
	for _, s := range stats.Stats {
		sent += s.Sent
	}
	if stats.Status != "FINISHED" || sent != 2 {
		t.Errorf("getPushStats = %+v, want FINISHED with 2 sent", stats)
	}
}

// TestSendRefusals: each refusal is a 4xx in Netmera's envelope and
// captures nothing.
func TestSendRefusals(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	key := keyOf(t, "createNotificationDefinition", h.Do(t, http.MethodPost, "/rest/3.0/createNotificationDefinition",
		`{"title":"T","message":"M","platforms":["ANDROID"]}`))
	ids := make([]string, 1001)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%d", i)
	}
	tests := []struct {
		name, path, body string
		want             envelope
	}{
		{"numeric key", "sendNotification", fmt.Sprintf(`{"notificationKey":%d,"target":{"extId":"id1"}}`, key),
			envelope{2004, "Field 'notificationKey' should be a text"}},
		{"numeric key in a list", "sendNotification", fmt.Sprintf(`[{"notificationKey":"%d","target":{"extId":"id1"}},{"notificationKey":%d,"target":{"extId":"id2"}}]`, key, key),
			envelope{2004, "Field 'notificationKey' should be a text"}},
		{"no key", "sendNotification", `{"target":{"extId":"id1"}}`, envelope{2020, "notificationKey is required"}},
		{"unknown key", "sendNotification", `{"notificationKey":"999999","target":{"extId":"id1"}}`,
			envelope{5003, "Notification definition with key '999999' could not be found"}},
		{"empty target", "sendNotification", fmt.Sprintf(`{"notificationKey":"%d","target":{}}`, key), envelope{2020, "target must not be empty"}},
		{"1001 IDs", "sendNotification", fmt.Sprintf(`{"notificationKey":"%d","target":{"extId":%s}}`, key, jsonList(ids)),
			envelope{2009, "Maximum 1000 unique external IDs or device tokens per request, got 1001"}},
		{"bulk without target", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"]}}`, envelope{2020, "target is required"}},
		{"bulk empty target", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{}}`,
			envelope{2020, "target must not be empty (sendToAll: true reaches everyone)"}},
		{"unknown tag", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"tag":"test-users"}}`,
			envelope{2009, "Tag 'test-users' does not exist"}},
		{"unknown segment", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"segment":99999}}`,
			envelope{5042, "Segment not found"}},
		{"schedule in the past", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"sendToAll":true},"schedule":{"startTime":"2001-01-01T00:00:00"}}`,
			envelope{2021, ""}},
		{"bad ttl", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["IOS"],"ttl":"soon"},"target":{"sendToAll":true}}`,
			envelope{2004, ""}},
		{"title not a text", "sendBulkNotification", `{"message":{"title":5,"text":"x","platforms":["IOS"]},"target":{"sendToAll":true}}`,
			envelope{2004, "Field 'title' should be a text"}},
		{"web push without icon", "sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["CHROME"]},"target":{"sendToAll":true}}`,
			envelope{2020, "iconUrl is required when platforms include CHROME or FIREFOX"}},
		{"definition without message", "createNotificationDefinition", `{"title":"T","platforms":["IOS"]}`, envelope{2020, "message is required"}},
		{"live activity unknown", "update-live-activity", `{"groupId":"nope","action":"UPDATE"}`,
			envelope{2021, "Live activity with groupId 'nope' is not active"}},
		{"live activity bad action", "update-live-activity", `{"groupId":"nope","action":"PAUSE"}`,
			envelope{2004, "Field 'action' should be UPDATE or END"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.notifications(t, "").Count
			r := h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body)
			if tt.want.Error == "" { // the text names times: check the code only
				var got envelope
				MustUnmarshal(t, tt.path, r.Body, &got)
				if r.Status != http.StatusBadRequest || got.Code != tt.want.Code {
					t.Errorf("POST %s %s = %v, want 400 code %d", tt.path, tt.body, r, tt.want.Code)
				}
			} else {
				wantError(t, "POST "+tt.path+" "+tt.name, r, http.StatusBadRequest, tt.want)
			}
			if after := h.notifications(t, "").Count; after != before {
				t.Errorf("POST %s (%s) captured %d notifications, want none", tt.path, tt.name, after-before)
			}
		})
	}
}

// TestBulkFilters: the filters a bulk send applies, each seen in the
// capture with its reason, so that a fake that ignored push permission,
// category opt-outs or $not would fail here.
func TestBulkFilters(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	send := func(t *testing.T, body string) state.NotificationRecord {
		t.Helper()
		key := keyOf(t, "sendBulkNotification "+body, h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification", body))
		c := h.notifications(t, "notificationKey="+fmt.Sprint(key))
		if c.Count != 1 {
			t.Fatalf("captured %d notifications of key %d, want 1", c.Count, key)
		}
		return c.Notifications[0]
	}
	t.Run("push permission and uninstalled", func(t *testing.T) {
		n := send(t, `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"extId":["id1"]}}`)
		if diff := cmp.Diff([]string{"id1 ANDROID SUCCESS T|x"}, deliveredTo(n)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"id1 NO_PUSH_PERMISSION", "id1 UNINSTALLED"}, excluded(n)); diff != "" {
			t.Errorf("exclusions (-want +got):\n%s", diff)
		}
	})
	t.Run("category opt-out", func(t *testing.T) {
		// id1 opted out of Promotion on PUSH; externalid did not.
		n := send(t, `{"message":{"title":"T","text":"x","platforms":["ANDROID"],"categories":["Promotion"]},"target":{"extId":["id1","externalid"]}}`)
		if diff := cmp.Diff([]string{"externalid ANDROID SUCCESS T|x"}, deliveredTo(n)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"id1 CATEGORY_OPTED_OUT"}, excluded(n)); diff != "" {
			t.Errorf("exclusions (-want +got):\n%s", diff)
		}
	})
	t.Run("segment $not", func(t *testing.T) {
		// brand is id1, id2, your_extId; segment 5883 holds id1, id2 and the
		// bulk users: $not brand leaves the bulk users only.
		n := send(t, `{"message":{"title":"T","text":"x","platforms":["ANDROID","IOS"]},"target":{"segment":{"$and":[5883,{"$not":[5884]}]}}}`)
		for _, d := range n.Deliveries {
			if !strings.HasPrefix(d.ExtID, "user-") {
				t.Errorf("a delivery to %s, a member of the segment $not excludes", d.ExtID)
			}
		}
		if len(n.Deliveries) == 0 {
			t.Error("no delivery: the bulk users of segment 5883 should be reached")
		}
	})
	t.Run("platforms", func(t *testing.T) {
		n := send(t, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"extId":["externalid"]}}`)
		if len(n.Deliveries) != 0 || !slices.Contains(excluded(n), "externalid PLATFORM_FILTERED") {
			t.Errorf("an Android-only user sent an iOS push: deliveries %v, exclusions %v; want none and PLATFORM_FILTERED", deliveredTo(n), excluded(n))
		}
	})
	t.Run("personalized with a missing attribute", func(t *testing.T) {
		// id1 has a name, externalid has "Gone", my system's user has "Ayşe"; the
		// placeholder @{surname} only id1 has.
		n := send(t, `{"message":{"title":"T","text":"Hello","personalizedMessage":"Hello @{surname}","platforms":["IOS","ANDROID"]},"target":{"extId":["id1","externalid"]}}`)
		want := []string{"externalid ANDROID SUCCESS T|Hello", "id1 ANDROID SUCCESS T|Hello Brown"}
		if diff := cmp.Diff(want, deliveredTo(n)); diff != "" {
			t.Errorf("deliveries (-want +got):\n%s", diff)
		}
	})
	t.Run("invalid token", func(t *testing.T) {
		wantControl(t, "POST /_mock/devices", h.Do(t, http.MethodPost, "/_mock/devices",
			`{"installationId":"inst-externalid","extId":"externalid","platform":"ANDROID","token":"ext-token","deviceModel":"Pixel 7","pushPermitted":true,"invalidToken":true}`))
		key := keyOf(t, "sendBulkNotification", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
			`{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"externalid"}}`))
		var results struct {
			List []map[string]any
		}
		wantJSON(t, "getPushResult", h.Do(t, http.MethodGet, fmt.Sprintf("/rest/3.0/getPushResult?notificationKey=%d", key), ""), &results)
		want := []map[string]any{{"platform": "ANDROID", "status": "FAILED", "errorCode": "8", "errorMsg": "INVALID_TOKEN", "errorMessage": "INVALID_TOKEN",
			"installationId": "inst-externalid", "extId": "externalid", "msgTitle": "T", "msgText": "x"}}
		for _, r := range results.List {
			delete(r, "timeStamp")
		}
		if diff := cmp.Diff(want, results.List); diff != "" {
			t.Errorf("getPushResult of an invalid token (-want +got):\n%s", diff)
		}
	})
}

// TestClockBounds sets and advances the clock past what it can show:
// each is refused with 400 and leaves the clock where it was, which GET
// /_mock/clock still shows.
func TestClockBounds(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantControl(t, "PUT /_mock/clock", h.Do(t, http.MethodPut, "/_mock/clock", `{"now":"9999-12-01T00:00:00Z","frozen":true}`))
	tests := []struct {
		name, method, path, body string
	}{
		{"epoch ms past the year 9999", http.MethodPut, "/_mock/clock", `{"now":9223372036854775807,"frozen":true}`},
		{"epoch ms before the year 1", http.MethodPut, "/_mock/clock", `{"now":-9223372036854775808}`},
		{"ms that overflow a duration", http.MethodPost, "/_mock/clock/advance", `{"ms":9223372036854775807}`},
		{"days that overflow a duration", http.MethodPost, "/_mock/clock/advance", `{"by":"99999999999d"}`},
		{"an advance past the year 9999", http.MethodPost, "/_mock/clock/advance", `{"by":"31d"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := tt.method + " " + tt.path + " " + tt.body
			wantProblemStatus(t, call, h.Do(t, tt.method, tt.path, tt.body), http.StatusBadRequest, tt.path)
			var clock struct {
				Now    string
				Frozen bool
			}
			wantJSON(t, "GET /_mock/clock after "+call, h.Do(t, http.MethodGet, "/_mock/clock", ""), &clock)
			if clock.Now != "9999-12-01T00:00:00Z" || !clock.Frozen {
				t.Errorf("the clock after %s = %+v, want 9999-12-01T00:00:00Z, frozen", call, clock)
			}
		})
	}
}

// TestScheduledSendWithTheClock: a scheduled send waits for the tenant's
// clock, which the control API moves; nothing sleeps.
func TestScheduledSendWithTheClock(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantControl(t, "PUT /_mock/clock", h.Do(t, http.MethodPut, "/_mock/clock", `{"now":"2030-01-01T08:00:00Z","frozen":true}`))
	key := keyOf(t, "scheduled send", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
		`{"message":{"title":"Morning","text":"Good morning","platforms":["ANDROID"],"ttl":"2h"},"target":{"tag":"Sport"},"schedule":{"startTime":"2030-01-01T09:00:00"}}`))
	status := func() (string, int) {
		n := h.notifications(t, "notificationKey="+fmt.Sprint(key)).Notifications[0]
		return n.Status, len(n.Deliveries)
	}
	if st, d := status(); st != "SCHEDULED" || d != 0 {
		t.Fatalf("before its start: status %s with %d deliveries, want SCHEDULED with none", st, d)
	}
	wantControl(t, "advance 30m", h.Do(t, http.MethodPost, "/_mock/clock/advance", `{"by":"30m"}`))
	if st, d := status(); st != "SCHEDULED" || d != 0 {
		t.Fatalf("30 minutes before its start: status %s with %d deliveries, want SCHEDULED with none", st, d)
	}
	var clock struct {
		Now    string
		NowMS  int64
		Frozen bool
	}
	wantJSON(t, "advance 1h", h.Do(t, http.MethodPost, "/_mock/clock/advance", `{"by":"1h"}`), &clock)
	if clock.Now != "2030-01-01T09:30:00Z" || !clock.Frozen {
		t.Errorf("the clock after advancing = %+v, want 09:30 and frozen", clock)
	}
	if st, d := status(); st != "FINISHED" || d != 1 {
		t.Errorf("after its start: status %s with %d deliveries, want FINISHED with externalid's one", st, d)
	}
}

// TestApproval: a send created awaiting approval delivers only once
// sendPushApproval approves its message.
func TestApproval(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	var created struct {
		NotificationKey, MessageID int64
		Status                     string
	}
	r := h.Do(t, http.MethodPost, "/_mock/notifications?awaitApproval=true",
		`{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"externalid"}}`)
	if r.Status != http.StatusCreated {
		t.Fatalf("POST /_mock/notifications?awaitApproval=true = %v, want 201", r)
	}
	MustUnmarshal(t, "POST /_mock/notifications", r.Body, &created)
	if created.Status != "WAITING_APPROVAL" {
		t.Fatalf("the created send is %+v, want WAITING_APPROVAL", created)
	}
	if n := h.notifications(t, "notificationKey="+fmt.Sprint(created.NotificationKey)).Notifications[0]; len(n.Deliveries) != 0 {
		t.Fatalf("a send awaiting approval delivered %d times", len(n.Deliveries))
	}
	wantOK(t, "sendPushApproval", h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", fmt.Sprintf(`[{"messageId":%d}]`, created.MessageID)))
	n := h.notifications(t, "notificationKey="+fmt.Sprint(created.NotificationKey)).Notifications[0]
	if n.Status != "FINISHED" || len(n.Deliveries) != 1 {
		t.Errorf("after approval: %s with %d deliveries, want FINISHED with 1", n.Status, len(n.Deliveries))
	}
}

// TestPushResultWalk: following nextPage returns every result once, also
// while another send delivers between pages.
func TestPushResultWalk(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	key := keyOf(t, "sendToAll", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
		`{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true}}`))
	want := len(h.notifications(t, "notificationKey="+fmt.Sprint(key)).Notifications[0].Deliveries)
	if want < 20 {
		t.Fatalf("sendToAll reached %d devices, want a few pages' worth", want)
	}
	seen := map[string]int{}
	next := fmt.Sprintf("/rest/3.0/getPushResult?notificationKey=%d&max=7", key)
	for pages := 0; next != ""; pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages")
		}
		var page struct {
			NextPage string
			List     []struct{ InstallationID string }
		}
		wantJSON(t, "GET "+next, h.Do(t, http.MethodGet, next, ""), &page)
		for _, r := range page.List {
			seen[r.InstallationID]++
		}
		// Another send delivers meanwhile: its results have another key.
		h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification", `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"externalid"}}`)
		if page.NextPage != "" {
			u, err := url.Parse(page.NextPage)
			if err != nil || !u.IsAbs() {
				t.Fatalf("nextPage %q is not an absolute URL", page.NextPage)
			}
			next = u.RequestURI()
		} else {
			next = ""
		}
	}
	if len(seen) != want {
		t.Errorf("the walk saw %d installations, want %d", len(seen), want)
	}
	for iid, n := range seen {
		if n != 1 {
			t.Errorf("installation %s came %d times", iid, n)
		}
	}
}

// TestLiveActivity: a LIVE_ACTIVITY send starts a group that
// update-live-activity updates and ends; an ended group refuses updates.
func TestLiveActivity(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	keyOf(t, "start", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
		`{"type":"LIVE_ACTIVITY","message":{"title":"Match","text":"Kick-off","platforms":["IOS"],"liveActAttr":{"netmeraGroupId":"g1"},"contentState":{"home":0}},"target":{"sendToAll":true}}`))
	wantOK(t, "update", h.Do(t, http.MethodPost, "/rest/3.0/update-live-activity", `{"groupId":"g1","action":"UPDATE","contentState":{"home":1},"priority":10}`))
	wantOK(t, "end", h.Do(t, http.MethodPost, "/rest/3.0/update-live-activity", `{"groupId":"g1","action":"END"}`))
	wantError(t, "update after end", h.Do(t, http.MethodPost, "/rest/3.0/update-live-activity", `{"groupId":"g1","action":"UPDATE"}`),
		http.StatusBadRequest, envelope{2021, "Live activity with groupId 'g1' is not active"})
	var la state.LiveActivityRecord
	wantJSON(t, "GET /_mock/live-activities", h.Do(t, http.MethodGet, "/_mock/live-activities?groupId=g1", ""), &la)
	if len(la.Updates) != 2 {
		t.Errorf("the live activity records %d updates, want 2 (update, end): %+v", len(la.Updates), la)
	}
}

// TestNotificationsControl: the capture's filters, clicks counted in the
// stats, and clearing.
func TestNotificationsControl(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	k1 := keyOf(t, "to externalid", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
		`{"message":{"title":"A","text":"x","platforms":["ANDROID"]},"target":{"extId":"externalid"}}`))
	keyOf(t, "to id1", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
		`{"message":{"title":"B","text":"x","platforms":["ANDROID"]},"target":{"extId":"id1"}}`))
	if c := h.notifications(t, "extId=externalid"); c.Count != 1 || c.Notifications[0].NotificationKey != k1 {
		t.Errorf("GET /_mock/notifications?extId=externalid = %d notifications, want only key %d", c.Count, k1)
	}
	if c := h.notifications(t, ""); c.Count != 2 || c.Notifications[0].Message.Title != "B" {
		t.Errorf("GET /_mock/notifications = %d notifications, want 2, the newest first", c.Count)
	}
	var clicked struct{ Clicked int }
	wantJSON(t, "click", h.Do(t, http.MethodPost, fmt.Sprintf("/_mock/notifications/%d/click", k1), `{"extId":"externalid"}`), &clicked)
	if clicked.Clicked != 1 {
		t.Errorf("clicks recorded = %d, want 1", clicked.Clicked)
	}
	var stats struct{ Stats []state.PlatformStats }
	wantJSON(t, "getPushStats", h.Do(t, http.MethodGet, fmt.Sprintf("/rest/3.0/getPushStats?notificationKey=%d", k1), ""), &stats)
	if want := []state.PlatformStats{{Platform: "ANDROID", Sent: 1, Clicked: 1}}; !cmp.Equal(stats.Stats, want) {
		t.Errorf("getPushStats after a click = %+v, want %+v", stats.Stats, want)
	}
	var deliveries struct {
		Count      int
		Deliveries []state.Delivery
	}
	wantJSON(t, "GET /_mock/deliveries", h.Do(t, http.MethodGet, "/_mock/deliveries?extId=externalid", ""), &deliveries)
	if deliveries.Count != 1 || deliveries.Deliveries[0].Status != "CLICKED" {
		t.Errorf("GET /_mock/deliveries?extId=externalid = %+v, want one CLICKED delivery", deliveries)
	}
	wantControl(t, "DELETE /_mock/notifications", h.Do(t, http.MethodDelete, "/_mock/notifications", ""))
	if c := h.notifications(t, ""); c.Count != 0 {
		t.Errorf("after DELETE, %d notifications remain", c.Count)
	}
	for _, bad := range []struct{ method, path, body string }{
		{http.MethodPut, "/_mock/clock", `{"frozen":true}`},
		{http.MethodPut, "/_mock/clock", `{"now":"tomorrow"}`},
		{http.MethodPost, "/_mock/clock/advance", `{"by":"-1h"}`},
		{http.MethodPost, "/_mock/clock/advance", `{}`},
		{http.MethodGet, "/_mock/notifications?notificationKey=x", ""},
		{http.MethodGet, "/_mock/notifications?since=yesterday", ""},
		{http.MethodGet, "/_mock/deliveries", ""},
	} {
		if r := h.Do(t, bad.method, bad.path, bad.body); r.Status != http.StatusBadRequest {
			t.Errorf("%s %s %s = %v, want 400", bad.method, bad.path, bad.body, r)
		}
	}
	if r := h.Do(t, http.MethodPost, "/_mock/notifications/424242/click", ""); r.Status != http.StatusNotFound {
		t.Errorf("click on an unknown key = %v, want 404", r)
	}
}
