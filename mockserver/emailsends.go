package mockserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"

	"github.com/netmera-mock/netmera-mock/state"
)

// sendEmailAndSms is sendEmailAndSms: an email or SMS whose content comes
// with the request, sent at once under a new definition's key.
func (s *Server) sendEmailAndSms(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	if _, _, err := o.texts("platforms"); err != nil {
		return nil, err
	}
	var req state.EmailSmsSend
	if err := decodeJSON(c.raw, &req); err != nil {
		return nil, err
	}
	key, err := t.SendEmailSms(req, c.raw)
	if err != nil {
		return nil, err
	}
	return keyResponse{NotificationKey: key}, nil
}

// sendBulkEmail is sendBulkEmail: a panel email template sent to every
// permitted user under a new key.
func (s *Server) sendBulkEmail(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	if _, present, err := o.integer("emailTemplateId"); err != nil || !present {
		if err == nil {
			err = state.ErrMissing("emailTemplateId")
		}
		return nil, err
	}
	var req state.BulkEmailSend
	if err := decodeJSON(c.raw, &req); err != nil {
		return nil, err
	}
	key, err := t.SendBulkEmail(req, c.raw)
	if err != nil {
		return nil, err
	}
	return keyResponse{NotificationKey: key}, nil
}

// Form fields of sendEmailWithAttachment.
const (
	fieldAttachment = "mailAttachment"
	fieldTo         = "to"
	fieldKey        = "notificationKey"
)

// errNotMultipart is the answer to a sendEmailWithAttachment body that is
// not the multipart form the endpoint takes.
func errNotMultipart(why string) error {
	return state.Invalidf(state.CodeInvalidJSON, "Invalid multipart/form-data body (%s): send the fields %s, %s and %s",
		why, fieldAttachment, fieldTo, fieldKey)
}

// sendEmailWithAttachment is sendEmailWithAttachment: a multipart form
// naming an email definition, a recipient and one or more files. It
// answers {} as sendNotification, its transactional sibling, does.
func (s *Server) sendEmailWithAttachment(t *state.Tenant, c *call) (any, error) {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, errNotMultipart("Content-Type " + quoteOrMissing(c.r.Header.Get("Content-Type")))
	}
	req, err := readAttachmentForm(multipart.NewReader(bytes.NewReader(c.raw), params["boundary"]))
	if err != nil {
		return nil, err
	}
	if err := t.SendEmailWithAttachment(req); err != nil {
		return nil, err
	}
	return emptyObject{}, nil
}

// maxFormField bounds a text field of the form, and maxAttachments the
// files of one request: a body of thousands of empty files would
// otherwise keep thousands of records in the capture.
const (
	maxFormField   = 64 << 10
	maxAttachments = 100
)

// readAttachmentForm reads the form's fields: every mailAttachment part
// is a file (its name, type, size and digest are kept); other parts are
// ignored, as unknown JSON members are.
func readAttachmentForm(mr *multipart.Reader) (state.EmailAttachmentSend, error) {
	var req state.EmailAttachmentSend
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return req, nil
		}
		if err != nil {
			return req, errNotMultipart(err.Error())
		}
		switch p.FormName() {
		case fieldAttachment:
			if len(req.Attachments) == maxAttachments {
				return req, state.Invalidf(state.CodeInvalidJSON, "Too many attachments: at most %d files per request", maxAttachments)
			}
			h := sha256.New()
			n, err := io.Copy(h, p)
			if err != nil {
				return req, errNotMultipart(err.Error())
			}
			req.Attachments = append(req.Attachments, state.Attachment{Filename: p.FileName(),
				ContentType: p.Header.Get("Content-Type"), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		case fieldTo, fieldKey:
			b, err := io.ReadAll(io.LimitReader(p, maxFormField+1))
			if err != nil {
				return req, errNotMultipart(err.Error())
			}
			if len(b) > maxFormField {
				return req, state.Invalidf(state.CodeInvalidJSON, "Field '%s' is longer than %d bytes", p.FormName(), maxFormField)
			}
			if p.FormName() == fieldTo {
				req.To = string(b)
			} else {
				req.NotificationKey = string(b)
			}
		}
		_ = p.Close()
	}
}
