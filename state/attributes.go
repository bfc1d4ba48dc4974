package state

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
)

// Standard attribute codes whose values are also the user's channel addresses.
const (
	AttrEmail  = "email"
	AttrMsisdn = "msisdn"
)

// DefaultAttributes returns the profile attribute definitions a tenant has
// when its data defines none: Netmera's standard attributes and the custom
// ones the documentation's examples use.
func DefaultAttributes() []AttributeDef {
	return []AttributeDef{
		{Code: "name", DataType: TypeString, Standard: true},
		{Code: "surname", DataType: TypeString, Standard: true},
		{Code: AttrEmail, DataType: TypeString, Standard: true},
		{Code: AttrMsisdn, DataType: TypeString, Standard: true},
		{Code: "gender", DataType: TypeString, Standard: true},
		{Code: "dateOfBirth", DataType: TypeDate, Standard: true},
		{Code: "externalSegments", DataType: TypeString, IsArray: true, Standard: true},
		{Code: "age", DataType: TypeInteger},
		{Code: "isSubscribed", DataType: TypeBoolean},
		{Code: "lastVisitedCategories", DataType: TypeString, IsArray: true},
		{Code: "lastVisitedProducts", DataType: TypeString, IsArray: true},
	}
}

func arraySuffix(d AttributeDef) string {
	if d.IsArray {
		return " array"
	}
	return ""
}

