package state

import "time"

// CheckInvariants is Verify, under the name the external tests use.
func CheckInvariants(t *Tenant) error { return t.Verify() }

// SetClock makes the tenant read the time from now: registration delays
// and fired events then follow a test's clock, not the real one.
func SetClock(t *Tenant, now func() time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clock = now
}
