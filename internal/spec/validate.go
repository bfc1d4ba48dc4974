package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Netmera's error codes a ValidationError carries.
const (
	CodeTypeMismatch     = 2004 // a value of the wrong type
	CodeInvalidJSON      = 2009 // a body that is not the JSON the endpoint takes
	CodeMissingParameter = 2020 // a required parameter, header or member is missing
)

// ErrNoRoute is returned, wrapped, for a request whose method and path name
// no operation of the document.
var ErrNoRoute = errors.New("openapi: no operation for this method and path")

// ValidationError is a request the document refuses, in Netmera's terms:
// the server answers 400 {"code": Code, "error": Message}.
type ValidationError struct {
	// Code is 2009 (invalid JSON), 2020 (missing) or 2004 (wrong type).
	Code int
	// Field names the parameter, header or body member at fault; it is
	// empty when the body as a whole is wrong.
	Field string
	// Message is the text of the envelope's "error" member.
	Message string

	err error // what kin-openapi reported, if anything
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("openapi: netmera error %d: %s", e.Code, e.Message)
}

// Unwrap returns kin-openapi's own report, when there is one.
func (e *ValidationError) Unwrap() error { return e.err }

// Validator checks requests and responses against an OpenAPI document. It
// is safe for concurrent use.
type Validator struct {
	router   routers.Router
	reqOpts  *openapi3filter.Options
	respOpts *openapi3filter.Options
}

// NewValidator builds a Validator for doc, which must have been loaded and
// validated (see Load). Requests are matched on method and path only,
// whatever their scheme and host, so the same Validator serves a fake on
// 127.0.0.1 and the document's own server. doc is not modified.
func NewValidator(doc *openapi3.T) (*Validator, error) {
	if doc == nil {
		return nil, errors.New("openapi: nil OpenAPI document")
	}
	// With no servers, the router matches paths on any host.
	anyHost := *doc
	anyHost.Servers = nil
	router, err := gorillamux.NewRouter(&anyHost)
	if err != nil {
		return nil, fmt.Errorf("openapi: build router: %w", err)
	}
	uri := openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(absoluteURL))
	return &Validator{
		router: router,
		reqOpts: &openapi3filter.Options{
			// The server checks API keys itself, per tenant.
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
		respOpts: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{uri},
		},
	}, nil
}

func absoluteURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if !u.IsAbs() || u.Host == "" {
		return errors.New("not an absolute URL")
	}
	return nil
}

func (v *Validator) route(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s %s", ErrNoRoute, r.Method, r.URL.Path)
	}
	return route, params, nil
}

// OperationID names the operation r's method and path select; ok is false
// when they select none.
func (v *Validator) OperationID(r *http.Request) (id string, ok bool) {
	route, _, err := v.route(r)
	if err != nil {
		return "", false
	}
	return route.Operation.OperationID, true
}

// ValidateRequest checks r, whose body has already been read into body (r's
// own Body is not read), against its operation. It returns nil, an error
// wrapping ErrNoRoute, or a *ValidationError.
//
// It follows the fake's reading of requests: the body is JSON whatever its
// Content-Type; it must be exactly one JSON value; a null member counts as
// absent and a null list element its type's zero value, as Go's decoder
// reads them. A body the operation takes in another media type only (the
// multipart form of sendEmailWithAttachment) is checked as sent; one of
// another Content-Type is then invalid (2009). API keys are not checked. A request that passes may still be
// refused by the handler for what a schema cannot say (an unknown user, an
// empty tag, every profile entry skipped).
func (v *Validator) ValidateRequest(r *http.Request, body []byte) error {
	route, params, err := v.route(r)
	if err != nil {
		return err
	}
	req := r.Clone(r.Context())
	req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	switch schema := BodySchema(route.Operation); {
	case schema != nil:
		if !json.Valid(body) {
			return invalidJSON(nil)
		}
		data := normalizeNulls(body, schema)
		req.Header.Set("Content-Type", "application/json")
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.ContentLength = int64(len(data))
	case route.Operation.RequestBody != nil:
		// A body of another media type (a multipart form) is checked as
		// sent, its Content-Type included.
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
	}
	input := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.reqOpts}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		return requestError(err)
	}
	return nil
}

