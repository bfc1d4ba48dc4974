package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

func missing(name string) envelope { return envelope{Code: 2020, Error: name + " is required"} }
func wrongType(field, want string) envelope {
	return envelope{Code: 2004, Error: "Field '" + field + "' should be " + want}
}

var invalidJSON = envelope{Code: 2009, Error: "Invalid JSON"}

// TestErrors sends each endpoint requests it must refuse, and checks the
// envelope and that nothing changed.
func TestErrors(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name         string
		method, path string // path without /rest/3.0/
		body         string
		want         envelope
	}{
		// deleteUsersPermanently
		{name: "delete missing extIds", path: "deleteUsersPermanently", body: `{}`, want: missing("extIds")},
		{name: "delete null extIds", path: "deleteUsersPermanently", body: `{"extIds":null}`, want: missing("extIds")},
		{name: "delete extIds a string", path: "deleteUsersPermanently", body: `{"extIds":"externalid"}`, want: wrongType("extIds", "a list")},
		{name: "delete extIds of numbers", path: "deleteUsersPermanently", body: `{"extIds":["externalid",1]}`, want: wrongType("extIds", "a list of texts")},
		{name: "delete unknown user", path: "deleteUsersPermanently", body: `{"extIds":["externalid","nobody"]}`,
			want: envelope{Code: 5016, Error: "User with external id 'nobody' does not exist or has already been permanently deleted"}},
		{name: "delete null body", path: "deleteUsersPermanently", body: `null`, want: invalidJSON},
		{name: "delete array body", path: "deleteUsersPermanently", body: `[{"extIds":["externalid"]}]`, want: invalidJSON},
		{name: "delete trailing data", path: "deleteUsersPermanently", body: `{"extIds":["externalid"]} {}`, want: invalidJSON},

		// enablePush, disablePush
		{name: "enablePush no user", path: "enablePush", body: `{}`, want: missing("extId or deviceToken")},
		{name: "disablePush no user", path: "disablePush", body: `{"extId":null}`, want: missing("extId or deviceToken")},
		{name: "disablePush empty ids", path: "disablePush", body: `{"extId":"","deviceToken":""}`, want: missing("extId or deviceToken")},
		{name: "enablePush extId a number", path: "enablePush", body: `{"extId":5}`, want: wrongType("extId", "a text")},
		{name: "disablePush token a boolean", path: "disablePush", body: `{"deviceToken":true}`, want: wrongType("deviceToken", "a text")},
		{name: "disablePush null body", path: "disablePush", body: `null`, want: invalidJSON},

		// tagUsers, untagUsers
		{name: "tag missing tag", path: "tagUsers", body: `{"extIds":["id1"]}`, want: missing("tag")},
		{name: "tag empty tag", path: "tagUsers", body: `{"tag":"","extIds":["id1"]}`, want: missing("tag")},
		{name: "tag empty tag list", path: "tagUsers", body: `{"tag":[],"extIds":["id1"]}`, want: missing("tag")},
		{name: "tag missing extIds", path: "tagUsers", body: `{"tag":"Sport"}`, want: missing("extIds")},
		{name: "tag tag a number", path: "tagUsers", body: `{"tag":5,"extIds":["id1"]}`, want: wrongType("tag", "a list of texts")},
		{name: "tag extIds a string", path: "tagUsers", body: `{"tag":"Sport","extIds":"id1"}`, want: wrongType("extIds", "a list")},
		{name: "untag missing tag", path: "untagUsers", body: `{"extIds":["id1"]}`, want: missing("tag")},
		{name: "untag missing extIds", path: "untagUsers", body: `{"tag":"VIP"}`, want: missing("extIds")},
		{name: "untag extIds a string", path: "untagUsers", body: `{"tag":"VIP","extIds":"id1"}`, want: wrongType("extIds", "a list")},
		{name: "untag checkExistence a string", path: "untagUsers", body: `{"tag":"VIP","extIds":["id1"],"checkExistence":"yes"}`, want: wrongType("checkExistence", "a boolean")},

		// setCategoryPreferences, getCategoryPreferences
		{name: "categories single object", path: "setCategoryPreferences", body: `{"extId":"id1","category":"Shopping","enable":false}`, want: invalidJSON},
		{name: "categories enable a string", path: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":false},{"extId":"id1","category":"Promotion","enable":"yes"}]`,
			want: wrongType("enable", "a boolean")},
		{name: "categories extId a number", path: "setCategoryPreferences", body: `[{"extId":1,"category":"Shopping","enable":false}]`, want: wrongType("extId", "a text")},
		{name: "categories entry not an object", path: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":false},7]`, want: invalidJSON},
		{name: "get categories no externalId", method: http.MethodGet, path: "getCategoryPreferences?extId=id1", want: missing("externalId")},

		// profile attributes: entries of the wrong shape are skipped, and a
		// request with no valid entry is invalid JSON.
		{name: "set single object", path: "setProfileAttributes", body: `{"extId":"id1","profile":{"age":1}}`, want: invalidJSON},
		{name: "set extId a number", path: "setProfileAttributes", body: `[{"extId":1,"profile":{"age":1}}]`, want: invalidJSON},
		{name: "set no user", path: "setProfileAttributes", body: `[{"profile":{"age":1}},{"extId":"","profile":{"age":2}}]`, want: invalidJSON},
		{name: "set profile a list", path: "setProfileAttributes", body: `[{"extId":"id1","profile":["age"]}]`, want: invalidJSON},
		{name: "set entries not objects", path: "setProfileAttributes", body: `[1,"id1",null,[]]`, want: invalidJSON},
		{name: "set null body", path: "setProfileAttributes", body: `null`, want: invalidJSON},
		{name: "unset single object", path: "unsetProfileAttributes", body: `{"extId":"id1","profile":["age"]}`, want: invalidJSON},
		{name: "unset profile an object", path: "unsetProfileAttributes", body: `[{"extId":"id1","profile":{"age":1}}]`, want: invalidJSON},
		{name: "unset keys not texts", path: "unsetProfileAttributes", body: `[{"extId":"id1","profile":["age",1]}]`, want: invalidJSON},
		{name: "push single object", path: "pushProfileAttributes", body: `{"extId":"id1","profile":{"lastVisitedCategories":["x"]}}`, want: invalidJSON},
		{name: "push token a number", path: "pushProfileAttributes", body: `[{"deviceToken":1,"profile":{"lastVisitedCategories":["x"]}}]`, want: invalidJSON},
		{name: "pull single object", path: "pullProfileAttributes", body: `{"extId":"id1","profile":{"lastVisitedCategories":["shopping"]}}`, want: invalidJSON},
		{name: "pull profile a string", path: "pullProfileAttributes", body: `[{"extId":"id1","profile":"lastVisitedCategories"}]`, want: invalidJSON},
		{name: "get profile no user", method: http.MethodGet, path: "getProfileAttributes?externalId=id1", want: missing("extId")},

		// deleteProfileAttributeValue
		{name: "delete value missing key", path: "deleteProfileAttributeValue", body: `[{"value":"shirt"}]`, want: missing("key")},
		{name: "delete value empty key", path: "deleteProfileAttributeValue", body: `[{"key":"","value":"shirt"}]`, want: missing("key")},
		{name: "delete value missing value", path: "deleteProfileAttributeValue", body: `[{"key":"lastVisitedProducts","value":"shirt"},{"key":"lastVisitedProducts"}]`, want: missing("value")},
		{name: "delete value null value", path: "deleteProfileAttributeValue", body: `{"key":"lastVisitedProducts","value":null}`, want: missing("value")},
		{name: "delete value key a number", path: "deleteProfileAttributeValue", body: `[{"key":5,"value":"shirt"}]`, want: wrongType("key", "a text")},
		{name: "delete value entry not an object", path: "deleteProfileAttributeValue", body: `["lastVisitedProducts"]`, want: invalidJSON},

		// getDevices, getDeviceTokens
		{name: "devices no extId", method: http.MethodGet, path: "getDevices?externalId=id1", want: missing("extId")},
		{name: "devices pushPermitted not a boolean", method: http.MethodGet, path: "getDevices?extId=id1&pushPermitted=yes", want: wrongType("pushPermitted", "a boolean")},
		{name: "tokens max 0", method: http.MethodGet, path: "getDeviceTokens?max=0", want: envelope{Code: 2004, Error: "Field 'max' should be a positive integer"}},
		{name: "tokens max -1", method: http.MethodGet, path: "getDeviceTokens?max=-1", want: envelope{Code: 2004, Error: "Field 'max' should be a positive integer"}},
		{name: "tokens max x", method: http.MethodGet, path: "getDeviceTokens?max=x", want: wrongType("max", "an integer")},
		{name: "tokens max too big", method: http.MethodGet, path: "getDeviceTokens?max=99999999999999999999", want: wrongType("max", "an integer")},
		{name: "tokens offset -1", method: http.MethodGet, path: "getDeviceTokens?offset=-1", want: envelope{Code: 2004, Error: "Field 'offset' should not be negative"}},
		{name: "tokens offset x", method: http.MethodGet, path: "getDeviceTokens?offset=x", want: wrongType("offset", "an integer")},
		{name: "tokens offset 1.5", method: http.MethodGet, path: "getDeviceTokens?offset=1.5", want: wrongType("offset", "an integer")},

		// sendPushApproval
		{name: "approval single object", path: "sendPushApproval", body: `{"messageId":0}`, want: invalidJSON},
		{name: "approval missing messageId", path: "sendPushApproval", body: `[{}]`, want: missing("messageId")},
		{name: "approval messageId a string", path: "sendPushApproval", body: `[{"messageId":"0"}]`, want: wrongType("messageId", "an integer")},
		{name: "approval messageId a fraction", path: "sendPushApproval", body: `[{"messageId":0.5}]`, want: wrongType("messageId", "an integer")},
		{name: "approval unknown message", path: "sendPushApproval", body: `[{"messageId":0},{"messageId":99}]`,
			want: envelope{Code: 5003, Error: "Message with given messageId could not be found"}},

		// enableMail, disableMail, updateEmail
		{name: "enableMail no ids", path: "enableMail", body: `{}`, want: missing("extIds or emailList")},
		{name: "disableMail no ids", path: "disableMail", body: `{"extIds":null}`, want: missing("extIds or emailList")},
		{name: "disableMail extIds a string", path: "disableMail", body: `{"extIds":"your_extId"}`, want: wrongType("extIds", "a list")},
		{name: "enableMail emailList of numbers", path: "enableMail", body: `{"emailList":[5]}`, want: wrongType("emailList", "a list of texts")},
		{name: "updateEmail missing extId", path: "updateEmail", body: `{"email":"a@example.com"}`, want: missing("extId")},
		{name: "updateEmail empty extId", path: "updateEmail", body: `{"extId":"","email":"a@example.com"}`, want: missing("extId")},
		{name: "updateEmail missing email", path: "updateEmail", body: `{"extId":"your_extId"}`, want: missing("email")},
		{name: "updateEmail email a number", path: "updateEmail", body: `{"extId":"your_extId","email":5}`, want: wrongType("email", "a text")},

		// enableSms, disableSms, updateMsisdn
		{name: "enableSms no ids", path: "enableSms", body: `{"extIds":null,"msisdnList":null}`, want: missing("extIds or msisdnList")},
		{name: "disableSms no ids", path: "disableSms", body: `{}`, want: missing("extIds or msisdnList")},
		{name: "enableSms extIds of numbers", path: "enableSms", body: `{"extIds":["your-extId",7]}`, want: wrongType("extIds", "a list of texts")},
		{name: "disableSms msisdnList a string", path: "disableSms", body: `{"msisdnList":"905312345678"}`, want: wrongType("msisdnList", "a list")},
		{name: "updateMsisdn missing msisdn", path: "updateMsisdn", body: `{"extId":"your_extId"}`, want: missing("msisdn")},
		{name: "updateMsisdn missing extId", path: "updateMsisdn", body: `{"msisdn":"905"}`, want: missing("extId")},
		{name: "updateMsisdn msisdn a number", path: "updateMsisdn", body: `{"extId":"your_extId","msisdn":905312345678}`, want: wrongType("msisdn", "a text")},

		// addEmail, addMsisdn, removeEmail, removeMsisdn (their plain-text
		// refusals are in addresses_test.go)
		{name: "addEmail no emailList", path: "addEmail", body: `{"emails":["a@example.com"]}`, want: missing("emailList")},
		{name: "addEmail emailList null", path: "addEmail", body: `{"emailList":null}`, want: missing("emailList")},
		{name: "addEmail emailList a string", path: "addEmail", body: `{"emailList":"a@example.com"}`, want: wrongType("emailList", "a list")},
		{name: "addEmail emailList of numbers", path: "addEmail", body: `{"emailList":["a@example.com",5]}`, want: wrongType("emailList", "a list of texts")},
		{name: "addEmail an array", path: "addEmail", body: `["a@example.com"]`, want: invalidJSON},
		{name: "addMsisdn no msisdnList", path: "addMsisdn", body: `{}`, want: missing("msisdnList")},
		{name: "addMsisdn msisdnList an object", path: "addMsisdn", body: `{"msisdnList":{"a":"+90"}}`, want: wrongType("msisdnList", "a list")},
		{name: "removeEmail extId a number", path: "removeEmail", body: `{"extId":5}`, want: wrongType("extId", "a text")},
		{name: "removeMsisdn extId a list", path: "removeMsisdn", body: `{"extId":["your_extId"]}`, want: wrongType("extId", "a text")},
		{name: "removeEmail an array", path: "removeEmail", body: `[{"extId":"your_extId"}]`, want: invalidJSON},

		// enableWhatsApp, disableWhatsApp, updateWhatsApp, removeWhatsApp
		{name: "enableWhatsApp no ids", path: "enableWhatsApp", body: `{}`, want: missing("extIds or wpNumbers")},
		{name: "disableWhatsApp both null", path: "disableWhatsApp", body: `{"extIds":null,"wpNumbers":null}`, want: missing("extIds or wpNumbers")},
		{name: "enableWhatsApp wpNumbers a string", path: "enableWhatsApp", body: `{"wpNumbers":"+1234567890"}`, want: wrongType("wpNumbers", "a list")},
		{name: "disableWhatsApp extIds of numbers", path: "disableWhatsApp", body: `{"extIds":[1]}`, want: wrongType("extIds", "a list of texts")},
		{name: "updateWhatsApp wpNumbers a string", path: "updateWhatsApp", body: `{"extId":"your_extId","wpNumbers":"+1"}`, want: wrongType("wpNumbers", "a list")},
		{name: "updateWhatsApp wpNumber a number", path: "updateWhatsApp", body: `{"extId":"your_extId","wpNumber":1}`, want: wrongType("wpNumber", "a text")},
		{name: "updateWhatsApp extId a number", path: "updateWhatsApp", body: `{"extId":1,"wpNumbers":["+1"]}`, want: wrongType("extId", "a text")},
		{name: "removeWhatsApp extId a boolean", path: "removeWhatsApp", body: `{"extId":true}`, want: wrongType("extId", "a text")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			before := h.MustState(t, testKey)
			call := method + " /rest/3.0/" + tt.path + " " + tt.body
			wantError(t, call, h.Do(t, method, "/rest/3.0/"+tt.path, tt.body), http.StatusBadRequest, tt.want)
			h.wantUnchanged(t, call, before)
		})
	}
}

