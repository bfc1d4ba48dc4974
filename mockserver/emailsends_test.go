package mockserver_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// sendsDataset is testDataset with an email definition (12) and a push
// definition (3).
func sendsDataset() *state.Dataset {
	d := testDataset()
	d.Definitions = []state.DefinitionRecord{
		{NotificationKey: 3, CreatedAt: 1, Message: state.MessageContent{Title: "Order", Text: "On its way",
			Platforms: []string{state.PlatformIOS, state.PlatformAndroid}}},
		{NotificationKey: 12, CreatedAt: 2, Message: state.MessageContent{Title: "Invoice", Text: "<p>Your invoice</p>",
			Platforms: []string{state.PlatformEmail}, Subject: "Your invoice", From: "billing@example.com"}},
	}
	return d
}

func sendsHarness(tb testing.TB, opts mockserver.Options) (*harness, *state.Tenant) {
	tb.Helper()
	h := MustHarnessWith(tb, func() (*state.Dataset, error) { return sendsDataset(), nil }, state.Settings{}, opts, testKey, otherKey)
	tn, ok := h.Store.Tenant(testKey)
	if !ok {
		tb.Fatal("no tenant for the test key")
	}
	return h, tn
}

// emailSent is what a tenant captured under a key: its kind, and its
// deliveries and exclusions as "extId/address" and "who:REASON", sorted.
type emailSent struct {
	Kind               string
	Reached, Excluded  []string
	DeliveriesInTotal  int
	NotificationsOfKey int
}

func sentUnder(tb testing.TB, tn *state.Tenant, key int64) emailSent {
	tb.Helper()
	recs := tn.Notifications(state.NotificationFilter{Key: key, MaxDeliveries: 1 << 30})
	s := emailSent{Reached: []string{}, Excluded: []string{}, NotificationsOfKey: len(recs)}
	if len(recs) == 0 {
		return s
	}
	r := recs[0]
	s.Kind = r.Kind
	for _, d := range r.Deliveries {
		s.Reached = append(s.Reached, d.ExtID+"/"+d.Address)
	}
	for _, x := range r.Exclusions {
		who := x.ExtID
		if who == "" {
			who = x.Token
		}
		s.Excluded = append(s.Excluded, who+":"+x.Reason)
	}
	s.DeliveriesInTotal = len(r.Deliveries)
	sort.Strings(s.Reached)
	sort.Strings(s.Excluded)
	if len(s.Reached) > 3 {
		s.Reached = nil // counted, not listed
	}
	return s
}

// mustKey decodes {"notificationKey": N}.
func mustKey(tb testing.TB, what string, r reply) int64 {
	tb.Helper()
	var got struct {
		NotificationKey *int64 `json:"notificationKey"`
	}
	wantJSON(tb, what, r, &got)
	if got.NotificationKey == nil || *got.NotificationKey <= 0 {
		tb.Fatalf("%s = %v, want a positive notificationKey", what, r)
	}
	return *got.NotificationKey
}

