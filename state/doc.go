// Package state is the domain of netmera-mock: Netmera apps (tenants) with
// their users, devices, tags, category preferences, profile attributes,
// segments and messages, and the rules Netmera enforces on them.
//
// It imports no net/http. Each Tenant method is one API operation over the
// whole request, applied whole or not at all; failures are *Error values
// carrying Netmera's code, and only the transport maps them to HTTP.
//
// A tenant starts from a Dataset, the plain-value form of its state that
// fixtures generate, fixtures files hold and the control API exports:
//
//	d, _ := fixtures.Generate(fixtures.Options{Seed: 1, Users: 1000})
//	t, err := state.NewTenant(d, state.Settings{})
//	err = t.TagUsers([]string{"Sport"}, []string{"id1", "id2"})
//
// Large tenants are built by a Loader, on every core, from records handed
// to it in batches; fixtures.Seed streams generated users through one so
// that a million users are never held twice. A Store keeps one tenant per
// API key and makes each with a SeedFunc (FromDataset wraps a Dataset).
//
// A Store saves every tenant to a file and loads it back (Save, Load),
// atomically, naming tenants by a salted hash of their key; it keeps the
// saved tenants of keys it does not serve until they are claimed or
// forgotten, and tells how its saves go (SaveStatus):
//
//	res, err := store.Load("state.json") // at start; a missing file is no error
//	_, err = store.Save("state.json", false)
//	if st := store.SaveStatus(); st.Failing() { /* report st.Err */ }
//
// Notifications live in the tenant too: SendBulk, SendTransactional,
// SendEmailSms and SendBulkEmail capture a send and resolve who it
// reaches (each user and device left out is recorded with the reason);
// PushResults, PushStats, Inbox and the capture queries (Notifications,
// DeliveriesTo) read what happened. A per-tenant clock (SetClock,
// AdvanceClock) drives schedules, packages and time to live, so a test
// of a scheduled campaign never sleeps:
//
//	key, err := t.SendBulk(req, body) // req decoded from the request body
//	err = t.AdvanceClock(time.Hour)   // the schedule comes: it delivers
//	page, next, more, err := t.PushResults(state.PushResultFilter{Key: key}, 10, state.PushResultCursor{})
//
// docs/notifications.md describes how a send is resolved and stored.
package state
