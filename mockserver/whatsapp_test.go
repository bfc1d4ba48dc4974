package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// whatsApp is a user's WhatsApp state as GET /_mock/users shows it.
type whatsApp struct {
	Numbers   []string
	Permitted bool
}

func (h *harness) whatsAppOf(tb testing.TB, extID string) whatsApp {
	tb.Helper()
	var d state.UserDetail
	h.control(tb, testKey, http.MethodGet, "/_mock/users?extId="+extID, "", http.StatusOK, &d)
	return whatsApp{d.WpNumbers, d.WhatsAppPermitted}
}

func TestWhatsApp(t *testing.T) {
	t.Parallel()
	type step struct{ path, body string }
	tests := []struct {
		name  string
		steps []step
		want  map[string]whatsApp
	}{
		{name: "enableWhatsApp, the reference's sample", steps: []step{
			{"enableWhatsApp", `{"extIds":["your-extId"],"wpNumbers":["+1234567890","+1234567891"]}`}},
			want: map[string]whatsApp{"your-extId": {nil, true}, "id1": {}}},
		{name: "updateWhatsApp, the reference's sample", steps: []step{
			{"updateWhatsApp", `{"extId":"your_extId","wpNumbers":["+1234567890","+1234567891"]}`}},
			want: map[string]whatsApp{"your_extId": {[]string{"+1234567890", "+1234567891"}, false}}},
		{name: "updateWhatsApp, the newest reference's form wins", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumber":"+905","wpNumbers":["+906"]}`}},
			want: map[string]whatsApp{"id1": {[]string{"+905"}, false}}},
		{name: "an empty value is stored as empty", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["+901"]}`},
			{"updateWhatsApp", `{"extId":"id1","wpNumber":""}`}},
			want: map[string]whatsApp{"id1": {[]string{""}, false}}},
		{name: "an empty list is the empty value too", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["+901"]}`},
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":[]}`}},
			want: map[string]whatsApp{"id1": {[]string{""}, false}}},
		{name: "the numbers are not checked", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["905312345678","x","905312345678"]}`}},
			want: map[string]whatsApp{"id1": {[]string{"905312345678", "x"}, false}}},
		{name: "by number, after an update", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["+901"]}`},
			{"updateWhatsApp", `{"extId":"id2","wpNumbers":["+902"]}`},
			{"enableWhatsApp", `{"wpNumbers":["+901","+902","+999"]}`},
			{"disableWhatsApp", `{"extIds":["ghost"],"wpNumbers":["+902"]}`}},
			want: map[string]whatsApp{"id1": {[]string{"+901"}, true}, "id2": {[]string{"+902"}, false}}},
		{name: "a number moves to the user updated last", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["+901","+902"]}`},
			{"updateWhatsApp", `{"extId":"id2","wpNumbers":["+902"]}`},
			{"enableWhatsApp", `{"wpNumbers":["+902"]}`}},
			want: map[string]whatsApp{"id1": {[]string{"+901"}, false}, "id2": {[]string{"+902"}, true}}},
		{name: "removeWhatsApp clears the numbers, keeps the permission", steps: []step{
			{"updateWhatsApp", `{"extId":"id1","wpNumbers":["+901"]}`},
			{"enableWhatsApp", `{"extIds":["id1"]}`},
			{"removeWhatsApp", `{"extId":"id1"}`},
			{"disableWhatsApp", `{"wpNumbers":["+901"]}`}},
			want: map[string]whatsApp{"id1": {nil, true}}},
		{name: "unknown and empty extIds change nothing", steps: []step{
			{"updateWhatsApp", `{"extId":"ghost","wpNumbers":["+901"]}`},
			{"updateWhatsApp", `{"extId":"","wpNumbers":["+901"]}`},
			{"removeWhatsApp", `{"extId":"ghost"}`},
			{"enableWhatsApp", `{"wpNumbers":["+901"]}`}},
			want: map[string]whatsApp{"id1": {}, "id2": {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			for _, st := range tt.steps {
				wantOK(t, "POST "+st.path+" "+st.body, h.Do(t, http.MethodPost, "/rest/3.0/"+st.path, st.body))
			}
			got := map[string]whatsApp{}
			for id := range tt.want {
				got[id] = h.whatsAppOf(t, id)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("after %v, GET /_mock/users differs (-want +got):\n%s", tt.steps, diff)
			}
		})
	}
}

// TestControlUserWhatsApp: POST /_mock/users sets WhatsApp numbers and
// permission, which the API then finds.
func TestControlUserWhatsApp(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.control(t, testKey, http.MethodPost, "/_mock/users", `{"extId":"wa","wpNumbers":["+905"],"whatsAppPermitted":true}`, http.StatusOK, nil)
	wantOK(t, "disableWhatsApp", h.Do(t, http.MethodPost, "/rest/3.0/disableWhatsApp", `{"wpNumbers":["+905"]}`))
	if got, want := h.whatsAppOf(t, "wa"), (whatsApp{[]string{"+905"}, false}); !cmp.Equal(got, want) {
		t.Errorf("GET /_mock/users?extId=wa = %+v, want %+v", got, want)
	}
}

// TestStrictWhatsApp: with Options.StrictWhatsApp, updateWhatsApp reads
// only wpNumber, one number starting with "+", as the newest reference
// says the live API does; anything else is a plain-text 400.
func TestStrictWhatsApp(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{StrictWhatsApp: true})
	const noNumber = "Please provide a wpNumber."
	tests := []struct {
		name, body, want string
	}{
		{name: "the list alone", body: `{"extId":"id1","wpNumbers":["+901"]}`, want: noNumber},
		{name: "an empty number", body: `{"extId":"id1","wpNumber":""}`, want: noNumber},
		{name: "no plus", body: `{"extId":"id1","wpNumber":"905312345678"}`, want: "Please provide a wpNumber starting with + and the country code."},
		{name: "no extId", body: `{"wpNumber":"+901"}`, want: "Please provide an external id."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := "POST updateWhatsApp " + tt.body
			wantPlain(t, call, h.Do(t, http.MethodPost, "/rest/3.0/updateWhatsApp", tt.body), http.StatusBadRequest, tt.want)
			h.wantUnchanged(t, call, before)
		})
	}
	wantOK(t, "updateWhatsApp", h.Do(t, http.MethodPost, "/rest/3.0/updateWhatsApp", `{"extId":"id1","wpNumber":"+901","wpNumbers":["+902"]}`))
	if got := h.whatsAppOf(t, "id1").Numbers; !cmp.Equal(got, []string{"+901"}) {
		t.Errorf("id1's numbers after updateWhatsApp = %q, want [+901]", got)
	}
}
