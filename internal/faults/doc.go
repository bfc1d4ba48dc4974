// Package faults breaks chosen requests on purpose: the engine behind
// POST, GET and DELETE /_mock/faults. A rule matches a method and a path
// (optionally an external ID) and answers with a status and Netmera's
// error envelope or a raw body, adds latency, closes the connection, or
// sends 429 with Retry-After; at most Times times, or with a Probability.
// Each tenant has its own rules.
//
// The HTTP layer consults the set before serving a Netmera request:
//
//	set := faults.NewSet(seed)
//	set.Add(tenant, faults.Rule{Method: "POST", Path: "/rest/3.0/tagUsers",
//		Status: 429, Code: 429, Error: "Too many requests", RetryAfter: 2, Times: 1})
//
//	// in the handler, with ids = journal.ExtIDs(r.URL.Query(), body):
//	if rule, ok := set.Match(tenant, r.Method, r.URL.Path, ids); ok {
//		if err := faults.Sleep(r.Context(), rule.Latency()); err != nil {
//			return // the client went away
//		}
//		if faults.Apply(w, rule) {
//			return // the fault was the answer
//		}
//	}
//	// serve normally
//
// Match picks the first rule in insertion order and uses it up, so a rule
// with Times: 1 breaks exactly one request. A dropped connection can be
// invisible to a client that retries: Go's http.Client, for one, silently
// resends an idempotent request (GET) when a reused keep-alive connection
// closes before any answer, so a Drop rule for a GET may need a higher
// Times, or the client no keep-alive.
package faults
