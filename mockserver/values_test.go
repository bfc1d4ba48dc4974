package mockserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func tooLong(field string, max, got int) envelope {
	return envelope{Code: 2004, Error: fmt.Sprintf("Field '%s' should be a text of at most %d characters, got %d", field, max, got)}
}

func tooLongEach(field string, max, got int) envelope {
	return envelope{Code: 2004, Error: fmt.Sprintf("Field '%s' should be a list of texts of at most %d characters each, got one of %d", field, max, got)}
}

// TestValueLimits sends every write a value over one of its limits: each
// is refused whole with 2004 naming the field and the limit, and changes
// nothing. The first case is a 1 MB tag on 200 users, which once made
// the state export 210 MB.
func TestValueLimits(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	users := make([]string, 200)
	for i := range users {
		users[i] = fmt.Sprintf("user-%03d", i+1)
	}
	mb := strings.Repeat("x", 1<<20)
	tests := []struct {
		name, path, body string
		want             envelope
	}{
		{"a 1 MB tag on 200 users", "tagUsers", `{"tag":"` + mb + `","extIds":` + jsonList(users) + `}`, tooLong("tag", 256, 1<<20)},
		{"one long tag of a list", "tagUsers", `{"tag":["VIP","` + strings.Repeat("ü", 257) + `"],"extIds":["id1"]}`, tooLongEach("tag", 256, 257)},
		{"51 tags", "tagUsers", `{"tag":` + jsonList(strings.Split(strings.Repeat("t,", 50)+"t", ",")) + `,"extIds":["id1"]}`,
			envelope{Code: 2004, Error: "Field 'tag' should be a list of at most 50 texts, got 51"}},
		{"a long tag to untag", "untagUsers", `{"tag":"` + mb + `","extIds":["id1"]}`, tooLong("tag", 256, 1<<20)},
		{"a long external ID", "tagUsers", `{"tag":"VIP","extIds":["id1","` + strings.Repeat("i", 300) + `"]}`, tooLongEach("extIds", 256, 300)},
		{"a long ID to delete", "deleteUsersPermanently", `{"extIds":["` + strings.Repeat("i", 300) + `"]}`, tooLongEach("extIds", 256, 300)},
		{"a long attribute value", "setProfileAttributes", `[{"extId":"id1","profile":{"name":"` + strings.Repeat("n", 4097) + `"}}]`,
			tooLong("profile.name", 4096, 4097)},
		{"a long attribute code", "setProfileAttributes", `[{"extId":"id1","profile":{"` + strings.Repeat("k", 257) + `":1}}]`,
			envelope{Code: 2004, Error: "Field 'profile' should be an object of member names of at most 256 characters, got one of 257"}},
		{"a long array", "setProfileAttributes", `[{"extId":"id1","profile":{"lastVisitedCategories":` + jsonList(strings.Split(strings.Repeat("c,", 1000)+"c", ",")) + `}}]`,
			envelope{Code: 2004, Error: "Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1001"}},
		{"a long email attribute", "setProfileAttributes", `[{"extId":"id1","profile":{"email":"` + strings.Repeat("e", 255) + `"}}]`,
			tooLong("profile.email", 254, 255)},
		{"a push past 1000 values", "pushProfileAttributes", `[{"extId":"id1","profile":{"lastVisitedProducts":` + numbered("p", 999) + `}}]`,
			envelope{Code: 2004, Error: "Field 'profile.lastVisitedProducts' should be a list of at most 1000 values, got 1001 after the push"}},
		{"a long key to unset", "unsetProfileAttributes", `[{"extId":"id1","profile":["` + strings.Repeat("k", 257) + `"]}]`,
			tooLongEach("profile", 256, 257)},
		{"a long value to pull", "pullProfileAttributes", `[{"extId":"id1","profile":{"lastVisitedProducts":["` + strings.Repeat("p", 4097) + `"]}}]`,
			envelope{Code: 2004, Error: "Field 'profile.lastVisitedProducts' should be a list of texts of at most 4096 characters each, got one of 4097"}},
		{"a long value to delete", "deleteProfileAttributeValue", `[{"key":"name","value":"` + strings.Repeat("v", 4097) + `"}]`, tooLong("value", 4096, 4097)},
		{"a long category", "setCategoryPreferences", `[{"extId":"id1","category":"` + strings.Repeat("c", 257) + `","enable":true}]`, tooLong("category", 256, 257)},
		{"a long token", "enablePush", `{"deviceToken":"` + strings.Repeat("t", 4097) + `"}`, tooLong("deviceToken", 4096, 4097)},
		{"a long email to enable", "enableMail", `{"emailList":["` + strings.Repeat("e", 250) + `@example.com"]}`, tooLongEach("emailList", 254, 262)},
		{"a long MSISDN to disable", "disableSms", `{"msisdnList":["` + strings.Repeat("9", 33) + `"]}`, tooLongEach("msisdnList", 32, 33)},
		{"a long email to store", "updateEmail", `{"extId":"id1","email":"` + strings.Repeat("e", 250) + `@example.com"}`, tooLong("email", 254, 262)},
		{"a long MSISDN to store", "updateMsisdn", `{"extId":"id1","msisdn":"` + strings.Repeat("9", 33) + `"}`, tooLong("msisdn", 32, 33)},
		{"a long email to upload", "addEmail", `{"emailList":["` + strings.Repeat("e", 250) + `@example.com"]}`, tooLongEach("emailList", 254, 262)},
		{"a long MSISDN to upload", "addMsisdn", `{"msisdnList":["` + strings.Repeat("9", 33) + `"]}`, tooLongEach("msisdnList", 32, 33)},
		{"a long WhatsApp number to enable", "enableWhatsApp", `{"wpNumbers":["+` + strings.Repeat("9", 32) + `"]}`, tooLongEach("wpNumbers", 32, 33)},
		{"a long WhatsApp number to store", "updateWhatsApp", `{"extId":"id1","wpNumbers":["+` + strings.Repeat("9", 32) + `"]}`, tooLongEach("wpNumbers", 32, 33)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := fmt.Sprintf("POST %s (%d bytes)", tt.path, len(tt.body))
			wantError(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest, tt.want)
			h.wantUnchanged(t, call, before)
		})
	}
}

