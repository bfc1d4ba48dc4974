package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// inboxDataset is testDataset with inboxes:
//
//   - id1: push instances 101 READ, 102 UNREAD, 103 DELETED, 104 UNREAD
//     (categories Shopping and an undefined one, labels, a deeplink, custom
//     params, personalized texts), 105 UNREAD, arriving a minute apart;
//   - id2: 106 UNREAD;
//   - your_extId: 25 UNREAD messages, 201…225.
func inboxDataset() *state.Dataset {
	d := testDataset()
	const t0 = int64(1_700_000_000_000)
	msg := func(piid int64, extID, status string, at int64) state.InboxMessage {
		return state.InboxMessage{PushInstanceID: piid, MsgID: 7000 + piid, ExtID: extID, Title: fmt.Sprintf("Title %d", piid),
			Message: fmt.Sprintf("Text %d", piid), Status: status, Sts: at}
	}
	rich := msg(104, "id1", "UNREAD", t0+3*60_000)
	rich.SubText, rich.Deeplink, rich.PersonalizedMsg = "Sub", "app://offers", "John, an offer"
	rich.Categories, rich.Labels = []string{"Shopping", "Not in the app"}, []string{"sale"}
	rich.CustomParams = json.RawMessage(`{"campaign":"spring"}`)
	d.Inbox = []state.InboxMessage{
		msg(101, "id1", "READ", t0), msg(102, "id1", "UNREAD", t0+60_000), msg(103, "id1", "DELETED", t0+2*60_000),
		rich, msg(105, "id1", "UNREAD", t0+4*60_000), msg(106, "id2", "UNREAD", t0),
	}
	for i := int64(1); i <= 25; i++ {
		d.Inbox = append(d.Inbox, msg(200+i, "your_extId", "UNREAD", t0+i))
	}
	return d
}

func inboxHarness(tb testing.TB, opts mockserver.Options) *harness {
	tb.Helper()
	return MustHarnessWith(tb, func() (*state.Dataset, error) { return inboxDataset(), nil }, state.Settings{}, opts, testKey, otherKey)
}

// inboxAnswer is getAllInbox's answer, decoded strictly.
type inboxAnswer struct {
	Msgs []map[string]any `json:"msgs"`
	Cnts map[string]int   `json:"cnts"`
	Prms *struct {
		Index int64 `json:"index"`
	} `json:"prms"`
}

// piids lists the push instance IDs of a page.
func (a inboxAnswer) piids() []string {
	out := []string{}
	for _, m := range a.Msgs {
		out = append(out, fmt.Sprint(m["pushInstanceId"]))
	}
	return out
}

func getAllInbox(tb testing.TB, h *harness, body string) inboxAnswer {
	tb.Helper()
	var a inboxAnswer
	wantJSON(tb, "POST inbox/getAllInbox "+body, h.Do(tb, http.MethodPost, "/rest/3.0/inbox/getAllInbox", body), &a)
	return a
}

// TestInboxPaging walks id1's inbox two messages at a time, following
// prms.index until a page comes without it.
func TestInboxPaging(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	var pages [][]string
	body := `{"extId":"id1","status":7,"numberOfNotification":2}`
	for range 10 {
		a := getAllInbox(t, h, body)
		pages = append(pages, a.piids())
		if diff := cmp.Diff(map[string]int{"1": 1, "2": 3, "4": 1}, a.Cnts); diff != "" {
			t.Errorf("cnts of every page (-want +got):\n%s", diff)
		}
		if a.Prms == nil {
			break
		}
		body = fmt.Sprintf(`{"extId":"id1","status":7,"numberOfNotification":2,"prms":{"index":%d}}`, a.Prms.Index)
	}
	want := [][]string{{"105", "104"}, {"103", "102"}, {"101"}}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}

// TestInboxLastPageHasNoPrms: a page that ends the inbox exactly has no
// prms either, and neither does the last one that follows a full page.
func TestInboxPageSizes(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	tests := []struct {
		name     string
		body     string
		wantN    int
		wantPrms bool
	}{
		{"default 20", `{"extId":"your_extId","status":2}`, 20, true},
		{"0 is the default", `{"extId":"your_extId","status":2,"numberOfNotification":0}`, 20, true},
		{"all at once", `{"extId":"your_extId","status":2,"numberOfNotification":25}`, 25, false},
		{"more than there are", `{"extId":"your_extId","status":2,"numberOfNotification":1000000}`, 25, false},
		{"after the default page", `{"extId":"your_extId","status":2,"prms":{"index":206}}`, 5, false},
		{"an unknown user", `{"extId":"nobody","status":7}`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := getAllInbox(t, h, tt.body)
			if len(a.Msgs) != tt.wantN || (a.Prms != nil) != tt.wantPrms {
				t.Errorf("%s: %d messages, prms %v; want %d, prms present %v", tt.body, len(a.Msgs), a.Prms, tt.wantN, tt.wantPrms)
			}
		})
	}
}

