package state_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// permission is a user's email and SMS opt-in.
type permission struct{ Email, Sms bool }

func permissions(tn *state.Tenant) map[string]permission {
	out := map[string]permission{}
	for _, u := range tn.Export().Users {
		out[u.ExtID] = permission{u.EmailPermitted, u.SmsPermitted}
	}
	return out
}

// initialPermissions are smallDataset's: only u1 opted in to both.
func initialPermissions(changes map[string]permission) map[string]permission {
	out := map[string]permission{"u1": {true, true}, "u2": {}, "u3": {}, "u4": {}}
	for k, v := range changes {
		out[k] = v
	}
	return out
}

func TestSetMailPermission(t *testing.T) {
	tests := []struct {
		name    string
		extIDs  []string
		emails  []string
		enabled bool
		strict  bool // Settings.StrictEmail
		want    map[string]permission
		wantErr bool
	}{
		{name: "by extId", extIDs: []string{"u2", "u3", "ghost"}, enabled: true,
			want: initialPermissions(map[string]permission{"u2": {true, false}, "u3": {true, false}})},
		{name: "by address", emails: []string{"bob@example.com", "nobody@example.com"}, enabled: true,
			want: initialPermissions(map[string]permission{"u2": {true, false}})},
		{name: "by both, disabling", extIDs: []string{"u1"}, emails: []string{"dan@example.com"}, enabled: false,
			want: initialPermissions(map[string]permission{"u1": {false, true}})},
		{name: "address is case-sensitive", emails: []string{"Bob@example.com"}, enabled: true, want: initialPermissions(nil)},
		{name: "any text is an address", extIDs: []string{"u2"}, emails: []string{"bob@example.com", "your-email", ""}, enabled: true,
			want: initialPermissions(map[string]permission{"u2": {true, false}})},
		{name: "strict: one invalid address fails all", strict: true, extIDs: []string{"u2"}, emails: []string{"bob@example.com", "not-an-email"}, enabled: true, wantErr: true},
		{name: "strict: a display-name address is invalid", strict: true, emails: []string{"Bob <bob@example.com>"}, enabled: true, wantErr: true},
		{name: "strict: an empty address is invalid", strict: true, extIDs: []string{"u2"}, emails: []string{""}, enabled: true, wantErr: true},
		{name: "strict: plain addresses pass", strict: true, extIDs: []string{"u3"}, emails: []string{"bob@example.com"}, enabled: true,
			want: initialPermissions(map[string]permission{"u2": {true, false}, "u3": {true, false}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{StrictEmail: tt.strict})
			before := tn.Export()
			err := tn.SetMailPermission(tt.extIDs, tt.emails, tt.enabled)
			if tt.wantErr {
				MustCode(t, fmt.Sprintf("SetMailPermission(%q, %q)", tt.extIDs, tt.emails), err, state.CodeTypeMismatch, state.KindInvalid)
				MustUnchanged(t, "SetMailPermission with an invalid address", before, tn)
				return
			}
			MustOK(t, "SetMailPermission", err)
			if diff := cmp.Diff(tt.want, permissions(tn)); diff != "" {
				t.Errorf("permissions after SetMailPermission(%q, %q, %v) (-want +got):\n%s", tt.extIDs, tt.emails, tt.enabled, diff)
			}
		})
	}
}

func TestSetSmsPermission(t *testing.T) {
	tests := []struct {
		name    string
		extIDs  []string
		msisdns []string
		enabled bool
		want    map[string]permission
	}{
		{name: "by extId", extIDs: []string{"u2", "ghost"}, enabled: true, want: initialPermissions(map[string]permission{"u2": {false, true}})},
		{name: "by MSISDN", msisdns: []string{"+905551110001", "+900"}, enabled: false, want: initialPermissions(map[string]permission{"u1": {true, false}})},
		{name: "both", extIDs: []string{"u3"}, msisdns: []string{"+905551110002"}, enabled: true,
			want: initialPermissions(map[string]permission{"u2": {false, true}, "u3": {false, true}})},
		{name: "empty MSISDN reaches nobody", msisdns: []string{""}, enabled: true, want: initialPermissions(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			MustOK(t, "SetSmsPermission", tn.SetSmsPermission(tt.extIDs, tt.msisdns, tt.enabled))
			if diff := cmp.Diff(tt.want, permissions(tn)); diff != "" {
				t.Errorf("permissions after SetSmsPermission(%q, %q, %v) (-want +got):\n%s", tt.extIDs, tt.msisdns, tt.enabled, diff)
			}
		})
	}
}

