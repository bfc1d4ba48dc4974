package state_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

const (
	keyA = "6bA1rX9-tenant-a-REST-key-0c0ffee"
	keyB = "Qm3pZ7-tenant-b-REST-key-deadbeef"
)

var seedSmall = state.FromDataset(func() (*state.Dataset, error) { return smallDataset(), nil })

// MustStore returns a store seeded with smallDataset for keys.
func MustStore(tb testing.TB, keys ...string) *state.Store {
	tb.Helper()
	s, err := state.NewStore(seedSmall, state.Settings{}, keys...)
	if err != nil {
		tb.Fatalf("NewStore: %v", err)
	}
	return s
}

// MustTenantOf returns the tenant of key or fails the test.
func MustTenantOf(tb testing.TB, s *state.Store, key string) *state.Tenant {
	tb.Helper()
	tn, ok := s.Tenant(key)
	if !ok {
		tb.Fatalf("Store.Tenant(%s): no tenant", state.KeyID(key))
	}
	return tn
}

func TestNewStoreRejects(t *testing.T) {
	failing := state.FromDataset(func() (*state.Dataset, error) { return nil, errors.New("disk on fire") })
	broken := state.FromDataset(func() (*state.Dataset, error) {
		d := smallDataset()
		d.Devices[0].Platform = "NOKIA"
		return d, nil
	})
	tests := []struct {
		name string
		seed state.SeedFunc
		keys []string
	}{
		{name: "no keys", seed: seedSmall},
		{name: "empty key", seed: seedSmall, keys: []string{keyA, ""}},
		{name: "seed fails", seed: failing, keys: []string{keyA}},
		{name: "seed is inconsistent", seed: broken, keys: []string{keyA}},
		{name: "seed makes no tenant", seed: func(state.Settings) (*state.Tenant, error) { return nil, nil }, keys: []string{keyA}},
		{name: "seed makes no dataset", seed: state.FromDataset(func() (*state.Dataset, error) { return nil, nil }), keys: []string{keyA}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := state.NewStore(tt.seed, state.Settings{}, tt.keys...); err == nil || s != nil {
				t.Errorf("NewStore(%d keys) = %v, %v; want no store and an error", len(tt.keys), s, err)
			}
		})
	}
}

func TestStoreLookup(t *testing.T) {
	s := MustStore(t, keyA, keyB, keyA)
	if s.Len() != 2 {
		t.Errorf("Len() of a store with keys A, B, A = %d, want 2", s.Len())
	}
	a, b := MustTenantOf(t, s, keyA), MustTenantOf(t, s, keyB)
	if a == b {
		t.Fatalf("keys A and B share a tenant")
	}
	if again := MustTenantOf(t, s, keyA); again != a {
		t.Errorf("Tenant(A) twice returned different tenants")
	}
	for _, key := range []string{"", "nope", keyA[:len(keyA)-1], keyA + "x", strings.ToUpper(keyA)} {
		if tn, ok := s.Tenant(key); ok || tn != nil {
			t.Errorf("Tenant(%q) = %v, %v; want nil, false", key, tn, ok)
		}
	}
	want := state.Counts{Users: 8, Devices: 12, Segments: 6, Messages: 6}
	if diff := cmp.Diff(want, s.Total()); diff != "" {
		t.Errorf("Total() (-want +got):\n%s", diff)
	}
}

func TestStoreIsolation(t *testing.T) {
	s := MustStore(t, keyA, keyB)
	a, b := MustTenantOf(t, s, keyA), MustTenantOf(t, s, keyB)
	bBefore := b.Export()
	MustOK(t, "A.TagUsers", a.TagUsers([]string{"OnlyA"}, []string{"u1"}))
	MustOK(t, "A.SetProfileAttributes", a.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"name": "A"}}}))
	MustOK(t, "A.DeleteUsersPermanently", a.DeleteUsersPermanently([]string{"u2"}))
	MustOK(t, "A.ApprovePushes", a.ApprovePushes([]int64{100}))
	MustUnchanged(t, "writes to tenant A, seen from tenant B,", bBefore, b)
	if a.HasUser("u2") || !b.HasUser("u2") {
		t.Errorf("after deleting u2 in A: A has u2 %v, B has u2 %v; want false, true", a.HasUser("u2"), b.HasUser("u2"))
	}
}

func TestStoreReset(t *testing.T) {
	s := MustStore(t, keyA, keyB)
	a, b := MustTenantOf(t, s, keyA), MustTenantOf(t, s, keyB)
	seeded := a.Export()
	mutateAll(t, a)
	mutateAll(t, b)
	bMutated := b.Export()

	MustOK(t, "Reset(A)", s.Reset(keyA))
	MustUnchanged(t, "Reset(A), seen from A,", seeded, a)
	MustUnchanged(t, "Reset(A), seen from B,", bMutated, b)
	if MustTenantOf(t, s, keyA) != a {
		t.Errorf("Reset(A) replaced the tenant; holders of the old one would miss the reset")
	}

	mutateAll(t, a)
	MustOK(t, "ResetAll", s.ResetAll())
	MustUnchanged(t, "ResetAll, seen from A,", seeded, a)
	MustUnchanged(t, "ResetAll, seen from B,", seeded, b)
	MustConsistent(t, a)
	MustConsistent(t, b)

	err := s.Reset("wrong")
	MustCode(t, "Reset(unknown key)", err, state.CodeInvalidAPIKey, state.KindUnauthorized)
}

