package state

import (
	"fmt"
	"slices"
	"sort"
)

// ProfileEntry is one element of an array-bodied profile request: the user
// it names (by external ID, or else by a device's token) and its payload.
type ProfileEntry struct {
	ExtID       string
	DeviceToken string
	// Values holds the attributes of set, push and pull requests.
	Values map[string]any
	// Keys holds the attribute codes of an unset request.
	Keys []string
	// Malformed marks an entry that is not of the endpoint's shape (not an
	// object, no user, a payload of the wrong JSON type). Malformed entries
	// are skipped; a request whose every entry is malformed fails with 2009.
	Malformed bool
}

func (t *Tenant) checkEntries(entries []ProfileEntry) error {
	l := newIDLimit()
	malformed := 0
	for _, e := range entries {
		if !e.valid() {
			malformed++
			continue
		}
		if e.ExtID != "" {
			l.add(idExt, e.ExtID)
		} else {
			l.add(idToken, e.DeviceToken)
		}
	}
	if len(entries) > 0 && malformed == len(entries) {
		return ErrInvalidJSON()
	}
	if err := l.check(t.settings); err != nil {
		return err
	}
	return t.settings.limits().entries(entries)
}

// target resolves an entry's user: the external ID wins over the token; a
// token of a device linked to no user resolves to nobody.
func (t *Tenant) target(extID, token string) *user {
	if extID != "" {
		return t.users[extID]
	}
	if dv := t.tokens[token]; dv != nil {
		return dv.owner
	}
	return nil
}

// valid reports whether an entry names a user and is of the right shape.
func (e ProfileEntry) valid() bool { return !e.Malformed && (e.ExtID != "" || e.DeviceToken != "") }

// definition returns key's definition, defining it from v first when the
// tenant auto-defines attributes. wantArray requires an array attribute.
func (t *Tenant) definition(key string, v any, wantArray bool) (AttributeDef, bool) {
	def, ok := t.attrs[key]
	if !ok && t.settings.AutoDefine {
		if def, ok = inferDefinition(key, v); ok && addressDefOK(def) && (!wantArray || def.IsArray) {
			t.addDef(def)
		}
	}
	return def, ok && addressDefOK(def) && (!wantArray || def.IsArray)
}

// SetProfileAttributes sets attributes on users. Keys that are not defined
// and values that do not fit their attribute's type are dropped, as are
// entries naming unknown users.
func (t *Tenant) SetProfileAttributes(entries []ProfileEntry) error {
	return t.eachEntry(entries, func(u *user, e ProfileEntry) {
		for _, key := range sortedKeys(e.Values) {
			def, ok := t.definition(key, e.Values[key], false)
			if !ok {
				continue
			}
			if v, ok := normalize(def, e.Values[key]); ok {
				t.setAttr(u, key, v)
			}
		}
	})
}

// UnsetProfileAttributes removes the listed keys from users' profiles,
// but the email address: Netmera keeps it in a system field that only
// removeEmail clears (see RemoveEmail).
func (t *Tenant) UnsetProfileAttributes(entries []ProfileEntry) error {
	return t.eachEntry(entries, func(u *user, e ProfileEntry) {
		for _, key := range e.Keys {
			if key != AttrEmail {
				t.delAttr(u, key)
			}
		}
	})
}

// eachEntry runs one profile request under the write lock: it refuses the
// request whole (limit, every entry malformed) or applies fn to each valid
// entry whose user exists.
func (t *Tenant) eachEntry(entries []ProfileEntry, fn func(u *user, e ProfileEntry)) error {
	t.lock()
	defer t.mu.Unlock()
	if err := t.checkEntries(entries); err != nil {
		return err
	}
	for _, e := range entries {
		if u := t.target(e.ExtID, e.DeviceToken); e.valid() && u != nil {
			fn(u, e)
		}
	}
	return nil
}

// PushProfileAttributes adds values to array attributes with set semantics:
// a value already present is not added again; a missing attribute is
// created. A push that would make an array longer than the tenant's
// limits (Limits.ArrayValues, Limits.ArrayLength) refuses the request
// whole.
func (t *Tenant) PushProfileAttributes(entries []ProfileEntry) error {
	t.lock()
	defer t.mu.Unlock()
	if err := t.checkEntries(entries); err != nil {
		return err
	}
	// The new arrays are worked out first and checked, then stored: a
	// refused push must change nothing, attribute definitions included.
	p := pushPlan{t: t, lists: map[pushKey]int{}, defs: map[string]AttributeDef{}}
	for _, e := range entries {
		u := t.target(e.ExtID, e.DeviceToken)
		if !e.valid() || u == nil {
			continue
		}
		for _, key := range sortedKeys(e.Values) {
			if err := p.push(u, key, e.Values[key]); err != nil {
				return err
			}
		}
	}
	p.apply()
	return nil
}

// pushPlan is a push worked out before it is stored.
type pushPlan struct {
	t       *Tenant
	lists   map[pushKey]int // index into order
	order   []pushed
	defs    map[string]AttributeDef // auto-defined by this push
	defList []AttributeDef          // the same, in the order they were met
}

