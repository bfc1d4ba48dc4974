package state

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// keptTenant is a saved tenant of a key the store does not serve: kept as
// the file held it, so that saving writes it back untouched.
type keptTenant struct {
	id     string
	data   []byte // the tenant's data, as JSON, exactly as the file held it
	counts Counts
}

// KeptTenant describes a saved tenant that the store keeps without
// serving it, because its key is not configured.
type KeptTenant struct {
	// ID names the tenant: "saved-" and the first 8 hex digits of its
	// keyed hash in the state file. It is stable from one start to the
	// next, and safe to log: without the file, it says nothing of the key.
	ID string
	// Counts says how much data the tenant holds.
	Counts Counts
}

// ErrNotKept is Forget's answer for an ID that names no kept tenant.
var ErrNotKept = errors.New("state: no saved tenant with that ID is kept")

// keptID is the ID of a kept tenant whose hash in the file is fh.
func keptID(fh KeyHash) string { return "saved-" + hex.EncodeToString(fh[:4]) }

// decodeDataset reads a tenant's data as Load does: strictly, refusing
// unknown fields.
func decodeDataset(data []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	return &d, nil
}

// build makes a tenant of the kept data.
func (k *keptTenant) build(s Settings) (*Tenant, error) {
	d, err := decodeDataset(k.data)
	if err != nil {
		return nil, fmt.Errorf("state: saved tenant %s: %w", k.id, err)
	}
	t, err := NewTenant(d, s)
	if err != nil {
		return nil, fmt.Errorf("state: saved tenant %s: %w", k.id, err)
	}
	return t, nil
}

// Kept lists the saved tenants the store keeps without serving them, in
// the order of the state file. Their keys are not configured; with
// AcceptAnyKey, each is served again from the first request with its key.
// They stay in the state file, untouched, until then or until Forget.
func (s *Store) Kept() []KeptTenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]KeptTenant, 0, len(s.keptOrder))
	for _, fh := range s.keptOrder {
		k := s.kept[fh]
		out = append(out, KeptTenant{ID: k.id, Counts: k.counts})
	}
	return out
}

// Forget drops the kept tenant named id (see KeptTenant.ID): the next
// Save writes the state file without it, and its data is gone for good.
// An id that names no kept tenant is ErrNotKept; one that names two (their
// hashes share 32 bits, which is most unlikely) forgets neither.
func (s *Store) Forget(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []KeyHash
	for _, fh := range s.keptOrder {
		if s.kept[fh].id == id {
			found = append(found, fh)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("%w: %q", ErrNotKept, id)
	case 1:
		s.dropKept(found[0])
		return nil
	}
	return fmt.Errorf("state: %d saved tenants share the ID %q: forgetting neither", len(found), id)
}

// dropKept removes a kept tenant; the caller holds s.mu for writing.
func (s *Store) dropKept(fh KeyHash) {
	delete(s.kept, fh)
	s.keptOrder = slices.DeleteFunc(s.keptOrder, func(h KeyHash) bool { return h == fh })
	s.fileGen++
}
