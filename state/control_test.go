package state_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/netmera-mock/netmera-mock/state"
)

// The control operations of state/control.go: each either applies whole
// or changes nothing, and leaves the indexes consistent.

// mustFail checks that a control call failed with an error mentioning
// want, left the tenant as it was and its indexes consistent.
func mustFail(tb testing.TB, call string, err error, want string, before *state.Dataset, tn *state.Tenant) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("%s = nil, want an error mentioning %q", call, want)
	}
	if !strings.Contains(err.Error(), want) {
		tb.Errorf("%s = %v, want an error mentioning %q", call, err, want)
	}
	MustUnchanged(tb, call, before, tn)
	MustConsistent(tb, tn)
}

func TestPutUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  state.UserRecord
		want state.UserRecord // as User reads it back
		// segments u1 must be in afterwards, by ID
		wantSegs []int64
	}{
		{name: "new user",
			rec: state.UserRecord{ExtID: "new", Tags: []string{"b", "a", "a"}, Profile: map[string]any{"name": "Ada", "age": 40.0},
				Categories: []state.CategoryPref{{Category: catPromotions, Channel: "SMS", Enabled: true}}, EmailPermitted: true},
			want: state.UserRecord{ExtID: "new", Tags: []string{"a", "b"}, Profile: map[string]any{"name": "Ada", "age": int64(40)},
				Categories: []state.CategoryPref{{Category: catPromotions, Channel: "SMS", Enabled: true}}, EmailPermitted: true}},
		{name: "existing user replaced whole",
			rec:      state.UserRecord{ExtID: "u1", Tags: []string{"New"}, Profile: map[string]any{"name": "Annie"}, SmsPermitted: true},
			want:     state.UserRecord{ExtID: "u1", Tags: []string{"New"}, Profile: map[string]any{"name": "Annie"}, SmsPermitted: true},
			wantSegs: []int64{10, 11}},
		{name: "existing user emptied",
			rec:      state.UserRecord{ExtID: "u1"},
			want:     state.UserRecord{ExtID: "u1"},
			wantSegs: []int64{10, 11}},
		{name: "existing user untracked leaves segments",
			rec:  state.UserRecord{ExtID: "u1", Untracked: true},
			want: state.UserRecord{ExtID: "u1", Untracked: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, smallDataset(), state.Settings{})
			call := "PutUser(" + tt.rec.ExtID + ")"
			MustOK(t, call, tn.PutUser(tt.rec))
			MustConsistent(t, tn)
			if diff := cmp.Diff(tt.want, MustUser(t, tn, tt.rec.ExtID), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: User mismatch (-want +got):\n%s", call, diff)
			}
			if tt.rec.ExtID != "u1" {
				return
			}
			// Devices stay with the user; segments unless untracked.
			if got := installationIDs(tn.Devices("u1", false)); !cmp.Equal(got, []string{"i1", "i2"}) {
				t.Errorf("%s: Devices(u1) = %q, want [i1 i2]: a user's devices stay", call, got)
			}
			var segs []int64
			for _, s := range tn.Segments() {
				_, members, _, err := tn.SegmentUsers(s.ID, 0, 100)
				if err != nil {
					continue
				}
				for _, m := range members {
					if m.ExtID == "u1" {
						segs = append(segs, s.ID)
					}
				}
			}
			slices.Sort(segs)
			if diff := cmp.Diff(tt.wantSegs, segs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: segments holding u1 mismatch (-want +got):\n%s", call, diff)
			}
			// The old address is no longer indexed: it reaches nobody.
			if err := tn.SetMailPermission(nil, []string{"ann@example.com"}, true); err != nil {
				t.Errorf("SetMailPermission(ann@example.com) after %s = %v", call, err)
			}
			if u := MustUser(t, tn, "u1"); u.EmailPermitted {
				t.Errorf("after %s, enabling mail for u1's old address ann@example.com reached u1, want it to reach nobody", call)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestPutUserRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  state.UserRecord
		want string
	}{
		{name: "empty extId", rec: state.UserRecord{Tags: []string{"x"}}, want: "empty extId"},
		{name: "undefined attribute", rec: state.UserRecord{ExtID: "u1", Tags: []string{"x"}, Profile: map[string]any{"colour": "red"}}, want: `"colour" is not defined`},
		{name: "wrong type", rec: state.UserRecord{ExtID: "new", Profile: map[string]any{"name": "ok", "age": "old"}}, want: `"age"`},
		{name: "not an array", rec: state.UserRecord{ExtID: "u2", Profile: map[string]any{"luckyNumbers": 7.0}}, want: `"luckyNumbers"`},
		{name: "undefined category", rec: state.UserRecord{ExtID: "u1", Categories: []state.CategoryPref{{Category: "Nope", Channel: "PUSH"}}}, want: `category "Nope"`},
		{name: "unknown channel", rec: state.UserRecord{ExtID: "u1", Categories: []state.CategoryPref{{Category: catPromotions, Channel: "FAX"}}}, want: `channel "FAX"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			mustFail(t, "PutUser("+tt.name+")", tn.PutUser(tt.rec), tt.want, before, tn)
		})
	}
}

func TestPutDevice(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	steps := []struct {
		name string
		rec  state.DeviceRecord
		want state.DeviceRecord
		// installations of owner afterwards, and of the previous owner
		owner, wantOwner     string
		wantOwnerDevices     []string
		prevOwner            string
		wantPrevOwnerDevices []string
	}{
		{name: "new installation of a known user",
			rec:   state.DeviceRecord{InstallationID: "i7", ExtID: "u2", Platform: state.PlatformIOS, Token: "tok7", PushPermitted: true},
			want:  state.DeviceRecord{InstallationID: "i7", ExtID: "u2", Platform: state.PlatformIOS, Token: "tok7", PushPermitted: true},
			owner: "u2", wantOwnerDevices: []string{"i4", "i7"}},
		{name: "made-up installation ID, unknown user created",
			rec:   state.DeviceRecord{ExtID: "fresh", Platform: state.PlatformAndroid, Token: "tok8"},
			want:  state.DeviceRecord{InstallationID: "iid-8", ExtID: "fresh", Platform: state.PlatformAndroid, Token: "tok8"},
			owner: "fresh", wantOwnerDevices: []string{"iid-8"}},
		{name: "update moves the device and its token",
			rec:   state.DeviceRecord{InstallationID: "i2", ExtID: "u3", Platform: state.PlatformAndroid, Token: "tok2-new", PushPermitted: true},
			want:  state.DeviceRecord{InstallationID: "i2", ExtID: "u3", Platform: state.PlatformAndroid, Token: "tok2-new", PushPermitted: true},
			owner: "u3", wantOwnerDevices: []string{"i6", "i2"}, prevOwner: "u1", wantPrevOwnerDevices: []string{"i1"}},
		{name: "same token on the same installation",
			rec:   state.DeviceRecord{InstallationID: "i2", ExtID: "u3", Platform: state.PlatformAndroid, Token: "tok2-new"},
			want:  state.DeviceRecord{InstallationID: "i2", ExtID: "u3", Platform: state.PlatformAndroid, Token: "tok2-new"},
			owner: "u3", wantOwnerDevices: []string{"i6", "i2"}},
		{name: "unlinked",
			rec:   state.DeviceRecord{InstallationID: "i6", Platform: state.PlatformIOS},
			want:  state.DeviceRecord{InstallationID: "i6", Platform: state.PlatformIOS},
			owner: "u3", wantOwnerDevices: []string{"i2"}},
	}
	for _, st := range steps {
		call := "PutDevice(" + st.name + ")"
		got, err := tn.PutDevice(st.rec)
		MustOK(t, call, err)
		MustConsistent(t, tn)
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s returned a record mismatch (-want +got):\n%s", call, diff)
		}
		if !tn.HasUser(st.owner) {
			t.Errorf("after %s, user %q does not exist", call, st.owner)
		}
		// Devices lists installed devices of a user with their tokens.
		var owned []string
		for _, d := range tn.Export().Devices {
			if d.ExtID == st.owner {
				owned = append(owned, d.InstallationID)
			}
		}
		slices.Sort(owned)
		want := slices.Clone(st.wantOwnerDevices)
		slices.Sort(want)
		if diff := cmp.Diff(want, owned, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("after %s, installations of %s mismatch (-want +got):\n%s", call, st.owner, diff)
		}
		if got := installationIDs(tn.Devices(st.owner, false)); !cmp.Equal(sortedStrings(got), want, cmpopts.EquateEmpty()) {
			t.Errorf("after %s, Devices(%s) = %q, want %q", call, st.owner, got, want)
		}
		if st.prevOwner != "" {
			if got := installationIDs(tn.Devices(st.prevOwner, false)); !cmp.Equal(got, st.wantPrevOwnerDevices) {
				t.Errorf("after %s, Devices(%s) = %q, want %q", call, st.prevOwner, got, st.wantPrevOwnerDevices)
			}
		}
		if st.want.Token != "" {
			if d, ok := tn.DeviceByToken(st.want.Token); !ok || d.InstallationID != st.want.InstallationID {
				t.Errorf("after %s, DeviceByToken(%s) = %+v, %v, want installation %s", call, st.want.Token, d, ok, st.want.InstallationID)
			}
		}
	}
	if _, ok := tn.DeviceByToken("tok2"); ok {
		t.Errorf("DeviceByToken(tok2) found a device after i2's token changed to tok2-new")
	}
	// getDevices order: an update that keeps the owner keeps the place.
	if _, err := tn.PutDevice(state.DeviceRecord{InstallationID: "i4", ExtID: "u2", Platform: state.PlatformIOS, DeviceModel: "new"}); err != nil {
		t.Fatal(err)
	}
	if got, want := installationIDs(tn.Devices("u2", false)), []string{"i4", "i7"}; !cmp.Equal(got, want) {
		t.Errorf("after updating i4 in place, Devices(u2) = %q, want %q in that order", got, want)
	}
	// getDeviceTokens order: an update keeps the device's place.
	page, total, _ := tn.DeviceTokens(0, 100)
	if got, want := installationIDs(page), []string{"i1", "i2", "i3", "i4", "i5", "i6", "i7", "iid-8"}; total != len(want) || !cmp.Equal(got, want) {
		t.Errorf("DeviceTokens(0, 100) = %q (total %d), want %q", got, total, want)
	}
}

func sortedStrings(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}

func TestPutDeviceRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  state.DeviceRecord
		want string
	}{
		{name: "unknown platform", rec: state.DeviceRecord{InstallationID: "i9", ExtID: "newcomer", Platform: "NOKIA"}, want: `platform "NOKIA"`},
		{name: "empty platform", rec: state.DeviceRecord{ExtID: "u1"}, want: "platform"},
		{name: "token of another installation", rec: state.DeviceRecord{InstallationID: "i9", ExtID: "newcomer", Platform: state.PlatformIOS, Token: "tok1"},
			want: `belongs to installation "i1"`},
		{name: "made-up ID and a taken token", rec: state.DeviceRecord{Platform: state.PlatformIOS, Token: "tok5"}, want: `belongs to installation "i5"`},
		{name: "update to a taken token", rec: state.DeviceRecord{InstallationID: "i2", ExtID: "u1", Platform: state.PlatformAndroid, Token: "tok4"},
			want: `belongs to installation "i4"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			_, err := tn.PutDevice(tt.rec)
			mustFail(t, "PutDevice("+tt.name+")", err, tt.want, before, tn)
		})
	}
}

