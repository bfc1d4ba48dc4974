package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// wantProblemStatus checks a problem detail answer whose text is not
// pinned: its status, content type, title and instance.
func wantProblemStatus(tb testing.TB, what string, r reply, status int, instance string) {
	tb.Helper()
	if r.Status != status {
		tb.Errorf("%s = %v, want status %d", what, r, status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		tb.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var got problem
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		tb.Errorf("%s: body %q is not a problem detail: %v", what, r.Body, err)
		return
	}
	if got.Status != status || got.Title != http.StatusText(status) || got.Type != "about:blank" || got.Instance != instance || got.Detail == "" {
		tb.Errorf("%s: problem %+v, want status %d, title %q, instance %s and a detail", what, got, status, http.StatusText(status), instance)
	}
}

// control sends a control call as key and wants status, decoding the
// JSON answer into v when v is not nil.
func (h *harness) control(tb testing.TB, key, method, path, body string, status int, v any) reply {
	tb.Helper()
	r := h.DoKey(tb, key, method, path, body)
	if r.Status != status {
		tb.Fatalf("%s %s %s = %v, want %d", method, path, body, r, status)
	}
	if v != nil {
		MustUnmarshal(tb, method+" "+path, r.Body, v)
	}
	return r
}

func TestControlUsers(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})

	var stored state.UserRecord
	h.control(t, testKey, http.MethodPost, "/_mock/users",
		`{"extId":"ada","tags":["vip"],"profile":{"name":"Ada","age":36},"emailPermitted":true}`, http.StatusOK, &stored)
	want := state.UserRecord{ExtID: "ada", Tags: []string{"vip"}, Profile: map[string]any{"name": "Ada", "age": json.Number("36")}, EmailPermitted: true}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("POST /_mock/users answer mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"name": "Ada", "age": json.Number("36")}, h.profileOf(t, "extId=ada")); diff != "" {
		t.Errorf("getProfileAttributes?extId=ada after POST /_mock/users mismatch (-want +got):\n%s", diff)
	}
	var untagged struct {
		NotExist []string `json:"notExist"`
	}
	wantJSON(t, "POST untagUsers vip", h.Do(t, http.MethodPost, "/rest/3.0/untagUsers", `{"tag":"vip","extIds":["ada"],"checkExistence":true}`), &untagged)
	if len(untagged.NotExist) != 0 {
		t.Errorf("untagUsers of ada's tag vip says notExist %q, want ada to exist", untagged.NotExist)
	}

	// An existing user is replaced whole; its devices stay.
	h.control(t, testKey, http.MethodPost, "/_mock/users", `{"extId":"id1","tags":["New"]}`, http.StatusOK, nil)
	if got := h.profileOf(t, "extId=id1"); len(got) != 0 {
		t.Errorf("getProfileAttributes?extId=id1 after replacing id1 without a profile = %v, want empty", got)
	}
	if got := h.MustUser(t, "id1"); !cmp.Equal(got.Tags, []string{"New"}) || got.EmailPermitted {
		t.Errorf("id1 after POST /_mock/users {tags:[New]} = %+v, want tags [New], no email permission", got)
	}
	if got := h.devicesOf(t, "extId=id1"); len(got) != 2 {
		t.Errorf("getDevices?extId=id1 after replacing id1 = %+v, want its 2 installed devices", got)
	}
}

