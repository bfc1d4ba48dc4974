package state_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// permitted returns each installation's push permission.
func permitted(tn *state.Tenant) map[string]bool {
	out := map[string]bool{}
	for _, d := range tn.Export().Devices {
		out[d.InstallationID] = d.PushPermitted
	}
	return out
}

func TestSetPush(t *testing.T) {
	initial := map[string]bool{"i1": true, "i2": false, "i3": true, "i4": true, "i5": true, "i6": false}
	with := func(changes map[string]bool) map[string]bool {
		out := map[string]bool{}
		for k, v := range initial {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name    string
		extID   string
		token   string
		enabled bool
		want    map[string]bool
	}{
		{name: "by extId disables every device, uninstalled too", extID: "u1", want: with(map[string]bool{"i1": false, "i3": false})},
		{name: "by extId enables every device", extID: "u1", enabled: true, want: with(map[string]bool{"i2": true})},
		{name: "by token one device", token: "tok1", want: with(map[string]bool{"i1": false})},
		{name: "by token of a device without user", token: "tok5", want: with(map[string]bool{"i5": false})},
		{name: "extId wins over token", extID: "u2", token: "tok1", want: with(map[string]bool{"i4": false})},
		{name: "unknown extId wins over a known token", extID: "ghost", token: "tok1", want: initial},
		{name: "unknown token", token: "nope", want: initial},
		{name: "user without devices", extID: "u4", want: initial},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			MustOK(t, "SetPush", tn.SetPush(tt.extID, tt.token, tt.enabled))
			if diff := cmp.Diff(tt.want, permitted(tn)); diff != "" {
				t.Errorf("push permissions after SetPush(%q, %q, %v) (-want +got):\n%s", tt.extID, tt.token, tt.enabled, diff)
			}
		})
	}
	t.Run("neither extId nor token", func(t *testing.T) {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		before := tn.Export()
		MustCode(t, `SetPush("", "", true)`, tn.SetPush("", "", true), state.CodeMissingParameter, state.KindInvalid)
		MustUnchanged(t, `SetPush("", "", true)`, before, tn)
	})
}

func TestDevices(t *testing.T) {
	d := smallDataset()
	tests := []struct {
		name          string
		extID         string
		onlyPermitted bool
		want          []state.DeviceRecord
	}{
		{name: "all installed, uninstalled never", extID: "u1", want: []state.DeviceRecord{d.Devices[0], d.Devices[1]}},
		{name: "only permitted", extID: "u1", onlyPermitted: true, want: []state.DeviceRecord{d.Devices[0]}},
		{name: "device without token", extID: "u3", want: []state.DeviceRecord{d.Devices[5]}},
		{name: "none permitted", extID: "u3", onlyPermitted: true, want: []state.DeviceRecord{}},
		{name: "unknown user has none", extID: "ghost", want: []state.DeviceRecord{}},
		{name: "user without devices", extID: "u4", want: []state.DeviceRecord{}},
	}
	tn := MustTenant(t, d, state.Settings{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tn.Devices(tt.extID, tt.onlyPermitted)); diff != "" {
				t.Errorf("Devices(%q, %v) (-want +got):\n%s", tt.extID, tt.onlyPermitted, diff)
			}
		})
	}
}

func TestDeviceByToken(t *testing.T) {
	d := smallDataset()
	tn := MustTenant(t, d, state.Settings{})
	if got, ok := tn.DeviceByToken("tok3"); !ok || got != d.Devices[2] {
		t.Errorf("DeviceByToken(tok3) = %+v, %v; want %+v, true", got, ok, d.Devices[2])
	}
	if _, ok := tn.DeviceByToken(""); ok {
		t.Errorf(`DeviceByToken("") found a device; devices without token must not be reachable by ""`)
	}
	if _, ok := tn.DeviceByToken("nope"); ok {
		t.Errorf("DeviceByToken(nope) found a device")
	}
}

// installationIDs lists the installation IDs of records.
func installationIDs(records []state.DeviceRecord) []string {
	out := []string{}
	for _, r := range records {
		out = append(out, r.InstallationID)
	}
	return out
}

