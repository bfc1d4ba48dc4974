package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
)

// The request types below are the bodies of the notification endpoints as
// Go values. Each reads Netmera's JSON with encoding/json, including the
// documented variants (a single value where a list is usual, the flat
// carousel payload, netmera4j's schedule inside the message), so an
// endpoint can decode a body straight into one. A member of the wrong JSON
// type is an *Error with code 2004 naming it.

// BulkSend is a sendBulkNotification request.
type BulkSend struct {
	Message   *BulkMessage    `json:"message,omitempty"`
	Target    *Target         `json:"target,omitempty"`
	Languages json.RawMessage `json:"languages,omitempty"`
	Schedule  *Schedule       `json:"schedule,omitempty"`
	Speed     *Speed          `json:"speed,omitempty"`
	ExtRef    string          `json:"extRef,omitempty"`
	// Type is "" for a push, or "LIVE_ACTIVITY" to start a live activity.
	Type string `json:"type,omitempty"`
	// AwaitApproval makes this send wait for sendPushApproval, as
	// Settings.RequireApproval does for every send. It is not part of
	// Netmera's request: the control API sets it.
	AwaitApproval bool `json:"-"`
}

// TypeLiveActivity is BulkSend.Type of a send that starts a live activity.
const TypeLiveActivity = "LIVE_ACTIVITY"

// UnmarshalJSON reads a bulk request. When "message" is a text, as in the
// guide's carousel and slider examples, the message fields are read from
// the root object and that text becomes the message's Message.
func (s *BulkSend) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return ErrInvalidJSON()
	}
	var out BulkSend
	if m, ok := raw["message"]; ok && !isNull(m) {
		var msg BulkMessage
		switch bytes.TrimSpace(m)[0] {
		case '"':
			if err := decodeField("message", b, &msg); err != nil {
				return err
			}
		case '{':
			if err := decodeField("message", m, &msg); err != nil {
				return err
			}
		default:
			return ErrWrongType("message", "an object")
		}
		out.Message = &msg
	}
	for _, f := range []struct {
		name string
		dst  any
	}{{"target", &out.Target}, {"schedule", &out.Schedule}, {"speed", &out.Speed}, {"type", &out.Type}} {
		if v, ok := raw[f.name]; ok && !isNull(v) {
			if err := decodeField(f.name, v, f.dst); err != nil {
				return err
			}
		}
	}
	if v, ok := raw["languages"]; ok && !isNull(v) {
		out.Languages = append(json.RawMessage(nil), v...)
	}
	if v, ok := raw["extRef"]; ok && !isNull(v) {
		ref, err := textOrNumber(v)
		if err != nil {
			return ErrWrongType("extRef", "a text")
		}
		out.ExtRef = ref
	}
	*s = out
	return nil
}

// decodeField decodes v into dst, turning a type error into a 2004 that
// names field (or the member inside it).
func decodeField(field string, v []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return ErrWrongType(te.Field, typeWord(te.Type))
		}
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return ErrWrongType(field, "an object")
	}
	return nil
}

// typeWord is Netmera's word for a Go type, as in "should be a text".
func typeWord(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a text"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Pointer:
		return typeWord(t.Elem())
	}
	return "an object"
}

