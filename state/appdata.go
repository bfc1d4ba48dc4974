package state

import "fmt"

// exportAppData adds the event definitions, fired events and geofences to
// an export; the caller holds the read lock.
func (t *Tenant) exportAppData(d *Dataset) {
	for _, name := range t.eventOrder {
		d.EventDefinitions = append(d.EventDefinitions, t.eventDefinition(t.eventsByName[name]))
	}
	if t.events.len() > 0 {
		d.Events = t.events.records()
	}
	for _, g := range t.geofences {
		d.Geofences = append(d.Geofences, cloneGeofence(g))
	}
}

// loadAppData loads the event definitions, fired events and geofences of
// d into a tenant whose users are loaded, reporting the first that does
// not fit. Of more events than the settings keep, the newest are kept.
func (t *Tenant) loadAppData(d *Dataset) error {
	if d == nil {
		return nil
	}
	for i, def := range d.EventDefinitions {
		if err := t.addEventDefinition(def); err != nil {
			return fmt.Errorf("eventDefinitions[%d]: %w", i, err)
		}
	}
	for i, e := range d.Events {
		e = cloneEvent(e)
		def := t.eventsByName[e.Name]
		switch {
		case t.users[e.ExtID] == nil:
			return fmt.Errorf("events[%d]: user %q does not exist", i, e.ExtID)
		case def == nil || def.Code != e.Code:
			return fmt.Errorf("events[%d]: event %q (code %q) is not defined", i, e.Name, e.Code)
		}
		if err := t.settings.limits().eventAttributes(e.Attributes); err != nil {
			return fmt.Errorf("events[%d]: %w", i, plain(err))
		}
		if err := text("extId", e.ExtID, t.settings.limits().IDLength); err != nil {
			return fmt.Errorf("events[%d]: %w", i, plain(err))
		}
		attrs := map[string]EventAttribute{}
		for _, a := range t.allAttributes(def) {
			attrs[a.Name] = a
		}
		for k, v := range e.Attributes {
			a, ok := attrs[k]
			if !ok {
				return fmt.Errorf("events[%d]: %q is not an attribute of %s", i, k, e.Name)
			}
			n, fits := normalize(AttributeDef{Code: k, DataType: a.DataType, IsArray: a.IsArray}, v)
			if !fits {
				return fmt.Errorf("events[%d]: attribute %q: %v is not %s", i, k, v, a.typeWord())
			}
			e.Attributes[k] = n
		}
		t.events.add(e, t.settings.maxEvents())
	}
	for i, g := range d.Geofences {
		if err := t.loadGeofence(g); err != nil {
			return fmt.Errorf("geofences[%d]: %w", i, err)
		}
	}
	return nil
}

// verifyAppData is Verify's part for the hidden device count, event
// definitions, fired events and geofences; the caller holds the read lock.
func (t *Tenant) verifyAppData() error {
	hidden := 0
	t.devList.All(func(dv *device) bool {
		if hiddenDevice(dv) {
			hidden++
		}
		return true
	})
	if hidden != t.hidden {
		return fmt.Errorf("%d devices belong to untracked users, the count says %d", hidden, t.hidden)
	}
	if len(t.eventOrder) != len(t.eventsByName) || len(t.eventsByName) != len(t.eventsByCode) {
		return fmt.Errorf("%d event names in order, %d by name, %d by code", len(t.eventOrder), len(t.eventsByName), len(t.eventsByCode))
	}
	for _, name := range t.eventOrder {
		def := t.eventsByName[name]
		if def == nil || t.eventsByCode[def.Code] != def {
			return fmt.Errorf("event %q is not indexed by name and code", name)
		}
		if err := checkEventShape(*def, t.eventsByCode); err != nil {
			return err
		}
	}
	l := &t.events
	live, seen := 0, 0
	for i := l.head; i < len(l.slots); i++ {
		if !l.slots[i].dead {
			live++
		}
	}
	if live != l.live || live > t.settings.maxEvents() {
		return fmt.Errorf("event log: %d live events, counted %d, bound %d", l.live, live, t.settings.maxEvents())
	}
	if dead := l.dead(); dead > max(live, minDeadCompact) {
		return fmt.Errorf("event log: %d dead slots kept for %d live events", dead, live)
	}
	for extID, seqs := range l.byUser {
		if t.users[extID] == nil {
			return fmt.Errorf("event log: events kept for a removed user %q", extID)
		}
		for i, n := range seqs {
			if n < l.first || int(n-l.first) >= len(l.slots)-l.head || (i > 0 && n <= seqs[i-1]) {
				return fmt.Errorf("event log: user %q: event number %d out of range or order", extID, n)
			}
			if s := l.slot(n); s.dead || s.rec.ExtID != extID {
				return fmt.Errorf("event log: user %q: event %d is not theirs", extID, n)
			}
		}
		seen += len(seqs)
	}
	if seen != live {
		return fmt.Errorf("event log: %d events indexed by user, %d live", seen, live)
	}
	for i, g := range t.geofences {
		if i > 0 && t.geofences[i-1].ID >= g.ID {
			return fmt.Errorf("geofences out of order at %d", g.ID)
		}
	}
	return nil
}