// TestUnreadableBodies sends every POST endpoint a body that is not JSON.
func TestUnreadableBodies(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	bodies := []struct{ name, body string }{
		{"empty", ""},
		{"blank", " \n\t"},
		{"truncated object", `{"extIds":["id1"`},
		{"truncated array", `[{"extId":"id1"`},
		{"not JSON", `extIds=id1`},
		{"single quotes", `{'extIds':['id1']}`},
		{"byte order mark", "\ufeff[]"},
		{"two values", `[] []`},
	}
	for _, route := range h.Server.Routes() {
		method, path, _ := strings.Cut(route, " ")
		if method != http.MethodPost {
			continue
		}
		for _, b := range bodies {
			t.Run(path+" "+b.name, func(t *testing.T) {
				want := invalidJSON
				if path == "/rest/3.0/sendEmailWithAttachment" { // a multipart form, so it says which
					want = notMultipart(`Content-Type "application/json"`)
					if b.body == "" { // sent without a Content-Type
						want = notMultipart("Content-Type missing")
					}
				}
				before := h.MustState(t, testKey)
				call := route + " " + b.name
				wantError(t, call, h.Do(t, method, path, b.body), http.StatusBadRequest, want)
				h.wantUnchanged(t, call, before)
			})
		}
	}
}

