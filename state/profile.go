package state

import (
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
	return l.check(t.settings)
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
// created.
func (t *Tenant) PushProfileAttributes(entries []ProfileEntry) error {
	return t.editArrays(entries, func(list []any, values []any) []any {
		for _, v := range values {
			if !containsValue(list, v) {
				list = append(list, v)
			}
		}
		return list
	}, true)
}

// PullProfileAttributes removes values from array attributes; values that
// are absent are ignored, and removing the last value leaves an empty array.
func (t *Tenant) PullProfileAttributes(entries []ProfileEntry) error {
	return t.editArrays(entries, func(list []any, values []any) []any {
		out := make([]any, 0, len(list))
		for _, v := range list {
			if !containsValue(values, v) {
				out = append(out, v)
			}
		}
		return out
	}, false)
}

func (t *Tenant) editArrays(entries []ProfileEntry, edit func(list, values []any) []any, create bool) error {
	return t.eachEntry(entries, func(u *user, e ProfileEntry) {
		for _, key := range sortedKeys(e.Values) {
			def, ok := t.attrs[key]
			if create { // a pull stores nothing, so it defines nothing
				def, ok = t.definition(key, e.Values[key], true)
			}
			if !ok || !def.IsArray {
				continue
			}
			values, ok := normalize(def, e.Values[key])
			if !ok {
				continue
			}
			old, had := u.profile.get(key)
			if !had && !create {
				continue
			}
			list, _ := old.([]any)
			// The copy is never nil, so an emptied or empty-created array
			// stays [] rather than becoming null.
			t.setAttr(u, key, edit(append(make([]any, 0, len(list)), list...), values.([]any)))
		}
	})
}

func containsValue(list []any, v any) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// DeleteProfileAttributes removes the keys from every user's profile.
func (t *Tenant) DeleteProfileAttributes(keys []string) {
	t.lock()
	defer t.mu.Unlock()
	t.userList.All(func(u *user) bool {
		for _, k := range keys {
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
// value is removed.
func (t *Tenant) DeleteProfileAttributeValue(values []AttributeValue) {
	t.lock()
	defer t.mu.Unlock()
	for _, kv := range values {
		def, ok := t.attrs[kv.Key]
		if !ok {
			continue
		}
		want, ok := scalar(def.DataType, kv.Value)
		if !ok {
			continue
		}
		t.userList.All(func(u *user) bool {
			cur, _ := u.profile.get(kv.Key)
			switch cur := cur.(type) {
			case nil:
			case []any:
				if containsValue(cur, want) {
					out := make([]any, 0, len(cur)-1)
					for _, v := range cur {
						if v != want {
							out = append(out, v)
						}
					}
					t.setAttr(u, kv.Key, out)
				}
			default:
				if cur == want {
					t.delAttr(u, kv.Key)
				}
			}
			return true
		})
	}
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