type pushKey struct {
	u   *user
	key string
}

type pushed struct {
	pushKey
	list []any
	has  valueSet // list's values
}

// definition is t.definition without defining: what the push will define
// is kept in the plan.
func (p *pushPlan) definition(key string, v any) (AttributeDef, bool) {
	t := p.t
	if def, ok := t.attrs[key]; ok {
		return def, addressDefOK(def) && def.IsArray
	}
	if def, ok := p.defs[key]; ok {
		return def, true
	}
	if !t.settings.AutoDefine {
		return AttributeDef{}, false
	}
	def, ok := inferDefinition(key, v)
	if !ok || !addressDefOK(def) || !def.IsArray {
		return def, false
	}
	p.defs[key] = def
	p.defList = append(p.defList, def)
	return def, true
}

// push adds v's values to the user's array key, in the plan.
func (p *pushPlan) push(u *user, key string, v any) error {
	def, ok := p.definition(key, v)
	if !ok {
		return nil
	}
	values, ok := normalize(def, v)
	if !ok {
		return nil
	}
	k := pushKey{u, key}
	i, planned := p.lists[k]
	var list []any
	var has valueSet
	if planned {
		list, has = p.order[i].list, p.order[i].has
	} else {
		old, _ := u.profile.get(key)
		cur, _ := old.([]any)
		// The copy is never nil, so an empty-created array stays [] rather
		// than becoming null.
		list = append(make([]any, 0, len(cur)), cur...)
		has = newValueSet(list)
	}
	for _, x := range values.([]any) {
		if has.add(x) {
			list = append(list, x)
		}
	}
	if should := p.t.settings.limits().array(list); should != "" {
		return limitError("profile."+key, should+" after the push")
	}
	if planned {
		p.order[i].list, p.order[i].has = list, has
	} else {
		p.lists[k] = len(p.order)
		p.order = append(p.order, pushed{k, list, has})
	}
	return nil
}

// apply stores the plan.
func (p *pushPlan) apply() {
	for _, def := range p.defList {
		p.t.addDef(def)
	}
	for _, x := range p.order {
		p.t.setAttr(x.u, x.key, x.list)
	}
}

// PullProfileAttributes removes values from array attributes; values that
// are absent are ignored, and removing the last value leaves an empty array.
func (t *Tenant) PullProfileAttributes(entries []ProfileEntry) error {
	return t.eachEntry(entries, func(u *user, e ProfileEntry) {
		for _, key := range sortedKeys(e.Values) {
			def, ok := t.attrs[key] // a pull stores nothing, so it defines nothing
			if !ok || !def.IsArray {
				continue
			}
			values, ok := normalize(def, e.Values[key])
			if !ok {
				continue
			}
			old, had := u.profile.get(key)
			if !had {
				continue
			}
			list, _ := old.([]any)
			pulled := newValueSet(values.([]any))
			out := make([]any, 0, len(list))
			for _, v := range list {
				if !pulled.has(v) {
					out = append(out, v)
				}
			}
			t.setAttr(u, key, out)
		}
	})
}

// valueSet holds attribute values to be told apart by ==, as an
// interface comparison does: a value of a type stored values have
// (string, bool, int64, float64) is found in O(1), by a map, whose keys
// compare so (1 and 1.0 differ, NaN matches nothing); values of other
// types, which no stored or normalized value is, are compared one by one.
type valueSet struct {
	m      map[any]struct{}
	others []any
}

func newValueSet(list []any) valueSet {
	s := valueSet{m: make(map[any]struct{}, len(list))}
	for _, v := range list {
		s.add(v)
	}
	return s
}

// hashable reports whether v can key a map without a panic.
func hashable(v any) bool {
	switch v.(type) {
	case nil, string, bool, int, int64, float64:
		return true
	}
	return false
}

// has reports whether the set holds a value == v.
func (s *valueSet) has(v any) bool {
	if hashable(v) {
		_, ok := s.m[v]
		return ok
	}
	// A value of another type equals no hashable one; == on two values
	// of the same type behaves as the list search this replaces.
	return slices.ContainsFunc(s.others, func(x any) bool { return x == v })
}

// add adds v unless the set holds it, and reports whether it did.
func (s *valueSet) add(v any) bool {
	if s.has(v) {
		return false
	}
	if hashable(v) {
		s.m[v] = struct{}{}
	} else {
		s.others = append(s.others, v)
	}
	return true
}

// DeleteProfileAttributes removes the keys from every user's profile. It
// walks the users once, whatever the number of keys. Netmera documents no
// validation here, so no key is refused: one longer than any attribute
// code may be (Limits.NameLength) names no attribute.
func (t *Tenant) DeleteProfileAttributes(keys []string) {
	t.lock()
	defer t.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	var doomed []string
	t.userList.All(func(u *user) bool {
		doomed = doomed[:0]
		for _, a := range u.profile {
			if set[a.key] {
				doomed = append(doomed, a.key)
			}
		}
		for _, k := range doomed {
			t.delAttr(u, k)
		}
		return true
	})
}

// AttributeValue names one value of one attribute.
type AttributeValue struct {
	Key   string
	Value any
}

