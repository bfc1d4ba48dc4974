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
				// Addresses count toward the limit only with CountAddresses
				// (TestUniqueIDLimitAddresses has the default).
				settings := state.Settings{CountAddresses: ep.path == "enableMail"}
				h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1200, 0, 0), nil }, settings, mockserver.Options{}, testKey)
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

// TestUniqueIDLimitAddresses checks which identifiers count: by default
// external IDs and device tokens, as Netmera words its limit, and not the
// addresses a request names besides; with CountAddresses those count too.
// The uploads of addEmail and addMsisdn are never limited.
func TestUniqueIDLimitAddresses(t *testing.T) {
	t.Parallel()
	emails := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("a%d@example.com", i)
		}
		return out
	}
	numbers := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("+90555%07d", i)
		}
		return out
	}
	tests := []struct {
		name           string
		countAddresses bool
		path, body     string
		wantCount      int // the count in the refusal; 0: accepted
	}{
		{name: "1000 extIds and 1500 emails", path: "enableMail",
			body: `{"extIds":` + jsonList(ids(1000, 1000)) + `,"emailList":` + jsonList(emails(1500)) + `}`},
		{name: "1500 MSISDNs", path: "disableSms", body: `{"msisdnList":` + jsonList(numbers(1500)) + `}`},
		{name: "1001 extIds and 10 WhatsApp numbers", path: "enableWhatsApp",
			body: `{"extIds":` + jsonList(ids(1001, 1001)) + `,"wpNumbers":` + jsonList(numbers(10)) + `}`, wantCount: 1001},
		{name: "1500 WhatsApp numbers for one user", path: "updateWhatsApp", body: `{"extId":"u-000001","wpNumbers":` + jsonList(numbers(1500)) + `}`},
		{name: "3000 uploaded emails", path: "addEmail", body: `{"emailList":` + jsonList(emails(3000)) + `}`},
		{name: "counting addresses: 1000 extIds and 1 email", countAddresses: true, path: "enableMail",
			body: `{"extIds":` + jsonList(ids(1000, 1000)) + `,"emailList":["a@example.com"]}`, wantCount: 1001},
		{name: "counting addresses: 1001 MSISDNs", countAddresses: true, path: "disableSms",
			body: `{"msisdnList":` + jsonList(numbers(1001)) + `}`, wantCount: 1001},
		{name: "counting addresses: 1000 WhatsApp numbers for one user", countAddresses: true, path: "updateWhatsApp",
			body: `{"extId":"u-000001","wpNumbers":` + jsonList(numbers(1000)) + `}`, wantCount: 1001},
		{name: "counting addresses: 3000 uploaded MSISDNs", countAddresses: true, path: "addMsisdn",
			body: `{"msisdnList":` + jsonList(numbers(3000)) + `}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1200, 0, 0), nil },
				state.Settings{CountAddresses: tt.countAddresses}, mockserver.Options{}, testKey)
			before := h.MustState(t, testKey)
			call := "POST " + tt.path + " (" + tt.name + ")"
			r := h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body)
			if tt.wantCount == 0 {
				wantOK(t, call, r)
				return
			}
			wantError(t, call, r, http.StatusBadRequest, envelope{Code: 2009,
				Error: fmt.Sprintf("Maximum 1000 unique external IDs or device tokens per request, got %d", tt.wantCount)})
			h.wantUnchanged(t, call, before)
		})
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
