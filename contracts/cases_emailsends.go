package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
)

// emailCapture is what the email and SMS cases read of
// /_mock/notifications.
type emailCapture struct {
	Kind              string
	Request           json.RawMessage
	DeliveriesOmitted int
	Deliveries        []struct{ ExtID, Platform, Address string }
	Exclusions        []struct{ ExtID, Token, Reason string }
}

// capturesOf reads the tenant's captures of key, the newest first
// (mock-only).
func capturesOf(c *Check, key int64) []emailCapture {
	var list struct{ Notifications []emailCapture }
	if err := c.r.control(c.Context(), get, "/_mock/notifications?notificationKey="+itoa(key), &list); err != nil {
		c.Fatalf("%v", err)
	}
	if len(list.Notifications) == 0 {
		c.Fatalf("GET /_mock/notifications?notificationKey=%d found nothing, want the send", key)
	}
	return list.Notifications
}

// reached lists "extId platform address" of each delivery, sorted.
func (e emailCapture) reached() []string {
	out := []string{}
	for _, d := range e.Deliveries {
		out = append(out, d.ExtID+" "+d.Platform+" "+d.Address)
	}
	slices.Sort(out)
	return out
}

func (e emailCapture) leftOut(extID string) []string {
	var out []string
	for _, x := range e.Exclusions {
		if x.ExtID == extID {
			out = append(out, x.Reason)
		}
	}
	return out
}

// formPart is one part of a multipart form: a file when filename is set.
type formPart struct {
	name, value, filename, contentType string
	data                               []byte
}

