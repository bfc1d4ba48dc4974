package state_test

import (
	"encoding/json"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// t0 is the frozen time notification tests start at.
var t0 = time.Date(2024, time.June, 1, 12, 0, 0, 0, time.UTC)

// Istanbul and Ankara, for location targets (about 350 km apart).
var (
	istanbul = &state.GeoPoint{Latitude: 41.0082, Longitude: 28.9784}
	ankara   = &state.GeoPoint{Latitude: 39.9334, Longitude: 32.8597}
)

// notifyDataset is a small app for sends:
//
//   - alice: Sport, VIP; name Alice Smith, 30; an iPhone in Istanbul (a-ios)
//     and an Android phone (a-and, used last); email and SMS permitted.
//   - bob: Sport; name Bob, 40, no surname; an iPhone opted out of push
//     (b-ios) and an Android phone whose token is invalid (b-and); email
//     not permitted.
//   - carol: Casual; Carol Jones; opted out of Promotions on PUSH; an
//     Android phone in Ankara (c-and).
//   - dave: Sport, untracked; an iPhone (d-ios).
//   - erin: VIP; no device; email and SMS permitted.
//   - frank: a Chrome browser (f-web) and an uninstalled iPhone (f-ios).
//   - an Android installation of nobody (anon).
//
// Segments 10 frequent_users (alice, bob, carol), 11 churn (bob, erin), 12
// vip (alice, erin); categories Promotions (1) and Newsletter (2).
func notifyDataset() *state.Dataset {
	attrs := append(smallAttributes(), state.AttributeDef{Code: "surname", DataType: state.TypeString, Standard: true})
	return &state.Dataset{
		Attributes: attrs,
		Categories: []state.Category{{ID: 1, Name: catPromotions}, {ID: 2, Name: catNewsletter}},
		Users: []state.UserRecord{
			{ExtID: "alice", Tags: []string{"Sport", "VIP"}, EmailPermitted: true, SmsPermitted: true, Profile: map[string]any{
				"name": "Alice", "surname": "Smith", "age": int64(30), "lastVisitedCategories": []any{"shopping", "news"},
				state.AttrEmail: "alice@example.com", state.AttrMsisdn: "905550000001"}},
			{ExtID: "bob", Tags: []string{"Sport"}, Profile: map[string]any{
				"name": "Bob", "age": int64(40), state.AttrEmail: "bob@example.com"}},
			{ExtID: "carol", Tags: []string{"Casual"}, EmailPermitted: true, Profile: map[string]any{
				"name": "Carol", "surname": "Jones", state.AttrEmail: "carol@example.com"},
				Categories: []state.CategoryPref{{Category: catPromotions, Channel: "PUSH", Enabled: false}}},
			{ExtID: "dave", Tags: []string{"Sport"}, Untracked: true, Profile: map[string]any{"name": "Dave"}},
			{ExtID: "erin", Tags: []string{"VIP"}, EmailPermitted: true, SmsPermitted: true, Profile: map[string]any{
				"name": "Erin", state.AttrEmail: "erin@example.com", state.AttrMsisdn: "905550000005"}},
			{ExtID: "frank"},
		},
		Devices: []state.DeviceRecord{
			{InstallationID: "a-ios", ExtID: "alice", Platform: state.PlatformIOS, Token: "tok-a-ios", PushPermitted: true, LastActive: 100, Location: istanbul},
			{InstallationID: "a-and", ExtID: "alice", Platform: state.PlatformAndroid, Token: "tok-a-and", PushPermitted: true, LastActive: 200},
			{InstallationID: "b-ios", ExtID: "bob", Platform: state.PlatformIOS, Token: "tok-b-ios"},
			{InstallationID: "b-and", ExtID: "bob", Platform: state.PlatformAndroid, Token: "tok-b-and", PushPermitted: true, InvalidToken: true},
			{InstallationID: "c-and", ExtID: "carol", Platform: state.PlatformAndroid, Token: "tok-c-and", PushPermitted: true, Location: ankara},
			{InstallationID: "d-ios", ExtID: "dave", Platform: state.PlatformIOS, Token: "tok-d-ios", PushPermitted: true},
			{InstallationID: "f-web", ExtID: "frank", Platform: state.PlatformChrome, Token: "tok-f-web", PushPermitted: true},
			{InstallationID: "f-ios", ExtID: "frank", Platform: state.PlatformIOS, Token: "tok-f-ios", PushPermitted: true, Uninstalled: true},
			{InstallationID: "anon", Platform: state.PlatformAndroid, Token: "tok-anon", PushPermitted: true},
		},
		Segments: []state.SegmentRecord{
			{ID: 10, Name: "frequent_users", Type: state.SegmentStandard, CreatedAt: 1, Members: []string{"alice", "bob", "carol"}},
			{ID: 11, Name: "churn", Type: state.SegmentStandard, CreatedAt: 2, Members: []string{"bob", "erin"}},
			{ID: 12, Name: "vip", Type: state.SegmentStandard, CreatedAt: 3, Members: []string{"alice", "erin"}},
		},
		Messages: []state.MessageRecord{{MessageID: 0, Title: "Panel message", Text: "From the panel", Status: state.MessageWaitingApproval}},
	}
}

// notifyTenant is notifyDataset with its clock frozen at t0.
func notifyTenant(tb testing.TB, s state.Settings) *state.Tenant {
	tb.Helper()
	tn := MustTenant(tb, notifyDataset(), s)
	mustSetClock(tb, tn, t0, true)
	return tn
}

// push is a push message to iOS and Android.
func push(title, text string) *state.BulkMessage {
	return &state.BulkMessage{Title: title, Text: text, Platforms: []string{state.PlatformIOS, state.PlatformAndroid}}
}

// mustJSON decodes a JSON text into a value of T or fails.
func mustJSON[T any](tb testing.TB, s string) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		tb.Fatalf("decoding %s: %v", s, err)
	}
	return v
}