func TestDefineAttribute(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "DefineAttribute(tier)", tn.DefineAttribute(state.AttributeDef{Code: "tier", DataType: state.TypeString}))
	MustOK(t, "DefineAttribute(tier) again", tn.DefineAttribute(state.AttributeDef{Code: "tier", DataType: state.TypeString}))
	MustOK(t, "DefineAttribute(sizes)", tn.DefineAttribute(state.AttributeDef{Code: "sizes", DataType: state.TypeDouble, IsArray: true}))
	MustConsistent(t, tn)
	want := append(smallAttributes(), state.AttributeDef{Code: "tier", DataType: state.TypeString},
		state.AttributeDef{Code: "sizes", DataType: state.TypeDouble, IsArray: true})
	if diff := cmp.Diff(want, tn.Export().Attributes); diff != "" {
		t.Errorf("attributes after defining tier (twice) and sizes mismatch (-want +got):\n%s", diff)
	}
	// A defined attribute can be set.
	MustOK(t, "SetProfileAttributes(tier)", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"tier": "gold", "sizes": []any{1.5}}}}))
	if diff := cmp.Diff(map[string]any{"tier": "gold", "sizes": []any{1.5}}, MustUser(t, tn, "u3").Profile); diff != "" {
		t.Errorf("u3's profile after setting tier and sizes mismatch (-want +got):\n%s", diff)
	}

	rejects := []struct {
		name string
		def  state.AttributeDef
		want string
	}{
		{name: "empty code", def: state.AttributeDef{DataType: state.TypeString}, want: "empty code"},
		{name: "unknown type", def: state.AttributeDef{Code: "x", DataType: "TEXT"}, want: `unknown dataType "TEXT"`},
		{name: "redefined with another type", def: state.AttributeDef{Code: "age", DataType: state.TypeString}, want: `"age" is already defined as INTEGER`},
		{name: "redefined as an array", def: state.AttributeDef{Code: "tier", DataType: state.TypeString, IsArray: true}, want: `"tier" is already defined`},
	}
	for _, tt := range rejects {
		before := tn.Export()
		mustFail(t, "DefineAttribute("+tt.name+")", tn.DefineAttribute(tt.def), tt.want, before, tn)
	}

	// The address attributes, when an app has not defined them, may only
	// be defined as single strings: the address indexes rely on it.
	bare := MustTenant(t, &state.Dataset{Attributes: []state.AttributeDef{{Code: "name", DataType: state.TypeString}}}, state.Settings{})
	for _, def := range []state.AttributeDef{
		{Code: state.AttrEmail, DataType: state.TypeInteger},
		{Code: state.AttrMsisdn, DataType: state.TypeString, IsArray: true},
	} {
		before := bare.Export()
		mustFail(t, "DefineAttribute("+def.Code+" as "+string(def.DataType)+")", bare.DefineAttribute(def), "must be a STRING", before, bare)
	}
	MustOK(t, "DefineAttribute(email STRING)", bare.DefineAttribute(state.AttributeDef{Code: state.AttrEmail, DataType: state.TypeString}))
}

