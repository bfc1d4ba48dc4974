package mockserver_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// wantPlain checks one of Netmera's plain-text answers, exactly.
func wantPlain(tb testing.TB, what string, r reply, status int, text string) {
	tb.Helper()
	if r.Status != status || string(r.Body) != text {
		tb.Errorf("%s = %v, want %d %q", what, r, status, text)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/plain;charset=UTF-8" {
		tb.Errorf("%s: Content-Type %q, want text/plain;charset=UTF-8", what, ct)
	}
}

// contacts returns the contacts of testKey's tenant, from /_mock/state.
func (h *harness) contacts(tb testing.TB) []state.ContactRecord {
	tb.Helper()
	return h.MustDataset(tb, testKey).Contacts
}

// TestAddEmailAndMsisdn: addEmail and addMsisdn make contacts of the
// addresses no user has, once each; enableMail and enableSms reach them by
// address, and a user who gets the address takes their place.
func TestAddEmailAndMsisdn(t *testing.T) {
	t.Parallel()
	type step struct{ path, body string }
	tests := []struct {
		name  string
		steps []step
		want  []state.ContactRecord
	}{
		{name: "the reference's sample", steps: []step{{"addEmail", `{"emailList":["example1@netmera.com","example2@gmail.com","example3@gmail.com"]}`}},
			want: []state.ContactRecord{{Email: "example1@netmera.com"}, {Email: "example2@gmail.com"}, {Email: "example3@gmail.com"}}},
		{name: "a user's address, a repeat, an empty one and unknown members", steps: []step{
			{"addEmail", `{"emailList":["jane@example.com","new@example.com","","new@example.com"],"source":"crm"}`}},
			want: []state.ContactRecord{{Email: "new@example.com"}}},
		{name: "an empty list", steps: []step{{"addEmail", `{"emailList":[]}`}}},
		{name: "formats are not checked", steps: []step{{"addEmail", `{"emailList":["your-email"]}`}, {"addMsisdn", `{"msisdnList":["+90xxxxxxxx","5"]}`}},
			want: []state.ContactRecord{{Email: "your-email"}, {Msisdn: "+90xxxxxxxx"}, {Msisdn: "5"}}},
		{name: "a user's MSISDN", steps: []step{{"addMsisdn", `{"msisdnList":["905312345678"]}`}}},
		{name: "permission by address", steps: []step{
			{"addEmail", `{"emailList":["new@example.com"]}`},
			{"addMsisdn", `{"msisdnList":["+905550009999"]}`},
			{"enableMail", `{"emailList":["new@example.com"]}`},
			{"enableSms", `{"extIds":["+905550009999"]}`}, // an extId names no contact
		}, want: []state.ContactRecord{{Email: "new@example.com", EmailPermitted: true}, {Msisdn: "+905550009999"}}},
		{name: "adding again keeps the permission", steps: []step{
			{"addMsisdn", `{"msisdnList":["+905550009999"]}`},
			{"enableSms", `{"msisdnList":["+905550009999"]}`},
			{"addMsisdn", `{"msisdnList":["+905550009999"]}`},
		}, want: []state.ContactRecord{{Msisdn: "+905550009999", SmsPermitted: true}}},
		{name: "a user takes the address", steps: []step{
			{"addEmail", `{"emailList":["new@example.com","other@example.com"]}`},
			{"updateEmail", `{"extId":"id_in_my_system_1","email":"new@example.com"}`},
		}, want: []state.ContactRecord{{Email: "other@example.com"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			users := h.MustDataset(t, testKey).Users
			for _, st := range tt.steps {
				wantOK(t, "POST "+st.path+" "+st.body, h.Do(t, http.MethodPost, "/rest/3.0/"+st.path, st.body))
			}
			d := h.MustDataset(t, testKey)
			if diff := cmp.Diff(tt.want, d.Contacts); diff != "" {
				t.Errorf("after %v, the contacts in /_mock/state differ (-want +got):\n%s", tt.steps, diff)
			}
			if tt.name != "a user takes the address" {
				if diff := cmp.Diff(users, d.Users); diff != "" {
					t.Errorf("after %v, users changed (-before +after):\n%s", tt.steps, diff)
				}
			}
		})
	}
}

// TestControlContacts: GET /_mock/contacts reads one contact by address.
func TestControlContacts(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantOK(t, "addEmail", h.Do(t, http.MethodPost, "/rest/3.0/addEmail", `{"emailList":["new@example.com"]}`))
	wantOK(t, "addMsisdn", h.Do(t, http.MethodPost, "/rest/3.0/addMsisdn", `{"msisdnList":["+905550009999"]}`))
	wantOK(t, "enableSms", h.Do(t, http.MethodPost, "/rest/3.0/enableSms", `{"msisdnList":["+905550009999"]}`))
	var got state.ContactRecord
	h.control(t, testKey, http.MethodGet, "/_mock/contacts?email=new@example.com", "", http.StatusOK, &got)
	if want := (state.ContactRecord{Email: "new@example.com"}); got != want {
		t.Errorf("GET /_mock/contacts?email=new@example.com = %+v, want %+v", got, want)
	}
	got = state.ContactRecord{}
	h.control(t, testKey, http.MethodGet, "/_mock/contacts?msisdn="+url.QueryEscape("+905550009999"), "", http.StatusOK, &got)
	if want := (state.ContactRecord{Msisdn: "+905550009999", SmsPermitted: true}); got != want {
		t.Errorf("GET /_mock/contacts?msisdn=+905550009999 = %+v, want %+v", got, want)
	}
	for _, tt := range []struct {
		query  string
		status int
	}{
		{"email=jane@example.com", http.StatusNotFound}, // a user's address is no contact
		{"msisdn=new@example.com", http.StatusNotFound},
		{"", http.StatusBadRequest},
		{"email=new@example.com&msisdn=1", http.StatusBadRequest},
	} {
		h.control(t, testKey, http.MethodGet, "/_mock/contacts?"+tt.query, "", tt.status, nil)
	}
	h.control(t, otherKey, http.MethodGet, "/_mock/contacts?email=new@example.com", "", http.StatusNotFound, nil)
}

// TestRemoveEmailAndMsisdn: removeEmail and removeMsisdn clear the field
// and nothing else, at once; unknown and empty IDs change nothing.
func TestRemoveEmailAndMsisdn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, body string
		user             string
		gone             string // the profile key cleared; "" when nothing changes
	}{
		{name: "removeEmail", path: "removeEmail", body: `{"extId":"id2"}`, user: "id2", gone: "email"},
		{name: "removeMsisdn", path: "removeMsisdn", body: `{"extId":"id2"}`, user: "id2", gone: "msisdn"},
		{name: "unknown members ignored", path: "removeEmail", body: `{"extId":"your_extId","email":"your@example.com"}`, user: "your_extId", gone: "email"},
		{name: "unknown user", path: "removeEmail", body: `{"extId":"ghost"}`},
		{name: "empty extId", path: "removeMsisdn", body: `{"extId":""}`},
		{name: "a user without an address", path: "removeEmail", body: `{"extId":"your-extId"}`},
		{name: "twice", path: "removeMsisdn", body: `{"extId":"id1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			before := h.MustState(t, testKey)
			var want state.UserRecord
			if tt.user != "" {
				want = h.MustUser(t, tt.user)
			}
			call := "POST " + tt.path + " " + tt.body
			wantOK(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body))
			if tt.gone == "" {
				h.wantUnchanged(t, call, before)
				return
			}
			old := want.Profile[tt.gone].(string)
			delete(want.Profile, tt.gone)
			if diff := cmp.Diff(want, h.MustUser(t, tt.user)); diff != "" {
				t.Errorf("after %s, user %s differs (-want +got):\n%s", call, tt.user, diff)
			}
			if _, ok := h.profileOf(t, "extId="+tt.user)[tt.gone]; ok {
				t.Errorf("getProfileAttributes?extId=%s after %s still has %s", tt.user, call, tt.gone)
			}
			// The old address reaches the user no more.
			list := map[string]string{"email": "disableMail", "msisdn": "disableSms"}[tt.gone]
			field := map[string]string{"email": "emailList", "msisdn": "msisdnList"}[tt.gone]
			wantOK(t, list, h.Do(t, http.MethodPost, "/rest/3.0/"+list, `{"`+field+`":[`+jsonString(old)+`]}`))
			if diff := cmp.Diff(want, h.MustUser(t, tt.user)); diff != "" {
				t.Errorf("%s by the removed address %q changed %s (-want +got):\n%s", list, old, tt.user, diff)
			}
		})
	}
}

// TestUnsetProfileAttributesKeepsEmail: Netmera keeps the email address in
// a system field that only removeEmail clears.
func TestUnsetProfileAttributesKeepsEmail(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantOK(t, "unsetProfileAttributes", h.Do(t, http.MethodPost, "/rest/3.0/unsetProfileAttributes", `[{"extId":"id2","profile":["email","name"]}]`))
	p := h.profileOf(t, "extId=id2")
	if p["email"] != "jane@example.com" || p["name"] != nil {
		t.Errorf("getProfileAttributes?extId=id2 after unsetting email and name = %v, want the email kept and the name gone", p)
	}
	wantOK(t, "removeEmail", h.Do(t, http.MethodPost, "/rest/3.0/removeEmail", `{"extId":"id2"}`))
	if p := h.profileOf(t, "extId=id2"); p["email"] != nil {
		t.Errorf("getProfileAttributes?extId=id2 after removeEmail = %v, want no email", p)
	}
}

// TestPlainTextRefusals: without extId (or, for updateWhatsApp, without a
// number) Netmera answers 400 in plain text, not its envelope; nothing
// changes. Validation on or off, the answer is the same.
func TestPlainTextRefusals(t *testing.T) {
	t.Parallel()
	const noID, noNumber = "Please provide an external id.", "Please provide a wpNumber."
	tests := []struct {
		name, path, body, want string
	}{
		{name: "removeEmail without extId", path: "removeEmail", body: `{}`, want: noID},
		{name: "removeEmail extId null", path: "removeEmail", body: `{"extId":null}`, want: noID},
		{name: "removeEmail extID misspelt", path: "removeEmail", body: `{"extID":"id2"}`, want: noID},
		{name: "removeMsisdn without extId", path: "removeMsisdn", body: `{"msisdn":"905312345678"}`, want: noID},
		{name: "removeWhatsApp without extId", path: "removeWhatsApp", body: `{}`, want: noID},
		{name: "updateWhatsApp without extId", path: "updateWhatsApp", body: `{"wpNumbers":["+1234567890"]}`, want: noID},
		{name: "updateWhatsApp without anything", path: "updateWhatsApp", body: `{}`, want: noID},
		{name: "updateWhatsApp without a number", path: "updateWhatsApp", body: `{"extId":"id1"}`, want: noNumber},
		{name: "updateWhatsApp numbers null", path: "updateWhatsApp", body: `{"extId":"id1","wpNumbers":null,"wpNumber":null}`, want: noNumber},
	}
	for _, opts := range []mockserver.Options{{}, {NoValidation: true}} {
		h := MustHarness(t, opts)
		for _, tt := range tests {
			t.Run(tt.name+map[bool]string{true: " (no validation)"}[opts.NoValidation], func(t *testing.T) {
				before := h.MustState(t, testKey)
				call := "POST " + tt.path + " " + tt.body
				wantPlain(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest, tt.want)
				h.wantUnchanged(t, call, before)
			})
		}
	}
}

// TestStrictEmail: with Settings.StrictEmail an address that is not a
// plain email address fails enableMail and disableMail whole.
func TestStrictEmail(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{StrictEmail: true}, mockserver.Options{}, testKey)
	tests := []struct {
		name, path, body, bad string
	}{
		{name: "the guide's placeholder", path: "enableMail", body: `{"emailList":["your-email"]}`, bad: "your-email"},
		{name: "one bad among good ones", path: "disableMail", body: `{"extIds":["id1"],"emailList":["jane@example.com","bad"]}`, bad: "bad"},
		{name: "a display name", path: "enableMail", body: `{"emailList":["Jane <jane@example.com>"]}`, bad: "Jane <jane@example.com>"},
		{name: "empty", path: "enableMail", body: `{"emailList":[""]}`, bad: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := "POST " + tt.path + " " + tt.body
			wantError(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest,
				envelope{Code: 2004, Error: "Invalid email address: '" + tt.bad + "'"})
			h.wantUnchanged(t, call, before)
		})
	}
	wantOK(t, "disableMail of a plain address", h.Do(t, http.MethodPost, "/rest/3.0/disableMail", `{"emailList":["jane@example.com"]}`))
	if h.MustUser(t, "id2").EmailPermitted {
		t.Error("id2 is still opted in to email after disableMail of its address")
	}
	// addEmail checks no address, strict or not.
	wantOK(t, "addEmail", h.Do(t, http.MethodPost, "/rest/3.0/addEmail", `{"emailList":["your-email"]}`))
}