func TestAddressChangeReindexes(t *testing.T) {
	tests := []struct {
		name   string
		change func(tb testing.TB, tn *state.Tenant)
	}{
		{name: "UpdateEmail", change: func(tb testing.TB, tn *state.Tenant) { tn.UpdateEmail("u2", "robert@example.com") }},
		{name: "SetProfileAttributes", change: func(tb testing.TB, tn *state.Tenant) {
			MustOK(tb, "SetProfileAttributes", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u2", Values: map[string]any{state.AttrEmail: "robert@example.com"}}}))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			tt.change(t, tn)
			MustConsistent(t, tn)
			MustOK(t, "SetMailPermission(old)", tn.SetMailPermission(nil, []string{"bob@example.com"}, true))
			if got := permissions(tn)["u2"].Email; got {
				t.Fatalf("SetMailPermission by u2's old address opted u2 in")
			}
			MustOK(t, "SetMailPermission(new)", tn.SetMailPermission(nil, []string{"robert@example.com"}, true))
			if got := permissions(tn)["u2"].Email; !got {
				t.Fatalf("SetMailPermission by u2's new address did not opt u2 in")
			}
		})
	}
	t.Run("UpdateMsisdn", func(t *testing.T) {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		tn.UpdateMsisdn("u2", "+900001")
		MustOK(t, "SetSmsPermission(old)", tn.SetSmsPermission(nil, []string{"+905551110002"}, true))
		MustOK(t, "SetSmsPermission(new)", tn.SetSmsPermission(nil, []string{"+900001"}, false))
		if got := permissions(tn)["u2"].Sms; got {
			t.Fatalf("after UpdateMsisdn, enabling the old number then disabling the new left u2 opted in")
		}
		MustOK(t, "SetSmsPermission(new)", tn.SetSmsPermission(nil, []string{"+900001"}, true))
		if got := permissions(tn)["u2"].Sms; !got {
			t.Fatalf("SetSmsPermission by u2's new number did not opt u2 in")
		}
	})
}

func TestUpdateEmailAndMsisdn(t *testing.T) {
	tests := []struct {
		name   string
		update func(tn *state.Tenant)
		want   map[string]any // u1's addresses after; absent key: none
	}{
		{name: "email changed", update: func(tn *state.Tenant) { tn.UpdateEmail("u1", "ann@new.example") },
			want: map[string]any{state.AttrEmail: "ann@new.example", state.AttrMsisdn: "+905551110001"}},
		{name: "blank email keeps the old", update: func(tn *state.Tenant) { tn.UpdateEmail("u1", "") },
			want: map[string]any{state.AttrEmail: "ann@example.com", state.AttrMsisdn: "+905551110001"}},
		{name: "msisdn changed", update: func(tn *state.Tenant) { tn.UpdateMsisdn("u1", "+90777") },
			want: map[string]any{state.AttrEmail: "ann@example.com", state.AttrMsisdn: "+90777"}},
		{name: "empty msisdn stored as empty", update: func(tn *state.Tenant) { tn.UpdateMsisdn("u1", "") },
			want: map[string]any{state.AttrEmail: "ann@example.com", state.AttrMsisdn: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			tt.update(tn)
			p, _ := tn.ProfileAttributes("u1", "")
			got := map[string]any{}
			for _, k := range []string{state.AttrEmail, state.AttrMsisdn} {
				if v, ok := p[k]; ok {
					got[k] = v
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("u1's addresses (-want +got):\n%s", diff)
			}
			MustConsistent(t, tn)
		})
	}
	t.Run("unknown user ignored", func(t *testing.T) {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		before := tn.Export()
		tn.UpdateEmail("ghost", "g@example.com")
		tn.UpdateMsisdn("ghost", "+90")
		MustUnchanged(t, "UpdateEmail/UpdateMsisdn of an unknown user", before, tn)
	})
	t.Run("empty msisdn reaches nobody", func(t *testing.T) {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		tn.UpdateMsisdn("u1", "")
		tn.UpdateMsisdn("u2", "")
		before := tn.Export()
		MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{"+905551110001", ""}, false))
		MustUnchanged(t, "SetSmsPermission by a cleared number", before, tn)
	})
}

