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

// PlantMessage puts a message in the tenant's map behind its back, as no
// call does: a test sees from it whether a new message's ID comes from a
// walk of the messages.
func PlantMessage(t *Tenant, id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.messages[id] = &MessageRecord{MessageID: id, Status: MessageApproved}
}
