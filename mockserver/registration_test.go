package mockserver_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// appDataset is testDataset with the generated app's event definitions.
func appDataset() (*state.Dataset, error) {
	d := testDataset()
	d.EventDefinitions = fixtures.EventDefinitions()
	return d, nil
}

// appHarness serves appDataset to testKey's tenant.
func appHarness(tb testing.TB, s state.Settings, opts mockserver.Options) *harness {
	tb.Helper()
	return MustHarnessWith(tb, appDataset, s, opts, testKey)
}

// refusal is a request the fake must refuse with Netmera's envelope,
// changing nothing.
type refusal struct {
	name, method, path, body string // path without /rest/3.0/; POST when method is ""
	want                     envelope
}

// wantRefusals sends each request to a fake validating requests and to one
// that does not (-no-validation): both must give the same answer.
func wantRefusals(t *testing.T, s state.Settings, tests []refusal) {
	t.Helper()
	for _, mode := range []struct {
		name string
		opts mockserver.Options
	}{{"validated", mockserver.Options{}}, {"no-validation", mockserver.Options{NoValidation: true}}} {
		h := appHarness(t, s, mode.opts)
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				method := tt.method
				if method == "" {
					method = http.MethodPost
				}
				before := h.MustState(t, testKey)
				call := method + " /rest/3.0/" + tt.path + " " + tt.body
				wantError(t, call, h.Do(t, method, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest, tt.want)
				h.wantUnchanged(t, call, before)
			})
		}
	}
}

// tokens reads the first 1000 getDeviceTokens entries' tokens.
func (h *harness) tokens(tb testing.TB) []string {
	tb.Helper()
	var page struct {
		Devices []struct {
			DeviceToken string `json:"deviceToken"`
		} `json:"devices"`
	}
	wantJSON(tb, "GET getDeviceTokens", h.Do(tb, http.MethodGet, "/rest/3.0/getDeviceTokens?max=1000", ""), &page)
	var out []string
	for _, d := range page.Devices {
		out = append(out, d.DeviceToken)
	}
	return out
}

