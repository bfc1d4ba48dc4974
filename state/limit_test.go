package state_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// limitedOp is one operation subject to the unique-ID limit; it names the
// users of bigDataset at the given indexes (repeats allowed).
type limitedOp struct {
	name string
	call func(tn *state.Tenant, users []int) error
	// addresses marks operations naming users by email, MSISDN or WhatsApp
	// number, which count toward the limit only with CountAddresses.
	addresses bool
}

func extOf(i int) string    { return fmt.Sprintf("u%d", i) }
func emailOf(i int) string  { return fmt.Sprintf("u%d@example.com", i) }
func msisdnOf(i int) string { return fmt.Sprintf("+90%d", i) }
func tokenOf(i int) string  { return fmt.Sprintf("t%d", i) }
func wpOf(i int) string     { return fmt.Sprintf("+1%d", i) }

func mapIdx(users []int, f func(int) string) []string {
	out := make([]string, len(users))
	for k, i := range users {
		out[k] = f(i)
	}
	return out
}

// split names even users one way and odd users another.
func split(users []int, even, odd func(int) string) (a, b []string) {
	for _, i := range users {
		if i%2 == 0 {
			a = append(a, even(i))
		} else {
			b = append(b, odd(i))
		}
	}
	return a, b
}

func profileEntries(users []int, values func() map[string]any, keys []string) []state.ProfileEntry {
	out := make([]state.ProfileEntry, len(users))
	for k, i := range users {
		out[k] = state.ProfileEntry{ExtID: extOf(i), Values: values(), Keys: keys}
		if i%3 == 1 { // some users named by their device's token
			out[k] = state.ProfileEntry{DeviceToken: tokenOf(i), Values: values(), Keys: keys}
		}
	}
	return out
}

func limitedOps() []limitedOp {
	return []limitedOp{
		{name: "TagUsers", call: func(tn *state.Tenant, u []int) error { return tn.TagUsers([]string{"New"}, mapIdx(u, extOf)) }},
		{name: "UntagUsers", call: func(tn *state.Tenant, u []int) error {
			_, err := tn.UntagUsers([]string{"T"}, mapIdx(u, extOf))
			return err
		}},
		{name: "DeleteUsersPermanently", call: func(tn *state.Tenant, u []int) error { return tn.DeleteUsersPermanently(mapIdx(u, extOf)) }},
		{name: "SetProfileAttributes", call: func(tn *state.Tenant, u []int) error {
			return tn.SetProfileAttributes(profileEntries(u, func() map[string]any { return map[string]any{"age": 20} }, nil))
		}},
		{name: "UnsetProfileAttributes", call: func(tn *state.Tenant, u []int) error {
			return tn.UnsetProfileAttributes(profileEntries(u, func() map[string]any { return nil }, []string{state.AttrMsisdn}))
		}},
		{name: "PushProfileAttributes", call: func(tn *state.Tenant, u []int) error {
			return tn.PushProfileAttributes(profileEntries(u, func() map[string]any { return map[string]any{"lastVisitedCategories": []any{"toys"}} }, nil))
		}},
		{name: "PullProfileAttributes", call: func(tn *state.Tenant, u []int) error {
			return tn.PullProfileAttributes(profileEntries(u, func() map[string]any { return map[string]any{"lastVisitedCategories": []any{"shopping"}} }, nil))
		}},
		{name: "SetCategoryPreferences", call: func(tn *state.Tenant, u []int) error {
			entries := make([]state.CategoryEntry, len(u))
			for k, i := range u {
				entries[k] = state.CategoryEntry{ExtID: extOf(i), Category: catPromotions, Enable: boolp(false)}
			}
			return tn.SetCategoryPreferences(entries)
		}},
		{name: "SetMailPermission by extId", call: func(tn *state.Tenant, u []int) error { return tn.SetMailPermission(mapIdx(u, extOf), nil, true) }},
		{name: "SetMailPermission by email", addresses: true, call: func(tn *state.Tenant, u []int) error {
			return tn.SetMailPermission(nil, mapIdx(u, emailOf), true)
		}},
		{name: "SetMailPermission mixed", addresses: true, call: func(tn *state.Tenant, u []int) error {
			ext, emails := split(u, extOf, emailOf)
			return tn.SetMailPermission(ext, emails, true)
		}},
		{name: "SetSmsPermission by extId", call: func(tn *state.Tenant, u []int) error { return tn.SetSmsPermission(mapIdx(u, extOf), nil, true) }},
		{name: "SetSmsPermission by MSISDN", addresses: true, call: func(tn *state.Tenant, u []int) error {
			return tn.SetSmsPermission(nil, mapIdx(u, msisdnOf), true)
		}},
		{name: "SetSmsPermission mixed", addresses: true, call: func(tn *state.Tenant, u []int) error {
			ext, msisdns := split(u, extOf, msisdnOf)
			return tn.SetSmsPermission(ext, msisdns, true)
		}},
		{name: "SetWhatsAppPermission by extId", call: func(tn *state.Tenant, u []int) error {
			return tn.SetWhatsAppPermission(mapIdx(u, extOf), nil, true)
		}},
		{name: "SetWhatsAppPermission by number", addresses: true, call: func(tn *state.Tenant, u []int) error {
			return tn.SetWhatsAppPermission(nil, mapIdx(u, wpOf), true)
		}},
		{name: "SetWhatsAppPermission mixed", addresses: true, call: func(tn *state.Tenant, u []int) error {
			ext, numbers := split(u, extOf, wpOf)
			return tn.SetWhatsAppPermission(ext, numbers, true)
		}},
	}
}

