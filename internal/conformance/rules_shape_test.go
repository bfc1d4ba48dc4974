package conformance_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
	"github.com/netmera-mock/netmera-mock/state"
)

const ms = time.Millisecond

// ruleCase is requests and the findings one rule must make of them.
type ruleCase struct {
	name string
	reqs []conformance.Request
	rule string
	want []found
}

func runRuleCases(t *testing.T, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			wantFindings(t, tt.reqs, tt.rule, tt.want)
		})
	}
}

func TestShapeRules(t *testing.T) {
	limit := `Maximum 1000 unique external IDs or device tokens per request, got 1500`
	runRuleCases(t, []ruleCase{
		{name: "a missing member", rule: "document-refused",
			reqs: []conformance.Request{rq(1, 0, "POST", "tagUsers", `{"tag":"T"}`, refusal(400, 2020, "extIds is required"))},
			want: []found{{[]uint64{1}, `400 {"code":2020,"error":"extIds is required"}`}}},
		{name: "one object where an array is documented, refused", rule: "document-refused",
			reqs: []conformance.Request{rq(1, 0, "POST", "setProfileAttributes", `{"extId":"a","profile":{"age":3}}`, refusal(400, 2009, "Invalid JSON"))},
			want: []found{{[]uint64{1}, "the body is one object where Netmera documents an array of entries"}}},
		{name: "a wrong type", rule: "document-refused",
			reqs: []conformance.Request{rq(1, 0, "POST", "enablePush", `{"extId":7}`, refusal(400, 2004, "Field 'extId' should be a text"))},
			want: []found{{[]uint64{1}, "2004"}}},
		{name: "not the limit, another code, nor a fault's answer", rule: "document-refused",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, refusal(400, 2009, limit)),
				rq(2, 10*ms, "POST", "deleteUsersPermanently", `{"extIds":["nobody"]}`, refusal(400, 5016, "User with external id 'nobody' does not exist")),
				rq(3, 20*ms, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, refusal(400, 2009, "Invalid JSON"), func(r *conformance.Request) { r.Fault = "f1" }),
			}},

		{name: "an unknown path", rule: "unknown-endpoint",
			reqs: []conformance.Request{rq(1, 0, "POST", "tagusers", `{"tag":"T","extIds":["a"]}`,
				answer(404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"No static resource rest/3.0/tagusers.","instance":"/rest/3.0/tagusers"}`))},
			want: []found{{[]uint64{1}, "404: No static resource rest/3.0/tagusers."}}},
		{name: "a wrong method, a trailing slash", rule: "unknown-endpoint",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "getCategoryPreferences", `{"externalId":"a"}`, answer(405, `{"detail":"Method 'POST' is not supported."}`)),
				rq(2, 10*ms, "GET", "getDevices/?extId=a", "", answer(404, `{"detail":"No static resource rest/3.0/getDevices/."}`)),
			},
			want: []found{{[]uint64{1}, "405: Method 'POST' is not supported."}, {[]uint64{2}, "the path ends in '/'"}}},
		{name: "not implemented by the fake", rule: "unknown-endpoint",
			reqs: []conformance.Request{rq(1, 0, "POST", "addTesters", `[{"extId":"a"}]`, answer(501, `{"detail":"netmera-mock does not implement POST /rest/3.0/addTesters yet"}`))}},

		{name: "netmera4j's single object to deleteProfileAttributeValue", rule: "lenient-shape",
			reqs: []conformance.Request{rq(1, 0, "POST", "deleteProfileAttributeValue", `{"key":"k","value":"v"}`)},
			want: []found{{[]uint64{1}, "a single object accepted where Netmera documents an array of entries; netmera4j sends one object here"}}},
		{name: "the journal's note, once", rule: "lenient-shape",
			reqs: []conformance.Request{rq(1, 0, "POST", "setProfileAttributes", `{"extId":"a","profile":{}}`,
				notes("a single object accepted where Netmera documents an array (-single-object accept)"))},
			want: []found{{[]uint64{1}, "(-single-object accept)"}}},
		{name: "no X-netmera-os, another value", rule: "lenient-shape",
			reqs: []conformance.Request{
				rq(1, 0, "GET", "getSegments", ""),
				rq(2, 10*ms, "GET", "getSegmentUsers?id=5883", "", header("X-netmera-os", "WINDOWS")),
			},
			want: []found{{[]uint64{1}, "no X-netmera-os header"}, {[]uint64{2}, `X-netmera-os "WINDOWS"`}}},
		{name: "documented shapes, and a refused one", rule: "lenient-shape",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "deleteProfileAttributeValue", `[{"key":"k","value":"v"}]`),
				rq(2, 10*ms, "GET", "getSegments", "", header("X-netmera-os", "IOS")),
				rq(3, 20*ms, "POST", "unsetProfileAttributes", `{"extId":"a","profile":["x"]}`, refusal(400, 2009, "Invalid JSON")),
				rq(4, 30*ms, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`),
			}},

		{name: "a member twice", rule: "duplicate-member",
			reqs: []conformance.Request{rq(1, 0, "POST", "tagUsers", `{"tag":"A","extIds":["a"],"tag":"B"}`)},
			want: []found{{[]uint64{1}, `member "tag" appears more than once`}}},
		{name: "a cut body: the server's note", rule: "duplicate-member",
			reqs: []conformance.Request{rq(1, 0, "POST", "tagUsers", `{"tag":"A","extIds":["a",`, cut(),
				notes(`member "extIds" appears more than once; the last value was used`))},
			want: []found{{[]uint64{1}, `member "extIds" appears`}}},

		{name: "a number, in an object and in an array", rule: "notification-key-type",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "sendNotification", `{"notificationKey":106,"target":{"extId":"a"}}`, answer(200, `{}`)),
				rq(2, 10*ms, "POST", "sendNotification", `[{"notificationKey":"1"},{"notificationKey":2}]`, refusal(400, 2004, "Field 'notificationKey' should be a text")),
				rq(3, 20*ms, "POST", "sendNotification", `{"notificationKey":"106"}`, answer(200, `{}`)),
			},
			want: []found{{[]uint64{1}, `notificationKey 106 sent as a JSON number`}, {[]uint64{2}, `notificationKey 2 `}}},

		{name: "none, another", rule: "content-type",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, header("Content-Type")),
				rq(2, 10*ms, "POST", "tagUsers", `{"tag":"T","extIds":["b"]}`, header("Content-Type", "application/x-www-form-urlencoded")),
				rq(3, 20*ms, "POST", "tagUsers", `{"tag":"T","extIds":["c"]}`, header("Content-Type", "application/json; charset=UTF-8")),
				rq(4, 30*ms, "GET", "getDevices?extId=a", ""),
			},
			want: []found{{[]uint64{1}, "a body of 26 bytes without Content-Type"}, {[]uint64{2}, `"application/x-www-form-urlencoded", not application/json`}}},

		{name: "the guide's getCategoryPreferences", rule: "body-on-get",
			reqs: []conformance.Request{
				rq(1, 0, "GET", "getCategoryPreferences", `{"externalId":"a"}`, refusal(400, 2020, "externalId is required")),
				rq(2, 10*ms, "GET", "getCategoryPreferences?externalId=a", ""),
			},
			want: []found{{[]uint64{1}, "a GET with a body of 18 bytes"}}},

		{name: "in the query, twice, in other headers", rule: "api-key-placement",
			reqs: []conformance.Request{
				rq(1, 0, "GET", "getDevices?extId=a&api_key="+testKey, ""),
				rq(2, 10*ms, "GET", "getDevices?extId=a", "", header("X-Netmera-Api-Key", keyID, keyID)),
				rq(3, 20*ms, "GET", "getDevices?extId=a", "", header("Authorization", "Bearer "+keyID)),
				rq(4, 30*ms, "GET", "getDevices?extId=a", "", header("X-Api-Key", testKey)),
				rq(5, 40*ms, "GET", "getDevices?extId=a&t="+testKey, ""),
				rq(6, 50*ms, "GET", "getDevices?extId=a", "", header("Authorization", "Bearer "+state.KeyID("another"))),
			},
			want: []found{
				{[]uint64{1}, `the key in the query parameter "api_key" (` + keyID + ")"},
				{[]uint64{2}, "X-netmera-api-key given 2 times"},
				{[]uint64{3}, "the key also in the header Authorization"},
				{[]uint64{4}, "the key also in the header X-Api-Key"},
				{[]uint64{5}, `the key in the query parameter "t"`},
			}},
	})
}

