package contracts

import (
	"context"
	"net/http"
)

func channelCases() []Case {
	return []Case{
		{
			Name: "channels/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "enableMail, disableMail, enableSms, disableSms, updateEmail and updateMsisdn naming unknown users or addresses answer 200 with no body and create nothing.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				addr := u + "@example.com"
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"extIds": arr{u}}))
				c.Applied(c.Do(post, apiPath("disableMail"), obj{"emailList": arr{addr}}))
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"extIds": arr{u}, "emailList": arr{addr}}))
				c.Applied(c.Do(post, apiPath("enableSms"), obj{"extIds": arr{u}}))
				c.Applied(c.Do(post, apiPath("disableSms"), obj{"extIds": arr{u}}))
				c.Applied(c.Do(post, apiPath("updateEmail"), obj{"extId": u, "email": addr}))
				c.Applied(c.Do(post, apiPath("updateMsisdn"), obj{"extId": u, "msisdn": ""}))
				profileOf(c, u, obj{})
			},
		},
		{
			Name: "channels/refusals", Tags: []Tag{LiveSafe},
			Doc: "The email and SMS endpoints refuse requests naming nobody (2020), members of the wrong type (2004) and missing members (2020).",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "nobody to enable", method: post, path: apiPath("enableMail"), body: obj{}, code: 2020, message: "extIds or emailList is required"},
					{name: "extIds not a list", method: post, path: apiPath("disableMail"), body: obj{"extIds": u}, code: 2004, message: "Field 'extIds' should be a list"},
					{name: "emailList of numbers", method: post, path: apiPath("enableMail"), body: obj{"emailList": arr{5}}, code: 2004, message: "Field 'emailList' should be a list of texts"},
					{name: "nobody to disable", method: post, path: apiPath("disableMail"), body: obj{"extIds": nil}, code: 2020, message: "extIds or emailList is required"},
					{name: "nobody to opt in to SMS", method: post, path: apiPath("enableSms"), body: obj{}, code: 2020, message: "extIds or msisdnList is required"},
					{name: "nobody to opt out of SMS", method: post, path: apiPath("disableSms"), body: obj{"msisdnList": nil}, code: 2020, message: "extIds or msisdnList is required"},
					{name: "msisdnList not a list", method: post, path: apiPath("disableSms"), body: obj{"msisdnList": "x"}, code: 2004, message: "Field 'msisdnList' should be a list"},
					{name: "extIds not a list for SMS", method: post, path: apiPath("enableSms"), body: obj{"extIds": u}, code: 2004, message: "Field 'extIds' should be a list"},
					{name: "no email", method: post, path: apiPath("updateEmail"), body: obj{"extId": u}, code: 2020, message: "email is required"},
					{name: "no extId for the email", method: post, path: apiPath("updateEmail"), body: obj{"email": u + "@example.com"}, code: 2020, message: "extId is required"},
					{name: "email not a text", method: post, path: apiPath("updateEmail"), body: obj{"extId": u, "email": 5}, code: 2004, message: "Field 'email' should be a text"},
					{name: "no msisdn", method: post, path: apiPath("updateMsisdn"), body: obj{"extId": u}, code: 2020, message: "msisdn is required"},
					{name: "no extId for the msisdn", method: post, path: apiPath("updateMsisdn"), body: obj{"msisdn": ""}, code: 2020, message: "extId is required"},
					{name: "msisdn not a text", method: post, path: apiPath("updateMsisdn"), body: obj{"extId": u, "msisdn": 5}, code: 2004, message: "Field 'msisdn' should be a text"},
				})
			},
		},
		{
			Name: "channels/read-back", Tags: []Tag{MockOnly},
			Doc: "updateEmail and updateMsisdn change the standard attributes (a blank email keeps the address, an empty MSISDN is stored); mail and SMS permission change by ID or address; the guide's placeholder address your-email is taken and reaches nobody.",
			Why: "it writes the seeded users your_extId and your-extId and reads permissions through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				mehmet := obj{"name": "Mehmet", "surname": "Kaya", "gender": "MALE", "email": "mehmet.kaya@example.com",
					"msisdn": "905312223344", "isSubscribed": true}
				c.Applied(c.Do(post, apiPath("updateEmail"), obj{"extId": "your_extId", "email": "new.mehmet@example.com"}))
				c.Applied(c.Do(post, apiPath("updateEmail"), obj{"extId": "your_extId", "email": ""}))
				c.Applied(c.Do(post, apiPath("updateMsisdn"), obj{"extId": "your_extId", "msisdn": ""}))
				profileOf(c, "your_extId", with(mehmet, obj{"email": "new.mehmet@example.com", "msisdn": ""}))

				c.Applied(c.Do(post, apiPath("disableMail"), obj{"emailList": arr{"new.mehmet@example.com"}}))
				c.Applied(c.Do(post, apiPath("disableSms"), obj{"extIds": arr{"your-extId"}}))
				wantPermissions(c, map[string][2]bool{"your_extId": {false, true}, "your-extId": {true, false}})
				// The guide's own alternative: any text is an address (-strict-email refuses this one).
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"emailList": arr{"your-email"}}))
				wantPermissions(c, map[string][2]bool{"your_extId": {false, true}, "your-extId": {true, false}})
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"extIds": arr{"your_extId"}}))
				c.Applied(c.Do(post, apiPath("enableSms"), obj{"msisdnList": arr{"905313334455"}}))
				wantPermissions(c, map[string][2]bool{"your_extId": {true, true}, "your-extId": {true, true}})
			},
		},
	}
}

