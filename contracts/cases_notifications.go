package contracts

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const put = http.MethodPut

// pushResultPage is getPushResult's answer.
type pushResultPage struct {
	NextPage string
	List     []struct {
		Platform, Status, InstallationID, ExtID, ErrorCode, ErrorMsg, MsgTitle, MsgText string
		TimeStamp                                                                       int64
	}
}

// capturedNotification is what the mock-only cases read of
// /_mock/notifications.
type capturedNotification struct {
	NotificationKey int64
	Status          string
	Deliveries      []struct {
		ExtID, Platform, Token, Status, Title, Text string
	}
	Exclusions []struct {
		ExtID, Reason string
	}
}

// notificationOf reads the tenant's capture of key (mock-only).
func notificationOf(c *Check, key int64) capturedNotification {
	var list struct {
		Notifications []capturedNotification
	}
	if err := c.r.control(c.Context(), get, "/_mock/notifications?notificationKey="+itoa(key), &list); err != nil {
		c.Fatalf("%v", err)
	}
	if len(list.Notifications) != 1 {
		c.Fatalf("GET /_mock/notifications?notificationKey=%d found %d notifications, want 1", key, len(list.Notifications))
	}
	return list.Notifications[0]
}

// delivered lists "extId platform" of each delivery, sorted.
func (n capturedNotification) delivered() []string {
	var out []string
	for _, d := range n.Deliveries {
		out = append(out, d.ExtID+" "+d.Platform)
	}
	slices.Sort(out)
	return out
}

func (n capturedNotification) excludedFor(extID string) []string {
	var out []string
	for _, e := range n.Exclusions {
		if e.ExtID == extID {
			out = append(out, e.Reason)
		}
	}
	slices.Sort(out)
	return out
}

// derived sends a request built from what the target answered (a key it
// made): a replay does not send it.
func (c *Check) derived(method, path string, body any) *Response {
	return c.Send(Request{Method: method, Path: path, Body: body, Derived: true})
}

// sendKey posts a send and returns the notificationKey of its 200.
func sendKey(c *Check, path string, body any) int64 {
	r := c.Do(post, apiPath(path), body)
	var k struct{ NotificationKey int64 }
	if !c.Status(r, http.StatusOK) || !c.Decode(r, &k) || k.NotificationKey <= 0 {
		c.Fatalf("%s\n\twant 200 {\"notificationKey\": <a positive integer>}", r)
	}
	return k.NotificationKey
}

