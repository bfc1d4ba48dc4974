// Package conformance judges what a client sent to Netmera: rules over
// one tenant's requests, as the journal recorded them, that say what the
// client did wrong (a request Netmera refuses, a shape only the fake's
// lenience let through, too many IDs, the key in the URL, a retry without
// back-off, a listing walk that stopped early…), each finding tied to the
// requests it is about, with Netmera's source for the rule and the fix.
//
// The rules are plain functions over recorded requests, computed when a
// report is asked for and never on the request path:
//
//	entries := j.List(journal.Filter{Tenant: id})
//	rep := conformance.Check(conformance.FromEntries(entries), conformance.Options{})
//	rep.Tenant, rep.Generated = state.HashKey(key).ID(), time.Now()
//	_ = conformance.WriteJUnit(os.Stdout, []*conformance.Report{&rep})
//
// mockserver serves the report as GET /_mock/conformance (JSON, or JUnit
// XML with ?format=junit), netmera-mock writes every tenant's at exit
// (-report-on-exit), and clienttest applies the rules to the requests of
// each case.
//
// A rule is an Error when the request breaks what Netmera documents, and
// a Warning when it works but wastefully or by luck: a warning can be
// intended, or caused by what a test suite asks of the client rather than
// by the client. The rules judge by what Netmera documents, not by what
// the fake accepts: a single object where Netmera documents an array is
// a finding even where the fake's -single-object auto policy takes it.
package conformance