// ValidateResponse checks a response to r strictly, for tests: its status
// must be declared by the operation; a response declared without content
// must have no body and no Content-Type; otherwise the body must be one
// JSON value valid against its schema (absolute URLs included), unless the
// response is marked x-body-optional and came empty, or is plain text
// where the response declares text/plain.
func (v *Validator) ValidateResponse(r *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := v.route(r)
	if err != nil {
		return err
	}
	op := route.Operation
	ref := op.Responses.Status(status)
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("openapi: %s answered %d, a status the document does not declare", op.OperationID, status)
	}
	resp := ref.Value
	ct := header.Get("Content-Type")
	if len(resp.Content) == 0 {
		if len(body) > 0 || ct != "" {
			return fmt.Errorf("openapi: %s answered %d with a body (%d bytes, Content-Type %q); the document says no body at all",
				op.OperationID, status, len(body), ct)
		}
		return nil
	}
	if len(body) == 0 && ct == "" && resp.Extensions["x-body-optional"] == true {
		return nil
	}
	if mt, _, _ := mime.ParseMediaType(ct); mt == "text/plain" {
		if resp.Content.Get("text/plain") == nil {
			return fmt.Errorf("openapi: %s answered %d in plain text %q; the document says JSON", op.OperationID, status, truncate(body))
		}
	} else if !json.Valid(body) {
		return fmt.Errorf("openapi: %s answered %d with a body that is not one JSON value: %q", op.OperationID, status, truncate(body))
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                v.respOpts,
	}
	if err := openapi3filter.ValidateResponse(r.Context(), input); err != nil {
		return fmt.Errorf("openapi: %s answered %d: %w", op.OperationID, status, err)
	}
	return nil
}

// BodySchema is the JSON schema of op's request body, or nil.
func BodySchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

func truncate(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// normalizeNulls reads JSON nulls as the handlers' decoder does: an object
// member that is null is dropped (absent), and a null array element becomes
// the zero value of the element's type ("", 0, false, {}) unless the schema
// admits null there. The body must be valid JSON.
func normalizeNulls(body []byte, schema *openapi3.Schema) []byte {
	if !bytes.Contains(body, []byte("null")) {
		return body
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return body
	}
	out, err := json.Marshal(zeroNulls(v, schema))
	if err != nil {
		return body
	}
	return out
}

func zeroNulls(v any, s *openapi3.Schema) any {
	s = alternativeFor(s, v)
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			var ps *openapi3.Schema
			if s != nil && s.Properties[k] != nil {
				ps = s.Properties[k].Value
			}
			t[k] = zeroNulls(e, ps)
		}
	case []any:
		var items *openapi3.Schema
		if s != nil && s.Items != nil {
			items = s.Items.Value
		}
		for i, e := range t {
			if e == nil {
				t[i] = zeroOf(items)
				continue
			}
			t[i] = zeroNulls(e, items)
		}
	}
	return v
}

// alternativeFor is the oneOf or anyOf alternative of s that admits v's
// JSON type, or s itself.
func alternativeFor(s *openapi3.Schema, v any) *openapi3.Schema {
	if s == nil {
		return nil
	}
	for _, alt := range append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...) {
		if alt.Value != nil && alt.Value.Type != nil && len(*alt.Value.Type) > 0 && permitsValue(alt.Value, v) {
			return alt.Value
		}
	}
	return s
}

// zeroOf is what Go's decoder leaves for a null of schema's type; nil keeps
// the null (a schema that admits it, or one without a single type).
func zeroOf(s *openapi3.Schema) any {
	if s == nil || s.Nullable || s.Type == nil || len(*s.Type) != 1 {
		return nil
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		return ""
	case s.Type.Is(openapi3.TypeInteger), s.Type.Is(openapi3.TypeNumber):
		return json.Number("0")
	case s.Type.Is(openapi3.TypeBoolean):
		return false
	case s.Type.Is(openapi3.TypeObject):
		return map[string]any{}
	}
	return nil
}

