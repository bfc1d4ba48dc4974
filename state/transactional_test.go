package state_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// MustDefine creates a definition given as JSON and returns its key.
func MustDefine(tb testing.TB, tn *state.Tenant, body string) int64 {
	tb.Helper()
	d := mustJSON[state.NotificationDefinition](tb, body)
	key, err := tn.CreateNotificationDefinition(d, []byte(body))
	if err != nil {
		tb.Fatalf("CreateNotificationDefinition(%s) = %v", body, err)
	}
	return key
}

// sendTx sends a sendNotification body (an object or an array).
func sendTx(tb testing.TB, tn *state.Tenant, body string) error {
	tb.Helper()
	var reqs []state.TransactionalSend
	if strings.HasPrefix(strings.TrimSpace(body), "[") {
		reqs = mustJSON[[]state.TransactionalSend](tb, body)
	} else {
		reqs = []state.TransactionalSend{mustJSON[state.TransactionalSend](tb, body)}
	}
	return tn.SendTransactional(reqs, []byte(body))
}

func TestCreateNotificationDefinition(t *testing.T) {
	tests := []struct {
		name     string
		settings state.Settings
		body     string
		code     int
		wantCats []string
	}{
		{"categories by ID and name", state.Settings{}, `{"title":"T","message":"m","platforms":["IOS"],"categories":[1,"category","Newsletter",1]}`,
			0, []string{"Promotions", "category", "Newsletter"}},
		{"one category as a text", state.Settings{}, `{"title":"T","message":"m","platforms":["IOS"],"categories":"Newsletter"}`,
			0, []string{"Newsletter"}},
		{"unknown category ID", state.Settings{}, `{"title":"T","message":"m","platforms":["IOS"],"categories":[99]}`, state.CodeInvalidConfig, nil},
		{"unknown name, strict", state.Settings{StrictCategories: true}, `{"title":"T","message":"m","platforms":["IOS"],"categories":["category"]}`,
			state.CodeInvalidConfig, nil},
		{"no platforms", state.Settings{}, `{"title":"T","message":"m"}`, state.CodeMissingParameter, nil},
		{"unknown platform", state.Settings{}, `{"title":"T","message":"m","platforms":["FAX"]}`, state.CodeTypeMismatch, nil},
		{"no message", state.Settings{}, `{"title":"T","platforms":["IOS"]}`, state.CodeMissingParameter, nil},
		{"an email definition", state.Settings{}, `{"title":"Welcome","message":"<p>Hi</p>","platforms":["EMAIL"],"subject":"Hi"}`, 0, nil},
		{"the slider example's message object", state.Settings{}, `{"message":{"platforms":["ANDROID","IOS"],"text":"New!","message":"Latest","title":"Alert"}}`, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, tt.settings)
			before := tn.Export()
			d := mustJSON[state.NotificationDefinition](t, tt.body)
			key, err := tn.CreateNotificationDefinition(d, []byte(tt.body))
			if tt.code != 0 {
				MustCode(t, "CreateNotificationDefinition", err, tt.code, state.KindInvalid)
				MustUnchanged(t, "a refused definition", before, tn)
				return
			}
			MustOK(t, "CreateNotificationDefinition", err)
			def, ok := tn.Definition(key)
			if !ok {
				t.Fatalf("Definition(%d) not found", key)
			}
			if diff := cmp.Diff(tt.wantCats, def.Message.Categories); tt.wantCats != nil && diff != "" {
				t.Errorf("categories (-want +got):\n%s", diff)
			}
			if string(def.Request) != tt.body {
				t.Errorf("request kept as %s, want %s", def.Request, tt.body)
			}
		})
	}
}

