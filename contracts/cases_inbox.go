package contracts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// unknownPiid is a push instance ID no app has.
const unknownPiid = "9223372036854775000"

// inboxPage is inbox/getAllInbox's answer.
type inboxPage struct {
	Msgs []map[string]any
	Cnts map[string]int
	Prms *struct{ Index int64 }
}

// piids lists the push instance IDs of a page, as texts.
func (p inboxPage) piids() []string {
	var out []string
	for _, m := range p.Msgs {
		out = append(out, fmt.Sprint(m["pushInstanceId"]))
	}
	return out
}

// inboxStatusError is what the inbox answers to a status outside its
// range, as observed on a live installation.
const inboxStatusError = "MsgInboxStatus should be matched with the specified code"

func inboxCases() []Case {
	return []Case{
		{
			Name: "inbox/refusals", Tags: []Tag{LiveSafe},
			Doc: "getAllInbox answers the inbox regression tests' errors (no extId 2020, also without status; no status 2020; status 16 2001); inbox/get and inbox/statusChange refuse missing and mistyped members.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				dates := obj{"startDate": 1730667600000, "endDate": 1731358800000}
				c.refuseAll([]refusal{
					{name: "no extId", method: post, path: apiPath("inbox/getAllInbox"), body: with(dates, obj{"status": 12}), code: 2020, message: "extId is required"},
					{name: "no status", method: post, path: apiPath("inbox/getAllInbox"), body: with(dates, obj{"extId": u}), code: 2020, message: "status is required"},
					{name: "neither", method: post, path: apiPath("inbox/getAllInbox"), body: dates, code: 2020, message: "extId is required"},
					{name: "status 16", method: post, path: apiPath("inbox/getAllInbox"), body: with(dates, obj{"extId": u, "status": 16}), code: 2001, message: inboxStatusError},
					{name: "status a text", method: post, path: apiPath("inbox/getAllInbox"), body: obj{"extId": u, "status": "2"}, code: 2004, message: "Field 'status' should be an integer"},
					{name: "no piid", method: get, path: apiPath("inbox/get"), code: 2020, message: "piid is required"},
					{name: "piid a word", method: get, path: apiPath("inbox/get", "piid", "first"), code: 2004, message: "Field 'piid' should be an integer"},
					{name: "no st", method: post, path: apiPath("inbox/statusChange"), body: obj{"extId": u, "piids": arr{1}}, code: 2020, message: "st is required"},
					{name: "st 3", method: post, path: apiPath("inbox/statusChange"), body: obj{"extId": u, "piids": arr{1}, "st": 3}, code: 2001, message: inboxStatusError},
					{name: "piids of texts", method: post, path: apiPath("inbox/statusChange"), body: obj{"extId": u, "piids": arr{"1"}, "st": 1},
						code: 2004, message: "Field 'piids' should be a list of integers"},
				})
			},
		},
		{
			Name: "inbox/unknown-user", Tags: []Tag{LiveSafe},
			Doc: "The inbox of a user the app does not have is an empty last page (msgs [], cnts, no prms); inbox/get of an unknown message answers 204 with no body; inbox/statusChange of unknown messages answers 200 with no body.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				var page inboxPage
				r := c.Do(post, apiPath("inbox/getAllInbox"), obj{"extId": u, "status": 7})
				if c.Decode(r, &page) && (len(page.Msgs) != 0 || page.Prms != nil || page.Cnts == nil) {
					c.Errorf("%s\n\twant no message, a cnts object and no prms", r)
				}
				if !c.Live() && c.Decode(r, &page) && !slices.Equal(sortedKeys(page.Cnts), []string{"1", "2", "4"}) {
					c.Errorf("%s\n\twant cnts to hold each status bit of the mask 7, counted 0", r)
				}
				if r := c.Do(get, apiPath("inbox/get", "piid", unknownPiid), nil); c.Status(r, http.StatusNoContent) && len(r.Body) > 0 {
					c.Errorf("%s\n\twant 204 with no body", r)
				}
				c.Applied(c.Do(post, apiPath("inbox/statusChange"), obj{"extId": u, "piids": arr{json.Number(unknownPiid)}, "st": 1}))
			},
		},
		{
			Name: "inbox/walk", Tags: []Tag{MockOnly},
			Doc: "Three sends of an inbox definition put three messages in the user's inbox: getAllInbox pages them newest first through prms.index, the last page without prms; inbox/get shows each as the list does; statusChange moves them between the status masks and their counts.",
			Why: "it sends the seeded inbox definition 4 to the seeded user id1",
			Run: func(ctx context.Context, c *Check) {
				for range 3 {
					c.Equal(c.Do(post, apiPath("sendNotification"), obj{"notificationKey": "4", "target": obj{"extId": "id1"}}), obj{})
				}
				var msgs []map[string]any
				var pages [][]string
				body := obj{"extId": "id1", "status": 2, "numberOfNotification": 2}
				for range 5 {
					var page inboxPage
					r := c.Do(post, apiPath("inbox/getAllInbox"), body)
					if !c.Decode(r, &page) {
						return
					}
					if page.Cnts["2"] != 3 {
						c.Errorf("%s\n\twant cnts {\"2\": 3} on every page", r)
					}
					pages = append(pages, page.piids())
					msgs = append(msgs, page.Msgs...)
					if page.Prms == nil {
						break
					}
					body = with(body, obj{"prms": obj{"index": page.Prms.Index}})
				}
				if len(pages) != 2 || len(pages[0]) != 2 || len(pages[1]) != 1 {
					c.Fatalf("getAllInbox pages of two: %q, want two pages of 2 and 1 messages, the last without prms", pages)
				}
				var ids []string
				for _, m := range msgs {
					ids = append(ids, fmt.Sprint(m["pushInstanceId"]))
					if fmt.Sprint(m["msgId"]) != "4" || m["extID"] != "id1" || m["status"] != "UNREAD" || m["title"] != "Weekly summary" {
						c.Errorf("inbox message %v, want definition 4's, UNREAD, for extID id1", m)
					}
					c.Equal(c.Do(get, apiPath("inbox/get", "piid", fmt.Sprint(m["pushInstanceId"])), nil), m)
				}
				if !slices.IsSortedFunc(ids, func(a, b string) int { return -compareNumbers(a, b) }) || len(slices.Compact(slices.Clone(ids))) != 3 {
					c.Errorf("the walk returned %q, want three distinct messages, newest (highest pushInstanceId) first", ids)
				}
				c.Applied(c.Do(post, apiPath("inbox/statusChange"), obj{"extId": "id1", "piids": arr{json.Number(ids[0])}, "st": 1}))
				c.Applied(c.Do(post, apiPath("inbox/statusChange"), obj{"extId": "id1", "piids": arr{json.Number(ids[1])}, "st": 4}))
				c.Applied(c.Do(post, apiPath("inbox/statusChange"), obj{"extId": "id2", "piids": arr{json.Number(ids[2])}, "st": 4})) // not id2's: ignored
				var all inboxPage
				if r := c.Do(post, apiPath("inbox/getAllInbox"), obj{"extId": "id1", "status": 7}); c.Decode(r, &all) {
					want := map[string]int{"1": 1, "2": 1, "4": 1}
					if d := diffValues(want, all.Cnts); d != "" || !slices.Equal(all.piids(), ids) {
						c.Errorf("%s\n\twant the three messages, one read, one unread, one deleted (-want +got cnts):\n%s", r, d)
					}
				}
				var read inboxPage
				if r := c.Do(post, apiPath("inbox/getAllInbox"), obj{"extId": "id1", "status": 1}); c.Decode(r, &read) && !slices.Equal(read.piids(), ids[:1]) {
					c.Errorf("%s\n\twant only the message marked read, %s", r, ids[0])
				}
			},
		},
	}
}

// compareNumbers compares two decimal integers given as texts.
func compareNumbers(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
