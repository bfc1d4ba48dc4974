package state

import "fmt"

// TagUsers adds every tag to every known user; unknown external IDs are
// skipped, as Netmera does.
func (t *Tenant) TagUsers(tags, extIDs []string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).check(t.settings); err != nil {
		return err
	}
	for _, id := range extIDs {
		if u := t.users[id]; u != nil {
			for _, tag := range tags {
				u.tags.add(tag)
			}
		}
	}
	return nil
}

// UntagUsers removes every tag from every known user and returns the
// external IDs it did not know, in request order, without duplicates.
func (t *Tenant) UntagUsers(tags, extIDs []string) (notExist []string, err error) {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).check(t.settings); err != nil {
		return nil, err
	}
	notExist = []string{}
	seen := make(map[string]bool, len(extIDs))
	for _, id := range extIDs {
		u := t.users[id]
		if u == nil {
			if !seen[id] {
				notExist = append(notExist, id)
			}
			seen[id] = true
			continue
		}
		for _, tag := range tags {
			u.tags.remove(tag)
		}
	}
	return notExist, nil
}

// DeleteUsersPermanently removes the users with all their devices, profile,
// tags and segment memberships. Every external ID must name a user: one
// unknown ID fails the whole request with code 5016. When the tenant has not
// activated permanent deletion, the users are only untracked, as Netmera's
// deleteUsers does.
func (t *Tenant) DeleteUsersPermanently(extIDs []string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).check(t.settings); err != nil {
		return err
	}
	for _, id := range extIDs {
		if t.users[id] == nil {
			return &Error{Kind: KindNotFound, Code: CodeUserNotFound,
				Message: fmt.Sprintf("User with external id '%s' does not exist or has already been permanently deleted", id)}
		}
	}
	for _, id := range extIDs {
		u := t.users[id]
		if u == nil { // named twice
			continue
		}
		t.leaveSegments(u)
		if t.settings.PermanentDeleteOff {
			u.untracked = true
			continue
		}
		t.removeUser(u)
	}
	return nil
}

func (t *Tenant) leaveSegments(u *user) {
	for _, m := range u.segs {
		m.seg.members.Remove(m.slot)
	}
	u.segs = nil
}

func (t *Tenant) removeUser(u *user) {
	u.tags = nil
	t.delAttr(u, AttrEmail)
	t.delAttr(u, AttrMsisdn)
	for _, dv := range u.devices {
		t.devList.Remove(dv.slot)
		delete(t.devices, dv.rec.InstallationID) // a no-op until the index is built
		if dv.rec.Token != "" {
			delete(t.tokens, dv.rec.Token)
		}
	}
	t.userList.Remove(u.slot)
	delete(t.users, u.extID)
}

// HasUser reports whether a user with that external ID exists.
func (t *Tenant) HasUser(extID string) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.users[extID] != nil
}

// User returns the user's record, for assertions and the control API.
func (t *Tenant) User(extID string) (UserRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	u := t.users[extID]
	if u == nil {
		return UserRecord{}, false
	}
	return t.userRecord(u), true
}
