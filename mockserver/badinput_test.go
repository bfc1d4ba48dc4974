package mockserver_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// badInput is one request a demanding user sends to break the fake.
type badInput struct {
	name   string
	method string // POST when empty
	path   string // under /rest/3.0/ unless it starts with "/"
	body   string
	header []string // name, value pairs, set after the key and Content-Type
	// What comes back: status, and the envelope's code (0 for a problem
	// detail of the framework, 404 or 405, Netmera's plain-text 400, or
	// net/http's own answer); msg, when set, must be part of the
	// envelope's error.
	status, code int
	msg          string
}

// Expected answers, for short rows.
const (
	invalid  = 2009
	mismatch = 2004
	required = 2020
)

func badInputs() []badInput {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tenMB := strings.Repeat("x", 10<<20)
	return []badInput{
		// Malformed JSON.
		{name: "empty body", path: "tagUsers", status: 400, code: invalid},
		{name: "only whitespace", path: "tagUsers", body: " \n\t\r ", status: 400, code: invalid},
		{name: "open brace", path: "tagUsers", body: `{`, status: 400, code: invalid},
		{name: "trailing comma in object", path: "tagUsers", body: `{"tag":"x","extIds":["id1"],}`, status: 400, code: invalid},
		{name: "trailing comma in array", path: "tagUsers", body: `{"tag":"x","extIds":["id1",]}`, status: 400, code: invalid},
		{name: "single quotes", path: "tagUsers", body: `{'tag':'x','extIds':['id1']}`, status: 400, code: invalid},
		{name: "unquoted member name", path: "tagUsers", body: `{tag:"x",extIds:["id1"]}`, status: 400, code: invalid},
		{name: "trailing value", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]} {}`, status: 400, code: invalid},
		{name: "trailing garbage", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}garbage`, status: 400, code: invalid},
		{name: "two closing braces", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}}`, status: 400, code: invalid},
		{name: "invalid escape", path: "tagUsers", body: `{"tag":"x\q","extIds":["id1"]}`, status: 400, code: invalid},
		{name: "short unicode escape", path: "tagUsers", body: `{"tag":"\u12","extIds":["id1"]}`, status: 400, code: invalid},
		{name: "unterminated string", path: "tagUsers", body: `{"tag":"x`, status: 400, code: invalid},
		{name: "raw tab in a string", path: "tagUsers", body: "{\"tag\":\"a\tb\",\"extIds\":[\"id1\"]}", status: 400, code: invalid},
		{name: "raw newline in a string", path: "untagUsers", body: "{\"tag\":\"a\nb\",\"extIds\":[\"id1\"]}", status: 400, code: invalid},
		{name: "NaN", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"score":NaN}}]`, status: 400, code: invalid},
		{name: "Infinity", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"score":Infinity}}]`, status: 400, code: invalid},
		{name: "leading zero", path: "sendPushApproval", body: `[{"messageId":01}]`, status: 400, code: invalid},
		{name: "bare fraction point", path: "sendPushApproval", body: `[{"messageId":1.}]`, status: 400, code: invalid},
		{name: "bare minus", path: "sendPushApproval", body: `[{"messageId":-}]`, status: 400, code: invalid},
		{name: "leading point", path: "sendPushApproval", body: `[{"messageId":.5}]`, status: 400, code: invalid},
		{name: "plus sign", path: "sendPushApproval", body: `[{"messageId":+1}]`, status: 400, code: invalid},
		{name: "hex number", path: "sendPushApproval", body: `[{"messageId":0x10}]`, status: 400, code: invalid},
		{name: "truncated literal", path: "enablePush", body: `{"extId":"id1","x":tru}`, status: 400, code: invalid},
		{name: "capitalised literal", path: "enablePush", body: `{"extId":"id1","x":True}`, status: 400, code: invalid},
		{name: "a comment", path: "enablePush", body: `/* who */ {"extId":"id1"}`, status: 400, code: invalid},
		{name: "a byte order mark", path: "enablePush", body: "\xef\xbb\xbf{\"extId\":\"id1\"}", status: 400, code: invalid},
		{name: "a NUL after the value", path: "enablePush", body: "{\"extId\":\"id1\"}\x00", status: 400, code: invalid},
		{name: "a missing comma", path: "updateMsisdn", body: `{"extId":"id1" "msisdn":"905"}`, status: 400, code: invalid},
		{name: "a missing colon", path: "updateMsisdn", body: `{"extId" "id1","msisdn":"905"}`, status: 400, code: invalid},
		{name: "an unclosed array body", path: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":true}`, status: 400, code: invalid},
		{name: "a lone closing bracket", path: "setCategoryPreferences", body: `]`, status: 400, code: invalid},
		{name: "an empty member value", path: "enableMail", body: `{"emailList":}`, status: 400, code: invalid},
		{name: "an empty element", path: "enableMail", body: `{"emailList":["a@example.com",,"b@example.com"]}`, status: 400, code: invalid},
		{name: "a JSON string as body", path: "deleteUsersPermanently", body: `"id1"`, status: 400, code: invalid},
		{name: "a number as body", path: "deleteUsersPermanently", body: `42`, status: 400, code: invalid},
		{name: "an array where an object goes", path: "deleteUsersPermanently", body: `[{"extIds":["id1"]}]`, status: 400, code: invalid},
		{name: "an object where an array goes", path: "setProfileAttributes", body: `{"extId":"id1","profile":{"age":1}}`, status: 400, code: invalid},
		{name: "a single category object", path: "setCategoryPreferences", body: `{"extId":"id1","category":"Shopping","enable":false}`, status: 400, code: invalid},

		// Wrong types.
		{name: "tag a number", path: "tagUsers", body: `{"tag":5,"extIds":["id1"]}`, status: 400, code: mismatch, msg: "'tag'"},
		{name: "tag an object", path: "tagUsers", body: `{"tag":{"name":"x"},"extIds":["id1"]}`, status: 400, code: mismatch, msg: "'tag'"},
		{name: "tag a list of numbers", path: "tagUsers", body: `{"tag":[1,2],"extIds":["id1"]}`, status: 400, code: mismatch, msg: "'tag'"},
		{name: "extIds a string", path: "tagUsers", body: `{"tag":"x","extIds":"id1"}`, status: 400, code: mismatch, msg: "'extIds'"},
		{name: "extIds of numbers", path: "untagUsers", body: `{"tag":"x","extIds":[1,2]}`, status: 400, code: mismatch, msg: "'extIds'"},
		{name: "extIds of objects", path: "deleteUsersPermanently", body: `{"extIds":[{"id":"id1"}]}`, status: 400, code: mismatch, msg: "'extIds'"},
		{name: "checkExistence a string", path: "untagUsers", body: `{"tag":"x","extIds":["id1"],"checkExistence":"yes"}`, status: 400, code: mismatch, msg: "'checkExistence'"},
		{name: "extId a number", path: "enablePush", body: `{"extId":5}`, status: 400, code: mismatch, msg: "'extId'"},
		{name: "deviceToken a list", path: "disablePush", body: `{"deviceToken":["t"]}`, status: 400, code: mismatch, msg: "'deviceToken'"},
		{name: "enable a string", path: "setCategoryPreferences", body: `[{"extId":"id1","category":"Shopping","enable":"yes"}]`, status: 400, code: mismatch, msg: "'enable'"},
		{name: "category a list", path: "setCategoryPreferences", body: `[{"extId":"id1","category":["Shopping"],"enable":true}]`, status: 400, code: mismatch, msg: "'category'"},
		{name: "messageId a string", path: "sendPushApproval", body: `[{"messageId":"0"}]`, status: 400, code: mismatch, msg: "'messageId'"},
		{name: "messageId a fraction", path: "sendPushApproval", body: `[{"messageId":0.5}]`, status: 400, code: mismatch, msg: "'messageId'"},
		{name: "messageId a boolean", path: "sendPushApproval", body: `[{"messageId":true}]`, status: 400, code: mismatch, msg: "'messageId'"},
		{name: "emailList a string", path: "enableMail", body: `{"emailList":"a@example.com"}`, status: 400, code: mismatch, msg: "'emailList'"},
		{name: "msisdnList of numbers", path: "enableSms", body: `{"msisdnList":[905312345678]}`, status: 400, code: mismatch, msg: "'msisdnList'"},
		{name: "email a number", path: "updateEmail", body: `{"extId":"id1","email":5}`, status: 400, code: mismatch, msg: "'email'"},
		{name: "msisdn a boolean", path: "updateMsisdn", body: `{"extId":"id1","msisdn":false}`, status: 400, code: mismatch, msg: "'msisdn'"},
		{name: "key a number", path: "deleteProfileAttributeValue", body: `[{"key":5,"value":"x"}]`, status: 400, code: mismatch, msg: "'key'"},
		{name: "pushPermitted not a boolean", method: http.MethodGet, path: "getDevices?extId=id1&pushPermitted=maybe", status: 400, code: mismatch, msg: "'pushPermitted'"},
		{name: "an upload of numbers", path: "addEmail", body: `{"emailList":[5]}`, status: 400, code: mismatch, msg: "'emailList'"},
		{name: "a WhatsApp number a list of lists", path: "updateWhatsApp", body: `{"extId":"id1","wpNumbers":[["+90555"]]}`, status: 400, code: mismatch, msg: "'wpNumbers'"},
		{name: "a remove without extId (plain text)", path: "removeEmail", body: `{}`, status: 400},
		{name: "a remove with a null extId (plain text)", path: "removeWhatsApp", body: `{"extId":null}`, status: 400},

		// Nulls.
		{name: "null body", path: "tagUsers", body: `null`, status: 400, code: invalid},
		{name: "null array body", path: "setProfileAttributes", body: `null`, status: 400, code: invalid},
		{name: "null approval body", path: "sendPushApproval", body: `null`, status: 400, code: invalid},
		{name: "null tag", path: "tagUsers", body: `{"tag":null,"extIds":["id1"]}`, status: 400, code: required, msg: "tag is required"},
		{name: "null extIds", path: "tagUsers", body: `{"tag":"x","extIds":null}`, status: 400, code: required, msg: "extIds is required"},
		{name: "null extIds to delete", path: "deleteUsersPermanently", body: `{"extIds":null}`, status: 400, code: required},
		{name: "null user", path: "enablePush", body: `{"extId":null,"deviceToken":null}`, status: 400, code: required},
		{name: "null messageId", path: "sendPushApproval", body: `[{"messageId":null}]`, status: 400, code: required},
		{name: "null value", path: "deleteProfileAttributeValue", body: `[{"key":"name","value":null}]`, status: 400, code: required, msg: "value is required"},
		{name: "null extId to update", path: "updateEmail", body: `{"extId":null,"email":"a@example.com"}`, status: 400, code: required},
		{name: "null entries", path: "setProfileAttributes", body: `[null,null]`, status: 400, code: invalid},
		{name: "null lists", path: "enableSms", body: `{"extIds":null,"msisdnList":null}`, status: 400, code: required},

		// Huge numbers.
		{name: "messageId 1e999", path: "sendPushApproval", body: `[{"messageId":1e999}]`, status: 400, code: mismatch},
		{name: "messageId past int64", path: "sendPushApproval", body: `[{"messageId":99999999999999999999}]`, status: 400, code: mismatch},
		{name: "messageId below int64", path: "sendPushApproval", body: `[{"messageId":-9223372036854775809}]`, status: 400, code: mismatch},
		{name: "tag 1e999", path: "tagUsers", body: `{"tag":1e999,"extIds":["id1"]}`, status: 400, code: mismatch},
		{name: "extId a 30-digit number", path: "enablePush", body: `{"extId":123456789012345678901234567890}`, status: 400, code: mismatch},
		{name: "max past int64", method: http.MethodGet, path: "getDeviceTokens?max=99999999999999999999", status: 400, code: mismatch},
		{name: "offset in exponent form", method: http.MethodGet, path: "getDeviceTokens?offset=1e3", status: 400, code: mismatch},
		{name: "segment id past int64", method: http.MethodGet, path: "getSegmentUsers?id=99999999999999999999", header: []string{"X-netmera-os", "IOS"}, status: 400, code: mismatch},

		// Deep nesting.
		{name: "10,000 nested arrays", path: "deleteProfileAttributeValue", body: deep(10000), status: 400, code: invalid, msg: "nesting deeper than 64 levels"},
		{name: "65 levels", path: "setProfileAttributes", body: deep(65), status: 400, code: invalid, msg: "nesting deeper than 64 levels"},
		{name: "a deep tag", path: "tagUsers", body: `{"tag":` + deep(5000) + `,"extIds":["id1"]}`, status: 400, code: invalid, msg: "nesting deeper"},
		{name: "deep objects", path: "enablePush", body: strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000), status: 400, code: invalid, msg: "nesting deeper"},
		{name: "an unclosed nest", path: "untagUsers", body: strings.Repeat(`{"tag":[`, 1000), status: 400, code: invalid, msg: "nesting deeper"},
		{name: "64 levels of the wrong shape", path: "sendPushApproval", body: deep(64), status: 400, code: invalid},

		// Size.
		{name: "a 10 MB tag", path: "tagUsers", body: `{"tag":"` + tenMB + `","extIds":["id1"]}`, status: 400, code: mismatch, msg: "at most 256 characters, got 10485760"},
		{name: "a 10 MB unknown member", path: "tagUsers", body: `{"pad":"` + tenMB + `","extIds":["id1"]}`, status: 400, code: required, msg: "tag is required"},
		{name: "10 MB of whitespace", path: "tagUsers", body: strings.Repeat(" ", 10<<20) + `{"tag":`, status: 400, code: invalid},
		{name: "a 10 MB attribute value", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"name":"` + tenMB + `"}}]`, status: 400, code: mismatch, msg: "at most 4096 characters"},
		{name: "17 MiB", path: "tagUsers", body: `{"tag":"x","extIds":["` + strings.Repeat("a", 17<<20) + `"]}`, status: 400, code: invalid, msg: "Request body is larger than 16777216 bytes"},
		{name: "17 MiB, chunked", path: "setProfileAttributes", body: "[" + strings.Repeat(" ", 17<<20) + "]", header: []string{"Transfer-Encoding", "chunked"},
			status: 400, code: invalid, msg: "Request body is larger than"},
		{name: "a million and one values", path: "sendPushApproval", body: "[" + strings.Repeat("0,", 1_000_000) + "0]", status: 400, code: invalid, msg: "more than 1000000 values"},
		{name: "1001 unique IDs", path: "tagUsers", body: `{"tag":"x","extIds":` + numbered("id-", 1001) + `}`, status: 400, code: invalid, msg: "Maximum 1000 unique"},

		// Invalid UTF-8: refused, saying so and where.
		{name: "a 0xFF byte", path: "tagUsers", body: "{\"tag\":\"\xff\",\"extIds\":[\"id1\"]}", status: 400, code: invalid, msg: "invalid UTF-8 at byte 8"},
		{name: "an overlong encoding", path: "tagUsers", body: "{\"tag\":\"\xc0\xaf\",\"extIds\":[\"id1\"]}", status: 400, code: invalid, msg: "invalid UTF-8 at byte 8"},
		{name: "an encoded surrogate", path: "setProfileAttributes", body: "[{\"extId\":\"id1\",\"profile\":{\"name\":\"\xed\xa0\x80\"}}]", status: 400, code: invalid, msg: "invalid UTF-8 at byte 35"},
		{name: "a truncated sequence", path: "enablePush", body: "{\"extId\":\"id\xe2\x82\"}", status: 400, code: invalid, msg: "invalid UTF-8 at byte 12"},
		{name: "invalid UTF-8 after an escape", path: "enablePush", body: "{\"extId\":\"\\n\xff\"}", status: 400, code: invalid, msg: "invalid UTF-8 at byte 12"},
		{name: "an unpaired surrogate escape", path: "tagUsers", body: `{"tag":"\ud800","extIds":["id1"]}`, status: 400, code: invalid, msg: "unpaired UTF-16 surrogate"},
		{name: "a reversed surrogate pair", path: "tagUsers", body: `{"tag":"\udc00\ud800","extIds":["id1"]}`, status: 400, code: invalid, msg: "unpaired UTF-16 surrogate"},
		{name: "a bad byte between tokens", path: "tagUsers", body: "{\"tag\":\"x\",\xff\"extIds\":[\"id1\"]}", status: 400, code: invalid},

		// Bodies of another Content-Type.
		{name: "a form", path: "tagUsers", body: "tag=x&extIds=id1", header: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 400, code: invalid},
		{name: "multipart", path: "tagUsers", body: "--b\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nx\r\n--b--\r\n",
			header: []string{"Content-Type", "multipart/form-data; boundary=b"}, status: 400, code: invalid},
		{name: "XML", path: "setProfileAttributes", body: `<users><user extId="id1"/></users>`, header: []string{"Content-Type", "application/xml"}, status: 400, code: invalid},
		{name: "plain text", path: "enablePush", body: "id1", header: []string{"Content-Type", "text/plain"}, status: 400, code: invalid},

		// Bad paging and query parameters.
		{name: "max 0", method: http.MethodGet, path: "getDeviceTokens?max=0", status: 400, code: mismatch, msg: "'max'"},
		{name: "max -1", method: http.MethodGet, path: "getDeviceTokens?max=-1", status: 400, code: mismatch, msg: "'max'"},
		{name: "max a word", method: http.MethodGet, path: "getDeviceTokens?max=ten", status: 400, code: mismatch, msg: "'max'"},
		{name: "max a fraction", method: http.MethodGet, path: "getDeviceTokens?max=1.5", status: 400, code: mismatch, msg: "'max'"},
		{name: "offset negative", method: http.MethodGet, path: "getDeviceTokens?offset=-1", status: 400, code: mismatch, msg: "'offset'"},
		{name: "offset a word", method: http.MethodGet, path: "getDeviceTokens?offset=next", status: 400, code: mismatch, msg: "'offset'"},
		{name: "offset a huge number", method: http.MethodGet, path: "getDeviceTokens?offset=" + strings.Repeat("9", 400), status: 400, code: mismatch, msg: "'offset'"},
		{name: "segment max a word", method: http.MethodGet, path: "getSegmentUsers?id=5883&max=all", header: []string{"X-netmera-os", "IOS"}, status: 400, code: mismatch},
		{name: "segment offset of another segment", method: http.MethodGet, path: "getSegmentUsers?id=5883&offset=c2VnOjE6MDowOjA", header: []string{"X-netmera-os", "IOS"},
			status: 400, code: mismatch, msg: "'offset'"},
		{name: "segment offset garbage", method: http.MethodGet, path: "getSegmentUsers?id=5883&offset=%FF%FE", header: []string{"X-netmera-os", "IOS"}, status: 400, code: mismatch},
		{name: "segment id a word", method: http.MethodGet, path: "getSegmentUsers?id=brand", header: []string{"X-netmera-os", "IOS"}, status: 400, code: mismatch},
		{name: "segment id missing", method: http.MethodGet, path: "getSegmentUsers?max=100", header: []string{"X-netmera-os", "IOS"}, status: 400, code: required},
		{name: "segment unknown", method: http.MethodGet, path: "getSegmentUsers?id=424242", header: []string{"X-netmera-os", "IOS"}, status: 400, code: 5042},
		{name: "no OS header", method: http.MethodGet, path: "getSegments", status: 400, code: required},
		{name: "an unknown OS", method: http.MethodGet, path: "getSegments", header: []string{"X-netmera-os", "WINDOWS"}, status: 400, code: mismatch},
		{name: "a broken query", method: http.MethodGet, path: "getDevices?%zz=1", status: 400, code: required},
		{name: "extId missing", method: http.MethodGet, path: "getProfileAttributes", status: 400, code: required},

		// Requests the data refuses.
		{name: "deleting an unknown user", path: "deleteUsersPermanently", body: `{"extIds":["id1","nobody"]}`, status: 400, code: 5016},
		{name: "approving an unknown message", path: "sendPushApproval", body: `[{"messageId":0},{"messageId":424242}]`, status: 400, code: 5003},
		{name: "an empty tag", path: "tagUsers", body: `{"tag":"","extIds":["id1"]}`, status: 400, code: required},

		// Methods and paths.
		{name: "PATCH", method: http.MethodPatch, path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, status: 405},
		{name: "PUT", method: http.MethodPut, path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, status: 405},
		{name: "DELETE", method: http.MethodDelete, path: "deleteUsersPermanently", body: `{"extIds":["id1"]}`, status: 405},
		{name: "an invented method", method: "FROB", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, status: 405},
		{name: "GET of a write", method: http.MethodGet, path: "tagUsers?tag=x&extIds=id1", status: 405},
		{name: "POST of a read", path: "getDevices?extId=id1", body: `{}`, status: 405},
		{name: "HEAD of a read", method: http.MethodHead, path: "getDevices?extId=id1", status: 405},
		{name: "HEAD of a write", method: http.MethodHead, path: "disablePush", status: 405},
		{name: "OPTIONS", method: http.MethodOptions, path: "tagUsers", status: 405},
		{name: "an unknown path", path: "tagUser", body: `{"tag":"x","extIds":["id1"]}`, status: 404},
		{name: "a trailing slash", path: "tagUsers/", body: `{"tag":"x","extIds":["id1"]}`, status: 404},
		{name: "another case", path: "TAGUSERS", body: `{"tag":"x","extIds":["id1"]}`, status: 404},
		{name: "a doubled slash", path: "/rest/3.0//tagUsers", body: `{"tag":"x","extIds":["id1"]}`, status: 404},
		{name: "a climb to the control API", method: http.MethodPut, path: "/rest/3.0/../_mock/state", body: `{"users":[]}`, status: 404},
		{name: "an encoded NUL", path: "tagUsers%00", body: `{"tag":"x","extIds":["id1"]}`, status: 404},

		// Keys.
		{name: "no key", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, header: []string{"X-netmera-api-key", ""}, status: 403, code: 2010},
		{name: "a wrong key", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, header: []string{"X-netmera-api-key", "nope"}, status: 403, code: 2010},
		{name: "the key in capitals", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, header: []string{"X-netmera-api-key", strings.ToUpper(testKey)}, status: 403, code: 2010},
		{name: "a 900 KB key", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, header: []string{"X-netmera-api-key", strings.Repeat("k", 900<<10)}, status: 403, code: 2010},

		// Long headers, near and past net/http's 1 MB limit.
		{name: "a 1,000,000-byte header", path: "tagUsers", body: `{"tag":`, header: []string{"X-Pad", strings.Repeat("p", 1_000_000)}, status: 400, code: invalid},
		{name: "ten thousand headers", path: "tagUsers", body: `{"tag":`, header: manyHeaders(10_000), status: 400, code: invalid},
		{name: "a 900 KB query", method: http.MethodGet, path: "getDeviceTokens?max=" + strings.Repeat("9", 900<<10), status: 400, code: mismatch},
		{name: "a header past 1 MB", path: "tagUsers", body: `{"tag":"x","extIds":["id1"]}`, header: []string{"X-Pad", strings.Repeat("p", 1<<20+8192)}, status: 431},
	}
}

// manyHeaders is n distinct headers.
func manyHeaders(n int) []string {
	out := make([]string, 0, 2*n)
	for i := range n {
		out = append(out, fmt.Sprintf("X-H%d", i), "v")
	}
	return out
}

// TestBadInputs sends each bad input through the whole server, over a
// real listener (net/http's own limits included): every answer is a 4xx,
// in Netmera's envelope for the API's own refusals (in plain text where
// Netmera answers so), a problem detail for the framework's 404 and 405,
// or net/http's own 431; nothing changes; nothing answers 5xx.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	inputs := badInputs()
	if len(inputs) < 100 {
		t.Fatalf("%d bad inputs, want at least 100", len(inputs))
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			before := h.MustState(t, testKey)
			resp, body := h.sendBad(t, in)
			call := fmt.Sprintf("%s %.80s (%d bytes)", in.method, in.path, len(in.body))
			switch {
			case resp.StatusCode >= 500:
				t.Fatalf("%s = %d %.300s, want no 5xx", call, resp.StatusCode, body)
			case resp.StatusCode != in.status:
				t.Errorf("%s = %d %.300s, want %d", call, resp.StatusCode, body, in.status)
			case in.code != 0:
				var e envelope
				dec := json.NewDecoder(bytes.NewReader(body))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&e); err != nil || resp.Header.Get("Content-Type") != "application/json" {
					t.Errorf("%s = %d %q (%s), want Netmera's envelope: %v", call, resp.StatusCode, body, resp.Header.Get("Content-Type"), err)
				} else if e.Code != in.code || !strings.Contains(e.Error, in.msg) {
					t.Errorf("%s = %+v, want code %d and an error saying %q", call, e, in.code, in.msg)
				}
			case in.status == 400: // Netmera's plain-text answers (removeEmail without extId…)
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") || len(body) == 0 {
					t.Errorf("%s = %d %q with Content-Type %q, want Netmera's plain text", call, resp.StatusCode, body, ct)
				}
			case in.status == 404 || in.status == 405:
				if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("%s = %d with Content-Type %q, want a problem detail", call, resp.StatusCode, ct)
				}
			}
			h.wantUnchanged(t, call, before)
		})
	}
}

// sendBad sends a bad input as testKey. The fake's answers are checked
// against the OpenAPI document, as every answer of the harness is.
func (h *harness) sendBad(t *testing.T, in badInput) (*http.Response, []byte) {
	t.Helper()
	if in.method == "" {
		in.method = http.MethodPost
	}
	target := in.path
	if !strings.HasPrefix(target, "/") {
		target = "/rest/3.0/" + target
	}
	var body io.Reader = strings.NewReader(in.body)
	if in.body == "" {
		body = http.NoBody
	}
	req, err := http.NewRequest(in.method, h.URL+target, body)
	if err != nil {
		t.Fatalf("http.NewRequest(%s, %.80s): %v", in.method, target, err)
	}
	req.Header.Set("X-netmera-api-key", testKey)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(in.header); i += 2 {
		switch name, v := in.header[i], in.header[i+1]; {
		case name == "Transfer-Encoding":
			req.ContentLength = -1 // sent chunked
			req.Body = io.NopCloser(strings.NewReader(in.body))
		case v == "":
			req.Header.Del(name)
		default:
			req.Header.Set(name, v)
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("%s %.80s: %v", in.method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %.80s: reading the answer: %v", in.method, target, err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge { // net/http's own, not the fake's
		h.checkResponse(t, req, resp, b)
	}
	return resp, b
}

// TestOddInputsAccepted sends what is odd but documented as accepted: each
// is answered 200 and does what fidelity.md says, and what a switch let
// through is noted in the request's journal entry.
func TestOddInputsAccepted(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, path, body string
		header           []string
		check            func(t *testing.T)
		notes            []string
	}{
		{name: "a repeated member: the last wins", path: "tagUsers", body: `{"tag":"first","extIds":["id2"],"tag":"Dup"}`,
			check: func(t *testing.T) {
				if tags := h.MustUser(t, "id2").Tags; len(tags) != 1 || tags[0] != "Dup" {
					t.Errorf("id2's tags = %q, want [Dup]: the last of the repeated member", tags)
				}
			},
			notes: []string{`member "tag" appears more than once; the last value was used`}},
		{name: "a repeated member inside a profile", path: "setProfileAttributes", body: `[{"extId":"id2","profile":{"name":"A","name":"B","age":1,"age":2}}]`,
			check: func(t *testing.T) {
				if p := h.MustUser(t, "id2").Profile; p["name"] != "B" || fmt.Sprint(p["age"]) != "2" {
					t.Errorf("id2's name and age = %v, %v, want B and 2", p["name"], p["age"])
				}
			},
			notes: []string{`member "name" appears more than once; the last value was used`, `member "age" appears more than once; the last value was used`}},
		{name: "JSON sent as text/plain", path: "tagUsers", body: `{"tag":"Plain","extIds":["id2"]}`, header: []string{"Content-Type", "text/plain"},
			check: func(t *testing.T) {
				if tags := h.MustUser(t, "id2").Tags; !strings.Contains(strings.Join(tags, ","), "Plain") {
					t.Errorf("id2's tags = %q, want Plain among them", tags)
				}
			}},
		{name: "no Content-Type", path: "tagUsers", body: `{"tag":"Bare","extIds":["id2"]}`, header: []string{"Content-Type", ""},
			check: func(t *testing.T) {
				if tags := h.MustUser(t, "id2").Tags; !strings.Contains(strings.Join(tags, ","), "Bare") {
					t.Errorf("id2's tags = %q, want Bare among them", tags)
				}
			}},
		{name: "escapes kept exactly", path: "tagUsers", body: `{"tag":"😀\u202e\u0000\ud83d\ude00","extIds":["id2"]}`,
			check: func(t *testing.T) {
				if tags := h.MustUser(t, "id2").Tags; !strings.Contains(strings.Join(tags, ","), "😀\u202e\x00😀") {
					t.Errorf("id2's tags = %q, want the emoji, RTL mark and NUL kept as sent", tags)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.Do(t, http.MethodDelete, "/_mock/requests", "")
			resp, body := h.sendBad(t, badInput{path: tt.path, body: tt.body, header: tt.header})
			if resp.StatusCode != http.StatusOK || len(body) != 0 {
				t.Fatalf("POST %s %s = %d %s, want 200 and no body", tt.path, tt.body, resp.StatusCode, body)
			}
			tt.check(t)
			entries := h.mustRequests(t, testKey, "").Requests
			if len(entries) != 1 {
				t.Fatalf("the journal holds %d entries, want the one request", len(entries))
			}
			if got := entries[0].Notes; strings.Join(got, "|") != strings.Join(tt.notes, "|") {
				t.Errorf("the journal entry's notes = %q, want %q", got, tt.notes)
			}
		})
	}
}

// TestNetHTTPOwnAnswers: requests net/http answers before the fake sees
// them get net/http's documented answers, and change nothing.
func TestNetHTTPOwnAnswers(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	before := h.MustState(t, testKey)
	addr := strings.TrimPrefix(h.URL, "http://")
	for _, c := range []struct {
		name, raw string
		status    string
	}{
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\nX-netmera-api-key: " + testKey + "\r\n\r\n", "HTTP/1.1 200 OK"},
		{"no Host", "POST /rest/3.0/tagUsers HTTP/1.1\r\nX-netmera-api-key: " + testKey + "\r\nContent-Length: 2\r\n\r\n{}", "HTTP/1.1 400 Bad Request"},
		{"a bad header line", "POST /rest/3.0/tagUsers HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"two Content-Lengths", "POST /rest/3.0/tagUsers HTTP/1.1\r\nHost: x\r\nX-netmera-api-key: " + testKey +
			"\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", "HTTP/1.1 400 Bad Request"},
		{"HTTP/0.9", "GET /rest/3.0/getDevices?extId=id1\r\n\r\n", "HTTP/1.1 400 Bad Request"},
	} {
		// net/http may add a reason ("400 Bad Request: missing required Host header").
		got := rawStatus(t, addr, c.raw)
		if !strings.HasPrefix(got, c.status) {
			t.Errorf("%s: net/http answered %q, want %q", c.name, got, c.status)
		}
	}
	h.wantUnchanged(t, "requests net/http answers itself", before)
}

// rawStatus writes raw to addr and returns the status line of the answer.
func rawStatus(t *testing.T, addr, raw string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the answer to %.40q: %v", raw, err)
	}
	return strings.TrimSpace(line)
}