func TestDeviceTokens(t *testing.T) {
	tests := []struct {
		name      string
		offset    int
		max       int
		want      []string
		wantTotal int
		wantMore  bool
	}{
		{name: "first page", offset: 0, max: 2, want: []string{"i1", "i2"}, wantTotal: 6, wantMore: true},
		{name: "uninstalled, unlinked and tokenless included", offset: 2, max: 4, want: []string{"i3", "i4", "i5", "i6"}, wantTotal: 6},
		{name: "page past the rest", offset: 5, max: 10, want: []string{"i6"}, wantTotal: 6},
		{name: "offset at the end", offset: 6, max: 10, want: []string{}, wantTotal: 6},
		{name: "offset past the end", offset: 60, max: 10, want: []string{}, wantTotal: 6},
		{name: "zero max", offset: 0, max: 0, want: []string{}, wantTotal: 6, wantMore: true},
		{name: "negative max", offset: 0, max: -5, want: []string{}, wantTotal: 6, wantMore: true},
		{name: "negative offset", offset: -3, max: 1, want: []string{"i1"}, wantTotal: 6, wantMore: true},
	}
	tn := MustTenant(t, smallDataset(), state.Settings{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, total, more := tn.DeviceTokens(tt.offset, tt.max)
			if diff := cmp.Diff(tt.want, installationIDs(page)); diff != "" || total != tt.wantTotal || more != tt.wantMore {
				t.Errorf("DeviceTokens(%d, %d): total %d more %v, want total %d more %v; installations (-want +got):\n%s",
					tt.offset, tt.max, total, more, tt.wantTotal, tt.wantMore, diff)
			}
		})
	}
}

func TestDeviceTokensWalkIsStable(t *testing.T) {
	tn := MustTenant(t, bigDataset(250), state.Settings{})
	walk := func() []string {
		var all []string
		for offset, more := 0, true; more; {
			var page []state.DeviceRecord
			page, _, more = tn.DeviceTokens(offset, 17)
			all = append(all, installationIDs(page)...)
			offset += len(page)
		}
		return all
	}
	want := make([]string, 250)
	for i := range want {
		want[i] = fmt.Sprintf("iu%d", i)
	}
	if diff := cmp.Diff(want, walk()); diff != "" {
		t.Fatalf("walking DeviceTokens pages of 17 (-want +got):\n%s", diff)
	}
	// Deleting users keeps the order of the rest, compaction included.
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(0, 200)))
	MustOK(t, "SetPush", tn.SetPush("u210", "", false))
	if diff := cmp.Diff(want[200:], walk()); diff != "" {
		t.Fatalf("walking DeviceTokens after deleting u0..u199 (-want +got):\n%s", diff)
	}
	if _, total, _ := tn.DeviceTokens(0, 1); total != 50 {
		t.Errorf("DeviceTokens total after deleting 200 of 250 = %d, want 50", total)
	}
	MustConsistent(t, tn)
}

func TestDeviceTokensAfterCompaction(t *testing.T) {
	tn := MustTenant(t, bigDataset(3000), state.Settings{})
	// Over 1024 tombstones and more dead than live: the device list compacts.
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(0, 1000)))
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(1000, 1000)))
	MustConsistent(t, tn)
	for _, offset := range []int{0, 1, 500, 998, 999, 1000} {
		page, total, more := tn.DeviceTokens(offset, 3)
		var want []string
		for i := 2000 + offset; i < min(2000+offset+3, 3000); i++ {
			want = append(want, fmt.Sprintf("iu%d", i))
		}
		if want == nil {
			want = []string{}
		}
		wantMore := offset+3 < 1000
		if diff := cmp.Diff(want, installationIDs(page)); diff != "" || total != 1000 || more != wantMore {
			t.Errorf("DeviceTokens(%d, 3) after compaction: total %d more %v, want 1000 %v; (-want +got):\n%s",
				offset, total, more, wantMore, diff)
		}
	}
	// Slots renumbered by compaction still delete the right devices.
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u2500"}))
	if _, ok := tn.DeviceByToken("t2500"); ok {
		t.Errorf("DeviceByToken(t2500) after deleting u2500 still found")
	}
	page, _, _ := tn.DeviceTokens(499, 2)
	if diff := cmp.Diff([]string{"iu2499", "iu2501"}, installationIDs(page)); diff != "" {
		t.Errorf("DeviceTokens(499, 2) around the deleted u2500 (-want +got):\n%s", diff)
	}
	MustConsistent(t, tn)
}
