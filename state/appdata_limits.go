package state

import "fmt"

// The limits of Limits, for registrations, event definitions, fired events
// and geofences.

// registration bounds one registration: its identifiers, addresses, tags
// and profile values.
func (l Limits) registration(r *Registration) error {
	if err := text("extId", r.ExtID, l.IDLength); err != nil {
		return err
	}
	if err := text("deviceToken", r.DeviceToken, l.TokenLength); err != nil {
		return err
	}
	if err := text("email", r.Email, MaxEmailLength); err != nil {
		return err
	}
	if err := text("msisdn", r.Msisdn, MaxMsisdnLength); err != nil {
		return err
	}
	if err := l.labels("tags", r.Tags); err != nil {
		return err
	}
	return l.profile(r.Profile)
}

// labels bounds a list of short names (a registration's tags, a
// geofence's groups): how many, and each.
func (l Limits) labels(field string, list []string) error {
	if len(list) > l.Tags {
		return limitError(field, fmt.Sprintf("a list of at most %d texts, got %d", l.Tags, len(list)))
	}
	return texts(field, list, l.TagLength)
}

// eventAttributes bounds the attribute values of a fired event, whatever
// the event defines: a string or each string of an array is a text, an
// array holds at most ArrayValues values.
func (l Limits) eventAttributes(attrs map[string]any) error {
	for k, v := range attrs {
		if chars(k, l.NameLength) <= l.NameLength && l.eventValue(v) == "" {
			continue
		}
		for _, k := range sortedKeys(attrs) { // the same key every time
			if n := chars(k, l.NameLength); n > l.NameLength {
				return limitError("event", fmt.Sprintf("an object of member names of at most %d characters, got one of %d", l.NameLength, n))
			}
			if should := l.eventValue(attrs[k]); should != "" {
				return limitError(k, should)
			}
		}
	}
	return nil
}

func (l Limits) eventValue(v any) (should string) {
	switch x := v.(type) {
	case string:
		if n := chars(x, l.TextLength); n > l.TextLength {
			return tooLongText(l.TextLength, n)
		}
	case []any:
		return l.array(x)
	}
	return ""
}

// eventEntry bounds one entry of fireEvents.
func (l Limits) eventEntry(e *EventEntry) error {
	if err := text("extId", e.ExtID, l.IDLength); err != nil {
		return err
	}
	if err := text("name", e.Name, l.NameLength); err != nil {
		return err
	}
	return l.eventAttributes(e.Attributes)
}

// eventDefinition bounds an event definition: its names and attributes.
func (l Limits) eventDefinition(d *EventDefinition) error {
	for _, f := range []struct{ name, value string }{{"name", d.Name}, {"code", d.Code}, {"label", d.Label}, {"baseEvent", d.BaseEvent}} {
		if err := text(f.name, f.value, l.NameLength); err != nil {
			return err
		}
	}
	if len(d.Attributes) > l.ArrayValues {
		return limitError("attributes", fmt.Sprintf("a list of at most %d attributes, got %d", l.ArrayValues, len(d.Attributes)))
	}
	for _, a := range d.Attributes {
		if err := text("attributes.name", a.Name, l.NameLength); err != nil {
			return err
		}
	}
	return nil
}

// geofence bounds a geofence's title and groups.
func (l Limits) geofence(g *GeofenceRecord) error {
	if err := text("title", g.Title, l.NameLength); err != nil {
		return err
	}
	return l.labels("groups", g.Groups)
}
