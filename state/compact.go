package state

import (
	"slices"
	"strings"
)

// A user's profile, tags and category preferences are short sorted slices
// rather than maps: a profile holds about ten values, a user a few tags
// and preferences, and at those sizes a slice searched in order is as
// fast as a map while costing one small allocation (or a share of a
// batch's, see Loader.AddUsers) instead of a hash table: hundreds of
// megabytes less at a million users, and seconds less to start them.

// attrValue is one profile value in its stored form (see normalize).
type attrValue struct {
	key string
	val any
}

// profile is a user's attribute values, sorted by key, keys unique.
type profile []attrValue

// find returns the index of key, or where it would go, and whether it is
// there.
func (p profile) find(key string) (int, bool) {
	return slices.BinarySearchFunc(p, key, func(a attrValue, k string) int { return strings.Compare(a.key, k) })
}

// get returns key's value.
func (p profile) get(key string) (any, bool) {
	if i, ok := p.find(key); ok {
		return p[i].val, true
	}
	return nil, false
}

// set stores v under key.
func (p *profile) set(key string, v any) {
	i, ok := p.find(key)
	if ok {
		(*p)[i].val = v
		return
	}
	*p = slices.Insert(*p, i, attrValue{key, v})
}

// del removes key, returning its value and whether it was there.
func (p *profile) del(key string) (any, bool) {
	i, ok := p.find(key)
	if !ok {
		return nil, false
	}
	old := (*p)[i].val
	*p = slices.Delete(*p, i, i+1)
	return old, true
}

// stringOf returns v if it is a string, else "".
func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// sortProfile orders values built in any order by key.
func sortProfile(p profile) {
	slices.SortFunc(p, func(a, b attrValue) int { return strings.Compare(a.key, b.key) })
}

// tagSet is a user's tags, sorted, unique.
type tagSet []string

func (s *tagSet) add(tag string) {
	if i, ok := slices.BinarySearch(*s, tag); !ok {
		*s = slices.Insert(*s, i, tag)
	}
}

func (s *tagSet) remove(tag string) {
	if i, ok := slices.BinarySearch(*s, tag); ok {
		*s = slices.Delete(*s, i, i+1)
	}
}

// catPrefs is a user's category preferences, sorted by category then
// channel, one per pair.
type catPrefs []CategoryPref

func comparePref(a CategoryPref, category, channel string) int {
	if c := strings.Compare(a.Category, category); c != 0 {
		return c
	}
	return strings.Compare(a.Channel, channel)
}

// get returns the preference for category on channel and whether one is set.
func (c catPrefs) get(category, channel string) (enabled, set bool) {
	i, ok := slices.BinarySearchFunc(c, category, func(a CategoryPref, _ string) int { return comparePref(a, category, channel) })
	if !ok {
		return false, false
	}
	return c[i].Enabled, true
}

// set records a preference.
func (c *catPrefs) set(category, channel string, enabled bool) {
	i, ok := slices.BinarySearchFunc(*c, category, func(a CategoryPref, _ string) int { return comparePref(a, category, channel) })
	if ok {
		(*c)[i].Enabled = enabled
		return
	}
	*c = slices.Insert(*c, i, CategoryPref{Category: category, Channel: channel, Enabled: enabled})
}
