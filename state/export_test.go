package state

// CheckInvariants is Verify, under the name the external tests use.
func CheckInvariants(t *Tenant) error { return t.Verify() }
