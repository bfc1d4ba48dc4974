package mockserver_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// ids returns n external IDs of bigDataset's users cycling over the first
// unique ones.
func ids(n, unique int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = bigUser(i % unique)
	}
	return out
}

// TestUniqueIDLimit checks Netmera's 1000 unique IDs per request over HTTP:
// 1000 pass, 1001 fail whole, and repeats do not count.
func TestUniqueIDLimit(t *testing.T) {
	t.Parallel()
	endpoints := []struct {
		path string
		body func(n, unique int) string
		// applied counts the users the request changed, from /_mock/state.
		applied func(d *state.Dataset) int
	}{
		{path: "tagUsers",
			body: func(n, u int) string { return `{"tag":"Limit","extIds":` + jsonList(ids(n, u)) + `}` },
			applied: func(d *state.Dataset) int {
				return countUsers(d, func(u state.UserRecord) bool { return slices.Contains(u.Tags, "Limit") })
			}},
		{path: "deleteUsersPermanently",
			body:    func(n, u int) string { return `{"extIds":` + jsonList(ids(n, u)) + `}` },
			applied: func(d *state.Dataset) int { return 1200 - len(d.Users) }},
		{path: "setProfileAttributes",
			body: func(n, u int) string {
				entries := make([]string, n)
				for i, id := range ids(n, u) {
					entries[i] = `{"extId":` + jsonString(id) + `,"profile":{"name":"Limit"}}`
				}
				return "[" + strings.Join(entries, ",") + "]"
			},
			applied: func(d *state.Dataset) int {
				return countUsers(d, func(u state.UserRecord) bool { return u.Profile["name"] == "Limit" })
			}},
		{path: "enableMail",
			// Even identifiers as external IDs, odd ones as addresses: both count.
			body: func(n, u int) string {
				var extIDs, emails []string
				for i := range n {
					if k := i % u; k%2 == 0 {
						extIDs = append(extIDs, bigUser(k))
					} else {
						emails = append(emails, bigUser(k)+"@example.com")
					}
				}
				return `{"extIds":` + jsonList(extIDs) + `,"emailList":` + jsonList(emails) + `}`
			},
			applied: func(d *state.Dataset) int {
				return countUsers(d, func(u state.UserRecord) bool { return u.EmailPermitted })
			}},
	}
	cases := []struct {
		name       string
		n, unique  int
		wantStatus int
	}{
		{name: "1000 unique", n: 1000, unique: 1000, wantStatus: http.StatusOK},
		{name: "1001 unique", n: 1001, unique: 1001, wantStatus: http.StatusBadRequest},
		{name: "1500 entries 1000 unique", n: 1500, unique: 1000, wantStatus: http.StatusOK},
		{name: "1500 entries 999 unique", n: 1500, unique: 999, wantStatus: http.StatusOK},
	}
	for _, ep := range endpoints {
		for _, c := range cases {
			t.Run(ep.path+" "+c.name, func(t *testing.T) {
				t.Parallel()
				h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1200, 0, 0), nil }, state.Settings{}, mockserver.Options{}, testKey)
				before := h.MustState(t, testKey)
				call := fmt.Sprintf("POST %s with %d entries, %d unique", ep.path, c.n, c.unique)
				r := h.Do(t, http.MethodPost, "/rest/3.0/"+ep.path, ep.body(c.n, c.unique))
				if c.wantStatus != http.StatusOK {
					wantError(t, call, r, c.wantStatus, envelope{Code: 2009,
						Error: fmt.Sprintf("Maximum 1000 unique external IDs or device tokens per request, got %d", c.unique)})
					h.wantUnchanged(t, call, before)
					return
				}
				wantOK(t, call, r)
				wantApplied := c.unique
				if ep.path == "enableMail" {
					// Only the external IDs name users: the addresses are unknown.
					wantApplied = (c.unique + 1) / 2
				}
				if got := ep.applied(h.MustDataset(t, testKey)); got != wantApplied {
					t.Errorf("after %s, /_mock/state shows %d users changed, want %d", call, got, wantApplied)
				}
			})
		}
	}
}

// TestUniqueIDLimitSettings checks that state.Settings.MaxIDs and LimitCode
// reach the client.
func TestUniqueIDLimitSettings(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(10, 0, 0), nil },
		state.Settings{MaxIDs: 3, LimitCode: 2020}, mockserver.Options{}, testKey)
	wantOK(t, "tagUsers with 3 IDs", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":`+jsonList(ids(3, 3))+`}`))
	wantError(t, "tagUsers with 4 IDs", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":`+jsonList(ids(4, 4))+`}`),
		http.StatusBadRequest, envelope{Code: 2020, Error: "Maximum 3 unique external IDs or device tokens per request, got 4"})
}

func countUsers(d *state.Dataset, f func(state.UserRecord) bool) int {
	n := 0
	for _, u := range d.Users {
		if f(u) {
			n++
		}
	}
	return n
}
