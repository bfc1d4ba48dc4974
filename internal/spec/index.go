package spec

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Index is the fast path of request validation, for a server: it finds an
// operation by method and path with one map lookup, and validates a
// request whose body the server has already parsed (see jsonvalue), with
// kin-openapi's own parameter and schema checks. It answers exactly what
// Validator.ValidateRequest answers, without building a router match,
// cloning the request, decoding the body a second time or running the
// security check (the server checks API keys itself).
//
// An Index is built once per document and shared (IndexFor); it is safe
// for concurrent use.
type Index struct {
	ops map[string]*Operation // "POST /rest/3.0/tagUsers"
}

// Operation is one operation of the document, ready to validate requests.
type Operation struct {
	// ID is the operation's operationId.
	ID string
	// Body is the JSON schema of the request body; nil when the operation
	// takes none.
	Body *openapi3.Schema

	params []*openapi3.Parameter // in the order openapi3filter checks them
	quick  *quick                // Body compiled for valid bodies; nil: kin-openapi only
}

var indexes sync.Map // *openapi3.T -> *Index

// IndexFor returns the index of doc, building it on first use. doc must
// have been loaded and validated (see Load) and must not change after.
func IndexFor(doc *openapi3.T) *Index {
	if x, ok := indexes.Load(doc); ok {
		return x.(*Index)
	}
	x, _ := indexes.LoadOrStore(doc, newIndex(doc))
	return x.(*Index)
}

func newIndex(doc *openapi3.T) *Index {
	x := &Index{ops: map[string]*Operation{}}
	if doc.Paths == nil {
		return x
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &Operation{ID: op.OperationID, Body: BodySchema(op)}
			if o.Body != nil {
				o.quick = compileQuick(o.Body)
			}
			// openapi3filter checks the path item's parameters that the
			// operation does not override, then the operation's own.
			for _, ref := range item.Parameters {
				p := ref.Value
				if p != nil && op.Parameters.GetByInAndName(p.In, p.Name) == nil {
					o.params = append(o.params, p)
				}
			}
			for _, ref := range op.Parameters {
				if ref.Value != nil {
					o.params = append(o.params, ref.Value)
				}
			}
			x.ops[method+" "+path] = o
		}
	}
	return x
}

// Lookup returns the operation of method and path (no query), or nil.
// Paths are matched exactly: the fake's document has no path templates.
func (x *Index) Lookup(method, path string) *Operation {
	return x.ops[method+" "+path]
}

// paramOptions are the options of parameter checks: no defaults written
// into the request, which is not cloned.
var paramOptions = &openapi3filter.Options{SkipSettingDefaults: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}

// CheckParams validates r's query and header parameters; query is r's
// parsed query, or nil to parse it here. Headers named in lenient
// (canonical or not) are not checked: the server accepts any value of them
// by a switch. It returns nil or a *ValidationError.
func (o *Operation) CheckParams(r *http.Request, query url.Values, lenient ...string) error {
	if len(o.params) == 0 {
		return nil
	}
	input := &openapi3filter.RequestValidationInput{Request: r, QueryParams: query, Options: paramOptions}
	for _, p := range o.params {
		if p.In == openapi3.ParameterInHeader && isLenient(p.Name, lenient) {
			continue
		}
		if err := openapi3filter.ValidateParameter(r.Context(), input, p); err != nil {
			return requestError(err)
		}
	}
	return nil
}

func isLenient(name string, lenient []string) bool {
	for _, l := range lenient {
		if strings.EqualFold(l, name) {
			return true
		}
	}
	return false
}

// CheckBody validates a parsed body: the value jsonvalue.Parse returned,
// which it does not modify. It reads nulls as the handlers do (a null
// member is absent, a null list element the zero value of its type, unless
// the schema admits null), on a copy when there are any. It returns nil, a
// *ValidationError, or ctx's error once ctx is done. A valid body is
// decided by the compiled check alone; any other goes to kin-openapi,
// which words the refusal, and an array body (a thousand profile entries
// take a second or two there) goes one element at a time: the check stops
// at the first bad element, and between two elements when the client has
// gone.
func (o *Operation) CheckBody(ctx context.Context, v any) error {
	if o.Body == nil || o.quick != nil && o.quick.valid(v) {
		return nil // valid: kin-openapi would say so (a null is never quick-valid)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if list, ok := v.([]any); ok && byElement(o.Body) {
		items := o.Body.Items.Value
		var quickItems *quick
		if o.quick != nil {
			quickItems = o.quick.items
		}
		for i, e := range list {
			if err := ctx.Err(); err != nil {
				return err
			}
			if quickItems != nil && quickItems.valid(e) {
				continue
			}
			if e == nil {
				e = zeroOf(items)
			} else if hasNull(e) {
				e = zeroNulls(cloneValue(e), items)
			}
			if err := items.VisitJSON(e, bodyOptions...); err != nil {
				return elementError(err, i)
			}
		}
		return nil
	}
	if hasNull(v) {
		v = zeroNulls(cloneValue(v), o.Body)
	}
	if err := o.Body.VisitJSON(v, bodyOptions...); err != nil {
		return bodyError(err)
	}
	return nil
}

// byElement reports whether validating an array against s is validating
// each element against s's items, in order: s is a plain array schema,
// with nothing to check on the array as a whole.
func byElement(s *openapi3.Schema) bool {
	return s.Type != nil && len(*s.Type) == 1 && s.Type.Is(openapi3.TypeArray) && s.Items != nil && s.Items.Value != nil &&
		s.Not == nil && len(s.OneOf) == 0 && len(s.AnyOf) == 0 && len(s.AllOf) == 0 && len(s.Enum) == 0 &&
		s.MinItems == 0 && s.MaxItems == nil && !s.UniqueItems && len(s.PrefixItems) == 0 && s.Always == nil
}

// elementError maps an error about element i of an array body, as the
// whole body's validation reports it.
func elementError(err error, i int) error {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return schemaError(se, []string{strconv.Itoa(i)})
	}
	return bodyError(err)
}

// bodyOptions are the options of body checks. Only the structure of a
// schema error is read (see schemaError), never its text, so the text is
// not made: kin-openapi writes the failing value into the text of every
// oneOf failure, indented, which costs the square of the nesting depth.
var bodyOptions = []openapi3.SchemaValidationOption{openapi3.VisitAsRequest(), openapi3.DisableSchemaErrorDetails()}

func hasNull(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range t {
			if hasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasNull(e) {
				return true
			}
		}
	}
	return false
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, e := range t {
			c[k] = cloneValue(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = cloneValue(e)
		}
		return c
	}
	return v
}

// bodyError maps a schema error of the body as requestError does.
func bodyError(err error) error {
	return requestError(&openapi3filter.RequestError{Err: err})
}