// normalize converts v to the stored form of def's type: string, bool,
// int64 (INTEGER, DATE as epoch milliseconds), float64, or []any of those
// for array attributes. It reports false when v does not fit.
func normalize(def AttributeDef, v any) (any, bool) {
	if !def.IsArray {
		return scalar(def.DataType, v)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		n, ok := scalar(def.DataType, e)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func scalar(typ AttributeType, v any) (any, bool) {
	switch typ {
	case TypeString:
		s, ok := v.(string)
		return s, ok
	case TypeBoolean:
		b, ok := v.(bool)
		return b, ok
	case TypeInteger, TypeDate:
		return integer(v)
	case TypeDouble:
		f, ok := number(v)
		return f, ok
	}
	return nil, false
}

// maxExactInt bounds INTEGER and DATE values: beyond it a JSON number read
// as float64 (as a fixtures file is) no longer holds the exact value.
const maxExactInt = 1 << 53

// integer converts an integral number exactly: an int64 or a json.Number
// of integer syntax is taken as is, not through float64, so that a value
// past maxExactInt is refused rather than silently rounded.
func integer(v any) (any, bool) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	case json.Number:
		i, err := x.Int64()
		if err == nil {
			n = i
			break
		}
		f, ok := number(x)
		if !ok || f != math.Trunc(f) || math.Abs(f) > maxExactInt {
			return nil, false
		}
		n = int64(f)
	default:
		f, ok := number(v)
		if !ok || f != math.Trunc(f) || math.Abs(f) > maxExactInt {
			return nil, false
		}
		n = int64(f)
	}
	if n > maxExactInt || n < -maxExactInt {
		return nil, false
	}
	return n, true
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return n, !math.IsInf(n, 0) && !math.IsNaN(n)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// storedValue returns v, which fits def, in its stored form. Values
// already in that form (as generated data is) are taken as they are,
// without the allocation of boxing them again; arrays are copied.
func storedValue(def AttributeDef, v any) any {
	if !def.IsArray && storedScalar(def.DataType, v) {
		return v
	}
	if list, ok := v.([]any); ok && def.IsArray && allStored(def.DataType, list) {
		return append(make([]any, 0, len(list)), list...)
	}
	v, _ = normalize(def, v)
	return v
}

func allStored(typ AttributeType, list []any) bool {
	for _, e := range list {
		if !storedScalar(typ, e) {
			return false
		}
	}
	return true
}

// storedScalar reports whether v is already the stored form of typ.
// It is exactly what scalar returns unchanged.
func storedScalar(typ AttributeType, v any) bool {
	switch x := v.(type) {
	case string:
		return typ == TypeString
	case bool:
		return typ == TypeBoolean
	case int64:
		return (typ == TypeInteger || typ == TypeDate) && x >= -maxExactInt && x <= maxExactInt
	case float64:
		return typ == TypeDouble && !math.IsInf(x, 0) && !math.IsNaN(x)
	}
	return false
}

// fits reports whether v fits def, as normalize would, without copying.
// A value already in its stored form, as generated data is, fits without
// being converted (converting boxes it again, an allocation per value).
func fits(def AttributeDef, v any) bool {
	if !def.IsArray {
		return fitsScalar(def.DataType, v)
	}
	list, ok := v.([]any)
	if !ok {
		return false
	}
	for _, e := range list {
		if !fitsScalar(def.DataType, e) {
			return false
		}
	}
	return true
}

func fitsScalar(typ AttributeType, v any) bool {
	if storedScalar(typ, v) {
		return true
	}
	_, ok := scalar(typ, v)
	return ok
}

// inferDefinition guesses a definition for an unknown key from its first
// value, for tenants that auto-define attributes.
func inferDefinition(code string, v any) (AttributeDef, bool) {
	def := AttributeDef{Code: code}
	if code == "" {
		return def, false // no attribute has an empty code
	}
	first := v
	if list, ok := v.([]any); ok {
		if len(list) == 0 {
			return def, false
		}
		def.IsArray = true
		first = list[0]
	}
	switch x := first.(type) {
	case string:
		def.DataType = TypeString
	case bool:
		def.DataType = TypeBoolean
	case json.Number, float64, int, int64:
		f, _ := number(x)
		def.DataType = TypeDouble
		if f == math.Trunc(f) {
			def.DataType = TypeInteger
		}
	default:
		return def, false
	}
	_, ok := normalize(def, v)
	return def, ok
}

// setAttr stores a normalized value, keeping the address indexes in step.
func (t *Tenant) setAttr(u *user, key string, v any) {
	if idx := t.addressIndexOf(key); idx != nil {
		old, _ := u.profile.get(key)
		unindexAddress(idx, u, old)
		indexAddress(idx, u, v)
	}
	if isAddressAttr(key) {
		t.contacts.claim(key, stringOf(v))
	}
	if def, ok := t.attrs[key]; ok {
		key = def.Code // one copy of the key string, shared by every user
	}
	u.profile.set(key, v)
}

// delAttr removes a key from a user's profile, keeping the indexes in step.
func (t *Tenant) delAttr(u *user, key string) {
	old, ok := u.profile.del(key)
	if ok {
		if idx := t.addressIndexOf(key); idx != nil {
			unindexAddress(idx, u, old)
		}
	}
}

// addressIndexOf returns the built index of an address attribute, or nil.
func (t *Tenant) addressIndexOf(key string) map[string][]*user {
	switch key {
	case AttrEmail:
		return t.byEmail
	case AttrMsisdn:
		return t.byMsisdn
	}
	return nil
}

// addressIndex returns the index from email address or MSISDN (key) to
// users, building it on first use: most tenants never look users up by
// address, and a million-user tenant should not pay for it at start.
func (t *Tenant) addressIndex(key string) map[string][]*user {
	if idx := t.addressIndexOf(key); idx != nil {
		return idx
	}
	idx := make(map[string][]*user)
	t.userList.All(func(u *user) bool {
		v, _ := u.profile.get(key)
		indexAddress(idx, u, v)
		return true
	})
	if key == AttrEmail {
		t.byEmail = idx
	} else {
		t.byMsisdn = idx
	}
	return idx
}

// UsersWithAddress returns the external IDs of the users whose email
// address (attr AttrEmail) or MSISDN (AttrMsisdn) is addr, in no set
// order; none for another attr. The index it reads is built on first use,
// which is not a write (see Generation); after that a lookup costs the
// users found.
func (t *Tenant) UsersWithAddress(attr, addr string) []string {
	if !isAddressAttr(attr) {
		return nil
	}
	for {
		t.mu.RLock()
		if idx := t.addressIndexOf(attr); idx != nil {
			ids := make([]string, 0, len(idx[addr]))
			for _, u := range idx[addr] {
				ids = append(ids, u.extID)
			}
			t.mu.RUnlock()
			return ids
		}
		t.mu.RUnlock()
		t.mu.Lock() // Replace may swap the index away before the read lock is back: hence the loop
		t.addressIndex(attr)
		t.mu.Unlock()
	}
}

func indexAddress(idx map[string][]*user, u *user, v any) {
	if s, _ := v.(string); s != "" {
		idx[s] = append(idx[s], u)
	}
}

func unindexAddress(idx map[string][]*user, u *user, v any) {
	s, _ := v.(string)
	users := slices.DeleteFunc(idx[s], func(x *user) bool { return x == u })
	if len(users) == 0 {
		delete(idx, s)
	} else {
		idx[s] = users
	}
}

// cloneValue copies an array value, never returning a nil slice: an empty
// array attribute is [] to clients and in exports, not null.
func cloneValue(v any) any {
	if list, ok := v.([]any); ok {
		return append(make([]any, 0, len(list)), list...)
	}
	return v
}

// isAddressAttr reports whether code is one of the standard attributes that
// double as channel addresses and are indexed as strings.
func isAddressAttr(code string) bool { return code == AttrEmail || code == AttrMsisdn }

// addressDefOK reports whether def may define code: the address attributes
// must be scalar strings, since updateEmail and updateMsisdn store strings.
func addressDefOK(def AttributeDef) bool {
	return !isAddressAttr(def.Code) || (def.DataType == TypeString && !def.IsArray)
}

// defineStandard defines the address attribute code when the app's data did
// not, so that a stored address is a defined attribute and the tenant's
// export loads again.
func (t *Tenant) defineStandard(code string) {
	if _, ok := t.attrs[code]; ok {
		return
	}
	t.addDef(AttributeDef{Code: code, DataType: TypeString, Standard: true})
}

// addDef records a new definition in the map, the definition order and
// the code order.
func (t *Tenant) addDef(def AttributeDef) {
	t.attrs[def.Code] = def
	t.attrOrder = append(t.attrOrder, def.Code)
	i, _ := slices.BinarySearchFunc(t.attrsByCode, def.Code, func(a AttributeDef, code string) int { return strings.Compare(a.Code, code) })
	t.attrsByCode = slices.Insert(t.attrsByCode, i, def)
}

// buildProfile appends to dst, in key order, the stored form of every
// value of m, and reports whether every key of m is defined and its value
// fits. When the tenant defines few attributes more than m holds (as with
// generated data), it looks each definition up in m in code order, which
// needs no sort; otherwise it walks m and sorts.
func (t *Tenant) buildProfile(dst profile, m map[string]any) (profile, bool) {
	if len(t.attrsByCode) <= 2*len(m)+8 {
		found := 0
		for _, def := range t.attrsByCode {
			if v, ok := m[def.Code]; ok {
				if !fits(def, v) {
					return dst, false
				}
				dst = append(dst, attrValue{def.Code, storedValue(def, v)})
				found++
			}
		}
		return dst, found == len(m)
	}
	for k, v := range m {
		def, ok := t.attrs[k]
		if !ok || !fits(def, v) {
			return dst, false
		}
		dst = append(dst, attrValue{def.Code, storedValue(def, v)})
	}
	sortProfile(dst)
	return dst, true
}
