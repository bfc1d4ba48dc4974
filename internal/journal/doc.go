// Package journal records the requests a tenant sent to the fake, so that a
// test can ask afterwards what its code under test called: the engine
// behind GET and DELETE /_mock/requests.
//
// The HTTP layer adds one Entry per request to /rest/3.0/, after the
// response is written, and serves List and Clear for the caller's tenant:
//
//	j := journal.New(1000) // at most 1000 entries per tenant
//	j.Add(journal.Entry{
//		Tenant: tenantID, Method: r.Method, Path: r.URL.Path,
//		Query: r.URL.RawQuery, Header: r.Header, Body: reqBody,
//		Status: rec.status, Response: respBody, DurationMS: ms,
//	})
//	n := j.Count(journal.Filter{Tenant: id, Method: "POST", Path: "/rest/3.0/tagUsers"})
//	entries := j.List(journal.Filter{Tenant: id, ExtID: "user-1", Since: t0})
//
// Add is cheap, for the request path: it keeps what it is given as it is
// (no copy, no decoding) and leaves the interpreting to List, which only
// tests and the inspector call.
//
//   - Each tenant has its own ring, with its own lock, of at most limit
//     entries and DefaultMaxBytes bytes (NewSized sets another budget); the
//     oldest are dropped first and counted by Dropped. A tenant never sees,
//     counts or clears another's entries: every Filter names exactly one
//     tenant. A tenant's journal therefore holds at most its byte budget,
//     whatever its clients send.
//   - A body or response over MaxBody (64 KiB) keeps its first 64 KiB;
//     request headers over MaxHeader (16 KiB) are cut, and Truncated says
//     what was cut. Add copies only what it cuts: the caller must not
//     modify Body, Response or Header afterwards.
//   - List never shows secrets. The values of X-Netmera-Api-Key,
//     Authorization, Proxy-Authorization and Cookie (header names in any
//     case) are shown as their state.KeyID, "key-" and 8 hex digits of a
//     hash salted per process, the same short id the server's logs use for
//     an API key, so entries can be told apart and matched to logs but the
//     key can neither be read back nor confirmed by hashing guesses. An
//     Authorization scheme ("Bearer ") is kept.
//   - List shows a body that is valid JSON as (compacted) JSON and any
//     other body as a JSON string (bytes that are not UTF-8 become U+FFFD);
//     the same for the response. A body Add cut is shown as the object
//     {"truncated":true,"size":N,"prefix":"…"}: N is the original size in
//     bytes and prefix the kept bytes as text.
//   - List fills ExtIDs from the query and the kept body (the ExtIDs
//     function), once per entry.
//
// The journal is safe for concurrent use. Entries List returns share their
// ExtIDs with it: callers must not modify them.
package journal