func TestRegisterUsers(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	// netmera4j's request, exactly: Gson leaves out null members.
	body := `[{"deviceToken":"nm4j-token","platform":"ANDROID","extId":"nm4j-user","email":"nm4j@example.com"},` +
		`{"deviceToken":"a1b2c3d4e5f6g7","platform":"ANDROID","extId":"id2"}]`
	wantOK(t, "POST registerUsers (netmera4j)", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", body))
	if p := h.profileOf(t, "extId=nm4j-user"); p["email"] != "nm4j@example.com" {
		t.Errorf("nm4j-user's profile = %v, want the email registered", p)
	}
	var devs struct {
		Devices []struct {
			Platform, Token string
			PushPermitted   bool
		} `json:"devices"`
	}
	wantJSON(t, "GET getDevices?extId=nm4j-user", h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=nm4j-user", ""), &devs)
	if len(devs.Devices) != 1 || devs.Devices[0].Token != "nm4j-token" || devs.Devices[0].Platform != "ANDROID" || !devs.Devices[0].PushPermitted {
		t.Errorf("nm4j-user's devices = %+v, want one push-permitted ANDROID device with nm4j-token", devs.Devices)
	}
	// id1's token, registered for id2, moved with its installation.
	if d, _ := h.Store.Tenant(testKey); d != nil {
		if dv, _ := d.DeviceByToken("a1b2c3d4e5f6g7"); dv.ExtID != "id2" || dv.InstallationID != "inst-id1-android" {
			t.Errorf("a1b2c3d4e5f6g7's installation = %+v, want inst-id1-android, now id2's", dv)
		}
	}

	// Tags and profile values with an SMS-only user.
	body = `[{"extId":"id1","tags":["Gold"],"profile":{"name":"Johnny","noSuchAttribute":1,"age":"old"},"deviceToken":"x-ios","platform":"IOS"},` +
		`{"extId":"sms-only","msisdn":"905550009988","unknownMember":true}]`
	wantOK(t, "POST registerUsers (tags, profile, SMS-only)", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", body))
	u := h.MustUser(t, "id1")
	if !slices.Equal(u.Tags, []string{"Gold", "VIP"}) || u.Profile["name"] != "Johnny" || fmt.Sprint(u.Profile["age"]) != "34" || u.Profile["noSuchAttribute"] != nil {
		t.Errorf("id1 = tags %q, profile %v; want Gold added, name Johnny, age kept at 34, the unknown key dropped", u.Tags, u.Profile)
	}
	if p := h.profileOf(t, "extId=sms-only"); p["msisdn"] != "905550009988" {
		t.Errorf("sms-only's profile = %v, want its MSISDN", p)
	}
}

func TestRegisterUsersRefusals(t *testing.T) {
	t.Parallel()
	many := make([]string, 0, 1001)
	for i := range 1001 {
		many = append(many, fmt.Sprintf(`{"extId":"u%d","msisdn":"+1"}`, i))
	}
	entry := func(i int, format string, args ...any) envelope {
		return envelope{Error: fmt.Sprintf("Invalid registration at index %d: ", i) + fmt.Sprintf(format, args...)}
	}
	code := func(c int, e envelope) envelope { e.Code = c; return e }
	wantRefusals(t, state.Settings{}, []refusal{
		{name: "an empty array", path: "registerUsers", body: `[]`,
			want: envelope{Code: 2020, Error: "At least one registration is required: the array is empty"}},
		{name: "a single object", path: "registerUsers", body: `{"extId":"id1","platform":"IOS","deviceToken":"t"}`, want: invalidJSON},
		{name: "a string", path: "registerUsers", body: `"id1"`, want: invalidJSON},
		{name: "an entry not an object", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1"},"id2"]`,
			want: code(2009, entry(1, "an entry must be a JSON object"))},
		{name: "neither platform nor msisdn", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1"},{"extId":"id2","deviceToken":"t"}]`,
			want: code(2020, entry(1, "platform or msisdn is required"))},
		{name: "an unknown platform", path: "registerUsers", body: `[{"extId":"id1","deviceToken":"t","platform":"WINDOWS"}]`,
			want: code(2004, entry(0, "unknown platform 'WINDOWS' (one of IOS, ANDROID, CHROME, FIREFOX, SAFARI, EDGE, OPERA, YANDEX, MACOS)"))},
		{name: "a token without platform", path: "registerUsers", body: `[{"extId":"id1","deviceToken":"t","msisdn":"+1"}]`,
			want: code(2020, entry(0, "platform is required with a deviceToken"))},
		{name: "no user and no token", path: "registerUsers", body: `[{"platform":"IOS"}]`,
			want: code(2020, entry(0, "extId is required unless the entry registers a deviceToken"))},
		{name: "tags not a list", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1","tags":"VIP"}]`,
			want: code(2004, entry(0, "Field 'tags' should be a list of texts"))},
		{name: "tags of numbers", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1"},{"extId":"id1","msisdn":"+1","tags":[1]}]`,
			want: code(2004, entry(1, "Field 'tags' should be a list of texts"))},
		{name: "a profile not an object", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1","profile":["name"]}]`,
			want: code(2004, entry(0, "Field 'profile' should be an object"))},
		{name: "extId a number", path: "registerUsers", body: `[{"extId":7,"msisdn":"+1"}]`,
			want: code(2004, entry(0, "Field 'extId' should be a text"))},
		{name: "a tag over 256 characters", path: "registerUsers", body: `[{"extId":"id1","msisdn":"+1","tags":["` + strings.Repeat("t", 257) + `"]}]`,
			want: code(2004, entry(0, "Field 'tags' should be a list of texts of at most 256 characters each, got one of 257"))},
		{name: "over 1000 IDs", path: "registerUsers", body: "[" + strings.Join(many, ",") + "]",
			want: envelope{Code: 2009, Error: "Maximum 1000 unique external IDs or device tokens per request, got 1001"}},
	})
}

func TestRegisterUsersDelay(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{RegisterDelay: time.Hour}, mockserver.Options{})
	wantOK(t, "POST registerUsers", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", `[{"extId":"late","msisdn":"905551234567"}]`))
	if p := h.profileOf(t, "extId=late"); len(p) != 0 {
		t.Errorf("a registration waiting an hour is readable at once: profile %v", p)
	}
	var view struct {
		DelayMS int64 `json:"delayMs"`
		Pending []struct {
			Registrations int      `json:"registrations"`
			ExtIDs        []string `json:"extIds"`
		} `json:"pending"`
	}
	wantJSON(t, "GET /_mock/registrations", h.Do(t, http.MethodGet, "/_mock/registrations", ""), &view)
	if view.DelayMS != 3_600_000 || len(view.Pending) != 1 || !slices.Equal(view.Pending[0].ExtIDs, []string{"late"}) {
		t.Errorf("GET /_mock/registrations = %+v, want a delay of an hour and late's request waiting", view)
	}
	var journal struct {
		Requests []struct{ Notes []string } `json:"requests"`
	}
	wantJSON(t, "GET /_mock/requests", h.Do(t, http.MethodGet, "/_mock/requests?path=registerUsers", ""), &journal)
	if len(journal.Requests) != 1 || len(journal.Requests[0].Notes) != 1 || !strings.Contains(journal.Requests[0].Notes[0], "registration delay of 1h0m0s") {
		t.Errorf("the journal's registerUsers entry = %+v, want a note about the delay", journal.Requests)
	}
	var applied struct{ Applied int }
	wantJSON(t, "POST /_mock/registrations/apply", h.Do(t, http.MethodPost, "/_mock/registrations/apply", ""), &applied)
	if applied.Applied != 1 {
		t.Errorf("POST /_mock/registrations/apply applied %d, want 1", applied.Applied)
	}
	if p := h.profileOf(t, "extId=late"); p["msisdn"] != "905551234567" {
		t.Errorf("after applying, late's profile = %v, want its MSISDN", p)
	}

	// The delay set through the control API lasts until a reset.
	wantJSON(t, "PUT /_mock/registrations", h.Do(t, http.MethodPut, "/_mock/registrations", `{"delayMs":0}`), &view)
	wantOK(t, "POST registerUsers", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", `[{"extId":"now","msisdn":"905550000000"}]`))
	if p := h.profileOf(t, "extId=now"); p["msisdn"] != "905550000000" {
		t.Errorf("with the delay set to 0, now's profile = %v, want it at once", p)
	}
	for _, bad := range []string{`{}`, `{"delayMs":-1}`, `{"delayMs":"1s"}`, `{"delay":1}`} {
		if r := h.Do(t, http.MethodPut, "/_mock/registrations", bad); r.Status != http.StatusBadRequest {
			t.Errorf("PUT /_mock/registrations %s = %v, want 400", bad, r)
		}
	}
	if r := h.Do(t, http.MethodPost, "/_mock/reset", ""); r.Status != http.StatusOK {
		t.Fatalf("reset = %v", r)
	}
	wantJSON(t, "GET /_mock/registrations", h.Do(t, http.MethodGet, "/_mock/registrations", ""), &view)
	if view.DelayMS != 3_600_000 || len(view.Pending) != 0 {
		t.Errorf("after a reset, GET /_mock/registrations = %+v, want the configured hour and nothing waiting", view)
	}
}

func TestDeleteUsers(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	wantOK(t, "POST deleteUsers", h.Do(t, http.MethodPost, "/rest/3.0/deleteUsers", `{"extIds":["id1","nobody"]}`))
	if p := h.profileOf(t, "extId=id1"); p["name"] != "John" {
		t.Errorf("untracked id1's profile = %v, want it still readable", p)
	}
	for _, tok := range []string{"a1b2c3d4e5f6g7", "ios-token-id1", "old-token-id1"} {
		if slices.Contains(h.tokens(t), tok) {
			t.Errorf("getDeviceTokens lists %s of untracked id1", tok)
		}
	}
	var seg struct {
		List []struct{ ExternalID string } `json:"list"`
	}
	wantJSON(t, "GET getSegmentUsers", h.Do(t, http.MethodGet, fmt.Sprintf("/rest/3.0/getSegmentUsers?id=%d", brandSegmentID), "", "X-netmera-os", "IOS"), &seg)
	for _, m := range seg.List {
		if m.ExternalID == "id1" {
			t.Errorf("getSegmentUsers of segment %d lists untracked id1", brandSegmentID)
		}
	}
	if u := h.MustUser(t, "id1"); !u.Untracked {
		t.Errorf("/_mock/state: id1 = %+v, want untracked", u)
	}
	wantOK(t, "POST registerUsers", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", `[{"extId":"id1","deviceToken":"a1b2c3d4e5f6g7","platform":"ANDROID"}]`))
	if u := h.MustUser(t, "id1"); u.Untracked || !slices.Contains(h.tokens(t), "ios-token-id1") {
		t.Errorf("registered again, id1 is untracked %v and its tokens listed %v; want tracked and listed", u.Untracked, slices.Contains(h.tokens(t), "ios-token-id1"))
	}
}

func TestDeleteUsersRefusals(t *testing.T) {
	t.Parallel()
	wantRefusals(t, state.Settings{MaxIDs: 2}, []refusal{
		{name: "no extIds", path: "deleteUsers", body: `{}`, want: missing("extIds")},
		{name: "extIds a string", path: "deleteUsers", body: `{"extIds":"id1"}`, want: wrongType("extIds", "a list")},
		{name: "extIds of numbers", path: "deleteUsers", body: `{"extIds":[1]}`, want: wrongType("extIds", "a list of texts")},
		{name: "an array body", path: "deleteUsers", body: `[{"extIds":["id1"]}]`, want: invalidJSON},
		{name: "over the limit", path: "deleteUsers", body: `{"extIds":["id1","id2","externalid"]}`,
			want: envelope{Code: 2009, Error: "Maximum 2 unique external IDs or device tokens per request, got 3"}},
	})
}

// The same registrations give the same installation IDs on every run.
func TestRegisterUsersIsDeterministic(t *testing.T) {
	t.Parallel()
	var states []*state.Dataset
	for range 2 {
		h := appHarness(t, state.Settings{}, mockserver.Options{})
		wantOK(t, "POST registerUsers", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers",
			`[{"extId":"a","deviceToken":"ta","platform":"IOS"},{"extId":"b","platform":"CHROME"}]`))
		states = append(states, h.MustDataset(t, testKey))
	}
	if diff := cmp.Diff(states[0].Devices, states[1].Devices); diff != "" {
		t.Errorf("two runs registered different devices (-first +second):\n%s", diff)
	}
}

// A registration delay runs on the app's clock: advancing the clock past
// it applies the waiting requests.
func TestRegisterUsersDelayFollowsTheClock(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{RegisterDelay: 2 * time.Minute}, mockserver.Options{})
	if r := h.Do(t, http.MethodPut, "/_mock/clock", `{"now":"2030-01-01T09:00:00Z","frozen":true}`); r.Status != http.StatusOK {
		t.Fatalf("PUT /_mock/clock = %v", r)
	}
	wantOK(t, "POST registerUsers", h.Do(t, http.MethodPost, "/rest/3.0/registerUsers", `[{"extId":"clocked","msisdn":"905551230000"}]`))
	var view struct {
		Pending []struct {
			DueAt time.Time `json:"dueAt"`
		} `json:"pending"`
	}
	wantJSON(t, "GET /_mock/registrations", h.Do(t, http.MethodGet, "/_mock/registrations", ""), &view)
	if want := time.Date(2030, 1, 1, 9, 2, 0, 0, time.UTC); len(view.Pending) != 1 || !view.Pending[0].DueAt.Equal(want) {
		t.Errorf("GET /_mock/registrations pending = %+v, want one due at %v on the app's clock", view.Pending, want)
	}
	for _, step := range []struct {
		by   string
		want bool
	}{{"1m", false}, {"1m", true}} {
		if r := h.Do(t, http.MethodPost, "/_mock/clock/advance", `{"by":"`+step.by+`"}`); r.Status != http.StatusOK {
			t.Fatalf("POST /_mock/clock/advance = %v", r)
		}
		if got := h.profileOf(t, "extId=clocked")["msisdn"] != nil; got != step.want {
			t.Errorf("after advancing the clock %s more, the registration applied: %t, want %t", step.by, got, step.want)
		}
	}
}
