// Package mockserver is the fake Netmera REST API as an http.Handler: the
// /rest/3.0/ endpoints over the tenants of a state.Store, and the control
// API under /_mock/ (health, state export and import, reset, seeding, the
// request journal, fault rules). It never owns a listener: wrap it in
// httptest.NewServer in a test, or in an http.Server in a program.
//
//	seeder, err := fixtures.NewSeeder(fixtures.Options{Seed: 1, Users: 1000})
//	if err != nil { … }
//	store, err := state.NewStore(seeder.SeedFunc(), state.Settings{}, "my-key")
//	if err != nil { … }
//	srv, err := mockserver.New(store, mockserver.Options{Seeder: seeder.Reseed})
//	if err != nil { … }
//	ts := httptest.NewServer(srv)
//	defer ts.Close()
//	// Point the client under test at ts.URL with X-netmera-api-key: my-key.
//
// Every API request takes one path, written top to bottom in chain.go:
// the key names the tenant (a missing or unknown key answers
// 403 {"code":2010,"error":"API key is invalid"} on every path), the body
// is read once and bounded, a fault rule may answer instead, the route is
// found, the body is parsed once and validated against the OpenAPI
// document, and the endpoint acts on the tenant. Errors are answered in
// Netmera's envelope {"code":…,"error":"…"}; framework answers (404, 405)
// are RFC 9457 problem details. Requests of a known tenant are
// journaled; GET /_mock/requests reads them back.
//
// Options carry the fidelity switches (the status of a bad key, lenient
// segment headers, single objects where arrays are documented, the shape
// of getDeviceTokens entries, the strict form of updateWhatsApp) and the
// server's own settings; what a tenant enforces on its data is in
// state.Settings. docs/fidelity.md lists every choice the fake makes where
// Netmera's documentation is silent.
//
// The package imports no test code: the OpenAPI document and its index are
// parsed once per process (internal/spec), so a server is cheap to make,
// one per test.
package mockserver
