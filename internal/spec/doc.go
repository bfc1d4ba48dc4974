// Package spec holds the OpenAPI 3.0 document of the Netmera REST API as
// netmera-mock serves it, embedded, and validates requests and responses
// against it in Netmera's terms (a ValidationError carries the code and
// text of the {"code":…,"error":"…"} envelope).
//
// It is the runtime half of what contracts exposes: mockserver validates
// every request with it without linking the contract suite (or testing).
// Document, Load, Default and JSON give the document; NewValidator builds
// the general validator the suite and tests use; IndexFor builds the fast
// path the server uses, one map lookup per request over a body it has
// already parsed:
//
//	doc, err := spec.Default()
//	if err != nil {
//		return err
//	}
//	op := spec.IndexFor(doc).Lookup(r.Method, r.URL.Path)
//	if op == nil {
//		// not an operation of the document
//	}
//	if err := op.CheckParams(r, nil); err != nil {
//		// 400 with the *ValidationError's Code and Message
//	}
//	if err := op.CheckBody(r.Context(), body); err != nil { // body as jsonvalue.Parse returned it
//		// the same
//	}
package spec
