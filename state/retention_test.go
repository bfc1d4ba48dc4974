package state

import (
	"fmt"
	"testing"
)

// TestRemovedUsersHoldNothing: loaded users share arrays with their batch
// (users, devices, memberships, profile values), which live as long as
// any user of the batch does. A user taken out of segments, or deleted,
// must leave nothing in them that points elsewhere, or every replaced
// segment and every deleted user's data would stay in memory until reset.
func TestRemovedUsersHoldNothing(t *testing.T) {
	d := &Dataset{Segments: []SegmentRecord{{ID: 1, Type: SegmentStandard}, {ID: 2, Type: SegmentStandard}}}
	for i := range 8 {
		id := fmt.Sprintf("u%d", i)
		d.Users = append(d.Users, UserRecord{ExtID: id, Tags: []string{"t"}, Profile: map[string]any{"name": id, AttrEmail: id + "@x.io"}})
		d.Devices = append(d.Devices, DeviceRecord{InstallationID: "i" + id, ExtID: id, Platform: PlatformIOS, Token: "t" + id})
		d.Segments[0].Members = append(d.Segments[0].Members, id)
		d.Segments[1].Members = append(d.Segments[1].Members, id)
	}
	for _, tc := range []struct {
		name   string
		delete func(tn *Tenant) error
		whole  bool // the user is deleted, not only untracked
	}{
		{"untracked", func(tn *Tenant) error {
			tn.settings.PermanentDeleteOff = true
			return tn.DeleteUsersPermanently([]string{"u3"})
		}, false},
		{"deleted", func(tn *Tenant) error { return tn.DeleteUsersPermanently([]string{"u3"}) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn, err := NewTenant(d, Settings{})
			if err != nil {
				t.Fatal(err)
			}
			u := tn.users["u3"]
			segs := u.segs[:cap(u.segs)]
			profile := u.profile[:cap(u.profile)]
			dv := u.devices[0]
			if err := tc.delete(tn); err != nil {
				t.Fatal(err)
			}
			for i, m := range segs {
				if m != (membership{}) {
					t.Errorf("membership %d still points at segment %d", i, m.seg.rec.ID)
				}
			}
			if !tc.whole {
				return
			}
			for i, a := range profile {
				if a != (attrValue{}) {
					t.Errorf("profile value %d still held: %+v", i, a)
				}
			}
			if *dv != (device{}) {
				t.Errorf("deleted device still holds %+v", *dv)
			}
			if u.tags != nil || u.profile != nil || u.cats != nil || u.devices != nil || u.segs != nil {
				t.Errorf("deleted user still holds slices: %+v", *u)
			}
			if err := tn.Verify(); err != nil {
				t.Error(err)
			}
		})
	}
}
