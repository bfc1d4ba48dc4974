package contracts

import (
	"context"
	"net/http"
)

// Netmera's plain-text refusals.
const (
	msgNoExternalID = "Please provide an external id."
	msgNoWpNumber   = "Please provide a wpNumber."
)

// mehmet is the seeded profile of your_extId.
var mehmet = obj{"name": "Mehmet", "surname": "Kaya", "gender": "MALE", "email": "mehmet.kaya@example.com",
	"msisdn": "905312223344", "isSubscribed": true}

func addressCases() []Case {
	return []Case{
		{
			Name: "addresses/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "removeEmail, removeMsisdn and removeWhatsApp naming an unknown user answer 200 with no body and create nothing.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.Applied(c.Do(post, apiPath("removeEmail"), obj{"extId": u}))
				c.Applied(c.Do(post, apiPath("removeMsisdn"), obj{"extId": u}))
				c.Applied(c.Do(post, apiPath("removeWhatsApp"), obj{"extId": u}))
				profileOf(c, u, obj{})
			},
		},
		{
			Name: "addresses/plain-text-400", Tags: []Tag{LiveSafe},
			Doc: "removeEmail, removeMsisdn and removeWhatsApp without extId (missing or null), and updateWhatsApp without a number, answer 400 in plain text, not in the JSON envelope.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.RefusedText(c.Do(post, apiPath("removeEmail"), obj{}), http.StatusBadRequest, msgNoExternalID)
				c.RefusedText(c.Do(post, apiPath("removeMsisdn"), obj{"extId": nil}), http.StatusBadRequest, msgNoExternalID)
				c.RefusedText(c.Do(post, apiPath("removeWhatsApp"), obj{"extID": u}), http.StatusBadRequest, msgNoExternalID)
				c.RefusedText(c.Do(post, apiPath("updateWhatsApp"), obj{"extId": u}), http.StatusBadRequest, msgNoWpNumber)
			},
		},
		{
			Name: "addresses/refusals", Tags: []Tag{LiveSafe},
			Doc: "addEmail and addMsisdn refuse a missing list (2020) or one of the wrong type (2004); removeEmail, removeMsisdn and removeWhatsApp an extId that is not a text (2004) and a body that is not an object (2009).",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "no emailList", method: post, path: apiPath("addEmail"), body: obj{}, code: 2020, message: "emailList is required"},
					{name: "emailList a text", method: post, path: apiPath("addEmail"), body: obj{"emailList": u + "@example.com"}, code: 2004, message: "Field 'emailList' should be a list"},
					{name: "no msisdnList", method: post, path: apiPath("addMsisdn"), body: obj{"msisdnList": nil}, code: 2020, message: "msisdnList is required"},
					{name: "msisdnList of numbers", method: post, path: apiPath("addMsisdn"), body: obj{"msisdnList": arr{905}}, code: 2004, message: "Field 'msisdnList' should be a list of texts"},
					{name: "extId a number", method: post, path: apiPath("removeEmail"), body: obj{"extId": 5}, code: 2004, message: "Field 'extId' should be a text"},
					{name: "an array", method: post, path: apiPath("removeMsisdn"), body: arr{obj{"extId": u}}, code: 2009, message: msgInvalidJSON},
					{name: "extId a list", method: post, path: apiPath("removeMsisdn"), body: obj{"extId": arr{u}}, code: 2004, message: "Field 'extId' should be a text"},
					{name: "extId a boolean", method: post, path: apiPath("removeWhatsApp"), body: obj{"extId": true}, code: 2004, message: "Field 'extId' should be a text"},
				})
			},
		},
		{
			Name: "addresses/upload", Tags: []Tag{MockOnly},
			Doc: "addEmail and addMsisdn register the addresses no user has as contacts (unchecked, once each), which enableMail and enableSms reach by address and a user who gets the address replaces.",
			Why: "an uploaded address becomes a user without an external ID, which nothing in the API deletes; the contacts are read through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("addEmail"), obj{"emailList": arr{"new.contact@example.com", "mehmet.kaya@example.com", "your-email", "new.contact@example.com"}}))
				c.Applied(c.Do(post, apiPath("addMsisdn"), obj{"msisdnList": arr{"+905550001122", "905312223344"}}))
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"emailList": arr{"new.contact@example.com"}}))
				wantContacts(c, []contactView{{Email: "new.contact@example.com", EmailPermitted: true}, {Email: "your-email"}, {Msisdn: "+905550001122"}})
				c.Applied(c.Do(post, apiPath("updateMsisdn"), obj{"extId": "your-extId", "msisdn": "+905550001122"}))
				wantContacts(c, []contactView{{Email: "new.contact@example.com", EmailPermitted: true}, {Email: "your-email"}})
			},
		},
		{
			Name: "addresses/remove-read-back", Tags: []Tag{MockOnly},
			Doc: "removeEmail and removeMsisdn clear the address and nothing else (unsetProfileAttributes and a blank updateEmail do not), and the old address reaches the user no more.",
			Why: "it writes the seeded user your_extId and reads its permissions through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("unsetProfileAttributes"), arr{obj{"extId": "your_extId", "profile": arr{"email"}}}))
				c.Applied(c.Do(post, apiPath("updateEmail"), obj{"extId": "your_extId", "email": ""}))
				profileOf(c, "your_extId", mehmet)
				c.Applied(c.Do(post, apiPath("removeEmail"), obj{"extId": "your_extId"}))
				c.Applied(c.Do(post, apiPath("removeMsisdn"), obj{"extId": "your_extId"}))
				profileOf(c, "your_extId", with(mehmet, obj{"email": nil, "msisdn": nil}))
				c.Applied(c.Do(post, apiPath("disableMail"), obj{"emailList": arr{"mehmet.kaya@example.com"}}))
				c.Applied(c.Do(post, apiPath("disableSms"), obj{"msisdnList": arr{"905312223344"}}))
				wantPermissions(c, map[string][2]bool{"your_extId": {true, true}})
			},
		},
	}
}

