package state_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestSendBulkRefusals checks that each bad request is refused with its
// code and leaves the tenant as it was: nothing captured, no key taken.
func TestSendBulkRefusals(t *testing.T) {
	msg := `"message":{"title":"T","text":"x","platforms":["IOS"]}`
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("%q", fmt.Sprintf("u%d", i))
	}
	tests := []struct {
		name string
		body string
		code int
	}{
		{"no message", `{"target":{"sendToAll":true}}`, state.CodeMissingParameter},
		{"no target", `{` + msg + `}`, state.CodeMissingParameter},
		{"empty target", `{` + msg + `,"target":{}}`, state.CodeMissingParameter},
		{"sendToAll false is empty", `{` + msg + `,"target":{"sendToAll":false}}`, state.CodeMissingParameter},
		{"no platforms", `{"message":{"title":"T","text":"x"},"target":{"sendToAll":true}}`, state.CodeMissingParameter},
		{"unknown platform", `{"message":{"title":"T","text":"x","platforms":["PALM"]},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"email is not a push platform", `{"message":{"title":"T","text":"x","platforms":["EMAIL"]},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"no text", `{"message":{"title":"T","platforms":["IOS"]},"target":{"sendToAll":true}}`, state.CodeMissingParameter},
		{"no title", `{"message":{"text":"x","platforms":["IOS"]},"target":{"sendToAll":true}}`, state.CodeMissingParameter},
		{"chrome without iconUrl", `{"message":{"title":"T","text":"x","platforms":["CHROME"]},"target":{"sendToAll":true}}`, state.CodeMissingParameter},
		{"a tag nobody has", `{` + msg + `,"target":{"tag":"test-users"}}`, state.CodeInvalidJSON},
		{"one missing tag in a list", `{` + msg + `,"target":{"tag":["Sport","test-users"]}}`, state.CodeInvalidJSON},
		{"a missing tag under $not", `{` + msg + `,"target":{"tag":{"$not":["nope"]}}}`, state.CodeInvalidJSON},
		{"unknown segment", `{` + msg + `,"target":{"segment":"no such segment"}}`, state.CodeSegmentNotFound},
		{"unknown segment ID in a tree", `{` + msg + `,"target":{"segment":{"$and":[10,999]}}}`, state.CodeSegmentNotFound},
		{"unknown operator", `{` + msg + `,"target":{"tag":{"$xor":["Sport"]}}}`, state.CodeInvalidJSON},
		{"empty tag list", `{` + msg + `,"target":{"tag":[]}}`, state.CodeInvalidJSON},
		{"bad ttl", `{"message":{"title":"T","text":"x","platforms":["IOS"],"ttl":"15 days"},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"bad start time", `{` + msg + `,"target":{"sendToAll":true},"schedule":{"startTime":"tomorrow"}}`, state.CodeTypeMismatch},
		{"start time in the past", `{` + msg + `,"target":{"sendToAll":true},"schedule":{"startTime":"2024-06-01T11:59:59"}}`, state.CodeInvalidConfig},
		{"negative speed", `{` + msg + `,"target":{"sendToAll":true},"speed":{"intervalMins":-1,"packageSize":2}}`, state.CodeTypeMismatch},
		{"category ID in a bulk message", `{"message":{"title":"T","text":"x","platforms":["IOS"],"categories":[1]},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"unknown type", `{` + msg + `,"target":{"sendToAll":true},"type":"SMOKE_SIGNAL"}`, state.CodeTypeMismatch},
		{"live activity without group", `{` + msg + `,"target":{"sendToAll":true},"type":"LIVE_ACTIVITY"}`, state.CodeMissingParameter},
		{"1001 external IDs", `{` + msg + `,"target":{"extId":[` + strings.Join(many, ",") + `]}}`, state.CodeInvalidJSON},
		{"negative limit", `{"message":{"title":"T","text":"x","platforms":["IOS"],"limit":-1},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"a title over 256 characters", `{"message":{"title":"` + strings.Repeat("é", 257) + `","text":"x","platforms":["IOS"]},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"a text over 4096 characters", `{"message":{"title":"T","text":"` + strings.Repeat("x", 4097) + `","platforms":["IOS"]},"target":{"sendToAll":true}}`, state.CodeTypeMismatch},
		{"bad location", `{` + msg + `,"target":{"location":{"latitude":91,"longitude":0,"radius":5}}}`, state.CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			before := tn.Export()
			var req state.BulkSend
			err := jsonDecode(tt.body, &req)
			if err == nil {
				_, err = tn.SendBulk(req, []byte(tt.body))
			}
			MustCode(t, "SendBulk("+tt.body[:min(len(tt.body), 120)]+")", err, tt.code, kindOf(tt.code))
			MustUnchanged(t, "a refused SendBulk", before, tn)
			MustNoNotifications(t, tn)
		})
	}
}

func kindOf(code int) state.Kind {
	if code == state.CodeSegmentNotFound || code == state.CodeMessageNotFound {
		return state.KindNotFound
	}
	return state.KindInvalid
}

// TestFilters checks each delivery filter alone, so that a fake ignoring
// one of them fails here by name.
func TestFilters(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantReached  []string
		wantExcluded []string
	}{
		{"push permission: an opted-out device gets nothing",
			`{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"extId":"bob"}}`,
			list(), list("bob/b-and:PLATFORM_FILTERED", "bob/b-ios:NO_PUSH_PERMISSION")},
		{"category opted out on PUSH",
			`{"message":{"title":"T","text":"x","platforms":["ANDROID"],"categories":["Promotions"]},"target":{"tag":"Casual"}}`,
			list(), list("carol:CATEGORY_OPTED_OUT")},
		{"a category the user did not opt out of",
			`{"message":{"title":"T","text":"x","platforms":["ANDROID"],"categories":["Newsletter"]},"target":{"tag":"Casual"}}`,
			list("carol/c-and"), list()},
		{"a category no one defined is kept and filters no one",
			`{"message":{"title":"T","text":"x","platforms":["ANDROID"],"categories":["announcements"]},"target":{"tag":"Casual"}}`,
			list("carol/c-and"), list()},
		{"platforms",
			`{"message":{"title":"T","text":"x","platforms":["CHROME"],"iconUrl":"i"},"target":{"sendToAll":true}}`,
			list("frank/f-web"), list("alice/a-and:PLATFORM_FILTERED", "alice/a-ios:PLATFORM_FILTERED",
				"bob/b-and:PLATFORM_FILTERED", "bob/b-ios:PLATFORM_FILTERED", "carol/c-and:PLATFORM_FILTERED",
				"dave:UNTRACKED", "erin:NO_DEVICE", "frank/f-ios:UNINSTALLED")},
		{"untracked users never",
			`{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"extId":"dave"}}`,
			list(), list("dave:UNTRACKED")},
		{"uninstalled devices never",
			`{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"deviceToken":"tok-f-ios"}}`,
			list(), list("frank/f-ios:UNINSTALLED")},
		{"limit counts users, in user order",
			`{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"],"limit":1},"target":{"sendToAll":true}}`,
			list("alice/a-and", "alice/a-ios"), list("bob/b-and:LIMIT", "bob/b-ios:NO_PUSH_PERMISSION", "carol/c-and:LIMIT",
				"dave:UNTRACKED", "erin:NO_DEVICE", "frank/f-ios:UNINSTALLED", "frank/f-web:PLATFORM_FILTERED")},
		{"a platform's own limit",
			`{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"],"android":{"limit":1}},"target":{"segment":"frequent_users"}}`,
			list("alice/a-and", "alice/a-ios"), list("bob/b-and:LIMIT", "bob/b-ios:NO_PUSH_PERMISSION", "carol/c-and:LIMIT")},
		{"invalid token fails",
			`{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"bob"}}`,
			list("bob/b-and!"), list("bob/b-ios:PLATFORM_FILTERED")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			rec := MustNotification(t, tn, MustSend(t, tn, tt.body))
			if diff := cmp.Diff(tt.wantReached, reached(rec)); diff != "" {
				t.Errorf("reached (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExcluded, excluded(rec)); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInvalidTokenResult checks the failed delivery's error, as
// getPushResult's sample shows it.
func TestInvalidTokenResult(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"bob"}}`)
	page, _, _, err := tn.PushResults(state.PushResultFilter{Key: key}, 10, state.PushResultCursor{})
	MustOK(t, "PushResults", err)
	want := []state.PushResult{{NotificationKey: key, Platform: "ANDROID", Status: "FAILED", ErrorCode: "8", ErrorMsg: "INVALID_TOKEN",
		InstallationID: "b-and", ExtID: "bob", Token: "tok-b-and", TimeStamp: ms(t0), MsgTitle: "T", MsgText: "x"}}
	if diff := cmp.Diff(want, page, cmpopts.IgnoreFields(state.PushResult{}, "Seq")); diff != "" {
		t.Errorf("PushResults (-want +got):\n%s", diff)
	}
}

// TestPersonalization checks @{attr} placeholders in a bulk send: from each
// user's profile, the default text for a user missing one.
func TestPersonalization(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"Offer","text":"Hello!","personalizedMessage":"@{name}, @{surname}",
		"personalizedTitle":"For {@name}","platforms":["IOS","ANDROID"],"ios":{"title":"iOS offer"}},"target":{"segment":"frequent_users"}}`)
	rec := MustNotification(t, tn, key)
	got := map[string]string{}
	for _, d := range rec.Deliveries {
		got[d.InstallationID] = d.Title + " | " + d.Text
	}
	want := map[string]string{
		"a-ios": "iOS offer | Alice, Smith", // the platform's title wins over the personalized one
		"a-and": "For Alice | Alice, Smith", // every placeholder filled
		"b-and": "For Bob | Hello!",         // no surname: the default text
		"c-and": "For Carol | Carol, Jones",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendered title | text per device (-want +got):\n%s", diff)
	}
}

func jsonDecode(s string, v any) error {
	return jsonUnmarshal([]byte(s), v)
}

// TestApprovalMessageLoadsAgain: a send awaiting approval is kept as a
// message, which the state file holds; the longest title and text a send
// takes must load again from an export.
func TestApprovalMessageLoadsAgain(t *testing.T) {
	tn := notifyTenant(t, state.Settings{RequireApproval: true})
	body := `{"message":{"title":"` + strings.Repeat("é", state.DefaultNameLength) + `","text":"` +
		strings.Repeat("x", state.DefaultTextLength) + `","platforms":["IOS"]},"target":{"sendToAll":true}}`
	var req state.BulkSend
	MustOK(t, "decode", jsonDecode(body, &req))
	if _, err := tn.SendBulk(req, []byte(body)); err != nil {
		t.Fatalf("SendBulk(the longest title and text) = %v", err)
	}
	if _, err := state.NewTenant(tn.Export(), state.Settings{RequireApproval: true}); err != nil {
		t.Errorf("the export after a send awaiting approval does not load: %v", err)
	}
}
