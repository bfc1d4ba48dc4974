package state

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Registration is one entry of a registerUsers request: a device (its
// push token and platform) for a user, or, without a platform, an
// SMS-only user known by an MSISDN; and, for the user, an email address,
// an MSISDN, tags to add and profile values to merge. Empty strings are
// absent values.
type Registration struct {
	ExtID       string
	DeviceToken string
	Platform    string
	Email       string
	Msisdn      string
	Tags        []string
	Profile     map[string]any
}

// check reports what makes the registration at index i invalid.
func (r Registration) check(i int) error {
	bad := func(code int, format string, args ...any) error {
		return Invalidf(code, "Invalid registration at index %d: "+format, append([]any{i}, args...)...)
	}
	switch {
	case r.Platform == "" && r.Msisdn == "":
		return bad(CodeMissingParameter, "platform or msisdn is required")
	case r.Platform != "" && !slices.Contains(Platforms, r.Platform):
		return bad(CodeTypeMismatch, "unknown platform '%s' (one of %s)", r.Platform, strings.Join(Platforms, ", "))
	case r.Platform == "" && r.DeviceToken != "":
		return bad(CodeMissingParameter, "platform is required with a deviceToken")
	case r.ExtID == "" && r.DeviceToken == "":
		return bad(CodeMissingParameter, "extId is required unless the entry registers a deviceToken")
	}
	return nil
}

// pendingBatch is a registerUsers request accepted but not applied yet.
type pendingBatch struct {
	accepted, due time.Time
	regs          []Registration
}

// PendingRegistrations is a registerUsers request accepted and not yet
// applied: when it was accepted, when it falls due, how many
// registrations it holds and the external IDs they name.
type PendingRegistrations struct {
	AcceptedAt    time.Time `json:"acceptedAt"`
	DueAt         time.Time `json:"dueAt"`
	Registrations int       `json:"registrations"`
	ExtIDs        []string  `json:"extIds"`
}

// RegisterUsers registers users and their devices, as Netmera's
// registerUsers does. The request is checked whole first: an empty list
// (2020), an entry with neither platform nor msisdn (2020), an unknown
// platform (2004), a deviceToken without platform (2020), an entry
// naming no user and no token (2020), or more identifiers than the limit
// refuse it all, naming the entry, and nothing is applied.
//
// Each registration is then matched to the user of its extId, created if
// there is none (or, without extId, to the owner of its token's
// installation), and that user is tracked again if deleteUsers untracked
// it. A platform registers an installation: the installation holding the
// token is updated (it moves to the user, takes the platform and is
// installed again); otherwise one is created, push-permitted when it has
// a token, under an ID derived from the platform and the token (or the
// user, without a token), so that the same registration always makes the
// same ID. A registration without a token reuses the user's installation
// without a token on that platform. The email and MSISDN are stored as the
// standard "email" and "msisdn" attributes, tags are added, and profile
// values merged as setProfileAttributes merges them (unknown keys and
// values of the wrong type dropped, or defined with AutoDefine).
//
// Netmera applies the registrations asynchronously. With a RegisterDelay
// (see Settings and SetRegisterDelay) the checked request waits that long
// and is applied by the first ApplyDueRegistrations after it falls due;
// requests are always applied in the order they were accepted.
func (t *Tenant) RegisterUsers(regs []Registration) error {
	if len(regs) == 0 {
		return Invalidf(CodeMissingParameter, "At least one registration is required: the array is empty")
	}
	for i, r := range regs {
		if err := r.check(i); err != nil {
			return err
		}
	}
	t.lock()
	defer t.mu.Unlock()
	lim := t.settings.limits()
	for i := range regs {
		if err := lim.registration(&regs[i]); err != nil {
			return Invalidf(CodeTypeMismatch, "Invalid registration at index %d: %s", i, err.(*Error).Message)
		}
	}
	l := newIDLimit()
	for _, r := range regs {
		l.add(idExt, r.ExtID).add(idToken, r.DeviceToken).add(idEmail, r.Email).add(idMsisdn, r.Msisdn)
	}
	if err := l.check(t.settings); err != nil {
		return err
	}
	regs = cloneRegistrations(regs)
	if delay := t.registerDelay(); delay > 0 || len(t.pending) > 0 {
		now := t.clockNow()
		t.pending = append(t.pending, pendingBatch{accepted: now, due: now.Add(delay), regs: regs})
		t.applyDue(now, false) // a batch due at once runs now if none waits before it
		return nil
	}
	for _, r := range regs {
		t.registerUser(r)
	}
	return nil
}

func cloneRegistrations(regs []Registration) []Registration {
	out := make([]Registration, len(regs))
	for i, r := range regs {
		r.Tags = slices.Clone(r.Tags)
		if r.Profile != nil {
			p := make(map[string]any, len(r.Profile))
			for k, v := range r.Profile {
				p[k] = cloneValue(v)
			}
			r.Profile = p
		}
		out[i] = r
	}
	return out
}

// registerUser applies one checked registration; the caller holds the lock.
func (t *Tenant) registerUser(r Registration) {
	var u *user
	switch {
	case r.ExtID != "":
		if u = t.users[r.ExtID]; u == nil {
			u = t.newUser(&UserRecord{ExtID: r.ExtID})
			t.insertUser(u)
		}
		t.setUntracked(u, false)
	case t.tokens[r.DeviceToken] != nil:
		if u = t.tokens[r.DeviceToken].owner; u != nil {
			t.setUntracked(u, false)
		}
	}
	if r.Platform != "" {
		t.registerDevice(u, r)
	}
	if u == nil {
		return
	}
	for _, key := range sortedKeys(r.Profile) {
		if def, ok := t.definition(key, r.Profile[key], false); ok {
			if v, ok := normalize(def, r.Profile[key]); ok {
				t.setAttr(u, key, v)
			}
		}
	}
	if r.Email != "" {
		t.defineStandard(AttrEmail)
		t.setAttr(u, AttrEmail, r.Email)
	}
	if r.Msisdn != "" {
		t.defineStandard(AttrMsisdn)
		t.setAttr(u, AttrMsisdn, r.Msisdn)
	}
	for _, tag := range r.Tags {
		if tag != "" {
			u.tags.add(tag)
		}
	}
}

// registerDevice registers r's installation for u (nil: for nobody).
func (t *Tenant) registerDevice(u *user, r Registration) {
	if r.DeviceToken != "" {
		if dv := t.tokens[r.DeviceToken]; dv != nil {
			dv.rec.Platform, dv.rec.Uninstalled = r.Platform, false
			if u != nil {
				t.setOwner(dv, u)
			}
			return
		}
	} else {
		for _, dv := range u.devices { // check made sure of a user
			if dv.rec.Platform == r.Platform && dv.rec.Token == "" {
				dv.rec.Uninstalled = false
				return
			}
		}
	}
	rec := DeviceRecord{InstallationID: t.registrationID(u, r), Platform: r.Platform, Token: r.DeviceToken,
		PushPermitted: r.DeviceToken != ""}
	if u != nil {
		rec.ExtID = u.extID
	}
	if err := t.addDevice(rec); err != nil {
		panic("state: registering an installation: " + err.Error()) // the ID and token are free, the user exists
	}
}

// registrationID is the installation ID of a registered device: "reg-"
// and a hash of the platform and the token (or the user, for a device
// without one), with "-2", "-3"… after it should another installation
// hold it already.
func (t *Tenant) registrationID(u *user, r Registration) string {
	key := "token\x00" + r.DeviceToken
	if r.DeviceToken == "" {
		key = "user\x00" + u.extID
	}
	sum := sha256.Sum256([]byte(r.Platform + "\x00" + key))
	id := "reg-" + hex.EncodeToString(sum[:10])
	taken := t.installations()
	for n := 2; taken[id] != nil; n++ {
		id = "reg-" + hex.EncodeToString(sum[:10]) + "-" + strconv.Itoa(n)
	}
	return id
}

// ApplyDueRegistrations applies the registerUsers requests that have
// fallen due, in the order they were accepted. The server calls it before
// every request it serves a tenant; it costs one atomic load when nothing
// waits.
func (t *Tenant) ApplyDueRegistrations() {
	if t.nPending.Load() == 0 {
		return
	}
	t.lock()
	defer t.mu.Unlock()
	t.applyDue(t.clockNow(), false)
}

// ApplyRegistrations applies every waiting registerUsers request now, as
// if its delay had passed, and returns how many it applied.
func (t *Tenant) ApplyRegistrations() int {
	t.lock()
	defer t.mu.Unlock()
	n := len(t.pending)
	t.applyDue(time.Time{}, true)
	return n
}

// applyDue applies the waiting batches due by now (all of them when all
// is set), oldest first, stopping at the first not due.
func (t *Tenant) applyDue(now time.Time, all bool) {
	done := 0
	for _, b := range t.pending {
		if !all && b.due.After(now) {
			break
		}
		for _, r := range b.regs {
			t.registerUser(r)
		}
		done++
	}
	clear(t.pending[:done])
	t.pending = t.pending[done:]
	if len(t.pending) == 0 {
		t.pending = nil
	}
	t.nPending.Store(int64(len(t.pending)))
}

// PendingRegistrations lists the registerUsers requests waiting for their
// delay, oldest first.
func (t *Tenant) PendingRegistrations() []PendingRegistrations {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]PendingRegistrations, 0, len(t.pending))
	for _, b := range t.pending {
		p := PendingRegistrations{AcceptedAt: b.accepted, DueAt: b.due, Registrations: len(b.regs), ExtIDs: []string{}}
		for _, r := range b.regs {
			if r.ExtID != "" {
				p.ExtIDs = append(p.ExtIDs, r.ExtID)
			}
		}
		out = append(out, p)
	}
	return out
}

