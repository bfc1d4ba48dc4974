package state

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// The state file's formats. Version 1 named each tenant by the plain
// SHA-256 of its key; version 2 by HMAC-SHA-256 of that hash under the
// file's own random salt, so that the file does not let anyone check a
// guessed key against another file or a table of hashes made in advance.
// Load reads both; Save writes version 2, keeping the salt a file has.
const (
	snapshotLegacy  = 1
	snapshotVersion = 2
)

// snapshotFile is the JSON form of a saved store.
type snapshotFile struct {
	Version int              `json:"version"`
	Salt    string           `json:"salt,omitempty"` // hex; version 2
	Tenants []tenantSnapshot `json:"tenants"`
}

type tenantSnapshot struct {
	KeyHash string          `json:"keyHash"` // hex; see snapshotVersion
	Data    json.RawMessage `json:"data"`    // a Dataset
}

// SaveResult says what Save did.
type SaveResult struct {
	Written bool // false when nothing changed since the last save
	Tenants int  // tenants in the file, kept ones included
	Kept    int  // tenants in the file that the store keeps without serving
	Bytes   int
}

// Save writes every tenant to path atomically (a temporary file in the same
// folder, synced, then renamed over path) when anything changed since the
// last Save or Load; force writes regardless. Tenants the store keeps
// without serving them (see Load) are written back as they were read.
// Temporary files an interrupted Save left next to path are removed the
// first time the store saves to or loads from path. Every call is
// recorded for SaveStatus.
func (s *Store) Save(path string, force bool) (res SaveResult, err error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	defer func() { s.recordSave(path, err) }()
	if !s.swept[path] {
		_, _ = sweepTemps(path) // best effort: a leftover costs disk space, not data
		s.markSwept(path)
	}
	s.mu.RLock()
	order := append([]KeyHash(nil), s.order...)
	kept := make([]tenantSnapshot, 0, len(s.keptOrder))
	for _, fh := range s.keptOrder {
		kept = append(kept, tenantSnapshot{KeyHash: fh.String(), Data: s.kept[fh].data})
	}
	fileSalt, fileGen := s.fileSalt, s.fileGen
	s.mu.RUnlock()
	gens := make(map[KeyHash]uint64, len(order))
	changed := force || len(order) != len(s.savedGen) || fileGen != s.savedFileGen
	for _, h := range order {
		gens[h] = s.tenantByHash(h).Generation()
		if gens[h] != s.savedGen[h] {
			changed = true
		}
	}
	res = SaveResult{Tenants: len(order) + len(kept), Kept: len(kept)}
	if !changed {
		return res, nil
	}
	// Written by hand around each tenant's data, so that one tenant's
	// export at a time is held, not every tenant's at once.
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"version":%d,"salt":"%x","tenants":[`, snapshotVersion, fileSalt[:])
	enc := json.NewEncoder(&buf)
	for i, h := range order {
		if i > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"keyHash":"%s","data":`, keyedHash(fileSalt, h))
		if err := enc.Encode(s.tenantByHash(h).Export()); err != nil {
			return SaveResult{}, fmt.Errorf("state: saving %s: %w", path, err)
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte('}')
	}
	for i, k := range kept {
		if i > 0 || len(order) > 0 {
			buf.WriteByte(',')
		}
		fmt.Fprintf(&buf, `{"keyHash":"%s","data":`, k.KeyHash)
		buf.Write(k.Data)
		buf.WriteByte('}')
	}
	buf.WriteString("]}\n")
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return SaveResult{}, err
	}
	s.savedGen, s.savedFileGen = gens, fileGen
	res.Written, res.Bytes = true, buf.Len()
	return res, nil
}

func (s *Store) tenantByHash(h KeyHash) *Tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.tenants[h].t
}

// markSwept notes that path's folder was cleared; the caller holds saveMu.
func (s *Store) markSwept(path string) {
	if s.swept == nil {
		s.swept = make(map[string]bool)
	}
	s.swept[path] = true
}

// LoadResult says what Load restored.
type LoadResult struct {
	Found    bool // false when path did not exist (a first start)
	Restored int  // tenants whose data was restored
	// Kept counts saved tenants of keys the store does not serve: kept,
	// untouched, in the store and in the file (see Store.Kept).
	Kept int
	// Legacy is true when the file was of the first format, whose tenant
	// names were unsalted: the next Save writes the current one.
	Legacy bool
	// TempRemoved counts temporary files of interrupted saves removed
	// from path's folder.
	TempRemoved int
}

