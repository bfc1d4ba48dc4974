package state

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// SeedFunc makes the tenant a key starts with, and a fresh one each time
// the tenant is reset: it must return a new tenant on every call, never
// one it returned before (tenants would share their data). FromDataset
// makes one from a Dataset; fixtures.Seed from generated fixtures.
type SeedFunc func(Settings) (*Tenant, error)

// SeedSpec names generated data: a seed and sizes (zero sizes mean the
// generator's defaults). POST /_mock/seed takes it as its body, and
// fixtures.Seeder turns it into a SeedFunc.
type SeedSpec struct {
	Seed     int64 `json:"seed"`
	Users    int   `json:"users"`
	Segments int   `json:"segments"`
	Messages int   `json:"messages"`
}

// FromDataset returns a SeedFunc that loads the Dataset data returns; data
// must return a fresh Dataset on every call.
func FromDataset(data func() (*Dataset, error)) SeedFunc {
	return func(s Settings) (*Tenant, error) {
		d, err := data()
		if err != nil {
			return nil, err
		}
		return NewTenant(d, s)
	}
}

// KeyHash is the SHA-256 of an API key: how the store names a tenant. The
// key itself is never kept.
type KeyHash [sha256.Size]byte

// HashKey returns the hash the store names key's tenant by.
func HashKey(key string) KeyHash { return sha256.Sum256([]byte(key)) }

// String is the hash in hex.
func (h KeyHash) String() string { return hex.EncodeToString(h[:]) }

// ID is the short name of the tenant used in logs, the same as KeyID.
func (h KeyHash) ID() string { return "key-" + hex.EncodeToString(h[:4]) }

// DefaultMaxTenants bounds the tenants AcceptAnyKey creates.
const DefaultMaxTenants = 1000

// Store holds one Tenant per API key: each key is a Netmera app, and no
// tenant can see another's data. Keys are never kept in clear: the store
// holds their SHA-256 and compares configured keys in constant time.
type Store struct {
	seed     SeedFunc
	settings Settings

	mu         sync.RWMutex
	keys       []KeyHash // configured keys, in order
	tenants    map[KeyHash]*entry
	order      []KeyHash // every tenant, in creation order
	anyKey     bool
	maxTenants int

	saveMu   sync.Mutex         // one Save at a time
	savedGen map[KeyHash]uint64 // tenant generations at the last Save or Load
}

type entry struct {
	t    *Tenant
	seed SeedFunc // what reset goes back to
}

// NewStore returns a store with one tenant per key, each seeded by seed.
func NewStore(seed SeedFunc, settings Settings, keys ...string) (*Store, error) {
	if len(keys) == 0 {
		return nil, errors.New("state: a store needs at least one API key")
	}
	s := &Store{seed: seed, settings: settings, tenants: make(map[KeyHash]*entry)}
	for _, k := range keys {
		if k == "" {
			return nil, errors.New("state: empty API key")
		}
		h := HashKey(k)
		if _, dup := s.tenants[h]; dup {
			continue
		}
		if err := s.create(h); err != nil {
			return nil, err
		}
		s.keys = append(s.keys, h)
	}
	return s, nil
}

// create seeds a new tenant under h; the caller holds s.mu or owns s.
func (s *Store) create(h KeyHash) error {
	t, err := s.seedTenant()
	if err != nil {
		return err
	}
	s.tenants[h] = &entry{t: t, seed: s.seed}
	s.order = append(s.order, h)
	return nil
}

// seedTenant makes a tenant from the store's seed.
func (s *Store) seedTenant() (*Tenant, error) {
	t, err := seed(s.seed, s.settings)
	if err != nil {
		return nil, fmt.Errorf("state: seeding a tenant: %w", err)
	}
	return t, nil
}

