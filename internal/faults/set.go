package faults

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Set holds the fault rules of every tenant. It is safe for concurrent use.
type Set struct {
	seed uint64

	mu      sync.Mutex
	tenants map[string]*tenantRules
}

type tenantRules struct {
	rules []*rule
	next  int // the last number used for an assigned id
}

// rule is a Rule with its own random source for Probability.
type rule struct {
	Rule
	rng *rand.Rand
}

// NewSet returns an empty set. Probability draws come from a PCG source
// per rule, seeded from seed, the tenant and the rule's id: the same seed
// gives the same draws for the same rule whatever other rules and tenants
// do, so tests are reproducible.
func NewSet(seed int64) *Set {
	return &Set{seed: uint64(seed), tenants: make(map[string]*tenantRules)}
}

// Add validates r and appends it to tenant's rules, after the ones already
// there. It assigns the id "f1", "f2", … when r has none (the numbering
// restarts after Clear), uppercases Method, and resets the read-only
// fields: Hits to 0 and Remaining to Times. It returns the rule as stored,
// or an error wrapping ErrInvalid.
func (s *Set) Add(tenant string, r Rule) (Rule, error) {
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	r.Method = strings.ToUpper(r.Method)
	r.Hits, r.Remaining = 0, r.Times

	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		t = &tenantRules{}
		s.tenants[tenant] = t
	}
	if r.ID == "" {
		for r.ID == "" || t.index(r.ID) >= 0 {
			t.next++
			r.ID = "f" + strconv.Itoa(t.next)
		}
	} else if t.index(r.ID) >= 0 {
		return Rule{}, fmt.Errorf("%w: id %q is already used", ErrInvalid, r.ID)
	}
	h := fnv.New64a()
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write([]byte(r.ID))
	t.rules = append(t.rules, &rule{Rule: r, rng: rand.New(rand.NewPCG(s.seed, h.Sum64()))})
	return r, nil
}

func (t *tenantRules) index(id string) int {
	for i, r := range t.rules {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// List returns tenant's rules in insertion order, with their Hits and
// Remaining; never nil.
func (s *Set) List(tenant string) []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Rule{}
	if t := s.tenants[tenant]; t != nil {
		for _, r := range t.rules {
			out = append(out, r.Rule)
		}
	}
	return out
}

// Clear removes every rule of tenant and returns how many it removed.
func (s *Set) Clear(tenant string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return 0
	}
	delete(s.tenants, tenant)
	return len(t.rules)
}

// ClearAll removes the rules of every tenant and returns how many it
// removed in all.
func (s *Set) ClearAll() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.tenants {
		n += len(t.rules)
	}
	clear(s.tenants)
	return n
}

// Delete removes tenant's rule id and reports whether there was one.
func (s *Set) Delete(tenant, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return false
	}
	i := t.index(id)
	if i < 0 {
		return false
	}
	t.rules = slices.Delete(t.rules, i, i+1)
	return true
}

// Empty reports whether tenant has no rules, so that a caller can skip
// the work of matching (reading the body's external IDs).
func (s *Set) Empty(tenant string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	return t == nil || len(t.rules) == 0
}

// Match returns the first of tenant's rules, in insertion order, that
// matches the request (method in any case, path, and ExtID among extIDs),
// has uses left and passes its probability draw. It consumes one use of
// that rule and counts a hit; the rule is returned as it is after that.
// A rule whose draw fails is not used up, and the next rule is tried.
func (s *Set) Match(tenant, method, path string, extIDs []string) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tenants[tenant]
	if t == nil {
		return Rule{}, false
	}
	for _, r := range t.rules {
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