// TestKeysShareOneNumbering checks that definitions and sends take keys
// from one counter.
func TestKeysShareOneNumbering(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	k1 := MustDefine(t, tn, `{"title":"T","message":"m","platforms":["IOS"]}`)
	k2 := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"tag":"VIP"}}`)
	k3 := MustDefine(t, tn, `{"title":"T","message":"m","platforms":["IOS"]}`)
	if k1 != 1 || k2 != 2 || k3 != 3 {
		t.Errorf("keys %d, %d, %d; want 1, 2, 3", k1, k2, k3)
	}
}

func TestSendTransactional(t *testing.T) {
	tests := []struct {
		name         string
		def          string
		send         string // %s is the definition's key
		wantTexts    map[string]string
		wantExcluded []string
	}{
		{"params fill placeholders, then the profile",
			`{"title":"Order","message":"Your order shipped","personalizedMessage":"Hi @{name}, order @{order} shipped","platforms":["ANDROID"]}`,
			`{"notificationKey":"%s","message":{"params":{"order":42}},"target":{"extId":"alice"}}`,
			map[string]string{"alice/a-and": "Hi Alice, order 42 shipped"}, list("alice/a-ios:PLATFORM_FILTERED")},
		{"a param wins over the profile",
			`{"title":"Order","message":"m","personalizedMessage":"Hi @{name}","platforms":["ANDROID"]}`,
			`{"notificationKey":"%s","message":{"params":{"name":"Ally"}},"target":{"extId":"alice"}}`,
			map[string]string{"alice/a-and": "Hi Ally"}, list("alice/a-ios:PLATFORM_FILTERED")},
		{"a missing placeholder sends the default text",
			`{"title":"Order","message":"Default","personalizedMessage":"Hi @{nickname}","platforms":["ANDROID"]}`,
			`{"notificationKey":"%s","target":{"extId":"carol"}}`,
			map[string]string{"carol/c-and": "Default"}, list()},
		{"lastActiveDevice keeps the device used last",
			`{"title":"T","message":"m","platforms":["IOS","ANDROID"]}`,
			`{"notificationKey":"%s","lastActiveDevice":true,"target":{"extId":"alice"}}`,
			map[string]string{"alice/a-and": "m"}, list("alice/a-ios:NOT_LAST_ACTIVE")},
		{"without lastActiveDevice every device",
			`{"title":"T","message":"m","platforms":["IOS","ANDROID"]}`,
			`{"notificationKey":"%s","lastActiveDevice":false,"target":{"extId":["alice"]}}`,
			map[string]string{"alice/a-and": "m", "alice/a-ios": "m"}, list()},
		{"every kind of identifier",
			`{"title":"T","message":"m","platforms":["IOS","ANDROID"]}`,
			`{"notificationKey":"%s","target":{"extId":["nobody"],"deviceToken":["tok-c-and","tok-zzz"],"iid":["a-ios"],
				"email":"erin@example.com","msisdn":"905550000001","wpNumber":"+901"}}`,
			map[string]string{"carol/c-and": "m", "alice/a-ios": "m", "alice/a-and": "m"},
			list("+901:UNKNOWN_ADDRESS", "erin:NO_DEVICE", "nobody:UNKNOWN_USER", "tok-zzz:UNKNOWN_TOKEN")},
		{"a device named by token and its user by address is reached once",
			`{"title":"T","message":"m","platforms":["IOS","ANDROID"]}`,
			`{"notificationKey":"%s","target":{"deviceToken":"tok-c-and","iid":"a-ios","email":"carol@example.com","msisdn":"905550000001"}}`,
			map[string]string{"carol/c-and": "m", "alice/a-ios": "m", "alice/a-and": "m"}, list()},
		{"a token names one device, not the user's others",
			`{"title":"T","message":"m","platforms":["IOS","ANDROID"]}`,
			`{"notificationKey":"%s","target":{"deviceToken":"tok-a-ios"}}`,
			map[string]string{"alice/a-ios": "m"}, list()},
		{"profile attributes (pa)",
			`{"title":"T","message":"m","platforms":["ANDROID"]}`,
			`{"notificationKey":"%s","target":{"pa":{"surname":["Smith","Jones"]}}}`,
			map[string]string{"alice/a-and": "m", "carol/c-and": "m"}, list("alice/a-ios:PLATFORM_FILTERED")},
		{"an email definition by extId",
			`{"title":"Welcome","message":"<p>Hi</p>","platforms":["EMAIL"],"subject":"Welcome aboard"}`,
			`{"notificationKey":"%s","target":{"extId":["alice","bob","frank"]}}`,
			map[string]string{"alice/alice@example.com": "<p>Hi</p>"}, list("bob:NO_EMAIL_PERMISSION", "frank:NO_EMAIL")},
		{"an SMS definition by msisdn",
			`{"title":"Code","message":"Your code is @{code}","personalizedMessage":"Your code is @{code}","platforms":["SMS"]}`,
			`{"notificationKey":"%s","message":{"params":{"code":"1234"}},"target":{"msisdn":"905550000005"}}`,
			map[string]string{"erin/905550000005": "Your code is 1234"}, list()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			key := MustDefine(t, tn, tt.def)
			MustOK(t, "SendTransactional", sendTx(t, tn, fmt.Sprintf(tt.send, strconv.FormatInt(key, 10))))
			rec := MustNotification(t, tn, key)
			got := map[string]string{}
			for _, d := range rec.Deliveries {
				where := d.InstallationID
				if where == "" {
					where = d.Address
				}
				if _, twice := got[d.ExtID+"/"+where]; twice {
					t.Errorf("%s/%s got the send twice", d.ExtID, where)
				}
				got[d.ExtID+"/"+where] = d.Text
			}
			if diff := cmp.Diff(tt.wantTexts, got); diff != "" {
				t.Errorf("deliveries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExcluded, excluded(rec)); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
			if rec.Kind != state.KindTransactional || rec.NotificationKey != key {
				t.Errorf("kind %s key %d, want TRANSACTIONAL %d", rec.Kind, rec.NotificationKey, key)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestSendTransactionalRefusals(t *testing.T) {
	many := func(from, n int) string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("%q", fmt.Sprintf("u%d", from+i))
		}
		return "[" + strings.Join(ids, ",") + "]"
	}
	tests := []struct {
		name string
		body string // %s is a definition's key
		code int
	}{
		{"unknown key", `{"notificationKey":"999","target":{"extId":"alice"}}`, state.CodeMessageNotFound},
		{"a key that is no number", `{"notificationKey":"abc","target":{"extId":"alice"}}`, state.CodeMessageNotFound},
		{"no key", `{"target":{"extId":"alice"}}`, state.CodeMissingParameter},
		{"no target", `{"notificationKey":"%s"}`, state.CodeMissingParameter},
		{"one bad element refuses all", `[{"notificationKey":"%s","target":{"extId":"alice"}},{"notificationKey":"998","target":{"extId":"bob"}}]`, state.CodeMessageNotFound},
		{"bad ttl", `{"notificationKey":"%s","message":{"ttl":"soon"},"target":{"extId":"alice"}}`, state.CodeTypeMismatch},
		{"1001 unique IDs across elements", `[{"notificationKey":"%s","target":{"extId":` + many(0, 600) + `}},{"notificationKey":"%s","target":{"extId":` + many(400, 601) + `}}]`, state.CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			key := strconv.FormatInt(MustDefine(t, tn, `{"title":"T","message":"m","platforms":["IOS"]}`), 10)
			before := tn.Export()
			err := sendTx(t, tn, strings.ReplaceAll(tt.body, "%s", key))
			MustCode(t, "SendTransactional", err, tt.code, kindOf(tt.code))
			MustUnchanged(t, "a refused SendTransactional", before, tn)
			MustNoNotifications(t, tn)
		})
	}
}

// TestTransactionalChunks checks that each element of an array is its own
// capture, under its definition's key, and that the key's stats sum them.
func TestTransactionalChunks(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	k1 := MustDefine(t, tn, `{"title":"A","message":"a","platforms":["ANDROID"]}`)
	k2 := MustDefine(t, tn, `{"title":"B","message":"b","platforms":["ANDROID"],"inbox":true}`)
	body := fmt.Sprintf(`[{"notificationKey":"%d","target":{"extId":"alice"}},{"notificationKey":"%d","message":{"params":{"_nm_badge_count":5}},"target":{"extId":"carol"}},{"notificationKey":"%d","target":{"extId":"carol"}}]`, k1, k2, k1)
	MustOK(t, "SendTransactional", sendTx(t, tn, body))
	recs := tn.Notifications(state.NotificationFilter{Key: k1})
	if len(recs) != 2 {
		t.Fatalf("key %d has %d captures, want 2", k1, len(recs))
	}
	if got := string(recs[1].Request); got != fmt.Sprintf(`{"notificationKey":"%d","target":{"extId":"alice"}}`, k1) {
		t.Errorf("first element's request kept as %s", got)
	}
	stats, err := tn.PushStats(k1)
	MustOK(t, "PushStats", err)
	if want := []state.PlatformStats{{Platform: "ANDROID", Sent: 2}}; !cmp.Equal(want, stats.Stats) {
		t.Errorf("PushStats(%d).Stats = %+v, want %+v", k1, stats.Stats, want)
	}
	rec := MustNotification(t, tn, k2)
	if fmt.Sprint(rec.Params["_nm_badge_count"]) != "5" {
		t.Errorf("badge param %v, want 5", rec.Params)
	}
	page, err := tn.Inbox(state.InboxQuery{ExtID: "carol", Status: 7})
	MustOK(t, "Inbox", err)
	if len(page.Messages) != 1 || page.Messages[0].MsgID != k2 {
		t.Errorf("carol's inbox %+v, want the one inbox definition %d", page.Messages, k2)
	}
}

func TestSendEmailSms(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		code         int
		wantReached  []string
		wantExcluded []string
	}{
		{"email to an address", `{"target":{"email":"alice@example.com"},"platforms":["EMAIL"],"title":"T","message":"<p>x</p>","subject":"S"}`,
			0, list("alice/alice@example.com"), list()},
		{"email to a user without permission", `{"target":{"extId":"bob"},"platforms":["EMAIL"],"title":"T","message":"x"}`,
			0, list(), list("bob:NO_EMAIL_PERMISSION")},
		{"email to an address nobody has", `{"target":{"email":"target_email@example.com"},"platforms":["EMAIL"],"title":"T","message":"x"}`,
			0, list(), list("target_email@example.com:UNKNOWN_ADDRESS")},
		{"SMS", `{"target":{"msisdn":"905550000005"},"platforms":["SMS"],"title":"T","message":"x","smsIysMessageType":"N"}`,
			0, list("erin/905550000005"), list()},
		{"SMS without smsIysMessageType", `{"target":{"msisdn":"905550000005"},"platforms":["SMS"],"title":"T","message":"x"}`,
			state.CodeTypeMismatch, nil, nil},
		{"a push platform", `{"target":{"extId":"alice"},"platforms":["IOS"],"title":"T","message":"x"}`, state.CodeTypeMismatch, nil, nil},
		{"no target", `{"platforms":["EMAIL"],"title":"T","message":"x"}`, state.CodeMissingParameter, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			before := tn.Export()
			req := mustJSON[state.EmailSmsSend](t, tt.body)
			key, err := tn.SendEmailSms(req, []byte(tt.body))
			if tt.code != 0 {
				MustCode(t, "SendEmailSms", err, tt.code, state.KindInvalid)
				MustUnchanged(t, "a refused SendEmailSms", before, tn)
				return
			}
			MustOK(t, "SendEmailSms", err)
			if _, ok := tn.Definition(key); !ok {
				t.Errorf("no definition under the returned key %d", key)
			}
			rec := MustNotification(t, tn, key)
			if diff := cmp.Diff(tt.wantReached, reached(rec)); diff != "" {
				t.Errorf("reached (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExcluded, excluded(rec)); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSmsWithoutIysMessage checks the exact text recorded from the live API.
func TestSmsWithoutIysMessage(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	_, err := tn.SendEmailSms(state.EmailSmsSend{Target: &state.Target{Msisdn: []string{"1"}}, Platforms: []string{"SMS"}}, nil)
	var e *state.Error
	if !asError(err, &e) || e.Code != 2004 || e.Message != "Please add smsIysMessageType parameter into request!" {
		t.Errorf("SendEmailSms(SMS without smsIysMessageType) = %v, want 2004 \"Please add smsIysMessageType parameter into request!\"", err)
	}
}

func TestSendBulkEmail(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	body := `{"emailTemplateId":5,"subject":"Daily Bulletin","customParams":{"DATE":"16.05.2026"},"sendToAll":true}`
	key, err := tn.SendBulkEmail(mustJSON[state.BulkEmailSend](t, body), []byte(body))
	MustOK(t, "SendBulkEmail", err)
	rec := MustNotification(t, tn, key)
	if diff := cmp.Diff(list("alice/alice@example.com", "carol/carol@example.com", "erin/erin@example.com"), reached(rec)); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(list("bob:NO_EMAIL_PERMISSION", "dave:UNTRACKED", "frank:NO_EMAIL"), excluded(rec)); diff != "" {
		t.Errorf("excluded (-want +got):\n%s", diff)
	}
	if rec.Deliveries[0].Title != "Daily Bulletin" {
		t.Errorf("title %q, want the subject", rec.Deliveries[0].Title)
	}
	_, err = tn.SendBulkEmail(state.BulkEmailSend{Subject: "x"}, nil)
	MustCode(t, "SendBulkEmail(sendToAll false)", err, state.CodeMissingParameter, state.KindInvalid)
}