func TestSendEmailAndSms(t *testing.T) {
	t.Parallel()
	h, tn := sendsHarness(t, mockserver.Options{})
	tests := []struct {
		name, body string
		want       emailSent
	}{
		{"an email to a permitted address",
			`{"target":{"email":"john.brown@example.com"},"platforms":["EMAIL"],"title":"Hi","message":"<p>Hello</p>","from":"info@netmera.com","senderName":"Netmera","subject":"Hello"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{"id1/john.brown@example.com"}, Excluded: []string{}, DeliveriesInTotal: 1, NotificationsOfKey: 1}},
		{"an email to an address without permission",
			`{"target":{"email":"user-001@example.com"},"platforms":["EMAIL"],"title":"Hi","message":"x"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{}, Excluded: []string{"user-001:NO_EMAIL_PERMISSION"}, NotificationsOfKey: 1}},
		{"an email to an address nobody has",
			`{"target":{"email":"target_email@example.com"},"platforms":["EMAIL"],"title":"Hi","message":"x"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{}, Excluded: []string{"target_email@example.com:UNKNOWN_ADDRESS"}, NotificationsOfKey: 1}},
		{"an SMS to a permitted number",
			`{"target":{"msisdn":"905312345678"},"platforms":["SMS"],"title":"T","message":"Code 1","smsHeader":"NETMERA","smsIysMessageType":"N","smsIysRecipientType":"B"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{"id2/905312345678"}, Excluded: []string{}, DeliveriesInTotal: 1, NotificationsOfKey: 1}},
		{"an SMS to a number without permission",
			`{"target":{"msisdn":"905550000001"},"platforms":["SMS"],"title":"T","message":"x","smsIysMessageType":"C"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{}, Excluded: []string{"your_extId:NO_SMS_PERMISSION"}, NotificationsOfKey: 1}},
		{"an email to users by ID",
			`{"target":{"extId":["id1","your_extId"]},"platforms":["EMAIL"],"title":"Hi","message":"x"}`,
			emailSent{Kind: state.KindEmailSms, Reached: []string{"id1/john.brown@example.com"}, Excluded: []string{"your_extId:NO_EMAIL_PERMISSION"}, DeliveriesInTotal: 1, NotificationsOfKey: 1}},
	}
	seen := map[int64]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := mustKey(t, "sendEmailAndSms "+tt.body, h.Do(t, http.MethodPost, "/rest/3.0/sendEmailAndSms", tt.body))
			if seen[key] {
				t.Errorf("key %d given twice", key)
			}
			seen[key] = true
			if _, ok := tn.Definition(key); !ok {
				t.Errorf("no definition under the answered key %d", key)
			}
			if diff := cmp.Diff(tt.want, sentUnder(t, tn, key)); diff != "" {
				t.Errorf("what the fake sent under key %d (-want +got):\n%s", key, diff)
			}
		})
	}
}

func TestSendBulkEmail(t *testing.T) {
	t.Parallel()
	h, tn := sendsHarness(t, mockserver.Options{})
	body := `{"emailTemplateId":5,"subject":"Daily Bulletin - May 15","customParams":{"DATE":"16.05.2026"},"sendToAll":true}`
	key := mustKey(t, "sendBulkEmail", h.Do(t, http.MethodPost, "/rest/3.0/sendBulkEmail", body))
	got := sentUnder(t, tn, key)
	// id1 and id2, and the even bulk users: those with an address and
	// email permission. your_extId has an address and no permission.
	if got.Kind != state.KindBulkEmail || got.DeliveriesInTotal != 2+bulkUsers/2 || !slices.Contains(got.Excluded, "your_extId:NO_EMAIL_PERMISSION") {
		t.Errorf("sendBulkEmail sent %+v; want %s to %d users, your_extId left out for want of permission", got, state.KindBulkEmail, 2+bulkUsers/2)
	}
	rec := tn.Notifications(state.NotificationFilter{Key: key, MaxDeliveries: 1})[0]
	if rec.Message.Title != "Daily Bulletin - May 15" || string(rec.Request) != body {
		t.Errorf("captured title %q and request %s; want the subject and the request as sent", rec.Message.Title, rec.Request)
	}
}

// notMultipart is sendEmailWithAttachment's answer to a body that is not
// its multipart form.
func notMultipart(why string) envelope {
	return envelope{2009, "Invalid multipart/form-data body (" + why + "): send the fields mailAttachment, to and notificationKey"}
}

// file is one part of a form; a file when name is set.
type file struct {
	field, name, ctype string
	data               []byte
}

// form encodes fields (name, value pairs) and files as multipart/form-data.
func form(tb testing.TB, fields []string, files ...file) (body, contentType string) {
	tb.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.field, f.name))
		if f.ctype != "" {
			h.Set("Content-Type", f.ctype)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = pw.Write(f.data)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestSendEmailWithAttachment(t *testing.T) {
	t.Parallel()
	h, tn := sendsHarness(t, mockserver.Options{})
	invoice := []byte("%PDF-1.4 an invoice")
	chart := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 1000)
	body, ctype := form(t, []string{"to", "john.brown@example.com", "notificationKey", "12", "cc", "ignored@example.com"},
		file{"mailAttachment", "invoice.pdf", "application/pdf", invoice}, file{"mailAttachment", "chart.png", "image/png", chart},
		file{"other", "ignored.txt", "text/plain", []byte("not an attachment")})
	r := h.Do(t, http.MethodPost, "/rest/3.0/sendEmailWithAttachment", body, "Content-Type", ctype)
	if r.Status != http.StatusOK || string(r.Body) != "{}\n" || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("sendEmailWithAttachment = %v, want 200 {}", r)
	}
	want := emailSent{Kind: state.KindEmailAttachment, Reached: []string{"id1/john.brown@example.com"}, Excluded: []string{},
		DeliveriesInTotal: 1, NotificationsOfKey: 1}
	if diff := cmp.Diff(want, sentUnder(t, tn, 12)); diff != "" {
		t.Errorf("what the fake sent under key 12 (-want +got):\n%s", diff)
	}
	var summary state.EmailAttachmentSend
	rec := tn.Notifications(state.NotificationFilter{Key: 12})[0]
	if err := json.Unmarshal(rec.Request, &summary); err != nil {
		t.Fatalf("the captured request %s: %v", rec.Request, err)
	}
	wantSummary := state.EmailAttachmentSend{NotificationKey: "12", To: "john.brown@example.com", Attachments: []state.Attachment{
		{Filename: "invoice.pdf", ContentType: "application/pdf", Size: int64(len(invoice)), SHA256: digest(invoice)},
		{Filename: "chart.png", ContentType: "image/png", Size: int64(len(chart)), SHA256: digest(chart)},
	}}
	if diff := cmp.Diff(wantSummary, summary); diff != "" {
		t.Errorf("the captured request (-want +got):\n%s", diff)
	}

	// An address without email permission: accepted, sent to nobody.
	body, ctype = form(t, []string{"to", "user-001@example.com", "notificationKey", "12"}, file{"mailAttachment", "a.txt", "", []byte("hi")})
	r = h.Do(t, http.MethodPost, "/rest/3.0/sendEmailWithAttachment", body, "Content-Type", ctype)
	if r.Status != http.StatusOK || string(r.Body) != "{}\n" {
		t.Fatalf("sendEmailWithAttachment to user-001 = %v, want 200 {}", r)
	}
	recs := tn.Notifications(state.NotificationFilter{Key: 12, ExtID: "user-001"})
	if len(recs) != 1 || len(recs[0].Deliveries) != 0 || len(recs[0].Exclusions) != 1 || recs[0].Exclusions[0].Reason != state.ReasonNoEmailPerm {
		t.Errorf("sends naming user-001: %+v; want one, user-001 left out for want of email permission", recs)
	}
}

// TestEmailSendRefusals: each refusal of the three sends is a 400 in the
// envelope that captures nothing and changes nothing, with the validator
// or without it.
func TestEmailSendRefusals(t *testing.T) {
	t.Parallel()
	pdf := file{"mailAttachment", "invoice.pdf", "application/pdf", []byte("%PDF")}
	type multi struct {
		fields []string
		files  []file
	}
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("nobody-%d", i)
	}
	manyJSON, _ := json.Marshal(many)
	files := make([]file, 101) // empty files: many records, few bytes
	for i := range files {
		files[i] = file{"mailAttachment", fmt.Sprintf("f%d.txt", i), "text/plain", nil}
	}
	tests := []struct {
		name, path, body string
		form             *multi
		ctype            string
		want             envelope
	}{
		{name: "SMS without its IYS type", path: "sendEmailAndSms", body: `{"target":{"msisdn":"905312345678"},"platforms":["SMS"],"title":"T","message":"x"}`,
			want: envelope{2004, "Please add smsIysMessageType parameter into request!"}},
		{name: "no platforms", path: "sendEmailAndSms", body: `{"target":{"email":"john.brown@example.com"},"title":"T"}`, want: missing("platforms")},
		{name: "no target", path: "sendEmailAndSms", body: `{"platforms":["EMAIL"],"title":"T"}`, want: missing("target")},
		{name: "an empty target", path: "sendEmailAndSms", body: `{"platforms":["EMAIL"],"target":{}}`, want: envelope{2020, "target must not be empty"}},
		{name: "a push platform", path: "sendEmailAndSms", body: `{"platforms":["IOS"],"target":{"extId":"id1"}}`,
			want: envelope{2004, "Field 'platforms' should hold EMAIL or SMS, not 'IOS'"}},
		{name: "platforms a text", path: "sendEmailAndSms", body: `{"platforms":"EMAIL","target":{"extId":"id1"}}`, want: wrongType("platforms", "a list")},
		{name: "platforms of numbers", path: "sendEmailAndSms", body: `{"platforms":[1],"target":{"extId":"id1"}}`, want: wrongType("platforms", "a list of texts")},
		{name: "title a number", path: "sendEmailAndSms", body: `{"platforms":["EMAIL"],"target":{"extId":"id1"},"title":5}`, want: wrongType("title", "a text")},
		{name: "a target that is a text", path: "sendEmailAndSms", body: `{"platforms":["EMAIL"],"target":"id1"}`, want: wrongType("target", "an object")},
		{name: "1001 users", path: "sendEmailAndSms", body: `{"platforms":["EMAIL"],"target":{"extId":` + string(manyJSON) + `}}`,
			want: envelope{2009, "Maximum 1000 unique external IDs or device tokens per request, got 1001"}},
		{name: "an array body", path: "sendEmailAndSms", body: `[{"platforms":["EMAIL"],"target":{"extId":"id1"}}]`, want: invalidJSON},

		{name: "no template", path: "sendBulkEmail", body: `{"subject":"S","sendToAll":true}`, want: missing("emailTemplateId")},
		{name: "a template that is a text", path: "sendBulkEmail", body: `{"emailTemplateId":"5","subject":"S","sendToAll":true}`, want: wrongType("emailTemplateId", "an integer")},
		{name: "no sendToAll", path: "sendBulkEmail", body: `{"emailTemplateId":5,"subject":"S"}`, want: missing("sendToAll")},
		{name: "sendToAll false", path: "sendBulkEmail", body: `{"emailTemplateId":5,"subject":"S","sendToAll":false}`, want: missing("sendToAll")},
		{name: "no subject", path: "sendBulkEmail", body: `{"emailTemplateId":5,"sendToAll":true}`, want: missing("subject")},
		{name: "customParams a list", path: "sendBulkEmail", body: `{"emailTemplateId":5,"subject":"S","sendToAll":true,"customParams":[]}`,
			want: wrongType("customParams", "an object")},

		{name: "JSON", path: "sendEmailWithAttachment", body: `{"to":"john.brown@example.com","notificationKey":"12"}`,
			want: notMultipart(`Content-Type "application/json"`)},
		{name: "no body", path: "sendEmailWithAttachment", ctype: "-", want: notMultipart("Content-Type missing")},
		{name: "a form without its boundary", path: "sendEmailWithAttachment", body: "x", ctype: "multipart/form-data",
			want: notMultipart(`Content-Type "multipart/form-data"`)},
		{name: "a cut form", path: "sendEmailWithAttachment", body: "--b\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\njohn", ctype: "multipart/form-data; boundary=b",
			want: notMultipart("unexpected EOF")},
		{name: "no address", path: "sendEmailWithAttachment", form: &multi{[]string{"notificationKey", "12"}, []file{pdf}}, want: missing("to")},
		{name: "no key", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com"}, []file{pdf}}, want: missing("notificationKey")},
		{name: "no file", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "12"}, nil},
			want: missing("mailAttachment")},
		{name: "an unknown definition", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "1000"}, []file{pdf}},
			want: envelope{5003, "Notification definition with key '1000' could not be found"}},
		{name: "a push definition", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "3"}, []file{pdf}},
			want: envelope{2021, "Notification definition with key '3' is not an email"}},
		{name: "a zip file", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "12"},
			[]file{pdf, {"mailAttachment", "app.zip", "application/zip", []byte("PK")}}},
			want: envelope{2004, "Field 'mailAttachment' has an unsupported file type: 'app.zip' (application/zip)"}},
		{name: "over 10 MB", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "12"},
			[]file{{"mailAttachment", "a.csv", "text/csv", make([]byte, 6<<20)}, {"mailAttachment", "b.csv", "text/csv", make([]byte, 4<<20+1)}}},
			want: envelope{2101, fmt.Sprintf("Attachments exceed the 10 MB limit: %d bytes", 10<<20+1)}},
		{name: "101 files", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "12"}, files},
			want: envelope{2009, "Too many attachments: at most 100 files per request"}},
		{name: "over the server's body limit", path: "sendEmailWithAttachment", form: &multi{[]string{"to", "john.brown@example.com", "notificationKey", "12"},
			[]file{{"mailAttachment", "a.csv", "text/csv", make([]byte, 16<<20)}}},
			want: envelope{2009, fmt.Sprintf("Request body is larger than %d bytes", 16<<20)}},
	}
	for _, validation := range []bool{true, false} {
		h, tn := sendsHarness(t, mockserver.Options{NoValidation: !validation})
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s %s validation %v", tt.path, tt.name, validation), func(t *testing.T) {
				body, headers := tt.body, []string{}
				switch {
				case tt.form != nil:
					var ctype string
					body, ctype = form(t, tt.form.fields, tt.form.files...)
					headers = []string{"Content-Type", ctype}
				case tt.ctype == "-":
				case tt.ctype != "":
					headers = []string{"Content-Type", tt.ctype}
				}
				before := h.MustState(t, testKey)
				call := "POST " + tt.path + " " + tt.name
				wantError(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, body, headers...), http.StatusBadRequest, tt.want)
				h.wantUnchanged(t, call, before)
				if recs := tn.Notifications(state.NotificationFilter{}); len(recs) != 0 {
					t.Errorf("%s captured %d sends, want none", call, len(recs))
				}
			})
		}
	}
}
