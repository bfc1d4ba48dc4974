package state

import (
	"fmt"
	"unicode/utf8"
)

// Limits bound the texts and values a tenant takes, so that no request,
// however odd, grows the state (and its export, and the state file) by
// more than a known amount: before them, one tagUsers of a 1 MB tag on 200
// users added 200 MB. Netmera documents no field lengths; the defaults are
// generous for real data (see docs/fidelity.md, "Limits").
//
// A write naming a text or value over its limit is refused whole with
// Netmera's 2004 ("Field 'tag' should be a text of at most 256 characters,
// got 300") and changes nothing; reads are not bounded, they store
// nothing. Loading a Dataset (fixtures, PUT /_mock/state, a state file)
// and the control API's writes are held to the same limits, so what the
// state holds always loads again. Lengths count characters (Unicode code
// points), as a person counts them.
//
// Zero fields take the defaults (the Default… constants).
type Limits struct {
	// IDLength bounds external IDs and installation IDs.
	IDLength int
	// TokenLength bounds device tokens.
	TokenLength int
	// TagLength bounds a tag's name.
	TagLength int
	// Tags bounds the tags one tagUsers or untagUsers request names.
	Tags int
	// NameLength bounds attribute codes, category names (and channels),
	// segment names, device models, message titles and platforms.
	NameLength int
	// TextLength bounds a STRING attribute's value, each element of a
	// string array and a message's text.
	TextLength int
	// ArrayValues bounds the elements of an array attribute.
	ArrayValues int
	// ArrayLength bounds the characters of an array attribute's string
	// elements together.
	ArrayLength int
}

// Defaults of Limits.
const (
	DefaultIDLength    = 256
	DefaultTokenLength = 4096
	DefaultTagLength   = 256
	DefaultTags        = 50
	DefaultNameLength  = 256
	DefaultTextLength  = 4096
	DefaultArrayValues = 1000
	DefaultArrayLength = 65536
)

// Fixed limits of the address attributes, which no setting changes.
const (
	// MaxEmailLength is the longest email address SMTP carries (RFC 5321).
	MaxEmailLength = 254
	// MaxMsisdnLength bounds an MSISDN: E.164 numbers have at most 15
	// digits, and room is left for a "+", spaces and dashes.
	MaxMsisdnLength = 32
)

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.IDLength, DefaultIDLength)
	def(&l.TokenLength, DefaultTokenLength)
	def(&l.TagLength, DefaultTagLength)
	def(&l.Tags, DefaultTags)
	def(&l.NameLength, DefaultNameLength)
	def(&l.TextLength, DefaultTextLength)
	def(&l.ArrayValues, DefaultArrayValues)
	def(&l.ArrayLength, DefaultArrayLength)
	return l
}

// Effective returns the limits in force: l with its zero fields set to
// the defaults.
func (l Limits) Effective() Limits { return l.withDefaults() }

// limits returns the tenant's limits in force.
func (s Settings) limits() Limits { return s.Limits.withDefaults() }

// chars is the length of s in characters, counted only when its length in
// bytes could exceed max: a text of at most max bytes needs no counting.
func chars(s string, max int) int {
	if len(s) <= max {
		return len(s) // an upper bound, enough to pass
	}
	return utf8.RuneCountInString(s)
}

// limitError is the answer to a value over a limit: Netmera's 2004, in
// its "Field 'x' should be …" words; should completes the sentence.
func limitError(field, should string) *Error {
	return Invalidf(CodeTypeMismatch, "Field '%s' should be %s", field, should)
}

// Problems, as the end of "Field 'x' should be …".
func tooLongText(max, n int) string {
	return fmt.Sprintf("a text of at most %d characters, got %d", max, n)
}

func tooLongElement(max, n int) string {
	return fmt.Sprintf("a list of texts of at most %d characters each, got one of %d", max, n)
}

// text bounds one text.
func text(field, s string, max int) error {
	if n := chars(s, max); n > max {
		return limitError(field, tooLongText(max, n))
	}
	return nil
}