func notificationCases() []Case {
	return []Case{
		{
			Name: "notifications/refusals", Tags: []Tag{LiveSafe},
			Doc: "Sends, definitions, live-activity updates, stats and results refuse what is malformed, names nothing the app has, or breaks a limit, in Netmera's envelope.",
			Run: func(ctx context.Context, c *Check) {
				msg := obj{"title": "T", "text": "x", "platforms": arr{"IOS", "ANDROID"}}
				ids := make(arr, 1001)
				for i := range ids {
					ids[i] = c.ID("u" + strconv.Itoa(i))
				}
				c.refuseAll([]refusal{
					{name: "numeric key (recorded live)", method: post, path: apiPath("sendNotification"), body: obj{"notificationKey": 106, "target": obj{"extId": c.ID("u1")}},
						code: 2004, message: "Field 'notificationKey' should be a text"},
					{name: "numeric key in a list", method: post, path: apiPath("sendNotification"), body: arr{obj{"notificationKey": 106, "target": obj{"extId": c.ID("u1")}}},
						code: 2004, message: "Field 'notificationKey' should be a text"},
					{name: "no key", method: post, path: apiPath("sendNotification"), body: obj{"target": obj{"extId": c.ID("u1")}}, code: 2020, message: "notificationKey is required"},
					{name: "unknown key", method: post, path: apiPath("sendNotification"), body: obj{"notificationKey": "987654321987", "target": obj{"extId": c.ID("u1")}},
						code: 5003, message: "Notification definition with key '987654321987' could not be found"},
					{name: "1001 IDs", method: post, path: apiPath("sendNotification"), body: obj{"notificationKey": "106", "target": obj{"extId": ids}},
						code: 2009, message: "Maximum 1000 unique external IDs or device tokens per request, got 1001"},
					{name: "bulk, invalid JSON", method: post, path: apiPath("sendBulkNotification"), body: `{"message":`, code: 2009, message: msgInvalidJSON},
					{name: "bulk, no target", method: post, path: apiPath("sendBulkNotification"), body: obj{"message": msg}, code: 2020, message: "target is required"},
					{name: "bulk, empty target", method: post, path: apiPath("sendBulkNotification"), body: obj{"message": msg, "target": obj{}},
						code: 2020, message: "target must not be empty (sendToAll: true reaches everyone)"},
					{name: "bulk, unknown tag", method: post, path: apiPath("sendBulkNotification"), body: obj{"message": msg, "target": obj{"tag": c.ID("no-such-tag")}},
						code: 2009, message: "Tag '" + c.ID("no-such-tag") + "' does not exist"},
					{name: "bulk, unknown segment", method: post, path: apiPath("sendBulkNotification"), body: obj{"message": msg, "target": obj{"segment": 987654321}},
						code: 5042, message: "Segment not found"},
					{name: "bulk, schedule in the past", method: post, path: apiPath("sendBulkNotification"),
						body: obj{"message": msg, "target": obj{"extId": c.ID("u1")}, "schedule": obj{"startTime": "2001-01-01T00:00:00"}}, code: 2021},
					{name: "definition, invalid JSON", method: post, path: apiPath("createNotificationDefinition"), body: `[`, code: 2009, message: msgInvalidJSON},
					{name: "definition, no message", method: post, path: apiPath("createNotificationDefinition"), body: obj{"title": "T", "platforms": arr{"IOS"}},
						code: 2020, message: "message is required"},
					{name: "definition, unknown category ID", method: post, path: apiPath("createNotificationDefinition"),
						body: obj{"title": "T", "message": "M", "platforms": arr{"IOS"}, "categories": arr{987654}}, code: 2021, message: "Message category with id 987654 is not defined"},
					{name: "live activity, no group", method: post, path: apiPath("update-live-activity"), body: obj{"action": "UPDATE"}, code: 2020, message: "groupId is required"},
					{name: "live activity, bad action", method: post, path: apiPath("update-live-activity"), body: obj{"groupId": c.ID("g"), "action": "PAUSE"},
						code: 2004, message: "Field 'action' should be UPDATE or END"},
					{name: "live activity, unknown group", method: post, path: apiPath("update-live-activity"), body: obj{"groupId": c.ID("g"), "action": "UPDATE"},
						code: 2021, message: "Live activity with groupId '" + c.ID("g") + "' is not active"},
					{name: "stats, nothing asked", method: get, path: apiPath("getPushStats"), code: 2020, message: "notificationKey or start and end is required"},
					{name: "stats, key not an integer", method: get, path: apiPath("getPushStats", "notificationKey", "abc"), code: 2004, message: "Field 'notificationKey' should be an integer"},
					{name: "stats, unknown key", method: get, path: apiPath("getPushStats", "notificationKey", "987654321987"), code: 5003, message: "Message with given notificationKey could not be found"},
					{name: "results, nothing named", method: get, path: apiPath("getPushResult"), code: 2009, message: "notificationKey, extId or token is required"},
					{name: "results, bad offset", method: get, path: apiPath("getPushResult", "extId", c.ID("u1"), "offset", "not-a-token"), code: 2004, message: "Field 'offset' is not a valid page token"},
					{name: "results, max 0", method: get, path: apiPath("getPushResult", "extId", c.ID("u1"), "max", "0"), code: 2004, message: "Field 'max' should be a positive integer"},
				})
			},
		},
		{
			Name: "notifications/transactional-own-users", Tags: []Tag{LiveSafe},
			Doc: "A definition made over the API answers an integer key; sending it, the key as a text, to the run's own users answers {}; its stats and results answer.",
			Run: func(ctx context.Context, c *Check) {
				key := sendKey(c, "createNotificationDefinition", obj{"title": "netmera-mock contract", "message": "A test definition",
					"personalizedMessage": "Hello @{name}", "platforms": arr{"IOS", "ANDROID"}})
				u1, u2 := c.ID("u1"), c.ID("u2")
				c.Equal(c.derived(post, apiPath("sendNotification"), obj{"notificationKey": itoa(key), "message": obj{"params": obj{"name": "Ada"}},
					"target": obj{"extId": arr{u1, u2}}}), obj{})
				c.Equal(c.derived(post, apiPath("sendNotification"), arr{
					obj{"notificationKey": itoa(key), "target": obj{"extId": u1}},
					obj{"notificationKey": itoa(key), "target": obj{"deviceToken": c.ID("token")}, "lastActiveDevice": true},
				}), obj{})
				c.Status(c.derived(get, apiPath("getPushStats", "notificationKey", itoa(key)), nil), http.StatusOK)
				var page pushResultPage
				if r := c.derived(get, apiPath("getPushResult", "notificationKey", itoa(key)), nil); c.Decode(r, &page) {
					for _, e := range page.List {
						if e.ExtID != "" && e.ExtID != u1 && e.ExtID != u2 {
							c.Errorf("%s\n\ta result for %s, whom the sends did not name", r, e.ExtID)
						}
					}
				}
			},
		},
		{
			Name: "notifications/bulk-own-users", Tags: []Tag{LiveSafe},
			Doc: "A bulk send to the run's own users answers an integer key, which getPushStats and getPushResult (by key and by user) accept.",
			Run: func(ctx context.Context, c *Check) {
				u1 := c.ID("u1")
				key := sendKey(c, "sendBulkNotification", obj{"message": obj{"title": "netmera-mock contract", "text": "A test push", "platforms": arr{"IOS", "ANDROID"}},
					"target": obj{"extId": arr{u1, c.ID("u2")}}})
				c.Status(c.derived(get, apiPath("getPushStats", "notificationKey", itoa(key)), nil), http.StatusOK)
				now := time.Now().UnixMilli()
				c.Status(c.derived(get, apiPath("getPushStats", "start", itoa(now-3600_000), "end", itoa(now+3600_000)), nil), http.StatusOK)
				c.Status(c.derived(get, apiPath("getPushResult", "notificationKey", itoa(key), "max", "5"), nil), http.StatusOK)
				c.Status(c.Do(get, apiPath("getPushResult", "extId", u1), nil), http.StatusOK)
			},
		},
		{
			Name: "notifications/who-gets-it", Tags: []Tag{MockOnly},
			Doc: "A push reaches the named users' installed, push-permitted devices on its platforms, and leaves out, with the reason, a user without permission, one opted out of its category, and one a $not excludes.",
			Why: "it changes the seeded users id1 and id2 and reads the fake's capture (/_mock/notifications)",
			Run: func(ctx context.Context, c *Check) {
				push := func(target obj, extra obj) capturedNotification {
					msg := obj{"title": "T", "text": "x", "platforms": arr{"IOS", "ANDROID"}}
					for k, v := range extra {
						msg[k] = v
					}
					return notificationOf(c, sendKey(c, "sendBulkNotification", obj{"message": msg, "target": target}))
				}
				if got := push(obj{"extId": arr{"id1", "id2"}}, nil).delivered(); !slices.Equal(got, []string{"id1 ANDROID", "id2 ANDROID"}) {
					c.Errorf("a push to id1 and id2 reached %q, want their Android phones", got)
				}
				// Push permission.
				c.Cleanup(func() { c.Applied(c.Do(post, apiPath("enablePush"), obj{"extId": "id1"})) })
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"extId": "id1"}))
				n := push(obj{"extId": arr{"id1", "id2"}}, nil)
				if got := n.delivered(); !slices.Equal(got, []string{"id2 ANDROID"}) || !slices.Contains(n.excludedFor("id1"), "NO_PUSH_PERMISSION") {
					c.Errorf("with id1's push disabled a push reached %q and left id1 out for %q; want id2 only, id1 for NO_PUSH_PERMISSION", got, n.excludedFor("id1"))
				}
				c.Applied(c.Do(post, apiPath("enablePush"), obj{"extId": "id1"}))
				// A category opt-out on PUSH.
				c.Cleanup(func() {
					c.Applied(c.Do(post, apiPath("setCategoryPreferences"), arr{obj{"extId": "id2", "category": "Shopping", "enable": true}}))
				})
				c.Applied(c.Do(post, apiPath("setCategoryPreferences"), arr{obj{"extId": "id2", "category": "Shopping", "enable": false, "channel": "PUSH"}}))
				n = push(obj{"extId": arr{"id1", "id2"}}, obj{"categories": arr{"Shopping"}})
				if got := n.delivered(); !slices.Equal(got, []string{"id1 ANDROID"}) || !slices.Contains(n.excludedFor("id2"), "CATEGORY_OPTED_OUT") {
					c.Errorf("with id2 opted out of Shopping a Shopping push reached %q and left id2 out for %q; want id1 only, id2 for CATEGORY_OPTED_OUT", got, n.excludedFor("id2"))
				}
				// $not over tags.
				both, second := c.ID("both"), c.ID("second")
				c.Cleanup(func() {
					c.Applied(c.Do(post, apiPath("untagUsers"), obj{"tag": arr{both, second}, "extIds": arr{"id1", "id2"}}))
				})
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": both, "extIds": arr{"id1", "id2"}}))
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": second, "extIds": arr{"id2"}}))
				if got := push(obj{"tag": obj{"$and": arr{both, obj{"$not": arr{second}}}}}, nil).delivered(); !slices.Equal(got, []string{"id1 ANDROID"}) {
					c.Errorf("a push to %s and not %s reached %q, want id1's phone only", both, second, got)
				}
			},
		},
		{
			Name: "notifications/personalized", Tags: []Tag{MockOnly},
			Doc: "A transactional send fills the definition's @{name} placeholders from params; a user it cannot fill them for gets the default text.",
			Why: "it reads the rendered texts in the fake's capture",
			Run: func(ctx context.Context, c *Check) {
				key := sendKey(c, "createNotificationDefinition", obj{"title": "Order", "message": "Your order shipped",
					"personalizedMessage": "@{name}, order @{order} shipped", "platforms": arr{"IOS", "ANDROID"}})
				c.Equal(c.Do(post, apiPath("sendNotification"), obj{"notificationKey": itoa(key), "message": obj{"params": obj{"order": "A1"}},
					"target": obj{"extId": arr{"id1", "user_123"}}}), obj{})
				n := notificationOf(c, key)
				var texts []string
				for _, d := range n.Deliveries {
					texts = append(texts, d.ExtID+": "+d.Text)
				}
				slices.Sort(texts)
				if !slices.Contains(texts, "id1: John, order A1 shipped") {
					c.Errorf("the deliveries' texts are %q; want id1's filled from its name and the params", texts)
				}
			},
		},
		{
			Name: "notifications/scheduled", Tags: []Tag{MockOnly},
			Doc: "A scheduled bulk send waits for its start on the app's clock, in the app's time zone, which the control API moves; then it delivers, and not before.",
			Why: "it sets the fake's clock (/_mock/clock)",
			Run: func(ctx context.Context, c *Check) {
				c.Cleanup(func() { c.Status(c.Do(put, "/_mock/clock", obj{"now": time.Now().UnixMilli()}), http.StatusOK) })
				// The start time is on the app's wall clock, whatever zone the
				// fake was started in (UTC-12 to UTC+14): 18:00Z the day before
				// is earlier than 09:00 local in every zone, 28 hours later is
				// past it in every zone.
				c.Status(c.Do(put, "/_mock/clock", obj{"now": "2031-02-28T18:00:00Z", "frozen": true}), http.StatusOK)
				key := sendKey(c, "sendBulkNotification", obj{"message": obj{"title": "Morning", "text": "Good morning", "platforms": arr{"ANDROID"}},
					"target": obj{"extId": "id1"}, "schedule": obj{"startTime": "2031-03-01T09:00:00"}})
				if n := notificationOf(c, key); n.Status != "SCHEDULED" || len(n.Deliveries) != 0 {
					c.Errorf("before its start the send is %s with %d deliveries, want SCHEDULED with none", n.Status, len(n.Deliveries))
				}
				c.Status(c.Do(post, "/_mock/clock/advance", obj{"by": "28h"}), http.StatusOK)
				if n := notificationOf(c, key); n.Status != "FINISHED" || !slices.Equal(n.delivered(), []string{"id1 ANDROID"}) {
					c.Errorf("at its start the send is %s reaching %q, want FINISHED reaching id1's phone", n.Status, n.delivered())
				}
			},
		},
		{
			Name: "notifications/results-walk", Tags: []Tag{MockOnly},
			Doc: "getPushResult's nextPage, followed to the end, returns each delivery of a sendToAll once; the counts match getPushStats.",
			Why: "a sendToAll reaches every seeded user",
			Run: func(ctx context.Context, c *Check) {
				key := sendKey(c, "sendBulkNotification", obj{"message": obj{"title": "All", "text": "Everyone", "platforms": arr{"IOS", "ANDROID"}},
					"target": obj{"sendToAll": true}})
				var stats struct {
					Stats []struct{ Sent, Failed int }
				}
				c.Decode(c.Do(get, apiPath("getPushStats", "notificationKey", itoa(key)), nil), &stats)
				want := 0
				for _, s := range stats.Stats {
					want += s.Sent + s.Failed
				}
				seen := map[string]int{}
				done, _ := walkPages(c, apiPath("getPushResult", "notificationKey", itoa(key), "max", "50"), "getPushResult", 200, false,
					func(r *Response) (string, bool) {
						var page pushResultPage
						if !c.Decode(r, &page) {
							return "", false
						}
						for _, e := range page.List {
							seen[e.InstallationID]++
						}
						return page.NextPage, true
					})
				if !done {
					c.Errorf("the walk through getPushResult did not reach a last page")
				}
				dups := 0
				for _, n := range seen {
					dups += n - 1
				}
				if len(seen) != want || dups > 0 || want == 0 {
					c.Errorf("the walk returned %d installations (%d repeated), getPushStats counts %d deliveries; want them equal and none repeated", len(seen), dups, want)
				}
			},
		},
		{
			Name: "notifications/approval", Tags: []Tag{MockOnly},
			Doc: "A bulk send made to wait for approval delivers nothing until sendPushApproval approves its message.",
			Why: "the control API makes the send wait (an app setting in the panel)",
			Run: func(ctx context.Context, c *Check) {
				r := c.Do(post, "/_mock/notifications?awaitApproval=true", obj{"message": obj{"title": "T", "text": "x", "platforms": arr{"ANDROID"}},
					"target": obj{"extId": "id2"}})
				var created struct {
					NotificationKey, MessageID int64
					Status                     string
				}
				if r.Status != http.StatusCreated || decodeJSON(r.Body, &created) != nil || created.Status != "WAITING_APPROVAL" {
					c.Fatalf("%s\n\twant 201 with a WAITING_APPROVAL send", r)
				}
				if n := notificationOf(c, created.NotificationKey); len(n.Deliveries) != 0 {
					c.Errorf("a send waiting for approval delivered %d times", len(n.Deliveries))
				}
				c.Applied(c.Do(post, apiPath("sendPushApproval"), arr{obj{"messageId": created.MessageID}}))
				if n := notificationOf(c, created.NotificationKey); n.Status != "FINISHED" || !slices.Equal(n.delivered(), []string{"id2 ANDROID"}) {
					c.Errorf("after approval the send is %s reaching %q, want FINISHED reaching id2's phone", n.Status, n.delivered())
				}
			},
		},
		{
			Name: "notifications/live-activity", Tags: []Tag{MockOnly},
			Doc: "A LIVE_ACTIVITY send starts a group that update-live-activity updates and ends; an ended group refuses updates with 2021.",
			Why: "a live activity reaches real phones",
			Run: func(ctx context.Context, c *Check) {
				group := c.ID("match")
				sendKey(c, "sendBulkNotification", obj{"type": "LIVE_ACTIVITY", "message": obj{"title": "Match", "text": "Kick-off", "platforms": arr{"IOS"},
					"liveActAttr": obj{"netmeraGroupId": group}, "contentState": obj{"home": 0}}, "target": obj{"extId": "id_in_my_system_1"}})
				c.Applied(c.Do(post, apiPath("update-live-activity"), obj{"groupId": group, "action": "UPDATE", "contentState": obj{"home": 1}, "priority": 10}))
				c.Applied(c.Do(post, apiPath("update-live-activity"), obj{"groupId": group, "action": "END"}))
				c.Refused(c.Do(post, apiPath("update-live-activity"), obj{"groupId": group, "action": "UPDATE"}), http.StatusBadRequest, 2021,
					"Live activity with groupId '"+group+"' is not active")
			},
		},
		{
			Name: "notifications/documented-examples", Tags: []Tag{MockOnly},
			Doc: "Every sendNotification, sendBulkNotification and createNotificationDefinition example of the OpenAPI document, sent as written, is accepted by the seeded app.",
			Why: "the seed holds the definitions, tags and segments the examples name",
			Run: func(ctx context.Context, c *Check) {
				doc, err := Default()
				if err != nil {
					c.Fatalf("%v", err)
				}
				for _, id := range []string{"sendNotification", "sendBulkNotification", "createNotificationDefinition"} {
					op := doc.Paths.Find(apiPath(id)).Post
					mt := op.RequestBody.Value.Content.Get("application/json")
					names := make([]string, 0, len(mt.Examples))
					for name := range mt.Examples {
						names = append(names, name)
					}
					slices.Sort(names)
					for _, name := range names {
						ex := mt.Examples[name].Value.Value
						r := c.Do(post, apiPath(id), ex)
						if !c.Status(r, http.StatusOK) {
							c.Errorf("\t(the document's %s example %q)", id, name)
						}
						if id == "sendBulkNotification" && strings.Contains(fmt.Sprint(ex), "LIVE_ACTIVITY") {
							c.Applied(c.Do(post, apiPath("update-live-activity"), obj{"groupId": "ars-liv-2025", "action": "END"}))
						}
					}
				}
			},
		},
	}
}
