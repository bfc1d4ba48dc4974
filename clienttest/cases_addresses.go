package clienttest

import (
	"context"
	"fmt"
	"slices"

	"github.com/netmera-mock/netmera-mock/state"
)

// wantRemoved checks that c removed a user's address (a profile key) in
// the fake, and says what Netmera does with the usual mistake, an update
// to an empty value.
func (e *env) wantRemoved(c *call, extID, key, update, remove string) {
	e.t.Helper()
	got, ok := e.srv.Profile(extID)[key]
	if !ok {
		return
	}
	why := ""
	if len(c.to(update)) > 0 {
		why = fmt.Sprintf(": the client called %s, and an empty value there does not remove the address (Netmera keeps it, or stores it empty); %s does", update, remove)
	}
	e.errorf(c, "user %q's %s removed in the fake; it is %s%s", extID, key, showJSON(got), why)
}

// wantContact checks whether the fake holds a contact for an address.
func (e *env) wantContact(c *call, key, address string, want bool) {
	e.t.Helper()
	_, got := e.srv.Contact(key, address)
	switch {
	case want && !got:
		e.errorf(c, "the fake to hold %q, which no user has, as an uploaded %s; it does not", address, key)
	case !want && got:
		e.errorf(c, "no upload of %q, which a user has already; the fake holds it as a user of its own", address)
	}
}

func addressCases() []testCase {
	return []testCase{
		{name: "add-email", needs: []string{"AddEmail"}, run: func(e *env) {
			cl, emails := e.f, []string{"ada@example.org", "john.brown@example.com", "ada@example.org"}
			c := e.do(fmt.Sprintf("AddEmail(ctx, %q)", emails), func(ctx context.Context) error { return cl.AddEmail(ctx, emails) })
			e.must(c)
			e.wantContact(c, state.AttrEmail, "ada@example.org", true)
			e.wantContact(c, state.AttrEmail, "john.brown@example.com", false)
		}},
		{name: "add-msisdn", needs: []string{"AddMsisdn"}, run: func(e *env) {
			cl, msisdns := e.f, []string{"+905559990011", "905311112233"}
			c := e.do(fmt.Sprintf("AddMsisdn(ctx, %q)", msisdns), func(ctx context.Context) error { return cl.AddMsisdn(ctx, msisdns) })
			e.must(c)
			e.wantContact(c, state.AttrMsisdn, "+905559990011", true)
			e.wantContact(c, state.AttrMsisdn, "905311112233", false)
		}},
		{name: "remove-email", needs: []string{"RemoveEmail"}, run: func(e *env) {
			cl := e.f
			c := e.do(`RemoveEmail(ctx, "id1")`, func(ctx context.Context) error { return cl.RemoveEmail(ctx, "id1") })
			e.must(c)
			e.wantRemoved(c, "id1", state.AttrEmail, "updateEmail", "removeEmail")
		}},
		{name: "remove-msisdn", needs: []string{"RemoveMsisdn"}, run: func(e *env) {
			cl := e.f
			c := e.do(`RemoveMsisdn(ctx, "id_in_my_system_1")`, func(ctx context.Context) error { return cl.RemoveMsisdn(ctx, "id_in_my_system_1") })
			e.must(c)
			e.wantRemoved(c, "id_in_my_system_1", state.AttrMsisdn, "updateMsisdn", "removeMsisdn")
		}},
	}
}

func whatsAppCases() []testCase {
	return []testCase{
		{name: "enable-disable", needs: []string{"EnableWhatsApp", "DisableWhatsApp"}, run: func(e *env) {
			cl := e.f
			if err := e.srv.Tenant().SetWhatsAppPermission([]string{"id1", "id2"}, nil, true); err != nil {
				e.t.Fatalf("%s: setting the case up: %v", e.name, err)
			}
			toggle(e, "WhatsApp", []string{"id1", "id2"}, cl.DisableWhatsApp, cl.EnableWhatsApp, "DisableWhatsApp", "EnableWhatsApp")
		}},
		{name: "update", needs: []string{"UpdateWhatsApp"}, run: func(e *env) {
			cl, numbers := e.f, []string{"+905551112233", "+905551112244"}
			c := e.do(fmt.Sprintf("UpdateWhatsApp(ctx, \"id1\", %q)", numbers), func(ctx context.Context) error { return cl.UpdateWhatsApp(ctx, "id1", numbers) })
			e.must(c)
			if u, _ := e.srv.User("id1"); !slices.Equal(u.WpNumbers, numbers) {
				e.errorf(c, "user \"id1\"'s WhatsApp numbers to be %q in the fake; they are %q", numbers, u.WpNumbers)
			}
		}},
		{name: "remove", needs: []string{"RemoveWhatsApp"}, run: func(e *env) {
			cl := e.f
			if err := e.srv.Tenant().UpdateWhatsApp("id2", []string{"+905551112255"}); err != nil {
				e.t.Fatalf("%s: setting the case up: %v", e.name, err)
			}
			c := e.do(`RemoveWhatsApp(ctx, "id2")`, func(ctx context.Context) error { return cl.RemoveWhatsApp(ctx, "id2") })
			e.must(c)
			if u, _ := e.srv.User("id2"); len(u.WpNumbers) > 0 {
				why := ""
				if len(c.to("updateWhatsApp")) > 0 {
					why = ": the client called updateWhatsApp, which stores an empty value instead of removing the number; removeWhatsApp does"
				}
				e.errorf(c, "user \"id2\"'s WhatsApp numbers removed in the fake; they are %q%s", u.WpNumbers, why)
			}
		}},
		{name: "enable-batches-over-1000", needs: []string{"EnableWhatsApp"}, live: true, opts: []Option{WithUsers(1600)}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(1500)
			c := e.do(fmt.Sprintf("EnableWhatsApp(ctx, %s)", showIDs(ids)), func(ctx context.Context) error { return cl.EnableWhatsApp(ctx, ids) })
			if e.wantBatches(c, "enableWhatsApp", "extIds", ids) && !e.live() {
				e.wantPermission(c, "WhatsApp", ids, true)
			}
		}},
	}
}