// texts bounds every text of a list.
func texts(field string, list []string, max int) error {
	for _, s := range list {
		if n := chars(s, max); n > max {
			return limitError(field, tooLongElement(max, n))
		}
	}
	return nil
}

// ids bounds external IDs.
func (l Limits) ids(field string, list ...string) error { return texts(field, list, l.IDLength) }

// tags bounds the tag list of tagUsers and untagUsers: how many, and each.
func (l Limits) tags(list []string) error {
	if len(list) > l.Tags {
		return limitError("tag", fmt.Sprintf("a list of at most %d texts, got %d", l.Tags, len(list)))
	}
	if len(list) == 1 {
		return text("tag", list[0], l.TagLength)
	}
	return texts("tag", list, l.TagLength)
}

// tagRequest bounds a tagUsers or untagUsers request.
func (l Limits) tagRequest(tags, extIDs []string) error {
	if err := l.tags(tags); err != nil {
		return err
	}
	return l.ids("extIds", extIDs...)
}

// valueLength is the longest text key's value may be.
func (l Limits) valueLength(key string) int {
	if isAddressAttr(key) {
		return addressLength(key)
	}
	return l.TextLength
}

// addressLength is the longest address of an address attribute (AttrEmail
// or AttrMsisdn).
func addressLength(key string) int {
	if key == AttrEmail {
		return MaxEmailLength
	}
	return MaxMsisdnLength
}

// value bounds one attribute value of key as it would be stored, whatever
// the attribute's type: a value of the wrong type is dropped, not stored,
// but it is bounded all the same, so that the rule does not depend on
// definitions. It returns what the value should be, or "" when it is
// within the limits; the caller names the field (no string is built on
// the way for a value that passes).
func (l Limits) value(key string, v any) (should string) {
	switch x := v.(type) {
	case string:
		max := l.valueLength(key)
		if n := chars(x, max); n > max {
			return tooLongText(max, n)
		}
	case []any:
		return l.array(x)
	}
	return ""
}

// array bounds an array value: its length, each string element, and the
// characters of the string elements together.
func (l Limits) array(list []any) (should string) {
	if len(list) > l.ArrayValues {
		return fmt.Sprintf("a list of at most %d values, got %d", l.ArrayValues, len(list))
	}
	bytes := 0
	for _, e := range list {
		if s, ok := e.(string); ok {
			if n := chars(s, l.TextLength); n > l.TextLength {
				return tooLongElement(l.TextLength, n)
			}
			bytes += len(s)
		}
	}
	if bytes <= l.ArrayLength {
		return ""
	}
	total := 0
	for _, e := range list {
		if s, ok := e.(string); ok {
			total += utf8.RuneCountInString(s)
		}
	}
	if total > l.ArrayLength {
		return fmt.Sprintf("a list of at most %d characters in all, got %d", l.ArrayLength, total)
	}
	return ""
}

// profile bounds a profile payload: its member names (attribute codes)
// and their values. The map is walked in its own order, the cheap way; on
// a failure, it is walked again in key order, so that the error names the
// same key every time.
func (l Limits) profile(values map[string]any) error {
	for k, v := range values {
		if chars(k, l.NameLength) > l.NameLength || l.value(k, v) != "" {
			return l.firstProfileProblem(values)
		}
	}
	return nil
}

func (l Limits) firstProfileProblem(values map[string]any) error {
	for _, k := range sortedKeys(values) {
		if n := chars(k, l.NameLength); n > l.NameLength {
			return limitError("profile", fmt.Sprintf("an object of member names of at most %d characters, got one of %d", l.NameLength, n))
		}
		if should := l.value(k, values[k]); should != "" {
			return limitError("profile."+k, should)
		}
	}
	return nil
}

