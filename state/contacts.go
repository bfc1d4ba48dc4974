package state

import (
	"cmp"
	"fmt"
	"slices"
)

// Netmera's addEmail and addMsisdn upload address lists. An address a
// user already has changes nothing; any other becomes a user of its own
// in Netmera, with no external ID and no installation, which the REST API
// cannot name by external ID. The fake keeps those as contacts: addresses
// with their email or SMS permission, reached by enableMail, disableMail,
// enableSms and disableSms through their address lists, exported with
// the state, and dropped when a user gets the address (Netmera deletes
// the uploaded user when the SDK registers one with the same address).

// contact is one address-only user.
type contact struct {
	rec ContactRecord
	seq uint64 // order of registration, for exports
}

// contactSet holds a tenant's contacts by address. The maps are nil until
// the first contact.
type contactSet struct {
	byEmail  map[string]*contact
	byMsisdn map[string]*contact
	next     uint64
}

// of returns the map of an address attribute (AttrEmail or AttrMsisdn).
func (c *contactSet) of(key string) map[string]*contact {
	if key == AttrEmail {
		return c.byEmail
	}
	return c.byMsisdn
}

// len is the number of contacts.
func (c *contactSet) len() int { return len(c.byEmail) + len(c.byMsisdn) }

// get returns the contact of an address of kind key, or nil.
func (c *contactSet) get(key, address string) *contact { return c.of(key)[address] }

// add registers address as a contact of kind key, after the others.
func (c *contactSet) add(key string, rec ContactRecord) {
	if c.byEmail == nil {
		c.byEmail, c.byMsisdn = make(map[string]*contact), make(map[string]*contact)
	}
	address := rec.Email
	if key == AttrMsisdn {
		address = rec.Msisdn
	}
	c.of(key)[address] = &contact{rec: rec, seq: c.next}
	c.next++
}

// claim drops the contact of an address a user now has. It reads only,
// when there are no contacts, so that the Loader may call it from several
// goroutines at once.
func (c *contactSet) claim(key, address string) {
	if address == "" || c.len() == 0 {
		return
	}
	delete(c.of(key), address)
}

// records returns the contacts in the order they were registered.
func (c *contactSet) records() []ContactRecord {
	all := make([]*contact, 0, c.len())
	for _, m := range []map[string]*contact{c.byEmail, c.byMsisdn} {
		for _, ct := range m {
			all = append(all, ct)
		}
	}
	slices.SortFunc(all, func(a, b *contact) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]ContactRecord, len(all))
	for i, ct := range all {
		out[i] = ct.rec
	}
	return out
}

// AddEmails registers email addresses, as addEmail does: an address a user
// or a contact has already is left alone, any other becomes a contact
// without email permission. Addresses are not checked (Netmera does not
// validate them) and do not count toward the ID limit (uploads have no
// record limit); empty ones are skipped. An address longer than
// MaxEmailLength refuses the whole upload.
func (t *Tenant) AddEmails(emails []string) error {
	return t.addContacts(AttrEmail, "emailList", emails, MaxEmailLength)
}

// AddMsisdns registers MSISDNs, as addMsisdn does, with AddEmails' rules;
// the longest is MaxMsisdnLength.
func (t *Tenant) AddMsisdns(msisdns []string) error {
	return t.addContacts(AttrMsisdn, "msisdnList", msisdns, MaxMsisdnLength)
}

func (t *Tenant) addContacts(key, field string, addresses []string, max int) error {
	if err := texts(field, addresses, max); err != nil {
		return err
	}
	t.lock()
	defer t.mu.Unlock()
	if len(addresses) == 0 {
		return nil
	}
	index := t.addressIndex(key)
	for _, a := range addresses {
		if a == "" || len(index[a]) > 0 || t.contacts.get(key, a) != nil {
			continue
		}
		rec := ContactRecord{Email: a}
		if key == AttrMsisdn {
			rec = ContactRecord{Msisdn: a}
		}
		t.contacts.add(key, rec)
	}
	return nil
}

// Contact returns the contact of an email address or an MSISDN (key is
// AttrEmail or AttrMsisdn), for assertions and the control API.
func (t *Tenant) Contact(key, address string) (ContactRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if ct := t.contacts.get(key, address); ct != nil {
		return ct.rec, true
	}
	return ContactRecord{}, false
}

// RemoveEmail clears a user's email address, as removeEmail does: the
// user, its permissions and the rest of its profile stay. An unknown
// user, or one without an address, is left as it is.
func (t *Tenant) RemoveEmail(extID string) { t.removeAddress(extID, AttrEmail) }

// RemoveMsisdn clears a user's MSISDN, as removeMsisdn does, with
// RemoveEmail's rules.
func (t *Tenant) RemoveMsisdn(extID string) { t.removeAddress(extID, AttrMsisdn) }

func (t *Tenant) removeAddress(extID, key string) {
	t.lock()
	defer t.mu.Unlock()
	if u := t.users[extID]; u != nil {
		t.delAttr(u, key)
	}
}

// loadContacts adds a dataset's contacts to a tenant whose users are
// loaded, refusing a contact that is malformed, repeated, or whose
// address a user has.
func (t *Tenant) loadContacts(recs []ContactRecord) error {
	for i, r := range recs {
		key, address := AttrEmail, r.Email
		switch {
		case r.Email != "" && r.Msisdn != "":
			return fmt.Errorf("contacts[%d]: both an email and an MSISDN; a contact is one address", i)
		case r.Msisdn != "":
			key, address = AttrMsisdn, r.Msisdn
		case r.Email == "":
			return fmt.Errorf("contacts[%d]: no email and no MSISDN", i)
		}
		if err := text(key, address, addressLength(key)); err != nil {
			return fmt.Errorf("contacts[%d]: %w", i, plain(err))
		}
		if t.contacts.get(key, address) != nil {
			return fmt.Errorf("contacts[%d]: %s %q registered twice", i, key, address)
		}
		if users := t.addressIndex(key)[address]; len(users) > 0 {
			return fmt.Errorf("contacts[%d]: user %q has the %s %q; a contact is an address no user has", i, users[0].extID, key, address)
		}
		t.contacts.add(key, r)
	}
	return nil
}

// verifyContacts reports a contact filed under another address, or one
// whose address a user has.
func (t *Tenant) verifyContacts() error {
	if t.contacts.len() == 0 {
		return nil
	}
	held := map[string]string{} // "email\x00a@b" → a user that has it
	t.userList.All(func(u *user) bool {
		for _, key := range []string{AttrEmail, AttrMsisdn} {
			if v, _ := u.profile.get(key); stringOf(v) != "" {
				held[key+"\x00"+stringOf(v)] = u.extID
			}
		}
		return true
	})
	for _, key := range []string{AttrEmail, AttrMsisdn} {
		for address, ct := range t.contacts.of(key) {
			got := ct.rec.Email
			if key == AttrMsisdn {
				got = ct.rec.Msisdn
			}
			if got != address || (ct.rec.Email != "" && ct.rec.Msisdn != "") {
				return fmt.Errorf("contact filed under %s %q is %+v", key, address, ct.rec)
			}
			if id, ok := held[key+"\x00"+address]; ok {
				return fmt.Errorf("contact %s %q: user %q has the address too", key, address, id)
			}
		}
	}
	return nil
}
