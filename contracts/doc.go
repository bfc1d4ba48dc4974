// Package contracts holds the OpenAPI 3.0 document of the Netmera REST API
// as netmera-mock serves it, and validates requests and responses against
// it.
//
// The document is embedded: Document returns its YAML, JSON its JSON form
// (what /_mock/openapi.json serves), and Default the loaded and validated
// *openapi3.T, parsed once.
//
// A Validator checks one request before a handler sees it and answers in
// Netmera's terms, so that a server can write the error envelope directly:
//
//	doc, err := contracts.Default()
//	if err != nil {
//		return err
//	}
//	v, err := contracts.NewValidator(doc)
//	if err != nil {
//		return err
//	}
//	…
//	var ve *contracts.ValidationError
//	switch err := v.ValidateRequest(r, body); {
//	case errors.As(err, &ve):
//		// 400 {"code": ve.Code, "error": ve.Message}
//	case errors.Is(err, contracts.ErrNoRoute):
//		// not an operation of the document
//	}
//
// ValidateResponse is strict and meant for tests: every status must be
// declared, and a write's answer must have no body at all.
package contracts
