package state_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// Keys of tenants AcceptAnyKey creates in these tests.
const (
	anyKey1 = "zX4-any-key-one-71c0"
	anyKey2 = "pQ9-any-key-two-e2b7"
)

// persistStore is a store of keyA and keyB that accepts any key, with a
// tenant for anyKey1 and anyKey2 too, each changed by a distinct tag.
func persistStore(tb testing.TB) *state.Store {
	tb.Helper()
	s := MustStore(tb, keyA, keyB)
	s.AcceptAnyKey(10)
	for _, k := range []string{keyA, keyB, anyKey1, anyKey2} {
		MustOK(tb, "TagUsers as "+state.KeyID(k), MustTenantOf(tb, s, k).TagUsers([]string{"tag-" + state.KeyID(k)}, []string{"u1"}))
	}
	return s
}

// exports returns every key's export, for comparing whole stores.
func exports(tb testing.TB, s *state.Store, keys ...string) map[string]*state.Dataset {
	tb.Helper()
	out := map[string]*state.Dataset{}
	for _, k := range keys {
		tn, ok := s.Tenant(k)
		if !ok {
			out[k] = nil
			continue
		}
		out[k] = tn.Export()
	}
	return out
}

// MustSave saves s to path and checks whether it wrote.
func MustSave(tb testing.TB, s *state.Store, path string, force, wantWritten bool) state.SaveResult {
	tb.Helper()
	res, err := s.Save(path, force)
	if err != nil {
		tb.Fatalf("Save(%s, force=%v) = %v, want no error", path, force, err)
	}
	if res.Written != wantWritten {
		tb.Fatalf("Save(%s, force=%v) = %+v, want Written %v", path, force, res, wantWritten)
	}
	return res
}

