package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

// setChannel is enableMail, disableMail, enableSms, disableSms,
// enableWhatsApp and disableWhatsApp: the body names users by external
// ID, by address, or both.
func (s *Server) setChannel(ids, addresses string, set func(t *state.Tenant, extIDs, addresses []string) error) apiFunc {
	return func(t *state.Tenant, c *call) (any, error) {
		o, err := c.object()
		if err != nil {
			return nil, err
		}
		extIDs, haveIDs, err := o.texts(ids)
		if err != nil {
			return nil, err
		}
		list, haveList, err := o.texts(addresses)
		if err != nil {
			return nil, err
		}
		if !haveIDs && !haveList {
			return nil, state.ErrMissing(ids + " or " + addresses)
		}
		return nil, set(t, extIDs, list)
	}
}

func (s *Server) setMail(enabled bool) apiFunc {
	return s.setChannel("extIds", "emailList", func(t *state.Tenant, extIDs, emails []string) error {
		return t.SetMailPermission(extIDs, emails, enabled)
	})
}

func (s *Server) setSms(enabled bool) apiFunc {
	return s.setChannel("extIds", "msisdnList", func(t *state.Tenant, extIDs, msisdns []string) error {
		return t.SetSmsPermission(extIDs, msisdns, enabled)
	})
}

// updateAddress is updateEmail and updateMsisdn: a user's external ID and
// the new value, both required (the value may be blank).
func (s *Server) updateAddress(field string, update func(t *state.Tenant, extID, value string) error) apiFunc {
	return func(t *state.Tenant, c *call) (any, error) {
		o, err := c.object()
		if err != nil {
			return nil, err
		}
		extID, _, err := o.text("extId")
		if err != nil {
			return nil, err
		}
		value, present, err := o.text(field)
		if err != nil {
			return nil, err
		}
		if extID == "" {
			return nil, state.ErrMissing("extId")
		}
		if !present {
			return nil, state.ErrMissing(field)
		}
		return nil, update(t, extID, value)
	}
}
