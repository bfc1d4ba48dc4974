package state

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// TestValueSetIsEquality checks valueSet against the list search it
// replaced: for every list and value of a mix of types (numbers of
// several forms, NaN, both zeros, nil, values no map may key), has
// answers as a search by == does, and panics where it panics.
func TestValueSetIsEquality(t *testing.T) {
	type pair struct{ A, B any }
	values := []any{
		"1", "", true, false, nil, int(1), int64(1), int64(0), float64(1), 0.0, math.Copysign(0, -1), math.NaN(),
		json.Number("1"), pair{1, 2}, []any{int64(1)}, map[string]any{"a": 1},
	}
	search := func(list []any, v any) (found, panicked bool) {
		defer func() { panicked = recover() != nil }()
		for _, x := range list {
			if x == v {
				return true, false
			}
		}
		return false, false
	}
	lookup := func(s *valueSet, v any) (found, panicked bool) {
		defer func() { panicked = recover() != nil }()
		return s.has(v), false
	}
	for i := range values {
		for j := i; j <= len(values); j++ {
			list := values[i:j]
			s := newValueSet(list)
			for _, v := range values {
				wf, wp := search(list, v)
				gf, gp := lookup(&s, v)
				if gf != wf || gp != wp {
					t.Errorf("%s: has(%#v) = %v (panic %v), search finds %v (panic %v)", fmt.Sprintf("%#v", list), v, gf, gp, wf, wp)
				}
			}
		}
	}
	s := newValueSet(nil)
	for _, v := range []any{int64(1), int64(1), float64(1), "a", "a", math.NaN(), math.NaN(), 0.0, math.Copysign(0, -1)} {
		dup, _ := search(append(append([]any(nil), s.others...), keys(s.m)...), v)
		if added := s.add(v); added == dup {
			t.Errorf("add(%#v) = %v with the set holding it %v", v, added, dup)
		}
	}
}

func keys(m map[any]struct{}) []any {
	var out []any
	for k := range m {
		out = append(out, k)
	}
	return out
}
