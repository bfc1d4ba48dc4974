package mockserver

import (
	"net/http"
	"strings"

	"github.com/netmera-mock/netmera-mock/state"
)

// setWhatsApp is enableWhatsApp and disableWhatsApp: users named by
// external ID, by WhatsApp number, or both.
func (s *Server) setWhatsApp(enabled bool) apiFunc {
	return s.setChannel("extIds", "wpNumbers", func(t *state.Tenant, extIDs, numbers []string) error {
		return t.SetWhatsAppPermission(extIDs, numbers, enabled)
	})
}

// errNoWpNumber is updateWhatsApp's answer to a request without a number.
var errNoWpNumber = &plainError{status: http.StatusBadRequest, text: "Please provide a wpNumber."}

// errWpNumberFormat is updateWhatsApp's answer, under StrictWhatsApp, to a
// number without "+" and a country code; Netmera documents a plain-text
// 400 without its wording.
var errWpNumberFormat = &plainError{status: http.StatusBadRequest, text: "Please provide a wpNumber starting with + and the country code."}

// updateWhatsApp sets a user's WhatsApp numbers. The official reference
// sends them as a list, "wpNumbers"; the newest one as one string,
// "wpNumber", which wins when both are given. Without extId or a number
// the answer is a plain-text 400. With Options.StrictWhatsApp, as the
// newest reference says the live API does, only "wpNumber" is read, and
// it must start with "+".
func (s *Server) updateWhatsApp(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	extID, haveID, err := o.text("extId")
	if err != nil {
		return nil, err
	}
	one, haveOne, err := o.text("wpNumber")
	if err != nil {
		return nil, err
	}
	list, haveList, err := o.texts("wpNumbers")
	if err != nil {
		return nil, err
	}
	if !haveID {
		return nil, errNoExternalID
	}
	switch {
	case s.opts.StrictWhatsApp:
		switch {
		case one == "":
			return nil, errNoWpNumber
		case !strings.HasPrefix(one, "+"):
			return nil, errWpNumberFormat
		}
		list = []string{one}
	case haveOne:
		list = []string{one}
	case !haveList:
		return nil, errNoWpNumber
	}
	return nil, t.UpdateWhatsApp(extID, list)
}