// requestError turns kin-openapi's report into Netmera's answer.
func requestError(err error) error {
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		// Not a finding about the request (none is expected with the
		// options above): report it as the request's fault all the same.
		return invalidJSON(err)
	}
	if p := re.Parameter; p != nil {
		return parameterError(p, re)
	}
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return schemaError(se, nil)
	}
	// A body that could not be decoded, or none at all.
	return invalidJSON(err)
}

func invalidJSON(err error) *ValidationError {
	return &ValidationError{Code: CodeInvalidJSON, Message: "Invalid JSON", err: err}
}

func missing(name string, err error) *ValidationError {
	return &ValidationError{Code: CodeMissingParameter, Field: name, Message: name + " is required", err: err}
}

func mismatch(field, label, should string, err error) *ValidationError {
	return &ValidationError{Code: CodeTypeMismatch, Field: field, Message: label + " should " + should, err: err}
}

// parameterError maps an error about a query parameter or header.
func parameterError(p *openapi3.Parameter, re *openapi3filter.RequestError) *ValidationError {
	label := "Field '" + p.Name + "'"
	if p.In == openapi3.ParameterInHeader {
		label = "Header '" + p.Name + "'"
	}
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) || errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue) {
		return missing(p.Name, re)
	}
	var schema *openapi3.Schema
	if p.Schema != nil {
		schema = p.Schema.Value
	}
	var pe *openapi3filter.ParseError
	if errors.As(re.Err, &pe) {
		return mismatch(p.Name, label, "be "+typeWord(schema), re)
	}
	var se *openapi3.SchemaError
	if !errors.As(re.Err, &se) {
		return mismatch(p.Name, label, "be valid", re)
	}
	if s, ok := se.Value.(string); ok && s == "" {
		// The handlers read an empty value as a missing one.
		return missing(p.Name, re)
	}
	switch se.SchemaField {
	case "enum":
		return mismatch(p.Name, label, "be "+orList(se.Schema.Enum), re)
	case "minimum":
		return mismatch(p.Name, label, atLeast(se.Schema), re)
	case "type":
		return mismatch(p.Name, label, "be "+typeWord(schema), re)
	}
	return mismatch(p.Name, label, "be valid", re)
}

// schemaError maps an error about the body; prefix is the JSON pointer of
// the value that se's own pointer is relative to.
func schemaError(se *openapi3.SchemaError, prefix []string) *ValidationError {
	path := append(append([]string(nil), prefix...), se.JSONPointer()...)
	switch se.SchemaField {
	case "required":
		// The pointer ends with the missing member's name.
		if len(path) > 0 {
			return missing(path[len(path)-1], se)
		}
		return invalidJSON(se)
	case "oneOf", "anyOf":
		alts := se.Schema.OneOf
		if se.SchemaField == "anyOf" {
			alts = se.Schema.AnyOf
		}
		if _, object := se.Value.(map[string]any); object {
			if names := requiredAlternatives(alts); names != nil {
				return missing(strings.Join(names, " or "), se)
			}
		}
		// Report what is wrong inside the alternative of the value's own
		// JSON type, if there is one; else the value's type is wrong.
		for _, alt := range alts {
			if alt.Value == nil || !permitsValue(alt.Value, se.Value) {
				continue
			}
			var sub *openapi3.SchemaError
			if err := alt.Value.VisitJSON(se.Value, bodyOptions...); errors.As(err, &sub) {
				return schemaError(sub, path)
			}
		}
		return wrongType(path, se.Schema, se)
	case "type", "nullable":
		return wrongType(path, se.Schema, se)
	case "enum":
		if name, _ := fieldName(path); name != "" {
			return mismatch(name, "Field '"+name+"'", "be "+orList(se.Schema.Enum), se)
		}
	}
	if name, _ := fieldName(path); name != "" {
		return mismatch(name, "Field '"+name+"'", "be valid", se)
	}
	return invalidJSON(se)
}