func textOrNumber(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// BulkMessage is the "message" of a bulk request.
type BulkMessage struct {
	Title               string           `json:"title,omitempty"`
	Text                string           `json:"text,omitempty"`
	Message             string           `json:"message,omitempty"` // the carousel and slider examples' extra text
	Platforms           []string         `json:"platforms,omitempty"`
	PersonalizedTitle   string           `json:"personalizedTitle,omitempty"`
	PersonalizedMessage string           `json:"personalizedMessage,omitempty"`
	Categories          CategoryList     `json:"categories,omitempty"`
	Labels              StringList       `json:"labels,omitempty"`
	ThreadID            string           `json:"threadId,omitempty"`
	CustomJSON          json.RawMessage  `json:"customJson,omitempty"`
	Params              map[string]any   `json:"params,omitempty"`
	Click               *Click           `json:"click,omitempty"`
	ButtonSet           json.RawMessage  `json:"buttonSet,omitempty"`
	IOS                 *PlatformOptions `json:"ios,omitempty"`
	Android             *PlatformOptions `json:"android,omitempty"`
	IconURL             string           `json:"iconUrl,omitempty"`
	WpChromeImage       string           `json:"wpChromeImage,omitempty"`
	InteractionRequired bool             `json:"interactionRequired,omitempty"`
	Limit               int              `json:"limit,omitempty"`
	TTL                 string           `json:"ttl,omitempty"`
	Inbox               bool             `json:"inbox,omitempty"`
	DoNotNotify         bool             `json:"doNotNotify,omitempty"`
	// Live activities.
	ContentState    json.RawMessage `json:"contentState,omitempty"`
	LiveActAttr     json.RawMessage `json:"liveActAttr,omitempty"`
	LiveActAttrType string          `json:"liveActAttrType,omitempty"`
	// Schedule and Speed inside the message are where netmera4j puts them;
	// the request's own win.
	Schedule *Schedule `json:"schedule,omitempty"`
	Speed    *Speed    `json:"speed,omitempty"`
}

// Click is a message's click action; only the deeplink is kept apart (the
// inbox shows it), the rest stays in the request.
type Click struct {
	URL       string `json:"url,omitempty"`
	Deeplink  string `json:"deeplink,omitempty"`
	DoNothing bool   `json:"doNothing,omitempty"`
}

// PlatformOptions are a message's "ios" or "android" overrides that
// change who gets what: the title shown on the platform and its user
// limit. Other members (sound, media…) stay in the request as sent.
type PlatformOptions struct {
	Title    string `json:"title,omitempty"`
	Subtitle string `json:"subtitle,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

// CategoryList is a message's categories: names, or (in a definition)
// category IDs, one or a list.
type CategoryList []any

// UnmarshalJSON reads a name, an ID or a list of them.
func (c *CategoryList) UnmarshalJSON(b []byte) error {
	v, err := decodeAny(b)
	if err != nil {
		return ErrInvalidJSON()
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, e := range list {
		switch e.(type) {
		case string, json.Number:
		default:
			return ErrWrongType("categories", "a list of texts or integers")
		}
	}
	*c = list
	return nil
}

// Schedule is when a bulk send starts.
type Schedule struct {
	// StartTime is a local date and time, "2024-02-01T15:30:00", read in
	// the app's time zone (Settings.TimeZone), or an RFC 3339 time.
	StartTime string `json:"startTime,omitempty"`
	// LocalTimezone asks for the start time in each user's own zone. The
	// fake knows no user's zone and reads it in the app's.
	LocalTimezone bool `json:"localTimezone,omitempty"`
}

// UnmarshalJSON reads speed, taking netmera4j's "packetSize" for
// "packageSize".
func (s *Speed) UnmarshalJSON(b []byte) error {
	var v struct {
		IntervalMins *int `json:"intervalMins"`
		PackageSize  *int `json:"packageSize"`
		PacketSize   *int `json:"packetSize"`
	}
	if err := decodeField("speed", b, &v); err != nil {
		return err
	}
	*s = Speed{}
	if v.IntervalMins != nil {
		s.IntervalMins = *v.IntervalMins
	}
	switch {
	case v.PackageSize != nil:
		s.PackageSize = *v.PackageSize
	case v.PacketSize != nil:
		s.PackageSize = *v.PacketSize
	}
	return nil
}

// TransactionalSend is one element of a sendNotification request.
type TransactionalSend struct {
	// NotificationKey is the definition's key as a text, as Netmera
	// requires (a JSON number is the endpoint's 2004 to give).
	NotificationKey  string               `json:"notificationKey"`
	Message          TransactionalMessage `json:"message,omitempty"`
	Target           *Target              `json:"target,omitempty"`
	LastActiveDevice bool                 `json:"lastActiveDevice,omitempty"`
}

// TransactionalMessage is the per-call part of a transactional send.
type TransactionalMessage struct {
	// Params fill the definition's @{name} placeholders;
	// "_nm_badge_count" sets the iOS badge.
	Params      map[string]any  `json:"params,omitempty"`
	Click       *Click          `json:"click,omitempty"`
	CustomJSON  json.RawMessage `json:"customJson,omitempty"`
	ButtonSet   json.RawMessage `json:"buttonSet,omitempty"`
	IOS         json.RawMessage `json:"ios,omitempty"`
	Android     json.RawMessage `json:"android,omitempty"`
	TTL         string          `json:"ttl,omitempty"`
	Inbox       *bool           `json:"inbox,omitempty"`
	DoNotNotify *bool           `json:"doNotNotify,omitempty"`
}

// NotificationDefinition is a createNotificationDefinition request: a
// transactional push, email or SMS that sendNotification sends later.
type NotificationDefinition struct {
	Title               string           `json:"title,omitempty"`
	Message             string           `json:"-"` // "message" as a text
	Text                string           `json:"text,omitempty"`
	PersonalizedTitle   string           `json:"personalizedTitle,omitempty"`
	PersonalizedMessage string           `json:"personalizedMessage,omitempty"`
	PersonalizedSubText string           `json:"personalizedSubText,omitempty"`
	Inbox               bool             `json:"inbox,omitempty"`
	Platforms           []string         `json:"platforms,omitempty"`
	Categories          CategoryList     `json:"categories,omitempty"`
	Labels              StringList       `json:"labels,omitempty"`
	ThreadID            string           `json:"threadId,omitempty"`
	Click               *Click           `json:"click,omitempty"`
	ButtonSet           json.RawMessage  `json:"buttonSet,omitempty"`
	IOS                 *PlatformOptions `json:"ios,omitempty"`
	Android             *PlatformOptions `json:"android,omitempty"`
	Hook                json.RawMessage  `json:"hook,omitempty"`
	CustomJSON          json.RawMessage  `json:"customJson,omitempty"`
	TTL                 string           `json:"ttl,omitempty"`
	// Email and SMS definitions.
	From                string `json:"from,omitempty"`
	SenderName          string `json:"senderName,omitempty"`
	Subject             string `json:"subject,omitempty"`
	SmsHeader           string `json:"smsHeader,omitempty"`
	SmsIysMessageType   string `json:"smsIysMessageType,omitempty"`
	SmsIysRecipientType string `json:"smsIysRecipientType,omitempty"`
}

// definitionJSON is NotificationDefinition without its methods, for
// decoding.
type definitionJSON NotificationDefinition

// UnmarshalJSON reads a definition. "message" is the default text, or, as
// in the guide's slider example, an object holding the definition's fields
// (the root's win).
func (d *NotificationDefinition) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return ErrInvalidJSON()
	}
	var out definitionJSON
	if m, ok := raw["message"]; ok && !isNull(m) {
		switch bytes.TrimSpace(m)[0] {
		case '"':
			if err := json.Unmarshal(m, &out.Message); err != nil {
				return ErrInvalidJSON()
			}
		case '{':
			var inner NotificationDefinition
			if err := inner.UnmarshalJSON(m); err != nil {
				return err
			}
			out = definitionJSON(inner)
		default:
			return ErrWrongType("message", "a text or an object")
		}
	}
	var root definitionJSON
	if err := decodeField("definition", b, &root); err != nil {
		return err
	}
	mergeDefinition(&out, root)
	*d = NotificationDefinition(out)
	return nil
}

// mergeDefinition sets in dst every field root sets.
func mergeDefinition(dst *definitionJSON, root definitionJSON) {
	str := func(d *string, s string) {
		if s != "" {
			*d = s
		}
	}
	str(&dst.Title, root.Title)
	str(&dst.Text, root.Text)
	str(&dst.PersonalizedTitle, root.PersonalizedTitle)
	str(&dst.PersonalizedMessage, root.PersonalizedMessage)
	str(&dst.PersonalizedSubText, root.PersonalizedSubText)
	str(&dst.ThreadID, root.ThreadID)
	str(&dst.TTL, root.TTL)
	str(&dst.From, root.From)
	str(&dst.SenderName, root.SenderName)
	str(&dst.Subject, root.Subject)
	str(&dst.SmsHeader, root.SmsHeader)
	str(&dst.SmsIysMessageType, root.SmsIysMessageType)
	str(&dst.SmsIysRecipientType, root.SmsIysRecipientType)
	dst.Inbox = dst.Inbox || root.Inbox
	if root.Platforms != nil {
		dst.Platforms = root.Platforms
	}
	if root.Categories != nil {
		dst.Categories = root.Categories
	}
	if root.Labels != nil {
		dst.Labels = root.Labels
	}
	if root.Click != nil {
		dst.Click = root.Click
	}
	for _, f := range []struct {
		d *json.RawMessage
		s json.RawMessage
	}{
		{&dst.ButtonSet, root.ButtonSet}, {&dst.Hook, root.Hook}, {&dst.CustomJSON, root.CustomJSON}} {
		if f.s != nil {
			*f.d = f.s
		}
	}
	if root.IOS != nil {
		dst.IOS = root.IOS
	}
	if root.Android != nil {
		dst.Android = root.Android
	}
}

// EmailSmsSend is a sendEmailAndSms request: an email or SMS whose
// content comes with it.
type EmailSmsSend struct {
	Target              *Target  `json:"target,omitempty"`
	Platforms           []string `json:"platforms,omitempty"`
	Title               string   `json:"title,omitempty"`
	Message             string   `json:"message,omitempty"`
	From                string   `json:"from,omitempty"`
	SenderName          string   `json:"senderName,omitempty"`
	Subject             string   `json:"subject,omitempty"`
	SmsHeader           string   `json:"smsHeader,omitempty"`
	SmsIysMessageType   string   `json:"smsIysMessageType,omitempty"`
	SmsIysRecipientType string   `json:"smsIysRecipientType,omitempty"`
}

// BulkEmailSend is a sendBulkEmail request: a panel email template sent
// to every user.
type BulkEmailSend struct {
	EmailTemplateID int64          `json:"emailTemplateId"`
	Subject         string         `json:"subject"`
	CustomParams    map[string]any `json:"customParams,omitempty"`
	SendToAll       bool           `json:"sendToAll"`
}

// LiveActivityUpdate is an update-live-activity request.
type LiveActivityUpdate struct {
	GroupID      string          `json:"groupId"`
	Action       string          `json:"action"` // UPDATE or END
	ContentState json.RawMessage `json:"contentState,omitempty"`
	Priority     int             `json:"priority,omitempty"`
}

// Live activity update actions.
const (
	LiveActivityUpdateAction = "UPDATE"
	LiveActivityEndAction    = "END"
)

// parseKey reads a notification key given as a text.
func parseKey(s string) (int64, bool) {
	k, err := strconv.ParseInt(s, 10, 64)
	return k, err == nil && k > 0
}
