package state

import (
	"fmt"
	"slices"
	"strings"
)

// EventDefinition is an event the app knows: a standard event that
// Netmera defines, or a custom event defined in the panel, which may
// extend a standard one (its base) and so inherit its attributes.
// Names and codes are case-sensitive, and fireEvents names an event by
// either.
type EventDefinition struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Label    string `json:"label,omitempty"`
	Standard bool   `json:"standard,omitempty"`
	// BaseEvent is the code of the standard event a custom event extends;
	// "" for none.
	BaseEvent  string           `json:"baseEvent,omitempty"`
	Attributes []EventAttribute `json:"attributes,omitempty"`
}

// EventAttribute is one attribute of an event: the key a fired event
// carries it under, its type, and whether an event without it is
// rejected.
type EventAttribute struct {
	Name      string        `json:"name"`
	DataType  AttributeType `json:"dataType"`
	IsArray   bool          `json:"isArray,omitempty"`
	Mandatory bool          `json:"mandatory,omitempty"`
	// Inherited marks, in EventCatalog's answer, an attribute that comes
	// from the base event. It is never stored.
	Inherited bool `json:"inherited,omitempty"`
}

// typeWord names the attribute's type with its article: "a STRING",
// "an INTEGER array".
func (a EventAttribute) typeWord() string {
	article := "a "
	if a.DataType == TypeInteger {
		article = "an "
	}
	return article + string(a.DataType) + arraySuffix(AttributeDef{IsArray: a.IsArray})
}

// EventRecord is one event a user fired, as it was stored: the event's
// name and code, the attributes kept (in their stored form: int64 for
// INTEGER and DATE, float64 for DOUBLE), and when it was received, in
// epoch milliseconds.
type EventRecord struct {
	ExtID      string         `json:"extId"`
	Name       string         `json:"name"`
	Code       string         `json:"code"`
	Attributes map[string]any `json:"attributes,omitempty"`
	ReceivedAt int64          `json:"receivedAt"`
}

// DefaultMaxEvents is how many fired events a tenant keeps when its
// Settings do not say.
const DefaultMaxEvents = 10_000

func (s Settings) maxEvents() int {
	if s.MaxEvents <= 0 {
		return DefaultMaxEvents
	}
	return s.MaxEvents
}

// checkEventDefinition reports what is wrong with def among defs (by
// name and by code), which do not hold def itself.
func checkEventDefinition(def EventDefinition, byName, byCode map[string]*EventDefinition) error {
	if def.Name == "" || def.Code == "" {
		return fmt.Errorf("event definition %q (code %q): name and code are required", def.Name, def.Code)
	}
	if other := byName[def.Name]; other != nil {
		return fmt.Errorf("event %q defined twice", def.Name)
	}
	if other := byCode[def.Code]; other != nil {
		return fmt.Errorf("event %q: code %q is taken by %q", def.Name, def.Code, other.Name)
	}
	return checkEventShape(def, byCode)
}

// checkEventShape reports what is wrong with def's base event (looked up
// in byCode) and attributes.
func checkEventShape(def EventDefinition, byCode map[string]*EventDefinition) error {
	var inherited []EventAttribute
	if def.BaseEvent != "" {
		base := byCode[def.BaseEvent]
		switch {
		case def.Standard:
			return fmt.Errorf("event %q: a standard event extends no other", def.Name)
		case base == nil:
			return fmt.Errorf("event %q: base event %q is not defined", def.Name, def.BaseEvent)
		case !base.Standard:
			return fmt.Errorf("event %q: base event %q is not a standard event", def.Name, def.BaseEvent)
		}
		inherited = base.Attributes
	}
	seen := map[string]bool{"extId": true, "name": true}
	for _, a := range inherited {
		seen[a.Name] = true
	}
	for _, a := range def.Attributes {
		if a.Name == "" || seen[a.Name] {
			return fmt.Errorf("event %q: attribute %q is empty, reserved (extId, name), inherited or repeated", def.Name, a.Name)
		}
		seen[a.Name] = true
		switch a.DataType {
		case TypeString, TypeInteger, TypeDouble, TypeBoolean, TypeDate:
		default:
			return fmt.Errorf("event %q: attribute %q: unknown dataType %q", def.Name, a.Name, a.DataType)
		}
		if a.Inherited {
			return fmt.Errorf("event %q: attribute %q: inherited attributes come from the base event", def.Name, a.Name)
		}
	}
	return nil
}

