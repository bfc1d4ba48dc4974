package state

import "net/mail"

// SetMailPermission opts users in (enabled) or out of email, named by
// external ID or by address; an address reaches the users and the contact
// (see AddEmails) that have it. Unknown users and addresses are ignored.
// An address is any text, as Netmera's schema types it; with
// Settings.StrictEmail one that is not a plain email address fails the
// whole request with 2004. An address longer than MaxEmailLength fails it
// too.
func (t *Tenant) SetMailPermission(extIDs, emails []string, enabled bool) error {
	if err := texts("emailList", emails, MaxEmailLength); err != nil {
		return err
	}
	if t.Settings().StrictEmail {
		for _, e := range emails {
			if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
				return Invalidf(CodeTypeMismatch, "Invalid email address: '%s'", e)
			}
		}
	}
	return t.setChannel(extIDs, idEmail, emails, func(u *user) { u.emailOK = enabled },
		func(c *ContactRecord) { c.EmailPermitted = enabled })
}

// SetSmsPermission opts users in (enabled) or out of SMS, named by
// external ID or by MSISDN, which reaches users and contacts as
// SetMailPermission's addresses do. Unknown users and numbers are ignored;
// a number longer than MaxMsisdnLength fails the whole request.
func (t *Tenant) SetSmsPermission(extIDs, msisdns []string, enabled bool) error {
	if err := texts("msisdnList", msisdns, MaxMsisdnLength); err != nil {
		return err
	}
	return t.setChannel(extIDs, idMsisdn, msisdns, func(u *user) { u.smsOK = enabled },
		func(c *ContactRecord) { c.SmsPermitted = enabled })
}

// setChannel applies to the users named by extIDs or by addresses of kind
// (idEmail or idMsisdn), and to the contacts of those addresses. The
// address index is chosen under the lock, as Replace swaps it.
func (t *Tenant) setChannel(extIDs []string, kind string, addrs []string, apply func(*user), applyContact func(*ContactRecord)) error {
	t.lock()
	defer t.mu.Unlock()
	if err := newIDLimit().add(idExt, extIDs...).add(kind, addrs...).check(t.settings); err != nil {
		return err
	}
	if err := t.settings.limits().ids("extIds", extIDs...); err != nil {
		return err
	}
	for _, id := range extIDs {
		if u := t.users[id]; u != nil {
			apply(u)
		}
	}
	if len(addrs) == 0 {
		return nil
	}
	key := AttrEmail
	if kind == idMsisdn {
		key = AttrMsisdn
	}
	index := t.addressIndex(key)
	for _, a := range addrs {
		for _, u := range index[a] {
			apply(u)
		}
		if c := t.contacts.get(key, a); c != nil {
			applyContact(&c.rec)
		}
	}
	return nil
}

// UpdateEmail changes a user's email address. A blank address keeps the old
// one; an unknown user is ignored. An app whose data defines no "email"
// attribute gets the standard one, as every Netmera app has it. An
// external ID or address over its limit is refused.
func (t *Tenant) UpdateEmail(extID, email string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := t.addressUpdate(extID, "email", email, MaxEmailLength); err != nil {
		return err
	}
	if u := t.users[extID]; u != nil && email != "" {
		t.defineStandard(AttrEmail)
		t.setAttr(u, AttrEmail, email)
	}
	return nil
}

// UpdateMsisdn changes a user's MSISDN; an empty value is stored as empty.
// An unknown user is ignored. Like UpdateEmail, it defines the standard
// "msisdn" attribute when the app's data did not, and refuses values over
// their limits.
func (t *Tenant) UpdateMsisdn(extID, msisdn string) error {
	t.lock()
	defer t.mu.Unlock()
	if err := t.addressUpdate(extID, "msisdn", msisdn, MaxMsisdnLength); err != nil {
		return err
	}
	if u := t.users[extID]; u != nil {
		t.defineStandard(AttrMsisdn)
		t.setAttr(u, AttrMsisdn, msisdn)
	}
	return nil
}

// addressUpdate bounds the external ID and the address of an update.
func (t *Tenant) addressUpdate(extID, field, addr string, max int) error {
	if err := text("extId", extID, t.settings.limits().IDLength); err != nil {
		return err
	}
	return text(field, addr, max)
}
