package conformance_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
)

func TestRetryRules(t *testing.T) {
	del := func(seq int, at time.Duration, opts ...opt) conformance.Request {
		return rq(seq, at, "POST", "deleteUsersPermanently", `{"extIds":["nobody"]}`, opts...)
	}
	unknown := refusal(400, 5016, "User with external id 'nobody' does not exist")
	tag := func(seq int, at time.Duration, opts ...opt) conformance.Request {
		return rq(seq, at, "POST", "tagUsers", `{"tag":"T","extIds":["a"]}`, opts...)
	}
	down := refusal(503, 2001, "An unexpected error occurred. Retry later.")
	slow := refusal(http.StatusTooManyRequests, 429, "Too many requests")
	date := t0.Add(3 * time.Second).Format(http.TimeFormat)
	runRuleCases(t, []ruleCase{
		{name: "refused twice", rule: "retry-4xx", reqs: []conformance.Request{del(1, 0, unknown), del(2, 10*ms, unknown)},
			want: []found{{[]uint64{1, 2}, `answered 400 {"code":5016,`}}},
		{name: "refused three times", rule: "retry-4xx", reqs: []conformance.Request{del(1, 0, unknown), del(2, 10*ms, unknown), del(3, 20*ms, unknown)},
			want: []found{{[]uint64{1, 2, 3}, "sent again unchanged 2 times"}}},
		{name: "sent again much later, or changed meanwhile", rule: "retry-4xx",
			reqs: []conformance.Request{del(1, 0, unknown), del(2, 2*time.Minute, unknown), del(3, 2*time.Minute+10*ms)}},
		{name: "429 and 2001 are to be retried", rule: "retry-4xx",
			reqs: []conformance.Request{tag(1, 0, slow), tag(2, 5*time.Second, refusal(400, 2001, "An unexpected error occurred. Retry later.")), tag(3, 10*time.Second, slow)}},

		{name: "a 5xx re-sent at once", rule: "retry-backoff", reqs: []conformance.Request{tag(1, 0, down), tag(2, 5*ms)},
			want: []found{{[]uint64{1, 2}, "sent again 0.003 s later: no back-off (at least 0.100 s)"}}},
		{name: "a 5xx re-sent after a wait", rule: "retry-backoff", reqs: []conformance.Request{tag(1, 0, down), tag(2, 200*ms)}},
		{name: "before Retry-After", rule: "retry-backoff", reqs: []conformance.Request{tag(1, 0, slow, retryAfter("2")), tag(2, 500*ms)},
			want: []found{{[]uint64{1, 2}, "with Retry-After: 2, and sent again 0.498 s later, before the 2.000 s it asked for"}}},
		{name: "after Retry-After", rule: "retry-backoff", reqs: []conformance.Request{tag(1, 0, slow, retryAfter("2")), tag(2, 2*time.Second)}},
		{name: "before an HTTP-date Retry-After", rule: "retry-backoff",
			reqs: []conformance.Request{tag(1, 0, slow, retryAfter(date)), tag(2, time.Second)},
			want: []found{{[]uint64{1, 2}, "before the 2.998 s it asked for"}}},
		{name: "400 2001 re-sent at once", rule: "retry-backoff",
			reqs: []conformance.Request{tag(1, 0, refusal(400, 2001, "An unexpected error occurred. Retry later.")), tag(2, 3*ms)},
			want: []found{{[]uint64{1, 2}, "no back-off"}}},
		{name: "netmera4j: at once, then after 30 s", rule: "retry-backoff",
			reqs: []conformance.Request{tag(1, 0, down), tag(2, 3*ms, down), tag(3, 30*time.Second)},
			want: []found{{[]uint64{1, 2}, "no back-off"}}},
		{name: "a 501 is not retried for", rule: "retry-backoff",
			reqs: []conformance.Request{tag(1, 0, answer(501, `{"detail":"not implemented"}`)), tag(2, 3*ms, answer(501, ""))}},

		{name: "netmera4j's removeTag", rule: "repeated-write", reqs: []conformance.Request{tag(1, 0), rq(2, 5*ms, "GET", "getProfileAttributes?extId=a", ""), tag(3, 10*ms)},
			want: []found{{[]uint64{1, 3}, "if it meant to remove the tag (as netmera4j's removeTagFromUsers does), the endpoint is untagUsers"}}},
		{name: "a notification sent three times", rule: "repeated-write",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "sendNotification", `{"notificationKey":"1"}`, answer(200, "{}")),
				rq(2, 10*ms, "POST", "sendNotification", `{"notificationKey":"1"}`, answer(200, "{}")),
				rq(3, 20*ms, "POST", "sendNotification", `{"notificationKey":"1"}`, answer(200, "{}")),
			},
			want: []found{{[]uint64{1, 2, 3}, "sent 3 times within 0.020 s, each answered 200; Netmera acts on each"}}},
		{name: "enable, disable, enable again; reads; a failed first", rule: "repeated-write",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "enablePush", `{"extId":"a"}`),
				rq(2, 10*ms, "POST", "disablePush", `{"extId":"a"}`),
				rq(3, 20*ms, "POST", "enablePush", `{"extId":"a"}`),
				rq(4, 30*ms, "GET", "getDevices?extId=a", ""),
				rq(5, 40*ms, "GET", "getDevices?extId=a", ""),
				tag(6, 50*ms, down), tag(7, 300*ms),
			}},
	})
}