// multipartForm encodes parts as multipart/form-data.
func multipartForm(c *Check, parts ...formPart) (body []byte, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename == "" {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"`)
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			h.Set("Content-Type", p.contentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			c.Fatalf("encoding a form: %v", err)
		}
		if p.filename == "" {
			_, _ = pw.Write([]byte(p.value))
		} else {
			_, _ = pw.Write(p.data)
		}
	}
	if err := w.Close(); err != nil {
		c.Fatalf("encoding a form: %v", err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// sendForm posts a multipart form to sendEmailWithAttachment.
func sendForm(c *Check, parts ...formPart) *Response {
	body, ctype := multipartForm(c, parts...)
	return c.Send(Request{Method: post, Path: apiPath("sendEmailWithAttachment"), Body: body, Header: []string{"Content-Type", ctype}})
}

func emailSendCases() []Case {
	return []Case{
		{
			Name: "emailsms/refusals", Tags: []Tag{LiveSafe},
			Doc: "sendEmailAndSms answers the recorded 2004 to an SMS without smsIysMessageType, and refuses no platforms or target (2020) and a push platform (2004); sendBulkEmail refuses no template, a template that is not an integer and sendToAll false. None of them is sent to anyone.",
			Run: func(ctx context.Context, c *Check) {
				sms := obj{"target": obj{"msisdn": c.ID("msisdn")}, "platforms": arr{"SMS"}, "title": "netmera-mock contract", "message": "x"}
				c.refuseAll([]refusal{
					{name: "SMS without its IYS type (recorded live)", method: post, path: apiPath("sendEmailAndSms"), body: sms,
						code: 2004, message: "Please add smsIysMessageType parameter into request!"},
					{name: "no platforms", method: post, path: apiPath("sendEmailAndSms"), body: with(sms, obj{"platforms": nil, "smsIysMessageType": "N"}),
						code: 2020, message: "platforms is required"},
					{name: "no target", method: post, path: apiPath("sendEmailAndSms"), body: with(sms, obj{"target": nil, "smsIysMessageType": "N"}),
						code: 2020, message: "target is required"},
					{name: "a push platform", method: post, path: apiPath("sendEmailAndSms"), body: with(sms, obj{"platforms": arr{"IOS"}, "target": obj{"extId": c.ID("u1")}}),
						code: 2004, message: "Field 'platforms' should hold EMAIL or SMS, not 'IOS'"},
					{name: "bulk email without a template", method: post, path: apiPath("sendBulkEmail"), body: obj{"subject": "S", "sendToAll": false},
						code: 2020, message: "emailTemplateId is required"},
					{name: "bulk email template a text", method: post, path: apiPath("sendBulkEmail"), body: obj{"emailTemplateId": "5", "subject": "S", "sendToAll": false},
						code: 2004, message: "Field 'emailTemplateId' should be an integer"},
					{name: "bulk email to nobody", method: post, path: apiPath("sendBulkEmail"), body: obj{"emailTemplateId": 5, "subject": "S", "sendToAll": false},
						code: 2020, message: "sendToAll is required"},
				})
			},
		},
		{
			Name: "emailsms/own-addresses", Tags: []Tag{LiveSafe},
			Doc: "An email to an address no user has (at the reserved example.invalid) and an SMS to a number that is none answer 200 with an integer notificationKey, which getPushStats accepts.",
			Run: func(ctx context.Context, c *Check) {
				email := sendKey(c, "sendEmailAndSms", obj{"target": obj{"email": c.ID("u1") + "@example.invalid"}, "platforms": arr{"EMAIL"},
					"title": "netmera-mock contract", "message": "<p>A test email</p>", "subject": "netmera-mock contract"})
				sms := sendKey(c, "sendEmailAndSms", obj{"target": obj{"msisdn": c.ID("msisdn")}, "platforms": arr{"SMS"},
					"title": "netmera-mock contract", "message": "A test SMS", "smsIysMessageType": "N", "smsIysRecipientType": "B"})
				if email == sms {
					c.Errorf("two sends answered the same key %d", email)
				}
				c.Status(c.derived(get, apiPath("getPushStats", "notificationKey", itoa(email)), nil), http.StatusOK)
			},
		},
		{
			Name: "emailsms/permission", Tags: []Tag{MockOnly},
			Doc: "sendEmailAndSms delivers to the users who have the address and the channel's permission, and leaves out, with the reason, one whose permission was taken away with disableMail or disableSms.",
			Why: "it changes the seeded users id1 and your_extId and reads the fake's capture (/_mock/notifications)",
			Run: func(ctx context.Context, c *Check) {
				email := obj{"target": obj{"email": "john.brown@example.com"}, "platforms": arr{"EMAIL"}, "title": "Hi", "message": "<p>Hello</p>", "subject": "Hello"}
				sms := obj{"target": obj{"msisdn": "905312223344"}, "platforms": arr{"SMS"}, "title": "Hi", "message": "Hello", "smsIysMessageType": "N"}
				if got := capturesOf(c, sendKey(c, "sendEmailAndSms", email))[0].reached(); !slices.Equal(got, []string{"id1 EMAIL john.brown@example.com"}) {
					c.Errorf("an email to john.brown@example.com reached %q, want id1 at that address", got)
				}
				if got := capturesOf(c, sendKey(c, "sendEmailAndSms", sms))[0].reached(); !slices.Equal(got, []string{"your_extId SMS 905312223344"}) {
					c.Errorf("an SMS to 905312223344 reached %q, want your_extId at that number", got)
				}
				c.Applied(c.Do(post, apiPath("disableMail"), obj{"extIds": arr{"id1"}}))
				c.Applied(c.Do(post, apiPath("disableSms"), obj{"extIds": arr{"your_extId"}}))
				if n := capturesOf(c, sendKey(c, "sendEmailAndSms", email))[0]; len(n.Deliveries) != 0 || !slices.Equal(n.leftOut("id1"), []string{"NO_EMAIL_PERMISSION"}) {
					c.Errorf("with id1's email disabled an email reached %q and left id1 out for %q; want no one, id1 for NO_EMAIL_PERMISSION", n.reached(), n.leftOut("id1"))
				}
				if n := capturesOf(c, sendKey(c, "sendEmailAndSms", sms))[0]; len(n.Deliveries) != 0 || !slices.Equal(n.leftOut("your_extId"), []string{"NO_SMS_PERMISSION"}) {
					c.Errorf("with your_extId's SMS disabled an SMS reached %q and left it out for %q; want no one, your_extId for NO_SMS_PERMISSION", n.reached(), n.leftOut("your_extId"))
				}
			},
		},
		{
			Name: "emailsms/bulk-email", Tags: []Tag{MockOnly},
			Doc: "sendBulkEmail answers a new key and emails every user with an address and email permission; without a subject it answers 2020.",
			Why: "it emails every seeded user",
			Run: func(ctx context.Context, c *Check) {
				c.Refused(c.Do(post, apiPath("sendBulkEmail"), obj{"emailTemplateId": 5, "sendToAll": true}), http.StatusBadRequest, 2020, "subject is required")
				want := 0
				for _, u := range c.state().Users {
					if addr, _ := u.Profile["email"].(string); addr != "" && u.EmailPermitted {
						want++
					}
				}
				key := sendKey(c, "sendBulkEmail", obj{"emailTemplateId": 5, "subject": "Daily Bulletin", "customParams": obj{"DATE": "16.05.2026"}, "sendToAll": true})
				n := capturesOf(c, key)[0]
				for _, d := range n.Deliveries {
					if d.Platform != "EMAIL" || d.Address == "" {
						c.Errorf("a bulk email delivery %+v, want an EMAIL to an address", d)
						break
					}
				}
				if got := len(n.Deliveries) + n.DeliveriesOmitted; got != want || want == 0 {
					c.Errorf("sendBulkEmail made %d deliveries; %d users have an address and email permission", got, want)
				}
			},
		},
		{
			Name: "emailsms/attachment", Tags: []Tag{MockOnly},
			Doc: "sendEmailWithAttachment takes a multipart form (mailAttachment files, to, notificationKey), answers {} and sends the email definition with its files; it refuses a body that is not the form (2009), a missing field (2020), an unknown definition (5003), one that is no email (2021), an unsupported file (2004) and files over 10 MB (2101).",
			Why: "Netmera documents this endpoint on the host netmera.com, not the API host the suite targets; it also sends the seeded email definition 12 to the seeded user id1",
			Run: func(ctx context.Context, c *Check) {
				to, key := formPart{name: "to", value: "john.brown@example.com"}, formPart{name: "notificationKey", value: "12"}
				invoice := formPart{name: "mailAttachment", filename: "invoice.pdf", contentType: "application/pdf", data: []byte("%PDF-1.4 netmera-mock")}
				c.Equal(sendForm(c, to, key, invoice), obj{})
				n := capturesOf(c, 12)[0]
				var req struct {
					To          string
					Attachments []struct {
						Filename string
						Size     int
					}
				}
				if n.Kind != "EMAIL_ATTACHMENT" || !slices.Equal(n.reached(), []string{"id1 EMAIL john.brown@example.com"}) ||
					json.Unmarshal(n.Request, &req) != nil || req.To != to.value || len(req.Attachments) != 1 ||
					req.Attachments[0].Filename != "invoice.pdf" || req.Attachments[0].Size != len(invoice.data) {
					c.Errorf("the capture of key 12 is %s reaching %q with request %s; want EMAIL_ATTACHMENT reaching id1, the file named with its size",
						n.Kind, n.reached(), n.Request)
				}
				r := c.Do(post, apiPath("sendEmailWithAttachment"), obj{"to": to.value, "notificationKey": "12"})
				c.Refused(r, http.StatusBadRequest, 2009,
					`Invalid multipart/form-data body (Content-Type "application/json"): send the fields mailAttachment, to and notificationKey`)
				big := func(name string, size int) formPart {
					return formPart{name: "mailAttachment", filename: name, contentType: "text/csv", data: make([]byte, size)}
				}
				for _, tc := range []struct {
					name    string
					parts   []formPart
					code    int
					message string
				}{
					{"no address", []formPart{key, invoice}, 2020, "to is required"},
					{"no file", []formPart{to, key}, 2020, "mailAttachment is required"},
					{"an unknown definition", []formPart{to, {name: "notificationKey", value: "987654321987"}, invoice}, 5003,
						"Notification definition with key '987654321987' could not be found"},
					{"a push definition", []formPart{to, {name: "notificationKey", value: "3"}, invoice}, 2021, "Notification definition with key '3' is not an email"},
					{"a zip file", []formPart{to, key, {name: "mailAttachment", filename: "app.zip", contentType: "application/zip", data: []byte("PK")}}, 2004,
						"Field 'mailAttachment' has an unsupported file type: 'app.zip' (application/zip)"},
					{"over 10 MB", []formPart{to, key, big("a.csv", 6<<20), big("b.csv", 4<<20+1)}, 2101,
						"Attachments exceed the 10 MB limit: " + strconv.Itoa(10<<20+1) + " bytes"},
				} {
					if !c.Refused(sendForm(c, tc.parts...), http.StatusBadRequest, tc.code, tc.message) {
						c.Errorf("\t(the refusal above is %q)", tc.name)
					}
				}
				if got := len(capturesOf(c, 12)); got != 1 {
					c.Errorf("key 12 has %d captured sends after the refusals, want the one accepted", got)
				}
			},
		},
	}
}