// entries bounds the entries of a profile request: the user's external ID
// or device token, and the payload.
func (l Limits) entries(entries []ProfileEntry) error {
	for _, e := range entries {
		if e.Malformed {
			continue // skipped: it stores nothing
		}
		if err := text("extId", e.ExtID, l.IDLength); err != nil {
			return err
		}
		if err := text("deviceToken", e.DeviceToken, l.TokenLength); err != nil {
			return err
		}
		if err := texts("profile", e.Keys, l.NameLength); err != nil {
			return err
		}
		if err := l.profile(e.Values); err != nil {
			return err
		}
	}
	return nil
}

// holds reports whether a user built from a record is within the limits:
// the cheap check of loading, over the user's slices rather than the
// record's map. Limits.record says what is wrong when it is not.
func (l Limits) holds(u *user) bool {
	if chars(u.extID, l.IDLength) > l.IDLength {
		return false
	}
	for _, tag := range u.tags {
		if chars(tag, l.TagLength) > l.TagLength {
			return false
		}
	}
	for _, a := range u.profile {
		if l.value(a.key, a.val) != "" {
			return false
		}
	}
	if u.wa != nil {
		for _, n := range u.wa.numbers {
			if chars(n, MaxMsisdnLength) > MaxMsisdnLength {
				return false
			}
		}
	}
	return true
}

// categoryEntries bounds a setCategoryPreferences request.
func (l Limits) categoryEntries(entries []CategoryEntry) error {
	for _, e := range entries {
		if err := text("extId", e.ExtID, l.IDLength); err != nil {
			return err
		}
		if err := text("category", e.Category, l.NameLength); err != nil {
			return err
		}
		if err := text("channel", e.Channel, l.NameLength); err != nil {
			return err
		}
	}
	return nil
}

// record bounds a user record of the control API or a Dataset.
func (l Limits) record(r *UserRecord) error {
	if err := text("extId", r.ExtID, l.IDLength); err != nil {
		return err
	}
	if err := texts("tags", r.Tags, l.TagLength); err != nil {
		return err
	}
	if err := texts("wpNumbers", r.WpNumbers, MaxMsisdnLength); err != nil {
		return err
	}
	return l.profile(r.Profile)
}

// device bounds a device record.
func (l Limits) device(r *DeviceRecord) error {
	if err := text("installationId", r.InstallationID, l.IDLength); err != nil {
		return err
	}
	if err := text("extId", r.ExtID, l.IDLength); err != nil {
		return err
	}
	if err := text("token", r.Token, l.TokenLength); err != nil {
		return err
	}
	return text("deviceModel", r.DeviceModel, l.NameLength)
}

// message bounds a message record.
func (l Limits) message(m *MessageRecord) error {
	if err := text("title", m.Title, l.NameLength); err != nil {
		return err
	}
	if err := text("text", m.Text, l.TextLength); err != nil {
		return err
	}
	return texts("platforms", m.Platforms, l.NameLength)
}

// segment bounds a segment record's name.
func (l Limits) segment(r *SegmentRecord) error {
	if err := text("name", r.Name, l.NameLength); err != nil {
		return fmt.Errorf("segment %d: %w", r.ID, plain(err))
	}
	return nil
}

// recordError names the user of a record over a limit, unless its external
// ID is too long to be quoted in a message.
func recordError(r *UserRecord, err error) error {
	if len(r.ExtID) > 64 {
		return plain(err)
	}
	return fmt.Errorf("user %q: %w", r.ExtID, plain(err))
}

// deviceError names the device of a record over a limit, as recordError
// names users.
func deviceError(r *DeviceRecord, err error) error {
	if err == nil {
		return nil
	}
	if len(r.InstallationID) > 64 {
		return plain(err)
	}
	return fmt.Errorf("installation %q: %w", r.InstallationID, plain(err))
}

// plain is a limit error as the control API and loading report errors:
// the message alone, without the Netmera code.
func plain(err error) error {
	if e, ok := err.(*Error); ok {
		return fmt.Errorf("%s", e.Message)
	}
	return err
}
