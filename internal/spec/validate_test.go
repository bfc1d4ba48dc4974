package spec

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// mustValidator returns a Validator over the embedded document.
func mustValidator(tb testing.TB) *Validator {
	tb.Helper()
	doc, err := Default()
	if err != nil {
		tb.Fatalf("Default() = %v", err)
	}
	v, err := NewValidator(doc)
	if err != nil {
		tb.Fatalf("NewValidator() = %v", err)
	}
	return v
}

// newRequest builds a request to the fake on a loopback host, as a client
// of httptest.NewServer would send it. target is the path after /rest/3.0/.
func newRequest(method, target, body string, header ...string) *http.Request {
	r := httptest.NewRequest(method, "http://127.0.0.1:39917/rest/3.0/"+target, strings.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return r
}

type want struct {
	code          int
	field, errMsg string
}

func (w want) String() string {
	if w.code == 0 {
		return "nil"
	}
	return fmt.Sprintf("%d %q (field %q)", w.code, w.errMsg, w.field)
}

var (
	pass            = want{}
	wantInvalidJSON = want{code: 2009, errMsg: "Invalid JSON"}
)

func wantMissing(name string) want {
	return want{code: 2020, field: name, errMsg: name + " is required"}
}
func wantWrongType(field, should string) want {
	return want{code: 2004, field: field, errMsg: "Field '" + field + "' should be " + should}
}

func got(err error) (want, bool) {
	if err == nil {
		return pass, true
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return want{}, false
	}
	return want{code: ve.Code, field: ve.Field, errMsg: ve.Message}, true
}

// TestValidateRequest checks requests the document accepts and the
// envelope it answers for those it refuses.
func TestValidateRequest(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	ios := []string{"X-netmera-os", "IOS"}
	tests := []struct {
		name                 string
		method, target, body string
		header               []string
		want                 want
	}{
		{name: "tagUsers", target: "tagUsers", body: `{"tag":"Sport","extIds":["id1","id2"]}`, want: pass},
		{name: "tagUsers tag list", target: "tagUsers", body: `{"tag":["Sport","VIP"],"extIds":["id1"]}`, want: pass},
		{name: "tagUsers unknown member ignored", target: "tagUsers", body: `{"tag":"Sport","extIds":[],"colour":"red"}`, want: pass},
		{name: "tagUsers form content type", target: "tagUsers", body: `{"tag":"Sport","extIds":["id1"]}`,
			header: []string{"Content-Type", "application/x-www-form-urlencoded"}, want: pass},
		{name: "tagUsers malformed JSON", target: "tagUsers", body: `{"tag":"Sport",`, want: wantInvalidJSON},
		{name: "tagUsers missing extIds", target: "tagUsers", body: `{"tag":"Sport"}`, want: wantMissing("extIds")},
		{name: "tagUsers tag 5", target: "tagUsers", body: `{"tag":5,"extIds":["id1"]}`, want: wantWrongType("tag", "a list of texts")},
		{name: "tagUsers tag list with a number", target: "tagUsers", body: `{"tag":["Sport",5],"extIds":["id1"]}`, want: wantWrongType("tag", "a list of texts")},
		{name: "untagUsers checkExistence", target: "untagUsers", body: `{"tag":"Sport","extIds":["id1"],"checkExistence":true}`, want: pass},
		{name: "getDevices", method: http.MethodGet, target: "getDevices?extId=id1&pushPermitted=true", want: pass},
		{name: "getDevices empty pushPermitted", method: http.MethodGet, target: "getDevices?extId=id1&pushPermitted=", want: pass},
		{name: "getDevices without extId", method: http.MethodGet, target: "getDevices", want: wantMissing("extId")},
		{name: "getDeviceTokens defaults", method: http.MethodGet, target: "getDeviceTokens", want: pass},
		{name: "getDeviceTokens page", method: http.MethodGet, target: "getDeviceTokens?offset=10&max=10", want: pass},
		{name: "getDeviceTokens max over 1000 is clamped", method: http.MethodGet, target: "getDeviceTokens?max=5000", want: pass},
		{name: "getDeviceTokens empty max", method: http.MethodGet, target: "getDeviceTokens?max=", want: pass},
		{name: "getDeviceTokens max=abc", method: http.MethodGet, target: "getDeviceTokens?max=abc", want: wantWrongType("max", "an integer")},
		{name: "getSegments", method: http.MethodGet, target: "getSegments", header: ios, want: pass},
		{name: "getSegments ANDROID", method: http.MethodGet, target: "getSegments", header: []string{"x-netmera-os", "ANDROID"}, want: pass},
		{name: "getSegments without X-netmera-os", method: http.MethodGet, target: "getSegments", want: wantMissing("X-netmera-os")},
		{name: "getSegments empty X-netmera-os", method: http.MethodGet, target: "getSegments", header: []string{"X-netmera-os", ""}, want: wantMissing("X-netmera-os")},
		{name: "getSegmentUsers", method: http.MethodGet, target: "getSegmentUsers?id=5883&max=100&offset=c2VnOjU4ODM6MTAw", header: ios, want: pass},
		{name: "getSegmentUsers max under 100 is clamped", method: http.MethodGet, target: "getSegmentUsers?id=5883&max=5", header: ios, want: pass},
		{name: "getSegmentUsers without id", method: http.MethodGet, target: "getSegmentUsers", header: ios, want: wantMissing("id")},
		{name: "getSegmentUsers empty id", method: http.MethodGet, target: "getSegmentUsers?id=", header: ios, want: wantMissing("id")},
		{name: "getSegmentUsers without X-netmera-os", method: http.MethodGet, target: "getSegmentUsers?id=5883", want: wantMissing("X-netmera-os")},
		{name: "getCategoryPreferences any pushPermitted", method: http.MethodGet, target: "getCategoryPreferences?externalId=id1&pushPermitted=maybe", want: pass},
		{name: "getProfileAttributes by token", method: http.MethodGet, target: "getProfileAttributes?deviceToken=my_device_token", want: pass},
		{name: "app/profile-attributes", method: http.MethodGet, target: "app/profile-attributes", want: pass},
		{name: "enablePush by extId", target: "enablePush", body: `{"extId":"id_in_my_system_1"}`, want: pass},
		{name: "enablePush by token, null extId", target: "enablePush", body: `{"extId":null,"deviceToken":"t"}`, want: pass},
		{name: "setProfileAttributes", target: "setProfileAttributes", body: `[{"extId":"id1","profile":{"age":24}},{"extId":"id2","profile":{"name":"John"}}]`, want: pass},
		{name: "setProfileAttributes wrong entries are the handler's", target: "setProfileAttributes", body: `[{"extId":"id1","profile":"x"},{"extId":5},7]`, want: pass},
		{name: "deleteProfileAttributes any JSON", target: "deleteProfileAttributes", body: `"anything"`, want: pass},
		{name: "deleteProfileAttributes null", target: "deleteProfileAttributes", body: `null`, want: pass},
		{name: "deleteProfileAttributes profile not a list", target: "deleteProfileAttributes", body: `[{"profile":"age"},5]`, want: pass},
		{name: "deleteProfileAttributeValue single object", target: "deleteProfileAttributeValue", body: `{"key":"lastVisitedProducts","value":"shirt"}`, want: pass},
		{name: "deleteProfileAttributeValue body a text", target: "deleteProfileAttributeValue", body: `"shirt"`, want: wantInvalidJSON},
		{name: "sendPushApproval big id", target: "sendPushApproval", body: `[{"messageId":9007199254740993}]`, want: pass},
		{name: "enableMail both lists", target: "enableMail", body: `{"extIds":["a"],"emailList":["a@example.com"]}`, want: pass},
		{name: "null member is absent", target: "updateEmail", body: `{"extId":"your_extId","email":null}`, want: wantMissing("email")},
		{name: "null list element is empty", target: "tagUsers", body: `{"tag":["Sport",null],"extIds":[null]}`, want: pass},
		{name: "null category entry is skipped", target: "setCategoryPreferences", body: `[null]`, want: pass},
		{name: "null approval entry has no messageId", target: "sendPushApproval", body: `[null]`, want: wantMissing("messageId")},
		{name: "null value entry has no key", target: "deleteProfileAttributeValue", body: `[null]`, want: wantMissing("key")},
		{name: "null profile entry is skipped", target: "setProfileAttributes", body: `[null,{"extId":"id1","profile":null}]`, want: pass},
		{name: "null inside profile values", target: "pushProfileAttributes", body: `[{"extId":"id1","profile":{"lastVisitedCategories":[null]}}]`, want: pass},
		{name: "updateEmail blank email", target: "updateEmail", body: `{"extId":"your_extId","email":""}`, want: pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			err := v.ValidateRequest(newRequest(method, tt.target, "", tt.header...), []byte(tt.body))
			g, ok := got(err)
			if !ok || g != tt.want {
				t.Errorf("ValidateRequest(%s %s %s) = %v, want %v", method, tt.target, tt.body, err, tt.want)
			}
		})
	}
}

