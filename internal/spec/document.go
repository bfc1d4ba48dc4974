package spec

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var document []byte

// Document returns the embedded OpenAPI document, as YAML. The caller may
// modify the returned slice.
func Document() []byte {
	return append([]byte(nil), document...)
}

// Load parses an OpenAPI 3.0 document (YAML or JSON) and validates it,
// examples included. The document must be self-contained: external
// references are refused.
func Load(data []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse OpenAPI document: %w", err)
	}
	if !doc.IsOpenAPI30() {
		return nil, fmt.Errorf("openapi: OpenAPI document is version %q, want 3.0.x", doc.OpenAPI)
	}
	ctx := loader.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi: invalid OpenAPI document: %w", err)
	}
	return doc, nil
}

var defaultDoc = sync.OnceValues(func() (*openapi3.T, error) { return Load(document) })

// Default returns the embedded document, loaded and validated once. The
// document is shared: callers must not modify it.
func Default() (*openapi3.T, error) {
	return defaultDoc()
}

var defaultJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := Default()
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: encode OpenAPI document as JSON: %w", err)
	}
	return b, nil
})

// JSON returns the embedded document as JSON, as /_mock/openapi.json
// serves it. The caller may modify the returned slice.
func JSON() ([]byte, error) {
	b, err := defaultJSON()
	return append([]byte(nil), b...), err
}