func TestPaginationRules(t *testing.T) {
	tokens := func(seq int, at time.Duration, query string, opts ...opt) conformance.Request {
		return rq(seq, at, "GET", "getDeviceTokens"+query, "", opts...)
	}
	members := func(seq int, at time.Duration, query string, opts ...opt) conformance.Request {
		return rq(seq, at, "GET", "getSegmentUsers?id=5883"+query, "", append([]opt{header("X-netmera-os", "IOS")}, opts...)...)
	}
	walk := []conformance.Request{tokens(1, 0, "?max=10", page("10")), tokens(2, 10*ms, "?offset=10&max=10", page("20")), tokens(3, 20*ms, "?offset=20&max=10", page(""))}
	runRuleCases(t, []ruleCase{
		{name: "a whole walk", rule: "pagination-offset", reqs: walk},
		{name: "a whole walk", rule: "pagination-stopped", reqs: walk},
		{name: "a computed offset", rule: "pagination-offset",
			reqs: []conformance.Request{tokens(1, 0, "?max=10", page("10")), tokens(2, 10*ms, "?offset=11&max=10", page(""))},
			want: []found{{[]uint64{2, 1}, "offset=11, which no nextPage gave; request 1's answer gave offset=10"}}},
		{name: "past the last page", rule: "pagination-offset",
			reqs: append(walk[:3:3], tokens(4, 30*ms, "?offset=30&max=10", page(""))),
			want: []found{{[]uint64{4, 3}, "request 3's answer had no nextPage: it was the last page"}}},
		{name: "an opaque offset, followed and guessed", rule: "pagination-offset",
			reqs: []conformance.Request{members(1, 0, "", page("b3BhcXVl")), members(2, 10*ms, "&offset=b3BhcXVl", page("c2Vjb25k")), members(3, 20*ms, "&offset=200", page(""))},
			want: []found{{[]uint64{3, 2}, "offset=200"}}},
		{name: "resuming a walk the journal did not see, retrying a failed page", rule: "pagination-offset",
			reqs: []conformance.Request{tokens(1, 0, "?offset=50", page("60")), tokens(2, 10*ms, "?offset=60", answer(503, "")), tokens(3, 300*ms, "?offset=60", page(""))}},

		{name: "one page of many", rule: "pagination-stopped", reqs: []conformance.Request{tokens(1, 0, "", page("10"))},
			want: []found{{[]uint64{1}, "the answer gave nextPage offset=10, and no page was read from it: the walk of getDeviceTokens stopped before its last page"}}},
		{name: "given up after a failed page", rule: "pagination-stopped",
			reqs: []conformance.Request{tokens(1, 0, "", page("10")), tokens(2, 10*ms, "?offset=10", answer(503, ""))},
			want: []found{{[]uint64{1}, "offset=10"}}},
		{name: "two segments, one walked whole", rule: "pagination-stopped",
			reqs: []conformance.Request{
				members(1, 0, "", page("x")), members(2, 10*ms, "&offset=x", page("")),
				rq(3, 20*ms, "GET", "getSegmentUsers?id=7", "", header("X-netmera-os", "IOS"), page("y")),
			},
			want: []found{{[]uint64{3}, "offset=y"}}},
	})
}

func TestAsyncReadBack(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "a deleted user read at once", rule: "async-read-back",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "deleteUsersPermanently", `{"extIds":["a","b"]}`),
				rq(2, 5*ms, "GET", "getProfileAttributes?extId=b", ""),
				rq(3, 10*ms, "GET", "getDevices?extId=c", ""),
				rq(4, 15*ms, "GET", "getCategoryPreferences?externalId=a", ""),
			},
			want: []found{{[]uint64{1, 2, 4}, "getProfileAttributes?extId=b after 0.003 s, getCategoryPreferences?externalId=a after 0.013 s. Netmera deletes users in a background job"}}},
		{name: "a registered device read by its token", rule: "async-read-back",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "registerUsers", `[{"extId":"n1","deviceToken":"t1","platform":"IOS"}]`),
				rq(2, 5*ms, "GET", "getProfileAttributes?deviceToken=t1", ""),
			},
			want: []found{{[]uint64{1, 2}, "processes it asynchronously"}}},
		{name: "read later, a refused write, another user", rule: "async-read-back",
			reqs: []conformance.Request{
				rq(1, 0, "POST", "deleteUsersPermanently", `{"extIds":["a"]}`),
				rq(2, 2*time.Minute, "GET", "getProfileAttributes?extId=a", ""),
				rq(3, 2*time.Minute+10*ms, "POST", "deleteUsersPermanently", `{"extIds":["z"]}`, refusal(400, 5016, "no such user")),
				rq(4, 2*time.Minute+20*ms, "GET", "getProfileAttributes?extId=z", ""),
				rq(5, 2*time.Minute+30*ms, "POST", "deleteUsersPermanently", `{"extIds":["y"]}`),
				rq(6, 2*time.Minute+40*ms, "GET", "getProfileAttributes?extId=x", ""),
			}},
	})
}

