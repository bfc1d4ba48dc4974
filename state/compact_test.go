package state

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompactSetsMatchMaps drives a profile, a tag set and category
// preferences through random edits next to the maps they replace: after
// every edit they hold the same, sorted and without repeats.
func TestCompactSetsMatchMaps(t *testing.T) {
	keys := []string{"a", "b", "c", "dateOfBirth", "email", "z"}
	channels := []string{"EMAIL", "PUSH", "SMS"}
	r := rand.New(rand.NewPCG(1, 2))
	var p profile
	var tags tagSet
	var cats catPrefs
	wantP, wantTags := map[string]any{}, map[string]bool{}
	type pair struct{ category, channel string }
	wantCats := map[pair]bool{}
	for step := range 2000 {
		k := keys[r.IntN(len(keys))]
		switch r.IntN(3) {
		case 0:
			p.set(k, step)
			wantP[k] = step
			tags.add(k)
			wantTags[k] = true
		case 1:
			old, ok := p.del(k)
			wantOld, wantOK := wantP[k]
			if ok != wantOK || old != wantOld {
				t.Fatalf("step %d: del(%q) = %v, %v; want %v, %v", step, k, old, ok, wantOld, wantOK)
			}
			delete(wantP, k)
			tags.remove(k)
			delete(wantTags, k)
		default:
			ch, on := channels[r.IntN(len(channels))], r.IntN(2) == 0
			cats.set(k, ch, on)
			wantCats[pair{k, ch}] = on
		}
		gotP := map[string]any{}
		for i, a := range p {
			if i > 0 && p[i-1].key >= a.key {
				t.Fatalf("step %d: profile keys out of order: %v", step, p)
			}
			gotP[a.key] = a.val
			if v, ok := p.get(a.key); !ok || v != a.val {
				t.Fatalf("step %d: get(%q) = %v, %v", step, a.key, v, ok)
			}
		}
		if diff := cmp.Diff(wantP, gotP); diff != "" {
			t.Fatalf("step %d: profile (-want +got):\n%s", step, diff)
		}
		if want := slices.Sorted(maps.Keys(wantTags)); !slices.Equal(want, tags) && len(want)+len(tags) > 0 {
			t.Fatalf("step %d: tags = %v, want %v", step, tags, want)
		}
		for _, c := range keys {
			for _, ch := range channels {
				on, set := cats.get(c, ch)
				wantOn, wantSet := wantCats[pair{c, ch}]
				if on != wantOn || set != wantSet {
					t.Fatalf("step %d: cats.get(%q, %q) = %v, %v; want %v, %v", step, c, ch, on, set, wantOn, wantSet)
				}
			}
		}
		if len(cats) != len(wantCats) {
			t.Fatalf("step %d: %d preferences, want %d", step, len(cats), len(wantCats))
		}
	}
}