// addEventDefinition checks and stores def.
func (t *Tenant) addEventDefinition(def EventDefinition) error {
	if t.eventsByName == nil {
		t.eventsByName, t.eventsByCode = map[string]*EventDefinition{}, map[string]*EventDefinition{}
	}
	if err := t.settings.limits().eventDefinition(&def); err != nil {
		return fmt.Errorf("event definition %.64q: %w", def.Name, plain(err))
	}
	if err := checkEventDefinition(def, t.eventsByName, t.eventsByCode); err != nil {
		return err
	}
	d := def
	d.Attributes = slices.Clone(def.Attributes)
	t.eventsByName[d.Name], t.eventsByCode[d.Code] = &d, &d
	t.eventOrder = append(t.eventOrder, d.Name)
	return nil
}

// DefineEvent adds an event definition, as the panel does, or replaces
// the definition of the same name, which keeps its code and whether it is
// standard. A code left empty is the name (or the replaced definition's
// code). It returns the stored definition.
func (t *Tenant) DefineEvent(def EventDefinition) (EventDefinition, error) {
	t.lock()
	defer t.mu.Unlock()
	old := t.eventsByName[def.Name]
	if def.Code == "" {
		def.Code = def.Name
		if old != nil {
			def.Code = old.Code
		}
	}
	if old == nil {
		if err := t.addEventDefinition(def); err != nil {
			return def, err
		}
		return t.eventDefinition(t.eventsByName[def.Name]), nil
	}
	if err := t.settings.limits().eventDefinition(&def); err != nil {
		return def, fmt.Errorf("event definition %.64q: %w", def.Name, plain(err))
	}
	if def.Code != old.Code || def.Standard != old.Standard {
		return def, fmt.Errorf("event %q is defined with code %q (standard: %t); a new definition keeps both", old.Name, old.Code, old.Standard)
	}
	// Check the replacement against the other definitions, and the events
	// that extend it against its new attributes.
	byName := make(map[string]*EventDefinition, len(t.eventsByName))
	byCode := make(map[string]*EventDefinition, len(t.eventsByCode))
	for k, v := range t.eventsByName {
		if v != old {
			byName[k], byCode[v.Code] = v, v
		}
	}
	if err := checkEventDefinition(def, byName, byCode); err != nil {
		return def, err
	}
	byCode[def.Code] = &def
	for _, other := range byName {
		if other.BaseEvent != def.Code {
			continue
		}
		if err := checkEventShape(*other, byCode); err != nil {
			return def, fmt.Errorf("event %q extends %q: %w", other.Name, def.Name, err)
		}
	}
	*old = def
	old.Attributes = slices.Clone(def.Attributes)
	return t.eventDefinition(old), nil
}

// eventDefinition copies a stored definition.
func (t *Tenant) eventDefinition(d *EventDefinition) EventDefinition {
	out := *d
	out.Attributes = slices.Clone(d.Attributes)
	return out
}

// EventDefinitions returns the app's event definitions, standard and
// custom, in definition order, each with its own attributes only.
func (t *Tenant) EventDefinitions() []EventDefinition {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]EventDefinition, 0, len(t.eventOrder))
	for _, name := range t.eventOrder {
		out = append(out, t.eventDefinition(t.eventsByName[name]))
	}
	return out
}

// EventCatalog returns the app's event definitions in definition order,
// as app/events lists them: each with the attributes inherited from its
// base event first (marked Inherited), then its own.
func (t *Tenant) EventCatalog() []EventDefinition {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]EventDefinition, 0, len(t.eventOrder))
	for _, name := range t.eventOrder {
		def := t.eventsByName[name]
		d := *def
		d.Attributes = t.allAttributes(def)
		out = append(out, d)
	}
	return out
}

func (t *Tenant) allAttributes(def *EventDefinition) []EventAttribute {
	out := []EventAttribute{}
	if base := t.eventsByCode[def.BaseEvent]; def.BaseEvent != "" && base != nil {
		for _, a := range base.Attributes {
			a.Inherited = true
			out = append(out, a)
		}
	}
	return append(out, def.Attributes...)
}

// EventEntry is one element of a fireEvents request: the user, the event
// named by name or code, and every other member of the entry.
type EventEntry struct {
	ExtID      string
	Name       string
	Attributes map[string]any
}

// EventOutcome says what became of one fired event: accepted and stored,
// or rejected alone, and why.
type EventOutcome struct {
	Index    int
	ExtID    string
	Name     string
	Accepted bool
	Reason   string // why it was rejected, or which attributes were dropped
}