// A client that does everything right gets no finding: every endpoint it
// knows, batches split at the limit, a walk followed to its end, a retry
// after the wait asked for, the key in its header only.
func TestCorrectClientHasNoFinding(t *testing.T) {
	os := header("X-netmera-os", "ANDROID")
	reqs := []conformance.Request{
		rq(1, 0, "POST", "tagUsers", `{"tag":"VIP","extIds":`+jsonList(ids(0, 1000))+`}`),
		rq(2, 50*ms, "POST", "tagUsers", `{"tag":"VIP","extIds":`+jsonList(ids(1000, 500))+`}`),
		rq(3, 100*ms, "POST", "untagUsers", `{"tag":"VIP","extIds":["u-0001"]}`),
		rq(4, 150*ms, "POST", "setProfileAttributes", `[{"extId":"u-0001","profile":{"age":30,"email":"a@example.com"}}]`),
		rq(5, 200*ms, "POST", "unsetProfileAttributes", `[{"extId":"u-0001","profile":["age"]}]`),
		rq(6, 250*ms, "POST", "pushProfileAttributes", `[{"extId":"u-0001","profile":{"tags":["a"]}}]`),
		rq(7, 300*ms, "POST", "pullProfileAttributes", `[{"extId":"u-0001","profile":{"tags":["a"]}}]`),
		rq(8, 350*ms, "GET", "getProfileAttributes?extId=u-0001", "", answer(200, `{"extId":"u-0001","profile":{}}`)),
		rq(9, 400*ms, "POST", "setCategoryPreferences", `[{"extId":"u-0001","category":"Deals","enable":true}]`),
		rq(10, 450*ms, "GET", "getCategoryPreferences?externalId=u-0001", "", answer(200, `{"categoryPreferences":{}}`)),
		rq(11, 500*ms, "POST", "enablePush", `{"extId":"u-0001"}`),
		rq(12, 550*ms, "POST", "disablePush", `{"extId":"u-0001"}`),
		rq(13, 600*ms, "GET", "getDevices?extId=u-0001&pushPermitted=true", "", answer(200, `{"extId":"u-0001","devices":[]}`)),
		rq(14, 650*ms, "GET", "getDeviceTokens?max=10", "", page("10")),
		rq(15, 700*ms, "GET", "getDeviceTokens?offset=10&max=10", "", page("")),
		rq(16, 750*ms, "GET", "getSegments", "", os, answer(200, `{"list":[]}`)),
		rq(17, 800*ms, "GET", "getSegmentUsers?id=5883&max=100", "", os, page("b3BhcXVl")),
		rq(18, 850*ms, "GET", "getSegmentUsers?id=5883&max=100&offset=b3BhcXVl", "", os, page("")),
		rq(19, 900*ms, "POST", "sendPushApproval", `[{"messageId":0}]`),
		rq(20, 950*ms, "POST", "enableMail", `{"extIds":["u-0001"]}`),
		rq(21, time.Second, "POST", "updateEmail", `{"extId":"u-0001","email":"b@example.com"}`,
			refusal(http.StatusTooManyRequests, 429, "Too many requests"), retryAfter("1")),
		rq(22, 2100*ms, "POST", "updateEmail", `{"extId":"u-0001","email":"b@example.com"}`),
		rq(23, 2200*ms, "POST", "sendNotification", `{"notificationKey":"106","target":{"extId":"u-0001"}}`, answer(200, "{}")),
		rq(24, 2300*ms, "POST", "deleteUsersPermanently", `{"extIds":["u-0002"]}`),
		rq(25, 2400*ms, "POST", "deleteProfileAttributeValue", `[{"key":"tags","value":"a"}]`),
		rq(26, 2500*ms, "POST", "deleteUsersPermanently", `{"extIds":["nobody"]}`, refusal(400, 5016, "no such user")),
	}
	rep := conformance.Check(reqs, conformance.Options{})
	if got := allFindings(rep); len(got) != 0 {
		t.Errorf("a correct client got findings:\n%q", got)
	}
	want := conformance.Summary{Rules: len(conformance.RuleIDs()), Passed: len(conformance.RuleIDs())}
	if diff := cmp.Diff(rep.Summary, want); diff != "" || rep.Requests != len(reqs) {
		t.Errorf("summary (-got +want):\n%s\nrequests %d, want %d", diff, rep.Requests, len(reqs))
	}
}
