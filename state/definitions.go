package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// CreateNotificationDefinition stores a transactional definition (a push,
// or an email or SMS when its platforms say so) and returns its key, which
// sendNotification names as a text. raw is the request as sent, kept for
// the capture. Categories may be given by name or ID and are kept by name;
// an ID the app does not define is refused with 2021, a name it does not
// define is kept as given (refused too with Settings.StrictCategories).
func (t *Tenant) CreateNotificationDefinition(d NotificationDefinition, raw []byte) (int64, error) {
	t.lock()
	defer t.mu.Unlock()
	c, err := t.definitionContent(d)
	if err != nil {
		return 0, err
	}
	def := &definition{key: t.newKey(), createdAt: t.now(), raw: append(json.RawMessage(nil), raw...), content: c}
	t.addDefinition(def)
	return def.key, nil
}

func (t *Tenant) addDefinition(def *definition) {
	t.nt.defs[def.key] = def
	t.nt.defOrder = append(t.nt.defOrder, def.key)
}

// definitionContent checks a definition and normalizes its content.
func (t *Tenant) definitionContent(d NotificationDefinition) (*content, error) {
	if err := checkPlatforms(d.Platforms, true); err != nil {
		return nil, err
	}
	text := d.Message
	if text == "" {
		text = d.Text
	}
	if text == "" && d.PersonalizedMessage == "" {
		return nil, ErrMissing("message")
	}
	cats, err := t.categoryNames(d.Categories, true)
	if err != nil {
		return nil, err
	}
	if _, err := parseTTL(d.TTL); err != nil {
		return nil, err
	}
	m := MessageContent{Title: d.Title, Text: text, PersonalizedTitle: d.PersonalizedTitle,
		PersonalizedMessage: d.PersonalizedMessage, PersonalizedSubText: d.PersonalizedSubText,
		Platforms: slices.Clone(d.Platforms), Categories: cats, Labels: slices.Clone([]string(d.Labels)),
		ThreadID: d.ThreadID, Inbox: d.Inbox, TTL: d.TTL, CustomJSON: slices.Clone(d.CustomJSON),
		From: d.From, SenderName: d.SenderName, Subject: d.Subject, SmsHeader: d.SmsHeader,
		SmsIysMessageType: d.SmsIysMessageType, SmsIysRecipientType: d.SmsIysRecipientType}
	if d.Click != nil {
		m.Deeplink = d.Click.Deeplink
	}
	if d.IOS != nil {
		m.IOSTitle, m.IOSLimit = d.IOS.Title, d.IOS.Limit
	}
	if d.Android != nil {
		m.AndroidTitle, m.AndroidLimit = d.Android.Title, d.Android.Limit
	}
	return newContent(m), nil
}

// newContent wraps normalized message content.
func newContent(m MessageContent) *content {
	c := &content{MessageContent: m}
	for _, s := range []string{m.PersonalizedTitle, m.PersonalizedMessage, m.PersonalizedSubText} {
		if len(placeholders(s)) > 0 {
			c.personalized = true
		}
	}
	return c
}

// checkPlatforms refuses an empty platform list or an unknown platform;
// channels allows EMAIL and SMS beside the device platforms.
func checkPlatforms(ps []string, channels bool) error {
	if len(ps) == 0 {
		return ErrMissing("platforms")
	}
	for _, p := range ps {
		i, ok := platIndex(p)
		if !ok || (!channels && i >= platEmail) {
			return Invalidf(CodeTypeMismatch, "Field 'platforms' has an unknown platform '%s'", p)
		}
	}
	return nil
}

