package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func TestDeleteUsersPermanently(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings state.Settings
		// untracked says the users stay, untracked (deletion not activated).
		untracked bool
	}{
		{name: "activated", settings: state.Settings{}},
		{name: "not activated", settings: state.Settings{PermanentDeleteOff: true}, untracked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, tt.settings, mockserver.Options{}, testKey)
			call := `POST deleteUsersPermanently {"extIds":["externalid","id2","externalid"]}`
			wantOK(t, call, h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["externalid","id2","externalid"]}`))

			d := h.MustDataset(t, testKey)
			users := map[string]state.UserRecord{}
			for _, u := range d.Users {
				users[u.ExtID] = u
			}
			for _, id := range []string{"externalid", "id2"} {
				u, ok := users[id]
				if ok != tt.untracked || (ok && !u.Untracked) {
					t.Errorf("after %s, /_mock/state user %q: present %v untracked %v; want present and untracked %v", call, id, ok, u.Untracked, tt.untracked)
				}
			}
			var seg state.SegmentRecord
			for _, s := range d.Segments {
				if s.ID == brandSegmentID {
					seg = s
				}
			}
			if diff := cmp.Diff([]string{"id1", "your_extId"}, seg.Members); diff != "" {
				t.Errorf("after %s, segment %d members mismatch (-want +got):\n%s", call, brandSegmentID, diff)
			}

			var devs struct {
				ExtID   string           `json:"extId"`
				Devices []map[string]any `json:"devices"`
			}
			wantJSON(t, "GET getDevices?extId=externalid", h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=externalid", ""), &devs)
			if wantN := map[bool]int{false: 0, true: 1}[tt.untracked]; len(devs.Devices) != wantN {
				t.Errorf("after %s, getDevices?extId=externalid gave %d devices, want %d", call, len(devs.Devices), wantN)
			}

			// Deleting again: an unknown ID is 5016 once the user is gone.
			r := h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["externalid"]}`)
			if tt.untracked {
				wantOK(t, "deleting an untracked user again", r)
			} else {
				wantError(t, "deleting a deleted user again", r, http.StatusBadRequest, envelope{Code: 5016,
					Error: "User with external id 'externalid' does not exist or has already been permanently deleted"})
			}
		})
	}
}

func TestTagAndUntagUsers(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tagsOf := func(id string) []string { return h.MustUser(t, id).Tags }
	steps := []struct {
		name, path, body string
		want             map[string][]string // user -> tags after the step
		wantBody         string              // "" for the empty 200
	}{
		{name: "tag one tag", path: "tagUsers", body: `{"tag":"Sport","extIds":["id1","id2","nobody"]}`,
			want: map[string][]string{"id1": {"Sport", "VIP"}, "id2": {"Sport"}}},
		{name: "tag a list of tags", path: "tagUsers", body: `{"tag":["Music","Ünicode tag"],"extIds":["id2"]}`,
			want: map[string][]string{"id1": {"Sport", "VIP"}, "id2": {"Music", "Sport", "Ünicode tag"}}},
		{name: "tag no one", path: "tagUsers", body: `{"tag":"Sport","extIds":[]}`,
			want: map[string][]string{"id1": {"Sport", "VIP"}, "id2": {"Music", "Sport", "Ünicode tag"}}},
		{name: "untag", path: "untagUsers", body: `{"tag":"Sport","extIds":["id1","id2"]}`,
			want: map[string][]string{"id1": {"VIP"}, "id2": {"Music", "Ünicode tag"}}},
		{name: "untag a tag not held", path: "untagUsers", body: `{"tag":"Sport","extIds":["id1"]}`,
			want: map[string][]string{"id1": {"VIP"}, "id2": {"Music", "Ünicode tag"}}},
		{name: "untag checkExistence", path: "untagUsers", body: `{"tag":["Music","VIP"],"extIds":["ghost","id1","id2","ghost","x"],"checkExistence":true}`,
			want: map[string][]string{"id1": nil, "id2": {"Ünicode tag"}}, wantBody: `{"notExist":["ghost","x"]}` + "\n"},
		{name: "untag checkExistence all known", path: "untagUsers", body: `{"tag":"Nope","extIds":["id1"],"checkExistence":true}`,
			want: map[string][]string{"id1": nil, "id2": {"Ünicode tag"}}, wantBody: `{"notExist":[]}` + "\n"},
		{name: "untag checkExistence false", path: "untagUsers", body: `{"tag":"Nope","extIds":["ghost"],"checkExistence":false}`,
			want: map[string][]string{"id1": nil, "id2": {"Ünicode tag"}}},
	}
	for _, st := range steps {
		call := "POST " + st.path + " " + st.body
		r := h.Do(t, http.MethodPost, "/rest/3.0/"+st.path, st.body)
		if st.wantBody == "" {
			wantOK(t, call, r)
		} else if r.Status != http.StatusOK || string(r.Body) != st.wantBody {
			t.Errorf("%s = %v, want 200 %q", call, r, st.wantBody)
		}
		for id, want := range st.want {
			if diff := cmp.Diff(want, tagsOf(id)); diff != "" {
				t.Errorf("%s (%s): tags of %s in /_mock/state mismatch (-want +got):\n%s", call, st.name, id, diff)
			}
		}
	}
}
