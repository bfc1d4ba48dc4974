package state

import (
	"encoding/json"
	"mime"
	"path"
	"slices"
	"strings"
)

// MaxAttachmentBytes is the most the attachments of one
// sendEmailWithAttachment request may weigh together: Netmera's 10 MB,
// read as 10 MiB.
const MaxAttachmentBytes = 10 << 20

// Attachment is one file of a sendEmailWithAttachment request, as the
// capture keeps it: its name, media type, size and SHA-256 digest, not its
// bytes.
type Attachment struct {
	Filename    string `json:"filename,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // hex
}

// EmailAttachmentSend is a sendEmailWithAttachment request: an email
// definition sent to one address with files attached.
type EmailAttachmentSend struct {
	// NotificationKey is the email definition's key, as a text.
	NotificationKey string `json:"notificationKey"`
	// To is the recipient's address.
	To          string       `json:"to"`
	Attachments []Attachment `json:"attachments"`
}

// attachmentTypes and attachmentExtensions are the file types Netmera
// documents as supported, by media type and by file name extension.
var (
	attachmentTypes = []string{"image/png", "video/x-msvideo", "video/mp4", "video/mpeg", "video/mpeg2", "video/x-mpeg",
		"image/gif", "image/jpeg", "image/x-png", "image/x-citrix-png", "image/x-citrix-jpeg", "text/plain",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel", "text/csv"}
	attachmentExtensions = []string{"xlsx", "xls", "csv", "txt", "pdf", "jpg", "jpeg", "png", "gif", "mpeg", "mpeg-2", "mp4", "avi"}
)

// supportedAttachment reports whether a file's media type or its name's
// extension is one Netmera lists.
func supportedAttachment(a Attachment) bool {
	if mt, _, err := mime.ParseMediaType(a.ContentType); err == nil && slices.Contains(attachmentTypes, mt) {
		return true
	}
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(a.Filename), "."))
	return ext != "" && slices.Contains(attachmentExtensions, ext)
}

// SendEmailWithAttachment sends an email definition to one address with
// its attachments, captured like a transactional send under the
// definition's key (kind KindEmailAttachment), the request kept as a
// summary that names each file by name, type, size and digest. The
// address reaches the users who have it as their email and email
// permission, as a send to target.email does.
//
// Refused, keeping nothing: no notificationKey, to or attachment (2020);
// a key that names no definition (5003) or one that is not an email
// (2021); a file whose type and extension are both unsupported (2004);
// attachments over MaxAttachmentBytes together (2101).
func (t *Tenant) SendEmailWithAttachment(req EmailAttachmentSend) error {
	switch {
	case req.NotificationKey == "":
		return ErrMissing("notificationKey")
	case req.To == "":
		return ErrMissing("to")
	case len(req.Attachments) == 0:
		return ErrMissing("mailAttachment")
	}
	var total int64
	for _, a := range req.Attachments {
		if !supportedAttachment(a) {
			return Invalidf(CodeTypeMismatch, "Field 'mailAttachment' has an unsupported file type: '%s' (%s)", a.Filename, a.ContentType)
		}
		total += a.Size
	}
	if total > MaxAttachmentBytes {
		return Invalidf(CodeMessageSize, "Attachments exceed the 10 MB limit: %d bytes", total)
	}
	raw, err := json.Marshal(req)
	if err != nil {
		return err
	}
	target := &Target{Email: StringList{req.To}}
	t.lock()
	defer t.mu.Unlock()
	key, ok := parseKey(req.NotificationKey)
	def := t.nt.defs[key]
	if !ok || def == nil {
		return &Error{Kind: KindNotFound, Code: CodeMessageNotFound,
			Message: "Notification definition with key '" + req.NotificationKey + "' could not be found"}
	}
	if !slices.Contains(def.content.Platforms, PlatformEmail) {
		return Invalidf(CodeInvalidConfig, "Notification definition with key '%s' is not an email", req.NotificationKey)
	}
	c := *def.content // the email alone, whatever else the definition sends
	c.Platforms = []string{PlatformEmail}
	n := t.newNotification(KindEmailAttachment, def.key, raw, &c, target)
	n.match, _ = t.compile(target, compileOpts{})
	n.status, n.resolving = StatusSending, true
	t.register(n)
	t.resolveDirect(newResolver(n))
	return nil
}
