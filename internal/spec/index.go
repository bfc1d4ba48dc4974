package spec

import (
	"net/http"
	"net/url"
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
// the schema admits null), on a copy when there are any. It returns nil or
// a *ValidationError.
func (o *Operation) CheckBody(v any) error {
	if o.Body == nil || o.quick != nil && o.quick.valid(v) {
		return nil // valid: kin-openapi would say so (a null is never quick-valid)
	}
	if hasNull(v) {
		v = zeroNulls(cloneValue(v), o.Body)
	}
	if err := o.Body.VisitJSON(v, openapi3.VisitAsRequest()); err != nil {
		return bodyError(err)
	}
	return nil
}

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
