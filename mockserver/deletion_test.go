package mockserver_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// TestWalksAfterDeletions deletes users in batches (enough to make the
// store compact its lists) and walks getDeviceTokens and getSegmentUsers
// after each batch: every remaining device and member must come once.
func TestWalksAfterDeletions(t *testing.T) {
	t.Parallel()
	const users, devices, members = 1500, 3000, 1200
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(users, devices, members), nil }, state.Settings{}, mockserver.Options{}, testKey)
	deleted := map[string]bool{}
	batches := []struct {
		name string
		ids  []string
	}{
		{name: "nothing deleted"},
		{name: "every third of the first 900", ids: pick(0, 900, 3)},
		{name: "the rest of the first 1000", ids: exclude(pick(0, 1000, 1), pick(0, 900, 3))},
		{name: "members 1000 to 1199 and a few others", ids: append(pick(1000, 1200, 1), pick(1300, 1500, 50)...)},
	}
	for _, b := range batches {
		if len(b.ids) > 0 {
			wantOK(t, "deleteUsersPermanently "+b.name, h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":`+jsonList(b.ids)+`}`))
		}
		for _, id := range b.ids {
			deleted[id] = true
		}
		var wantDevices, wantMembers []string
		for i := range devices {
			if !deleted[bigUser(i%users)] {
				wantDevices = append(wantDevices, fmt.Sprintf("dev-%07d", i))
			}
		}
		for i := range members {
			if !deleted[bigUser(i)] {
				wantMembers = append(wantMembers, bigUser(i))
			}
		}

		var gotDevices []string
		for next := h.URL + "/rest/3.0/getDeviceTokens?max=333"; next != ""; {
			p, _ := h.tokensAt(t, next)
			if p.Total != len(wantDevices) {
				t.Errorf("after deleting %s, getDeviceTokens total %d, want %d", b.name, p.Total, len(wantDevices))
			}
			for _, d := range p.Devices {
				gotDevices = append(gotDevices, d["installationId"].(string))
			}
			next = deref(p.NextPage)
		}
		if diff := cmp.Diff(wantDevices, gotDevices); diff != "" {
			t.Errorf("after deleting %s, walking getDeviceTokens mismatch (-want +got):\n%s", b.name, diff)
		}

		var gotMembers []string
		for next := h.URL + "/rest/3.0/getSegmentUsers?id=1&max=150"; next != ""; {
			p := h.segmentUsersAt(t, next)
			for _, m := range p.List {
				gotMembers = append(gotMembers, m["externalId"])
			}
			next = deref(p.NextPage)
		}
		if diff := cmp.Diff(wantMembers, gotMembers, cmpEmptyNil); diff != "" {
			t.Errorf("after deleting %s, walking getSegmentUsers mismatch (-want +got):\n%s", b.name, diff)
		}
	}
}

var cmpEmptyNil = cmp.Transformer("emptyNil", func(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
})

func pick(from, to, step int) []string {
	var out []string
	for i := from; i < to; i += step {
		out = append(out, bigUser(i))
	}
	return out
}

func exclude(all, drop []string) []string {
	return slices.DeleteFunc(all, func(s string) bool { return slices.Contains(drop, s) })
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
