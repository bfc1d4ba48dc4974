package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/netmera-mock/netmera-mock/state"
)

// readBody reads the whole body; a body over the size limit or one that
// cannot be read is invalid JSON to the client.
func readBody(r *http.Request) ([]byte, error) {
	if c := callOf(r.Context()); c != nil {
		return c.body, nil // serveAPI read it already
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, state.Invalidf(state.CodeInvalidJSON, "Request body is larger than %d bytes", tooBig.Limit)
		}
		return nil, state.ErrInvalidJSON()
	}
	return b, nil
}

// decodeObject decodes a JSON object body into v, a pointer to a struct.
// Syntax errors and a body that is not an object answer 2009; a field of
// the wrong type answers 2004 naming the field.
func decodeObject(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	// JSON null decodes into a struct without error, leaving it empty; it
	// is not an object, so it is invalid JSON rather than missing fields.
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return state.ErrInvalidJSON()
	}
	return unmarshal(b, v)
}

func unmarshal(b []byte, v any) error {
	b = dropFoldedMembers(b, v)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return state.ErrInvalidJSON()
	}
	return nil
}

// dropFoldedMembers removes from a JSON object the members whose names
// match a field of v, a pointer to a struct, only when case is ignored.
// encoding/json would bind "EXTIDS" to extIds; Netmera binds names exactly
// and ignores unknown members, so to it such a member is not the field.
// b is returned as it is when nothing needs dropping or it is no object.
func dropFoldedMembers(b []byte, v any) []byte {
	names := jsonNames(v)
	if len(names) == 0 {
		return b
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return b // the real decoding reports what is wrong
	}
	folded := func(k string) bool {
		if names[k] {
			return false
		}
		for n := range names {
			if strings.EqualFold(k, n) {
				return true
			}
		}
		return false
	}
	drop := false
	for k := range obj {
		if folded(k) {
			delete(obj, k)
			drop = true
		}
	}
	if !drop {
		return b
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return b
	}
	return out
}

// jsonFieldNames caches jsonNames per struct type.
var jsonFieldNames sync.Map // reflect.Type -> map[string]bool

// jsonNames is the set of JSON member names of v's struct fields; nil
// when v is not a pointer to a struct.
func jsonNames(v any) map[string]bool {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	t = t.Elem()
	if names, ok := jsonFieldNames.Load(t); ok {
		return names.(map[string]bool)
	}
	names := map[string]bool{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		names[name] = true
	}
	jsonFieldNames.Store(t, names)
	return names
}

// jsonError turns a decoding error into Netmera's answer.
func jsonError(err error, v any) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		field := strings.SplitN(te.Field, ".", 2)[0]
		want := typeWord(te.Type)
		if ft, ok := fieldType(v, field); ok && ft.Kind() == reflect.Slice && ft.Elem() == te.Type {
			want = "a list of " + strings.TrimPrefix(strings.TrimPrefix(want, "an "), "a ") + "s"
		}
		return state.ErrWrongType(field, want)
	}
	var se *state.Error
	if errors.As(err, &se) {
		return se
	}
	return state.ErrInvalidJSON()
}

// typeWord is Netmera's word for a JSON type, as in "should be a text".
func typeWord(t reflect.Type) string {
	if t == reflect.TypeFor[json.Number]() {
		return "a number"
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
	case reflect.Pointer:
		return typeWord(t.Elem())
	default:
		return "an object"
	}
}

// fieldType finds the Go type of the struct field with JSON name name.
func fieldType(v any, name string) (reflect.Type, bool) {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if strings.Split(f.Tag.Get("json"), ",")[0] == name {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			return ft, true
		}
	}
	return nil, false
}

// stringList is a field Netmera accepts as one string or a list of strings
// (tagUsers' "tag").
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeFor[string]()}
	}
	*l = many
	return nil
}

// decodeArray reads an array-bodied endpoint's body as its raw elements.
// A single object is taken as a one-element array when single allows it,
// and refused with 2009 otherwise, as Netmera refuses it.
func decodeArray(r *http.Request, single bool) ([]json.RawMessage, error) {
	b, err := readBody(r)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(b)
	if single && len(trimmed) > 0 && trimmed[0] == '{' {
		var obj json.RawMessage
		if err := unmarshal(trimmed, &obj); err != nil {
			return nil, err
		}
		return []json.RawMessage{obj}, nil
	}
	var list []json.RawMessage
	if err := unmarshal(trimmed, &list); err != nil {
		return nil, state.ErrInvalidJSON()
	}
	if list == nil { // the body was JSON null
		return nil, state.ErrInvalidJSON()
	}
	return list, nil
}

// entryObject decodes one array element as an object of raw fields; ok is
// false when it is not an object.
func entryObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// optString reads an optional string field: absent or null is "", ok is
// false for another JSON type.
func optString(m map[string]json.RawMessage, key string) (string, bool) {
	raw, present := m[key]
	if !present || string(raw) == "null" {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// decodeValue decodes any JSON value keeping numbers exact.
func decodeValue(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

// queryInt reads an optional integer query parameter; a value that is not
// an integer answers 2004.
func queryInt(r *http.Request, name string, def int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, state.ErrWrongType(name, "an integer")
	}
	return n, nil
}
