package state_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// profiles returns every user's profile by external ID, as exported.
func profiles(tn *state.Tenant) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, u := range tn.Export().Users {
		out[u.ExtID] = u.Profile
	}
	return out
}

// u1Profile and u2Profile are the stored profiles of smallDataset's users.
func u1Profile() map[string]any {
	return map[string]any{"name": "Ann", state.AttrEmail: "ann@example.com", state.AttrMsisdn: "+905551110001",
		"age": int64(34), "dateOfBirth": int64(624315600000), "lastVisitedCategories": []any{"shopping", "news"}}
}

func u2Profile() map[string]any {
	return map[string]any{state.AttrEmail: "bob@example.com", state.AttrMsisdn: "+905551110002", "isSubscribed": true,
		"luckyNumbers": []any{int64(7)}, "score": 2.5}
}

// edited returns p with the changes applied; a nil change deletes the key.
func edited(p map[string]any, changes map[string]any) map[string]any {
	for k, v := range changes {
		if v == nil {
			delete(p, k)
		} else {
			p[k] = v
		}
	}
	return p
}

// profilesWith is smallDataset's profiles with u1, u2 and u3 replaced.
func profilesWith(u1, u2, u3 map[string]any) map[string]map[string]any {
	return map[string]map[string]any{"u1": u1, "u2": u2, "u3": u3, "u4": {state.AttrEmail: "dan@example.com"}}
}

func TestSetProfileAttributes(t *testing.T) {
	tests := []struct {
		name     string
		settings state.Settings
		entries  []state.ProfileEntry
		want     map[string]map[string]any
		wantErr  int
	}{
		{name: "defined keys set, undefined dropped", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"name": "Cem", "shoeSize": 42}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"name": "Cem"})},
		{name: "overwrite", entries: []state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"age": 35, "name": "Anna"}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"age": int64(35), "name": "Anna"}), u2Profile(), nil)},
		{name: "wrong types dropped, right ones kept", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{
			"age": "34", "name": true, "isSubscribed": "yes", "score": json.Number("1.25"), "lastVisitedCategories": "shop"}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"score": 1.25})},
		{name: "INTEGER must be integral", entries: []state.ProfileEntry{
			{ExtID: "u1", Values: map[string]any{"age": 34.5}},
			{ExtID: "u2", Values: map[string]any{"age": json.Number("36")}},
			{ExtID: "u3", Values: map[string]any{"age": float64(37)}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"age": int64(36)}), map[string]any{"age": int64(37)})},
		{name: "INTEGER past 2^53 dropped, not rounded", entries: []state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"age": json.Number("9007199254740993")}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "DATE is epoch milliseconds as int64", entries: []state.ProfileEntry{
			{ExtID: "u2", Values: map[string]any{"dateOfBirth": float64(743069748000)}},
			{ExtID: "u3", Values: map[string]any{"dateOfBirth": json.Number("743069748000")}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"dateOfBirth": int64(743069748000)}),
				map[string]any{"dateOfBirth": int64(743069748000)})},
		{name: "DATE as a string dropped", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"dateOfBirth": "1993-07-19"}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "array set whole", entries: []state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{"toys"}}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"lastVisitedCategories": []any{"toys"}}), u2Profile(), nil)},
		{name: "by device token", entries: []state.ProfileEntry{{DeviceToken: "tok4", Values: map[string]any{"name": "Bob"}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"name": "Bob"}), nil)},
		{name: "extId wins over token", entries: []state.ProfileEntry{{ExtID: "u3", DeviceToken: "tok4", Values: map[string]any{"name": "Cem"}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"name": "Cem"})},
		{name: "unknown users and tokenless devices skipped", entries: []state.ProfileEntry{
			{ExtID: "ghost", Values: map[string]any{"name": "X"}}, {DeviceToken: "tok5", Values: map[string]any{"name": "X"}},
			{DeviceToken: "nope", Values: map[string]any{"name": "X"}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "some malformed, others applied", entries: []state.ProfileEntry{
			{Malformed: true}, {ExtID: "u1", Malformed: true, Values: map[string]any{"name": "X"}},
			{Values: map[string]any{"name": "nobody"}}, {ExtID: "u3", Values: map[string]any{"name": "Cem"}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"name": "Cem"})},
		{name: "every entry malformed", entries: []state.ProfileEntry{{Malformed: true}, {Values: map[string]any{"name": "X"}}},
			wantErr: state.CodeInvalidJSON},
		{name: "no entries", entries: nil, want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "auto-define infers types", settings: state.Settings{AutoDefine: true}, entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{
			"nick": "cc", "visits": json.Number("3"), "ratio": 0.5, "vip": true, "colors": []any{"red"}, "empty": []any{}, "nothing": nil}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"nick": "cc", "visits": int64(3), "ratio": 0.5, "vip": true, "colors": []any{"red"}})},
		{name: "auto-define keeps the first type", settings: state.Settings{AutoDefine: true}, entries: []state.ProfileEntry{
			{ExtID: "u1", Values: map[string]any{"visits": 3}}, {ExtID: "u3", Values: map[string]any{"visits": "three"}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"visits": int64(3)}), u2Profile(), nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), tt.settings)
			before := tn.Export()
			err := tn.SetProfileAttributes(tt.entries)
			if tt.wantErr != 0 {
				MustCode(t, "SetProfileAttributes", err, tt.wantErr, state.KindInvalid)
				MustUnchanged(t, "a failing SetProfileAttributes", before, tn)
				return
			}
			MustOK(t, "SetProfileAttributes", err)
			if diff := cmp.Diff(tt.want, profiles(tn)); diff != "" {
				t.Errorf("profiles after SetProfileAttributes(%+v) (-want +got):\n%s", tt.entries, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestAutoDefineDefinitions(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	MustOK(t, "SetProfileAttributes", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{
		"nick": "cc", "visits": json.Number("3"), "ratio": 0.5, "vip": true, "colors": []any{"red"}, "empty": []any{}, "mixed": []any{"a", 1}}}}))
	MustOK(t, "PushProfileAttributes", tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{
		"sizes": []any{json.Number("42")}, "scalarPush": "x"}}}))
	want := append(smallAttributes(),
		state.AttributeDef{Code: "colors", DataType: state.TypeString, IsArray: true},
		state.AttributeDef{Code: "nick", DataType: state.TypeString},
		state.AttributeDef{Code: "ratio", DataType: state.TypeDouble},
		state.AttributeDef{Code: "vip", DataType: state.TypeBoolean},
		state.AttributeDef{Code: "visits", DataType: state.TypeInteger},
		state.AttributeDef{Code: "sizes", DataType: state.TypeInteger, IsArray: true},
	)
	if diff := cmp.Diff(want, tn.Attributes()); diff != "" {
		t.Errorf("Attributes() after auto-defining (-want +got):\n%s", diff)
	}

	off := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "SetProfileAttributes", off.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"nick": "cc"}}}))
	if diff := cmp.Diff(smallAttributes(), off.Attributes()); diff != "" {
		t.Errorf("Attributes() without AutoDefine changed (-want +got):\n%s", diff)
	}
}

