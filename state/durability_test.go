package state_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// savedFile is a state file's JSON, for looking inside it.
type savedFile struct {
	Version int    `json:"version"`
	Salt    string `json:"salt,omitempty"`
	Tenants []struct {
		KeyHash string          `json:"keyHash"`
		Data    json.RawMessage `json:"data"`
	} `json:"tenants"`
}

func readSaved(tb testing.TB, path string) savedFile {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var f savedFile
	if err := json.Unmarshal(b, &f); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return f
}

// MustLoad loads path into s and checks the result.
func MustLoad(tb testing.TB, s *state.Store, path string, want state.LoadResult) {
	tb.Helper()
	res, err := s.Load(path)
	if err != nil {
		tb.Fatalf("Load(%s) = %v, want no error", path, err)
	}
	if res != want {
		tb.Fatalf("Load(%s) = %+v, want %+v", path, res, want)
	}
}

// TestRestartWithOtherKeysLosesNothing: a start whose configured keys
// are not those of the saved tenants keeps them, writes them back
// untouched, and a later start with their keys serves them again.
func TestRestartWithOtherKeysLosesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	first := persistStore(t)
	MustSave(t, first, path, false, true)
	want := exports(t, first, keyA, keyB, anyKey1, anyKey2)
	before := readSaved(t, path)

	other := MustStore(t, "a-different-key-41f7")
	MustLoad(t, other, path, state.LoadResult{Found: true, Kept: 4})
	for _, k := range other.Kept() {
		if k.Counts != (state.Counts{Users: 4, Devices: 6, Segments: 3, Messages: 3}) {
			t.Errorf("kept tenant %s counts %+v, want smallDataset's", k.ID, k.Counts)
		}
		if !strings.HasPrefix(k.ID, "saved-") || len(k.ID) != len("saved-")+8 {
			t.Errorf("kept tenant ID %q, want saved-<8 hex digits>", k.ID)
		}
	}
	if _, ok := other.Tenant(keyA); ok {
		t.Errorf("a store of another key serves the kept tenant of %s", state.KeyID(keyA))
	}
	MustOK(t, "TagUsers", MustTenantOf(t, other, "a-different-key-41f7").TagUsers([]string{"other"}, []string{"u1"}))
	res := MustSave(t, other, path, false, true)
	if res.Tenants != 5 || res.Kept != 4 {
		t.Errorf("Save of 1 tenant and 4 kept = %+v, want 5 tenants of which 4 kept", res)
	}
	after := readSaved(t, path)
	for i, b := range before.Tenants {
		a := after.Tenants[i+1] // the served tenant comes first
		if a.KeyHash != b.KeyHash || !bytes.Equal(a.Data, b.Data) {
			t.Errorf("kept tenant %d was not written back untouched: keyHash %s, %d bytes; want %s, %d bytes",
				i, a.KeyHash, len(a.Data), b.KeyHash, len(b.Data))
		}
	}

	// Their keys come back, configured or let in.
	back := MustStore(t, keyA, keyB)
	back.AcceptAnyKey(10)
	MustLoad(t, back, path, state.LoadResult{Found: true, Restored: 2, Kept: 3})
	if diff := cmp.Diff(want, exports(t, back, keyA, keyB, anyKey1, anyKey2)); diff != "" {
		t.Errorf("the tenants kept through a start with another key differ (-saved +restored):\n%s", diff)
	}
	if got := back.Kept(); len(got) != 1 {
		t.Errorf("after claiming 2 of 3 kept tenants, %d are kept, want 1 (the other key's)", len(got))
	}
	// Claiming changed the file's contents: the next Save writes.
	MustSave(t, back, path, false, true)
	if got := readSaved(t, path); len(got.Tenants) != 5 {
		t.Errorf("the file after claiming holds %d tenants, want 5", len(got.Tenants))
	}
}

func TestForget(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	MustSave(t, persistStore(t), path, false, true)
	s := MustStore(t, keyA)
	MustLoad(t, s, path, state.LoadResult{Found: true, Restored: 1, Kept: 3})
	ids := s.Kept()
	if err := s.Forget("saved-00000000"); !errors.Is(err, state.ErrNotKept) {
		t.Errorf("Forget(an unknown ID) = %v, want ErrNotKept", err)
	}
	MustOK(t, "Forget", s.Forget(ids[0].ID)) // keyB's
	if err := s.Forget(ids[0].ID); !errors.Is(err, state.ErrNotKept) {
		t.Errorf("Forget(%s) twice = %v, want ErrNotKept", ids[0].ID, err)
	}
	if diff := cmp.Diff(ids[1:], s.Kept()); diff != "" {
		t.Errorf("Kept() after Forget (-want +got):\n%s", diff)
	}
	MustSave(t, s, path, false, true) // forgetting changed the file
	again := MustStore(t, keyA, keyB)
	MustLoad(t, again, path, state.LoadResult{Found: true, Restored: 1, Kept: 2})
	if u := MustUser(t, MustTenantOf(t, again, keyB), "u1"); len(u.Tags) != 2 {
		t.Errorf("keyB's tenant after forgetting its saved data has u1's tags %q, want the seeded two", u.Tags)
	}
}

