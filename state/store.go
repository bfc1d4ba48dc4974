package state

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// SeedFunc produces the data a tenant starts with and returns to on reset.
// It must return a fresh Dataset on every call.
type SeedFunc func() (*Dataset, error)

// Store holds one Tenant per API key: each key is a Netmera app, and no
// tenant can see another's data. Keys are never kept in clear: the store
// holds their SHA-256 and compares them in constant time.
type Store struct {
	seed     SeedFunc
	settings Settings

	mu      sync.RWMutex
	keys    [][sha256.Size]byte // configured keys, in order
	tenants map[[sha256.Size]byte]*Tenant
}

// NewStore returns a store with one tenant per key, each seeded by seed.
func NewStore(seed SeedFunc, settings Settings, keys ...string) (*Store, error) {
	if len(keys) == 0 {
		return nil, errors.New("state: a store needs at least one API key")
	}
	s := &Store{seed: seed, settings: settings, tenants: make(map[[sha256.Size]byte]*Tenant)}
	for _, k := range keys {
		if k == "" {
			return nil, errors.New("state: empty API key")
		}
		h := sha256.Sum256([]byte(k))
		if _, dup := s.tenants[h]; dup {
			continue
		}
		t, err := s.newTenant()
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, h)
		s.tenants[h] = t
	}
	return s, nil
}

func (s *Store) newTenant() (*Tenant, error) {
	d, err := s.seed()
	if err != nil {
		return nil, fmt.Errorf("state: seeding a tenant: %w", err)
	}
	return NewTenant(d, s.settings)
}

// Tenant returns the tenant of an API key. The key is compared against
// every configured key in constant time, so the time taken does not tell
// how much of a wrong key was right.
func (s *Store) Tenant(key string) (*Tenant, bool) {
	h := sha256.Sum256([]byte(key))
	s.mu.RLock()
	defer s.mu.RUnlock()
	match := -1
	for i, k := range s.keys {
		if subtle.ConstantTimeCompare(h[:], k[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return nil, false
	}
	return s.tenants[s.keys[match]], true
}

// Reset puts the tenant of key back to its seeded state.
func (s *Store) Reset(key string) error {
	t, ok := s.Tenant(key)
	if !ok {
		return ErrAPIKey()
	}
	d, err := s.seed()
	if err != nil {
		return err
	}
	return t.Replace(d)
}

// ResetAll puts every tenant back to its seeded state.
func (s *Store) ResetAll() error {
	s.mu.RLock()
	tenants := make([]*Tenant, 0, len(s.keys))
	for _, k := range s.keys {
		tenants = append(tenants, s.tenants[k])
	}
	s.mu.RUnlock()
	for _, t := range tenants {
		d, err := s.seed()
		if err != nil {
			return err
		}
		if err := t.Replace(d); err != nil {
			return err
		}
	}
	return nil
}

// Len is the number of tenants.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.keys)
}

// Total sums the counts of every tenant.
func (s *Store) Total() Counts {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var c Counts
	for _, k := range s.keys {
		n := s.tenants[k].Counts()
		c.Users += n.Users
		c.Devices += n.Devices
		c.Segments += n.Segments
		c.Messages += n.Messages
	}
	return c
}

// KeyID is a short, stable, non-reversible name for an API key, safe to log.
func KeyID(key string) string {
	if key == "" {
		return "none"
	}
	h := sha256.Sum256([]byte(key))
	return "key-" + hex.EncodeToString(h[:4])
}