// TestControlUserDetail: GET /_mock/users?extId= shows one user whole,
// devices and segments included, and follows the API's writes; any
// external ID can be asked for, "/" and ".." included.
func TestControlUserDetail(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantOK(t, "tagUsers", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Gold","extIds":["id2"]}`))
	wantOK(t, "disablePush", h.Do(t, http.MethodPost, "/rest/3.0/disablePush", `{"extId":"id2"}`))
	var got state.UserDetail
	h.control(t, testKey, http.MethodGet, "/_mock/users?extId=id2", "", http.StatusOK, &got)
	tn, _ := h.Store.Tenant(testKey)
	detail, _ := tn.UserDetail("id2")
	b, err := json.Marshal(detail)
	if err != nil {
		t.Fatal(err)
	}
	var want state.UserDetail
	MustUnmarshal(t, "the tenant's UserDetail", b, &want)
	if !slices.Contains(got.Tags, "Gold") || len(got.Devices) == 0 || got.Devices[0].PushPermitted || len(got.Segments) == 0 {
		t.Errorf("GET /_mock/users?extId=id2 = %+v, want tag Gold, its devices with push off, its segments", got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /_mock/users?extId=id2 differs from the tenant's UserDetail (-tenant +answer):\n%s", diff)
	}
	for _, id := range []string{"a/../b", "..", "x//y", "ü ?#%"} {
		h.control(t, testKey, http.MethodPost, "/_mock/users", `{"extId":"`+id+`","tags":["odd"]}`, http.StatusOK, nil)
		h.control(t, testKey, http.MethodGet, "/_mock/users?extId="+url.QueryEscape(id), "", http.StatusOK, &got)
		if got.ExtID != id {
			t.Errorf("GET /_mock/users?extId=%s answered user %q", url.QueryEscape(id), got.ExtID)
		}
	}
	r := h.DoKey(t, testKey, http.MethodGet, "/_mock/users?extId=nobody", "")
	wantProblemStatus(t, "GET /_mock/users?extId=nobody", r, http.StatusNotFound, "/_mock/users")
	r = h.DoKey(t, testKey, http.MethodGet, "/_mock/users", "")
	wantProblemStatus(t, "GET /_mock/users without extId", r, http.StatusBadRequest, "/_mock/users")
	r = h.DoKey(t, "wrong-key", http.MethodGet, "/_mock/users?extId=id2", "")
	if r.Status != http.StatusForbidden {
		t.Errorf("GET /_mock/users?extId=id2 with a wrong key = %v, want 403", r)
	}
}

func TestControlDevices(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tokensTotal := func() (int, []map[string]any) {
		t.Helper()
		var page struct {
			Total   int              `json:"total"`
			Devices []map[string]any `json:"devices"`
		}
		wantJSON(t, "GET getDeviceTokens?max=1000", h.Do(t, http.MethodGet, "/rest/3.0/getDeviceTokens?max=1000", ""), &page)
		return page.Total, page.Devices
	}

	// A new installation of a new user, with a made-up installation ID.
	var stored state.DeviceRecord
	h.control(t, testKey, http.MethodPost, "/_mock/devices",
		`{"extId":"dev-user","platform":"ANDROID","token":"tok-new","deviceModel":"Pixel 9","pushPermitted":true}`, http.StatusOK, &stored)
	if stored.InstallationID == "" {
		t.Errorf("POST /_mock/devices without installationId answered %+v, want a made-up installationId", stored)
	}
	want := state.DeviceRecord{InstallationID: stored.InstallationID, ExtID: "dev-user", Platform: "ANDROID", Token: "tok-new", DeviceModel: "Pixel 9", PushPermitted: true}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("POST /_mock/devices answer mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]deviceView{{"ANDROID", "tok-new", "Pixel 9", true}}, h.devicesOf(t, "extId=dev-user")); diff != "" {
		t.Errorf("getDevices?extId=dev-user after POST /_mock/devices mismatch (-want +got):\n%s", diff)
	}
	total, devices := tokensTotal()
	if total != testDevices+1 {
		t.Errorf("getDeviceTokens total after POST /_mock/devices = %d, want %d", total, testDevices+1)
	}
	wantEntry := map[string]any{"installationId": stored.InstallationID, "platform": "ANDROID", "extId": "dev-user", "deviceToken": "tok-new",
		"token": "tok-new", "deviceModel": "Pixel 9", "pushPermitted": true}
	if len(devices) == 0 || !cmp.Equal(devices[len(devices)-1], wantEntry) {
		t.Errorf("getDeviceTokens: the last entry after POST /_mock/devices is not the new device %v", wantEntry)
	}
	if _, found := findUser(h.MustDataset(t, testKey), "dev-user"); !found {
		t.Errorf("POST /_mock/devices for the unknown user dev-user did not create the user")
	}
	// The token leads to the new device's user.
	wantOK(t, "POST setProfileAttributes by deviceToken tok-new",
		h.Do(t, http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"deviceToken":"tok-new","profile":{"name":"Dev"}}]`))
	if got := h.profileOf(t, "extId=dev-user"); got["name"] != "Dev" {
		t.Errorf("getProfileAttributes?extId=dev-user after setting a name by its device's token = %v, want name Dev", got)
	}

	// Updating a known installation: id1's iPhone gets push permission.
	h.control(t, testKey, http.MethodPost, "/_mock/devices",
		`{"installationId":"inst-id1-ios","extId":"id1","platform":"IOS","token":"ios-token-id1","deviceModel":"iPhone 13","pushPermitted":true}`, http.StatusOK, nil)
	wantPermitted := []deviceView{{"ANDROID", "a1b2c3d4e5f6g7", "Pixel 5", true}, {"IOS", "ios-token-id1", "iPhone 13", true}}
	if diff := cmp.Diff(wantPermitted, h.devicesOf(t, "extId=id1&pushPermitted=true")); diff != "" {
		t.Errorf("getDevices?extId=id1&pushPermitted=true after updating inst-id1-ios mismatch (-want +got):\n%s", diff)
	}
	if total, _ := tokensTotal(); total != testDevices+1 {
		t.Errorf("getDeviceTokens total after updating a known installation = %d, want %d (no new device)", total, testDevices+1)
	}
}

func TestControlSegments(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	var created struct {
		ID int64 `json:"id"`
	}
	h.control(t, testKey, http.MethodPost, "/_mock/segments", `{"name":"VIPs","createdAt":1800000000000,"members":["user-001","id1"]}`, http.StatusOK, &created)
	if created.ID != emptySegmentID+1 {
		t.Errorf("POST /_mock/segments without id = %d, want the next free ID %d", created.ID, emptySegmentID+1)
	}
	var segs struct {
		List []struct {
			ID        int64  `json:"id"`
			Name      string `json:"name"`
			UserCount *int   `json:"userCount"`
			Type      string `json:"type"`
		} `json:"list"`
	}
	wantJSON(t, "GET getSegments", h.Do(t, http.MethodGet, "/rest/3.0/getSegments", "", iosHeader, "IOS"), &segs)
	if len(segs.List) == 0 || segs.List[0].ID != created.ID || segs.List[0].Name != "VIPs" || segs.List[0].Type != state.SegmentStandard ||
		segs.List[0].UserCount == nil || *segs.List[0].UserCount != 2 {
		t.Errorf("getSegments after POST /_mock/segments: first (newest) entry %+v, want id %d VIPs STANDARD with 2 users", segs.List[0], created.ID)
	}
	var users segmentUsersPage
	wantJSON(t, "GET getSegmentUsers", h.Do(t, http.MethodGet, "/rest/3.0/getSegmentUsers?id=5887", "", iosHeader, "IOS"), &users)
	var got []string
	for _, u := range users.List {
		got = append(got, u["externalId"])
	}
	if users.Name != "VIPs" || !cmp.Equal(got, []string{"user-001", "id1"}) {
		t.Errorf("getSegmentUsers?id=5887 = %q %q, want VIPs [user-001 id1]", users.Name, got)
	}

	// Replacing a segment by ID.
	h.control(t, testKey, http.MethodPost, "/_mock/segments", `{"id":5884,"name":"brand","type":"STANDARD","members":["id2"]}`, http.StatusOK, nil)
	wantJSON(t, "GET getSegmentUsers", h.Do(t, http.MethodGet, "/rest/3.0/getSegmentUsers?id=5884", "", iosHeader, "IOS"), &users)
	if len(users.List) != 1 || users.List[0]["externalId"] != "id2" {
		t.Errorf("getSegmentUsers?id=5884 after replacing it with [id2] = %+v", users.List)
	}
}

func TestControlAttributes(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	set := `[{"extId":"id2","profile":{"tier":"gold"}}]`
	// Netmera drops an undefined attribute.
	wantOK(t, "POST setProfileAttributes tier (undefined)", h.Do(t, http.MethodPost, "/rest/3.0/setProfileAttributes", set))
	if got := h.profileOf(t, "extId=id2"); got["tier"] != nil {
		t.Fatalf("setProfileAttributes stored the undefined attribute tier: %v", got)
	}
	var def state.AttributeDef
	h.control(t, testKey, http.MethodPost, "/_mock/attributes", `{"code":"tier","dataType":"STRING"}`, http.StatusOK, &def)
	if want := (state.AttributeDef{Code: "tier", DataType: state.TypeString}); def != want {
		t.Errorf("POST /_mock/attributes = %+v, want %+v", def, want)
	}
	wantOK(t, "POST setProfileAttributes tier (defined)", h.Do(t, http.MethodPost, "/rest/3.0/setProfileAttributes", set))
	if got := h.profileOf(t, "extId=id2"); got["tier"] != "gold" {
		t.Errorf("getProfileAttributes?extId=id2 after defining tier and setting it = %v, want tier gold", got)
	}
	if got := h.customAttributes(t); got["tier"] != "STRING" {
		t.Errorf("app/profile-attributes after POST /_mock/attributes = %v, want tier STRING", got)
	}
	h.control(t, testKey, http.MethodPost, "/_mock/attributes", `{"code":"sizes","dataType":"INTEGER","isArray":true}`, http.StatusOK, nil)
	wantOK(t, "POST pushProfileAttributes sizes", h.Do(t, http.MethodPost, "/rest/3.0/pushProfileAttributes", `[{"extId":"id2","profile":{"sizes":[38,40]}}]`))
	if got := h.profileOf(t, "extId=id2")["sizes"]; !cmp.Equal(got, []any{json.Number("38"), json.Number("40")}) {
		t.Errorf("id2's sizes after defining an INTEGER array and pushing [38,40] = %v", got)
	}
}

func TestControlCategories(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	set := `[{"extId":"id2","category":"Deals","enable":false}]`
	prefs := func() map[string]bool {
		t.Helper()
		var got struct {
			CategoryPreferences map[string]bool `json:"categoryPreferences"`
		}
		wantJSON(t, "GET getCategoryPreferences", h.Do(t, http.MethodGet, "/rest/3.0/getCategoryPreferences?externalId=id2", ""), &got)
		return got.CategoryPreferences
	}
	wantOK(t, "POST setCategoryPreferences Deals (undefined)", h.Do(t, http.MethodPost, "/rest/3.0/setCategoryPreferences", set))
	if _, ok := prefs()["Deals"]; ok {
		t.Fatalf("getCategoryPreferences lists the undefined category Deals: %v", prefs())
	}
	var stored state.Category
	h.control(t, testKey, http.MethodPost, "/_mock/categories", `{"name":"Deals"}`, http.StatusOK, &stored)
	if want := (state.Category{ID: 4, Name: "Deals"}); stored != want {
		t.Errorf("POST /_mock/categories {name:Deals} = %+v, want %+v", stored, want)
	}
	if got, ok := prefs()["Deals"]; !ok || !got {
		t.Errorf("getCategoryPreferences after defining Deals = %v, want Deals true (opted in by default)", prefs())
	}
	wantOK(t, "POST setCategoryPreferences Deals (defined)", h.Do(t, http.MethodPost, "/rest/3.0/setCategoryPreferences", set))
	if got, ok := prefs()["Deals"]; !ok || got {
		t.Errorf("getCategoryPreferences after disabling Deals = %v, want Deals false", prefs())
	}
}

func TestControlMessages(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	approve := `[{"messageId":8}]`
	wantError(t, "POST sendPushApproval 8 before it exists", h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", approve),
		http.StatusBadRequest, envelope{Code: 5003, Error: "Message with given messageId could not be found"})
	var stored state.MessageRecord
	h.control(t, testKey, http.MethodPost, "/_mock/messages", `{"title":"Hi","text":"Sale","platforms":["IOS"]}`, http.StatusOK, &stored)
	want := state.MessageRecord{MessageID: 8, Title: "Hi", Text: "Sale", Platforms: []string{"IOS"}, Status: state.MessageWaitingApproval}
	if diff := cmp.Diff(want, stored); diff != "" {
		t.Errorf("POST /_mock/messages answer mismatch (-want +got):\n%s", diff)
	}
	wantOK(t, "POST sendPushApproval 8", h.Do(t, http.MethodPost, "/rest/3.0/sendPushApproval", approve))
	for _, m := range h.MustDataset(t, testKey).Messages {
		if m.MessageID == 8 && m.Status != state.MessageApproved {
			t.Errorf("message 8 after sendPushApproval has status %s, want APPROVED", m.Status)
		}
	}
}

// TestControlRejects sends each control write bodies it must refuse: 400
// as a problem detail, and the tenant unchanged, byte for byte.
func TestControlRejects(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		path  string
		name  string
		body  string
		extra string // in the detail, when the message matters
	}{
		{"users", "not JSON", `{"extId":`, ""},
		{"users", "empty body", ``, ""},
		{"users", "two values", `{"extId":"a"}{"extId":"b"}`, "more than one"},
		{"users", "unknown field", `{"extId":"a","nickname":"x"}`, "nickname"},
		{"users", "empty extId", `{"extId":"","tags":["x"]}`, "empty extId"},
		{"users", "undefined attribute", `{"extId":"id1","profile":{"colour":"red"}}`, "colour"},
		{"users", "wrong type", `{"extId":"id1","profile":{"age":"old"}}`, "age"},
		{"users", "undefined category", `{"extId":"id1","categories":[{"category":"Nope","channel":"PUSH","enabled":true}]}`, "Nope"},
		{"users", "wrong field type", `{"extId":7}`, ""},
		{"devices", "unknown platform", `{"extId":"newcomer","platform":"NOKIA"}`, "NOKIA"},
		{"devices", "token of another installation", `{"installationId":"new-inst","extId":"newcomer","platform":"IOS","token":"a1b2c3d4e5f6g7"}`, "inst-id1-android"},
		{"devices", "made-up ID and a taken token", `{"platform":"IOS","token":"anon-token"}`, "inst-anon"},
		{"devices", "unknown field", `{"platform":"IOS","os":"17"}`, "os"},
		{"segments", "unknown member", `{"name":"x","members":["id1","ghost"]}`, "ghost"},
		{"segments", "unknown type", `{"name":"x","type":"DYNAMIC"}`, "DYNAMIC"},
		{"segments", "members not a list", `{"name":"x","members":"id1"}`, ""},
		{"attributes", "empty code", `{"dataType":"STRING"}`, "empty code"},
		{"attributes", "unknown type", `{"code":"x","dataType":"TEXT"}`, "TEXT"},
		{"attributes", "redefinition", `{"code":"age","dataType":"STRING"}`, "already defined"},
		{"categories", "empty name", `{"id":9}`, "empty name"},
		{"categories", "taken ID", `{"id":1,"name":"Other"}`, "Shopping"},
		{"categories", "taken name", `{"name":"Shopping"}`, "twice"},
		{"messages", "taken ID", `{"messageId":7,"title":"x"}`, "twice"},
		{"messages", "unknown status", `{"title":"x","status":"SENT"}`, "SENT"},
		{"seed", "negative users", `{"seed":2,"users":-1}`, "users"},
		{"seed", "more users than the server allows", `{"seed":2,"users":2000001}`, "max-seed-users"},
		{"seed", "unknown field", `{"seed":2,"tenants":3}`, "tenants"},
		{"seed", "not JSON", `seed=2`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			other := h.MustState(t, otherKey)
			call := "POST /_mock/" + tt.path + " " + tt.body
			r := h.Do(t, http.MethodPost, "/_mock/"+tt.path, tt.body)
			wantProblemStatus(t, call, r, http.StatusBadRequest, "/_mock/"+tt.path)
			if !strings.Contains(string(r.Body), tt.extra) {
				t.Errorf("%s = %v, want a detail mentioning %q", call, r, tt.extra)
			}
			h.wantUnchanged(t, call, before)
			if got := h.MustState(t, otherKey); !bytes.Equal(got, other) {
				t.Errorf("%s as %s changed the tenant of %s", call, testKey, otherKey)
			}
		})
	}
}

// TestSeedUsersBound: Options.MaxSeedUsers is the most users one seed
// request may ask for, and a request over it changes nothing.
func TestSeedUsersBound(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{MaxSeedUsers: 30})
	before := h.MustState(t, testKey)
	r := h.Do(t, http.MethodPost, "/_mock/seed", `{"seed":2,"users":31}`)
	wantProblemStatus(t, "seed of 31 users", r, http.StatusBadRequest, "/_mock/seed")
	h.wantUnchanged(t, "seed of 31 users", before)
	var seeded struct {
		Counts state.Counts `json:"counts"`
	}
	h.control(t, testKey, http.MethodPost, "/_mock/seed", `{"seed":2,"users":30}`, http.StatusOK, &seeded)
	if seeded.Counts.Users < 30 {
		t.Errorf("seed of 30 users gave %+v", seeded.Counts)
	}
}

// TestControlNeedsKey checks that every control call acting on a tenant
// refuses a missing or unknown key as the API does.
func TestControlNeedsKey(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/_mock/state", ""},
		{http.MethodPut, "/_mock/state", "{}"},
		{http.MethodPost, "/_mock/reset", ""},
		{http.MethodPost, "/_mock/seed", `{"seed":2,"users":5}`},
		{http.MethodPost, "/_mock/users", `{"extId":"x"}`},
		{http.MethodPost, "/_mock/devices", `{"platform":"IOS"}`},
		{http.MethodPost, "/_mock/segments", `{"name":"x"}`},
		{http.MethodPost, "/_mock/attributes", `{"code":"x","dataType":"STRING"}`},
		{http.MethodPost, "/_mock/categories", `{"name":"x"}`},
		{http.MethodPost, "/_mock/messages", `{"title":"x"}`},
		{http.MethodGet, "/_mock/requests", ""},
		{http.MethodDelete, "/_mock/requests", ""},
		{http.MethodPost, "/_mock/faults", `{"path":"*","status":500}`},
		{http.MethodGet, "/_mock/faults", ""},
		{http.MethodDelete, "/_mock/faults", ""},
		{http.MethodDelete, "/_mock/faults/f1", ""},
	}
	before := h.MustState(t, testKey)
	for _, rt := range routes {
		for _, key := range []string{"", "not-a-key"} {
			wantError(t, rt.method+" "+rt.path+" with key "+jsonString(key), h.DoKey(t, key, rt.method, rt.path, rt.body),
				http.StatusForbidden, envelope{Code: 2010, Error: "API key is invalid"})
		}
	}
	h.wantUnchanged(t, "control calls with bad keys", before)
}

func TestImportExportRoundTrip(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	first := h.MustState(t, testKey)
	writes := []struct{ path, body string }{
		{"/rest/3.0/tagUsers", `{"tag":"Gone","extIds":["id1","user-001"]}`},
		{"/rest/3.0/deleteUsersPermanently", `{"extIds":["id2"]}`},
		{"/_mock/devices", `{"extId":"someone","platform":"IOS","token":"t-x"}`},
		{"/_mock/segments", `{"name":"later","members":["id1"]}`},
		{"/_mock/attributes", `{"code":"tier","dataType":"STRING"}`},
		{"/_mock/categories", `{"name":"Deals"}`},
		{"/_mock/messages", `{"title":"new"}`},
	}
	for _, w := range writes {
		if r := h.Do(t, http.MethodPost, w.path, w.body); r.Status != http.StatusOK {
			t.Fatalf("POST %s %s = %v, want 200", w.path, w.body, r)
		}
	}
	if mutated := h.MustState(t, testKey); bytes.Equal(mutated, first) {
		t.Fatalf("the writes did not change GET /_mock/state")
	}
	var imported struct {
		Status string       `json:"status"`
		Counts state.Counts `json:"counts"`
	}
	h.control(t, testKey, http.MethodPut, "/_mock/state", string(first), http.StatusOK, &imported)
	if want := (state.Counts{Users: testUsers, Devices: testDevices, Segments: 4, Messages: 2}); imported.Status != "imported" || imported.Counts != want {
		t.Errorf("PUT /_mock/state = %+v, want imported with counts %+v", imported, want)
	}
	if again := h.MustState(t, testKey); !bytes.Equal(again, first) {
		t.Errorf("GET /_mock/state after PUT of the first export differs from it (-first +again):\n%s", cmp.Diff(string(first), string(again)))
	}
	// The imported state is live: reads and writes see it.
	if got := h.profileOf(t, "extId=id2"); got["name"] != "Jane" {
		t.Errorf("getProfileAttributes?extId=id2 after the import = %v, want Jane back", got)
	}

	corrupt := []struct{ name, body string }{
		{"not JSON", `{"users":[`},
		{"empty body", ``},
		{"two values", `{} {}`},
		{"unknown field", `{"people":[]}`},
		{"wrong version", `{"version":99}`},
		{"duplicate user", `{"users":[{"extId":"a"},{"extId":"a"}]}`},
		{"device of an unknown user", `{"devices":[{"installationId":"i","extId":"ghost","platform":"IOS"}]}`},
		{"token used twice", `{"devices":[{"installationId":"i","platform":"IOS","token":"t"},{"installationId":"j","platform":"IOS","token":"t"}]}`},
		{"unknown attribute type", `{"attributes":[{"code":"x","dataType":"TEXT"}]}`},
		{"profile value of the wrong type", `{"attributes":[{"code":"age","dataType":"INTEGER"}],"users":[{"extId":"a","profile":{"age":"old"}}]}`},
		{"segment of an unknown member", `{"segments":[{"id":1,"name":"s","type":"STANDARD","members":["ghost"]}]}`},
		{"message of an unknown status", `{"messages":[{"messageId":1,"title":"x","status":"SENT"}]}`},
		{"wrong type", `{"users":{"extId":"a"}}`},
	}
	for _, tt := range corrupt {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := "PUT /_mock/state " + tt.name
			wantProblemStatus(t, call, h.Do(t, http.MethodPut, "/_mock/state", tt.body), http.StatusBadRequest, "/_mock/state")
			h.wantUnchanged(t, call, before)
		})
	}
}

func TestSeedThenReset(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	seeded := h.MustState(t, testKey)
	other := h.MustState(t, otherKey)

	const spec = `{"seed":7,"users":20,"segments":2,"messages":3}`
	var answer struct {
		Status string              `json:"status"`
		Seed   mockserver.SeedSpec `json:"seed"`
		Counts state.Counts        `json:"counts"`
	}
	h.control(t, testKey, http.MethodPost, "/_mock/seed", spec, http.StatusOK, &answer)
	reseeded := h.MustState(t, testKey)
	if bytes.Equal(reseeded, seeded) {
		t.Fatalf("POST /_mock/seed %s did not change the state", spec)
	}
	if got := h.MustState(t, otherKey); !bytes.Equal(got, other) {
		t.Errorf("POST /_mock/seed as %s changed the tenant of %s", testKey, otherKey)
	}
	// The tenant holds what the generator makes of the spec, byte for byte.
	opts := fixtures.Options{Seed: 7, Users: 20, Segments: 2, Messages: 3}
	gen := MustHarnessWith(t, func() (*state.Dataset, error) { return fixtures.Generate(opts) }, state.Settings{}, mockserver.Options{}, testKey)
	if want := gen.MustState(t, testKey); !bytes.Equal(reseeded, want) {
		t.Errorf("after POST /_mock/seed %s the state is not fixtures.Generate(%+v) (-want +got):\n%s", spec, opts, cmp.Diff(string(want), string(reseeded)))
	}
	var d state.Dataset
	MustUnmarshal(t, "GET /_mock/state", reseeded, &d)
	wantCounts := state.Counts{Users: len(d.Users), Devices: len(d.Devices), Segments: len(d.Segments), Messages: len(d.Messages)}
	if answer.Status != "seeded" || answer.Seed != (mockserver.SeedSpec{Seed: 7, Users: 20, Segments: 2, Messages: 3}) ||
		answer.Counts != wantCounts || wantCounts.Users != 20 {
		t.Errorf("POST /_mock/seed %s = %+v, want seeded, the spec and counts %+v with 20 users", spec, answer, wantCounts)
	}

	// Resets return to the new seed's data.
	wantOK(t, "POST tagUsers", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"AfterSeed","extIds":["id1"]}`))
	if got := h.MustState(t, testKey); bytes.Equal(got, reseeded) {
		t.Fatalf("tagUsers after the seed changed nothing")
	}
	h.control(t, testKey, http.MethodPost, "/_mock/reset", "", http.StatusOK, nil)
	if got := h.MustState(t, testKey); !bytes.Equal(got, reseeded) {
		t.Errorf("POST /_mock/reset after POST /_mock/seed did not return to the new seed's data (-seeded +got):\n%s", cmp.Diff(string(reseeded), string(got)))
	}
	wantOK(t, "POST tagUsers as "+otherKey, h.DoKey(t, otherKey, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Other","extIds":["id1"]}`))
	h.control(t, testKey, http.MethodPost, "/_mock/reset?all=true", "", http.StatusOK, nil)
	if got := h.MustState(t, testKey); !bytes.Equal(got, reseeded) {
		t.Errorf("POST /_mock/reset?all=true: the reseeded tenant is not back to its new seed")
	}
	if got := h.MustState(t, otherKey); !bytes.Equal(got, other) {
		t.Errorf("POST /_mock/reset?all=true: the other tenant is not back to its own seed")
	}
	// Zero sizes take the defaults: users 1000.
	h.control(t, otherKey, http.MethodPost, "/_mock/seed", `{"seed":3}`, http.StatusOK, &answer)
	if answer.Counts.Users != mockserver.DefaultSeedUsers {
		t.Errorf("POST /_mock/seed {seed:3} made %d users, want the default %d", answer.Counts.Users, mockserver.DefaultSeedUsers)
	}
}

// TestSeedBoundsSizes: sizes past the generator's bounds answer 400, not a
// panic or an exhausted memory.
func TestSeedBoundsSizes(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	before := h.MustState(t, testKey)
	for _, body := range []string{`{"messages":9223372036854775807}`, `{"segments":9223372036854775807}`, `{"segments":50000000}`} {
		if r := h.Do(t, http.MethodPost, "/_mock/seed", body); r.Status != http.StatusBadRequest {
			t.Errorf("POST /_mock/seed %s = %v, want 400", body, r)
		}
	}
	if after := h.MustState(t, testKey); string(after) != string(before) {
		t.Errorf("refused seeds changed the tenant")
	}
}
