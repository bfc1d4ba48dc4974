package state

import (
	"fmt"
	"slices"
)

// TagUsers adds every tag to every known user; unknown external IDs are
// skipped, as Netmera does.
func (t *Tenant) TagUsers(tags, extIDs []string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).check(t.settings); err != nil {
		return err
	}
	if err := t.settings.limits().tagRequest(tags, extIDs); err != nil {
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
	if err := t.settings.limits().tagRequest(tags, extIDs); err != nil {
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
	if err := t.settings.limits().ids("extIds", extIDs...); err != nil {
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
		if t.settings.PermanentDeleteOff {
			t.setUntracked(u, true)
			continue
		}
		t.leaveSegments(u)
		t.removeUser(u)
	}
	return nil
}

// leaveSegments takes u out of every segment. The memberships are
// cleared, not only dropped: a loaded user's memberships share an array
// with other users (see Loader.Finish), which would otherwise keep
// replaced segments alive.
func (t *Tenant) leaveSegments(u *user) {
	for _, m := range u.segs {
		m.seg.members.Remove(m.slot)
	}
	clear(u.segs)
	u.segs = nil
}

// removeUser deletes u and its devices. A loaded user and its devices live
// in arrays shared with the rest of their batch, which stay as long as one
// of the batch does: everything they point to is cleared, so that a
// deleted user holds on to nothing.
func (t *Tenant) removeUser(u *user) {
	t.delAttr(u, AttrEmail)
	t.delAttr(u, AttrMsisdn)
	t.setUntracked(u, false) // its devices go: they are hidden no more
	t.events.dropUser(u.extID)
	t.setWhatsApp(u, nil)
	for _, dv := range u.devices {
		t.devList.Remove(dv.slot)
		delete(t.devices, dv.rec.InstallationID) // a no-op until the index is built
		if dv.rec.Token != "" {
			delete(t.tokens, dv.rec.Token)
		}
		*dv = device{}
	}
	t.userList.Remove(u.slot)
	delete(t.users, u.extID)
	t.dropInbox(u.extID)
	clear(u.tags)
	clear(u.profile)
	clear(u.cats)
	clear(u.devices)
	u.tags, u.profile, u.cats, u.devices = nil, nil, nil, nil
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

// UserDetail is a user as the control API shows it: the record, every
// device of the user (uninstalled ones included) and the IDs of the
// segments the user is in, ascending.
type UserDetail struct {
	UserRecord
	Devices  []DeviceRecord `json:"devices"`
	Segments []int64        `json:"segments"`
}

// UserDetail returns what the tenant holds of one user, at the cost of
// that user alone: a tenant of a million users can be checked user by
// user where exporting it all would not do.
func (t *Tenant) UserDetail(extID string) (UserDetail, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	u := t.users[extID]
	if u == nil {
		return UserDetail{}, false
	}
	d := UserDetail{UserRecord: t.userRecord(u), Devices: make([]DeviceRecord, 0, len(u.devices)), Segments: make([]int64, 0, len(u.segs))}
	for _, dv := range u.devices {
		d.Devices = append(d.Devices, dv.rec.clone())
	}
	for _, m := range u.segs {
		d.Segments = append(d.Segments, m.seg.rec.ID)
	}
	slices.Sort(d.Segments)
	return d, true
}