// TestSingleObject checks Options.SingleObject on every array endpoint.
func TestSingleObject(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"setCategoryPreferences":      `{"extId":"id1","category":"Shopping","enable":false}`,
		"setProfileAttributes":        `{"extId":"id1","profile":{"age":40}}`,
		"unsetProfileAttributes":      `{"extId":"id1","profile":["age"]}`,
		"pushProfileAttributes":       `{"extId":"id1","profile":{"lastVisitedCategories":["sale"]}}`,
		"pullProfileAttributes":       `{"extId":"id1","profile":{"lastVisitedCategories":["shopping"]}}`,
		"deleteProfileAttributes":     `{"profile":["age"]}`,
		"deleteProfileAttributeValue": `{"key":"lastVisitedProducts","value":"shirt"}`,
		"sendPushApproval":            `{"messageId":0}`,
	}
	lenientByDefault := map[string]bool{"deleteProfileAttributes": true, "deleteProfileAttributeValue": true}
	for _, policy := range []string{"", mockserver.SingleObjectAuto, mockserver.SingleObjectAccept, mockserver.SingleObjectReject} {
		for path, body := range bodies {
			t.Run(policy+" "+path, func(t *testing.T) {
				t.Parallel()
				accept := policy == mockserver.SingleObjectAccept || (policy != mockserver.SingleObjectReject && lenientByDefault[path])
				h := MustHarness(t, mockserver.Options{SingleObject: policy})
				before := h.MustState(t, testKey)
				call := "POST " + path + " " + body + " with SingleObject " + policy
				r := h.Do(t, http.MethodPost, "/rest/3.0/"+path, body)
				if !accept {
					wantError(t, call, r, http.StatusBadRequest, invalidJSON)
					h.wantUnchanged(t, call, before)
					return
				}
				wantOK(t, call, r)
				// The object applies as the one-element array would.
				want := MustHarness(t, mockserver.Options{})
				wantOK(t, "the same as an array", want.Do(t, http.MethodPost, "/rest/3.0/"+path, "["+body+"]"))
				if got, w := h.MustState(t, testKey), want.MustState(t, testKey); string(got) != string(w) {
					t.Errorf("%s left a state other than [%s] does", call, body)
				}
			})
		}
	}
}