func TestDefineCategory(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	steps := []struct {
		in, want state.Category
	}{
		{in: state.Category{Name: "Deals"}, want: state.Category{ID: 4, Name: "Deals"}},
		{in: state.Category{ID: 10, Name: "Ten"}, want: state.Category{ID: 10, Name: "Ten"}},
		{in: state.Category{Name: "Next"}, want: state.Category{ID: 11, Name: "Next"}},
	}
	for _, st := range steps {
		got, err := tn.DefineCategory(st.in)
		MustOK(t, "DefineCategory("+st.in.Name+")", err)
		if got != st.want {
			t.Errorf("DefineCategory(%+v) = %+v, want %+v", st.in, got, st.want)
		}
	}
	MustConsistent(t, tn)
	wantNames := []string{catPromotions, catWeekly, catNewsletter, "Deals", "Ten", "Next"}
	var names []string
	for _, c := range tn.Categories() {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff(sortedStrings(wantNames), sortedStrings(names)); diff != "" {
		t.Errorf("Categories() names mismatch (-want +got):\n%s", diff)
	}
	// A defined category takes preferences.
	MustOK(t, "SetCategoryPreferences(Deals)", tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: "u2", Category: "Deals", Enable: boolp(false)}}))
	if prefs, _ := tn.CategoryPreferences("u2", "PUSH"); prefs["Deals"] {
		t.Errorf("CategoryPreferences(u2, PUSH) = %v after disabling Deals, want Deals false", prefs)
	}

	rejects := []struct {
		name string
		in   state.Category
		want string
	}{
		{name: "empty name", in: state.Category{ID: 50}, want: "empty name"},
		{name: "taken ID", in: state.Category{ID: 1, Name: "Other"}, want: `taken by "Promotions"`},
		{name: "taken name", in: state.Category{Name: "Deals"}, want: `"Deals" defined twice`},
	}
	for _, tt := range rejects {
		before := tn.Export()
		_, err := tn.DefineCategory(tt.in)
		mustFail(t, "DefineCategory("+tt.name+")", err, tt.want, before, tn)
	}
}