func TestAutoDefineAddressAttributes(t *testing.T) {
	d := &state.Dataset{Attributes: []state.AttributeDef{{Code: "age", DataType: state.TypeInteger}}, Users: []state.UserRecord{{ExtID: "a"}}}
	tn := MustTenant(t, d, state.Settings{AutoDefine: true})
	MustOK(t, "SetProfileAttributes", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "a", Values: map[string]any{
		state.AttrEmail: 5, state.AttrMsisdn: []any{"+90"}}}}))
	if p := MustUser(t, tn, "a").Profile; len(p) != 0 {
		t.Errorf("auto-defining email as a number and msisdn as an array stored %v, want nothing", p)
	}
	tn.UpdateEmail("a", "a@example.com")
	want := map[string]any{state.AttrEmail: "a@example.com"}
	if p, _ := tn.ProfileAttributes("a", ""); !cmp.Equal(want, p) {
		t.Errorf("ProfileAttributes(a) after UpdateEmail = %v, want %v", p, want)
	}
}

func TestUnsetProfileAttributes(t *testing.T) {
	tests := []struct {
		name    string
		entries []state.ProfileEntry
		want    map[string]map[string]any
		wantErr int
	}{
		{name: "keys removed, absent and undefined ignored", entries: []state.ProfileEntry{{ExtID: "u1", Keys: []string{"age", "score", "shoeSize", "name"}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"age": nil, "name": nil}), u2Profile(), nil)},
		{name: "array key removed", entries: []state.ProfileEntry{{DeviceToken: "tok4", Keys: []string{"luckyNumbers"}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": nil}), nil)},
		{name: "empty key list is a no-op", entries: []state.ProfileEntry{{ExtID: "u1", Keys: []string{}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "unknown user skipped", entries: []state.ProfileEntry{{ExtID: "ghost", Keys: []string{"age"}}, {ExtID: "u2", Keys: []string{"score"}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"score": nil}), nil)},
		{name: "some malformed", entries: []state.ProfileEntry{{Malformed: true, ExtID: "u1", Keys: []string{"age"}}, {ExtID: "u2", Keys: []string{"score"}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"score": nil}), nil)},
		{name: "every entry malformed", entries: []state.ProfileEntry{{Malformed: true, ExtID: "u1", Keys: []string{"age"}}}, wantErr: state.CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			err := tn.UnsetProfileAttributes(tt.entries)
			if tt.wantErr != 0 {
				MustCode(t, "UnsetProfileAttributes", err, tt.wantErr, state.KindInvalid)
				MustUnchanged(t, "a failing UnsetProfileAttributes", before, tn)
				return
			}
			MustOK(t, "UnsetProfileAttributes", err)
			if diff := cmp.Diff(tt.want, profiles(tn)); diff != "" {
				t.Errorf("profiles after UnsetProfileAttributes(%+v) (-want +got):\n%s", tt.entries, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestProfileAttributes(t *testing.T) {
	tests := []struct {
		name      string
		extID     string
		token     string
		want      map[string]any
		wantFound bool
	}{
		{name: "by extId", extID: "u1", want: u1Profile(), wantFound: true},
		{name: "by token", token: "tok2", want: u1Profile(), wantFound: true},
		{name: "extId wins", extID: "u2", token: "tok1", want: u2Profile(), wantFound: true},
		{name: "untracked user readable", extID: "u4", want: map[string]any{state.AttrEmail: "dan@example.com"}, wantFound: true},
		{name: "user with empty profile", extID: "u3", want: map[string]any{}, wantFound: true},
		{name: "unknown user", extID: "ghost", want: map[string]any{}},
		{name: "token of a device without user", token: "tok5", want: map[string]any{}},
		{name: "neither", want: map[string]any{}},
	}
	tn := MustTenant(t, smallDataset(), state.Settings{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := tn.ProfileAttributes(tt.extID, tt.token)
			if diff := cmp.Diff(tt.want, got); diff != "" || found != tt.wantFound {
				t.Errorf("ProfileAttributes(%q, %q): found %v, want %v; profile (-want +got):\n%s", tt.extID, tt.token, found, tt.wantFound, diff)
			}
		})
	}
}

func TestDeleteProfileAttributes(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	tn.DeleteProfileAttributes([]string{state.AttrEmail, "luckyNumbers", "shoeSize"})
	want := profilesWith(edited(u1Profile(), map[string]any{state.AttrEmail: nil}),
		edited(u2Profile(), map[string]any{state.AttrEmail: nil, "luckyNumbers": nil}), nil)
	want["u4"] = nil
	if diff := cmp.Diff(want, profiles(tn)); diff != "" {
		t.Errorf("profiles after DeleteProfileAttributes([email luckyNumbers shoeSize]) (-want +got):\n%s", diff)
	}
	// The definitions stay, and the email index no longer finds anyone.
	if diff := cmp.Diff(smallAttributes(), tn.Attributes()); diff != "" {
		t.Errorf("Attributes() after DeleteProfileAttributes (-want +got):\n%s", diff)
	}
	before := tn.Export()
	MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{"ann@example.com"}, false))
	MustUnchanged(t, "SetMailPermission by a deleted address", before, tn)
	MustConsistent(t, tn)
	tn.DeleteProfileAttributes(nil)
	MustUnchanged(t, "DeleteProfileAttributes(nil)", before, tn)
}

// TestAutoDefineNeedsACode: an empty key defines nothing, even when the
// tenant defines attributes on first use (found by FuzzProfile: the
// tenant's export no longer loaded).
func TestAutoDefineNeedsACode(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	before := tn.Export()
	MustOK(t, "SetProfileAttributes", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"": "x"}}}))
	MustOK(t, "PushProfileAttributes", tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"": []any{"x"}}}}))
	MustUnchanged(t, "writes of an empty key", before, tn)
}
