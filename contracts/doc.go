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
//
// # The contract suite
//
// The package also holds a contract suite: black-box HTTP scenarios
// (Cases) run against a Target, netmera-mock or a real Netmera app. Each
// case acts and checks through the public /rest/3.0/ API only (reading
// back what it wrote where the API allows), validates every answer against
// the document, and compares bodies with go-cmp. Mock-only cases may also
// use /_mock/state and /_mock/reset. Tags say where a case may run:
// LiveSafe, MockOnly, Destructive.
//
//	rep := contracts.Run(ctx, contracts.Target{BaseURL: url, APIKey: key},
//		contracts.Options{Live: true})
//	rep.WriteJUnit(f)
//	fmt.Println(rep.Summary()) // such as "45 passed, 0 failed, 46 skipped"
//
// In a test, RunTest runs each case as a subtest. With Options.Record, the
// live-safe cases leave golden files of what the target answered, scrubbed
// of keys, run prefixes and hosts; Replay sends the same requests to
// another target (the fake, in TestReplayGolden) and shows every
// difference as a go-cmp diff. testdata/golden starts from Netmera's
// documented samples, each file's source and comparison named in its
// manifest.json. docs/contracts.md tells how to run the suite.
package contracts
