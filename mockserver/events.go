package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

// fireEvents stores users' events. The request fails whole only when it
// is malformed (an entry that is not an object, without extId or name, or
// with one of them not a text) or over the ID limit; otherwise each event
// is accepted or rejected alone, and the answer is 200 with no body as
// Netmera's. What became of each event is noted in the request's journal
// entry (GET /_mock/requests).
func (s *Server) fireEvents(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	entries := make([]state.EventEntry, len(list))
	for i, v := range list {
		o, ok := asObject(v)
		if !ok {
			return nil, state.ErrInvalidJSON()
		}
		if entries[i], err = decodeEvent(o); err != nil {
			return nil, err
		}
	}
	outcomes, err := t.FireEvents(entries)
	if err != nil {
		return nil, err
	}
	for _, o := range outcomes {
		switch {
		case !o.Accepted:
			c.outcomef("event %d (%q of %q) rejected: %s", o.Index, o.Name, o.ExtID, o.Reason)
		case o.Reason != "":
			c.outcomef("event %d (%q of %q) accepted, %s", o.Index, o.Name, o.ExtID, o.Reason)
		default:
			c.outcomef("event %d (%q of %q) accepted", o.Index, o.Name, o.ExtID)
		}
	}
	return nil, nil
}

// decodeEvent reads one fired event: extId and name, required texts, and
// every other member as an attribute.
func decodeEvent(o object) (state.EventEntry, error) {
	var e state.EventEntry
	var present bool
	var err error
	// Types first, then what is missing, as Netmera's decoder reports.
	extID, haveExt, err := o.text("extId")
	if err != nil {
		return e, err
	}
	if e.Name, present, err = o.text("name"); err != nil {
		return e, err
	}
	switch {
	case !haveExt:
		return e, state.ErrMissing("extId")
	case !present:
		return e, state.ErrMissing("name")
	}
	e.ExtID = extID
	e.Attributes = make(map[string]any, len(o))
	for k, v := range o {
		if k != "extId" && k != "name" {
			e.Attributes[k] = v
		}
	}
	return e, nil
}
