package faults

import (
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrFull is wrapped by Set.Add's error when the tenant has no room for
// another rule: it holds as many rules, or as many bytes of rules, as the
// set allows. Deleting rules makes room; the rule itself may be fine.
var ErrFull = errors.New("faults: no room for another rule")

// Defaults of a Set's limits.
const (
	// DefaultMaxRules is how many rules one tenant may hold.
	DefaultMaxRules = 1000
	// DefaultMaxTenantBytes bounds the memory of one tenant's rules, as
	// counted by their texts and a fixed overhead each.
	DefaultMaxTenantBytes = 4 << 20
	// DefaultMaxLatency is the longest latencyMs a rule may ask: below
	// the 60 s write timeout of netmera-mock's server, so that a delayed
	// answer is still delivered.
	DefaultMaxLatency = 30 * time.Second
)

// Set holds the fault rules of every tenant. It is safe for concurrent
// use, and tenants do not wait for each other: the map of tenants is read
// without a lock (it is copied when a tenant adds its first rule), and
// each tenant's rules have their own lock.
type Set struct {
	seed       uint64
	maxRules   int
	maxBytes   int
	maxLatency time.Duration

	mu      sync.Mutex                              // held to replace tenants
	tenants atomic.Pointer[map[string]*tenantRules] // never changed in place; entries are never removed, only emptied
}

// tenantRules are one tenant's rules, in the order Match tries them,
// indexed so that Match looks only at rules that can match the path.
type tenantRules struct {
	mu      sync.Mutex
	ordered []*rule            // every rule, in match order
	exact   map[string][]*rule // rules of an exact path, by path, in match order
	prefix  []*rule            // rules of a path ending in '*', in match order
	next    int                // the last number used for an assigned id
	seq     uint64             // how many rules were ever added: the insertion stamp
	bytes   int                // the size of every rule
	count   atomic.Int64       // len(ordered), for Empty without the lock
}

// rule is a Rule with its own random source for Probability.
type rule struct {
	Rule
	rng  *rand.Rand
	seq  uint64 // insertion stamp: higher is newer
	size int
}

// before reports whether Match tries a before b: the lower priority number
// first, and among equal priorities the newest first, as WireMock does.
func before(a, b *rule) bool {
	if a.Priority != b.Priority {
		return a.Priority < b.Priority
	}
	return a.seq > b.seq
}

// Option changes a limit of a Set.
type Option func(*Set)

// MaxRules sets how many rules one tenant may hold; n <= 0 means
// DefaultMaxRules.
func MaxRules(n int) Option {
	return func(s *Set) {
		if n > 0 {
			s.maxRules = n
		}
	}
}

// MaxTenantBytes bounds the memory of one tenant's rules; n <= 0 means
// DefaultMaxTenantBytes.
func MaxTenantBytes(n int) Option {
	return func(s *Set) {
		if n > 0 {
			s.maxBytes = n
		}
	}
}

// MaxLatency sets the longest latency a rule may ask; d <= 0 means
// DefaultMaxLatency. Give one below the http.Server's WriteTimeout, with
// room for the answer itself: a handler still sleeping when the write
// timeout passes never delivers its answer.
func MaxLatency(d time.Duration) Option {
	return func(s *Set) {
		if d > 0 {
			s.maxLatency = d
		}
	}
}

// NewSet returns an empty set with the given limits, or the defaults.
// Probability draws come from a PCG source per rule, seeded from seed, the
// tenant and the rule's id: the same seed gives the same draws for the
// same rule whatever other rules and tenants do, so tests are
// reproducible.
func NewSet(seed int64, opts ...Option) *Set {
	s := &Set{seed: uint64(seed), maxRules: DefaultMaxRules, maxBytes: DefaultMaxTenantBytes, maxLatency: DefaultMaxLatency}
	s.tenants.Store(&map[string]*tenantRules{})
	for _, o := range opts {
		o(s)
	}
	return s
}

// get returns tenant's rules, or nil if it never had any.
func (s *Set) get(tenant string) *tenantRules {
	return (*s.tenants.Load())[tenant]
}

// getOrMake returns tenant's rules, making them if need be. A new tenant
// costs a copy of the map, once: there are as many as the server allows.
func (s *Set) getOrMake(tenant string) *tenantRules {
	if t := s.get(tenant); t != nil {
		return t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.tenants.Load()
	if t := old[tenant]; t != nil {
		return t
	}
	t := &tenantRules{exact: make(map[string][]*rule)}
	m := maps.Clone(old)
	m[tenant] = t
	s.tenants.Store(&m)
	return t
}

// Add validates r and adds it to tenant's rules. It assigns the id "f1",
// "f2", … when r has none (the numbering restarts after Clear), uppercases
// Method, gives Priority its default, writes header names in canonical
// form (content-type becomes Content-Type), and resets the read-only
// fields: Hits to 0 and Remaining to Times. It returns the rule as stored,
// or an error wrapping ErrInvalid (the rule is wrong, a latency over the
// set's limit included) or ErrFull (the tenant has no room for it).
func (s *Set) Add(tenant string, r Rule) (Rule, error) {
	if err := r.check(s.maxLatency); err != nil {
		return Rule{}, err
	}
	r.Method = strings.ToUpper(r.Method)
	if r.Priority == 0 {
		r.Priority = DefaultPriority
	}
	r.Headers = canonicalHeaders(r.Headers)
	r.Hits, r.Remaining = 0, r.Times

	t := s.getOrMake(tenant)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.ordered) >= s.maxRules {
		return Rule{}, fmt.Errorf("%w: this tenant already holds %d rules, the most it may; delete some first", ErrFull, len(t.ordered))
	}
	next := t.next // kept only if the rule is
	if r.ID == "" {
		for r.ID == "" || t.index(r.ID) >= 0 {
			next++
			r.ID = "f" + strconv.Itoa(next)
		}
	} else if t.index(r.ID) >= 0 {
		return Rule{}, fmt.Errorf("%w: id %q is already used", ErrInvalid, r.ID)
	}
	size := r.size()
	if t.bytes+size > s.maxBytes {
		return Rule{}, fmt.Errorf("%w: this tenant's rules take %d bytes; with this one (%d) they would pass the %d a tenant may hold; delete some first",
			ErrFull, t.bytes, size, s.maxBytes)
	}
	t.next = next
	h := fnv.New64a()
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write([]byte(r.ID))
	t.seq++
	nr := &rule{Rule: r, rng: rand.New(rand.NewPCG(s.seed, h.Sum64())), seq: t.seq, size: size}
	t.ordered = insert(t.ordered, nr)
	if strings.HasSuffix(r.Path, "*") {
		t.prefix = insert(t.prefix, nr)
	} else {
		t.exact[r.Path] = insert(t.exact[r.Path], nr)
	}
	t.bytes += size
	t.count.Store(int64(len(t.ordered)))
	return nr.copy(), nil
}

// copy returns the rule with a Headers map of its own.
func (r *rule) copy() Rule {
	c := r.Rule
	c.Headers = maps.Clone(r.Headers)
	return c
}

// insert puts r into rules, which are in match order, at its place.
func insert(rules []*rule, r *rule) []*rule {
	i, _ := slices.BinarySearchFunc(rules, r, func(x, r *rule) int {
		if before(x, r) {
			return -1
		}
		return 1
	})
	return slices.Insert(rules, i, r)
}

// remove takes r out of rules.
func remove(rules []*rule, r *rule) []*rule {
	if i := slices.Index(rules, r); i >= 0 {
		return slices.Delete(rules, i, i+1)
	}
	return rules
}

func (t *tenantRules) index(id string) int {
	for i, r := range t.ordered {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// List returns tenant's rules in the order Match tries them (by priority,
// then the newest first), with their Hits and Remaining; never nil.
func (s *Set) List(tenant string) []Rule {
	out := []Rule{}
	t := s.get(tenant)
	if t == nil {
		return out
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.ordered {
		out = append(out, r.copy())
	}
	return out
}

// Clear removes every rule of tenant and returns how many it removed.
func (s *Set) Clear(tenant string) int {
	t := s.get(tenant)
	if t == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.ordered)
	t.ordered, t.prefix, t.exact = nil, nil, make(map[string][]*rule)
	t.next, t.bytes = 0, 0
	t.count.Store(0)
	return n
}

// ClearAll removes the rules of every tenant and returns how many it
// removed in all.
func (s *Set) ClearAll() int {
	n := 0
	if m := s.tenants.Load(); m != nil {
		for tenant := range *m {
			n += s.Clear(tenant)
		}
	}
	return n
}

// Delete removes tenant's rule id and reports whether there was one.
func (s *Set) Delete(tenant, id string) bool {
	t := s.get(tenant)
	if t == nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := t.index(id)
	if i < 0 {
		return false
	}
	r := t.ordered[i]
	t.ordered = slices.Delete(t.ordered, i, i+1)
	if strings.HasSuffix(r.Path, "*") {
		t.prefix = remove(t.prefix, r)
	} else if rest := remove(t.exact[r.Path], r); len(rest) > 0 {
		t.exact[r.Path] = rest
	} else {
		delete(t.exact, r.Path)
	}
	t.bytes -= r.size
	t.count.Store(int64(len(t.ordered)))
	return true
}

// Empty reports whether tenant has no rules, so that a caller can skip
// the work of matching (reading the body's external IDs). It takes no
// tenant's lock.
func (s *Set) Empty(tenant string) bool {
	t := s.get(tenant)
	return t == nil || t.count.Load() == 0
}

// Match returns the first of tenant's rules, in match order (the lowest
// Priority number first, then the newest first), that matches the request
// (method in any case, path, and ExtID among extIDs), has uses left and
// passes its probability draw. It consumes one use of that rule and counts
// a hit; the rule is returned as it is after that, sharing its Headers map
// with the set (read it, do not change it). A rule whose draw fails is not
// used up, and the next rule is tried.
//
// Only the rules of the request's exact path and those ending in '*' are
// looked at, under the tenant's own lock: other tenants never wait.
func (s *Set) Match(tenant, method, path string, extIDs []string) (Rule, bool) {
	t := s.get(tenant)
	if t == nil {
		return Rule{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	exact, prefix := t.exact[path], t.prefix
	for len(exact) > 0 || len(prefix) > 0 {
		var r *rule
		if len(prefix) == 0 || len(exact) > 0 && before(exact[0], prefix[0]) {
			r, exact = exact[0], exact[1:]
		} else {
			r, prefix = prefix[0], prefix[1:]
		}
		if !r.matches(method, path, extIDs) || (r.Times > 0 && r.Remaining == 0) {
			continue
		}
		if p := r.Probability; p > 0 && p < 1 && r.rng.Float64() >= p {
			continue
		}
		if r.Times > 0 {
			r.Remaining--
		}
		r.Hits++
		return r.Rule, true
	}
	return Rule{}, false
}
