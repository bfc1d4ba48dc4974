package state_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestConcurrentOperations runs mixed writers and readers on one tenant,
// for go test -race, and then checks the tenant is consistent. Users
// u0..u999 are shared by everyone; u1000..u2399 are deleted, in disjoint
// ranges, by the deleters (enough to compact the lists mid-run).
func TestConcurrentOperations(t *testing.T) {
	const (
		kept      = 1000
		total     = 2400
		deleters  = 7
		perDelete = (total - kept) / deleters
		rounds    = 150
	)
	tn := MustTenant(t, bigDataset(total), state.Settings{})
	var wg sync.WaitGroup
	worker := func(seed uint64, fn func(r *rand.Rand, round int)) {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, 7))
			for round := range rounds {
				fn(r, round)
			}
		})
	}
	someUsers := func(r *rand.Rand, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = extOf(r.IntN(total)) // deleted ones included: skipped
		}
		return out
	}
	for w := range 3 {
		tag := fmt.Sprint("tag", w)
		worker(uint64(w), func(r *rand.Rand, _ int) {
			if err := tn.TagUsers([]string{tag, "shared"}, someUsers(r, 50)); err != nil {
				t.Errorf("TagUsers: %v", err)
			}
			if _, err := tn.UntagUsers([]string{tag}, someUsers(r, 50)); err != nil {
				t.Errorf("UntagUsers: %v", err)
			}
		})
	}
	worker(10, func(r *rand.Rand, round int) {
		entries := []state.ProfileEntry{
			{ExtID: extOf(r.IntN(kept)), Values: map[string]any{"age": r.IntN(90), "name": "N"}},
			{DeviceToken: tokenOf(r.IntN(total)), Values: map[string]any{state.AttrEmail: fmt.Sprintf("r%d@example.com", round)}},
		}
		if err := tn.SetProfileAttributes(entries); err != nil {
			t.Errorf("SetProfileAttributes: %v", err)
		}
		if err := tn.UnsetProfileAttributes([]state.ProfileEntry{{ExtID: extOf(r.IntN(kept)), Keys: []string{"age"}}}); err != nil {
			t.Errorf("UnsetProfileAttributes: %v", err)
		}
	})
	worker(11, func(r *rand.Rand, _ int) {
		push := []state.ProfileEntry{{ExtID: extOf(r.IntN(kept)), Values: map[string]any{"lastVisitedCategories": []any{"a", "b"}}}}
		pull := []state.ProfileEntry{{ExtID: extOf(r.IntN(kept)), Values: map[string]any{"lastVisitedCategories": []any{"a", "shopping"}}}}
		if err := tn.PushProfileAttributes(push); err != nil {
			t.Errorf("PushProfileAttributes: %v", err)
		}
		if err := tn.PullProfileAttributes(pull); err != nil {
			t.Errorf("PullProfileAttributes: %v", err)
		}
		tn.DeleteProfileAttributeValue([]state.AttributeValue{{Key: "lastVisitedCategories", Value: "b"}})
	})
	worker(12, func(r *rand.Rand, round int) {
		i := r.IntN(kept)
		tn.UpdateEmail(extOf(i), fmt.Sprintf("new%d@example.com", round))
		tn.UpdateMsisdn(extOf(i), "")
		if err := tn.SetMailPermission(nil, []string{emailOf(r.IntN(total)), fmt.Sprintf("new%d@example.com", round)}, r.IntN(2) == 0); err != nil {
			t.Errorf("SetMailPermission: %v", err)
		}
		if err := tn.SetSmsPermission(someUsers(r, 3), []string{msisdnOf(r.IntN(total))}, true); err != nil {
			t.Errorf("SetSmsPermission: %v", err)
		}
		if err := tn.SetPush(extOf(r.IntN(total)), tokenOf(r.IntN(total)), r.IntN(2) == 0); err != nil {
			t.Errorf("SetPush: %v", err)
		}
		if err := tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: extOf(i), Category: catPromotions, Enable: boolp(false)}}); err != nil {
			t.Errorf("SetCategoryPreferences: %v", err)
		}
	})
	for d := range deleters {
		worker(uint64(20+d), func(_ *rand.Rand, round int) {
			per := (perDelete + rounds - 1) / rounds
			from := kept + d*perDelete + round*per
			to := min(from+per, kept+(d+1)*perDelete)
			if from >= to {
				return
			}
			if err := tn.DeleteUsersPermanently(ids(from, to-from)); err != nil {
				t.Errorf("DeleteUsersPermanently(u%d..u%d): %v", from, to-1, err)
			}
		})
	}
	for w := range 3 {
		worker(uint64(30+w), func(r *rand.Rand, _ int) {
			page, totalDevices, _ := tn.DeviceTokens(r.IntN(total), 50)
			if len(page) > 50 || totalDevices < kept || totalDevices > total {
				t.Errorf("DeviceTokens: %d items of %d total", len(page), totalDevices)
			}
			if _, members, _, err := tn.SegmentUsers(1, r.IntN(total), 100); err != nil || len(members) > 100 {
				t.Errorf("SegmentUsers: %d members, %v", len(members), err)
			}
			tn.ProfileAttributes(extOf(r.IntN(total)), "")
			tn.ProfileAttributes("", tokenOf(r.IntN(total)))
			tn.Devices(extOf(r.IntN(total)), true)
			tn.CategoryPreferences(extOf(r.IntN(total)), "")
			tn.Segments()
		})
	}
	worker(40, func(_ *rand.Rand, round int) {
		if round%10 == 0 {
			d := tn.Export()
			if len(d.Users) < kept || len(d.Users) != len(d.Devices) {
				t.Errorf("Export mid-run: %d users, %d devices", len(d.Users), len(d.Devices))
			}
		}
		tn.Counts()
	})
	wg.Wait()

	MustConsistent(t, tn)
	want := state.Counts{Users: kept + (total-kept)%deleters, Devices: kept + (total-kept)%deleters, Segments: 1}
	if got := tn.Counts(); got != want {
		t.Errorf("Counts() after the run = %+v, want %+v", got, want)
	}
	if _, totalDevices, _ := tn.DeviceTokens(0, 1); totalDevices != want.Devices {
		t.Errorf("DeviceTokens total = %d, want %d", totalDevices, want.Devices)
	}
	for i := kept; i < kept+deleters*perDelete; i++ {
		if tn.HasUser(extOf(i)) {
			t.Fatalf("u%d survived its deletion", i)
		}
	}
	if n := *segmentCount(t, tn, 1); n != want.Users {
		t.Errorf("segment userCount = %d, want %d", n, want.Users)
	}
}

// TestConcurrentReplace swaps the tenant's state while address-indexed
// writes and reads run: the indexes they use must be the current ones.
func TestConcurrentReplace(t *testing.T) {
	tn := MustTenant(t, bigDataset(200), state.Settings{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for range 50 {
			if err := tn.Replace(bigDataset(200)); err != nil {
				t.Errorf("Replace: %v", err)
			}
		}
	})
	for w := range 4 {
		wg.Go(func() {
			for i := range 300 {
				u := (w*300 + i) % 200
				if err := tn.SetMailPermission(nil, []string{emailOf(u)}, true); err != nil {
					t.Errorf("SetMailPermission: %v", err)
				}
				if err := tn.SetSmsPermission(nil, []string{msisdnOf(u)}, true); err != nil {
					t.Errorf("SetSmsPermission: %v", err)
				}
				tn.Export()
			}
		})
	}
	wg.Wait()
	MustConsistent(t, tn)
	// After the last Replace, permissions by address reach the new users.
	MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{emailOf(5)}, true))
	if !MustUser(t, tn, "u5").EmailPermitted {
		t.Errorf("SetMailPermission(u5's address) after Replace did not reach u5")
	}
}
