package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// scanIDs returns the identifiers a body names, by kind: the strings
// under the members of idKinds (a value, or the elements of a list),
// outside opaqueMembers, at any depth. It reads any body: one that is not
// JSON names none, one that breaks off (a body the journal cut) names
// those read before the break.
func scanIDs(body []byte) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	if len(body) == 0 {
		return out
	}
	type frame struct {
		object  bool
		key     string // the member being read, in an object
		wantKey bool
		owner   string // the member this object or list is the value of
		opaque  bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.wantKey {
			top.key, top.wantKey = s, false
			continue
		}
		// A value: of the member being read, or an element of a list.
		owner, opaque := "", false
		if top != nil {
			owner, opaque = top.owner, top.opaque
			if top.object {
				owner, top.wantKey = top.key, true
			}
		}
		opaque = opaque || opaqueMembers[owner]
		switch t := tok.(type) {
		case json.Delim:
			stack = append(stack, &frame{object: t == '{', wantKey: t == '{', owner: owner, opaque: opaque})
		case string:
			if kind := idKinds[owner]; kind != "" && !opaque && t != "" {
				if out[kind] == nil {
					out[kind] = map[string]bool{}
				}
				out[kind][t] = true
			}
		}
	}
}

// idsOf collects, as scanIDs does, the identifiers of a parsed body: v
// is the value of member owner.
func idsOf(v any, owner string, out map[string]map[string]bool) {
	if opaqueMembers[owner] {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			idsOf(x, k, out)
		}
	case []any:
		for _, x := range t {
			idsOf(x, owner, out)
		}
	case string:
		if kind := idKinds[owner]; kind != "" && t != "" {
			if out[kind] == nil {
				out[kind] = map[string]bool{}
			}
			out[kind][t] = true
		}
	}
}

// describeIDs says how many identifiers of each kind: "2500 extId".
func describeIDs(ids map[string]map[string]bool) string {
	var parts []string
	for _, kind := range slices.Sorted(maps.Keys(ids)) {
		parts = append(parts, fmt.Sprintf("%d %s", len(ids[kind]), kind))
	}
	return strings.Join(parts, ", ")
}

// shared returns the identifiers of a that b names too, in order.
func shared(a, b map[string]map[string]bool) []string {
	var out []string
	for _, kind := range slices.Sorted(maps.Keys(a)) {
		for _, id := range slices.Sorted(maps.Keys(a[kind])) {
			if b[kind][id] {
				out = append(out, id)
			}
		}
	}
	return out
}

// batchKey is what a request is split along: its endpoint and the body
// without its lists of identifiers. ok is false for a request that is
// not a batch of identifiers (no list member, or not JSON).
func (e *entry) batchKey() (string, bool) {
	if e.Method != "POST" || e.name == "" {
		return "", false
	}
	switch v := e.json().(type) {
	case []any:
		return e.Path, true // entries: any two arrays of them can be joined
	case map[string]any:
		rest := make(map[string]any, len(v))
		found := false
		for k, x := range v {
			if slices.Contains(idLists, k) {
				found = true
				continue
			}
			rest[k] = x
		}
		if !found {
			return "", false
		}
		b, err := json.Marshal(rest) // map keys sorted: a canonical form
		if err != nil {
			return "", false
		}
		return e.Path + " " + string(b), true
	}
	return "", false
}
