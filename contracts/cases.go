package contracts

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netmera-mock/netmera-mock/internal/spec"
)

// Method names, short for the case tables.
const (
	get  = http.MethodGet
	post = http.MethodPost
)

// apiPath is the path of a Netmera endpoint, with an optional query of
// name, value pairs (in the order given).
func apiPath(endpoint string, query ...string) string {
	p := "/rest/3.0/" + endpoint
	for i := 0; i+1 < len(query); i += 2 {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		p += sep + url.QueryEscape(query[i]) + "=" + url.QueryEscape(query[i+1])
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// refusal is one request a case expects to be refused with an envelope.
type refusal struct {
	name         string
	method, path string
	body         any
	header       []string
	status, code int
	message      string
}

// refuseAll sends each request and checks its error envelope.
func (c *Check) refuseAll(rs []refusal) {
	for _, r := range rs {
		status := r.status
		if status == 0 {
			status = http.StatusBadRequest
		}
		resp := c.Send(Request{Method: r.method, Path: r.path, Body: r.body, Header: r.header})
		if !c.Refused(resp, status, r.code, r.message) {
			c.Errorf("\t(the refusal above is %q)", r.name)
		}
	}
}

// documentOp is one operation of the embedded document.
type documentOp struct {
	id, method, path string
	arrayBody        bool // the body is, or may be, a JSON array
	objectBody       bool // the body is, or may be, a JSON object
	hasBody          bool
}

// documentOps lists the document's operations, sorted by ID.
func documentOps(c *Check) []documentOp {
	doc, err := Default()
	if err != nil {
		c.Fatalf("%v", err)
	}
	var out []documentOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			d := documentOp{id: op.OperationID, method: method, path: path}
			if s := spec.BodySchema(op); s != nil {
				d.hasBody, d.arrayBody, d.objectBody = true, admitsType(s, openapi3.TypeArray), admitsType(s, openapi3.TypeObject)
			}
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// admitsType reports whether s, or one of its oneOf/anyOf alternatives,
// is of type typ.
func admitsType(s *openapi3.Schema, typ string) bool {
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

// harmlessBody is a body that changes nothing even if the server applied
// it: an empty list, or an empty object.
func (o documentOp) harmlessBody() any {
	switch {
	case !o.hasBody:
		return nil
	case o.arrayBody && !o.objectBody:
		return "[]"
	}
	return "{}"
}

// name is the endpoint part of the path, such as "tagUsers".
func (o documentOp) name() string { return strings.TrimPrefix(o.path, "/rest/3.0/") }

// Error texts of the fake that several cases check.
const (
	msgInvalidJSON = "Invalid JSON"
	msgBadKey      = "API key is invalid"
)
