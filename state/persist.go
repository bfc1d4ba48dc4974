package state

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// snapshotFile is the JSON form of a saved store: every tenant's data under
// the SHA-256 of its key (never the key itself).
type snapshotFile struct {
	Version int              `json:"version"`
	Tenants []tenantSnapshot `json:"tenants"`
}

type tenantSnapshot struct {
	KeyHash string   `json:"keyHash"`
	Data    *Dataset `json:"data"`
}

// SaveResult says what Save did.
type SaveResult struct {
	Written bool // false when nothing changed since the last save
	Tenants int
	Bytes   int
}

// Save writes every tenant to path atomically (a temporary file in the same
// folder, synced, then renamed over path) when anything changed since the
// last Save or Load; force writes regardless.
func (s *Store) Save(path string, force bool) (SaveResult, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.RLock()
	order := append([]KeyHash(nil), s.order...)
	s.mu.RUnlock()
	gens := make(map[KeyHash]uint64, len(order))
	changed := force || len(order) != len(s.savedGen)
	snap := snapshotFile{Version: CurrentVersion}
	for _, h := range order {
		t := s.tenantByHash(h)
		gens[h] = t.Generation()
		if gens[h] != s.savedGen[h] {
			changed = true
		}
	}
	if !changed {
		return SaveResult{Tenants: len(order)}, nil
	}
	for _, h := range order {
		snap.Tenants = append(snap.Tenants, tenantSnapshot{KeyHash: h.String(), Data: s.tenantByHash(h).Export()})
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(snap); err != nil {
		return SaveResult{}, err
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return SaveResult{}, err
	}
	s.savedGen = gens
	return SaveResult{Written: true, Tenants: len(order), Bytes: buf.Len()}, nil
}

func (s *Store) tenantByHash(h KeyHash) *Tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tenants[h].t
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("state: saving %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename itself durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// LoadResult says what Load restored.
type LoadResult struct {
	Found    bool // false when path did not exist (a first start)
	Restored int  // tenants whose data was restored
	Skipped  int  // saved tenants whose key is no longer accepted
}

// Load restores tenants saved by Save. A missing file is a first start, not
// an error; an unreadable or corrupt file is an error and nothing is
// changed. Saved tenants of keys the store no longer accepts are skipped;
// with AcceptAnyKey they are recreated.
func (s *Store) Load(path string) (LoadResult, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return LoadResult{}, nil
	}
	if err != nil {
		return LoadResult{}, fmt.Errorf("state: reading %s: %w", path, err)
	}
	var snap snapshotFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return LoadResult{}, fmt.Errorf("state: %s is not a saved state: %w", path, err)
	}
	if snap.Version != CurrentVersion {
		return LoadResult{}, fmt.Errorf("state: %s has version %d, this build reads %d", path, snap.Version, CurrentVersion)
	}
	// Build every tenant first, so that a bad one changes nothing.
	type restored struct {
		h KeyHash
		t *Tenant
	}
	var ready []restored
	seen := make(map[KeyHash]bool, len(snap.Tenants))
	res := LoadResult{Found: true}
	for i, ts := range snap.Tenants {
		raw, err := hex.DecodeString(ts.KeyHash)
		if err != nil || len(raw) != len(KeyHash{}) {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: bad keyHash %q", path, i, ts.KeyHash)
		}
		if seen[KeyHash(raw)] {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: keyHash %s saved twice", path, i, ts.KeyHash)
		}
		seen[KeyHash(raw)] = true
		if ts.Data == nil {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: no data", path, i)
		}
		t, err := NewTenant(ts.Data, s.settings)
		if err != nil {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: %w", path, i, err)
		}
		ready = append(ready, restored{KeyHash(raw), t})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range ready {
		e := s.tenants[r.h]
		switch {
		case e != nil:
			e.t.swap(r.t)
		case s.anyKey && len(s.tenants) < s.maxTenants:
			s.tenants[r.h] = &entry{t: r.t, seed: s.seed}
			s.order = append(s.order, r.h)
		default:
			res.Skipped++
			continue
		}
		res.Restored++
	}
	s.savedGen = make(map[KeyHash]uint64, len(s.order))
	for _, h := range s.order {
		s.savedGen[h] = s.tenants[h].t.Generation()
	}
	return res, nil
}