// A finding never shows the key in clear: the request names it by its ID.
func TestFindingsMaskTheKey(t *testing.T) {
	rep := conformance.Check([]conformance.Request{rq(1, 0, "GET", "getDevices?extId=a&apiKey="+testKey, "")}, conformance.Options{})
	var b strings.Builder
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), testKey) {
		t.Errorf("the report shows the key in clear:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "apiKey="+keyID) {
		t.Errorf("the report does not name the request by the key's ID %s:\n%s", keyID, b.String())
	}
}

func TestBatchRules(t *testing.T) {
	tag := func(seq int, at time.Duration, extIDs []string, opts ...opt) conformance.Request {
		return rq(seq, at, "POST", "tagUsers", `{"tag":"T","extIds":`+jsonList(extIDs)+`}`, opts...)
	}
	var singles, twoTags, gap, between []conformance.Request
	for i := range 6 {
		at := time.Duration(i) * 10 * ms
		singles = append(singles, tag(i+1, at, ids(i, 1)))
		body := `{"tag":"T` + strconv.Itoa(i%2) + `","extIds":["u"]}`
		twoTags = append(twoTags, rq(i+1, at, "POST", "tagUsers", body))
		if i >= 3 {
			at += 2 * time.Second
		}
		gap = append(gap, tag(i+1, at, ids(i, 1)))
	}
	for i := range 3 {
		between = append(between, tag(2*i+1, time.Duration(2*i)*10*ms, ids(i, 1)), rq(2*i+2, time.Duration(2*i+1)*10*ms, "GET", "getDevices?extId=a", ""))
	}
	mail := `{"extIds":` + jsonList(ids(0, 600)) + `,"emailList":` + jsonList(ids(1000, 500)) + `}`
	profile := `[{"extId":"a","profile":{"email":"x@example.com","msisdn":"1"}}]`
	runRuleCases(t, []ruleCase{
		{name: "1001 IDs", rule: "id-limit", reqs: []conformance.Request{tag(1, 0, ids(0, 1001))},
			want: []found{{[]uint64{1}, "1001 unique IDs (1001 extId); Netmera takes at most 1000 per request"}}},
		{name: "1000 IDs and repeats", rule: "id-limit", reqs: []conformance.Request{tag(1, 0, append(ids(0, 1000), ids(0, 500)...))}},
		{name: "kinds add up", rule: "id-limit", reqs: []conformance.Request{rq(1, 0, "POST", "enableMail", mail)},
			want: []found{{[]uint64{1}, "1100 unique IDs (500 email, 600 extId)"}}},
		{name: "a profile's members are no IDs", rule: "id-limit", reqs: []conformance.Request{rq(1, 0, "POST", "setProfileAttributes", profile)}},
		{name: "refused by the fake, the body cut", rule: "id-limit",
			reqs: []conformance.Request{tag(1, 0, ids(0, 700), cut(),
				refusal(400, 2009, "Maximum 1000 unique external IDs or device tokens per request, got 2500"))},
			want: []found{{[]uint64{1}, "2500 unique IDs; the fake refused it"}}},

		{name: "six of one ID", rule: "small-batches", reqs: singles,
			want: []found{{[]uint64{1, 2, 3, 4, 5, 6}, "6 tagUsers requests in 0.052 s naming 1 IDs each, 6 in all: 1 request would do"}}},
		{name: "four", rule: "small-batches", reqs: singles[:4]},
		{name: "alternating tags", rule: "small-batches", reqs: twoTags},
		{name: "a pause between", rule: "small-batches", reqs: gap},
		{name: "reads between", rule: "small-batches", reqs: between},

		{name: "an off-by-one split", rule: "batch-overlap",
			reqs: []conformance.Request{tag(1, 0, ids(0, 1000)), tag(2, 50*ms, ids(999, 1000)), tag(3, 100*ms, ids(1998, 2))},
			want: []found{{[]uint64{1, 2}, `1 ID of request 1 again in the next tagUsers batch: "u-0999"`}, {[]uint64{2, 3}, `"u-1998"`}}},
		{name: "a clean split, and a retry", rule: "batch-overlap",
			reqs: []conformance.Request{tag(1, 0, ids(0, 1000)), tag(2, 50*ms, ids(1000, 1000)), tag(3, 100*ms, ids(1000, 1000))}},
	})
}
