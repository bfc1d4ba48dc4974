package state_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// deviceOf returns the device holding token, or fails the test.
func deviceOf(tb testing.TB, tn *state.Tenant, token string) state.DeviceRecord {
	tb.Helper()
	d, ok := tn.DeviceByToken(token)
	if !ok {
		tb.Fatalf("DeviceByToken(%q): no device", token)
	}
	return d
}

func TestRegisterUsers(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	steps := []struct {
		name  string
		regs  []state.Registration
		check func(t *testing.T)
	}{
		{name: "a new user with a device, an email, tags and a profile",
			regs: []state.Registration{{ExtID: "new1", DeviceToken: "newtok1", Platform: state.PlatformAndroid, Email: "new1@example.com",
				Tags: []string{"VIP", "VIP"}, Profile: map[string]any{"name": "Nia", "age": 30, "noSuchKey": 1, "isSubscribed": "yes"}}},
			check: func(t *testing.T) {
				u := MustUser(t, tn, "new1")
				want := state.UserRecord{ExtID: "new1", Tags: []string{"VIP"},
					Profile: map[string]any{"name": "Nia", "age": int64(30), state.AttrEmail: "new1@example.com"}}
				if diff := cmp.Diff(want, u); diff != "" {
					t.Errorf("user new1 (-want +got):\n%s", diff)
				}
				d := deviceOf(t, tn, "newtok1")
				if d.ExtID != "new1" || d.Platform != state.PlatformAndroid || !d.PushPermitted || len(d.InstallationID) < 10 {
					t.Errorf("newtok1's device = %+v, want new1's push-permitted ANDROID installation with a reg- ID", d)
				}
			}},
		{name: "an existing user: profile merged, tags added, a second device",
			regs: []state.Registration{{ExtID: "u2", DeviceToken: "u2-ios", Platform: state.PlatformIOS, Tags: []string{"Gold"},
				Profile: map[string]any{"name": "Bob"}}},
			check: func(t *testing.T) {
				u := MustUser(t, tn, "u2")
				if !slices.Equal(u.Tags, []string{"Gold", "Sport"}) || u.Profile["name"] != "Bob" || u.Profile[state.AttrEmail] != "bob@example.com" {
					t.Errorf("u2 = %+v, want tags Gold and Sport, name Bob and the email kept", u)
				}
				if got := installationIDs(tn.Devices("u2", false)); len(got) != 2 || got[0] != "i4" {
					t.Errorf("Devices(u2) = %q, want i4 and the new installation", got)
				}
			}},
		{name: "a token another user holds moves with its installation",
			regs: []state.Registration{{ExtID: "u3", DeviceToken: "tok1", Platform: state.PlatformAndroid}},
			check: func(t *testing.T) {
				if d := deviceOf(t, tn, "tok1"); d.InstallationID != "i1" || d.ExtID != "u3" || d.Platform != state.PlatformAndroid || !d.PushPermitted {
					t.Errorf("tok1's device = %+v, want i1, now u3's, ANDROID, still permitted", d)
				}
				if got := installationIDs(tn.Devices("u1", false)); !slices.Equal(got, []string{"i2"}) {
					t.Errorf("Devices(u1) = %q, want [i2]", got)
				}
			}},
		{name: "an uninstalled device registered again is installed",
			regs: []state.Registration{{ExtID: "u1", DeviceToken: "tok3", Platform: state.PlatformAndroid}},
			check: func(t *testing.T) {
				if d := deviceOf(t, tn, "tok3"); d.Uninstalled || d.InstallationID != "i3" {
					t.Errorf("tok3's device = %+v, want i3 installed", d)
				}
			}},
		{name: "an SMS-only user",
			regs: []state.Registration{{ExtID: "sms1", Msisdn: "+905550001122", Tags: []string{"sms"}}},
			check: func(t *testing.T) {
				u := MustUser(t, tn, "sms1")
				if u.Profile[state.AttrMsisdn] != "+905550001122" || len(tn.Devices("sms1", false)) != 0 {
					t.Errorf("sms1 = %+v with devices %v, want the MSISDN and no device", u, tn.Devices("sms1", false))
				}
			}},
		{name: "a device without token, twice: one installation",
			regs: []state.Registration{{ExtID: "u3", Platform: state.PlatformChrome}, {ExtID: "u3", Platform: state.PlatformChrome}},
			check: func(t *testing.T) {
				var chrome []state.DeviceRecord
				for _, d := range tn.Devices("u3", false) {
					if d.Platform == state.PlatformChrome {
						chrome = append(chrome, d)
					}
				}
				if len(chrome) != 1 || chrome[0].Token != "" || chrome[0].PushPermitted {
					t.Errorf("u3's CHROME devices = %+v, want one without token or permission", chrome)
				}
			}},
		{name: "no extId: the token's owner gets the tags",
			regs: []state.Registration{{DeviceToken: "tok4", Platform: state.PlatformChrome, Tags: []string{"web"}}},
			check: func(t *testing.T) {
				if u := MustUser(t, tn, "u2"); !slices.Contains(u.Tags, "web") {
					t.Errorf("u2's tags = %q, want web among them", u.Tags)
				}
			}},
		{name: "no extId, a new token: an installation of nobody",
			regs: []state.Registration{{DeviceToken: "anon2", Platform: state.PlatformIOS, Tags: []string{"lost"}}},
			check: func(t *testing.T) {
				if d := deviceOf(t, tn, "anon2"); d.ExtID != "" {
					t.Errorf("anon2's device = %+v, want no user", d)
				}
			}},
		{name: "an untracked user is tracked again",
			regs: []state.Registration{{ExtID: "u4", Msisdn: "+905550004444"}},
			check: func(t *testing.T) {
				if u := MustUser(t, tn, "u4"); u.Untracked {
					t.Errorf("u4 = %+v, want tracked", u)
				}
			}},
	}
	for _, st := range steps {
		MustOK(t, "RegisterUsers("+st.name+")", tn.RegisterUsers(st.regs))
		MustConsistent(t, tn)
		t.Run(st.name, st.check)
	}
}