// TestValidateRequestAgreesWithHandlers replays the fake's own error cases
// (mockserver/errors_test.go): for each, the validator must answer exactly
// what the handler answers, or let the request through when the refusal is
// one a schema cannot express. It must never refuse differently.
func TestValidateRequestAgreesWithHandlers(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	tests := []struct {
		name           string
		method, target string
		body           string
		os             string // X-netmera-os; IOS when empty
		want           want
	}{
		{name: "delete missing extIds", target: "deleteUsersPermanently", body: `{}`, want: wantMissing("extIds")},
		{name: "delete null extIds", target: "deleteUsersPermanently", body: `{"extIds":null}`, want: wantMissing("extIds")},
		{name: "delete extIds a string", target: "deleteUsersPermanently", body: `{"extIds":"externalid"}`, want: wantWrongType("extIds", "a list")},
		{name: "delete extIds of numbers", target: "deleteUsersPermanently", body: `{"extIds":["externalid",1]}`, want: wantWrongType("extIds", "a list of texts")},
		{name: "delete unknown user", target: "deleteUsersPermanently", body: `{"extIds":["externalid","nobody"]}`, want: pass},
		{name: "delete null body", target: "deleteUsersPermanently", body: `null`, want: wantInvalidJSON},
		{name: "delete array body", target: "deleteUsersPermanently", body: `[{"extIds":["externalid"]}]`, want: wantInvalidJSON},
		{name: "delete trailing data", target: "deleteUsersPermanently", body: `{"extIds":["externalid"]} {}`, want: wantInvalidJSON},

		{name: "enablePush no user", target: "enablePush", body: `{}`, want: wantMissing("extId or deviceToken")},
		{name: "disablePush empty ids", target: "disablePush", body: `{"extId":"","deviceToken":""}`, want: pass},
		{name: "enablePush extId a number", target: "enablePush", body: `{"extId":5}`, want: wantWrongType("extId", "a text")},
		{name: "disablePush token a boolean", target: "disablePush", body: `{"deviceToken":true}`, want: wantWrongType("deviceToken", "a text")},
		{name: "disablePush null body", target: "disablePush", body: `null`, want: wantInvalidJSON},

		{name: "tag missing tag", target: "tagUsers", body: `{"extIds":["id1"]}`, want: wantMissing("tag")},
		{name: "tag empty tag", target: "tagUsers", body: `{"tag":"","extIds":["id1"]}`, want: pass},
		{name: "tag empty tag list", target: "tagUsers", body: `{"tag":[],"extIds":["id1"]}`, want: pass},
		{name: "tag missing extIds", target: "tagUsers", body: `{"tag":"Sport"}`, want: wantMissing("extIds")},
		{name: "tag tag a number", target: "tagUsers", body: `{"tag":5,"extIds":["id1"]}`, want: wantWrongType("tag", "a list of texts")},
		{name: "tag extIds a string", target: "tagUsers", body: `{"tag":"Sport","extIds":"id1"}`, want: wantWrongType("extIds", "a list")},
		{name: "untag missing tag", target: "untagUsers", body: `{"extIds":["id1"]}`, want: wantMissing("tag")},
		{name: "untag missing extIds", target: "untagUsers", body: `{"tag":"VIP"}`, want: wantMissing("extIds")},
		{name: "untag checkExistence a string", target: "untagUsers", body: `{"tag":"VIP","extIds":["id1"],"checkExistence":"yes"}`, want: wantWrongType("checkExistence", "a boolean")},

		{name: "categories single object", target: "setCategoryPreferences", body: `{"extId":"id1","category":"Shopping","enable":false}`, want: wantInvalidJSON},
		{name: "categories enable a string", target: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":false},{"extId":"id1","category":"Promotion","enable":"yes"}]`,
			want: wantWrongType("enable", "a boolean")},
		{name: "categories extId a number", target: "setCategoryPreferences", body: `[{"extId":1,"category":"Shopping","enable":false}]`, want: wantWrongType("extId", "a text")},
		{name: "categories entry not an object", target: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":false},7]`, want: wantInvalidJSON},
		{name: "get categories no externalId", method: http.MethodGet, target: "getCategoryPreferences?extId=id1", want: wantMissing("externalId")},

		{name: "set single object", target: "setProfileAttributes", body: `{"extId":"id1","profile":{"age":1}}`, want: wantInvalidJSON},
		{name: "set extId a number", target: "setProfileAttributes", body: `[{"extId":1,"profile":{"age":1}}]`, want: pass},
		{name: "set no user", target: "setProfileAttributes", body: `[{"profile":{"age":1}},{"extId":"","profile":{"age":2}}]`, want: pass},
		{name: "set profile a list", target: "setProfileAttributes", body: `[{"extId":"id1","profile":["age"]}]`, want: pass},
		{name: "set entries not objects", target: "setProfileAttributes", body: `[1,"id1",null,[]]`, want: pass},
		{name: "set null body", target: "setProfileAttributes", body: `null`, want: wantInvalidJSON},
		{name: "unset single object", target: "unsetProfileAttributes", body: `{"extId":"id1","profile":["age"]}`, want: wantInvalidJSON},
		{name: "unset profile an object", target: "unsetProfileAttributes", body: `[{"extId":"id1","profile":{"age":1}}]`, want: pass},
		{name: "unset keys not texts", target: "unsetProfileAttributes", body: `[{"extId":"id1","profile":["age",1]}]`, want: pass},
		{name: "push single object", target: "pushProfileAttributes", body: `{"extId":"id1","profile":{"lastVisitedCategories":["x"]}}`, want: wantInvalidJSON},
		{name: "push token a number", target: "pushProfileAttributes", body: `[{"deviceToken":1,"profile":{"lastVisitedCategories":["x"]}}]`, want: pass},
		{name: "pull single object", target: "pullProfileAttributes", body: `{"extId":"id1","profile":{"lastVisitedCategories":["shopping"]}}`, want: wantInvalidJSON},
		{name: "pull profile a string", target: "pullProfileAttributes", body: `[{"extId":"id1","profile":"lastVisitedCategories"}]`, want: pass},
		{name: "get profile no user", method: http.MethodGet, target: "getProfileAttributes?externalId=id1", want: pass},

		{name: "delete value missing key", target: "deleteProfileAttributeValue", body: `[{"value":"shirt"}]`, want: wantMissing("key")},
		{name: "delete value empty key", target: "deleteProfileAttributeValue", body: `[{"key":"","value":"shirt"}]`, want: pass},
		{name: "delete value missing value", target: "deleteProfileAttributeValue", body: `[{"key":"lastVisitedProducts","value":"shirt"},{"key":"lastVisitedProducts"}]`, want: wantMissing("value")},
		{name: "delete value null value", target: "deleteProfileAttributeValue", body: `{"key":"lastVisitedProducts","value":null}`, want: wantMissing("value")},
		{name: "delete value key a number", target: "deleteProfileAttributeValue", body: `[{"key":5,"value":"shirt"}]`, want: wantWrongType("key", "a text")},
		{name: "delete value entry not an object", target: "deleteProfileAttributeValue", body: `["lastVisitedProducts"]`, want: wantInvalidJSON},

		{name: "devices no extId", method: http.MethodGet, target: "getDevices?externalId=id1", want: wantMissing("extId")},
		{name: "devices pushPermitted not a boolean", method: http.MethodGet, target: "getDevices?extId=id1&pushPermitted=yes", want: wantWrongType("pushPermitted", "a boolean")},
		{name: "tokens max 0", method: http.MethodGet, target: "getDeviceTokens?max=0", want: want{code: 2004, field: "max", errMsg: "Field 'max' should be a positive integer"}},
		{name: "tokens max -1", method: http.MethodGet, target: "getDeviceTokens?max=-1", want: want{code: 2004, field: "max", errMsg: "Field 'max' should be a positive integer"}},
		{name: "tokens max x", method: http.MethodGet, target: "getDeviceTokens?max=x", want: wantWrongType("max", "an integer")},
		{name: "tokens max too big", method: http.MethodGet, target: "getDeviceTokens?max=99999999999999999999", want: wantWrongType("max", "an integer")},
		{name: "tokens offset -1", method: http.MethodGet, target: "getDeviceTokens?offset=-1", want: want{code: 2004, field: "offset", errMsg: "Field 'offset' should not be negative"}},
		{name: "tokens offset x", method: http.MethodGet, target: "getDeviceTokens?offset=x", want: wantWrongType("offset", "an integer")},
		{name: "tokens offset 1.5", method: http.MethodGet, target: "getDeviceTokens?offset=1.5", want: wantWrongType("offset", "an integer")},

		{name: "approval single object", target: "sendPushApproval", body: `{"messageId":0}`, want: wantInvalidJSON},
		{name: "approval missing messageId", target: "sendPushApproval", body: `[{}]`, want: wantMissing("messageId")},
		{name: "approval messageId a string", target: "sendPushApproval", body: `[{"messageId":"0"}]`, want: wantWrongType("messageId", "an integer")},
		{name: "approval messageId a fraction", target: "sendPushApproval", body: `[{"messageId":0.5}]`, want: wantWrongType("messageId", "an integer")},
		{name: "approval unknown message", target: "sendPushApproval", body: `[{"messageId":0},{"messageId":99}]`, want: pass},

		{name: "enableMail no ids", target: "enableMail", body: `{}`, want: wantMissing("extIds or emailList")},
		{name: "disableMail extIds a string", target: "disableMail", body: `{"extIds":"your_extId"}`, want: wantWrongType("extIds", "a list")},
		{name: "enableMail emailList of numbers", target: "enableMail", body: `{"emailList":[5]}`, want: wantWrongType("emailList", "a list of texts")},
		{name: "enableMail invalid address", target: "enableMail", body: `{"extIds":["your_extId"],"emailList":["ok@example.com","your-email"]}`, want: pass},
		{name: "updateEmail missing extId", target: "updateEmail", body: `{"email":"a@example.com"}`, want: wantMissing("extId")},
		{name: "updateEmail empty extId", target: "updateEmail", body: `{"extId":"","email":"a@example.com"}`, want: pass},
		{name: "updateEmail missing email", target: "updateEmail", body: `{"extId":"your_extId"}`, want: wantMissing("email")},
		{name: "updateEmail email a number", target: "updateEmail", body: `{"extId":"your_extId","email":5}`, want: wantWrongType("email", "a text")},

		{name: "enableSms no ids", target: "enableSms", body: `{"extIds":null,"msisdnList":null}`, want: wantMissing("extIds or msisdnList")},
		{name: "disableSms msisdnList a string", target: "disableSms", body: `{"msisdnList":"905312345678"}`, want: wantWrongType("msisdnList", "a list")},
		{name: "updateMsisdn missing msisdn", target: "updateMsisdn", body: `{"extId":"your_extId"}`, want: wantMissing("msisdn")},
		{name: "updateMsisdn missing extId", target: "updateMsisdn", body: `{"msisdn":"905"}`, want: wantMissing("extId")},
		{name: "updateMsisdn msisdn a number", target: "updateMsisdn", body: `{"extId":"your_extId","msisdn":905312345678}`, want: wantWrongType("msisdn", "a text")},

		// mockserver/inbox_test.go: the inbox regression tests' texts.
		{name: "inbox no extId", target: "inbox/getAllInbox", body: `{"startDate":1730667600000,"endDate":1731358800000,"status":12}`, want: wantMissing("extId")},
		{name: "inbox no status", target: "inbox/getAllInbox", body: `{"extId":"nuat3","startDate":1730667600000,"endDate":1731358800000}`, want: wantMissing("status")},
		{name: "inbox neither", target: "inbox/getAllInbox", body: `{"startDate":1730667600000,"endDate":1731358800000}`, want: wantMissing("extId")},
		{name: "inbox status 16", target: "inbox/getAllInbox", body: `{"extId":"nuat3","status":16}`, want: pass},
		{name: "inbox status a string", target: "inbox/getAllInbox", body: `{"extId":"nuat3","status":"2"}`, want: wantWrongType("status", "an integer")},
		{name: "inbox category of texts", target: "inbox/getAllInbox", body: `{"extId":"nuat3","status":2,"category":["x"]}`, want: wantWrongType("category", "a list of integers")},
		{name: "inbox prms a number", target: "inbox/getAllInbox", body: `{"extId":"nuat3","status":2,"prms":5}`, want: wantWrongType("prms", "an object")},
		{name: "inbox get no piid", method: http.MethodGet, target: "inbox/get", want: wantMissing("piid")},
		{name: "inbox get piid x", method: http.MethodGet, target: "inbox/get?piid=x", want: wantWrongType("piid", "an integer")},
		{name: "status change no st", target: "inbox/statusChange", body: `{"extId":"nuat3","piids":[1]}`, want: wantMissing("st")},
		{name: "status change piids of texts", target: "inbox/statusChange", body: `{"extId":"nuat3","piids":["1"],"st":1}`, want: wantWrongType("piids", "a list of integers")},

		// mockserver/counts_test.go
		{name: "count no target", target: "targeting/count", body: `{}`, want: wantMissing("target")},
		{name: "count target a list", target: "targeting/count", body: `{"target":[]}`, want: wantWrongType("target", "an object")},
		{name: "count batch no groupBy", target: "targeting/count-batch", body: `{"values":["1"]}`, want: wantMissing("groupBy")},
		{name: "count batch values of numbers", target: "targeting/count-batch", body: `{"groupBy":{"profile":"age"},"values":[1]}`, want: wantWrongType("values", "a list of texts")},
		{name: "count batch profile a number", target: "targeting/count-batch", body: `{"groupBy":{"profile":5}}`, want: wantWrongType("profile", "a text")},

		// mockserver/emailsends_test.go
		{name: "email and SMS no platforms", target: "sendEmailAndSms", body: `{"target":{"email":"a@example.com"}}`, want: wantMissing("platforms")},
		{name: "email and SMS platforms a text", target: "sendEmailAndSms", body: `{"platforms":"EMAIL","target":{}}`, want: wantWrongType("platforms", "a list")},
		{name: "email and SMS no target", target: "sendEmailAndSms", body: `{"platforms":["EMAIL"]}`, want: wantMissing("target")},
		{name: "bulk email no template", target: "sendBulkEmail", body: `{"subject":"S","sendToAll":true}`, want: wantMissing("emailTemplateId")},
		{name: "bulk email template a text", target: "sendBulkEmail", body: `{"emailTemplateId":"5","subject":"S","sendToAll":true}`, want: wantWrongType("emailTemplateId", "an integer")},

		// mockserver/segments_test.go
		{name: "segments WINDOWS", method: http.MethodGet, target: "getSegments", os: "WINDOWS", want: want{code: 2004, field: "X-netmera-os", errMsg: "Header 'X-netmera-os' should be IOS or ANDROID"}},
		{name: "segment users non-integer id", method: http.MethodGet, target: "getSegmentUsers?id=SEGMENT_ID", want: wantWrongType("id", "an integer")},
		{name: "segment users non-integer max", method: http.MethodGet, target: "getSegmentUsers?id=5883&max=ten", want: wantWrongType("max", "an integer")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			os := tt.os
			if os == "" {
				os = "IOS"
			}
			err := v.ValidateRequest(newRequest(method, tt.target, "", "X-netmera-os", os), []byte(tt.body))
			g, ok := got(err)
			if !ok || g != tt.want {
				t.Errorf("ValidateRequest(%s %s %s) = %v, want %v", method, tt.target, tt.body, err, tt.want)
			}
		})
	}
}

