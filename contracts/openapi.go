package contracts

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netmera-mock/netmera-mock/internal/spec"
)

// Document returns the embedded OpenAPI document, as YAML: the one the
// fake validates requests against and serves at /_mock/openapi.yaml. The
// caller may modify the returned slice.
func Document() []byte { return spec.Document() }

// Load parses an OpenAPI 3.0 document (YAML or JSON) and validates it,
// examples included. The document must be self-contained: external
// references are refused.
func Load(data []byte) (*openapi3.T, error) { return spec.Load(data) }

// Default returns the embedded document, loaded and validated once. The
// document is shared: callers must not modify it.
func Default() (*openapi3.T, error) { return spec.Default() }

// JSON returns the embedded document as JSON, as /_mock/openapi.json
// serves it. The caller may modify the returned slice.
func JSON() ([]byte, error) { return spec.JSON() }

// Validator checks requests and responses against an OpenAPI document with
// kin-openapi, in Netmera's terms; see NewValidator.
type Validator = spec.Validator

// ValidationError is a request the document refuses: the server answers
// 400 {"code": Code, "error": Message}.
type ValidationError = spec.ValidationError

// ErrNoRoute is returned, wrapped, for a request whose method and path name
// no operation of the document.
var ErrNoRoute = spec.ErrNoRoute

// Netmera's error codes a ValidationError carries.
const (
	CodeTypeMismatch     = spec.CodeTypeMismatch     // a value of the wrong type
	CodeInvalidJSON      = spec.CodeInvalidJSON      // a body that is not the JSON the endpoint takes
	CodeMissingParameter = spec.CodeMissingParameter // a required parameter, header or member is missing
)

// NewValidator builds a Validator for doc, which must have been loaded and
// validated (see Load). Requests are matched on method and path only,
// whatever their scheme and host. doc is not modified.
func NewValidator(doc *openapi3.T) (*Validator, error) { return spec.NewValidator(doc) }
