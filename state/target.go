package state

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Target says who a send reaches, as Netmera's "target" object does. The
// conditions given all hold at once (AND):
//
//   - SendToAll: every user of the message's platforms;
//   - Tag, Segment: a tag or segment expression (see Expr);
//   - Profile, PA: profile attribute conditions (see ProfileCond); PA is
//     sendNotification's name for them;
//   - Location: a device within an area.
//
// ExtID, DeviceToken, Email, Msisdn, WpNumber and IID name recipients
// directly (transactional and email/SMS sends); a send naming any reaches
// those alone, still subject to the conditions above.
//
// Target reads Netmera's JSON (a single value or a list where the
// documentation allows either) and writes a canonical form that reads back
// the same.
type Target struct {
	SendToAll   bool         `json:"sendToAll,omitempty"`
	Tag         *Expr        `json:"tag,omitempty"`
	Segment     *Expr        `json:"segment,omitempty"`
	Profile     *ProfileCond `json:"profile,omitempty"`
	PA          *ProfileCond `json:"pa,omitempty"`
	Location    *GeoArea     `json:"location,omitempty"`
	ExtID       StringList   `json:"extId,omitempty"`
	DeviceToken StringList   `json:"deviceToken,omitempty"`
	Email       StringList   `json:"email,omitempty"`
	Msisdn      StringList   `json:"msisdn,omitempty"`
	WpNumber    StringList   `json:"wpNumber,omitempty"`
	IID         StringList   `json:"iid,omitempty"`
}

// empty reports whether t names no one and no condition.
func (t *Target) empty() bool {
	return t == nil || (!t.SendToAll && t.Tag == nil && t.Segment == nil && t.Profile == nil && t.PA == nil &&
		t.Location == nil && !t.direct())
}

// direct reports whether t names recipients by identifier.
func (t *Target) direct() bool {
	return len(t.ExtID)+len(t.DeviceToken)+len(t.Email)+len(t.Msisdn)+len(t.WpNumber)+len(t.IID) > 0
}

// clone copies t deeply enough that the tenant's copy shares nothing
// mutable with the caller's.
func (t *Target) clone() *Target {
	if t == nil {
		return nil
	}
	c := *t
	c.Tag, c.Segment = c.Tag.clone(), c.Segment.clone()
	c.Profile, c.PA = c.Profile.clone(), c.PA.clone()
	if c.Location != nil {
		loc := *c.Location
		c.Location = &loc
	}
	for _, l := range []*StringList{&c.ExtID, &c.DeviceToken, &c.Email, &c.Msisdn, &c.WpNumber, &c.IID} {
		*l = slices.Clone(*l)
	}
	return &c
}

// UnmarshalJSON reads a target object; a member of the wrong shape is a
// 2004 naming it, an unknown operator a 2009.
func (t *Target) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return ErrWrongType("target", "an object")
	}
	var out Target
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		if isNull(v) {
			continue
		}
		var err error
		switch k {
		case "sendToAll":
			if json.Unmarshal(v, &out.SendToAll) != nil {
				err = ErrWrongType(k, "a boolean")
			}
		case "tag", "segment":
			var e Expr
			if err = e.parse(k, v); err == nil {
				if k == "tag" {
					out.Tag = &e
				} else {
					out.Segment = &e
				}
			}
		case "profile", "pa":
			var p ProfileCond
			if err = p.parse(k, v); err == nil {
				if k == "profile" {
					out.Profile = &p
				} else {
					out.PA = &p
				}
			}
		case "location":
			var g GeoArea
			if json.Unmarshal(v, &g) != nil {
				err = ErrWrongType(k, "an object")
			}
			out.Location = &g
		case "extId", "deviceToken", "email", "msisdn", "wpNumber", "iid":
			var l StringList
			if json.Unmarshal(v, &l) != nil {
				err = ErrWrongType(k, "a text or a list of texts")
			}
			*out.list(k) = l
		}
		if err != nil {
			return err
		}
	}
	*t = out
	return nil
}

func (t *Target) list(name string) *StringList {
	switch name {
	case "extId":
		return &t.ExtID
	case "deviceToken":
		return &t.DeviceToken
	case "email":
		return &t.Email
	case "msisdn":
		return &t.Msisdn
	case "wpNumber":
		return &t.WpNumber
	}
	return &t.IID
}

func isNull(b json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(b), []byte("null")) }

// StringList is a list of texts that JSON may give as one text or a list.
type StringList []string

// UnmarshalJSON reads a text or a list of texts.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = StringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// GeoArea is a circle on the map: a centre in degrees and a radius in
// kilometres.
type GeoArea struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Radius    float64 `json:"radius"`
	// GeofenceID names a geofence made with geofence/add instead of a
	// point and a radius: the area is the geofence's circle.
	GeofenceID int64 `json:"geofenceId,omitempty"`
}