// DeleteProfileAttributeValue removes each value from every user: from an
// array attribute the value is taken out; a scalar attribute equal to the
// value is removed. It walks the users once, whatever the number of
// values. A key or value over the tenant's limits, or more values than an
// array attribute may hold (Limits.ArrayValues), refuses the request.
func (t *Tenant) DeleteProfileAttributeValue(values []AttributeValue) error {
	t.lock()
	defer t.mu.Unlock()
	lim := t.settings.limits()
	if len(values) > lim.ArrayValues {
		return limitError("value", fmt.Sprintf("a list of at most %d values, got %d", lim.ArrayValues, len(values)))
	}
	for _, kv := range values {
		if err := text("key", kv.Key, lim.NameLength); err != nil {
			return err
		}
		if should := lim.value(kv.Key, kv.Value); should != "" {
			return limitError("value", should)
		}
	}
	// The values to remove, by attribute; what fits no definition removes
	// nothing.
	wanted := map[string]*valueSet{}
	for _, kv := range values {
		def, ok := t.attrs[kv.Key]
		if !ok {
			continue
		}
		if want, ok := scalar(def.DataType, kv.Value); ok {
			set := wanted[kv.Key]
			if set == nil {
				set = &valueSet{m: map[any]struct{}{}}
				wanted[kv.Key] = set
			}
			set.add(want)
		}
	}
	if len(wanted) == 0 {
		return nil
	}
	type change struct {
		key string
		val any // nil: remove the attribute
	}
	var changes []change
	t.userList.All(func(u *user) bool {
		changes = changes[:0]
		for _, a := range u.profile {
			want := wanted[a.key]
			if want == nil {
				continue
			}
			switch cur := a.val.(type) {
			case []any:
				if !slices.ContainsFunc(cur, want.has) {
					continue
				}
				out := make([]any, 0, len(cur)-1)
				for _, v := range cur {
					if !want.has(v) {
						out = append(out, v)
					}
				}
				changes = append(changes, change{a.key, out})
			default:
				if want.has(cur) {
					changes = append(changes, change{a.key, nil})
				}
			}
		}
		for _, c := range changes {
			if c.val == nil {
				t.delAttr(u, c.key)
			} else {
				t.setAttr(u, c.key, c.val)
			}
		}
		return true
	})
	return nil
}

// ProfileAttributes returns the profile of the user named by extID, or else
// by the device holding token. found is false for an unknown user.
func (t *Tenant) ProfileAttributes(extID, token string) (profile map[string]any, found bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	u := t.target(extID, token)
	profile = map[string]any{}
	if u == nil {
		return profile, false
	}
	for _, a := range u.profile {
		if _, defined := t.attrs[a.key]; defined {
			profile[a.key] = cloneValue(a.val)
		}
	}
	return profile, true
}

// Attributes returns the tenant's attribute definitions in definition order.
func (t *Tenant) Attributes() []AttributeDef {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]AttributeDef, 0, len(t.attrOrder))
	for _, code := range t.attrOrder {
		out = append(out, t.attrs[code])
	}
	return out
}

// CategoryEntry is one element of a setCategoryPreferences request.
type CategoryEntry struct {
	ExtID    string
	Category string
	Channel  string // empty: every channel
	Enable   *bool
}

// SetCategoryPreferences stores opt-ins and opt-outs per category and
// channel. Entries naming an unknown user, category or channel, or lacking
// the category or enable flag, are skipped.
func (t *Tenant) SetCategoryPreferences(entries []CategoryEntry) error {
	t.lock()
	defer t.mu.Unlock()
	l := newIDLimit()
	for _, e := range entries {
		l.add(idExt, e.ExtID)
	}
	if err := l.check(t.settings); err != nil {
		return err
	}
	if err := t.settings.limits().categoryEntries(entries); err != nil {
		return err
	}
	for _, e := range entries {
		u := t.users[e.ExtID]
		if _, known := t.categories[e.Category]; u == nil || !known || e.Enable == nil {
			continue
		}
		channels := Channels
		if e.Channel != "" {
			if !slices.Contains(Channels, e.Channel) {
				continue
			}
			channels = []string{e.Channel}
		}
		for _, ch := range channels {
			u.cats.set(e.Category, ch, *e.Enable)
		}
	}
	return nil
}

// CategoryPreferences returns, for every category of the app, whether the
// user is opted in on channel (PUSH when empty). A category never set is
// opted in. found is false for an unknown user.
func (t *Tenant) CategoryPreferences(extID, channel string) (prefs map[string]bool, found bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if channel == "" {
		channel = "PUSH"
	}
	prefs = map[string]bool{}
	u := t.users[extID]
	if u == nil {
		return prefs, false
	}
	for _, name := range t.catOrder {
		on, set := u.cats.get(name, channel)
		prefs[name] = on || !set
	}
	return prefs, true
}

// Categories returns the app's push categories ordered by ID (definitions
// with the same ID keep their definition order).
func (t *Tenant) Categories() []Category {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]Category, 0, len(t.catOrder))
	for _, name := range t.catOrder {
		out = append(out, t.categories[name])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
