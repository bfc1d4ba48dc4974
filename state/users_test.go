package state_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// tagsOf returns every user's tags, by external ID.
func tagsOf(tn *state.Tenant) map[string][]string {
	out := map[string][]string{}
	for _, u := range tn.Export().Users {
		out[u.ExtID] = u.Tags
	}
	return out
}

func TestTagUsers(t *testing.T) {
	tests := []struct {
		name   string
		tags   []string
		extIDs []string
		want   map[string][]string
	}{
		{name: "one tag, two users", tags: []string{"Gold"}, extIDs: []string{"u2", "u3"},
			want: map[string][]string{"u1": {"Sport", "VIP"}, "u2": {"Gold", "Sport"}, "u3": {"Gold"}, "u4": nil}},
		{name: "several tags, already tagged", tags: []string{"Sport", "Music"}, extIDs: []string{"u1"},
			want: map[string][]string{"u1": {"Music", "Sport", "VIP"}, "u2": {"Sport"}, "u3": nil, "u4": nil}},
		{name: "unknown and repeated IDs skipped", tags: []string{"X"}, extIDs: []string{"ghost", "u3", "u3", ""},
			want: map[string][]string{"u1": {"Sport", "VIP"}, "u2": {"Sport"}, "u3": {"X"}, "u4": nil}},
		{name: "untracked users are tagged", tags: []string{"X"}, extIDs: []string{"u4"},
			want: map[string][]string{"u1": {"Sport", "VIP"}, "u2": {"Sport"}, "u3": nil, "u4": {"X"}}},
		{name: "no IDs", tags: []string{"X"}, extIDs: nil,
			want: map[string][]string{"u1": {"Sport", "VIP"}, "u2": {"Sport"}, "u3": nil, "u4": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			MustOK(t, "TagUsers", tn.TagUsers(tt.tags, tt.extIDs))
			if diff := cmp.Diff(tt.want, tagsOf(tn)); diff != "" {
				t.Errorf("tags after TagUsers(%q, %q) (-want +got):\n%s", tt.tags, tt.extIDs, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestUntagUsers(t *testing.T) {
	tests := []struct {
		name         string
		tags         []string
		extIDs       []string
		wantNotExist []string
		want         map[string][]string
	}{
		{name: "one tag", tags: []string{"Sport"}, extIDs: []string{"u1", "u2"}, wantNotExist: []string{},
			want: map[string][]string{"u1": {"VIP"}, "u2": nil, "u3": nil, "u4": nil}},
		{name: "tag the user lacks", tags: []string{"VIP"}, extIDs: []string{"u2", "u3"}, wantNotExist: []string{},
			want: map[string][]string{"u1": {"Sport", "VIP"}, "u2": {"Sport"}, "u3": nil, "u4": nil}},
		{name: "unknown IDs in request order without duplicates", tags: []string{"Sport", "VIP"},
			extIDs: []string{"zed", "u1", "ghost", "zed", "ghost", "abe"}, wantNotExist: []string{"zed", "ghost", "abe"},
			want: map[string][]string{"u1": nil, "u2": {"Sport"}, "u3": nil, "u4": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			notExist, err := tn.UntagUsers(tt.tags, tt.extIDs)
			MustOK(t, "UntagUsers", err)
			if diff := cmp.Diff(tt.wantNotExist, notExist); diff != "" {
				t.Errorf("UntagUsers(%q, %q) notExist (-want +got):\n%s", tt.tags, tt.extIDs, diff)
			}
			if diff := cmp.Diff(tt.want, tagsOf(tn)); diff != "" {
				t.Errorf("tags after UntagUsers(%q, %q) (-want +got):\n%s", tt.tags, tt.extIDs, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestTagUntagKeepsIndexConsistent(t *testing.T) {
	tn := MustTenant(t, bigDataset(50), state.Settings{})
	for i := range 20 {
		MustOK(t, "TagUsers", tn.TagUsers([]string{"a", "b"}, ids(i, 10)))
		_, err := tn.UntagUsers([]string{"a"}, ids(i+3, 5))
		MustOK(t, "UntagUsers", err)
		MustConsistent(t, tn)
	}
	// Untagging everyone drops the tag from the index entirely.
	_, err := tn.UntagUsers([]string{"a", "b"}, ids(0, 50))
	MustOK(t, "UntagUsers", err)
	MustConsistent(t, tn)
	for id, tags := range tagsOf(tn) {
		if len(tags) != 0 {
			t.Errorf("after untagging everyone, %s has tags %q", id, tags)
		}
	}
}

func TestDeleteUsersPermanently(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "DeleteUsersPermanently([u1 u1 u3])", tn.DeleteUsersPermanently([]string{"u1", "u1", "u3"}))
	MustConsistent(t, tn)
	for _, id := range []string{"u1", "u3"} {
		if tn.HasUser(id) {
			t.Errorf("HasUser(%q) after deleting it = true", id)
		}
		if _, ok := tn.User(id); ok {
			t.Errorf("User(%q) after deleting it found a user", id)
		}
		if p, found := tn.ProfileAttributes(id, ""); found || len(p) != 0 {
			t.Errorf("ProfileAttributes(%q) after deleting it = %v, %v; want empty, false", id, p, found)
		}
	}
	for _, tok := range []string{"tok1", "tok2", "tok3"} {
		if _, ok := tn.DeviceByToken(tok); ok {
			t.Errorf("DeviceByToken(%q) of a deleted user still found", tok)
		}
	}
	var installations []string
	for _, d := range tn.Export().Devices {
		installations = append(installations, d.InstallationID)
	}
	if diff := cmp.Diff([]string{"i4", "i5"}, installations); diff != "" {
		t.Errorf("installations after deleting u1 and u3 (-want +got):\n%s", diff)
	}
	// The address and tag indexes no longer reach the deleted user.
	exported := tn.Export()
	MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{"ann@example.com"}, false))
	MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{"+905551110001"}, false))
	MustOK(t, "TagUsers", tn.TagUsers([]string{"X"}, []string{"u1"}))
	MustUnchanged(t, "permissions and tags by a deleted user's addresses and ID", exported, tn)
	if diff := cmp.Diff(map[string][]string{"u2": {"Sport"}, "u4": nil}, tagsOf(tn)); diff != "" {
		t.Errorf("tags after deleting u1 and u3 (-want +got):\n%s", diff)
	}
	_, brand, _, err := tn.SegmentUsers(10, 0, 100)
	MustOK(t, "SegmentUsers(10)", err)
	if diff := cmp.Diff([]state.SegmentMember{{ExtID: "u2", Email: "bob@example.com", Msisdn: "+905551110002"}}, brand); diff != "" {
		t.Errorf("segment 10 after deleting u1 and u3 (-want +got):\n%s", diff)
	}
	_, vip, _, err := tn.SegmentUsers(11, 0, 100)
	MustOK(t, "SegmentUsers(11)", err)
	if len(vip) != 0 {
		t.Errorf("segment 11 after deleting its only member = %v, want empty", vip)
	}
	if got := *segmentCount(t, tn, 11); got != 0 {
		t.Errorf("Segments() userCount of 11 after deleting its member = %d, want 0", got)
	}
	// A second delete of the same user is now an unknown ID.
	err = tn.DeleteUsersPermanently([]string{"u1"})
	MustCode(t, "DeleteUsersPermanently([u1]) again", err, state.CodeUserNotFound, state.KindNotFound)
}

func TestDeleteUsersPermanentlyUnknownChangesNothing(t *testing.T) {
	tests := []struct {
		name   string
		extIDs []string
	}{
		{name: "unknown last", extIDs: []string{"u1", "u2", "ghost"}},
		{name: "unknown first", extIDs: []string{"ghost", "u1"}},
		{name: "empty ID", extIDs: []string{"u1", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, off := range []bool{false, true} {
				tn := MustTenant(t, smallDataset(), state.Settings{PermanentDeleteOff: off})
				before := tn.Export()
				err := tn.DeleteUsersPermanently(tt.extIDs)
				MustCode(t, "DeleteUsersPermanently", err, state.CodeUserNotFound, state.KindNotFound)
				if !errors.Is(err, &state.Error{Code: state.CodeUserNotFound}) {
					t.Errorf("errors.Is(%v, code 5016) = false", err)
				}
				MustUnchanged(t, "a DeleteUsersPermanently naming an unknown user", before, tn)
			}
		})
	}
}

func TestDeleteUsersPermanentlyOff(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{PermanentDeleteOff: true})
	before := MustUser(t, tn, "u1")
	MustOK(t, "DeleteUsersPermanently([u1])", tn.DeleteUsersPermanently([]string{"u1"}))
	MustConsistent(t, tn)
	after := MustUser(t, tn, "u1")
	before.Untracked = true
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("User(u1) after an untracking delete: only Untracked should change (-want +got):\n%s", diff)
	}
	if p, found := tn.ProfileAttributes("u1", ""); !found || p["name"] != "Ann" {
		t.Errorf("ProfileAttributes(u1) of an untracked user = %v, %v; want its profile", p, found)
	}
	if got := len(tn.Devices("u1", false)); got != 2 {
		t.Errorf("Devices(u1) of an untracked user: %d devices, want 2", got)
	}
	for _, seg := range []int64{10, 11} {
		_, page, _, err := tn.SegmentUsers(seg, 0, 100)
		MustOK(t, "SegmentUsers", err)
		for _, m := range page {
			if m.ExtID == "u1" {
				t.Errorf("SegmentUsers(%d) still lists the untracked u1", seg)
			}
		}
	}
	if got := tn.Counts().Users; got != 4 {
		t.Errorf("Counts().Users after untracking = %d, want 4 (the user is kept)", got)
	}
	// Untracking an untracked user again is allowed.
	MustOK(t, "DeleteUsersPermanently([u1]) again", tn.DeleteUsersPermanently([]string{"u1", "u4"}))
}

func TestUserAndHasUser(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	want := state.UserRecord{ExtID: "u2", Tags: []string{"Sport"}, Profile: map[string]any{
		state.AttrEmail: "bob@example.com", state.AttrMsisdn: "+905551110002", "isSubscribed": true,
		"luckyNumbers": []any{int64(7)}, "score": 2.5}}
	if diff := cmp.Diff(want, MustUser(t, tn, "u2")); diff != "" {
		t.Errorf("User(u2) (-want +got):\n%s", diff)
	}
	if _, ok := tn.User("ghost"); ok || tn.HasUser("ghost") {
		t.Errorf("User/HasUser(ghost) found a user")
	}
	if !tn.HasUser("u4") {
		t.Errorf("HasUser(u4) of an untracked user = false, want true")
	}
}

// segmentCount returns the userCount Segments reports for id.
func segmentCount(tb testing.TB, tn *state.Tenant, id int64) *int {
	tb.Helper()
	for _, s := range tn.Segments() {
		if s.ID == id {
			return s.UserCount
		}
	}
	tb.Fatalf("Segments() has no segment %d", id)
	return nil
}
