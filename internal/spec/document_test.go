package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// wantRoutes is every Netmera endpoint netmera-mock serves (the server's
// Routes(): mockserver/routes.go without the 501 endpoints). Another test
// compares the server with the document; this one pins the document.
var wantRoutes = []string{
	"GET /rest/3.0/app/events",
	"GET /rest/3.0/app/profile-attributes",
	"GET /rest/3.0/getCategoryPreferences",
	"GET /rest/3.0/getDeviceTokens",
	"GET /rest/3.0/getDevices",
	"GET /rest/3.0/getProfileAttributes",
	"GET /rest/3.0/getPushCategories",
	"GET /rest/3.0/getPushResult",
	"GET /rest/3.0/getPushStats",
	"GET /rest/3.0/getSegmentUsers",
	"GET /rest/3.0/getSegments",
	"GET /rest/3.0/inbox/get",
	"POST /rest/3.0/addEmail",
	"POST /rest/3.0/addMsisdn",
	"POST /rest/3.0/addTesters",
	"POST /rest/3.0/createNotificationDefinition",
	"POST /rest/3.0/deleteProfileAttributeValue",
	"POST /rest/3.0/deleteProfileAttributes",
	"POST /rest/3.0/deleteUsers",
	"POST /rest/3.0/deleteUsersPermanently",
	"POST /rest/3.0/disableMail",
	"POST /rest/3.0/disablePush",
	"POST /rest/3.0/disableSms",
	"POST /rest/3.0/disableWhatsApp",
	"POST /rest/3.0/enableMail",
	"POST /rest/3.0/enablePush",
	"POST /rest/3.0/enableSms",
	"POST /rest/3.0/enableWhatsApp",
	"POST /rest/3.0/fireEvents",
	"POST /rest/3.0/geofence/add",
	"POST /rest/3.0/inbox/getAllInbox",
	"POST /rest/3.0/inbox/statusChange",
	"POST /rest/3.0/pullProfileAttributes",
	"POST /rest/3.0/pushProfileAttributes",
	"POST /rest/3.0/registerUsers",
	"POST /rest/3.0/removeEmail",
	"POST /rest/3.0/removeMsisdn",
	"POST /rest/3.0/removeWhatsApp",
	"POST /rest/3.0/sendBulkEmail",
	"POST /rest/3.0/sendBulkNotification",
	"POST /rest/3.0/sendEmailAndSms",
	"POST /rest/3.0/sendEmailWithAttachment",
	"POST /rest/3.0/sendNotification",
	"POST /rest/3.0/sendPushApproval",
	"POST /rest/3.0/setCategoryPreferences",
	"POST /rest/3.0/setProfileAttributes",
	"POST /rest/3.0/tagUsers",
	"POST /rest/3.0/targeting/count",
	"POST /rest/3.0/targeting/count-batch",
	"POST /rest/3.0/unsetProfileAttributes",
	"POST /rest/3.0/untagUsers",
	"POST /rest/3.0/update-live-activity",
	"POST /rest/3.0/updateEmail",
	"POST /rest/3.0/updateMsisdn",
	"POST /rest/3.0/updateWhatsApp",
}

// operation is one method of one path of the document.
type operation struct {
	method, path, id string
	op               *openapi3.Operation
}

func (o operation) route() string { return o.method + " " + o.path }

// mustDoc returns the embedded document.
func mustDoc(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := Default()
	if err != nil {
		tb.Fatalf("Default() = %v", err)
	}
	return doc
}

// mustOperations lists every operation of the embedded document, sorted.
func mustOperations(tb testing.TB) []operation {
	tb.Helper()
	return operations(mustDoc(tb))
}

func operations(doc *openapi3.T) []operation {
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, operation{method: method, path: path, id: op.OperationID, op: op})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return strings.Compare(a.route(), b.route()) })
	return ops
}