// TestLoadLegacyFile: a file of the first format, whose tenants are named
// by the unsalted SHA-256 of their key, loads, and the next Save migrates
// it to salted names.
func TestLoadLegacyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	src := persistStore(t)
	want := exports(t, src, keyA, anyKey1)
	var legacy bytes.Buffer
	legacy.WriteString(`{"version":1,"tenants":[`)
	for i, k := range []string{keyA, anyKey1} {
		data, err := json.Marshal(want[k])
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			legacy.WriteByte(',')
		}
		fmt.Fprintf(&legacy, `{"keyHash":"%x","data":%s}`, sha256.Sum256([]byte(k)), data)
	}
	legacy.WriteString("]}\n")
	if err := os.WriteFile(path, legacy.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	s := MustStore(t, keyA)
	MustLoad(t, s, path, state.LoadResult{Found: true, Restored: 1, Kept: 1, Legacy: true})
	if diff := cmp.Diff(want[keyA], MustTenantOf(t, s, keyA).Export()); diff != "" {
		t.Errorf("the tenant of a legacy file (-saved +loaded):\n%s", diff)
	}
	MustSave(t, s, path, false, true) // nothing changed but the format
	f := readSaved(t, path)
	if f.Version != 2 || len(f.Salt) != 64 || len(f.Tenants) != 2 {
		t.Fatalf("the migrated file has version %d, salt %q, %d tenants; want 2, 32 bytes, 2", f.Version, f.Salt, len(f.Tenants))
	}
	for _, k := range []string{keyA, anyKey1} {
		sum := sha256.Sum256([]byte(k))
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(hex.EncodeToString(sum[:]))) {
			t.Errorf("the migrated file still names %s by its unsalted hash", state.KeyID(k))
		}
	}
	MustSave(t, s, path, false, false) // migrated once
	// The kept tenant survived the migration: its key finds it.
	any := MustStore(t, keyA)
	any.AcceptAnyKey(10)
	MustLoad(t, any, path, state.LoadResult{Found: true, Restored: 1, Kept: 1})
	if diff := cmp.Diff(want[anyKey1], MustTenantOf(t, any, anyKey1).Export()); diff != "" {
		t.Errorf("a kept tenant after migration (-saved +loaded):\n%s", diff)
	}
}

