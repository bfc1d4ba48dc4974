package state

import (
	"fmt"
	"slices"
	"strings"
)

// Verify reports the first way the tenant's indexes and lists disagree
// with its users, devices and segments, or nil when they are consistent.
// It walks the whole state: it is for tests, fuzzing and soak runs, which
// call it after a storm of requests to prove no write left the tenant
// half-changed.
func (t *Tenant) Verify() error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if err := checkSeq(t.userList, func(u *user) int { return u.slot }); err != nil {
		return fmt.Errorf("userList: %w", err)
	}
	if err := checkSeq(t.devList, func(dv *device) int { return dv.slot }); err != nil {
		return fmt.Errorf("devList: %w", err)
	}
	if t.userList.Len() != len(t.users) {
		return fmt.Errorf("userList has %d users, the map %d", t.userList.Len(), len(t.users))
	}
	if t.devices != nil && t.devList.Len() != len(t.devices) {
		return fmt.Errorf("devList has %d devices, the map %d", t.devList.Len(), len(t.devices))
	}
	if t.devices == nil { // not built yet: installation IDs must still be unique
		seen := make(map[string]bool, t.devList.Len())
		var dup string
		t.devList.All(func(dv *device) bool {
			if seen[dv.rec.InstallationID] {
				dup = dv.rec.InstallationID
			}
			seen[dv.rec.InstallationID] = true
			return dup == ""
		})
		if dup != "" {
			return fmt.Errorf("installation %q held by two devices", dup)
		}
	}
	var err error
	t.userList.All(func(u *user) bool {
		err = t.checkUserInvariants(u)
		return err == nil
	})
	if err != nil {
		return err
	}
	t.devList.All(func(dv *device) bool {
		err = t.checkDevice(dv)
		return err == nil
	})
	if err != nil {
		return err
	}
	tokens := 0
	t.devList.All(func(dv *device) bool {
		if dv.rec.Token != "" {
			tokens++
		}
		return true
	})
	if tokens != len(t.tokens) {
		return fmt.Errorf("%d devices have a token, the token index has %d", tokens, len(t.tokens))
	}
	if err := t.verifyWhatsApp(); err != nil {
		return err
	}
	if err := t.verifyContacts(); err != nil {
		return err
	}
	// Indexes are built on first use: a nil one has nothing to check.
	for name, idx := range map[string]map[string][]*user{AttrEmail: t.byEmail, AttrMsisdn: t.byMsisdn} {
		for key, set := range idx {
			if len(set) == 0 {
				return fmt.Errorf("%s index: empty set kept for %q", name, key)
			}
			for _, u := range set {
				if t.users[u.extID] != u {
					return fmt.Errorf("%s index %q: holds a removed user %q", name, key, u.extID)
				}
				if v, _ := u.profile.get(name); stringOf(v) != key {
					s := stringOf(v)
					return fmt.Errorf("%s index %q: user %q has %q", name, key, u.extID, s)
				}
			}
		}
	}
	for id, s := range t.segments {
		if err := checkSeq(s.members, func(u *user) int {
			if m := u.membershipOf(s); m != nil {
				return m.slot
			}
			return -1
		}); err != nil {
			return fmt.Errorf("segment %d: %w", id, err)
		}
		s.members.All(func(u *user) bool {
			switch {
			case t.users[u.extID] != u:
				err = fmt.Errorf("segment %d: member %q was removed", id, u.extID)
			case u.untracked:
				err = fmt.Errorf("segment %d: member %q is untracked", id, u.extID)
			}
			return err == nil
		})
		if err != nil {
			return err
		}
	}
	for code := range t.attrs {
		if !slices.Contains(t.attrOrder, code) {
			return fmt.Errorf("attribute %q is not in attrOrder", code)
		}
	}
	if err := t.verifyAppData(); err != nil {
		return err
	}
	if len(t.attrs) != len(t.attrOrder) {
		return fmt.Errorf("%d attributes, attrOrder has %d", len(t.attrs), len(t.attrOrder))
	}
	if len(t.attrsByCode) != len(t.attrs) {
		return fmt.Errorf("%d attributes, attrsByCode has %d", len(t.attrs), len(t.attrsByCode))
	}
	for i, def := range t.attrsByCode {
		if t.attrs[def.Code] != def || (i > 0 && t.attrsByCode[i-1].Code >= def.Code) {
			return fmt.Errorf("attrsByCode[%d] = %+v: not the definition, or out of order", i, def)
		}
	}
	return t.verifyNotify()
}

