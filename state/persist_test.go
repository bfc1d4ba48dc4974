package state_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
		name        string
		anyKey      int // AcceptAnyKey(anyKey) when > 0
		wantRes     state.LoadResult
		wantTenants int
		wantKeys    []string // keys whose saved state comes back
	}{
		{name: "accepting any key", anyKey: 10, wantRes: state.LoadResult{Found: true, Restored: 4}, wantTenants: 4, wantKeys: all},
		{name: "configured keys only", wantRes: state.LoadResult{Found: true, Restored: 2, Skipped: 2}, wantTenants: 2, wantKeys: []string{keyA, keyB}},
		{name: "tenant limit", anyKey: 3, wantRes: state.LoadResult{Found: true, Restored: 3, Skipped: 1}, wantTenants: 3, wantKeys: []string{keyA, keyB, anyKey1}},
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
			if s.Len() != tt.wantTenants {
				t.Errorf("after Load, Len() = %d, want %d", s.Len(), tt.wantTenants)
			}
			for _, k := range tt.wantKeys {
				tn := MustTenantOf(t, s, k)
				MustConsistent(t, tn)
				if diff := cmp.Diff(want[k], tn.Export()); diff != "" {
					t.Errorf("tenant %s after Load differs from the saved one (-saved +loaded):\n%s", state.KeyID(k), diff)
				}
			}
			// Nothing changed since the Load: a Save writes nothing.
			MustSave(t, s, path, false, false)
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
	path := filepath.Join(t.TempDir(), "state.json")
	MustSave(t, persistStore(t), path, false, true)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{keyA, keyB, anyKey1, anyKey2} {
		if bytes.Contains(b, []byte(k)) {
			t.Errorf("the state file holds the API key %s in clear", state.KeyID(k))
		}
		if h := state.HashKey(k).String(); !bytes.Contains(b, []byte(`"keyHash":"`+h+`"`)) {
			t.Errorf("the state file does not name the tenant of %s by its hash %s", state.KeyID(k), h)
		}
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
