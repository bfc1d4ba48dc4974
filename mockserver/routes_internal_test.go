package mockserver

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netmera-mock/netmera-mock/internal/spec"
)

// TestRouteFlagsMatchDocument: what routes.go says of each endpoint's
// request (a JSON body, an array body, the X-netmera-os header) is what
// the OpenAPI document says, so the chain shapes a request as the
// document describes it, with validation on or off.
func TestRouteFlagsMatchDocument(t *testing.T) {
	s := newEmptyServer(t)
	doc, err := spec.Default()
	if err != nil {
		t.Fatal(err)
	}
	x := spec.IndexFor(doc)
	for name, ep := range s.api {
		for method, h := range ep.methods {
			op := x.Lookup(method, ep.path)
			if op == nil {
				t.Errorf("%s %s has a route but no operation in the document", method, ep.path)
				continue
			}
			hasBody := h.flags&(objectBody|arrayBody) != 0
			if docBody := op.Body != nil; hasBody != docBody {
				t.Errorf("%s %s: routes.go says a JSON body %v, the document %v", method, name, hasBody, docBody)
			}
			if op.Body != nil && !op.Body.IsEmpty() { // an empty schema: any JSON
				array := h.flags&arrayBody != 0
				object := h.flags&objectBody != 0 || h.flags&oneObjectOK != 0
				docArray, docObject := admits(op.Body, openapi3.TypeArray), admits(op.Body, openapi3.TypeObject)
				if array != docArray || object != docObject {
					t.Errorf("%s %s: routes.go says an array body %v, an object body %v; the document %v, %v", method, name, array, object, docArray, docObject)
				}
			}
			os := h.flags&osHeaderRequired != 0
			docOS := false
			for _, p := range doc.Paths.Find(ep.path).GetOperation(method).Parameters {
				if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, osHeader) {
					docOS = p.Value.Required
				}
			}
			if os != docOS {
				t.Errorf("%s %s: routes.go says X-netmera-os is required %v, the document %v", method, name, os, docOS)
			}
		}
	}
}

// admits reports whether schema, or one of its oneOf/anyOf alternatives,
// is of type typ.
func admits(s *openapi3.Schema, typ string) bool {
	if s.Type.Is(typ) {
		return true
	}
	for _, alt := range append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...) {
		if alt.Value != nil && alt.Value.Type.Is(typ) {
			return true
		}
	}
	return false
}
