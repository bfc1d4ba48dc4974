package state

// CheckInvariants is Verify, under the name the external tests use.
func CheckInvariants(t *Tenant) error { return t.Verify() }

// ResultIndexesBuilt reports whether the indexes of results by external
// ID and token are built.
func ResultIndexesBuilt(t *Tenant) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.nt.resByExt != nil
}
