package state

import (
	"crypto/subtle"
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

// DefaultMaxTenants bounds the tenants AcceptAnyKey creates.
const DefaultMaxTenants = 1000

// Errors of Lookup. Both mean the key is not served; the transport
// decides how each is answered.
var (
	// ErrUnknownKey is a missing key, or one the store does not accept.
	ErrUnknownKey = errors.New("state: unknown API key")
	// ErrTenantLimit is a new key that AcceptAnyKey would accept, refused
	// because the store already serves as many tenants as it may.
	ErrTenantLimit = errors.New("state: tenant limit reached")
)

// Store holds one Tenant per API key: each key is a Netmera app, and no
// tenant can see another's data. Keys are never kept in clear: the store
// holds their SHA-256 and compares configured keys in constant time.
//
// A store also keeps the saved tenants of keys it does not serve (see
// Load), untouched, until they are claimed by their key or forgotten.
type Store struct {
	seed     SeedFunc
	settings Settings

	mu         sync.RWMutex
	keys       []KeyHash // configured keys, in order
	tenants    map[KeyHash]*entry
	order      []KeyHash // every tenant, in creation order
	anyKey     bool
	maxTenants int
	kept       map[KeyHash]*keptTenant // saved tenants not served, by their hash in the file
	keptOrder  []KeyHash               // the same, in the file's order
	fileSalt   salt                    // the state file's salt (see Save)
	// fileGen counts changes to what the file holds besides the tenants'
	// own data: a kept tenant claimed or forgotten, a format to migrate.
	fileGen uint64

	saveMu       sync.Mutex         // one Save or Load at a time
	savedGen     map[KeyHash]uint64 // tenant generations at the last Save or Load
	savedFileGen uint64             // fileGen at the last Save or Load
	swept        map[string]bool    // state files whose folder was cleared of our temporary files

	statusMu sync.Mutex
	status   SaveStatus
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
	s := &Store{seed: seed, settings: settings, tenants: make(map[KeyHash]*entry),
		kept: make(map[KeyHash]*keptTenant), fileSalt: newSalt()}
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
	t.id = h.String()
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
// saved tenant if the state file kept one (see Load), or else its own
// freshly seeded tenant, on first use. At most max such tenants are
// served (DefaultMaxTenants when max <= 0); configured keys do not count.
// Parallel test suites sharing one server isolate themselves by using
// different keys. Call it before serving.
func (s *Store) AcceptAnyKey(max int) {
	if max <= 0 {
		max = DefaultMaxTenants
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anyKey, s.maxTenants = true, max
}

// MaxTenants is the most tenants AcceptAnyKey creates, besides those of
// the configured keys; 0 when AcceptAnyKey was not called.
func (s *Store) MaxTenants() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !s.anyKey {
		return 0
	}
	return s.maxTenants
}

// Tenant returns the tenant of an API key, as Lookup does, and whether
// there is one.
func (s *Store) Tenant(key string) (*Tenant, bool) {
	t, err := s.Lookup(key)
	return t, err == nil
}

// Lookup returns the tenant of an API key. Configured keys are compared
// against every configured key in constant time, so the time taken does
// not tell how much of a wrong key was right. With AcceptAnyKey, an
// unknown key gets its tenant. The errors are ErrUnknownKey for a key the
// store does not accept, ErrTenantLimit for one AcceptAnyKey would accept
// but for the limit, or a seeding error.
func (s *Store) Lookup(key string) (*Tenant, error) {
	if key == "" {
		return nil, ErrUnknownKey
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
		return s.tenants[s.keys[match]].t, nil
	}
	e, anyKey := s.tenants[h], s.anyKey
	s.mu.RUnlock()
	if !anyKey {
		return nil, ErrUnknownKey
	}
	if e != nil {
		return e.t, nil
	}
	return s.admit(h)
}

// admit serves a new key under AcceptAnyKey: with its kept tenant if
// there is one, else with a freshly seeded one.
func (s *Store) admit(h KeyHash) (*Tenant, error) {
	s.mu.RLock()
	full := s.unconfigured() >= s.maxTenants
	var k *keptTenant
	if len(s.kept) > 0 {
		k = s.kept[keyedHash(s.fileSalt, h)]
	}
	s.mu.RUnlock()
	if full {
		return nil, ErrTenantLimit
	}
	// Build outside the lock: other tenants' requests must not wait for it.
	var fresh *Tenant
	var err error
	if k != nil {
		fresh, err = k.build(s.settings)
	} else {
		fresh, err = s.seedTenant()
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if e := s.tenants[h]; e != nil { // created meanwhile
		s.mu.Unlock()
		return e.t, nil
	}
	if s.unconfigured() >= s.maxTenants {
		s.mu.Unlock()
		return nil, ErrTenantLimit
	}
	if k != nil {
		fh := keyedHash(s.fileSalt, h)
		if s.kept[fh] != k { // forgotten, or the file loaded again, meanwhile
			s.mu.Unlock()
			return s.admit(h)
		}
		s.dropKept(fh)
	}
	fresh.id = h.String()
	s.tenants[h] = &entry{t: fresh, seed: s.seed}
	s.order = append(s.order, h)
	s.mu.Unlock()
	return fresh, nil
}

// unconfigured is how many tenants AcceptAnyKey let in; the caller holds
// s.mu.
func (s *Store) unconfigured() int { return len(s.tenants) - len(s.keys) }

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

// entry returns a copy of the entry of a key that has a tenant, taken
// under the lock: Reseed changes an entry's seed while others reset. It
// lets no new key in, so that a reset or reseed that fails leaves no
// tenant behind.
func (s *Store) entry(key string) (entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.tenants[HashKey(key)]
	if key == "" || e == nil {
		return entry{}, ErrAPIKey()
	}
	return *e, nil
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
