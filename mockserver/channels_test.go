package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// permissions are a user's email and SMS permissions and addresses, as
// /_mock/state shows them.
type permissions struct {
	Email, Sms            bool
	Address, MSISDN       string
	HasAddress, HasMSISDN bool
}

func (h *harness) permissionsOf(tb testing.TB, extID string) permissions {
	tb.Helper()
	u := h.MustUser(tb, extID)
	p := permissions{Email: u.EmailPermitted, Sms: u.SmsPermitted}
	p.Address, p.HasAddress = u.Profile["email"].(string)
	p.MSISDN, p.HasMSISDN = u.Profile["msisdn"].(string)
	return p
}

func TestMailAndSms(t *testing.T) {
	t.Parallel()
	// Seeded: your_extId has your@example.com and 905550000001, both off;
	// id2 has jane@example.com and 905312345678, both on.
	yours := permissions{Address: "your@example.com", MSISDN: "905550000001", HasAddress: true, HasMSISDN: true}
	jane := permissions{Email: true, Sms: true, Address: "jane@example.com", MSISDN: "905312345678", HasAddress: true, HasMSISDN: true}
	tests := []struct {
		name  string
		steps []struct{ path, body string }
		want  map[string]permissions
	}{
		{name: "enableMail by extIds", steps: []struct{ path, body string }{{"enableMail", `{"extIds":["your_extId","ghost"]}`}},
			want: map[string]permissions{"your_extId": changed(yours, func(p *permissions) { p.Email = true }), "id2": jane}},
		{name: "disableMail by emailList", steps: []struct{ path, body string }{{"disableMail", `{"emailList":["jane@example.com","ghost@example.com"]}`}},
			want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.Email = false })}},
		{name: "enableMail by both", steps: []struct{ path, body string }{{"enableMail", `{"extIds":[],"emailList":["your@example.com"]}`}},
			want: map[string]permissions{"your_extId": changed(yours, func(p *permissions) { p.Email = true }), "id2": jane}},
		{name: "updateEmail then disableMail by the new address", steps: []struct{ path, body string }{
			{"updateEmail", `{"extId":"id2","email":"jane.new@example.com"}`},
			{"disableMail", `{"emailList":["jane@example.com"]}`},
			{"disableMail", `{"emailList":["jane.new@example.com"]}`},
		}, want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.Email, p.Address = false, "jane.new@example.com" })}},
		{name: "setProfileAttributes email then disableMail by it", steps: []struct{ path, body string }{
			{"setProfileAttributes", `[{"extId":"id2","profile":{"email":"j2@example.com"}}]`},
			{"disableMail", `{"emailList":["jane@example.com"]}`},
			{"disableMail", `{"emailList":["j2@example.com"]}`},
		}, want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.Email, p.Address = false, "j2@example.com" })}},
		{name: "deleteProfileAttributes email forgets the address", steps: []struct{ path, body string }{
			{"deleteProfileAttributes", `[{"profile":["email"]}]`},
			{"disableMail", `{"emailList":["jane@example.com","your@example.com"]}`},
		}, want: map[string]permissions{"your_extId": changed(yours, func(p *permissions) { p.Address, p.HasAddress = "", false }),
			"id2": changed(jane, func(p *permissions) { p.Address, p.HasAddress = "", false })}},
		{name: "unsetProfileAttributes msisdn forgets the number", steps: []struct{ path, body string }{
			{"unsetProfileAttributes", `[{"extId":"id2","profile":["msisdn"]}]`},
			{"disableSms", `{"msisdnList":["905312345678"]}`},
		}, want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.MSISDN, p.HasMSISDN = "", false })}},
		{name: "updateEmail blank keeps the address", steps: []struct{ path, body string }{{"updateEmail", `{"extId":"id2","email":""}`}},
			want: map[string]permissions{"your_extId": yours, "id2": jane}},
		{name: "updateEmail unknown user", steps: []struct{ path, body string }{{"updateEmail", `{"extId":"ghost","email":"g@example.com"}`}},
			want: map[string]permissions{"your_extId": yours, "id2": jane}},
		{name: "enableSms by extIds", steps: []struct{ path, body string }{{"enableSms", `{"extIds":["your_extId"]}`}},
			want: map[string]permissions{"your_extId": changed(yours, func(p *permissions) { p.Sms = true }), "id2": jane}},
		{name: "disableSms by msisdnList", steps: []struct{ path, body string }{{"disableSms", `{"msisdnList":["905312345678","900"]}`}},
			want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.Sms = false })}},
		{name: "updateMsisdn then enableSms by the new number", steps: []struct{ path, body string }{
			{"updateMsisdn", `{"extId":"your_extId","msisdn":"905559999999"}`},
			{"enableSms", `{"msisdnList":["905550000001"]}`},
			{"enableSms", `{"msisdnList":["905559999999"]}`},
		}, want: map[string]permissions{"your_extId": changed(yours, func(p *permissions) { p.Sms, p.MSISDN = true, "905559999999" }), "id2": jane}},
		{name: "updateMsisdn empty is stored empty", steps: []struct{ path, body string }{{"updateMsisdn", `{"extId":"id2","msisdn":""}`}},
			want: map[string]permissions{"your_extId": yours, "id2": changed(jane, func(p *permissions) { p.MSISDN = "" })}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			for _, st := range tt.steps {
				wantOK(t, "POST "+st.path+" "+st.body, h.Do(t, http.MethodPost, "/rest/3.0/"+st.path, st.body))
			}
			for id, want := range tt.want {
				if diff := cmp.Diff(want, h.permissionsOf(t, id)); diff != "" {
					t.Errorf("after %v, /_mock/state of %s mismatch (-want +got):\n%s", tt.steps, id, diff)
				}
			}
		})
	}
}

func changed(p permissions, f func(*permissions)) permissions {
	f(&p)
	return p
}

// TestUpdateEmailReadBack checks the new address through the API itself.
func TestUpdateEmailReadBack(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	wantOK(t, "updateEmail", h.Do(t, http.MethodPost, "/rest/3.0/updateEmail", `{"extId":"id2","email":"jane.new@example.com"}`))
	wantOK(t, "updateMsisdn", h.Do(t, http.MethodPost, "/rest/3.0/updateMsisdn", `{"extId":"id2","msisdn":"905000000000"}`))
	got := h.profileOf(t, "extId=id2")
	if got["email"] != "jane.new@example.com" || got["msisdn"] != "905000000000" {
		t.Errorf("getProfileAttributes?extId=id2 after updateEmail and updateMsisdn = %v, want the new email and msisdn", got)
	}
}