// wrongType answers a value at path that is not of schema's type. A body,
// or an array entry, of the wrong type is invalid JSON as a whole, as the
// handlers decode it.
func wrongType(path []string, schema *openapi3.Schema, err error) *ValidationError {
	name, item := fieldName(path)
	if name == "" {
		return invalidJSON(err)
	}
	word := typeWord(schema)
	if item {
		word = "a list of " + plural(word)
	}
	return mismatch(name, "Field '"+name+"'", "be "+word, err)
}

// fieldName is the member a JSON pointer ends in; item reports that the
// pointer goes one array index further, into that member's list. A pointer
// naming no member (the body, or an entry of an array body) gives "".
func fieldName(path []string) (name string, item bool) {
	if len(path) == 0 {
		return "", false
	}
	last := path[len(path)-1]
	if !isIndex(last) {
		return last, false
	}
	if len(path) >= 2 && !isIndex(path[len(path)-2]) {
		return path[len(path)-2], true
	}
	return "", false
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// requiredAlternatives returns the member names of alternatives that only
// require one member each ("extId or deviceToken"), or nil.
func requiredAlternatives(alts openapi3.SchemaRefs) []string {
	var names []string
	for _, alt := range alts {
		s := alt.Value
		if s == nil || len(s.Required) == 0 || (s.Type != nil && len(*s.Type) > 0) || len(s.Properties) > 0 {
			return nil
		}
		names = append(names, s.Required...)
	}
	return names
}

// permitsValue reports whether schema's type admits value's JSON type.
func permitsValue(schema *openapi3.Schema, value any) bool {
	switch value.(type) {
	case nil:
		return schema.Nullable
	case map[string]any:
		return schema.Type.Permits(openapi3.TypeObject)
	case []any:
		return schema.Type.Permits(openapi3.TypeArray)
	case string:
		return schema.Type.Permits(openapi3.TypeString)
	case bool:
		return schema.Type.Permits(openapi3.TypeBoolean)
	default:
		return schema.Type.Permits(openapi3.TypeNumber) || schema.Type.Permits(openapi3.TypeInteger)
	}
}

// typeWord is Netmera's word for what schema wants, as in "should be a
// text". A oneOf or anyOf is named by its list alternative when it has one
// ("a list of texts" for a tag), as the fake names it.
func typeWord(s *openapi3.Schema) string {
	if s == nil {
		return "valid"
	}
	if alts := append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...); len(alts) > 0 {
		for _, alt := range alts {
			if alt.Value != nil && alt.Value.Type.Is(openapi3.TypeArray) {
				word := "a list"
				if alt.Value.Items != nil {
					word += " of " + plural(typeWord(alt.Value.Items.Value))
				}
				return word
			}
		}
		return typeWord(alts[0].Value)
	}
	switch {
	case s.Type.Is(openapi3.TypeString):
		return "a text"
	case s.Type.Is(openapi3.TypeArray):
		return "a list"
	case s.Type.Is(openapi3.TypeBoolean):
		return "a boolean"
	case s.Type.Is(openapi3.TypeInteger):
		return "an integer"
	case s.Type.Is(openapi3.TypeNumber):
		return "a number"
	case s.Type.Is(openapi3.TypeObject):
		return "an object"
	}
	return "valid"
}

// plural turns "a text" into "texts".
func plural(word string) string {
	word = strings.TrimPrefix(strings.TrimPrefix(word, "an "), "a ")
	return word + "s"
}

// orList writes enum values as "A or B", "A, B or C".
func orList(values []any) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = fmt.Sprint(v)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// atLeast words a minimum as the fake does for page parameters.
func atLeast(s *openapi3.Schema) string {
	if s.Min == nil {
		return "be valid"
	}
	switch min := *s.Min; {
	case min == 0 && !s.ExclusiveMin.IsSet():
		return "not be negative"
	case min == 1 && !s.ExclusiveMin.IsSet() && s.Type.Is(openapi3.TypeInteger):
		return "be a positive integer"
	default:
		return "be at least " + strconv.FormatFloat(min, 'f', -1, 64)
	}
}