// The installation IDs of registered devices depend on the registration
// alone: two tenants given the same requests hold the same IDs.
func TestRegisterUsersIDsAreDeterministic(t *testing.T) {
	t.Parallel()
	regs := []state.Registration{
		{ExtID: "a", DeviceToken: "ta", Platform: state.PlatformIOS},
		{ExtID: "a", Platform: state.PlatformAndroid},
		{ExtID: "b", DeviceToken: "tb", Platform: state.PlatformAndroid},
	}
	var runs [][]state.DeviceRecord
	for range 2 {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		MustOK(t, "RegisterUsers", tn.RegisterUsers(regs))
		runs = append(runs, tn.Export().Devices)
	}
	if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
		t.Errorf("two tenants registered the same devices differently (-first +second):\n%s", diff)
	}
}

func TestRegisterUsersAutoDefine(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	MustOK(t, "RegisterUsers", tn.RegisterUsers([]state.Registration{{ExtID: "u1", Msisdn: "+1", Profile: map[string]any{"tier": "gold"}}}))
	if got := MustUser(t, tn, "u1").Profile["tier"]; got != "gold" {
		t.Errorf("u1's tier = %v, want gold defined on first use", got)
	}
}

// A refused request names the entry and changes nothing.
func TestRegisterUsersRefuses(t *testing.T) {
	t.Parallel()
	ok := state.Registration{ExtID: "fine", DeviceToken: "fine-tok", Platform: state.PlatformIOS}
	tests := []struct {
		name           string
		regs           []state.Registration
		max            int
		countAddresses bool
		code           int
		msg            string
	}{
		{name: "empty", regs: nil, code: state.CodeMissingParameter,
			msg: "At least one registration is required: the array is empty"},
		{name: "neither platform nor msisdn", regs: []state.Registration{ok, {ExtID: "x", DeviceToken: "t"}}, code: state.CodeMissingParameter,
			msg: "Invalid registration at index 1: platform or msisdn is required"},
		{name: "unknown platform", regs: []state.Registration{{ExtID: "x", Platform: "WINDOWS"}}, code: state.CodeTypeMismatch,
			msg: "Invalid registration at index 0: unknown platform 'WINDOWS' (one of IOS, ANDROID, CHROME, FIREFOX, SAFARI, EDGE, OPERA, YANDEX, MACOS)"},
		{name: "platform in lower case", regs: []state.Registration{ok, ok, {ExtID: "x", Platform: "ios"}}, code: state.CodeTypeMismatch,
			msg: "Invalid registration at index 2: unknown platform 'ios' (one of IOS, ANDROID, CHROME, FIREFOX, SAFARI, EDGE, OPERA, YANDEX, MACOS)"},
		{name: "a token without platform", regs: []state.Registration{{ExtID: "x", DeviceToken: "t", Msisdn: "+1"}}, code: state.CodeMissingParameter,
			msg: "Invalid registration at index 0: platform is required with a deviceToken"},
		{name: "no user and no token", regs: []state.Registration{{Platform: state.PlatformIOS}}, code: state.CodeMissingParameter,
			msg: "Invalid registration at index 0: extId is required unless the entry registers a deviceToken"},
		{name: "over the limit", max: 1, regs: []state.Registration{{ExtID: "a", DeviceToken: "ta", Platform: state.PlatformIOS, Email: "a@x", Msisdn: "+1"}},
			code: state.CodeInvalidJSON, msg: "Maximum 1 unique external IDs or device tokens per request, got 2"},
		{name: "over the limit, addresses counted", max: 3, countAddresses: true,
			regs: []state.Registration{{ExtID: "a", DeviceToken: "ta", Platform: state.PlatformIOS, Email: "a@x", Msisdn: "+1"}},
			code: state.CodeInvalidJSON, msg: "Maximum 3 unique external IDs or device tokens per request, got 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, smallDataset(), state.Settings{MaxIDs: tt.max, CountAddresses: tt.countAddresses})
			before := tn.Export()
			err := tn.RegisterUsers(tt.regs)
			MustCode(t, "RegisterUsers", err, tt.code, state.KindInvalid)
			if got := err.(*state.Error).Message; got != tt.msg {
				t.Errorf("RegisterUsers: message %q, want %q", got, tt.msg)
			}
			MustUnchanged(t, "a refused RegisterUsers", before, tn)
		})
	}
}