// TestValidateRequestUnreadableBodies sends every POST operation a body
// that is not one JSON value; each must be 2009, as the handlers answer.
func TestValidateRequestUnreadableBodies(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
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
	for _, op := range mustOperations(t) {
		if op.method != http.MethodPost {
			continue
		}
		for _, b := range bodies {
			t.Run(op.id+" "+b.name, func(t *testing.T) {
				t.Parallel()
				r := httptest.NewRequest(op.method, "http://127.0.0.1:39917"+op.path, nil)
				err := v.ValidateRequest(r, []byte(b.body))
				if g, ok := got(err); !ok || g != wantInvalidJSON {
					t.Errorf("ValidateRequest(%s %q) = %v, want %v", op.id, b.body, err, wantInvalidJSON)
				}
			})
		}
	}
}

func TestValidateRequestNoRoute(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	for _, r := range []*http.Request{
		newRequest(http.MethodPost, "tagUser", `{}`),               // a typo
		newRequest(http.MethodGet, "tagUsers", ``),                 // the wrong method
		newRequest(http.MethodPost, "addPromotionCodes", `[]`),     // a Netmera endpoint the document does not describe
		httptest.NewRequest(http.MethodGet, "/_mock/health", nil),  // the control API
		httptest.NewRequest(http.MethodPost, "/rest/3.0/", nil),    // the prefix alone
		newRequest(http.MethodPost, "tagUsers/extra", `{}`),        // a trailing segment
		newRequest(http.MethodGet, "app/profile-attributes/x", ``), // below a real path
		newRequest(http.MethodGet, "APP/PROFILE-ATTRIBUTES", ``),   // paths are case-sensitive
		httptest.NewRequest(http.MethodGet, "/rest/3.0/getDevices/", nil),
	} {
		if err := v.ValidateRequest(r, nil); !errors.Is(err, ErrNoRoute) {
			t.Errorf("ValidateRequest(%s %s) = %v, want ErrNoRoute", r.Method, r.URL.Path, err)
		}
	}
}