// seq returns n indexes cycling through 0..unique-1.
func seq(n, unique int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i % unique
	}
	return out
}

// limitDataset is bigDataset with every user tagged T, so that untag has
// something to remove, and every user with WhatsApp number "+1<i>".
func limitDataset(n int) *state.Dataset {
	d := bigDataset(n)
	for i := range d.Users {
		d.Users[i].Tags = []string{"T"}
		d.Users[i].WpNumbers = []string{wpOf(i)}
	}
	return d
}

func TestIDLimit(t *testing.T) {
	cases := []struct {
		name     string
		settings state.Settings
		users    []int
		wantCode int // 0: accepted
	}{
		{name: "exactly 1000 unique", users: seq(1000, 1000)},
		{name: "1500 entries naming 1000 unique", users: seq(1500, 1000)},
		{name: "1001 unique", users: seq(1001, 1001), wantCode: state.CodeInvalidJSON},
		{name: "1001 unique with repeats", users: seq(1800, 1001), wantCode: state.CodeInvalidJSON},
		{name: "MaxIDs 5, 5 unique", settings: state.Settings{MaxIDs: 5}, users: seq(9, 5)},
		{name: "MaxIDs 5, 6 unique", settings: state.Settings{MaxIDs: 5}, users: seq(6, 6), wantCode: state.CodeInvalidJSON},
		{name: "LimitCode 2020", settings: state.Settings{LimitCode: state.CodeMissingParameter}, users: seq(1001, 1001), wantCode: state.CodeMissingParameter},
	}
	for _, op := range limitedOps() {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			for _, tt := range cases {
				t.Run(tt.name, func(t *testing.T) {
					settings := tt.settings
					settings.CountAddresses = op.addresses // an address-only request is never over the limit otherwise
					tn := MustTenant(t, limitDataset(1100), settings)
					before := tn.Export()
					err := op.call(tn, tt.users)
					call := fmt.Sprintf("%s naming %d users", op.name, len(tt.users))
					if tt.wantCode != 0 {
						MustCode(t, call, err, tt.wantCode, state.KindInvalid)
						MustUnchanged(t, "a "+call+" over the limit", before, tn)
						return
					}
					MustOK(t, call, err)
					if reflect.DeepEqual(before, tn.Export()) {
						t.Errorf("%s was accepted but changed nothing", call)
					}
					MustConsistent(t, tn)
				})
			}
		})
	}
}