func TestRegisterUsersDelay(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tn := MustTenant(t, smallDataset(), state.Settings{RegisterDelay: 2 * time.Second})
	mustSetClock(t, tn, start, true) // standing still: only AdvanceClock moves it

	MustOK(t, "RegisterUsers(late1)", tn.RegisterUsers([]state.Registration{{ExtID: "late1", Msisdn: "+1", Tags: []string{"first"}}}))
	MustOK(t, "AdvanceClock", tn.AdvanceClock(time.Second))
	MustOK(t, "RegisterUsers(late1 again)", tn.RegisterUsers([]state.Registration{{ExtID: "late1", Msisdn: "+1", Tags: []string{"second"}}}))
	want := []state.PendingRegistrations{
		{AcceptedAt: start, DueAt: start.Add(2 * time.Second), Registrations: 1, ExtIDs: []string{"late1"}},
		{AcceptedAt: start.Add(time.Second), DueAt: start.Add(3 * time.Second), Registrations: 1, ExtIDs: []string{"late1"}},
	}
	if diff := cmp.Diff(want, tn.PendingRegistrations()); diff != "" {
		t.Errorf("PendingRegistrations (-want +got):\n%s", diff)
	}
	tn.ApplyDueRegistrations()
	if tn.HasUser("late1") {
		t.Fatalf("late1 exists one second after its registration, which waits two")
	}
	MustOK(t, "AdvanceClock", tn.AdvanceClock(time.Second))
	tn.ApplyDueRegistrations()
	if u := MustUser(t, tn, "late1"); !slices.Equal(u.Tags, []string{"first"}) {
		t.Errorf("at its due time late1 has tags %q, want only the first request's", u.Tags)
	}
	// A delay lowered later keeps the order: a request due at once waits
	// behind the one accepted before it.
	tn.SetRegisterDelay(0)
	if got := tn.RegisterDelay(); got != 0 {
		t.Errorf("RegisterDelay() = %v after SetRegisterDelay(0)", got)
	}
	MustOK(t, "RegisterUsers(late1 third)", tn.RegisterUsers([]state.Registration{{ExtID: "late1", Msisdn: "+1", Tags: []string{"third"}}}))
	if u := MustUser(t, tn, "late1"); slices.Contains(u.Tags, "third") {
		t.Errorf("a request due at once was applied before the one accepted earlier: tags %q", u.Tags)
	}
	if n := tn.ApplyRegistrations(); n != 2 {
		t.Errorf("ApplyRegistrations() = %d, want the 2 waiting", n)
	}
	if u := MustUser(t, tn, "late1"); !slices.Equal(u.Tags, []string{"first", "second", "third"}) {
		t.Errorf("late1's tags = %q, want all three", u.Tags)
	}
	MustConsistent(t, tn)
	// Nothing waits now: a request is applied at once.
	MustOK(t, "RegisterUsers(now1)", tn.RegisterUsers([]state.Registration{{ExtID: "now1", Msisdn: "+2"}}))
	if !tn.HasUser("now1") {
		t.Errorf("with no delay and nothing waiting, now1 was not registered at once")
	}
	// Replacing the state drops waiting requests and the delay set here.
	tn.SetRegisterDelay(time.Hour)
	MustOK(t, "RegisterUsers(gone)", tn.RegisterUsers([]state.Registration{{ExtID: "gone", Msisdn: "+3"}}))
	MustOK(t, "Replace", tn.Replace(smallDataset()))
	if got := tn.PendingRegistrations(); len(got) != 0 || tn.RegisterDelay() != 2*time.Second {
		t.Errorf("after Replace: pending %v, delay %v; want none, and the settings' 2s", got, tn.RegisterDelay())
	}
}