// Expr is a tag or segment condition. A leaf (Op "") holds one Value: a
// tag name, or a segment's ID or name. "$or" holds when any of Args does,
// "$and" when all do, and "$not" when none does ("users who have none of
// the given tags", as the documentation puts it).
//
// In JSON a leaf is a text (or, for segments, a number), a list is an
// "$or" of its items, and an object maps operators to lists whose items
// may be nested expressions; an object with several operators holds when
// all of them do.
type Expr struct {
	Op    string `json:"-"`
	Value string `json:"-"`
	Args  []Expr `json:"-"`
}

// Expression operators.
const (
	OpOr  = "$or"
	OpAnd = "$and"
	OpNot = "$not"
)

func (e *Expr) clone() *Expr {
	if e == nil {
		return nil
	}
	c := e.cloneValue()
	return &c
}

func (e Expr) cloneValue() Expr {
	if e.Args != nil {
		args := make([]Expr, len(e.Args))
		for i, a := range e.Args {
			args[i] = a.cloneValue()
		}
		e.Args = args
	}
	return e
}

// UnmarshalJSON reads an expression.
func (e *Expr) UnmarshalJSON(b []byte) error { return e.parse("tag", b) }

func (e *Expr) parse(field string, b []byte) error {
	v, err := decodeAny(b)
	if err != nil {
		return ErrInvalidJSON()
	}
	x, err := exprOf(field, v)
	if err != nil {
		return err
	}
	*e = x
	return nil
}

func exprOf(field string, v any) (Expr, error) {
	switch x := v.(type) {
	case string:
		return Expr{Value: x}, nil
	case json.Number:
		return Expr{Value: x.String()}, nil
	case []any:
		args, err := exprList(field, x)
		return Expr{Op: OpOr, Args: args}, err
	case map[string]any:
		if len(x) == 0 {
			return Expr{}, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s' is an empty object", field)
		}
		var parts []Expr
		for _, op := range sortedKeys(x) {
			if op != OpOr && op != OpAnd && op != OpNot {
				return Expr{}, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s' has an unknown operator '%s' (want $or, $and or $not)", field, op)
			}
			items, ok := x[op].([]any)
			if !ok {
				items = []any{x[op]}
			}
			args, err := exprList(field, items)
			if err != nil {
				return Expr{}, err
			}
			parts = append(parts, Expr{Op: op, Args: args})
		}
		if len(parts) == 1 {
			return parts[0], nil
		}
		return Expr{Op: OpAnd, Args: parts}, nil
	}
	return Expr{}, ErrWrongType(field, "a text, a list or an object of $or, $and, $not")
}