// wantOnly fails unless dir holds exactly names: no temporary file left.
func wantOnly(tb testing.TB, dir string, names ...string) {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(names, got); diff != "" {
		tb.Errorf("files in the state folder mismatch (-want +got):\n%s", diff)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	saved := persistStore(t)
	res := MustSave(t, saved, path, false, true)
	if res.Tenants != 4 || res.Bytes == 0 {
		t.Errorf("Save = %+v, want 4 tenants and some bytes", res)
	}
	all := []string{keyA, keyB, anyKey1, anyKey2}
	want := exports(t, saved, all...)

	tests := []struct {
		name     string
		anyKey   int // AcceptAnyKey(anyKey) when > 0
		wantRes  state.LoadResult
		wantKeys []string // keys whose saved state is served
		wantGone []string // keys that get no tenant
	}{
		{name: "accepting any key", anyKey: 10, wantRes: state.LoadResult{Found: true, Restored: 2, Kept: 2},
			wantKeys: all},
		{name: "configured keys only", wantRes: state.LoadResult{Found: true, Restored: 2, Kept: 2},
			wantKeys: []string{keyA, keyB}, wantGone: []string{anyKey1, anyKey2}},
		{name: "tenant limit", anyKey: 1, wantRes: state.LoadResult{Found: true, Restored: 2, Kept: 2},
			wantKeys: []string{keyA, keyB, anyKey1}, wantGone: []string{anyKey2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := MustStore(t, keyA, keyB)
			if tt.anyKey > 0 {
				s.AcceptAnyKey(tt.anyKey)
			}
			res, err := s.Load(path)
			if err != nil {
				t.Fatalf("Load(%s) = %v, want no error", path, err)
			}
			if res != tt.wantRes {
				t.Errorf("Load(%s) = %+v, want %+v", path, res, tt.wantRes)
			}
			if s.Len() != 2 || len(s.Kept()) != 2 {
				t.Errorf("after Load, Len() = %d and %d kept, want the 2 configured and 2 kept", s.Len(), len(s.Kept()))
			}
			// Nothing changed since the Load: a Save writes nothing.
			MustSave(t, s, path, false, false)
			for _, k := range tt.wantKeys {
				tn := MustTenantOf(t, s, k)
				MustConsistent(t, tn)
				if diff := cmp.Diff(want[k], tn.Export()); diff != "" {
					t.Errorf("tenant %s after Load differs from the saved one (-saved +loaded):\n%s", state.KeyID(k), diff)
				}
			}
			for _, k := range tt.wantGone {
				if tn, err := s.Lookup(k); err == nil {
					t.Errorf("Lookup(%s) = %v, want an error: its tenant is kept, not served", state.KeyID(k), tn)
				}
			}
			if got := len(s.Kept()); got != len(tt.wantGone) {
				t.Errorf("after the lookups, %d tenants are kept, want %d", got, len(tt.wantGone))
			}
		})
	}
}

func TestSaveWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s := persistStore(t)
	MustSave(t, s, path, false, true)
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	MustSave(t, s, path, false, false)
	// Reads change nothing.
	tn := MustTenantOf(t, s, keyA)
	tn.Export()
	tn.Devices("u1", false)
	tn.Segments()
	MustSave(t, s, path, false, false)
	if again, _ := os.ReadFile(path); !bytes.Equal(first, again) {
		t.Errorf("a Save that wrote nothing changed %s", path)
	}
	// force writes regardless, the same bytes.
	MustSave(t, s, path, true, true)
	if again, _ := os.ReadFile(path); !bytes.Equal(first, again) {
		t.Errorf("a forced Save of an unchanged store wrote different bytes")
	}

	keys := []string{keyA, keyB, anyKey1, anyKey2} // every tenant; exports(a new key) would create it
	steps := []struct {
		name   string
		change func(t *testing.T)
	}{
		{name: "a write to a configured key's tenant", change: func(t *testing.T) {
			MustOK(t, "TagUsers", MustTenantOf(t, s, keyB).TagUsers([]string{"later"}, []string{"u2"}))
		}},
		{name: "a write to an any-key tenant", change: func(t *testing.T) {
			MustOK(t, "SetPush", MustTenantOf(t, s, anyKey2).SetPush("u1", "", false))
		}},
		{name: "a new tenant", change: func(t *testing.T) {
			MustTenantOf(t, s, "brand-new-key-9f")
			keys = append(keys, "brand-new-key-9f")
		}},
		{name: "a reset", change: func(t *testing.T) { MustOK(t, "Reset", s.Reset(keyA)) }},
	}
	for _, st := range steps {
		st.change(t)
		MustSave(t, s, path, false, true)
		loaded := MustStore(t, keyA, keyB)
		loaded.AcceptAnyKey(10)
		if _, err := loaded.Load(path); err != nil {
			t.Fatalf("after %s: Load = %v", st.name, err)
		}
		if diff := cmp.Diff(exports(t, s, keys...), exports(t, loaded, keys...)); diff != "" {
			t.Errorf("after %s, the saved file does not hold the store (-store +file):\n%s", st.name, diff)
		}
		MustSave(t, s, path, false, false)
	}
	wantOnly(t, dir, "state.json")
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	s := MustStore(t, keyA)
	before := exports(t, s, keyA)
	res, err := s.Load(filepath.Join(t.TempDir(), "none.json"))
	if err != nil || res != (state.LoadResult{}) {
		t.Errorf("Load(a missing file) = %+v, %v, want a zero result (Found false) and no error", res, err)
	}
	if diff := cmp.Diff(before, exports(t, s, keyA)); diff != "" {
		t.Errorf("Load(a missing file) changed the store (-before +after):\n%s", diff)
	}
}

func TestLoadRefusesCorruptFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	MustSave(t, persistStore(t), good, false, true)
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// edit decodes the good file, changes it and encodes it again.
	edit := func(f func(snap map[string]any)) []byte {
		var snap map[string]any
		if err := json.Unmarshal(goodBytes, &snap); err != nil {
			t.Fatal(err)
		}
		f(snap)
		b, err := json.Marshal(snap)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tenant := func(snap map[string]any, i int) map[string]any {
		return snap["tenants"].([]any)[i].(map[string]any)
	}
	tests := []struct {
		name string
		data []byte
		want string // in the error, besides the path
	}{
		{name: "empty", data: nil, want: "not a saved state"},
		{name: "not JSON", data: []byte("{not json"), want: "not a saved state"},
		{name: "truncated", data: goodBytes[:len(goodBytes)/2], want: "not a saved state"},
		{name: "unknown field", data: edit(func(s map[string]any) { s["extra"] = 1 }), want: "not a saved state"},
		{name: "wrong version", data: edit(func(s map[string]any) { s["version"] = 99 }), want: "version 99"},
		{name: "no version", data: edit(func(s map[string]any) { delete(s, "version") }), want: "version 0"},
		{name: "keyHash not hex", data: edit(func(s map[string]any) { tenant(s, 1)["keyHash"] = "zz" }), want: "bad keyHash"},
		{name: "keyHash too short", data: edit(func(s map[string]any) { tenant(s, 0)["keyHash"] = "abcd" }), want: "bad keyHash"},
		{name: "keyHash twice", data: edit(func(s map[string]any) {
			tenant(s, 2)["keyHash"] = tenant(s, 0)["keyHash"]
		}), want: "tenants[2]"},
		{name: "no data", data: edit(func(s map[string]any) { delete(tenant(s, 0), "data") }), want: "no data"},
		// The last tenant is the bad one: the earlier ones must not be
		// restored either.
		{name: "invalid dataset", data: edit(func(s map[string]any) {
			d := tenant(s, 3)["data"].(map[string]any)
			d["devices"] = append(d["devices"].([]any), map[string]any{"installationId": "x", "extId": "ghost", "platform": "IOS"})
		}), want: `user "ghost" does not exist`},
		{name: "invalid dataset version", data: edit(func(s map[string]any) { tenant(s, 3)["data"].(map[string]any)["version"] = 7 }), want: "tenants[3]"},
		{name: "unknown field in a tenant's data", data: edit(func(s map[string]any) { tenant(s, 2)["data"].(map[string]any)["extra"] = 1 }), want: "tenants[2]"},
		{name: "trailing garbage", data: append(slices.Clip(goodBytes), "garbage"...), want: "data after the JSON"},
		{name: "a second object after it", data: append(slices.Clip(goodBytes), `{"version":2}`...), want: "data after the JSON"},
		{name: "a stray brace after it", data: append(slices.Clip(goodBytes), "}"...), want: "data after the JSON"},
		{name: "a NUL after it", data: append(slices.Clip(goodBytes), 0), want: "data after the JSON"},
		{name: "salt not hex", data: edit(func(s map[string]any) { s["salt"] = "zz" }), want: "bad salt"},
		{name: "salt too short", data: edit(func(s map[string]any) { s["salt"] = "abcd" }), want: "bad salt"},
		{name: "no salt", data: edit(func(s map[string]any) { delete(s, "salt") }), want: "bad salt"},
		{name: "version 1 with a salt", data: edit(func(s map[string]any) { s["version"] = 1 }), want: "has no salt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			// A store that differs from the file: fresh tenants, one changed.
			s := MustStore(t, keyA, keyB)
			s.AcceptAnyKey(10)
			MustOK(t, "TagUsers", MustTenantOf(t, s, keyA).TagUsers([]string{"local"}, []string{"u3"}))
			keys := []string{keyA, keyB}
			before := exports(t, s, keys...)
			res, err := s.Load(path)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, nil; want an error", tt.name, res)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) = %v, want an error naming %s and mentioning %q", tt.name, err, path, tt.want)
			}
			if diff := cmp.Diff(before, exports(t, s, keys...)); diff != "" {
				t.Errorf("a failed Load(%s) changed the store (-before +after):\n%s", tt.name, diff)
			}
			if s.Len() != 2 {
				t.Errorf("a failed Load(%s) left %d tenants, want the 2 there were", tt.name, s.Len())
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, tt.data) {
				t.Errorf("a failed Load(%s) changed the file", tt.name)
			}
		})
	}

	// A folder where the file should be cannot be read.
	s := MustStore(t, keyA)
	if _, err := s.Load(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Load(a folder) = %v, want an error naming it", err)
	}
}

func TestSaveNeverHoldsKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	read := func(name string) (b []byte, snap struct {
		Salt    string
		Tenants []struct{ KeyHash string }
	}) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &snap); err != nil {
			t.Fatal(err)
		}
		return b, snap
	}
	s := persistStore(t)
	MustSave(t, s, filepath.Join(dir, "one.json"), false, true)
	MustSave(t, persistStore(t), filepath.Join(dir, "two.json"), false, true)
	one, snap1 := read("one.json")
	_, snap2 := read("two.json")
	for _, k := range []string{keyA, keyB, anyKey1, anyKey2} {
		if bytes.Contains(one, []byte(k)) {
			t.Errorf("the state file holds the API key %s in clear", state.KeyID(k))
		}
		if h := state.HashKey(k).String(); bytes.Contains(one, []byte(h)) || bytes.Contains(one, []byte(h[:8])) {
			t.Errorf("the state file holds the unsalted SHA-256 of the key %s", state.KeyID(k))
		}
	}
	if len(snap1.Salt) != 64 || snap1.Salt == snap2.Salt {
		t.Errorf("the salts of two stores' files are %q and %q, want 32 random bytes in hex each", snap1.Salt, snap2.Salt)
	}
	for i := range snap1.Tenants {
		if snap1.Tenants[i].KeyHash == snap2.Tenants[i].KeyHash {
			t.Errorf("tenant %d has the same keyHash %s in two files: the hash is not salted per file", i, snap1.Tenants[i].KeyHash)
		}
	}
	// A store keeps its file's salt from one save to the next, and a
	// store that loads the file takes it on.
	MustOK(t, "TagUsers", MustTenantOf(t, s, keyA).TagUsers([]string{"again"}, []string{"u1"}))
	MustSave(t, s, filepath.Join(dir, "one.json"), false, true)
	loaded := MustStore(t, keyA)
	if _, err := loaded.Load(filepath.Join(dir, "one.json")); err != nil {
		t.Fatal(err)
	}
	MustOK(t, "TagUsers", MustTenantOf(t, loaded, keyA).TagUsers([]string{"later"}, []string{"u1"}))
	MustSave(t, loaded, filepath.Join(dir, "one.json"), false, true)
	if _, again := read("one.json"); again.Salt != snap1.Salt || again.Tenants[0].KeyHash != snap1.Tenants[0].KeyHash {
		t.Errorf("after two more saves the salt is %q and the first keyHash %s, want %q and %s as before",
			again.Salt, again.Tenants[0].KeyHash, snap1.Salt, snap1.Tenants[0].KeyHash)
	}
}

func TestSaveFailuresLeaveNoTempFiles(t *testing.T) {
	t.Parallel()
	s := persistStore(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	MustSave(t, s, good, false, true)
	MustOK(t, "TagUsers", MustTenantOf(t, s, keyA).TagUsers([]string{"unsaved"}, []string{"u2"}))

	// The target is a folder: the rename fails after the temporary file
	// was written.
	target := filepath.Join(dir, "state.json")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Save(target, false); err == nil || res.Written {
		t.Errorf("Save(over a folder) = %+v, %v, want an error", res, err)
	}
	wantOnly(t, dir, "good.json", "state.json")
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		t.Errorf("Save(over a folder) replaced the folder: %v", err)
	}

	// A missing folder.
	missing := filepath.Join(dir, "nope", "state.json")
	if _, err := s.Save(missing, true); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Save(%s) = %v, want an error naming it", missing, err)
	}

	// A failed Save does not count as saved: the next one writes.
	MustSave(t, s, good, false, true)
	wantOnly(t, dir, "good.json", "state.json")
}
