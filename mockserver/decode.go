package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/state"
)

// call is one API request as its endpoint gets it: the body parsed once
// and validated by the chain, the query parsed once.
type call struct {
	ctx   context.Context
	r     *http.Request // for the query and the host of nextPage links
	query url.Values    // parsed on first use
	body  any           // the JSON body (map[string]any, []any, …); nil when none
	raw   []byte        // the body as sent, for what keeps it (captured sends) or decodes it into state's types
	// note adds a line to the request's journal entry, to say what the
	// fake made of it.
	note func(string)

	nextPage string // the last link pageURL made: the answer's nextPage
}

// object returns the body as a JSON object; any other body is invalid
// JSON, as Netmera answers it.
func (c *call) object() (object, error) {
	m, ok := c.body.(map[string]any)
	if !ok {
		return nil, state.ErrInvalidJSON()
	}
	return m, nil
}

// array returns the body as a JSON array (the chain has already turned an
// accepted single object into one); any other body is invalid JSON.
func (c *call) array() ([]any, error) {
	l, ok := c.body.([]any)
	if !ok {
		return nil, state.ErrInvalidJSON()
	}
	return l, nil
}

// outcomef adds a line to the request's journal entry saying what the
// fake made of a request it took as it is; it starts with
// conformance.OutcomeNote, which no conformance rule reads as leniency.
func (c *call) outcomef(format string, args ...any) {
	if c.note != nil {
		c.note(conformance.OutcomeNote + fmt.Sprintf(format, args...))
	}
}

// values is the parsed query, parsed once.
func (c *call) values() url.Values {
	if c.query == nil {
		c.query = c.r.URL.Query()
	}
	return c.query
}

// param returns a query parameter's first value, "" when absent.
func (c *call) param(name string) string {
	if vs := c.values()[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// intParam reads an optional integer query parameter; a value that is not
// an integer answers 2004.
func (c *call) intParam(name string, def int) (int, error) {
	s := c.param(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, state.ErrWrongType(name, "an integer")
	}
	return n, nil
}

// pageURL is the URL of this request's path with a new query, on the
// scheme and host the client used (X-Forwarded-Proto and X-Forwarded-Host
// win, for a fake behind a proxy). The link is also kept as the answer's
// nextPage, for the journal.
func (c *call) pageURL(rawQuery string) string {
	r := c.r
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		host = h
	}
	u := url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawQuery: rawQuery}
	c.nextPage = u.String()
	return c.nextPage
}

// firstValue is the first of a comma-separated header's values, as proxies
// append theirs.
func firstValue(h string) string {
	first, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(first)
}

// object is a JSON object of a request body. Its accessors bind member
// names exactly (Netmera ignores "EXTIDS" where it wants "extIds"), read a
// null member as an absent one, and answer a member of the wrong JSON type
// with 2004 "Field '<name>' should be <type>", in Netmera's words.
type object map[string]any

// asObject reads one element of an array body as an object; ok is false
// for anything else.
func asObject(v any) (object, bool) {
	m, ok := v.(map[string]any)
	return m, ok
}

// text reads a string member.
func (o object) text(name string) (s string, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok = v.(string)
	if !ok {
		return "", true, state.ErrWrongType(name, "a text")
	}
	return s, true, nil
}

// texts reads a list of strings; a null element reads as "".
func (o object) texts(name string) (list []string, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, false, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, true, state.ErrWrongType(name, "a list")
	}
	list, ok = stringsOf(l)
	if !ok {
		return nil, true, state.ErrWrongType(name, "a list of texts")
	}
	return list, true, nil
}

// textOrTexts reads a member Netmera takes as one string or a list of
// strings (tagUsers' "tag").
func (o object) textOrTexts(name string) (list []string, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, false, nil
	}
	switch t := v.(type) {
	case string:
		return []string{t}, true, nil
	case []any:
		if list, ok = stringsOf(t); ok {
			return list, true, nil
		}
	}
	return nil, true, state.ErrWrongType(name, "a list of texts")
}

func stringsOf(l []any) ([]string, bool) {
	out := make([]string, len(l))
	for i, e := range l {
		switch s := e.(type) {
		case string:
			out[i] = s
		case nil: // as Go's decoder reads a null element
		default:
			return nil, false
		}
	}
	return out, true
}

// boolean reads a boolean member.
func (o object) boolean(name string) (b bool, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return false, false, nil
	}
	b, ok = v.(bool)
	if !ok {
		return false, true, state.ErrWrongType(name, "a boolean")
	}
	return b, true, nil
}

// number reads a finite number member.
func (o object) number(name string) (f float64, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return 0, false, nil
	}
	if num, ok := v.(json.Number); ok {
		if f, err := num.Float64(); err == nil && !math.IsInf(f, 0) {
			return f, true, nil
		}
	}
	return 0, true, state.ErrWrongType(name, "a number")
}

// integer reads an integral number member that fits in an int64.
func (o object) integer(name string) (n int64, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return 0, false, nil
	}
	num, ok := v.(json.Number)
	if ok {
		if n, err := strconv.ParseInt(string(num), 10, 64); err == nil {
			return n, true, nil
		}
	}
	return 0, true, state.ErrWrongType(name, "an integer")
}

// decodeJSON decodes raw, a body the chain has parsed and validated, into
// one of state's request types, which read Netmera's variants themselves:
// a member of the wrong JSON type answers 2004 "Field 'x' should be …",
// anything else that does not decode 2009. A *state.Error the type's own
// UnmarshalJSON returns is answered as it is.
func decodeJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var se *state.Error
	if errors.As(err, &se) {
		return se
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		parts := strings.Split(te.Field, ".")
		return state.ErrWrongType(parts[len(parts)-1], typeWord(te.Type))
	}
	return state.ErrInvalidJSON()
}

// typeWord is Netmera's word for a Go type, as in "should be a text".
func typeWord(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a text"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	if t == reflect.TypeFor[json.Number]() {
		return "a number"
	}
	return "an object"
}