// TestValidateRequestAnyHost checks that routes are found whatever the
// host, scheme and port, the document's own server included.
func TestValidateRequestAnyHost(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	for _, base := range []string{
		"http://127.0.0.1:39917", "http://localhost:8080", "https://restapi.netmera.com", "http://[::1]:1", "",
	} {
		r := httptest.NewRequest(http.MethodPost, base+"/rest/3.0/tagUsers", nil)
		if base == "" {
			r.Host = ""
		}
		if err := v.ValidateRequest(r, []byte(`{"tag":"Sport","extIds":["id1"]}`)); err != nil {
			t.Errorf("ValidateRequest(POST %s/rest/3.0/tagUsers) = %v, want nil", base, err)
		}
	}
}

// TestValidateRequestLeavesRequestAlone checks that validation reads
// neither r's body nor changes its headers or query.
func TestValidateRequestLeavesRequestAlone(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	r := newRequest(http.MethodPost, "tagUsers", "unread", "Content-Type", "text/plain")
	if err := v.ValidateRequest(r, []byte(`{"tag":"Sport","extIds":["id1"],"x":null}`)); err != nil {
		t.Fatalf("ValidateRequest() = %v", err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("Content-Type after validation = %q, want text/plain", ct)
	}
	if b, err := io.ReadAll(r.Body); err != nil || string(b) != "unread" {
		t.Errorf("r.Body after validation = %q, %v; want it unread", b, err)
	}
	g := newRequest(http.MethodGet, "getDeviceTokens", "")
	if err := v.ValidateRequest(g, nil); err != nil {
		t.Fatalf("ValidateRequest() = %v", err)
	}
	if g.URL.RawQuery != "" {
		t.Errorf("query after validation = %q, want it empty (defaults must not be written in)", g.URL.RawQuery)
	}
}

func TestValidateRequestConcurrent(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 50 {
				body := `{"tag":"Sport","extIds":["id1"]}`
				want := pass
				if i%2 == 1 {
					body, want = `{"tag":"Sport"}`, wantMissing("extIds")
				}
				err := v.ValidateRequest(newRequest(http.MethodPost, "tagUsers", ""), []byte(body))
				if g, ok := got(err); !ok || g != want {
					t.Errorf("ValidateRequest(%s) = %v, want %v", body, err, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestValidateResponse(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	problemCT := http.Header{"Content-Type": {"application/problem+json"}}
	plainCT := http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}
	tests := []struct {
		name           string
		method, target string
		status         int
		header         http.Header
		body           string
		ok             bool
	}{
		{name: "write, no body", target: "tagUsers", status: 200, header: http.Header{}, ok: true},
		{name: "write with a JSON body", target: "tagUsers", status: 200, header: jsonCT, body: `{}`},
		{name: "write with a Content-Type only", target: "tagUsers", status: 200, header: jsonCT},
		{name: "untag, no body", target: "untagUsers", status: 200, header: http.Header{}, ok: true},
		{name: "untag notExist", target: "untagUsers", status: 200, header: jsonCT, body: `{"notExist":["ghost"]}`, ok: true},
		{name: "untag wrong body", target: "untagUsers", status: 200, header: jsonCT, body: `{"missing":["ghost"]}`},
		{name: "error envelope", target: "tagUsers", status: 400, header: jsonCT, body: `{"code":2020,"error":"extIds is required"}`, ok: true},
		{name: "wrong envelope", target: "tagUsers", status: 400, header: jsonCT, body: `{"message":"x"}`},
		{name: "code as text", target: "tagUsers", status: 400, header: jsonCT, body: `{"code":"2020","error":"extIds is required"}`},
		{name: "forbidden", target: "tagUsers", status: 403, header: jsonCT, body: `{"code":2010,"error":"API key is invalid"}`, ok: true},
		{name: "undeclared 401", target: "tagUsers", status: 401, header: jsonCT, body: `{"code":2010,"error":"API key is invalid"}`},
		{name: "undeclared 500", target: "tagUsers", status: 500, header: jsonCT, body: `{"code":2001,"error":"x"}`},
		{name: "problem", target: "tagUsers", status: 404, header: problemCT,
			body: `{"type":"about:blank","title":"Not Found","status":404,"detail":"No static resource rest/3.0/tagUsers.","instance":"/rest/3.0/tagUsers"}`, ok: true},
		{name: "problem as plain JSON", target: "tagUsers", status: 404, header: jsonCT,
			body: `{"type":"about:blank","title":"Not Found","status":404,"detail":"d","instance":"/i"}`},
		{name: "tokens absolute nextPage", method: http.MethodGet, target: "getDeviceTokens", status: 200, header: jsonCT,
			body: `{"nextPage":"http://127.0.0.1:39917/rest/3.0/getDeviceTokens?offset=10&max=10","total":11,"devices":[{"platform":"ANDROID","token":"t"}]}`, ok: true},
		{name: "tokens relative nextPage", method: http.MethodGet, target: "getDeviceTokens", status: 200, header: jsonCT,
			body: `{"nextPage":"/rest/3.0/getDeviceTokens?offset=10&max=10","total":11,"devices":[]}`},
		{name: "tokens hostless nextPage", method: http.MethodGet, target: "getDeviceTokens", status: 200, header: jsonCT,
			body: `{"nextPage":"http:///rest/3.0/getDeviceTokens?offset=10","total":11,"devices":[]}`},
		{name: "tokens unknown platform", method: http.MethodGet, target: "getDeviceTokens", status: 200, header: jsonCT,
			body: `{"total":1,"devices":[{"platform":"HUAWEI"}]}`},
		{name: "tokens trailing data", method: http.MethodGet, target: "getDeviceTokens", status: 200, header: jsonCT,
			body: `{"total":0,"devices":[]} {}`},
		{name: "segments null count", method: http.MethodGet, target: "getSegments", status: 200, header: jsonCT,
			body: `{"list":[{"id":5885,"name":"connectors","userCount":null,"type":"CONNECTORS_SEGMENT"}]}`, ok: true},
		{name: "profile null extId", method: http.MethodGet, target: "getProfileAttributes?deviceToken=t", status: 200, header: jsonCT,
			body: `{"extId":null,"profile":{"name":"Ayşe"}}`, ok: true},
		{name: "profile without extId", method: http.MethodGet, target: "getProfileAttributes?deviceToken=t", status: 200, header: jsonCT,
			body: `{"profile":{}}`},
		{name: "devices without devices", method: http.MethodGet, target: "getDevices?extId=id1", status: 200, header: jsonCT,
			body: `{"extId":"id1"}`},
		{name: "plain-text 400 where declared", target: "removeEmail", status: 400, header: plainCT, body: "Please provide an external id.", ok: true},
		{name: "envelope 400 where plain text is declared too", target: "removeEmail", status: 400, header: jsonCT, body: `{"code":2009,"error":"Invalid JSON"}`, ok: true},
		{name: "plain-text 400 where only JSON is declared", target: "tagUsers", status: 400, header: plainCT, body: "extIds is required"},
		{name: "plain text as JSON", target: "removeEmail", status: 400, header: jsonCT, body: "Please provide an external id."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			r := newRequest(method, tt.target, "")
			err := v.ValidateResponse(r, tt.status, tt.header, []byte(tt.body))
			if (err == nil) != tt.ok {
				t.Errorf("ValidateResponse(%s %s → %d %s) = %v, want ok %v", method, tt.target, tt.status, tt.body, err, tt.ok)
			}
		})
	}
	if err := v.ValidateResponse(newRequest(http.MethodPost, "addPromotionCodes", ""), 501, nil, nil); !errors.Is(err, ErrNoRoute) {
		t.Errorf("ValidateResponse(POST addPromotionCodes) = %v, want ErrNoRoute", err)
	}
}

func TestNewValidatorNil(t *testing.T) {
	t.Parallel()
	if _, err := NewValidator(nil); err == nil {
		t.Error("NewValidator(nil) = nil error, want one")
	}
}

// BenchmarkValidateRequest measures a tagUsers request with 2 and with
// 1000 external IDs, the documented per-request maximum.
func BenchmarkValidateRequest(b *testing.B) {
	v := mustValidator(b)
	for _, n := range []int{2, 1000} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("%q", fmt.Sprintf("user-%04d", i))
		}
		body := []byte(`{"tag":"Sport","extIds":[` + strings.Join(ids, ",") + `]}`)
		b.Run(fmt.Sprintf("tagUsers/%d-ids", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			r := newRequest(http.MethodPost, "tagUsers", "")
			for b.Loop() {
				if err := v.ValidateRequest(r, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestValidateRequestMultipart: sendEmailWithAttachment's form is checked
// as sent, in the order the handler checks its fields, unknown parts
// ignored; a body of another type is invalid, as the handler answers.
func TestValidateRequestMultipart(t *testing.T) {
	t.Parallel()
	v := mustValidator(t)
	tests := []struct {
		name   string
		fields []string // name, value pairs
		files  int
		ctype  string // the Content-Type instead of the form's
		want   want
	}{
		{name: "one file", fields: []string{"to", "a@example.com", "notificationKey", "12"}, files: 1, want: pass},
		{name: "two files", fields: []string{"to", "a@example.com", "notificationKey", "12"}, files: 2, want: pass},
		{name: "an unknown part", fields: []string{"to", "a@example.com", "notificationKey", "12", "cc", "b@example.com"}, files: 1, want: pass},
		{name: "no key", fields: []string{"to", "a@example.com"}, files: 1, want: wantMissing("notificationKey")},
		{name: "no address", fields: []string{"notificationKey", "12"}, files: 1, want: wantMissing("to")},
		{name: "no file", fields: []string{"to", "a@example.com", "notificationKey", "12"}, want: wantMissing("mailAttachment")},
		{name: "JSON", ctype: "application/json", want: wantInvalidJSON},
		{name: "no Content-Type", ctype: "-", want: wantInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b strings.Builder
			w := multipart.NewWriter(&b)
			for i := 0; i+1 < len(tt.fields); i += 2 {
				if err := w.WriteField(tt.fields[i], tt.fields[i+1]); err != nil {
					t.Fatal(err)
				}
			}
			for range tt.files {
				fw, err := w.CreateFormFile("mailAttachment", "invoice.pdf")
				if err != nil {
					t.Fatal(err)
				}
				_, _ = fw.Write([]byte("%PDF-1.4"))
			}
			_ = w.Close()
			ctype := w.FormDataContentType()
			switch tt.ctype {
			case "-":
				ctype = ""
			case "":
			default:
				ctype = tt.ctype
			}
			r := newRequest(http.MethodPost, "sendEmailWithAttachment", "")
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			err := v.ValidateRequest(r, []byte(b.String()))
			if g, ok := got(err); !ok || g != tt.want {
				t.Errorf("ValidateRequest(sendEmailWithAttachment %s) = %v, want %v", tt.name, err, tt.want)
			}
		})
	}
}