func exprList(field string, items []any) ([]Expr, error) {
	if len(items) == 0 {
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s' has an empty list", field)
	}
	out := make([]Expr, 0, len(items))
	for _, it := range items {
		a, err := exprOf(field, it)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// MarshalJSON writes the canonical form: a leaf as a text, an operator as
// {"$op": [...]}.
func (e Expr) MarshalJSON() ([]byte, error) {
	if e.Op == "" {
		return json.Marshal(e.Value)
	}
	args := e.Args
	if args == nil {
		args = []Expr{}
	}
	return json.Marshal(map[string][]Expr{e.Op: args})
}

// leaves calls fn for every leaf value of e.
func (e *Expr) leaves(fn func(string)) {
	if e == nil {
		return
	}
	if e.Op == "" {
		fn(e.Value)
		return
	}
	for i := range e.Args {
		e.Args[i].leaves(fn)
	}
}

// ProfileCond is a set of profile attribute conditions: every one of
// Attrs holds, and each group holds: at least one member of Or, every
// member of And, no member of Not. In JSON each attribute is a key whose
// value is one value or a list (the user's value, or for an array
// attribute one of its elements, is among them) or {"$exists": bool};
// "$or", "$and" and "$not" take an object (each of its keys one
// condition) or a list of objects (each one condition set).
type ProfileCond struct {
	Attrs []AttrCond
	Or    []ProfileCond
	And   []ProfileCond
	Not   []ProfileCond
}

// AttrCond is one attribute's condition: its value is one of Values, or,
// when Exists is set, the attribute is present (or absent).
type AttrCond struct {
	Key    string
	Values []any
	Exists *bool
}

func (p *ProfileCond) clone() *ProfileCond {
	if p == nil {
		return nil
	}
	c := p.cloneValue()
	return &c
}

func (p ProfileCond) cloneValue() ProfileCond {
	c := ProfileCond{Attrs: make([]AttrCond, len(p.Attrs))}
	for i, a := range p.Attrs {
		a.Values = slices.Clone(a.Values)
		if a.Exists != nil {
			b := *a.Exists
			a.Exists = &b
		}
		c.Attrs[i] = a
	}
	for _, g := range []struct {
		dst *[]ProfileCond
		src []ProfileCond
	}{{&c.Or, p.Or}, {&c.And, p.And}, {&c.Not, p.Not}} {
		if g.src != nil {
			*g.dst = make([]ProfileCond, len(g.src))
			for i, s := range g.src {
				(*g.dst)[i] = s.cloneValue()
			}
		}
	}
	return c
}

// UnmarshalJSON reads profile conditions.
func (p *ProfileCond) UnmarshalJSON(b []byte) error { return p.parse("profile", b) }

func (p *ProfileCond) parse(field string, b []byte) error {
	v, err := decodeAny(b)
	if err != nil {
		return ErrInvalidJSON()
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return ErrWrongType(field, "an object")
	}
	c, err := profileOf(field, obj)
	if err != nil {
		return err
	}
	*p = c
	return nil
}

func profileOf(field string, obj map[string]any) (ProfileCond, error) {
	var c ProfileCond
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		switch k {
		case OpOr, OpAnd, OpNot:
			groups, err := profileGroups(field, k, v)
			if err != nil {
				return c, err
			}
			switch k {
			case OpOr:
				c.Or = append(c.Or, groups...)
			case OpAnd:
				c.And = append(c.And, groups...)
			default:
				c.Not = append(c.Not, groups...)
			}
			continue
		}
		if strings.HasPrefix(k, "$") {
			return c, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s' has an unknown operator '%s'", field, k)
		}
		a, err := attrCondOf(field, k, v)
		if err != nil {
			return c, err
		}
		c.Attrs = append(c.Attrs, a)
	}
	return c, nil
}

// profileGroups reads the operand of $or, $and or $not: an object (each
// key one group of its own) or a list of objects.
func profileGroups(field, op string, v any) ([]ProfileCond, error) {
	var objs []map[string]any
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			objs = append(objs, map[string]any{k: x[k]})
		}
	case []any:
		for _, it := range x {
			o, ok := it.(map[string]any)
			if !ok {
				return nil, ErrWrongType(field+"."+op, "an object or a list of objects")
			}
			objs = append(objs, o)
		}
	default:
		return nil, ErrWrongType(field+"."+op, "an object or a list of objects")
	}
	if len(objs) == 0 {
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s.%s' is empty", field, op)
	}
	out := make([]ProfileCond, 0, len(objs))
	for _, o := range objs {
		g, err := profileOf(field, o)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func attrCondOf(field, key string, v any) (AttrCond, error) {
	a := AttrCond{Key: key}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if !isScalarJSON(e) {
				return a, ErrWrongType(field+"."+key, "a value or a list of values")
			}
		}
		a.Values = x
		if a.Values == nil {
			a.Values = []any{}
		}
	case map[string]any:
		ex, ok := x["$exists"].(bool)
		if len(x) != 1 || !ok {
			return a, Invalidf(CodeInvalidJSON, "Invalid targeting query: '%s.%s' takes a value, a list or {\"$exists\": true|false}", field, key)
		}
		a.Exists = &ex
	default:
		if !isScalarJSON(x) {
			return a, ErrWrongType(field+"."+key, "a value or a list of values")
		}
		a.Values = []any{x}
	}
	return a, nil
}

func isScalarJSON(v any) bool {
	switch v.(type) {
	case string, json.Number, float64, bool, int, int64:
		return true
	}
	return false
}

// MarshalJSON writes the canonical form: attributes by key with a list of
// values or {"$exists": b}, then "$and", "$not", "$or" as lists of objects.
func (p ProfileCond) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(p.Attrs)+3)
	for _, a := range p.Attrs {
		if a.Exists != nil {
			m[a.Key] = map[string]bool{"$exists": *a.Exists}
		} else {
			vals := a.Values
			if vals == nil {
				vals = []any{}
			}
			m[a.Key] = vals
		}
	}
	if len(p.Or) > 0 {
		m[OpOr] = p.Or
	}
	if len(p.And) > 0 {
		m[OpAnd] = p.And
	}
	if len(p.Not) > 0 {
		m[OpNot] = p.Not
	}
	return json.Marshal(m)
}

// keys calls fn for every attribute key p names, groups included.
func (p *ProfileCond) keys(fn func(string)) {
	if p == nil {
		return
	}
	for _, a := range p.Attrs {
		fn(a.Key)
	}
	for _, gs := range [][]ProfileCond{p.Or, p.And, p.Not} {
		for i := range gs {
			gs[i].keys(fn)
		}
	}
}

// decodeAny decodes JSON keeping numbers exact (json.Number).
func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}