func TestDeleteUsers(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	_, before, _ := tn.DeviceTokens(0, 100)
	MustOK(t, "DeleteUsers", tn.DeleteUsers([]string{"u1", "ghost", "u1"}))
	MustConsistent(t, tn)
	u := MustUser(t, tn, "u1")
	if !u.Untracked || u.Profile["name"] != "Ann" {
		t.Errorf("u1 = %+v, want untracked with its profile kept", u)
	}
	if p, found := tn.ProfileAttributes("u1", ""); !found || p["name"] != "Ann" {
		t.Errorf("ProfileAttributes(u1) = %v, %v; want the profile, still readable", p, found)
	}
	if got := installationIDs(tn.Devices("u1", false)); len(got) != 2 {
		t.Errorf("Devices(u1) = %q, want its two installed devices, still readable", got)
	}
	if d, _ := tn.UserDetail("u1"); len(d.Segments) != 0 {
		t.Errorf("u1 is in segments %v, want none", d.Segments)
	}
	page, total, more := tn.DeviceTokens(0, 100)
	if got, want := installationIDs(page), []string{"i4", "i5", "i6"}; !cmp.Equal(got, want) || total != before-3 || more {
		t.Errorf("DeviceTokens(0, 100) = %q, total %d, more %t; want %q, %d, false", got, total, more, want, before-3)
	}
	if got, _, _, _ := tn.DeviceTokensFrom(0, 1); len(got) != 1 || got[0].InstallationID != "i4" {
		t.Errorf("DeviceTokensFrom(0, 1) = %+v, want i4 first: u1's devices are left out", got)
	}
	MustOK(t, "RegisterUsers(u1)", tn.RegisterUsers([]state.Registration{{ExtID: "u1", DeviceToken: "tok1", Platform: state.PlatformIOS}}))
	MustConsistent(t, tn)
	if MustUser(t, tn, "u1").Untracked {
		t.Errorf("u1 registered again is still untracked")
	}
	if _, total, _ := tn.DeviceTokens(0, 100); total != before {
		t.Errorf("after u1 is tracked again, DeviceTokens total = %d, want %d", total, before)
	}
	if d, _ := tn.UserDetail("u1"); len(d.Segments) != 0 {
		t.Errorf("u1 tracked again is in segments %v: segments are member lists and it left them", d.Segments)
	}
}

func TestDeleteUsersLimit(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{MaxIDs: 1})
	before := tn.Export()
	MustCode(t, "DeleteUsers", tn.DeleteUsers([]string{"u1", "u2"}), state.CodeInvalidJSON, state.KindInvalid)
	MustUnchanged(t, "a refused DeleteUsers", before, tn)
}

// Deleting an untracked user for good, or untracking one whose devices
// move, keeps getDeviceTokens' count right.
func TestUntrackedDevicesStayCounted(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "DeleteUsers", tn.DeleteUsers([]string{"u1", "u2"}))
	if _, err := tn.PutDevice(state.DeviceRecord{InstallationID: "i4", ExtID: "u3", Platform: state.PlatformChrome, Token: "tok4"}); err != nil {
		t.Fatal(err)
	}
	MustConsistent(t, tn)
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u1"}))
	MustConsistent(t, tn)
	MustOK(t, "PutUser", tn.PutUser(state.UserRecord{ExtID: "u2"}))
	MustConsistent(t, tn)
	MustOK(t, "PutUser", tn.PutUser(state.UserRecord{ExtID: "u3", Untracked: true}))
	MustConsistent(t, tn)
	page, total, _ := tn.DeviceTokens(0, 100)
	if got, want := installationIDs(page), []string{"i5"}; !cmp.Equal(got, want) || total != 1 {
		t.Errorf("DeviceTokens = %q (total %d), want %q: u3 is untracked, u1 gone", got, total, want)
	}
	// The untracked state round-trips through an export.
	tn2 := MustTenant(t, tn.Export(), state.Settings{})
	MustConsistent(t, tn2)
	if _, total2, _ := tn2.DeviceTokens(0, 100); total2 != total {
		t.Errorf("a reloaded export lists %d tokens, the original %d", total2, total)
	}
}