// MustSend sends a bulk request given as JSON and returns the key.
func MustSend(tb testing.TB, tn *state.Tenant, body string) int64 {
	tb.Helper()
	req := mustJSON[state.BulkSend](tb, body)
	key, err := tn.SendBulk(req, []byte(body))
	if err != nil {
		tb.Fatalf("SendBulk(%s) = %v", body, err)
	}
	return key
}

// MustNotification returns the only notification of a key.
func MustNotification(tb testing.TB, tn *state.Tenant, key int64) state.NotificationRecord {
	tb.Helper()
	recs := tn.Notifications(state.NotificationFilter{Key: key, MaxDeliveries: 1 << 30})
	if len(recs) != 1 {
		tb.Fatalf("Notifications(key %d) = %d records, want 1", key, len(recs))
	}
	return recs[0]
}

// reached lists a notification's deliveries as "extId/installation" (or
// "extId/address"), with "!" after a failed one, sorted.
func reached(r state.NotificationRecord) []string {
	out := []string{}
	for _, d := range r.Deliveries {
		where := d.InstallationID
		if where == "" {
			where = d.Address
		}
		s := d.ExtID + "/" + where
		if d.Status == state.ResultFailed {
			s += "!"
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// excluded lists a notification's exclusions as "who:REASON", sorted,
// who being the extId, installation or address.
func excluded(r state.NotificationRecord) []string {
	out := []string{}
	for _, x := range r.Exclusions {
		who := x.ExtID
		if x.InstallationID != "" {
			who += "/" + x.InstallationID
		}
		if who == "" {
			who = x.Token
		}
		out = append(out, who+":"+x.Reason)
	}
	sort.Strings(out)
	return out
}

// MustNoNotifications fails when the tenant captured any notification.
func MustNoNotifications(tb testing.TB, tn *state.Tenant) {
	tb.Helper()
	if recs := tn.Notifications(state.NotificationFilter{}); len(recs) != 0 {
		tb.Fatalf("the tenant captured %d notifications, want none: %+v", len(recs), recs[0])
	}
}

func list(items ...string) []string { return append([]string{}, items...) }

func ms(t time.Time) int64 { return t.UnixMilli() }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func asError(err error, target **state.Error) bool { return errors.As(err, target) }