func TestDefaultLoads(t *testing.T) {
	t.Parallel()
	doc := mustDoc(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "https://restapi.netmera.com" {
		t.Errorf("servers = %v, want the one https://restapi.netmera.com", doc.Servers)
	}
	again, err := Default()
	if err != nil || again != doc {
		t.Errorf("Default() a second time = %p, %v; want the same document %p", again, err, doc)
	}
	if _, err := Load(Document()); err != nil {
		t.Errorf("Load(Document()) = %v", err)
	}
}

func TestDocumentIsACopy(t *testing.T) {
	t.Parallel()
	d := Document()
	d[0] = '#'
	if Document()[0] == '#' {
		t.Error("changing Document()'s result changed the embedded document")
	}
}

// TestLoadRefuses checks that Load reports documents it must not accept.
func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	doc := string(Document())
	tests := []struct {
		name, data, want string
	}{
		{name: "not YAML", data: "openapi: [", want: "parse"},
		{name: "version 3.1", data: strings.Replace(doc, "openapi: 3.0.3", "openapi: 3.1.0", 1), want: "3.0"},
		{name: "example off its schema", data: strings.Replace(doc, "value: {extIds: [externalid]}", "value: {extIds: externalid}", 1), want: "invalid"},
		{name: "dangling reference", data: strings.Replace(doc, "#/components/schemas/ExtIdsRequest", "#/components/schemas/Nope", 1), want: "Nope"},
		{name: "external reference", data: strings.Replace(doc, "#/components/schemas/ExtIdsRequest", "other.yaml#/Nope", 1), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.data == doc {
				t.Fatal("the test did not change the document")
			}
			_, err := Load([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "openapi: ") {
				t.Errorf("Load(%s) = %v, want an error naming %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	var got []string
	for _, op := range mustOperations(t) {
		got = append(got, op.route())
	}
	if diff := cmp.Diff(wantRoutes, got); diff != "" {
		t.Errorf("the document's operations differ from the fake's routes (-want +got):\n%s", diff)
	}
}

// operationID is the id an endpoint's path gives: "tagUsers",
// "appProfileAttributes" for app/profile-attributes.
func operationID(path string) string {
	parts := strings.FieldsFunc(strings.TrimPrefix(path, "/rest/3.0/"), func(r rune) bool { return r == '/' || r == '-' })
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// takesNoInput are the operations without parameters or body: they
// refuse nothing, so they have no 400 response.
var takesNoInput = map[string]bool{"appProfileAttributes": true, "appEvents": true, "getPushCategories": true}

func TestOperations(t *testing.T) {
	t.Parallel()
	for _, o := range mustOperations(t) {
		t.Run(o.route(), func(t *testing.T) {
			t.Parallel()
			op := o.op
			if want := operationID(o.path); o.id != want {
				t.Errorf("operationId = %q, want %q", o.id, want)
			}
			if op.Summary == "" || op.Description == "" || len(op.Tags) != 1 {
				t.Errorf("summary %q, description of %d bytes, tags %v: want a summary, a description and one tag",
					op.Summary, len(op.Description), op.Tags)
			}
			for status, schema := range map[int]string{400: "ErrorResponse", 403: "ErrorResponse"} {
				ref := op.Responses.Status(status)
				if ref == nil {
					if status == 400 && takesNoInput[o.id] {
						continue // refuses nothing
					}
					t.Errorf("no %d response", status)
					continue
				}
				if got := schemaRef(ref.Value, "application/json"); got != "#/components/schemas/"+schema {
					t.Errorf("%d response schema = %q, want %s", status, got, schema)
				}
			}
			if ref := op.Responses.Status(404); ref == nil || ref.Ref != "#/components/responses/NotFound" {
				t.Errorf("404 response = %v, want #/components/responses/NotFound", ref)
			} else if got := schemaRef(ref.Value, "application/problem+json"); got != "#/components/schemas/Problem" {
				t.Errorf("404 response schema = %q, want Problem under application/problem+json", got)
			}
			ok := op.Responses.Status(200)
			if ok == nil {
				t.Fatal("no 200 response")
			}
			statuses := slices.Sorted(maps.Keys(op.Responses.Map()))
			extra := 0
			if op.Responses.Status(204) != nil { // a read that finds nothing (inbox/get)
				extra = 1
			}
			if len(statuses) != 4+extra && !(takesNoInput[o.id] && len(statuses) == 3) {
				t.Errorf("responses %v, want exactly 200, 400, 403 and 404 (and 204 for a read that may find nothing)", statuses)
			}
			switch {
			case o.method == http.MethodGet:
				if op.RequestBody != nil {
					t.Error("a GET with a request body")
				}
				if schemaRef(ok.Value, "application/json") == "" && len(ok.Value.Content) == 0 {
					t.Error("a read whose 200 response has no JSON schema")
				}
			default:
				if op.RequestBody == nil || !op.RequestBody.Value.Required || len(op.RequestBody.Value.Content) == 0 {
					t.Error("a write without a required request body")
				}
				// A write answers Netmera's empty 200, or the JSON body it
				// documents (a new key or id, {}, what a read-like POST returns).
				if len(ok.Value.Content) == 0 {
					if ok.Ref != "#/components/responses/Applied" {
						t.Errorf("a write's empty 200 response = %q, want #/components/responses/Applied", ok.Ref)
					}
				} else if ok.Value.Content.Get("application/json") == nil {
					t.Error("a write's 200 response has content that is not JSON")
				}
			}
			if op.Security != nil {
				t.Errorf("security %v overrides the global API key", *op.Security)
			}
		})
	}
}

// schemaRef is the $ref of a response's schema for a media type, or ""
// (also for an inline schema).
func schemaRef(r *openapi3.Response, mediaType string) string {
	if r == nil || r.Content[mediaType] == nil || r.Content[mediaType].Schema == nil {
		return ""
	}
	return r.Content[mediaType].Schema.Ref
}

func TestSecurity(t *testing.T) {
	t.Parallel()
	doc := mustDoc(t)
	want := openapi3.SecurityRequirements{{"netmeraApiKey": {}}}
	if diff := cmp.Diff(want, doc.Security); diff != "" {
		t.Errorf("global security (-want +got):\n%s", diff)
	}
	s := doc.Components.SecuritySchemes["netmeraApiKey"]
	if s == nil || s.Value.Type != "apiKey" || s.Value.In != "header" || s.Value.Name != "X-netmera-api-key" {
		t.Errorf("security scheme netmeraApiKey = %+v, want an apiKey in header X-netmera-api-key", s)
	}
}

// TestOSHeader checks that exactly the segment operations take
// X-netmera-os, required, IOS or ANDROID.
func TestOSHeader(t *testing.T) {
	t.Parallel()
	var got []string
	for _, o := range mustOperations(t) {
		for _, p := range o.op.Parameters {
			if !strings.EqualFold(p.Value.Name, "X-netmera-os") {
				continue
			}
			got = append(got, o.id)
			if p.Value.In != "header" || !p.Value.Required || !cmp.Equal(p.Value.Schema.Value.Enum, []any{"IOS", "ANDROID"}) {
				t.Errorf("%s: X-netmera-os is %+v, want a required header IOS or ANDROID", o.id, p.Value)
			}
		}
	}
	if diff := cmp.Diff([]string{"getSegmentUsers", "getSegments"}, got); diff != "" {
		t.Errorf("operations with X-netmera-os (-want +got):\n%s", diff)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	b, err := JSON()
	if err != nil {
		t.Fatalf("JSON() = %v", err)
	}
	if !json.Valid(b) {
		t.Fatal("JSON() is not JSON")
	}
	doc, err := Load(b)
	if err != nil {
		t.Fatalf("Load(JSON()) = %v", err)
	}
	again, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Errorf("JSON() changes through Load: %d bytes, then %d", len(b), len(again))
	}
	var routes []string
	for _, op := range operations(doc) {
		routes = append(routes, op.route())
	}
	if diff := cmp.Diff(wantRoutes, routes); diff != "" {
		t.Errorf("routes of JSON() (-want +got):\n%s", diff)
	}
	if !bytes.Contains(b, []byte(`"x-body-optional":true`)) {
		t.Error("JSON() lost the x-body-optional extension")
	}
}

// example is one example of the document and the schema it illustrates.
type example struct {
	where   string
	value   any
	schema  *openapi3.SchemaRef
	request bool // a request example, checked against the documented shape too
}

// allExamples walks the whole document: the examples of every parameter,
// request body and response of every operation, and the example of every
// schema reachable from the components.
func allExamples(doc *openapi3.T) []example {
	var out []example
	media := func(where string, content openapi3.Content, request bool) {
		for mt, m := range content {
			if m.Schema == nil {
				continue
			}
			if m.Example != nil {
				out = append(out, example{where + " " + mt + " example", m.Example, m.Schema, request})
			}
			for name, ex := range m.Examples {
				out = append(out, example{where + " " + mt + " example " + name, ex.Value.Value, m.Schema, request})
			}
		}
	}
	for _, o := range operations(doc) {
		for _, p := range o.op.Parameters {
			where := o.id + " parameter " + p.Value.Name
			if p.Value.Example != nil {
				out = append(out, example{where + " example", p.Value.Example, p.Value.Schema, true})
			}
			for name, ex := range p.Value.Examples {
				out = append(out, example{where + " example " + name, ex.Value.Value, p.Value.Schema, true})
			}
		}
		if rb := o.op.RequestBody; rb != nil {
			media(o.id+" request", rb.Value.Content, true)
		}
		for status, r := range o.op.Responses.Map() {
			media(o.id+" "+status, r.Value.Content, false)
		}
	}
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, s *openapi3.SchemaRef)
	walk = func(where string, s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		if s.Value.Example != nil {
			out = append(out, example{where + " example", s.Value.Example, s, false})
		}
		for name, p := range s.Value.Properties {
			walk(where+"."+name, p)
		}
		walk(where+"[]", s.Value.Items)
		if ap := s.Value.AdditionalProperties.Schema; ap != nil {
			walk(where+"{}", ap)
		}
		for i, alts := range []openapi3.SchemaRefs{s.Value.OneOf, s.Value.AnyOf, s.Value.AllOf} {
			for j, alt := range alts {
				walk(fmt.Sprintf("%s(%d.%d)", where, i, j), alt)
			}
		}
	}
	for name, s := range doc.Components.Schemas {
		walk("schema "+name, s)
	}
	for name, p := range doc.Components.Parameters {
		walk("parameter "+name, p.Value.Schema)
	}
	return out
}

// jsonValue turns a value decoded from YAML into what encoding/json gives
// for the same JSON, as a request or response body would be.
func jsonValue(tb testing.TB, v any) any {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal example %v: %v", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestExamples validates every example of the document against its
// schema, and request examples also against the documented shape, not only
// the permissive alternatives the fake tolerates.
func TestExamples(t *testing.T) {
	t.Parallel()
	doc := mustDoc(t)
	uri := openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(absoluteURL))
	examples := allExamples(doc)
	perOp := map[string]int{}
	for _, ex := range examples {
		perOp[strings.Fields(ex.where)[0]]++
		value := jsonValue(t, ex.value)
		mode := openapi3.VisitAsResponse()
		if ex.request {
			mode = openapi3.VisitAsRequest()
		}
		if err := ex.schema.Value.VisitJSON(value, mode, uri); err != nil {
			t.Errorf("%s does not match its schema: %v", ex.where, err)
		}
		if ex.request {
			if err := documentedShape(ex.schema, value); err != nil {
				t.Errorf("%s is accepted only as a skipped entry: %v", ex.where, err)
			}
		}
	}
	for _, o := range mustOperations(t) {
		if perOp[o.id] < 2 {
			t.Errorf("%s has %d examples, want at least a request or parameter example and a response example", o.id, perOp[o.id])
		}
	}
	if len(examples) < 150 {
		t.Errorf("found %d examples; the walker is missing some", len(examples))
	}
	t.Logf("validated %d examples", len(examples))
}

// documentedShape validates value against s with the catch-all SkippedEntry
// alternatives left out, so that an example shows the shape clients should
// send.
func documentedShape(s *openapi3.SchemaRef, value any) error {
	var alts openapi3.SchemaRefs
	for _, alt := range s.Value.AnyOf {
		if alt.Ref != "#/components/schemas/SkippedEntry" {
			alts = append(alts, alt)
		}
	}
	switch {
	case len(alts) < len(s.Value.AnyOf):
		var errs []error
		for _, alt := range alts {
			err := documentedShape(alt, value)
			if err == nil {
				return nil
			}
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	case s.Value.Items != nil:
		if list, ok := value.([]any); ok {
			for i, item := range list {
				if err := documentedShape(s.Value.Items, item); err != nil {
					return fmt.Errorf("entry %d: %w", i, err)
				}
			}
			return nil
		}
	}
	return s.Value.VisitJSON(value, openapi3.VisitAsRequest())
}

// TestErrorExamples checks the error envelopes the document shows: known
// Netmera codes only, and 2010 on every 403.
func TestErrorExamples(t *testing.T) {
	t.Parallel()
	// The codes of Netmera's error table that the fake answers.
	known := map[float64]bool{2001: true, 2004: true, 2009: true, 2010: true, 2020: true, 2021: true, 2022: true,
		2101: true, 5003: true, 5016: true, 5018: true, 5022: true, 5024: true, 5028: true, 5042: true}
	n := 0
	for _, ex := range allExamples(mustDoc(t)) {
		if ex.schema.Ref != "#/components/schemas/ErrorResponse" {
			continue
		}
		n++
		var env struct {
			Code  float64 `json:"code"`
			Error string  `json:"error"`
		}
		b, _ := json.Marshal(ex.value)
		if err := json.Unmarshal(b, &env); err != nil || !known[env.Code] || env.Error == "" {
			t.Errorf("%s = %s, want a known code and a message", ex.where, b)
		}
		if strings.Contains(ex.where, " 403 ") && env.Code != 2010 {
			t.Errorf("%s = %s, want code 2010", ex.where, b)
		}
	}
	if n < 26 {
		t.Errorf("found %d error examples, want at least one per operation", n)
	}
}
