package state_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// mustDefinition creates a definition from its JSON and returns its key
// as sendNotification names it.
func mustDefinition(tb testing.TB, tn *state.Tenant, body string) string {
	tb.Helper()
	key, err := tn.CreateNotificationDefinition(mustJSON[state.NotificationDefinition](tb, body), []byte(body))
	MustOK(tb, "CreateNotificationDefinition", err)
	return strconv.FormatInt(key, 10)
}

func pdf(size int64) state.Attachment {
	return state.Attachment{Filename: "invoice.pdf", ContentType: "application/pdf", Size: size, SHA256: "00ff"}
}

func TestSendEmailWithAttachment(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	email := mustDefinition(t, tn, `{"title":"Invoice","message":"<p>Your invoice</p>","platforms":["EMAIL","SMS"],"subject":"Invoice"}`)
	sms := mustDefinition(t, tn, `{"title":"Code","message":"1234","platforms":["SMS"],"smsIysMessageType":"N"}`)
	tests := []struct {
		name         string
		req          state.EmailAttachmentSend
		code         int
		wantReached  []string
		wantExcluded []string
	}{
		{name: "to a permitted address", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com",
			Attachments: []state.Attachment{pdf(10), {Filename: "chart", ContentType: "image/png", Size: 5, SHA256: "aa"}}},
			wantReached: list("alice/alice@example.com"), wantExcluded: list()},
		{name: "to a user without email permission", req: state.EmailAttachmentSend{NotificationKey: email, To: "bob@example.com",
			Attachments: []state.Attachment{pdf(10)}}, wantReached: list(), wantExcluded: list("bob:NO_EMAIL_PERMISSION")},
		{name: "to an address nobody has", req: state.EmailAttachmentSend{NotificationKey: email, To: "example@netmera.com",
			Attachments: []state.Attachment{pdf(10)}}, wantReached: list(), wantExcluded: list("example@netmera.com:UNKNOWN_ADDRESS")},
		{name: "exactly 10 MB", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com",
			Attachments: []state.Attachment{pdf(state.MaxAttachmentBytes - 1), pdf(1)}},
			wantReached: list("alice/alice@example.com"), wantExcluded: list()},
		{name: "over 10 MB together", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com",
			Attachments: []state.Attachment{pdf(state.MaxAttachmentBytes), pdf(1)}}, code: state.CodeMessageSize},
		{name: "no key", req: state.EmailAttachmentSend{To: "alice@example.com", Attachments: []state.Attachment{pdf(1)}},
			code: state.CodeMissingParameter},
		{name: "no address", req: state.EmailAttachmentSend{NotificationKey: email, Attachments: []state.Attachment{pdf(1)}},
			code: state.CodeMissingParameter},
		{name: "no attachment", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com"},
			code: state.CodeMissingParameter},
		{name: "an unknown key", req: state.EmailAttachmentSend{NotificationKey: "99999", To: "alice@example.com",
			Attachments: []state.Attachment{pdf(1)}}, code: state.CodeMessageNotFound},
		{name: "a key that is no number", req: state.EmailAttachmentSend{NotificationKey: "abc", To: "alice@example.com",
			Attachments: []state.Attachment{pdf(1)}}, code: state.CodeMessageNotFound},
		{name: "an SMS definition", req: state.EmailAttachmentSend{NotificationKey: sms, To: "alice@example.com",
			Attachments: []state.Attachment{pdf(1)}}, code: state.CodeInvalidConfig},
		{name: "an unsupported file", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com",
			Attachments: []state.Attachment{pdf(1), {Filename: "app.zip", ContentType: "application/zip", Size: 1}}},
			code: state.CodeTypeMismatch},
		{name: "a supported type with an odd name", req: state.EmailAttachmentSend{NotificationKey: email, To: "alice@example.com",
			Attachments: []state.Attachment{{Filename: "notes.weird", ContentType: "text/plain; charset=utf-8", Size: 3}}},
			wantReached: list("alice/alice@example.com"), wantExcluded: list()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tn.Export()
			err := tn.SendEmailWithAttachment(tt.req)
			if tt.code != 0 {
				kind := state.KindInvalid
				if tt.code == state.CodeMessageNotFound {
					kind = state.KindNotFound
				}
				MustCode(t, "SendEmailWithAttachment", err, tt.code, kind)
				MustUnchanged(t, "a refused SendEmailWithAttachment", before, tn)
				return
			}
			MustOK(t, "SendEmailWithAttachment", err)
			recs := tn.Notifications(state.NotificationFilter{})
			rec := recs[0] // the newest
			key, _ := strconv.ParseInt(tt.req.NotificationKey, 10, 64)
			if rec.Kind != state.KindEmailAttachment || rec.NotificationKey != key || rec.Status != state.StatusFinished {
				t.Errorf("captured kind %s, key %d, status %s; want %s, %d, %s", rec.Kind, rec.NotificationKey, rec.Status,
					state.KindEmailAttachment, key, state.StatusFinished)
			}
			if diff := cmp.Diff([]string{state.PlatformEmail}, rec.Message.Platforms); diff != "" {
				t.Errorf("platforms of the capture (-want +got):\n%s", diff)
			}
			var summary state.EmailAttachmentSend
			if err := json.Unmarshal(rec.Request, &summary); err != nil {
				t.Fatalf("the captured request %s is not the summary: %v", rec.Request, err)
			}
			if diff := cmp.Diff(tt.req, summary); diff != "" {
				t.Errorf("captured request summary (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantReached, reached(rec)); diff != "" {
				t.Errorf("reached (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExcluded, excluded(rec)); diff != "" {
				t.Errorf("excluded (-want +got):\n%s", diff)
			}
		})
	}
}

// The captured attachment send survives an export and import.
func TestEmailAttachmentRoundTrip(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := mustDefinition(t, tn, `{"title":"Invoice","message":"x","platforms":["EMAIL"]}`)
	MustOK(t, "SendEmailWithAttachment", tn.SendEmailWithAttachment(state.EmailAttachmentSend{NotificationKey: key,
		To: "alice@example.com", Attachments: []state.Attachment{pdf(3)}}))
	d := tn.Export()
	again := MustTenant(t, d, state.Settings{})
	if diff := cmp.Diff(d, again.Export()); diff != "" {
		t.Errorf("export, import, export differs (-first +second):\n%s", diff)
	}
}
