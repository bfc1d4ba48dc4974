package state

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
)

// The operations below simulate what the Netmera SDKs and panel do, which
// the REST API cannot: registering users and devices, defining attributes,
// categories and segments, creating messages. Their errors are plain Go
// errors for the control API, not Netmera errors. Each checks everything
// before it changes anything.

// nextID is one more than the largest ID of items: the ID a control call
// that names none gets (1 for the first). ok is false when the largest is
// already the largest N holds.
func nextID[T any, N int | int64](items iter.Seq[T], id func(T) N) (next N, ok bool) {
	var top N
	for it := range items {
		top = max(top, id(it))
	}
	return top + 1, top+1 > top
}

// PutUser creates the user, or makes an existing user exactly r (tags,
// profile, preferences, permissions); the user's devices and segment
// memberships stay.
func (t *Tenant) PutUser(r UserRecord) error {
	t.lock()
	defer t.mu.Unlock()
	if err := t.checkUser(&r); err != nil {
		return err
	}
	u := t.users[r.ExtID]
	if u == nil { // checked above
		t.insertUser(t.newUser(&r))
		return nil
	}
	// fillUser replaces tags and profile; the address indexes must drop
	// the old addresses first.
	t.delAttr(u, AttrEmail)
	t.delAttr(u, AttrMsisdn)
	untracked := u.untracked
	t.fillUser(u, &r)
	u.untracked = untracked
	t.setUntracked(u, r.Untracked)
	return nil
}

// PutDevice registers an installation as an SDK would: a new installation
// ID (one is made up when empty) adds a device, a known one is updated. A
// device naming an unknown user creates that user, empty. It returns the
// stored record.
func (t *Tenant) PutDevice(r DeviceRecord) (DeviceRecord, error) {
	t.lock()
	defer t.mu.Unlock()
	if !slices.Contains(Platforms, r.Platform) {
		return r, fmt.Errorf("unknown platform %q (want one of %v)", r.Platform, Platforms)
	}
	if err := t.settings.limits().device(&r); err != nil {
		return r, plain(err)
	}
	if r.InstallationID == "" {
		for n := t.devList.Len() + 1; ; n++ {
			if id := "iid-" + strconv.Itoa(n); t.installations()[id] == nil {
				r.InstallationID = id
				break
			}
		}
	}
	if other := t.tokens[r.Token]; r.Token != "" && other != nil && other.rec.InstallationID != r.InstallationID {
		return r, fmt.Errorf("token %q belongs to installation %q", r.Token, other.rec.InstallationID)
	}
	if r.ExtID != "" && t.users[r.ExtID] == nil {
		if err := t.addUser(&UserRecord{ExtID: r.ExtID}); err != nil {
			return r, err
		}
	}
	dv := t.installations()[r.InstallationID]
	if dv == nil {
		return r, t.addDevice(r.clone())
	}
	// Update in place, so the device keeps its place in getDeviceTokens,
	// and in getDevices unless it changes hands.
	t.setOwner(dv, t.users[r.ExtID])
	if dv.rec.Token != "" {
		delete(t.tokens, dv.rec.Token)
	}
	dv.rec = r.clone()
	if r.Token != "" {
		t.tokens[r.Token] = dv
	}
	return r, nil
}

// DefineAttribute adds a profile attribute definition. Redefining an
// attribute with the same type is a no-op; with another type it is an
// error, since stored values would no longer fit.
func (t *Tenant) DefineAttribute(a AttributeDef) error {
	t.lock()
	defer t.mu.Unlock()
	if old, ok := t.attrs[a.Code]; ok {
		if old.DataType != a.DataType || old.IsArray != a.IsArray {
			return fmt.Errorf("attribute %q is already defined as %s%s", a.Code, old.DataType, arraySuffix(old))
		}
		return nil
	}
	return t.defineAttribute(a)
}

// DefineCategory adds a push category; ID 0 takes the next free ID. It
// returns the stored category.
func (t *Tenant) DefineCategory(c Category) (Category, error) {
	t.lock()
	defer t.mu.Unlock()
	if c.ID == 0 {
		var ok bool
		if c.ID, ok = nextID(maps.Values(t.categories), func(c Category) int { return c.ID }); !ok {
			return c, errors.New("no category ID is left after the largest in use; give one")
		}
	}
	for _, other := range t.categories {
		if other.ID == c.ID {
			return c, fmt.Errorf("category id %d is taken by %q", c.ID, other.Name)
		}
	}
	return c, t.defineCategory(c)
}

// PutSegment defines a segment, replacing one with the same ID; ID 0 takes
// the next free ID. Every member must be a user. It returns the stored
// segment's ID.
func (t *Tenant) PutSegment(r SegmentRecord) (int64, error) {
	t.lock()
	defer t.mu.Unlock()
	if r.ID == 0 {
		var ok bool
		if r.ID, ok = nextID(maps.Keys(t.segments), func(id int64) int64 { return id }); !ok {
			return 0, errors.New("no segment ID is left after the largest in use; give one")
		}
	}
	if r.Type == "" {
		r.Type = SegmentStandard
	}
	if err := t.settings.limits().segment(&r); err != nil {
		return 0, err
	}
	for _, id := range r.Members {
		if t.users[id] == nil {
			return 0, fmt.Errorf("segment %d: member %q does not exist", r.ID, id)
		}
	}
	if !validSegmentType(r.Type) {
		return 0, fmt.Errorf("segment %d: unknown type %q", r.ID, r.Type)
	}
	if old := t.segments[r.ID]; old != nil {
		old.members.All(func(u *user) bool {
			u.segs = slices.DeleteFunc(u.segs, func(m membership) bool { return m.seg == old })
			return true
		})
		delete(t.segments, r.ID)
	}
	t.segmentDefs++
	return r.ID, t.addSegment(r)
}

// CreateMessage stores a message; ID 0 takes the next free ID, an empty
// status means waiting for approval. It returns the stored message.
func (t *Tenant) CreateMessage(m MessageRecord) (MessageRecord, error) {
	t.lock()
	defer t.mu.Unlock()
	if m.MessageID == 0 {
		var ok bool
		if m.MessageID, ok = t.newMessageID(); !ok {
			return m, errors.New("no message ID is left after the largest in use; give one")
		}
	}
	if m.Status == "" {
		m.Status = MessageWaitingApproval
	}
	if err := t.addMessage(m); err != nil {
		return m, err
	}
	return *t.messages[m.MessageID], nil
}