// Load restores tenants saved by Save. A missing file is a first start, not
// an error; an unreadable or corrupt file (trailing bytes after its JSON
// included) is an error and nothing is changed. Saved tenants of keys the
// store serves are restored. The others are kept, untouched and not
// served, and written back by every Save, until their key comes back (a
// configured key at a later start, or a key AcceptAnyKey lets in) or
// Forget drops them: a start with other keys loses no data. Load also
// removes the temporary files an interrupted Save left next to path.
func (s *Store) Load(path string) (LoadResult, error) {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	removed, _ := sweepTemps(path)
	s.markSwept(path)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return LoadResult{TempRemoved: removed}, nil
	}
	if err != nil {
		return LoadResult{}, fmt.Errorf("state: reading %s: %w", path, err)
	}
	snap, fileSalt, err := decodeSnapshot(b)
	if err != nil {
		return LoadResult{}, fmt.Errorf("state: %s: %w", path, err)
	}
	b = nil // the tenants' data is in snap

	s.mu.RLock()
	served := make(map[KeyHash]KeyHash, len(s.order)) // by hash in the file
	for _, h := range s.order {
		served[keyedHash(fileSalt, h)] = h
	}
	s.mu.RUnlock()

	// Build every tenant first, so that a bad one changes nothing. Kept
	// ones are built too, and dropped: their data must load when their
	// key comes back.
	type restored struct {
		h KeyHash
		t *Tenant
	}
	var ready []restored
	kept := make(map[KeyHash]*keptTenant)
	var keptOrder []KeyHash
	seen := make(map[KeyHash]bool, len(snap.Tenants))
	for i, ts := range snap.Tenants {
		raw, err := hex.DecodeString(ts.KeyHash)
		if err != nil || len(raw) != len(KeyHash{}) {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: bad keyHash %q", path, i, ts.KeyHash)
		}
		fh := KeyHash(raw)
		if snap.Version == snapshotLegacy {
			fh = keyedHash(fileSalt, fh)
		}
		if seen[fh] {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: keyHash %s saved twice", path, i, ts.KeyHash)
		}
		seen[fh] = true
		if len(ts.Data) == 0 || string(ts.Data) == "null" {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: no data", path, i)
		}
		d, err := decodeDataset(ts.Data)
		if err != nil {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: %w", path, i, err)
		}
		t, err := NewTenant(d, s.settings)
		if err != nil {
			return LoadResult{}, fmt.Errorf("state: %s: tenants[%d]: %w", path, i, err)
		}
		if h, ok := served[fh]; ok {
			ready = append(ready, restored{h, t})
			continue
		}
		kept[fh] = &keptTenant{id: keptID(fh), data: ts.Data, counts: t.Counts()}
		keptOrder = append(keptOrder, fh)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range ready {
		s.tenants[r.h].t.swap(r.t)
	}
	s.kept, s.keptOrder, s.fileSalt = kept, keptOrder, fileSalt
	s.savedGen = make(map[KeyHash]uint64, len(s.order))
	for _, h := range s.order {
		s.savedGen[h] = s.tenants[h].t.Generation()
	}
	s.fileGen++
	s.savedFileGen = s.fileGen
	if snap.Version == snapshotLegacy {
		s.savedFileGen-- // migrate at the next Save
	}
	return LoadResult{Found: true, Restored: len(ready), Kept: len(keptOrder),
		Legacy: snap.Version == snapshotLegacy, TempRemoved: removed}, nil
}

// decodeSnapshot reads a state file strictly: one JSON object of a known
// version with no unknown field, and nothing after it. It returns the
// file's salt; a file of the first format gets a new one.
func decodeSnapshot(b []byte) (*snapshotFile, salt, error) {
	var snap snapshotFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&snap); err != nil {
		return nil, salt{}, fmt.Errorf("not a saved state: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, salt{}, fmt.Errorf("not a saved state: data after the JSON at byte %d", dec.InputOffset())
	}
	switch snap.Version {
	case snapshotLegacy:
		if snap.Salt != "" {
			return nil, salt{}, fmt.Errorf("version %d has no salt, this file has one", snap.Version)
		}
		return &snap, newSalt(), nil
	case snapshotVersion:
		raw, err := hex.DecodeString(snap.Salt)
		if err != nil || len(raw) != saltSize {
			return nil, salt{}, fmt.Errorf("bad salt %q: want %d bytes in hex", snap.Salt, saltSize)
		}
		return &snap, salt(raw), nil
	}
	return nil, salt{}, fmt.Errorf("version %d, this build reads %d and %d", snap.Version, snapshotLegacy, snapshotVersion)
}

// SaveStatus is what the store knows of its saves, for health reports.
type SaveStatus struct {
	// Path is the file of the last Save; empty when there was none.
	Path string
	// LastAttempt is when the last Save ended.
	LastAttempt time.Time
	// LastSaved is when a Save last succeeded: the file then held the
	// state, written by it or by an earlier Save. Zero when none has.
	LastSaved time.Time
	// Err is the last Save's error, nil when it succeeded.
	Err error
	// Failures counts the Saves that failed in a row up to the last one;
	// 0 when it succeeded.
	Failures int
	// FailingSince is when the first of those failures happened.
	FailingSince time.Time
}

// Failing reports whether the last Save failed: the state file may then
// lack writes that were acknowledged.
func (st SaveStatus) Failing() bool { return st.Err != nil }

// SaveStatus returns what the store knows of its saves. It never waits
// for a Save under way.
func (s *Store) SaveStatus() SaveStatus {
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	return s.status
}

func (s *Store) recordSave(path string, err error) {
	now := time.Now()
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	st := &s.status
	st.Path, st.LastAttempt, st.Err = path, now, err
	if err == nil {
		st.LastSaved, st.Failures, st.FailingSince = now, 0, time.Time{}
		return
	}
	if st.Failures == 0 {
		st.FailingSince = now
	}
	st.Failures++
}
