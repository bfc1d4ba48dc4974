// Package journal records the requests a tenant sent to the fake, so that a
// test can ask afterwards what its code under test called: the engine
// behind GET and DELETE /_mock/requests.
//
// The HTTP layer adds one Entry per request to /rest/3.0/, after the
// response is written, and serves List and Clear for the caller's tenant:
//
//	j := journal.New(1000) // at most 1000 entries per tenant
//	j.Add(journal.Entry{
//		Tenant: state.KeyID(key), Method: r.Method, Path: r.URL.Path,
//		Query: r.URL.RawQuery, Header: r.Header, Body: reqBody,
//		Status: rec.status, Response: respBody, DurationMS: ms,
//	})
//	n := j.Count(journal.Filter{Tenant: id, Method: "POST", Path: "/rest/3.0/tagUsers"})
//	entries := j.List(journal.Filter{Tenant: id, ExtID: "user-1", Since: t0})
//
// What Add keeps, and what it changes:
//
//   - Each tenant has its own ring of at most limit entries; the oldest is
//     dropped first and counted by Dropped. A tenant never sees, counts or
//     clears another's entries: every Filter names exactly one tenant.
//   - Secrets are never stored. The values of X-Netmera-Api-Key,
//     Authorization, Proxy-Authorization and Cookie (header names in any
//     case) are replaced by "key-" and the first 8 hex digits of their
//     SHA-256, the same short id the server's logs use for an API key, so
//     entries can be told apart and matched to logs but the key cannot be
//     read back (a guessable key can still be confirmed by hashing guesses,
//     as with the logs). An Authorization scheme ("Bearer ") is kept.
//   - A body that is valid JSON is kept as (compacted) JSON; any other body
//     is kept as a JSON string (bytes that are not UTF-8 become U+FFFD).
//     The same holds for the response.
//   - A body or response over MaxBody (64 KiB) is replaced by the object
//     {"truncated":true,"size":N,"prefix":"…"}: N is the original size in
//     bytes and prefix the first 64 KiB as text. Truncated JSON is no longer
//     JSON, so a marker object is used rather than a cut-off document, and
//     a journal of limit entries stays bounded.
//   - ExtIDs is filled from the query and the whole (untruncated) body by
//     the ExtIDs function; what the caller put there is replaced.
//
// The journal is safe for concurrent use. Entries it returns share their
// Header, Body, Response and ExtIDs with it: callers must not modify them.
package journal
