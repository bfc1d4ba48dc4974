package mockserver

import (
	"net/http"

	"github.com/netmera-mock/netmera-mock/state"
)

// plainError is an answer Netmera gives as plain text rather than in its
// envelope: removeEmail, removeMsisdn, removeWhatsApp and updateWhatsApp
// without what they need.
type plainError struct {
	status int
	text   string
}

func (e *plainError) Error() string { return e.text }

// plainContentType is what Netmera's framework (Spring) sends with a
// String body.
const plainContentType = "text/plain;charset=UTF-8"

// errNoExternalID is the answer of the remove endpoints and updateWhatsApp
// to a request without extId (missing or null).
var errNoExternalID = &plainError{status: http.StatusBadRequest, text: "Please provide an external id."}

// addAddresses is addEmail and addMsisdn: a list of addresses, none
// checked; those no user has become contacts.
func (s *Server) addAddresses(field string, add func(t *state.Tenant, addresses []string) error) apiFunc {
	return func(t *state.Tenant, c *call) (any, error) {
		o, err := c.object()
		if err != nil {
			return nil, err
		}
		list, present, err := o.texts(field)
		if err != nil {
			return nil, err
		}
		if !present {
			return nil, state.ErrMissing(field)
		}
		return nil, add(t, list)
	}
}

// removeField is removeEmail, removeMsisdn and removeWhatsApp: a user's
// external ID, whose field is cleared. Without extId (missing or null)
// Netmera answers 400 in plain text, not in its envelope; an empty or
// unknown one changes nothing.
func (s *Server) removeField(remove func(t *state.Tenant, extID string)) apiFunc {
	return func(t *state.Tenant, c *call) (any, error) {
		o, err := c.object()
		if err != nil {
			return nil, err
		}
		extID, present, err := o.text("extId")
		if err != nil {
			return nil, err
		}
		if !present {
			return nil, errNoExternalID
		}
		remove(t, extID)
		return nil, nil
	}
}
