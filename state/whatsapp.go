package state

import (
	"fmt"
	"slices"
)

// whatsApp is a user's WhatsApp numbers. Most users have none, so a user
// holds a pointer to it, nil until a number is set.
type whatsApp struct {
	numbers []string
}

// SetWhatsAppPermission opts users in (enabled) or out of WhatsApp, named
// by external ID or by WhatsApp number. Unknown users and numbers are
// ignored; the numbers' format is not checked.
func (t *Tenant) SetWhatsAppPermission(extIDs, numbers []string, enabled bool) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).add(idWhatsApp, numbers...).check(t.settings); err != nil {
		return err
	}
	if err := t.settings.limits().ids("extIds", extIDs...); err != nil {
		return err
	}
	if err := texts("wpNumbers", numbers, MaxMsisdnLength); err != nil {
		return err
	}
	for _, id := range extIDs {
		if u := t.users[id]; u != nil {
			u.waOK = enabled
		}
	}
	if len(numbers) == 0 {
		return nil
	}
	index := t.whatsAppIndex()
	for _, n := range numbers {
		for _, u := range index[n] {
			u.waOK = enabled
		}
	}
	return nil
}

// UpdateWhatsApp replaces a user's WhatsApp numbers with numbers, in the
// order given, repeats dropped. An empty value (an empty number, or no
// number at all) is stored as one empty number: it does not remove the
// field, removeWhatsApp does. A number another user has is taken from that
// user first, as Netmera does. An unknown user is ignored; the permission
// is left as it is. The numbers count toward the ID limit only with
// Settings.CountAddresses.
func (t *Tenant) UpdateWhatsApp(extID string, numbers []string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extID).add(idWhatsApp, numbers...).check(t.settings); err != nil {
		return err
	}
	if err := text("extId", extID, t.settings.limits().IDLength); err != nil {
		return err
	}
	if err := texts("wpNumbers", numbers, MaxMsisdnLength); err != nil {
		return err
	}
	u := t.users[extID]
	if u == nil {
		return nil
	}
	list := uniqueStrings(numbers)
	if len(list) == 0 {
		list = []string{""} // the empty value, stored
	}
	index := t.whatsAppIndex()
	for _, n := range list {
		for _, other := range slices.Clone(index[n]) {
			if other != u {
				t.setWhatsApp(other, slices.DeleteFunc(slices.Clone(other.wa.numbers), func(x string) bool { return x == n }))
			}
		}
	}
	t.setWhatsApp(u, list)
	return nil
}

// uniqueStrings returns in without repeats, in the order of first use.
func uniqueStrings(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// RemoveWhatsApp clears a user's WhatsApp numbers; the permission stays.
// An unknown user, or one without numbers, is left as it is.
func (t *Tenant) RemoveWhatsApp(extID string) {
	t.lock()
	defer t.mu.Unlock()
	if u := t.users[extID]; u != nil {
		t.setWhatsApp(u, nil)
	}
}

// setWhatsApp gives u a copy of numbers, keeping the index in step when
// it is built; no numbers removes the field. It writes only u when the
// index is not built, so that the Loader may call it from several
// goroutines at once.
func (t *Tenant) setWhatsApp(u *user, numbers []string) {
	if idx := t.byWhatsApp; idx != nil && u.wa != nil {
		for _, n := range u.wa.numbers {
			unindexAddress(idx, u, n)
		}
	}
	if len(numbers) == 0 {
		u.wa = nil
		return
	}
	u.wa = &whatsApp{numbers: slices.Clone(numbers)}
	if idx := t.byWhatsApp; idx != nil {
		for _, n := range u.wa.numbers {
			indexAddress(idx, u, n)
		}
	}
}

// whatsAppIndex returns the index from WhatsApp number to users, building
// it on first use, as the address indexes are.
func (t *Tenant) whatsAppIndex() map[string][]*user {
	if t.byWhatsApp != nil {
		return t.byWhatsApp
	}
	idx := make(map[string][]*user)
	t.userList.All(func(u *user) bool {
		if u.wa != nil {
			for _, n := range u.wa.numbers {
				indexAddress(idx, u, n)
			}
		}
		return true
	})
	t.byWhatsApp = idx
	return idx
}

// verifyWhatsApp reports a user whose numbers repeat or are an empty list,
// and an index (when built) that disagrees with the users' numbers.
func (t *Tenant) verifyWhatsApp() error {
	var err error
	indexed := 0
	t.userList.All(func(u *user) bool {
		if u.wa == nil {
			return true
		}
		if len(u.wa.numbers) == 0 || len(uniqueStrings(u.wa.numbers)) != len(u.wa.numbers) {
			err = fmt.Errorf("user %q: WhatsApp numbers %q are empty or repeat", u.extID, u.wa.numbers)
			return false
		}
		for _, n := range u.wa.numbers {
			if t.byWhatsApp != nil && n != "" {
				indexed++
				if !slices.Contains(t.byWhatsApp[n], u) {
					err = fmt.Errorf("user %q: WhatsApp number %q missing from its index", u.extID, n)
					return false
				}
			}
		}
		return true
	})
	if err != nil || t.byWhatsApp == nil {
		return err
	}
	n := 0
	for number, users := range t.byWhatsApp {
		if len(users) == 0 {
			return fmt.Errorf("WhatsApp index: empty set kept for %q", number)
		}
		for _, u := range users {
			if t.users[u.extID] != u || u.wa == nil || !slices.Contains(u.wa.numbers, number) {
				return fmt.Errorf("WhatsApp index %q: holds user %q, who does not have the number", number, u.extID)
			}
		}
		n += len(users)
	}
	if n != indexed {
		return fmt.Errorf("WhatsApp index holds %d entries, the users have %d numbers", n, indexed)
	}
	return nil
}