// TestBodyLimit sends bodies around Options.MaxBodyBytes over the network.
func TestBodyLimit(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{MaxBodyBytes: 1024})
	tests := []struct {
		name string
		size int
		want *envelope // nil for 200
	}{
		{name: "at the limit", size: 1024},
		{name: "one byte over", size: 1025, want: &envelope{Code: 2009, Error: "Request body is larger than 1024 bytes"}},
		{name: "far over", size: 1 << 20, want: &envelope{Code: 2009, Error: "Request body is larger than 1024 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix, suffix := `{"tag":"Sport","extIds":["id1"],"pad":"`, `"}`
			body := prefix + strings.Repeat("x", tt.size-len(prefix)-len(suffix)) + suffix
			before := h.MustState(t, testKey)
			r := h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", body)
			call := "POST tagUsers with a body " + tt.name
			if tt.want == nil {
				wantOK(t, call, r)
				return
			}
			wantError(t, call, r, http.StatusBadRequest, *tt.want)
			h.wantUnchanged(t, call, before)
		})
	}
}

// TestFieldNamesAreCaseSensitive checks that a member whose name differs
// from a documented field only in case is an unknown member, ignored, as
// Netmera's JSON binding ignores it, and not the field.
func TestFieldNamesAreCaseSensitive(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, path, body string
		want             *envelope // nil: 200 and nothing changed
	}{
		{name: "delete EXTIDS", path: "deleteUsersPermanently", body: `{"EXTIDS":["externalid"]}`, want: ptr(missing("extIds"))},
		{name: "delete extids with extIds", path: "deleteUsersPermanently", body: `{"extids":["externalid"],"extIds":[]}`},
		{name: "enablePush ExtId", path: "disablePush", body: `{"ExtId":"id1"}`, want: ptr(missing("extId or deviceToken"))},
		{name: "disablePush devicetoken", path: "disablePush", body: `{"devicetoken":"a1b2c3d4e5f6g7"}`, want: ptr(missing("extId or deviceToken"))},
		{name: "tagUsers extIDs", path: "tagUsers", body: `{"tag":"Sport","extIDs":["id1"]}`, want: ptr(missing("extIds"))},
		{name: "tagUsers Tag", path: "tagUsers", body: `{"Tag":"Sport","extIds":["id1"]}`, want: ptr(missing("tag"))},
		{name: "untagUsers checkexistence", path: "untagUsers", body: `{"tag":"Nope","extIds":["ghost"],"checkexistence":true}`},
		{name: "categories Category", path: "setCategoryPreferences", body: `[{"extId":"id1","Category":"Promotion","enable":true}]`},
		{name: "categories EXTID", path: "setCategoryPreferences", body: `[{"EXTID":"id1","category":"Promotion","enable":true}]`},
		{name: "approval messageID", path: "sendPushApproval", body: `[{"messageID":0}]`, want: ptr(missing("messageId"))},
		{name: "delete value Kelvin sign key", path: "deleteProfileAttributeValue", body: "[{\"\u212Aey\":\"lastVisitedProducts\",\"value\":\"shirt\"}]", want: ptr(missing("key"))},
		{name: "delete value Key", path: "deleteProfileAttributeValue", body: `[{"Key":"lastVisitedProducts","value":"shirt"}]`, want: ptr(missing("key"))},
		{name: "enableMail ExtIds", path: "enableMail", body: `{"ExtIds":["your_extId"]}`, want: ptr(missing("extIds or emailList"))},
		{name: "enableMail emaillist", path: "enableMail", body: `{"extIds":[],"emaillist":["your@example.com"]}`},
		{name: "enableSms MsisdnList", path: "enableSms", body: `{"MsisdnList":["905550000001"]}`, want: ptr(missing("extIds or msisdnList"))},
		{name: "updateEmail Email", path: "updateEmail", body: `{"extId":"your_extId","Email":"x@example.com"}`, want: ptr(missing("email"))},
		{name: "updateMsisdn EXTID", path: "updateMsisdn", body: `{"EXTID":"your_extId","msisdn":"1"}`, want: ptr(missing("extId"))},
		{name: "profile EXTID", path: "setProfileAttributes", body: `[{"EXTID":"id1","profile":{"age":1}}]`, want: &invalidJSON},
		{name: "profile Profile", path: "setProfileAttributes", body: `[{"extId":"id1","Profile":{"age":1}}]`},
		{name: "profile key case", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"Age":1,"NAME":"x"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			call := "POST " + tt.path + " " + tt.body
			r := h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body)
			if tt.want == nil {
				if r.Status != http.StatusOK {
					t.Errorf("%s = %v, want 200", call, r)
				}
			} else {
				wantError(t, call, r, http.StatusBadRequest, *tt.want)
			}
			h.wantUnchanged(t, call, before)
		})
	}
}

func ptr[T any](v T) *T { return &v }