// wantPermissions checks users' email and SMS permissions in /_mock/state.
func wantPermissions(c *Check, want map[string][2]bool) {
	got := map[string][2]bool{}
	for _, u := range c.state().Users {
		if _, ok := want[u.ExtID]; ok {
			got[u.ExtID] = [2]bool{u.EmailPermitted, u.SmsPermitted}
		}
	}
	if d := diffValues(want, got); d != "" {
		c.Errorf("GET /_mock/state: the users' [email, SMS] permissions differ (-want +got):\n%s", d)
	}
}

func messageCases() []Case {
	return []Case{
		{
			Name: "messages/approve-unknown", Tags: []Tag{LiveSafe},
			Doc: "sendPushApproval of an unknown message answers 400 {code 5003}; an entry without messageId 2020, a messageId that is not an integer 2004, a single object 2009.",
			Run: func(ctx context.Context, c *Check) {
				c.refuseAll([]refusal{
					{name: "unknown message", method: post, path: apiPath("sendPushApproval"), body: arr{obj{"messageId": -1}}, code: 5003, message: "Message with given messageId could not be found"},
					{name: "no messageId", method: post, path: apiPath("sendPushApproval"), body: arr{obj{}}, code: 2020, message: "messageId is required"},
					{name: "messageId not an integer", method: post, path: apiPath("sendPushApproval"), body: arr{obj{"messageId": "1"}}, code: 2004, message: "Field 'messageId' should be an integer"},
					{name: "single object", method: post, path: apiPath("sendPushApproval"), body: obj{"messageId": -1}, code: 2009, message: msgInvalidJSON},
				})
			},
		},
		{
			Name: "messages/approve", Tags: []Tag{MockOnly},
			Doc: "sendPushApproval approves message 0 and is idempotent; a request naming an unknown message too approves nothing.",
			Why: "it approves the seeded message 0 and reads its status through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				r := c.Do(post, apiPath("sendPushApproval"), arr{obj{"messageId": 0}, obj{"messageId": 987654321}})
				c.Refused(r, http.StatusBadRequest, 5003, "Message with given messageId could not be found")
				wantMessageStatus(c, 0, "WAITING_APPROVAL")
				c.Applied(c.Do(post, apiPath("sendPushApproval"), arr{obj{"messageId": 0}}))
				wantMessageStatus(c, 0, "APPROVED")
				c.Applied(c.Do(post, apiPath("sendPushApproval"), arr{obj{"messageId": 0}}))
				wantMessageStatus(c, 0, "APPROVED")
			},
		},
	}
}

func wantMessageStatus(c *Check, id int64, want string) {
	for _, m := range c.state().Messages {
		if m.MessageID == id {
			if m.Status != want {
				c.Errorf("GET /_mock/state: message %d is %s, want %s", id, m.Status, want)
			}
			return
		}
	}
	c.Errorf("GET /_mock/state: no message %d", id)
}