// TestIDLimitCountsUnknownAndMixedKinds checks the limit counts identifiers
// named, known or not, and that an extId and an email are two identifiers.
func TestIDLimitCountsUnknownAndMixedKinds(t *testing.T) {
	tests := []struct {
		name           string
		countAddresses bool
		call           func(tn *state.Tenant) error
		wantCode       int
	}{
		{name: "unknown IDs count", call: func(tn *state.Tenant) error {
			return tn.TagUsers([]string{"x"}, []string{"u1", "ghost1", "ghost2"})
		}, wantCode: state.CodeInvalidJSON},
		{name: "empty IDs do not count", call: func(tn *state.Tenant) error {
			return tn.TagUsers([]string{"x"}, []string{"u1", "", "u2", ""})
		}},
		{name: "extIds and emails of the same users count twice, when addresses count", countAddresses: true, call: func(tn *state.Tenant) error {
			return tn.SetMailPermission([]string{"u1", "u2"}, []string{"u1@example.com"}, true)
		}, wantCode: state.CodeInvalidJSON},
		{name: "emails do not count by default", call: func(tn *state.Tenant) error {
			return tn.SetMailPermission([]string{"u1", "u2"}, []string{"u1@example.com", "u3@example.com", "x"}, true)
		}},
		{name: "extId wins: the token of an entry with an extId does not count", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{
				{ExtID: "u1", DeviceToken: "t5"}, {ExtID: "u2", DeviceToken: "t6"}})
		}},
		{name: "tokens and extIds count together", call: func(tn *state.Tenant) error {
			return tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u1"}, {DeviceToken: "t2"}, {DeviceToken: "t3"}})
		}, wantCode: state.CodeInvalidJSON},
		{name: "malformed entries do not count", call: func(tn *state.Tenant) error {
			return tn.UnsetProfileAttributes([]state.ProfileEntry{{ExtID: "u1"}, {ExtID: "u2"}, {ExtID: "u3", Malformed: true}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, bigDataset(10), state.Settings{MaxIDs: 2, CountAddresses: tt.countAddresses})
			before := tn.Export()
			err := tt.call(tn)
			if tt.wantCode == 0 {
				MustOK(t, tt.name, err)
				return
			}
			MustCode(t, tt.name, err, tt.wantCode, state.KindInvalid)
			MustUnchanged(t, tt.name, before, tn)
		})
	}
}

// TestIDLimitLeavesAddressesOut checks the default: the limit counts
// external IDs and device tokens, as Netmera words it, and a request may
// name any number of addresses besides; with CountAddresses they count.
// addEmail and addMsisdn uploads are never limited.
func TestIDLimitLeavesAddressesOut(t *testing.T) {
	const max = 1000
	tests := []struct {
		name           string
		countAddresses bool
		call           func(tn *state.Tenant) error
		wantCode       int
	}{
		{name: "1500 emails", call: func(tn *state.Tenant) error {
			return tn.SetMailPermission(nil, mapIdx(seq(1500, 1500), emailOf), true)
		}},
		{name: "1000 extIds and 1500 MSISDNs", call: func(tn *state.Tenant) error {
			return tn.SetSmsPermission(mapIdx(seq(1000, 1000), extOf), mapIdx(seq(1500, 1500), msisdnOf), true)
		}},
		{name: "1001 extIds and 10 WhatsApp numbers", call: func(tn *state.Tenant) error {
			return tn.SetWhatsAppPermission(mapIdx(seq(1001, 1001), extOf), mapIdx(seq(10, 10), wpOf), true)
		}, wantCode: state.CodeInvalidJSON},
		{name: "1500 WhatsApp numbers on one user", call: func(tn *state.Tenant) error {
			return tn.UpdateWhatsApp("u1", mapIdx(seq(1500, 1500), wpOf))
		}},
		{name: "1500 emails, counting addresses", countAddresses: true, call: func(tn *state.Tenant) error {
			return tn.SetMailPermission(nil, mapIdx(seq(1500, 1500), emailOf), true)
		}, wantCode: state.CodeInvalidJSON},
		{name: "1000 WhatsApp numbers and the extId, counting addresses", countAddresses: true, call: func(tn *state.Tenant) error {
			return tn.UpdateWhatsApp("u1", mapIdx(seq(1000, 1000), wpOf))
		}, wantCode: state.CodeInvalidJSON},
		{name: "2000 uploaded emails, counting addresses", countAddresses: true, call: func(tn *state.Tenant) error {
			tn.AddEmails(mapIdx(seq(2000, 2000), func(i int) string { return fmt.Sprintf("new%d@example.com", i) }))
			return nil
		}},
		{name: "2000 uploaded MSISDNs, counting addresses", countAddresses: true, call: func(tn *state.Tenant) error {
			tn.AddMsisdns(mapIdx(seq(2000, 2000), func(i int) string { return fmt.Sprintf("+44%d", i) }))
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, limitDataset(1600), state.Settings{MaxIDs: max, CountAddresses: tt.countAddresses})
			before := tn.Export()
			err := tt.call(tn)
			if tt.wantCode != 0 {
				MustCode(t, tt.name, err, tt.wantCode, state.KindInvalid)
				MustUnchanged(t, tt.name, before, tn)
				return
			}
			MustOK(t, tt.name, err)
			if reflect.DeepEqual(before, tn.Export()) {
				t.Errorf("%s was accepted but changed nothing", tt.name)
			}
			MustConsistent(t, tn)
		})
	}
}