func TestSetCategoryPreferences(t *testing.T) {
	all := func(on bool) map[string]bool {
		return map[string]bool{catPromotions: on, catNewsletter: on, catWeekly: on}
	}
	with := func(m map[string]bool, k string, v bool) map[string]bool { m[k] = v; return m }
	tests := []struct {
		name    string
		entries []state.CategoryEntry
		// want is u2's preferences per channel
		want map[string]map[string]bool
	}{
		{name: "one channel", entries: []state.CategoryEntry{{ExtID: "u2", Category: catNewsletter, Channel: "EMAIL", Enable: boolp(false)}},
			want: map[string]map[string]bool{"PUSH": all(true), "EMAIL": with(all(true), catNewsletter, false), "SMS": all(true)}},
		{name: "no channel is every channel", entries: []state.CategoryEntry{{ExtID: "u2", Category: catWeekly, Enable: boolp(false)}},
			want: map[string]map[string]bool{"PUSH": with(all(true), catWeekly, false), "EMAIL": with(all(true), catWeekly, false), "SMS": with(all(true), catWeekly, false)}},
		{name: "later entry wins", entries: []state.CategoryEntry{
			{ExtID: "u2", Category: catPromotions, Enable: boolp(false)}, {ExtID: "u2", Category: catPromotions, Channel: "SMS", Enable: boolp(true)}},
			want: map[string]map[string]bool{"PUSH": with(all(true), catPromotions, false), "EMAIL": with(all(true), catPromotions, false), "SMS": all(true)}},
		{name: "unknown category, channel, user and nil enable skipped", entries: []state.CategoryEntry{
			{ExtID: "u2", Category: "promotions", Enable: boolp(false)}, {ExtID: "u2", Category: catPromotions, Channel: "push", Enable: boolp(false)},
			{ExtID: "ghost", Category: catPromotions, Enable: boolp(false)}, {ExtID: "u2", Category: catPromotions},
			{ExtID: "u2", Enable: boolp(false)}},
			want: map[string]map[string]bool{"PUSH": all(true), "EMAIL": all(true), "SMS": all(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			MustOK(t, "SetCategoryPreferences", tn.SetCategoryPreferences(tt.entries))
			got := map[string]map[string]bool{}
			for _, ch := range state.Channels {
				prefs, found := tn.CategoryPreferences("u2", ch)
				if !found {
					t.Fatalf("CategoryPreferences(u2, %s): user not found", ch)
				}
				got[ch] = prefs
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("u2's preferences after SetCategoryPreferences(%+v) (-want +got):\n%s", tt.entries, diff)
			}
		})
	}
}

func TestCategoryPreferences(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	tests := []struct {
		name      string
		extID     string
		channel   string
		want      map[string]bool
		wantFound bool
	}{
		{name: "defaults to opted in", extID: "u3", channel: "PUSH", want: map[string]bool{catPromotions: true, catNewsletter: true, catWeekly: true}, wantFound: true},
		{name: "empty channel is PUSH", extID: "u1", want: map[string]bool{catPromotions: true, catNewsletter: true, catWeekly: true}, wantFound: true},
		{name: "stored opt-out", extID: "u1", channel: "EMAIL", want: map[string]bool{catPromotions: false, catNewsletter: true, catWeekly: true}, wantFound: true},
		{name: "unknown user", extID: "ghost", want: map[string]bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := tn.CategoryPreferences(tt.extID, tt.channel)
			if diff := cmp.Diff(tt.want, got); diff != "" || found != tt.wantFound {
				t.Errorf("CategoryPreferences(%q, %q): found %v, want %v; (-want +got):\n%s", tt.extID, tt.channel, found, tt.wantFound, diff)
			}
		})
	}
	want := []state.Category{{ID: 1, Name: catPromotions}, {ID: 2, Name: catNewsletter}, {ID: 3, Name: catWeekly}}
	if diff := cmp.Diff(want, tn.Categories()); diff != "" {
		t.Errorf("Categories() (-want +got):\n%s", diff)
	}
}

func TestUsersWithAddress(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	gen := tn.Generation()
	tests := []struct {
		name       string
		attr, addr string
		want       []string
	}{
		{name: "an email", attr: state.AttrEmail, addr: "ann@example.com", want: []string{"u1"}},
		{name: "an untracked user's email", attr: state.AttrEmail, addr: "dan@example.com", want: []string{"u4"}},
		{name: "an MSISDN", attr: state.AttrMsisdn, addr: "+905551110002", want: []string{"u2"}},
		{name: "nobody's", attr: state.AttrEmail, addr: "nobody@example.com", want: []string{}},
		{name: "an MSISDN asked as an email", attr: state.AttrEmail, addr: "+905551110002", want: []string{}},
		{name: "not an address attribute", attr: "name", addr: "Ann", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tn.UsersWithAddress(tt.attr, tt.addr)); diff != "" {
				t.Errorf("UsersWithAddress(%q, %q) (-want +got):\n%s", tt.attr, tt.addr, diff)
			}
		})
	}
	if g := tn.Generation(); g != gen {
		t.Errorf("looking users up by address changed the generation from %d to %d: a saver would save for nothing", gen, g)
	}
	t.Run("follows changes", func(t *testing.T) {
		tn.UpdateEmail("u2", "ann@example.com")
		got := tn.UsersWithAddress(state.AttrEmail, "ann@example.com")
		slices.Sort(got)
		if diff := cmp.Diff([]string{"u1", "u2"}, got); diff != "" {
			t.Errorf("after u2 took ann's address (-want +got):\n%s", diff)
		}
		if got := tn.UsersWithAddress(state.AttrEmail, "bob@example.com"); len(got) != 0 {
			t.Errorf("u2's old address still finds %v", got)
		}
		MustConsistent(t, tn)
	})
}