func whatsAppCases() []Case {
	return []Case{
		{
			Name: "whatsapp/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "enableWhatsApp, disableWhatsApp and updateWhatsApp naming an unknown user answer 200 with no body.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.Applied(c.Do(post, apiPath("enableWhatsApp"), obj{"extIds": arr{u}}))
				c.Applied(c.Do(post, apiPath("disableWhatsApp"), obj{"extIds": arr{u, c.ID("u2")}}))
				// Both forms of the number: the reference's list and the newest reference's string.
				c.Applied(c.Do(post, apiPath("updateWhatsApp"), obj{"extId": u, "wpNumber": "+0001", "wpNumbers": arr{"+0001"}}))
			},
		},
		{
			Name: "whatsapp/refusals", Tags: []Tag{LiveSafe},
			Doc: "enableWhatsApp and disableWhatsApp refuse a request naming nobody (2020) and lists of the wrong type (2004); updateWhatsApp a number of the wrong type (2004).",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "nobody to enable", method: post, path: apiPath("enableWhatsApp"), body: obj{}, code: 2020, message: "extIds or wpNumbers is required"},
					{name: "nobody to disable", method: post, path: apiPath("disableWhatsApp"), body: obj{"extIds": nil}, code: 2020, message: "extIds or wpNumbers is required"},
					{name: "wpNumbers a text", method: post, path: apiPath("disableWhatsApp"), body: obj{"wpNumbers": "+0001"}, code: 2004, message: "Field 'wpNumbers' should be a list"},
					{name: "extIds a text", method: post, path: apiPath("enableWhatsApp"), body: obj{"extIds": u}, code: 2004, message: "Field 'extIds' should be a list"},
					{name: "wpNumber a number", method: post, path: apiPath("updateWhatsApp"), body: obj{"extId": u, "wpNumber": 1}, code: 2004, message: "Field 'wpNumber' should be a text"},
				})
			},
		},
		{
			Name: "whatsapp/read-back", Tags: []Tag{MockOnly},
			Doc: "updateWhatsApp sets a user's numbers (an empty one is stored; a number another user has moves), enableWhatsApp and disableWhatsApp change the permission by ID or number, removeWhatsApp clears the numbers and keeps the permission.",
			Why: "Netmera has no endpoint that reads WhatsApp numbers or permission; the case reads them through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("updateWhatsApp"), obj{"extId": "your_extId", "wpNumbers": arr{"+1234567890", "+1234567891"}}))
				c.Applied(c.Do(post, apiPath("enableWhatsApp"), obj{"wpNumbers": arr{"+1234567891"}}))
				c.Applied(c.Do(post, apiPath("updateWhatsApp"), obj{"extId": "your-extId", "wpNumber": "+1234567890"}))
				wantWhatsApp(c, map[string]whatsAppView{
					"your_extId": {Numbers: []string{"+1234567891"}, Permitted: true},
					"your-extId": {Numbers: []string{"+1234567890"}},
				})
				c.Applied(c.Do(post, apiPath("disableWhatsApp"), obj{"extIds": arr{"your_extId"}, "wpNumbers": arr{"+1234567890"}}))
				c.Applied(c.Do(post, apiPath("enableWhatsApp"), obj{"extIds": arr{"your-extId"}}))
				c.Applied(c.Do(post, apiPath("removeWhatsApp"), obj{"extId": "your-extId"}))
				c.Applied(c.Do(post, apiPath("updateWhatsApp"), obj{"extId": "your_extId", "wpNumbers": arr{""}}))
				wantWhatsApp(c, map[string]whatsAppView{
					"your_extId": {Numbers: []string{""}},
					"your-extId": {Permitted: true},
				})
			},
		},
	}
}

// contactView is a contact as /_mock/state shows it.
type contactView struct {
	Email, Msisdn                string
	EmailPermitted, SmsPermitted bool
}

// wantContacts checks the contacts in /_mock/state, in order.
func wantContacts(c *Check, want []contactView) {
	var got []contactView
	for _, ct := range c.state().Contacts {
		got = append(got, contactView(ct))
	}
	if d := diffValues(want, got); d != "" {
		c.Errorf("GET /_mock/state: the contacts differ (-want +got):\n%s", d)
	}
}

// whatsAppView is a user's WhatsApp numbers and permission.
type whatsAppView struct {
	Numbers   []string
	Permitted bool
}

// wantWhatsApp checks users' WhatsApp state in /_mock/state.
func wantWhatsApp(c *Check, want map[string]whatsAppView) {
	got := map[string]whatsAppView{}
	for _, u := range c.state().Users {
		if _, ok := want[u.ExtID]; ok {
			got[u.ExtID] = whatsAppView{u.WpNumbers, u.WhatsApp}
		}
	}
	if d := diffValues(want, got); d != "" {
		c.Errorf("GET /_mock/state: the users' WhatsApp numbers and permission differ (-want +got):\n%s", d)
	}
}