// SetRegisterDelay sets how long registerUsers requests wait before they
// are applied (0: at once), in place of Settings.RegisterDelay, until the
// tenant's state is reset or replaced. Requests already waiting keep
// their time.
func (t *Tenant) SetRegisterDelay(d time.Duration) {
	t.lock()
	defer t.mu.Unlock()
	t.delay, t.delaySet = max(d, 0), true
}

// RegisterDelay returns how long registerUsers requests wait before they
// are applied.
func (t *Tenant) RegisterDelay() time.Duration {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.registerDelay()
}

func (t *Tenant) registerDelay() time.Duration {
	if t.delaySet {
		return t.delay
	}
	return max(t.settings.RegisterDelay, 0)
}

// clockNow is the tenant's clock (see SetClock and AdvanceClock), which
// registration delays and fired events follow; the caller holds the lock.
func (t *Tenant) clockNow() time.Time { return time.UnixMilli(t.now()).UTC() }

// DeleteUsers untracks the users, as Netmera's deleteUsers does: their
// records stay (getProfileAttributes still reads them), but they leave
// every segment and are left out of getDeviceTokens and of targeting
// until registerUsers registers them again. Unknown external IDs are
// ignored.
func (t *Tenant) DeleteUsers(extIDs []string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).check(t.settings); err != nil {
		return err
	}
	for _, id := range extIDs {
		if u := t.users[id]; u != nil {
			t.setUntracked(u, true)
		}
	}
	return nil
}