func TestPutSegment(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	members := func(id int64) []string {
		t.Helper()
		_, page, _, err := tn.SegmentUsers(id, 0, 100)
		if err != nil {
			t.Fatalf("SegmentUsers(%d) = %v", id, err)
		}
		var out []string
		for _, m := range page {
			out = append(out, m.ExtID)
		}
		return out
	}
	steps := []struct {
		name        string
		in          state.SegmentRecord
		wantID      int64
		wantType    string
		wantMembers []string
	}{
		{name: "next ID, default type, untracked and repeated members left out",
			in:     state.SegmentRecord{Name: "new", Members: []string{"u2", "u4", "u2", "u1"}},
			wantID: 13, wantType: state.SegmentStandard, wantMembers: []string{"u2", "u1"}},
		{name: "replace keeps the ID, drops old memberships",
			in:     state.SegmentRecord{ID: 10, Name: "brand v2", Type: state.SegmentProduct, CreatedAt: 5000, Members: []string{"u3"}},
			wantID: 10, wantType: state.SegmentProduct, wantMembers: []string{"u3"}},
		{name: "explicit ID",
			in:     state.SegmentRecord{ID: 100, Name: "hundred", Type: state.SegmentStandard, Members: []string{}},
			wantID: 100, wantType: state.SegmentStandard},
	}
	for _, st := range steps {
		call := "PutSegment(" + st.name + ")"
		id, err := tn.PutSegment(st.in)
		MustOK(t, call, err)
		MustConsistent(t, tn)
		if id != st.wantID {
			t.Errorf("%s = %d, want ID %d", call, id, st.wantID)
		}
		if diff := cmp.Diff(st.wantMembers, members(id), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: members mismatch (-want +got):\n%s", call, diff)
		}
		var found bool
		for _, s := range tn.Segments() {
			if s.ID == id {
				found = true
				if s.Type != st.wantType || s.Name != st.in.Name || s.UserCount == nil || *s.UserCount != len(st.wantMembers) {
					t.Errorf("%s: Segments() lists %+v, want type %s, name %q, %d users", call, s, st.wantType, st.in.Name, len(st.wantMembers))
				}
			}
		}
		if !found {
			t.Errorf("%s: Segments() does not list segment %d", call, id)
		}
	}
	// Replacing 10 left u1 and u2 out of it: deleting them must not trip
	// over the old membership.
	MustOK(t, "DeleteUsersPermanently(u1, u2)", tn.DeleteUsersPermanently([]string{"u1", "u2"}))
	MustConsistent(t, tn)

	rejects := []struct {
		name string
		in   state.SegmentRecord
		want string
	}{
		{name: "unknown member", in: state.SegmentRecord{ID: 10, Name: "x", Members: []string{"u3", "ghost"}}, want: `member "ghost" does not exist`},
		{name: "unknown type", in: state.SegmentRecord{ID: 10, Name: "x", Type: "DYNAMIC"}, want: `unknown type "DYNAMIC"`},
	}
	for _, tt := range rejects {
		before := tn.Export()
		_, err := tn.PutSegment(tt.in)
		mustFail(t, "PutSegment("+tt.name+")", err, tt.want, before, tn)
	}
}