// AcceptAnyKey makes every non-empty key valid: an unknown key gets its
// own freshly seeded tenant on first use, up to max tenants in all
// (DefaultMaxTenants when max <= 0). Parallel test suites sharing one
// server isolate themselves by using different keys. Call it before
// serving.
func (s *Store) AcceptAnyKey(max int) {
	if max <= 0 {
		max = DefaultMaxTenants
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anyKey, s.maxTenants = true, max
}

// Tenant returns the tenant of an API key. Configured keys are compared
// against every configured key in constant time, so the time taken does
// not tell how much of a wrong key was right. With AcceptAnyKey, an
// unknown key creates its tenant.
func (s *Store) Tenant(key string) (*Tenant, bool) {
	if key == "" {
		return nil, false
	}
	h := HashKey(key)
	s.mu.RLock()
	match := -1
	for i, k := range s.keys {
		if subtle.ConstantTimeCompare(h[:], k[:]) == 1 {
			match = i
		}
	}
	if match >= 0 {
		defer s.mu.RUnlock()
		return s.tenants[s.keys[match]].t, true
	}
	e, anyKey := s.tenants[h], s.anyKey
	s.mu.RUnlock()
	if !anyKey {
		return nil, false
	}
	if e != nil {
		return e.t, true
	}
	// Seed outside the lock: other tenants' requests must not wait for it.
	s.mu.RLock()
	full := len(s.tenants) >= s.maxTenants
	s.mu.RUnlock()
	if full {
		return nil, false
	}
	fresh, err := s.seedTenant()
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.tenants[h]; e != nil { // created meanwhile
		return e.t, true
	}
	if len(s.tenants) >= s.maxTenants {
		return nil, false
	}
	s.tenants[h] = &entry{t: fresh, seed: s.seed}
	s.order = append(s.order, h)
	return fresh, true
}

// Configured reports, in constant time, whether key is one the store was
// made with, as opposed to one AcceptAnyKey let in.
func (s *Store) Configured(key string) bool {
	h := HashKey(key)
	s.mu.RLock()
	defer s.mu.RUnlock()
	found := 0
	for _, k := range s.keys {
		found |= subtle.ConstantTimeCompare(h[:], k[:])
	}
	return found == 1
}

// entry returns a copy of key's entry, taken under the lock: Reseed
// changes an entry's seed while others reset.
func (s *Store) entry(key string) (entry, error) {
	if _, ok := s.Tenant(key); !ok {
		return entry{}, ErrAPIKey()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return *s.tenants[HashKey(key)], nil
}

// Reset puts the tenant of key back to its seeded state.
func (s *Store) Reset(key string) error {
	e, err := s.entry(key)
	if err != nil {
		return err
	}
	return reseed(e.t, e.seed)
}

// Reseed gives the tenant of key the data of seed, now and on later resets.
func (s *Store) Reseed(key string, seed SeedFunc) error {
	e, err := s.entry(key)
	if err != nil {
		return err
	}
	if err := reseed(e.t, seed); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tenants[HashKey(key)].seed = seed
	return nil
}

func reseed(t *Tenant, f SeedFunc) error {
	fresh, err := seed(f, t.Settings())
	if err != nil {
		return err
	}
	t.swap(fresh)
	return nil
}

// seed calls f, refusing a nil tenant.
func seed(f SeedFunc, s Settings) (*Tenant, error) {
	t, err := f(s)
	if err == nil && t == nil {
		err = errors.New("the seed made no tenant")
	}
	return t, err
}

// ResetAll puts every tenant back to its seeded state.
func (s *Store) ResetAll() error {
	for _, e := range s.entries() {
		if err := reseed(e.t, e.seed); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) entries() []entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]entry, len(s.order))
	for i, h := range s.order {
		out[i] = *s.tenants[h]
	}
	return out
}

// Len is the number of tenants.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.order)
}

// Total sums the counts of every tenant.
func (s *Store) Total() Counts {
	var c Counts
	for _, e := range s.entries() {
		n := e.t.Counts()
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
	return HashKey(key).ID()
}