// setUntracked untracks or tracks u again, keeping the count of hidden
// devices in step. An untracked user leaves its segments; one tracked
// again does not rejoin them (segments are member lists, see PutSegment).
func (t *Tenant) setUntracked(u *user, untracked bool) {
	if u.untracked == untracked {
		return
	}
	u.untracked = untracked
	if untracked {
		t.hidden += len(u.devices)
		t.leaveSegments(u)
	} else {
		t.hidden -= len(u.devices)
	}
}

// setOwner gives dv to owner (nil: to nobody), keeping the users' device
// lists, the record's extId and the count of hidden devices in step.
func (t *Tenant) setOwner(dv *device, owner *user) {
	old := dv.owner
	if old == owner {
		return
	}
	if old != nil {
		old.devices = slices.DeleteFunc(old.devices, func(d *device) bool { return d == dv })
		if old.untracked {
			t.hidden--
		}
	}
	dv.owner, dv.rec.ExtID = owner, ""
	if owner != nil {
		owner.devices = append(owner.devices, dv)
		dv.rec.ExtID = owner.extID
		if owner.untracked {
			t.hidden++
		}
	}
}

// hiddenDevice reports whether getDeviceTokens leaves dv out: its user is
// untracked.
func hiddenDevice(dv *device) bool { return dv.owner != nil && dv.owner.untracked }

// TesterEntry names a user whose devices become test devices: by
// external ID, or else by email address.
type TesterEntry struct {
	ExtID string
	Email string
}

// AddTesters marks every device of each user named as a test device, as
// Netmera's addTesters does. A user is named by extId, or by email when
// the entry has no extId (every user with that address); entries naming
// nobody are ignored. Only the ID limit refuses a request.
func (t *Tenant) AddTesters(entries []TesterEntry) error {
	t.lock()
	defer t.mu.Unlock()
	l := newIDLimit()
	for _, e := range entries {
		if e.ExtID != "" {
			l.add(idExt, e.ExtID)
		} else {
			l.add(idEmail, e.Email)
		}
	}
	if err := l.check(t.settings); err != nil {
		return err
	}
	mark := func(u *user) {
		for _, dv := range u.devices {
			dv.rec.Tester = true
		}
	}
	for _, e := range entries {
		switch {
		case e.ExtID != "":
			if u := t.users[e.ExtID]; u != nil {
				mark(u)
			}
		case e.Email != "":
			for _, u := range t.addressIndex(AttrEmail)[e.Email] {
				mark(u)
			}
		}
	}
	return nil
}
