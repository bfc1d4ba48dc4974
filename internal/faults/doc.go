// Package faults breaks chosen requests on purpose: the engine behind
// POST, GET and DELETE /_mock/faults. A rule matches a method and a path
// (optionally an external ID) and answers with a status and Netmera's
// error envelope or a raw body and headers of its choice, adds latency,
// closes the connection, or sends 429 with Retry-After; at most Times
// times, or with a Probability. Each tenant has its own rules.
//
// The HTTP layer consults the set before serving a Netmera request:
//
//	set := faults.NewSet(seed, faults.MaxLatency(writeTimeout/2))
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
// # Order
//
// One rule at most answers a request: Match tries the tenant's rules by
// Priority, 1 first (a rule without one has DefaultPriority, 5), and among
// equal priorities the newest first, as WireMock orders its stubs; List
// shows them in that order. So a rule added later overrides an earlier one
// for the requests both match, and a catch-all meant as a background
// ("path": "/*") takes a priority number above 5. Match uses the rule it
// picks up, so a rule with Times: 1 breaks exactly one request, and the
// next request falls through to the rules behind it.
//
// # Limits
//
// A tenant holds at most DefaultMaxRules rules and DefaultMaxTenantBytes
// of them; Add refuses more with ErrFull. One rule's texts are bounded
// (MaxBodyLen, MaxErrorLen, MaxHeaders, …) and its latency by the set's
// MaxLatency, below the server's write timeout, since an answer held past
// it is never delivered; Add refuses those with ErrInvalid. Tenants do not
// wait for each other: each has its own lock, and Match looks only at the
// rules of the request's path and the prefix rules.
//
// A dropped connection can be invisible to a client that retries: Go's
// http.Client, for one, silently resends an idempotent request (GET) when
// a reused keep-alive connection closes before any answer, so a Drop rule
// for a GET may need a higher Times, or the client no keep-alive.
package faults
