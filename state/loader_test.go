package state_test

import (
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// loadAll feeds d to a Loader in batches of size, from one goroutine per
// batch, and finishes it.
func loadAll(tb testing.TB, d *state.Dataset, size int, unique bool) (*state.Tenant, error) {
	tb.Helper()
	l, err := state.NewLoader(d.Attributes, d.Categories, state.Settings{}, len(d.Users), len(d.Devices))
	if err != nil {
		return nil, err
	}
	if unique {
		l.AssumeUniqueInstallations()
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(d.Users)+len(d.Devices))
	for lo := 0; lo < len(d.Users); lo += size {
		wg.Go(func() { errs <- l.AddUsers(lo, d.Users[lo:min(lo+size, len(d.Users))]) })
	}
	for lo := 0; lo < len(d.Devices); lo += size {
		wg.Go(func() { errs <- l.AddDevices(lo, d.Devices[lo:min(lo+size, len(d.Devices))]) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return l.Finish(d.Segments, d.Messages)
}

// TestLoaderMatchesNewTenant: whatever the batch size and however the
// batches interleave, a Loader builds the tenant NewTenant builds.
func TestLoaderMatchesNewTenant(t *testing.T) {
	d := bigDataset(300)
	d.Users[7].Tags = []string{"b", "a", "b"}
	d.Segments = append(d.Segments, state.SegmentRecord{ID: 2, Name: "some", Type: state.SegmentStandard, Members: []string{"u9", "u3", "u9"}})
	want, err := json.Marshal(MustTenant(t, d, state.Settings{}).Export())
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 64, 1000} {
		for _, unique := range []bool{false, true} {
			tn, err := loadAll(t, d, size, unique)
			if err != nil {
				t.Fatalf("batches of %d: %v", size, err)
			}
			MustConsistent(t, tn)
			got, err := json.Marshal(tn.Export())
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("batches of %d (unique installations %v): export differs from NewTenant's", size, unique)
			}
		}
	}
}

// TestLoaderReportsTheFirstBadRecord: with several bad records in
// different batches, the error names the first, every time.
func TestLoaderReportsTheFirstBadRecord(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(d *state.Dataset)
		wantErr string
	}{
		{"two bad users", func(d *state.Dataset) {
			d.Users[9000].Profile["age"] = "old"
			d.Users[5000].Profile["shoeSize"] = 42
		}, `users[5000]: user "u5000": profile attribute "shoeSize" is not defined`},
		{"bad user before a bad category", func(d *state.Dataset) {
			d.Users[6000].Categories = []state.CategoryPref{{Category: "nope", Channel: "PUSH"}}
			d.Users[8200].ExtID = ""
		}, `users[6000]: user "u6000": category "nope" is not defined`},
		{"devices: unknown user after a duplicate token", func(d *state.Dataset) {
			d.Devices[8500].ExtID = "ghost"
			d.Devices[4500].Token = "t3"
		}, `devices[4500]: installation "iu4500": token "t3" used twice`},
		{"devices: duplicate installation after an unknown user", func(d *state.Dataset) {
			d.Devices[8500].InstallationID = "iu1"
			d.Devices[4500].ExtID = "ghost"
		}, `devices[4500]: installation "iu4500": user "ghost" does not exist`},
		// Checks of different stages: the first bad record still wins.
		{"a repeated user before a bad device", func(d *state.Dataset) {
			d.Users[2].ExtID = "u1"
			d.Devices[0].Platform = "NOKIA"
		}, `users[2]: user "u1" defined twice`},
		{"a repeated user before an empty installation ID", func(d *state.Dataset) {
			d.Users[2].ExtID = "u1"
			d.Devices[0].InstallationID = ""
		}, `users[2]: user "u1" defined twice`},
		{"a repeated user before a bad profile", func(d *state.Dataset) {
			d.Users[1].ExtID = "u0"
			d.Users[3].Profile["shoeSize"] = 1
		}, `users[1]: user "u0" defined twice`},
		{"a bad profile before a repeated user", func(d *state.Dataset) {
			d.Users[3].ExtID = "u0"
			d.Users[1].Profile["shoeSize"] = 1
		}, `users[1]: user "u1": profile attribute "shoeSize" is not defined`},
		{"a repeated installation before a bad platform", func(d *state.Dataset) {
			d.Devices[1].InstallationID = "iu0"
			d.Devices[3].Platform = "NOKIA"
		}, `devices[1]: installation "iu0" defined twice`},
		{"an unknown user before a bad platform", func(d *state.Dataset) {
			d.Devices[1].ExtID = "ghost"
			d.Devices[3].Platform = "NOKIA"
		}, `devices[1]: installation "iu1": user "ghost" does not exist`},
		{"a repeated installation with a bad platform", func(d *state.Dataset) {
			d.Devices[1].InstallationID = "iu0"
			d.Devices[1].Platform = "NOKIA"
		}, `devices[1]: installation "iu0" defined twice`},
		{"a bad platform with a repeated token", func(d *state.Dataset) {
			d.Devices[1].Token = "t0"
			d.Devices[1].Platform = "NOKIA"
		}, `devices[1]: installation "iu1": unknown platform "NOKIA"`},
		{"segment members", func(d *state.Dataset) {
			d.Segments[0].Members[9100] = "ghost2"
			d.Segments[0].Members[4100] = "ghost1"
		}, `segment 1: member "ghost1" does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 3 {
				d := bigDataset(10_000)
				tt.edit(d)
				_, err := state.NewTenant(d, state.Settings{})
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NewTenant error = %v, want one containing %q", err, tt.wantErr)
				}
			}
		})
	}
}

func TestLoaderRejectsMisuse(t *testing.T) {
	l, err := state.NewLoader(nil, nil, state.Settings{}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	users := []state.UserRecord{{ExtID: "a"}, {ExtID: "b"}}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"users past the end", l.AddUsers(1, users)},
		{"users before the start", l.AddUsers(-1, users[:1])},
		{"devices past the end", l.AddDevices(1, []state.DeviceRecord{{InstallationID: "i", Platform: state.PlatformIOS}})},
		{"a position that overflows", l.AddUsers(math.MaxInt, users[:1])},
		{"devices at a position that overflows", l.AddDevices(math.MaxInt, []state.DeviceRecord{{}})},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if err := l.AddUsers(0, users[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Finish(nil, nil); err == nil || !strings.Contains(err.Error(), "users[1]: never added") {
		t.Errorf("Finish with user 1 never added = %v, want an error naming it", err)
	}
	if _, err := l.Finish(nil, nil); err == nil || !strings.Contains(err.Error(), "finished already") {
		t.Errorf("a second Finish = %v, want an error", err)
	}
	for _, n := range [][2]int{{-1, 0}, {0, -1}, {math.MaxInt32 + 1, 0}, {0, math.MaxInt}} {
		if _, err := state.NewLoader(nil, nil, state.Settings{}, n[0], n[1]); err == nil {
			t.Errorf("NewLoader(%d users, %d devices): no error", n[0], n[1])
		}
	}
}

// TestUniqueInstallationsIndexBuiltOnUse: a tenant loaded without the
// index by installation ID builds it when the control API first needs it,
// and stays consistent through updates and deletions before and after.
func TestUniqueInstallationsIndexBuiltOnUse(t *testing.T) {
	tn, err := loadAll(t, bigDataset(50), 16, true)
	if err != nil {
		t.Fatal(err)
	}
	MustConsistent(t, tn)
	MustOK(t, "DeleteUsersPermanently(u0)", tn.DeleteUsersPermanently([]string{"u0"}))
	MustConsistent(t, tn)

	// An update of a known installation keeps its place and count.
	before := tn.Counts().Devices
	moved := state.DeviceRecord{InstallationID: "iu7", ExtID: "u8", Platform: state.PlatformIOS, Token: "t7-new", PushPermitted: true}
	if _, err := tn.PutDevice(moved); err != nil {
		t.Fatalf("PutDevice(%+v): %v", moved, err)
	}
	MustConsistent(t, tn)
	if got := tn.Counts().Devices; got != before {
		t.Errorf("after updating installation iu7: %d devices, want %d", got, before)
	}
	page, _, _ := tn.DeviceTokens(6, 1)
	if diff := cmp.Diff([]state.DeviceRecord{moved}, page); diff != "" {
		t.Errorf("DeviceTokens at iu7's place (-want +got):\n%s", diff)
	}
	if _, err := tn.PutDevice(state.DeviceRecord{Platform: state.PlatformAndroid}); err != nil {
		t.Fatalf("PutDevice(new installation): %v", err)
	}
	MustOK(t, "DeleteUsersPermanently(u8)", tn.DeleteUsersPermanently([]string{"u8"}))
	MustConsistent(t, tn)
	if got, want := tn.Counts().Devices, before+1-2; got != want {
		t.Errorf("after adding one and deleting u8 (its own and iu7): %d devices, want %d", got, want)
	}
}

// TestVerifyCatchesRepeatedInstallations: the promise of
// AssumeUniqueInstallations is checked by Verify, so a generator that
// broke it would fail its tests.
func TestVerifyCatchesRepeatedInstallations(t *testing.T) {
	d := bigDataset(20)
	d.Devices[11].InstallationID = "iu3"
	tn, err := loadAll(t, d, 8, true)
	if err != nil {
		t.Fatalf("loading with the check skipped: %v", err)
	}
	if err := state.CheckInvariants(tn); err == nil || !strings.Contains(err.Error(), `"iu3"`) {
		t.Errorf("Verify = %v, want an error naming installation iu3", err)
	}
}

// TestLoaderAddSegment: a segment given by member positions is the one
// given by external IDs, repeats and untracked users left out alike; bad
// positions and repeated IDs are refused.
func TestLoaderAddSegment(t *testing.T) {
	build := func(byPosition bool, members []int32, extra ...state.SegmentRecord) (*state.Tenant, error) {
		d := bigDataset(10)
		d.Users[4].Untracked = true
		d.Segments = extra
		l, err := state.NewLoader(d.Attributes, d.Categories, state.Settings{}, len(d.Users), len(d.Devices))
		if err != nil {
			return nil, err
		}
		MustOK(t, "AddUsers", l.AddUsers(0, d.Users))
		MustOK(t, "AddDevices", l.AddDevices(0, d.Devices))
		r := state.SegmentRecord{ID: 7, Name: "seven", Type: state.SegmentProduct, CreatedAt: 5}
		if byPosition {
			l.AddSegment(r, members)
		} else {
			for _, p := range members {
				r.Members = append(r.Members, d.Users[p].ExtID)
			}
			d.Segments = append(d.Segments, r)
		}
		return l.Finish(d.Segments, nil)
	}
	members := []int32{3, 1, 4, 3, 9}
	want, err := build(false, members)
	if err != nil {
		t.Fatal(err)
	}
	got, err := build(true, members)
	if err != nil {
		t.Fatal(err)
	}
	MustConsistent(t, got)
	if diff := cmp.Diff(want.Export(), got.Export()); diff != "" {
		t.Errorf("segment by position vs by external ID (-extID +position):\n%s", diff)
	}
	_, page, _, err := got.SegmentUsers(7, 0, 100)
	MustOK(t, "SegmentUsers(7)", err)
	var ids []string
	for _, m := range page {
		ids = append(ids, m.ExtID)
	}
	if diff := cmp.Diff([]string{"u3", "u1", "u9"}, ids); diff != "" {
		t.Errorf("members of segment 7 (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name    string
		members []int32
		extra   []state.SegmentRecord
		wantErr string
	}{
		{"position past the users", []int32{1, 10}, nil, "position 10 of 10 users"},
		{"negative position", []int32{-1}, nil, "position -1"},
		{"ID also given by external ID", []int32{1}, []state.SegmentRecord{{ID: 7, Type: state.SegmentStandard}}, "segments[0]: segment 7 defined twice"},
	} {
		if _, err := build(true, tc.members, tc.extra...); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: Finish = %v, want an error containing %q", tc.name, err, tc.wantErr)
		}
	}
}
