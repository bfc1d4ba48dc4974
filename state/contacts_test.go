package state_test

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestAddAddresses: addEmail and addMsisdn register addresses no user has
// as contacts, once each, in order, and leave the others alone.
func TestAddAddresses(t *testing.T) {
	tests := []struct {
		name string
		do   func(tn *state.Tenant)
		want []state.ContactRecord
	}{
		{name: "new emails become contacts, in order",
			do:   func(tn *state.Tenant) { tn.AddEmails([]string{"zed@example.com", "amy@example.com"}) },
			want: []state.ContactRecord{{Email: "zed@example.com"}, {Email: "amy@example.com"}}},
		{name: "an address a user has, an empty one and a repeat add nothing",
			do: func(tn *state.Tenant) {
				tn.AddEmails([]string{"bob@example.com", "", "new@example.com", "new@example.com"})
			},
			want: []state.ContactRecord{{Email: "new@example.com"}}},
		{name: "the address of an untracked user is a user's",
			do: func(tn *state.Tenant) { tn.AddEmails([]string{"dan@example.com"}) }},
		{name: "formats are not checked",
			do:   func(tn *state.Tenant) { tn.AddEmails([]string{"your-email", "Bob <bob@example.com>"}) },
			want: []state.ContactRecord{{Email: "your-email"}, {Email: "Bob <bob@example.com>"}}},
		{name: "MSISDNs likewise, apart from emails",
			do: func(tn *state.Tenant) {
				tn.AddMsisdns([]string{"+905551110001", "+905559990000"})
				tn.AddEmails([]string{"+905559990000"})
			},
			want: []state.ContactRecord{{Msisdn: "+905559990000"}, {Email: "+905559990000"}}},
		{name: "adding again keeps the contact and its permission",
			do: func(tn *state.Tenant) {
				tn.AddEmails([]string{"new@example.com"})
				MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{"new@example.com"}, true))
				tn.AddEmails([]string{"new@example.com"})
			},
			want: []state.ContactRecord{{Email: "new@example.com", EmailPermitted: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			users := tn.Export().Users
			tt.do(tn)
			d := tn.Export()
			if diff := cmp.Diff(tt.want, d.Contacts); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(users, d.Users); diff != "" {
				t.Errorf("adding addresses changed users (-before +after):\n%s", diff)
			}
			MustConsistent(t, tn)
			again := MustTenant(t, d, state.Settings{})
			if !reflect.DeepEqual(d, again.Export()) {
				t.Errorf("the export does not load back to itself:\n%s", cmp.Diff(d, again.Export()))
			}
		})
	}
}

