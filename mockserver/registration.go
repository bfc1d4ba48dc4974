package mockserver

import (
	"errors"

	"github.com/netmera-mock/netmera-mock/state"
)

// registerUsers registers users and their devices. The request is checked
// whole, entry by entry, and a bad entry refuses it with a message naming
// the entry's index; the state then applies it at once or after the
// tenant's registration delay.
func (s *Server) registerUsers(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	regs := make([]state.Registration, len(list))
	for i, v := range list {
		o, ok := asObject(v)
		if !ok {
			return nil, state.Invalidf(state.CodeInvalidJSON, "Invalid registration at index %d: an entry must be a JSON object", i)
		}
		if regs[i], err = decodeRegistration(o); err != nil {
			var e *state.Error
			if errors.As(err, &e) {
				return nil, state.Invalidf(e.Code, "Invalid registration at index %d: %s", i, e.Message)
			}
			return nil, err
		}
	}
	if err := t.RegisterUsers(regs); err != nil {
		return nil, err
	}
	if d := t.RegisterDelay(); d > 0 {
		c.outcomef("%d registrations accepted; applied once the registration delay of %v is over (GET /_mock/registrations)", len(regs), d)
	}
	return nil, nil
}

// decodeRegistration reads one entry of registerUsers; unknown members
// are ignored.
func decodeRegistration(o object) (state.Registration, error) {
	var r state.Registration
	var err error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"extId", &r.ExtID}, {"deviceToken", &r.DeviceToken}, {"platform", &r.Platform}, {"email", &r.Email}, {"msisdn", &r.Msisdn}} {
		if *f.dst, _, err = o.text(f.name); err != nil {
			return r, err
		}
	}
	if r.Tags, _, err = o.texts("tags"); err != nil {
		return r, state.ErrWrongType("tags", "a list of texts")
	}
	if v, present := o["profile"]; present && v != nil {
		p, ok := asObject(v)
		if !ok {
			return r, state.ErrWrongType("profile", "an object")
		}
		r.Profile = p
	}
	return r, nil
}

// deleteUsers untracks users. Without extIds it answers 400 2020, as
// deleteUsersPermanently does, where Netmera documents a 500 2001.
func (s *Server) deleteUsers(t *state.Tenant, c *call) (any, error) {
	return withExtIDs(c, t.DeleteUsers)
}