// FireEvents stores the events of entries, each alone: an event that
// names no defined event (names and codes are case-sensitive), no known
// user, or lacks a mandatory attribute is rejected, and the others are
// stored. Attributes the event does not define (a key differing in case
// included) and values of the wrong type are dropped; a mandatory one so
// dropped rejects the event. The request fails whole only over the ID
// limit. Outcomes come in request order.
func (t *Tenant) FireEvents(entries []EventEntry) ([]EventOutcome, error) {
	t.lock()
	defer t.mu.Unlock()
	l := newIDLimit()
	for _, e := range entries {
		l.add(idExt, e.ExtID)
	}
	if err := l.check(t.settings); err != nil {
		return nil, err
	}
	lim := t.settings.limits()
	for i := range entries {
		if err := lim.eventEntry(&entries[i]); err != nil {
			return nil, err
		}
	}
	out := make([]EventOutcome, len(entries))
	now := t.clockNow().UnixMilli()
	for i, e := range entries {
		out[i] = EventOutcome{Index: i, ExtID: e.ExtID, Name: e.Name}
		rec, why := t.checkEvent(e)
		if rec == nil {
			out[i].Reason = why
			continue
		}
		rec.ReceivedAt = now
		t.events.add(*rec, t.settings.maxEvents())
		out[i].Accepted, out[i].Reason = true, why
	}
	return out, nil
}

// checkEvent returns the record to store for e, or nil and why e is
// rejected; for an accepted event, why lists what was dropped.
func (t *Tenant) checkEvent(e EventEntry) (*EventRecord, string) {
	def := t.eventsByName[e.Name]
	if def == nil {
		def = t.eventsByCode[e.Name]
	}
	if def == nil {
		return nil, fmt.Sprintf("unknown event %q (event names and codes are case-sensitive)", e.Name)
	}
	if t.users[e.ExtID] == nil {
		return nil, fmt.Sprintf("unknown user %q", e.ExtID)
	}
	rec := &EventRecord{ExtID: e.ExtID, Name: def.Name, Code: def.Code}
	known := map[string]bool{}
	var dropped []string
	for _, a := range t.allAttributes(def) {
		known[a.Name] = true
		v, ok := e.Attributes[a.Name]
		if ok && v != nil {
			n, fits := normalize(AttributeDef{Code: a.Name, DataType: a.DataType, IsArray: a.IsArray}, v)
			if fits {
				if rec.Attributes == nil {
					rec.Attributes = map[string]any{}
				}
				rec.Attributes[a.Name] = n
				continue
			}
			if a.Mandatory {
				return nil, fmt.Sprintf("mandatory attribute %q should be %s", a.Name, a.typeWord())
			}
			dropped = append(dropped, fmt.Sprintf("%q (not %s)", a.Name, a.typeWord()))
			continue
		}
		if a.Mandatory {
			return nil, fmt.Sprintf("mandatory attribute %q is missing (attribute keys are case-sensitive)", a.Name)
		}
	}
	for _, k := range sortedKeys(e.Attributes) {
		if !known[k] {
			dropped = append(dropped, fmt.Sprintf("%q (not an attribute of %s)", k, def.Name))
		}
	}
	why := ""
	if len(dropped) > 0 {
		why = "dropped " + strings.Join(dropped, ", ")
	}
	return rec, why
}

// EventFilter selects fired events: of one user, of one event (by name),
// at most Limit of them (0: all the tenant keeps).
type EventFilter struct {
	ExtID string
	Name  string
	Limit int
}

// Events returns the fired events f selects, newest first. A user's
// events cost what the user fired; without ExtID every kept event is
// looked at.
func (t *Tenant) Events(f EventFilter) []EventRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := []EventRecord{}
	keep := func(r *eventSlot) bool {
		if f.Name == "" || r.rec.Name == f.Name {
			out = append(out, cloneEvent(r.rec))
		}
		return f.Limit <= 0 || len(out) < f.Limit
	}
	if f.ExtID != "" {
		t.events.eachOfUser(f.ExtID, keep)
	} else {
		t.events.each(keep)
	}
	return out
}

func cloneEvent(r EventRecord) EventRecord {
	if r.Attributes != nil {
		m := make(map[string]any, len(r.Attributes))
		for k, v := range r.Attributes {
			m[k] = cloneValue(v)
		}
		r.Attributes = m
	}
	return r
}