func TestStoreResetSeedFailureKeepsState(t *testing.T) {
	fail := false
	seed := state.FromDataset(func() (*state.Dataset, error) {
		if fail {
			return nil, errors.New("seed unavailable")
		}
		return smallDataset(), nil
	})
	s, err := state.NewStore(seed, state.Settings{}, keyA)
	MustOK(t, "NewStore", err)
	a := MustTenantOf(t, s, keyA)
	mutateAll(t, a)
	before := a.Export()
	fail = true
	if err := s.Reset(keyA); err == nil {
		t.Errorf("Reset with a failing seed = nil, want the seed's error")
	}
	if err := s.ResetAll(); err == nil {
		t.Errorf("ResetAll with a failing seed = nil, want the seed's error")
	}
	MustUnchanged(t, "a Reset whose seed fails", before, a)
}

// TestStoreResetLetsNoKeyIn: with AcceptAnyKey, Reset and Reseed of a key
// that has no tenant yet are refused as an unknown key, and leave no tenant
// behind (a failing reseed used to admit the key first).
func TestStoreResetLetsNoKeyIn(t *testing.T) {
	s := MustStore(t, keyA)
	s.AcceptAnyKey(10)
	failing := state.FromDataset(func() (*state.Dataset, error) { return nil, errors.New("seed unavailable") })
	MustCode(t, "Reseed(new key)", s.Reseed("new-key", failing), state.CodeInvalidAPIKey, state.KindUnauthorized)
	MustCode(t, "Reset(new key)", s.Reset("other-key"), state.CodeInvalidAPIKey, state.KindUnauthorized)
	MustCode(t, "Reset(\"\")", s.Reset(""), state.CodeInvalidAPIKey, state.KindUnauthorized)
	if n := s.Len(); n != 1 {
		t.Errorf("after refused resets of two new keys the store holds %d tenants, want 1", n)
	}
}

func TestStoreSettingsApply(t *testing.T) {
	s, err := state.NewStore(seedSmall, state.Settings{MaxIDs: 2, PermanentDeleteOff: true}, keyA)
	MustOK(t, "NewStore", err)
	a := MustTenantOf(t, s, keyA)
	MustCode(t, "TagUsers of 3 IDs with MaxIDs 2", a.TagUsers([]string{"x"}, ids(1, 3)), state.CodeInvalidJSON, state.KindInvalid)
	MustOK(t, "DeleteUsersPermanently", a.DeleteUsersPermanently([]string{"u1"}))
	if !a.HasUser("u1") {
		t.Errorf("with PermanentDeleteOff from the store's settings, u1 was removed")
	}
}

func TestKeyID(t *testing.T) {
	shape := regexp.MustCompile(`^key-[0-9a-f]{8}$`)
	for _, key := range []string{keyA, keyB, "my-netmera-rest-api-key"} {
		id := state.KeyID(key)
		if !shape.MatchString(id) {
			t.Errorf("KeyID(key) = %q, want key-<8 hex digits>", id)
		}
		if strings.Contains(id, key) || strings.Contains(id, key[:8]) {
			t.Errorf("KeyID(%q) = %q contains the key", key, id)
		}
		if again := state.KeyID(key); again != id {
			t.Errorf("KeyID not stable: %q then %q", id, again)
		}
	}
	if state.KeyID(keyA) == state.KeyID(keyB) {
		t.Errorf("KeyID(A) == KeyID(B) = %q", state.KeyID(keyA))
	}
	if got := state.KeyID(""); got != "none" {
		t.Errorf(`KeyID("") = %q, want "none"`, got)
	}
}

// TestReseedWhileResetting: Reseed, Reset and ResetAll on one tenant at
// once are safe (run with -race), and the last Reseed is what Reset returns to.
func TestReseedWhileResetting(t *testing.T) {
	small := func(n int) state.SeedFunc {
		return state.FromDataset(func() (*state.Dataset, error) {
			d := &state.Dataset{}
			for i := range n {
				d.Users = append(d.Users, state.UserRecord{ExtID: fmt.Sprintf("u%d", i)})
			}
			return d, nil
		})
	}
	st, err := state.NewStore(small(1), state.Settings{}, "k")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(3)
		go func() { defer wg.Done(); _ = st.Reseed("k", small(2+i)) }()
		go func() { defer wg.Done(); _ = st.Reset("k") }()
		go func() { defer wg.Done(); _ = st.ResetAll() }()
	}
	wg.Wait()
	if err := st.Reseed("k", small(9)); err != nil {
		t.Fatal(err)
	}
	if err := st.Reset("k"); err != nil {
		t.Fatal(err)
	}
	tn, _ := st.Tenant("k")
	if got := tn.Counts().Users; got != 9 {
		t.Errorf("after Reseed(9 users) and Reset, the tenant has %d users, want 9", got)
	}
}