// TestContactPermissionAndClaims: enableMail and enableSms reach contacts
// through their address lists, never through extIds; a user who gets the
// address takes the contact's place, however the address arrives.
func TestContactPermissionAndClaims(t *testing.T) {
	setup := func(t *testing.T) *state.Tenant {
		tn := MustTenant(t, smallDataset(), state.Settings{})
		tn.AddEmails([]string{"new@example.com"})
		tn.AddMsisdns([]string{"+909"})
		return tn
	}
	t.Run("permissions by address", func(t *testing.T) {
		tn := setup(t)
		MustOK(t, "SetMailPermission", tn.SetMailPermission([]string{"new@example.com"}, []string{"new@example.com"}, true))
		MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{"+909"}, true))
		MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{"new@example.com"}, false))
		want := []state.ContactRecord{{Email: "new@example.com", EmailPermitted: true}, {Msisdn: "+909", SmsPermitted: true}}
		if diff := cmp.Diff(want, tn.Export().Contacts); diff != "" {
			t.Errorf("contacts (-want +got):\n%s", diff)
		}
		if c, ok := tn.Contact(state.AttrMsisdn, "+909"); !ok || !c.SmsPermitted {
			t.Errorf("Contact(msisdn, +909) = %+v, %v; want it, opted in to SMS", c, ok)
		}
		if _, ok := tn.Contact(state.AttrEmail, "+909"); ok {
			t.Errorf("Contact(email, +909) found a contact; +909 is an MSISDN")
		}
	})
	claims := []struct {
		name    string
		claim   func(tn *state.Tenant) error
		want    []state.ContactRecord
		address string
	}{
		{name: "updateEmail", claim: func(tn *state.Tenant) error { tn.UpdateEmail("u3", "new@example.com"); return nil },
			want: []state.ContactRecord{{Msisdn: "+909"}}},
		{name: "updateMsisdn", claim: func(tn *state.Tenant) error { tn.UpdateMsisdn("u3", "+909"); return nil },
			want: []state.ContactRecord{{Email: "new@example.com"}}},
		{name: "setProfileAttributes", claim: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u2", Values: map[string]any{state.AttrEmail: "new@example.com"}}})
		}, want: []state.ContactRecord{{Msisdn: "+909"}}},
		{name: "a user registered with it", claim: func(tn *state.Tenant) error {
			return tn.PutUser(state.UserRecord{ExtID: "sdk", Profile: map[string]any{state.AttrMsisdn: "+909"}})
		}, want: []state.ContactRecord{{Email: "new@example.com"}}},
		{name: "an unknown user claims nothing", claim: func(tn *state.Tenant) error { tn.UpdateEmail("ghost", "new@example.com"); return nil },
			want: []state.ContactRecord{{Email: "new@example.com"}, {Msisdn: "+909"}}},
	}
	for _, tt := range claims {
		t.Run("claimed by "+tt.name, func(t *testing.T) {
			tn := setup(t)
			MustOK(t, tt.name, tt.claim(tn))
			if diff := cmp.Diff(tt.want, tn.Export().Contacts); diff != "" {
				t.Errorf("contacts after %s (-want +got):\n%s", tt.name, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

// TestLoadContacts refuses datasets whose contacts are not addresses no
// user has, one each.
func TestLoadContacts(t *testing.T) {
	tests := []struct {
		name     string
		contacts []state.ContactRecord
		wantErr  string
	}{
		{name: "good", contacts: []state.ContactRecord{{Email: "a@example.com", EmailPermitted: true}, {Msisdn: "+1"}}},
		{name: "neither", contacts: []state.ContactRecord{{EmailPermitted: true}}, wantErr: "contacts[0]: no email and no MSISDN"},
		{name: "both", contacts: []state.ContactRecord{{Email: "a@example.com", Msisdn: "+1"}}, wantErr: "contacts[0]: both an email and an MSISDN; a contact is one address"},
		{name: "twice", contacts: []state.ContactRecord{{Msisdn: "+1"}, {Msisdn: "+1", SmsPermitted: true}}, wantErr: `contacts[1]: msisdn "+1" registered twice`},
		{name: "a user's", contacts: []state.ContactRecord{{Email: "bob@example.com"}}, wantErr: `contacts[0]: user "u2" has the email "bob@example.com"; a contact is an address no user has`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := smallDataset()
			d.Contacts = tt.contacts
			tn, err := state.NewTenant(d, state.Settings{})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("NewTenant = %v, want error %q", err, tt.wantErr)
				}
				return
			}
			MustOK(t, "NewTenant", err)
			if diff := cmp.Diff(tt.contacts, tn.Export().Contacts); diff != "" {
				t.Errorf("contacts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRemoveAddress: removeEmail and removeMsisdn clear the field and
// nothing else; unknown users and users without one change nothing.
func TestRemoveAddress(t *testing.T) {
	tests := []struct {
		name   string
		remove func(tn *state.Tenant)
		user   string
		gone   string // the profile key removed; "" when nothing changes
	}{
		{name: "email", remove: func(tn *state.Tenant) { tn.RemoveEmail("u1") }, user: "u1", gone: state.AttrEmail},
		{name: "msisdn", remove: func(tn *state.Tenant) { tn.RemoveMsisdn("u2") }, user: "u2", gone: state.AttrMsisdn},
		{name: "email of an unknown user", remove: func(tn *state.Tenant) { tn.RemoveEmail("ghost") }},
		{name: "email of a user without one", remove: func(tn *state.Tenant) { tn.RemoveEmail("u3") }},
		{name: "msisdn of an empty extId", remove: func(tn *state.Tenant) { tn.RemoveMsisdn("") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			// Build the address indexes first, so that removal must keep them in step.
			MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{"x"}, true))
			MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{"x"}, true))
			before := tn.Export()
			tt.remove(tn)
			if tt.gone == "" {
				MustUnchanged(t, tt.name, before, tn)
				return
			}
			want := MustUser(t, MustTenant(t, before, state.Settings{}), tt.user)
			delete(want.Profile, tt.gone)
			if diff := cmp.Diff(want, MustUser(t, tn, tt.user)); diff != "" {
				t.Errorf("user %s after removing the %s (-want +got):\n%s", tt.user, tt.gone, diff)
			}
			MustConsistent(t, tn)
			// The old address reaches the user no more.
			old := before.Users[map[string]int{"u1": 0, "u2": 1}[tt.user]].Profile[tt.gone].(string)
			MustOK(t, "SetMailPermission", tn.SetMailPermission(nil, []string{old}, false))
			MustOK(t, "SetSmsPermission", tn.SetSmsPermission(nil, []string{old}, false))
			if u := MustUser(t, tn, tt.user); u.EmailPermitted != want.EmailPermitted || u.SmsPermitted != want.SmsPermitted {
				t.Errorf("permissions changed through the removed address %q", old)
			}
		})
	}
}

// TestUnsetKeepsEmail: the email address is a system field that
// unsetProfileAttributes does not remove; the MSISDN is not.
func TestUnsetKeepsEmail(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	MustOK(t, "UnsetProfileAttributes", tn.UnsetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Keys: []string{state.AttrEmail, state.AttrMsisdn, "age"}}}))
	p := MustUser(t, tn, "u1").Profile
	if p[state.AttrEmail] != "ann@example.com" {
		t.Errorf("u1's email after unsetting it = %v, want ann@example.com kept", p[state.AttrEmail])
	}
	if _, ok := p[state.AttrMsisdn]; ok {
		t.Errorf("u1's msisdn after unsetting it = %v, want it gone", p[state.AttrMsisdn])
	}
	if _, ok := p["age"]; ok {
		t.Errorf("u1's age after unsetting it = %v, want it gone", p["age"])
	}
}