// categoryNames turns a message's categories into names. IDs (allowed in
// definitions) must name a category of the app; names the app does not
// define are kept, or refused with Settings.StrictCategories.
func (t *Tenant) categoryNames(list CategoryList, ids bool) ([]string, error) {
	var out []string
	for _, v := range list {
		name, isName := v.(string)
		if !isName {
			n, ok := categoryID(v)
			if !ok || !ids {
				return nil, ErrWrongType("categories", "a list of category names")
			}
			found := false
			for _, c := range t.categories {
				if c.ID == n {
					name, found = c.Name, true
					break
				}
			}
			if !found {
				return nil, Invalidf(CodeInvalidConfig, "Message category with id %d is not defined", n)
			}
		} else if _, ok := t.categories[name]; !ok && t.settings.StrictCategories {
			return nil, Invalidf(CodeInvalidConfig, "Message category '%s' is not defined", name)
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

func categoryID(v any) (int, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := strconv.Atoi(x.String())
		return n, err == nil
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), x == float64(int(x))
	}
	return 0, false
}

// DefinitionRecord is a notification definition as the capture and the
// dataset hold it.
type DefinitionRecord struct {
	NotificationKey int64           `json:"notificationKey"`
	CreatedAt       int64           `json:"createdAt"`
	Message         MessageContent  `json:"message"`
	Request         json.RawMessage `json:"request,omitempty"`
}

func (def *definition) record() DefinitionRecord {
	return DefinitionRecord{NotificationKey: def.key, CreatedAt: def.createdAt, Message: def.content.MessageContent.clone(),
		Request: cloneRaw(def.raw)}
}

// Definition returns the definition of a key.
func (t *Tenant) Definition(key int64) (DefinitionRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	def := t.nt.defs[key]
	if def == nil {
		return DefinitionRecord{}, false
	}
	return def.record(), true
}

// Definitions returns every definition in creation order.
func (t *Tenant) Definitions() []DefinitionRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]DefinitionRecord, 0, len(t.nt.defOrder))
	for _, k := range t.nt.defOrder {
		out = append(out, t.nt.defs[k].record())
	}
	return out
}

// loadDefinition adds a definition from the dataset.
func (t *Tenant) loadDefinition(r DefinitionRecord) error {
	if r.NotificationKey <= 0 {
		return fmt.Errorf("definition key %d: keys start at 1", r.NotificationKey)
	}
	if t.nt.defs[r.NotificationKey] != nil {
		return fmt.Errorf("definition %d defined twice", r.NotificationKey)
	}
	if err := checkPlatforms(r.Message.Platforms, true); err != nil {
		return fmt.Errorf("definition %d: %s", r.NotificationKey, err.(*Error).Message)
	}
	t.addDefinition(&definition{key: r.NotificationKey, createdAt: r.CreatedAt, raw: cloneRaw(r.Request),
		content: newContent(r.Message.clone())})
	return nil
}

func cloneRaw(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return slices.Clone(b)
}

// placeholder is one @{name} (or {@name}) in a personalized text.
type placeholder struct {
	start, end int
	name       string
}

// placeholders finds the @{name} and {@name} placeholders of s.
func placeholders(s string) []placeholder {
	var out []placeholder
	for i := 0; i < len(s); i++ {
		if !strings.HasPrefix(s[i:], "@{") && !strings.HasPrefix(s[i:], "{@") {
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			break
		}
		name := strings.TrimSpace(s[i+2 : i+2+end])
		if name != "" {
			out = append(out, placeholder{start: i, end: i + 3 + end, name: name})
		}
		i += 2 + end
	}
	return out
}

// fill replaces s's placeholders with values from look; ok is false when
// one has no value (the caller then sends the default text).
func fill(s string, look func(name string) (string, bool)) (string, bool) {
	ps := placeholders(s)
	if len(ps) == 0 {
		return s, true
	}
	var b strings.Builder
	last := 0
	for _, p := range ps {
		v, ok := look(p.name)
		if !ok {
			return "", false
		}
		b.WriteString(s[last:p.start])
		b.WriteString(v)
		last = p.end
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// valueText is how a profile or parameter value reads inside a text.
func valueText(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := valueText(e)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ", "), true
	}
	return fmt.Sprint(v), true
}