func (t *Tenant) checkUserInvariants(u *user) error {
	if t.users[u.extID] != u {
		return fmt.Errorf("user %q in the list is not the map's", u.extID)
	}
	for _, m := range u.segs {
		if t.segments[m.seg.rec.ID] != m.seg {
			return fmt.Errorf("user %q: member of a segment %d that is gone", u.extID, m.seg.rec.ID)
		}
		if m.slot >= len(m.seg.members.items) || !m.seg.members.alive[m.slot] || m.seg.members.items[m.slot] != u {
			return fmt.Errorf("user %q: segment %d does not list the user at slot %d", u.extID, m.seg.rec.ID, m.slot)
		}
	}
	for _, dv := range u.devices {
		if dv.slot >= len(t.devList.items) || !t.devList.alive[dv.slot] || t.devList.items[dv.slot] != dv {
			return fmt.Errorf("user %q: device %q is not in the device list", u.extID, dv.rec.InstallationID)
		}
	}
	for _, code := range []string{AttrEmail, AttrMsisdn} {
		idx := t.byEmail
		if code == AttrMsisdn {
			idx = t.byMsisdn
		}
		if v, _ := u.profile.get(code); stringOf(v) != "" && idx != nil {
			s := stringOf(v)
			if !slices.Contains(idx[s], u) {
				return fmt.Errorf("user %q: %s %q missing from its index", u.extID, code, s)
			}
		}
	}
	if !slices.IsSortedFunc(u.profile, func(a, b attrValue) int { return strings.Compare(a.key, b.key) }) {
		return fmt.Errorf("user %q: profile keys out of order", u.extID)
	}
	if !slices.IsSorted(u.tags) || len(slices.Compact(slices.Clone(u.tags))) != len(u.tags) {
		return fmt.Errorf("user %q: tags %q not sorted and unique", u.extID, u.tags)
	}
	for i := 1; i < len(u.cats); i++ {
		if comparePref(u.cats[i-1], u.cats[i].Category, u.cats[i].Channel) >= 0 {
			return fmt.Errorf("user %q: category preferences out of order: %v", u.extID, u.cats)
		}
	}
	for i, a := range u.profile {
		if i > 0 && u.profile[i-1].key == a.key {
			return fmt.Errorf("user %q: profile key %q twice", u.extID, a.key)
		}
		k, v := a.key, a.val
		def, ok := t.attrs[k]
		if !ok {
			return fmt.Errorf("user %q: profile key %q is not defined", u.extID, k)
		}
		if n, ok := normalize(def, v); !ok {
			return fmt.Errorf("user %q: %q = %#v does not fit %v", u.extID, k, v, def)
		} else if list, isList := n.([]any); isList && v.([]any) == nil {
			return fmt.Errorf("user %q: %q is a nil array (%d)", u.extID, k, len(list))
		}
	}
	if !t.settings.limits().holds(u) {
		return fmt.Errorf("user %.64q: holds a value over the tenant's limits", u.extID)
	}
	for _, dv := range u.devices {
		if (t.devices != nil && t.devices[dv.rec.InstallationID] != dv) || dv.owner != u {
			return fmt.Errorf("user %q: device %q is not indexed as the user's", u.extID, dv.rec.InstallationID)
		}
	}
	return nil
}

func (t *Tenant) checkDevice(dv *device) error {
	if t.devices != nil && t.devices[dv.rec.InstallationID] != dv {
		return fmt.Errorf("device %q in the list is not the map's", dv.rec.InstallationID)
	}
	if err := t.settings.limits().device(&dv.rec); err != nil {
		return fmt.Errorf("device %.64q: %w", dv.rec.InstallationID, plain(err))
	}
	if dv.rec.Token != "" && t.tokens[dv.rec.Token] != dv {
		return fmt.Errorf("device %q: token %q not indexed", dv.rec.InstallationID, dv.rec.Token)
	}
	if dv.owner != nil {
		if t.users[dv.owner.extID] != dv.owner || !slices.Contains(dv.owner.devices, dv) {
			return fmt.Errorf("device %q: owner %q does not hold it", dv.rec.InstallationID, dv.owner.extID)
		}
		if dv.rec.ExtID != dv.owner.extID {
			return fmt.Errorf("device %q: extId %q, owner %q", dv.rec.InstallationID, dv.rec.ExtID, dv.owner.extID)
		}
	}
	return nil
}

// checkSeq verifies a seqList's Fenwick tree, live count and the slots its
// items believe they hold.
func checkSeq[T any](l *seqList[T], slotOf func(T) int) error {
	if len(l.items) != len(l.alive) || len(l.tree) != len(l.items)+1 {
		return fmt.Errorf("sizes: %d items, %d alive flags, %d tree nodes", len(l.items), len(l.alive), len(l.tree))
	}
	live := 0
	for i, ok := range l.alive {
		if ok {
			live++
			if got := slotOf(l.items[i]); got != i {
				return fmt.Errorf("item at slot %d believes it is at %d", i, got)
			}
		}
	}
	if live != l.live {
		return fmt.Errorf("live = %d, counted %d", l.live, live)
	}
	if l.seqs != nil {
		if len(l.seqs) != len(l.items) {
			return fmt.Errorf("%d items, %d sequence numbers", len(l.items), len(l.seqs))
		}
		for i, n := range l.seqs {
			if (i > 0 && n <= l.seqs[i-1]) || n >= l.nextSeq {
				return fmt.Errorf("sequence number %d at slot %d: not increasing, or not below %d", n, i, l.nextSeq)
			}
		}
	}
	for i := 1; i < len(l.tree); i++ {
		want := 0
		for j := i - (i & -i); j < i; j++ {
			if l.alive[j] {
				want++
			}
		}
		if l.tree[i] != want {
			return fmt.Errorf("tree[%d] = %d, want %d", i, l.tree[i], want)
		}
	}
	return nil
}