func TestAddTesters(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "AddTesters", tn.AddTesters([]state.TesterEntry{
		{ExtID: "u1", Email: "bob@example.com"}, // extId wins
		{Email: "bob@example.com"},
		{ExtID: "ghost"}, {Email: "nobody@example.com"}, {},
	}))
	MustConsistent(t, tn)
	var testers []string
	for _, d := range tn.Export().Devices {
		if d.Tester {
			testers = append(testers, d.InstallationID)
		}
	}
	if want := []string{"i1", "i2", "i3", "i4"}; !cmp.Equal(testers, want) {
		t.Errorf("test devices %q, want %q (all of u1's, and u2's by email)", testers, want)
	}
	// Emails count toward the limit only with CountAddresses.
	tn2 := MustTenant(t, smallDataset(), state.Settings{MaxIDs: 1})
	MustOK(t, "AddTesters(an extId and an email, limit 1)", tn2.AddTesters([]state.TesterEntry{{ExtID: "u1"}, {Email: "bob@example.com"}}))
	for _, s := range []state.Settings{{MaxIDs: 1}, {MaxIDs: 1, CountAddresses: true}} {
		tn3 := MustTenant(t, smallDataset(), s)
		before := tn3.Export()
		entries := []state.TesterEntry{{ExtID: "u1"}, {ExtID: "u2"}}
		if s.CountAddresses {
			entries = []state.TesterEntry{{ExtID: "u1"}, {Email: "bob@example.com"}}
		}
		MustCode(t, "AddTesters", tn3.AddTesters(entries), state.CodeInvalidJSON, state.KindInvalid)
		MustUnchanged(t, "a refused AddTesters", before, tn3)
	}
}

// Registrations, untracking and fired events race with reads and deletions without
// breaking the tenant (go test -race).
func TestRegistrationConcurrency(t *testing.T) {
	t.Parallel()
	d := bigDataset(200)
	d.EventDefinitions = testEvents()
	tn := MustTenant(t, d, state.Settings{RegisterDelay: time.Nanosecond, MaxEvents: 20})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				id := ids(w*50+i, 1)[0]
				_, _ = tn.FireEvents([]state.EventEntry{{ExtID: id, Name: "PurchaseEvent", Attributes: map[string]any{"amount": i}}})
				_ = tn.Events(state.EventFilter{ExtID: id})
				switch i % 4 {
				case 0:
					_ = tn.RegisterUsers([]state.Registration{{ExtID: id, DeviceToken: "new-" + id, Platform: state.PlatformIOS}})
				case 1:
					_ = tn.DeleteUsers([]string{id})
				case 2:
					tn.ApplyDueRegistrations()
					_, _, _, _ = tn.DeviceTokensFrom(0, 50)
				case 3:
					_ = tn.DeleteUsersPermanently([]string{id})
				}
			}
		})
	}
	wg.Wait()
	tn.ApplyRegistrations()
	MustConsistent(t, tn)
	if got := tn.PendingRegistrations(); len(got) != 0 {
		t.Errorf("%d requests still wait after ApplyRegistrations", len(got))
	}
}

// TestRegisterUsersDelayAtTheEarliestClock: a clock standing at the
// earliest time it can hold still delays registrations.
func TestRegisterUsersDelayAtTheEarliestClock(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{RegisterDelay: 2 * time.Second})
	mustSetClock(t, tn, state.ClockMin, true)
	MustOK(t, "RegisterUsers(early)", tn.RegisterUsers([]state.Registration{{ExtID: "early", Msisdn: "+1"}}))
	tn.ApplyDueRegistrations()
	if tn.HasUser("early") || len(tn.PendingRegistrations()) != 1 {
		t.Errorf("at the clock's earliest time a registration delayed 2 s was applied at once (pending %d)", len(tn.PendingRegistrations()))
	}
	MustOK(t, "AdvanceClock", tn.AdvanceClock(2*time.Second))
	tn.ApplyDueRegistrations()
	if !tn.HasUser("early") {
		t.Errorf("2 s later the registration is still waiting")
	}
}