func TestCreateMessage(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	steps := []struct {
		in, want state.MessageRecord
	}{
		{in: state.MessageRecord{Title: "Hi", Text: "Sale", Platforms: []string{"IOS"}},
			want: state.MessageRecord{MessageID: 103, Title: "Hi", Text: "Sale", Platforms: []string{"IOS"}, Status: state.MessageWaitingApproval}},
		{in: state.MessageRecord{MessageID: 500, Title: "Done", Status: state.MessageApproved},
			want: state.MessageRecord{MessageID: 500, Title: "Done", Status: state.MessageApproved}},
		{in: state.MessageRecord{Title: "After"},
			want: state.MessageRecord{MessageID: 501, Title: "After", Status: state.MessageWaitingApproval}},
	}
	for _, st := range steps {
		got, err := tn.CreateMessage(st.in)
		MustOK(t, "CreateMessage("+st.in.Title+")", err)
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("CreateMessage(%+v) mismatch (-want +got):\n%s", st.in, diff)
		}
	}
	MustConsistent(t, tn)
	MustOK(t, "ApprovePushes(103)", tn.ApprovePushes([]int64{103}))
	if m, _ := tn.Message(103); m.Status != state.MessageApproved {
		t.Errorf("Message(103) after ApprovePushes = %+v, want APPROVED", m)
	}

	// In an empty tenant the first message takes ID 0, Netmera's example ID.
	empty := MustTenant(t, &state.Dataset{}, state.Settings{})
	if got, err := empty.CreateMessage(state.MessageRecord{Title: "First"}); err != nil || got.MessageID != 0 {
		t.Errorf("CreateMessage in an empty tenant = %+v, %v, want ID 0", got, err)
	}

	rejects := []struct {
		name string
		in   state.MessageRecord
		want string
	}{
		{name: "taken ID", in: state.MessageRecord{MessageID: 100, Title: "x"}, want: "message 100 defined twice"},
		{name: "unknown status", in: state.MessageRecord{MessageID: 900, Status: "SENT"}, want: `unknown status "SENT"`},
	}
	for _, tt := range rejects {
		before := tn.Export()
		_, err := tn.CreateMessage(tt.in)
		mustFail(t, "CreateMessage("+tt.name+")", err, tt.want, before, tn)
	}
}