// numbered is a JSON list of n distinct texts.
func numbered(prefix string, n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return jsonList(out)
}

// TestValueLimitsControl sends the control API's writes values over the
// limits: each is refused with 400 and changes nothing.
func TestValueLimitsControl(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	long := strings.Repeat("l", 257)
	tests := []struct {
		name, method, path, body string
		detail                   string
	}{
		{"a user's tag", http.MethodPost, "/_mock/users", `{"extId":"u1","tags":["` + long + `"]}`,
			`user "u1": Field 'tags' should be a list of texts of at most 256 characters each, got one of 257`},
		{"a user's ID", http.MethodPost, "/_mock/users", `{"extId":"` + long + `"}`, "Field 'extId' should be a text of at most 256 characters, got 257"},
		{"a device's token", http.MethodPost, "/_mock/devices", `{"extId":"u1","platform":"IOS","token":"` + strings.Repeat("t", 4097) + `"}`,
			"Field 'token' should be a text of at most 4096 characters, got 4097"},
		{"a segment's name", http.MethodPost, "/_mock/segments", `{"name":"` + long + `"}`, "Field 'name' should be a text of at most 256 characters, got 257"},
		{"an attribute's code", http.MethodPost, "/_mock/attributes", `{"code":"` + long + `","dataType":"STRING"}`,
			"Field 'code' should be a text of at most 256 characters, got 257"},
		{"a category's name", http.MethodPost, "/_mock/categories", `{"name":"` + long + `"}`, "Field 'name' should be a text of at most 256 characters, got 257"},
		{"a message's text", http.MethodPost, "/_mock/messages", `{"title":"Hi","text":"` + strings.Repeat("m", 4097) + `"}`,
			"Field 'text' should be a text of at most 4096 characters, got 4097"},
		{"an imported tag", http.MethodPut, "/_mock/state", `{"version":1,"users":[{"extId":"a"},{"extId":"b","tags":["` + long + `"]}]}`,
			`users[1]: user "b": Field 'tags' should be a list of texts of at most 256 characters each, got one of 257`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := tt.method + " " + tt.path
			r := h.Do(t, tt.method, tt.path, tt.body)
			wantProblemStatus(t, call, r, http.StatusBadRequest, tt.path)
			if !strings.Contains(string(r.Body), jsonString(tt.detail)[1:len(jsonString(tt.detail))-1]) {
				t.Errorf("%s = %s, want the detail to say %q", call, r.Body, tt.detail)
			}
			h.wantUnchanged(t, call, before)
		})
	}
}

// TestValueLimitsSettings: the limits are state.Settings, so a user who
// needs longer values raises them.
func TestValueLimitsSettings(t *testing.T) {
	t.Parallel()
	settings := state.Settings{Limits: state.Limits{TagLength: 5000, IDLength: 17}} // id_in_my_system_1 is 17
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, settings, mockserver.Options{}, testKey)
	long := strings.Repeat("t", 5000)
	wantOK(t, "tagUsers with a tag of 5000 characters", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"`+long+`","extIds":["id1"]}`))
	if u := h.MustUser(t, "id1"); len(u.Tags) != 2 || u.Tags[1] != long {
		t.Errorf("id1's tags after a tag of 5000 characters = %d tags, want VIP and the long one", len(u.Tags))
	}
	wantError(t, "tagUsers with an 18-character ID", h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id_in_my_system_18"]}`),
		http.StatusBadRequest, tooLongEach("extIds", 17, 18))
}
