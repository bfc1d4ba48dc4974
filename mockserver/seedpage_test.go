package mockserver_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// TestSeedPage replays every request of Netmera's User & Device Management
// page in the page's order, with its bodies, and checks each answers as
// the page documents.
// The page's comments are dropped; the first setProfileAttributes entry
// lost its profile in the page's text, and {"age":24} is the one the API
// reference (S1 in docs/fidelity.md) shows.
func TestSeedPage(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	steps := []struct {
		name, method, path, body string
		headers                  []string
		// want is the exact body of a read; writes answer an empty 200.
		want string
		// check looks at the state after the step.
		check func(t *testing.T)
	}{
		{name: "User Deletion", method: "POST", path: "deleteUsersPermanently", body: `{"extIds": ["externalid"]}`,
			check: func(t *testing.T) {
				if _, ok := findUser(h.MustDataset(t, testKey), "externalid"); ok {
					t.Errorf("externalid is still in /_mock/state")
				}
			}},
		{name: "Disable Push by extId", method: "POST", path: "disablePush", body: `{"extId": "id_in_my_system_1"}`,
			check: func(t *testing.T) { wantPush(t, h, "id_in_my_system_1", false) }},
		{name: "Disable Push by token", method: "POST", path: "disablePush", body: `{"deviceToken": "my_device_token"}`,
			check: func(t *testing.T) { wantPush(t, h, "id_in_my_system_1", false) }},
		{name: "Enable Push by extId", method: "POST", path: "enablePush", body: `{"extId": "id_in_my_system_1"}`,
			check: func(t *testing.T) { wantPush(t, h, "id_in_my_system_1", true) }},
		{name: "Enable Push by token", method: "POST", path: "enablePush", body: `{"deviceToken": "my_device_token"}`,
			check: func(t *testing.T) { wantPush(t, h, "id_in_my_system_1", true) }},
		{name: "Add Tags to Users", method: "POST", path: "tagUsers", body: `{"tag": "Sport", "extIds": ["id1", "id2"]}`,
			check: func(t *testing.T) { wantTags(t, h, map[string][]string{"id1": {"Sport", "VIP"}, "id2": {"Sport"}}) }},
		{name: "Remove Tags from Users", method: "POST", path: "untagUsers", body: `{"tag": "Sport", "extIds": ["id1", "id2"]}`,
			check: func(t *testing.T) { wantTags(t, h, map[string][]string{"id1": {"VIP"}, "id2": nil}) }},
		{name: "Category Preferences", method: "POST", path: "setCategoryPreferences",
			body: `[{"extId": "id1", "category": "Shopping", "enable": true}, {"extId": "id1", "category": "Promotion", "enable": false}]`},
		{name: "read back the preferences", method: "GET", path: "getCategoryPreferences?externalId=id1",
			want: `{"categoryPreferences":{"Haftalık Bülten":true,"Promotion":false,"Shopping":true}}`},
		{name: "Set Profile Attributes", method: "POST", path: "setProfileAttributes",
			body: `[{"extId": "id1", "profile": {"age": 24}}, {"extId": "id2", "profile": {"name": "John"}}]`},
		{name: "read back id2", method: "GET", path: "getProfileAttributes?extId=id2",
			want: `{"extId":"id2","profile":{"age":28,"email":"jane@example.com","lastVisitedProducts":["shirt"],"msisdn":"905312345678","name":"John"}}`},
		{name: "Unset Profile Attributes", method: "POST", path: "unsetProfileAttributes",
			body: `[{"extId": "id1", "profile": ["age"]}, {"extId": "id2", "profile": ["age", "name"]}]`},
		{name: "Delete Profile Attributes from All Users", method: "POST", path: "deleteProfileAttributes", body: `[{"profile": ["name", "age"]}]`},
		{name: "Get Profile Attributes", method: "GET", path: "getProfileAttributes?extId=id1",
			want: `{"extId":"id1","profile":{"dateOfBirth":624315600000,"email":"john.brown@example.com","isSubscribed":true,` +
				`"lastVisitedCategories":["shopping","promotion"],"lastVisitedProducts":["shirt","shoes"],"score":4.5,"surname":"Brown"}}`},
		{name: "Push Values to Array Attributes", method: "POST", path: "pushProfileAttributes",
			body: `[{"extId": "id1", "profile": {"lastVisitedCategories": ["shopping"]}}]`},
		{name: "Pull Attributes from Array Attributes", method: "POST", path: "pullProfileAttributes",
			body: `[{"extId": "id1", "profile": {"lastVisitedCategories": ["promotion"]}}]`},
		{name: "Delete Specific Profile Attributes from All Users", method: "POST", path: "deleteProfileAttributeValue",
			body: `[{"key": "lastVisitedProducts", "value": "shirt"}]`},
		{name: "read back the arrays", method: "GET", path: "getProfileAttributes?extId=id1",
			want: `{"extId":"id1","profile":{"dateOfBirth":624315600000,"email":"john.brown@example.com","isSubscribed":true,` +
				`"lastVisitedCategories":["shopping"],"lastVisitedProducts":["shoes"],"score":4.5,"surname":"Brown"}}`},
		{name: "Get Devices for a User", method: "GET", path: "getDevices?extId=id1&pushPermitted=true",
			want: `{"extId":"id1","devices":[{"platform":"ANDROID","token":"a1b2c3d4e5f6g7","deviceModel":"Pixel 5","pushPermitted":true}]}`},
		{name: "Get All Device Tokens", method: "GET", path: "getDeviceTokens?max=10&offset=0",
			headers: []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "restapi.netmera.com"},
			check: func(t *testing.T) {
				p, _ := h.tokensAt(t, "/rest/3.0/getDeviceTokens?max=10&offset=0", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "restapi.netmera.com")
				// One device went with externalid: the offset is a device
				// number (state.DeviceTokensFrom), and the first page held
				// numbers 0 to 10 but externalid's 7.
				if p.NextPage == nil || *p.NextPage != "https://restapi.netmera.com/rest/3.0/getDeviceTokens?offset=11&max=10" || p.Total != testDevices-1 || len(p.Devices) != 10 {
					t.Errorf("getDeviceTokens: nextPage %v, total %d, %d devices; want the documented nextPage, %d, 10", p.NextPage, p.Total, len(p.Devices), testDevices-1)
				}
			}},
		{name: "Pagination", method: "GET", path: "getDeviceTokens?offset=10&max=10",
			check: func(t *testing.T) {
				p, _ := h.tokensAt(t, "/rest/3.0/getDeviceTokens?offset=10&max=10")
				// Number 10 is user-003's device: the documentation's own
				// offset+max sees it again after a removal, and misses none.
				if len(p.Devices) != 10 || p.Devices[0]["installationId"] != "inst-user-003" {
					t.Errorf("getDeviceTokens?offset=10&max=10: %d devices starting %v, want 10 starting inst-user-003 (numbered 10: 8 named devices, then user-001…)", len(p.Devices), p.Devices[0])
				}
			}},
		{name: "Get Segments", method: "GET", path: "getSegments", headers: []string{"Content-Type", "application/json", iosHeader, "IOS"},
			want: `{"list":[{"id":5883,"name":"segment","userCount":252,"type":"PRODUCT_SEGMENT"},{"id":5884,"name":"brand","userCount":3,"type":"STANDARD"},` +
				`{"id":5885,"name":"connectors","userCount":null,"type":"CONNECTORS_SEGMENT"},{"id":5886,"name":"empty","userCount":0,"type":"STANDARD"}]}`},
		{name: "Get Segment Users", method: "GET", path: "getSegmentUsers?id=5883", headers: []string{"Content-Type", "application/json", iosHeader, "IOS"},
			check: func(t *testing.T) {
				p := h.segmentUsersAt(t, "/rest/3.0/getSegmentUsers?id=5883")
				if p.Name != "segment" || len(p.List) != 100 || p.NextPage == nil || p.List[0]["externalId"] != "id1" {
					t.Errorf("getSegmentUsers?id=5883 = %q with %d users, nextPage %v; want segment, 100, a nextPage", p.Name, len(p.List), p.NextPage)
				}
			}},
		{name: "Push Approval", method: "POST", path: "sendPushApproval", body: `[{"messageId": 0}]`,
			check: func(t *testing.T) {
				if m := h.MustDataset(t, testKey).Messages[0]; m.Status != state.MessageApproved {
					t.Errorf("message 0 is %s, want %s", m.Status, state.MessageApproved)
				}
			}},
		{name: "Enable Email", method: "POST", path: "enableMail", body: `{"extIds": ["your_extId"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your_extId", true, false) }},
		{name: "Disable Email", method: "POST", path: "disableMail", body: `{"extIds": ["your_extId"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your_extId", false, false) }},
		// The page's alternatives to extIds, commented out in its samples:
		// a placeholder address no user has, ignored.
		{name: "Enable Email by emailList", method: "POST", path: "enableMail", body: `{"emailList": ["your-email"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your_extId", false, false) }},
		{name: "Disable Email by emailList", method: "POST", path: "disableMail", body: `{"emailList": ["your-email"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your_extId", false, false) }},
		{name: "Update Email", method: "POST", path: "updateEmail", body: `{"extId": "your_extId", "email": "your_email"}`,
			check: func(t *testing.T) { wantProfileValue(t, h, "your_extId", "email", "your_email") }},
		{name: "Enable SMS", method: "POST", path: "enableSms", body: `{"extIds": ["your-extId"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your-extId", false, true) }},
		{name: "Disable SMS", method: "POST", path: "disableSms", body: `{"extIds": ["your-extId"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your-extId", false, false) }},
		{name: "Enable SMS by msisdnList", method: "POST", path: "enableSms", body: `{"msisdnList": ["your-msisdn"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your-extId", false, false) }},
		{name: "Disable SMS by msisdnList", method: "POST", path: "disableSms", body: `{"msisdnList": ["your-msisdn"]}`,
			check: func(t *testing.T) { wantChannels(t, h, "your-extId", false, false) }},
		{name: "Update MSISDN", method: "POST", path: "updateMsisdn", body: `{"extId": "your_extId", "msisdn": "your_msisdn"}`,
			check: func(t *testing.T) { wantProfileValue(t, h, "your_extId", "msisdn", "your_msisdn") }},
	}
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			r := h.Do(t, st.method, "/rest/3.0/"+st.path, st.body, st.headers...)
			call := st.method + " " + st.path + " " + st.body
			switch {
			case st.method == "POST":
				wantOK(t, call, r)
			case st.want != "":
				if r.Status != http.StatusOK || string(r.Body) != st.want+"\n" {
					t.Errorf("%s = %v, want 200 %s", call, r, st.want)
				}
			default:
				var v map[string]any
				wantJSON(t, call, r, &v)
			}
			if st.check != nil {
				st.check(t)
			}
		})
		if !ok {
			t.Fatalf("stopping at %q: later steps depend on it", st.name)
		}
	}
}

func findUser(d *state.Dataset, extID string) (state.UserRecord, bool) {
	for _, u := range d.Users {
		if u.ExtID == extID {
			return u, true
		}
	}
	return state.UserRecord{}, false
}

func wantPush(t *testing.T, h *harness, extID string, want bool) {
	t.Helper()
	for _, d := range h.devicesOf(t, "extId="+extID) {
		if d.PushPermitted != want {
			t.Errorf("getDevices?extId=%s: device %s pushPermitted %v, want %v", extID, d.Token, d.PushPermitted, want)
		}
	}
}

func wantTags(t *testing.T, h *harness, want map[string][]string) {
	t.Helper()
	got := map[string][]string{}
	for id := range want {
		got[id] = h.MustUser(t, id).Tags
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tags in /_mock/state mismatch (-want +got):\n%s", diff)
	}
}

func wantChannels(t *testing.T, h *harness, extID string, email, sms bool) {
	t.Helper()
	if u := h.MustUser(t, extID); u.EmailPermitted != email || u.SmsPermitted != sms {
		t.Errorf("/_mock/state of %s: email %v sms %v, want %v %v", extID, u.EmailPermitted, u.SmsPermitted, email, sms)
	}
}

func wantProfileValue(t *testing.T, h *harness, extID, key, want string) {
	t.Helper()
	got := h.profileOf(t, "extId="+extID)[key]
	if got != want {
		b, _ := json.Marshal(got)
		t.Errorf("getProfileAttributes?extId=%s: %s = %s, want %q", extID, key, b, want)
	}
}