// TestInboxFilters checks status masks, dates and categories, and the
// counts that go with them.
func TestInboxFilters(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	tests := []struct {
		name     string
		body     string
		want     []string
		wantCnts map[string]int
	}{
		{"read", `{"extId":"id1","status":1}`, []string{"101"}, map[string]int{"1": 1}},
		{"unread", `{"extId":"id1","status":2}`, []string{"105", "104", "102"}, map[string]int{"2": 3}},
		{"read and unread", `{"extId":"id1","status":3}`, []string{"105", "104", "102", "101"}, map[string]int{"1": 1, "2": 3}},
		{"deleted", `{"extId":"id1","status":4}`, []string{"103"}, map[string]int{"4": 1}},
		{"8 matches nothing", `{"extId":"id1","status":8}`, []string{}, map[string]int{}},
		{"15 is all", `{"extId":"id1","status":15}`, []string{"105", "104", "103", "102", "101"}, map[string]int{"1": 1, "2": 3, "4": 1}},
		{"from a date", `{"extId":"id1","status":7,"startDate":1700000120000}`, []string{"105", "104", "103"}, map[string]int{"1": 0, "2": 2, "4": 1}},
		{"until a date", `{"extId":"id1","status":7,"endDate":1700000060000}`, []string{"102", "101"}, map[string]int{"1": 1, "2": 1, "4": 0}},
		{"a category by ID", `{"extId":"id1","status":7,"category":[1]}`, []string{"104"}, map[string]int{"1": 0, "2": 1, "4": 0}},
		{"another user's", `{"extId":"id2","status":2}`, []string{"106"}, map[string]int{"2": 1}},
		{"an unknown user", `{"extId":"nobody","status":2}`, []string{}, map[string]int{"2": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := getAllInbox(t, h, tt.body)
			if diff := cmp.Diff(tt.want, a.piids()); diff != "" {
				t.Errorf("%s: messages (-want +got):\n%s", tt.body, diff)
			}
			if diff := cmp.Diff(tt.wantCnts, a.Cnts); diff != "" {
				t.Errorf("%s: cnts (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

// richMessage is message 104 as both inbox endpoints show it.
const richMessage = `{"msgId":7104,"extID":"id1","pushInstanceId":104,"title":"Title 104","message":"Text 104",` +
	`"deeplink":"app://offers","androidMediaUrl":null,"iosMediaUrl":null,"androidThumbnail":null,` +
	`"personalizedMsg":"John, an offer","personalizedTitle":null,"subText":"Sub","status":"UNREAD",` +
	`"customParams":{"campaign":"spring"},"sts":1700000180000,"ctg":[1],"lbl":["sale"]}`

// TestInboxMessageShape: extID with a capital D, nulls for the texts a
// message lacks, category IDs, the same object in a page and alone.
func TestInboxMessageShape(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	r := h.Do(t, http.MethodGet, "/rest/3.0/inbox/get?piid=104", "")
	if r.Status != http.StatusOK || string(r.Body) != richMessage+"\n" {
		t.Errorf("GET inbox/get?piid=104 = %v, want 200 %s", r, richMessage)
	}
	page := h.Do(t, http.MethodPost, "/rest/3.0/inbox/getAllInbox", `{"extId":"id1","status":2,"numberOfNotification":1,"prms":{"index":105}}`)
	want := `{"msgs":[` + richMessage + `],"cnts":{"2":3},"prms":{"index":104}}` + "\n"
	if page.Status != http.StatusOK || string(page.Body) != want {
		t.Errorf("getAllInbox of message 104 = %v, want 200 %s", page, want)
	}
	plain := h.Do(t, http.MethodGet, "/rest/3.0/inbox/get?piid=106", "")
	wantPlain := `{"msgId":7106,"extID":"id2","pushInstanceId":106,"title":"Title 106","message":"Text 106","deeplink":null,` +
		`"androidMediaUrl":null,"iosMediaUrl":null,"androidThumbnail":null,"personalizedMsg":null,"personalizedTitle":null,` +
		`"subText":null,"status":"UNREAD","customParams":{},"sts":1700000000000,"ctg":[],"lbl":[]}` + "\n"
	if plain.Status != http.StatusOK || string(plain.Body) != wantPlain {
		t.Errorf("GET inbox/get?piid=106 = %v, want 200 %s", plain, wantPlain)
	}
}

// TestInboxGetUnknown: an unknown push instance ID answers 204 with no
// body and no Content-Type.
func TestInboxGetUnknown(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	for _, piid := range []string{"999", "0", "-5", "9223372036854775807"} {
		r := h.Do(t, http.MethodGet, "/rest/3.0/inbox/get?piid="+piid, "")
		if r.Status != http.StatusNoContent || len(r.Body) != 0 || r.Header.Get("Content-Type") != "" {
			t.Errorf("GET inbox/get?piid=%s = %v (Content-Type %q), want 204 with no body", piid, r, r.Header.Get("Content-Type"))
		}
	}
}

func TestInboxStatusChange(t *testing.T) {
	t.Parallel()
	h := inboxHarness(t, mockserver.Options{})
	// 105 read, 104 deleted; 106 is id2's and 999 nobody's: both ignored.
	wantOK(t, "statusChange", h.Do(t, http.MethodPost, "/rest/3.0/inbox/statusChange", `{"extId":"id1","piids":[105,106,999],"st":1}`))
	wantOK(t, "statusChange", h.Do(t, http.MethodPost, "/rest/3.0/inbox/statusChange", `{"extId":"id1","piids":[104],"st":4}`))
	wantOK(t, "statusChange of an unknown user", h.Do(t, http.MethodPost, "/rest/3.0/inbox/statusChange", `{"extId":"nobody","piids":[101],"st":2}`))
	wantOK(t, "statusChange of nothing", h.Do(t, http.MethodPost, "/rest/3.0/inbox/statusChange", `{"extId":"id1","piids":[],"st":2}`))
	a := getAllInbox(t, h, `{"extId":"id1","status":7}`)
	got := map[string]string{}
	for _, m := range a.Msgs {
		got[fmt.Sprint(m["pushInstanceId"])] = m["status"].(string)
	}
	want := map[string]string{"101": "READ", "102": "UNREAD", "103": "DELETED", "104": "DELETED", "105": "READ"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("id1's statuses after the changes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"1": 2, "2": 1, "4": 2}, a.Cnts); diff != "" {
		t.Errorf("cnts (-want +got):\n%s", diff)
	}
	r := h.Do(t, http.MethodGet, "/rest/3.0/inbox/get?piid=106", "")
	var m map[string]any
	wantJSON(t, "GET inbox/get?piid=106", r, &m)
	if m["status"] != "UNREAD" {
		t.Errorf("id2's message 106 is %v after id1 named it, want UNREAD", m["status"])
	}
}

// TestInboxRefusals: each refusal is a 400 in Netmera's envelope and
// changes nothing, with the validator or without it. The first three are
// the inbox regression tests' own requests and answers.
func TestInboxRefusals(t *testing.T) {
	t.Parallel()
	statusCode := envelope{Code: 2001, Error: "MsgInboxStatus should be matched with the specified code"}
	tests := []struct {
		name, method, path, body string
		want                     envelope
	}{
		{"no extId", "POST", "inbox/getAllInbox", `{"startDate":1730667600000,"endDate":1731358800000,"status":12}`, missing("extId")},
		{"no status", "POST", "inbox/getAllInbox", `{"extId":"nuat3","startDate":1730667600000,"endDate":1731358800000}`, missing("status")},
		{"neither", "POST", "inbox/getAllInbox", `{"startDate":1730667600000,"endDate":1731358800000}`, missing("extId")},
		{"status 16", "POST", "inbox/getAllInbox", `{"extId":"nuat3","startDate":1730667600000,"endDate":1731358800000,"status":16}`, statusCode},
		{"status 0", "POST", "inbox/getAllInbox", `{"extId":"id1","status":0}`, statusCode},
		{"status -1", "POST", "inbox/getAllInbox", `{"extId":"id1","status":-1}`, statusCode},
		{"empty extId", "POST", "inbox/getAllInbox", `{"extId":"","status":2}`, missing("extId")},
		{"null status", "POST", "inbox/getAllInbox", `{"extId":"id1","status":null}`, missing("status")},
		{"status a text", "POST", "inbox/getAllInbox", `{"extId":"id1","status":"2"}`, wrongType("status", "an integer")},
		{"status a fraction", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2.5}`, wrongType("status", "an integer")},
		{"extId a number", "POST", "inbox/getAllInbox", `{"extId":1,"status":2}`, wrongType("extId", "a text")},
		{"negative page", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2,"numberOfNotification":-1}`,
			wrongType("numberOfNotification", "a positive integer")},
		{"prms a number", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2,"prms":5}`, wrongType("prms", "an object")},
		{"index a text", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2,"prms":{"index":"104"}}`, wrongType("index", "an integer")},
		{"startDate a text", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2,"startDate":"yesterday"}`, wrongType("startDate", "an integer")},
		{"category of texts", "POST", "inbox/getAllInbox", `{"extId":"id1","status":2,"category":["Shopping"]}`, wrongType("category", "a list of integers")},
		{"an array body", "POST", "inbox/getAllInbox", `[{"extId":"id1","status":2}]`, invalidJSON},
		{"no piid", "GET", "inbox/get", ``, missing("piid")},
		{"piid a word", "GET", "inbox/get?piid=first", ``, wrongType("piid", "an integer")},
		{"change: no extId", "POST", "inbox/statusChange", `{"piids":[101],"st":1}`, missing("extId")},
		{"change: no piids", "POST", "inbox/statusChange", `{"extId":"id1","st":1}`, missing("piids")},
		{"change: no st", "POST", "inbox/statusChange", `{"extId":"id1","piids":[101]}`, missing("st")},
		{"change: st 3", "POST", "inbox/statusChange", `{"extId":"id1","piids":[101],"st":3}`, statusCode},
		{"change: st 7", "POST", "inbox/statusChange", `{"extId":"id1","piids":[101],"st":7}`, statusCode},
		{"change: piids of texts", "POST", "inbox/statusChange", `{"extId":"id1","piids":["101"],"st":1}`, wrongType("piids", "a list of integers")},
		{"change: piids a number", "POST", "inbox/statusChange", `{"extId":"id1","piids":101,"st":1}`, wrongType("piids", "a list")},
		{"change: st a text", "POST", "inbox/statusChange", `{"extId":"id1","piids":[101],"st":"READ"}`, wrongType("st", "an integer")},
	}
	for _, validation := range []bool{true, false} {
		h := inboxHarness(t, mockserver.Options{NoValidation: !validation})
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s validation %v", tt.name, validation), func(t *testing.T) {
				before := h.MustState(t, testKey)
				call := tt.method + " " + tt.path + " " + tt.body
				wantError(t, call, h.Do(t, tt.method, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest, tt.want)
				h.wantUnchanged(t, call, before)
			})
		}
	}
}

// TestInboxOfASend: a transactional send of a definition with inbox: true
// puts one message in the inbox of each user it reaches, which the inbox
// endpoints show with the send's key as msgId.
func TestInboxOfASend(t *testing.T) {
	t.Parallel()
	d := testDataset()
	d.Definitions = []state.DefinitionRecord{{NotificationKey: 40, CreatedAt: 1, Message: state.MessageContent{
		Title: "Weekly", Text: "Your summary", Platforms: []string{state.PlatformIOS, state.PlatformAndroid}, Inbox: true}}}
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return d, nil }, state.Settings{}, mockserver.Options{}, testKey)
	tn, _ := h.Store.Tenant(testKey)
	body := `{"notificationKey":"40","target":{"extId":["id1","id_in_my_system_1","nobody"]}}`
	var req state.TransactionalSend
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	if err := tn.SendTransactional([]state.TransactionalSend{req}, []byte(body)); err != nil {
		t.Fatalf("SendTransactional(%s) = %v", body, err)
	}
	for _, user := range []string{"id1", "id_in_my_system_1"} {
		a := getAllInbox(t, h, `{"extId":"`+user+`","status":2}`)
		if len(a.Msgs) != 1 || fmt.Sprint(a.Msgs[0]["msgId"]) != "40" || a.Msgs[0]["extID"] != user || a.Msgs[0]["title"] != "Weekly" {
			t.Errorf("%s's inbox = %+v, want the one message of key 40", user, a.Msgs)
		}
	}
}