func TestTempFilesOfInterruptedSavesAreRemoved(t *testing.T) {
	t.Parallel()
	// What an interrupted save leaves, and what only looks like it.
	ours := []string{".state.json.tmp-1", ".state.json.tmp-3914725061"}
	others := []string{
		".state.json.tmp-", ".state.json.tmp-12a", ".state.json.tmp-12.bak", "state.json.tmp-1",
		".other.json.tmp-1", ".state.json.tmp-1~", "notes.txt",
	}
	tests := []struct {
		name string
		do   func(t *testing.T, s *state.Store, path string)
	}{
		{name: "at start", do: func(t *testing.T, s *state.Store, path string) {
			MustLoad(t, s, path, state.LoadResult{TempRemoved: len(ours)})
		}},
		{name: "at the first save", do: func(t *testing.T, s *state.Store, path string) {
			MustSave(t, s, path, false, true)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, name := range append(append([]string{}, ours...), others...) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte("{"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			folder := ".state.json.tmp-77" // a folder by our name is not ours
			if err := os.Mkdir(filepath.Join(dir, folder), 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "state.json")
			tt.do(t, MustStore(t, keyA), path)
			want := append([]string{folder}, others...)
			if _, err := os.Stat(path); err == nil {
				want = append(want, "state.json")
			}
			slices.Sort(want)
			wantOnly(t, dir, want...)
		})
	}
}

func TestSaveStatus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := MustStore(t, keyA)
	if st := s.SaveStatus(); st != (state.SaveStatus{}) {
		t.Errorf("SaveStatus() before any Save = %+v, want zero", st)
	}
	missing := filepath.Join(dir, "gone", "state.json")
	for i := 1; i <= 3; i++ {
		if _, err := s.Save(missing, false); err == nil {
			t.Fatalf("Save(%s) in a missing folder succeeded", missing)
		}
		st := s.SaveStatus()
		if !st.Failing() || st.Failures != i || st.Path != missing || !strings.Contains(st.Err.Error(), missing) ||
			st.FailingSince.IsZero() || st.FailingSince.After(st.LastAttempt) || !st.LastSaved.IsZero() {
			t.Fatalf("SaveStatus() after %d failed saves = %+v, want failing %d times since the first, never saved", i, st, i)
		}
	}
	since := s.SaveStatus().FailingSince
	if err := os.Mkdir(filepath.Join(dir, "gone"), 0o755); err != nil {
		t.Fatal(err)
	}
	MustSave(t, s, missing, false, true)
	st := s.SaveStatus()
	if st.Failing() || st.Failures != 0 || !st.FailingSince.IsZero() || st.LastSaved.Before(since) || st.LastSaved != st.LastAttempt {
		t.Errorf("SaveStatus() after a save that worked = %+v, want not failing, saved at the last attempt", st)
	}
	MustSave(t, s, missing, false, false) // nothing to write is a success too
	if st := s.SaveStatus(); st.Failing() || st.LastSaved != st.LastAttempt {
		t.Errorf("SaveStatus() after a save with nothing to write = %+v, want a success", st)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	s := MustStore(t, keyA, keyB)
	for _, k := range []string{"", "nope", keyA + "x"} {
		if tn, err := s.Lookup(k); !errors.Is(err, state.ErrUnknownKey) || tn != nil {
			t.Errorf("Lookup(%q) without AcceptAnyKey = %v, %v; want ErrUnknownKey", k, tn, err)
		}
	}
	s.AcceptAnyKey(2) // two keys besides the configured two
	for _, k := range []string{keyA, keyB, "new-1", "new-2", "new-1", keyA} {
		if _, err := s.Lookup(k); err != nil {
			t.Errorf("Lookup(%s) with AcceptAnyKey(2) = %v, want a tenant: configured keys do not count", state.KeyID(k), err)
		}
	}
	if tn, err := s.Lookup("new-3"); !errors.Is(err, state.ErrTenantLimit) || tn != nil {
		t.Errorf("Lookup(a third new key) at the limit = %v, %v; want ErrTenantLimit", tn, err)
	}
	if _, err := s.Lookup(""); !errors.Is(err, state.ErrUnknownKey) {
		t.Errorf("Lookup(\"\") with AcceptAnyKey = %v, want ErrUnknownKey", err)
	}
	if _, ok := s.Tenant("new-3"); ok || s.Len() != 4 {
		t.Errorf("Tenant(a third new key) at the limit: found %v, %d tenants; want none, 4", ok, s.Len())
	}
}

// TestKeyIDIsSalted: the log ID of a key is not a prefix of the key's
// plain SHA-256, which anyone could compute from a guess.
func TestKeyIDIsSalted(t *testing.T) {
	for _, k := range []string{keyA, keyB, "netmera-mock-key"} {
		sum := sha256.Sum256([]byte(k))
		if id := state.KeyID(k); id == "key-"+hex.EncodeToString(sum[:4]) {
			t.Errorf("KeyID(%q) = %s, the unsalted SHA-256 prefix", k, id)
		}
		if state.KeyID(k) != state.HashKey(k).ID() {
			t.Errorf("KeyID(%q) = %s, HashKey(%q).ID() = %s; want the same", k, state.KeyID(k), k, state.HashKey(k).ID())
		}
	}
}

// TestClaimWhileSaving claims kept tenants and lets new keys in while
// saves run, for go test -race: every key ends with one tenant, the kept
// ones with their saved data, and the last save holds them all.
func TestClaimWhileSaving(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	src := persistStore(t)
	MustSave(t, src, path, false, true)
	want := exports(t, src, anyKey1, anyKey2)

	s := MustStore(t, keyA)
	s.AcceptAnyKey(20)
	MustLoad(t, s, path, state.LoadResult{Found: true, Restored: 1, Kept: 3})
	keys := []string{anyKey1, anyKey2}
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("racing-key-%d", i))
	}
	got := make([][]*state.Tenant, 4)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for _, k := range keys {
				tn, err := s.Lookup(k)
				if err != nil {
					t.Errorf("Lookup(%s) = %v", state.KeyID(k), err)
				}
				got[g] = append(got[g], tn)
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			if _, err := s.Save(path, false); err != nil {
				t.Errorf("Save = %v", err)
			}
			s.Kept()
		}
	})
	wg.Wait()
	for g := 1; g < len(got); g++ {
		for i := range keys {
			if got[g][i] != got[0][i] {
				t.Errorf("two lookups of %s got different tenants", state.KeyID(keys[i]))
			}
		}
	}
	if diff := cmp.Diff(want, exports(t, s, anyKey1, anyKey2)); diff != "" {
		t.Errorf("kept tenants claimed while saving (-saved +claimed):\n%s", diff)
	}
	MustSave(t, s, path, true, true)
	if f := readSaved(t, path); len(f.Tenants) != 1+len(keys)+1 {
		t.Errorf("the last save holds %d tenants, want %d (keyA, %d looked up, keyB kept)", len(f.Tenants), 2+len(keys), len(keys))
	}
}
