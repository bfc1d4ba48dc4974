package clienttest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// sendBulk makes a bulk send in the fake, bypassing HTTP, and returns its
// key.
func (e *env) sendBulk(body string) int64 {
	e.t.Helper()
	var req state.BulkSend
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		e.t.Fatalf("%s: setting up: %v", e.name, err)
	}
	key, err := e.srv.Tenant().SendBulk(req, []byte(body))
	if err != nil {
		e.t.Fatalf("%s: setting up: %v", e.name, err)
	}
	return key
}

// invalidate marks the token of a user's first device as one the push
// services reject: pushes to it fail with INVALID_TOKEN.
func (e *env) invalidate(extID string) {
	e.t.Helper()
	ds := e.srv.Devices(extID)
	if len(ds) == 0 {
		e.t.Fatalf("%s: setting up: %q has no device", e.name, extID)
	}
	d := ds[0]
	d.InvalidToken = true
	if _, err := e.srv.Tenant().PutDevice(d); err != nil {
		e.t.Fatalf("%s: setting up: %v", e.name, err)
	}
}

// fakeResults returns every result the fake holds for f, as the client
// should return them.
func (e *env) fakeResults(f state.PushResultFilter) []PushResult {
	e.t.Helper()
	var out []PushResult
	var after state.PushResultCursor
	for {
		page, next, more, err := e.srv.Tenant().PushResults(f, state.MaxPushResultPage, after)
		if err != nil {
			e.t.Fatalf("%s: reading the fake's results: %v", e.name, err)
		}
		for _, r := range page {
			out = append(out, PushResult{Platform: r.Platform, Status: r.Status, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMsg,
				InstallationID: r.InstallationID, ExtID: r.ExtID, TimeStamp: r.TimeStamp, Title: r.MsgTitle, Text: r.MsgText})
		}
		if !more {
			return out
		}
		after = next
	}
}

// allResults calls AllPushResults.
func (e *env) allResults(q PushResultQuery, about string) ([]PushResult, *call) {
	cl := e.f
	var got []PushResult
	c := e.do(fmt.Sprintf("AllPushResults(ctx, %+v)%s", q, about), func(ctx context.Context) (err error) {
		got, err = cl.AllPushResults(ctx, q)
		return err
	})
	return got, c
}

// wantPagesOnce checks that no two getPushResult requests of c fetched the
// same page.
func (e *env) wantPagesOnce(c *call) bool {
	e.t.Helper()
	seen := map[string]int{}
	for i, r := range c.to("getPushResult") {
		q := r.Query.Encode()
		if j, ok := seen[q]; ok {
			e.errorf(c, "each page fetched once; request %d fetched the page request %d did (?%s)", i+1, j, clip(q, 120))
			return false
		}
		seen[q] = i + 1
	}
	return true
}

// wantQuery checks that c sent getPushResult requests, each with the
// query parameter name set to value.
func (e *env) wantQuery(c *call, name, value string) bool {
	e.t.Helper()
	reqs := c.to("getPushResult")
	if len(reqs) == 0 {
		e.errorf(c, "a GET %sgetPushResult request", apiPath)
		return false
	}
	for i, r := range reqs {
		if v := r.Query.Get(name); v != value {
			e.errorf(c, "every getPushResult request, pages after the first included, to carry %s=%s; request %d carries %q", name, value, i+1, v)
			return false
		}
	}
	return true
}

func comparePushResults(a, b PushResult) int {
	return cmp.Or(cmp.Compare(a.InstallationID, b.InstallationID), cmp.Compare(a.TimeStamp, b.TimeStamp),
		cmp.Compare(a.Title, b.Title), cmp.Compare(a.Text, b.Text), cmp.Compare(a.Status, b.Status))
}

func pushResultCases() []testCase {
	return []testCase{
		{name: "stats", needs: []string{"GetPushStats"}, run: func(e *env) {
			e.invalidate("id2")
			key := e.sendBulk(`{"message":{"title":"Stats","text":"Counted","platforms":["IOS","ANDROID"]},
				"target":{"extId":["id1","id2","id_in_my_system_1"]}}`)
			if _, err := e.srv.Tenant().ClickDelivery(key, state.DeliveryMatch{ExtID: "id1"}); err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			fs, err := e.srv.Tenant().PushStats(key)
			if err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			want := PushStats{NotificationKey: fs.NotificationKey, Status: fs.Status, StartDate: fs.StartDate, EndDate: fs.EndDate}
			for _, l := range fs.Stats {
				want.Stats = append(want.Stats, PlatformStats(l))
			}
			cl := e.f
			var got PushStats
			c := e.do(fmt.Sprintf("GetPushStats(ctx, %d) of a send that reached 3 devices: 1 failed, 1 clicked", key), func(ctx context.Context) (err error) {
				got, err = cl.GetPushStats(ctx, key)
				return err
			})
			e.must(c)
			var sum int64
			for _, l := range got.Stats {
				sum += l.Sent + l.Failed
			}
			if diff := gocmp.Diff(got, want); diff != "" {
				e.errorf(c, "the stats the fake answered, sent and failed adding up to the 3 deliveries (got %d) (-got +want):\n%s", sum, diff)
			}
		}},
		{name: "stats-unknown-5003", needs: []string{"GetPushStats"}, live: true, run: func(e *env) {
			cl := e.f
			c := e.do(fmt.Sprintf("GetPushStats(ctx, %d) of a key the app never sent", int64(unknownKey)), func(ctx context.Context) error {
				_, err := cl.GetPushStats(ctx, unknownKey)
				return err
			})
			e.wantAPIError(c, 5003)
		}},
		{name: "by-key-follow-nextPage", needs: []string{"AllPushResults"}, opts: []Option{WithUsers(1200)}, run: func(e *env) {
			e.invalidate("id2")
			key := e.sendBulk(`{"message":{"title":"Everyone","text":"A push to all","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true}}`)
			want := e.fakeResults(state.PushResultFilter{Key: key})
			if len(want) <= state.MaxPushResultPage {
				e.t.Fatalf("%s: the send made %d results; the case needs more than a page of %d", e.name, len(want), state.MaxPushResultPage)
			}
			got, c := e.allResults(PushResultQuery{NotificationKey: key}, fmt.Sprintf(" of a send with %d results", len(want)))
			if !e.wantQuery(c, "notificationKey", fmt.Sprint(key)) {
				return
			}
			e.must(c)
			if !e.wantPagesOnce(c) {
				return
			}
			byIID := map[string]PushResult{}
			for _, r := range want {
				byIID[r.InstallationID] = r
			}
			seen := map[string]int{}
			var extra []PushResult
			for _, r := range got {
				if _, ok := byIID[r.InstallationID]; !ok {
					extra = append(extra, r)
				}
				seen[r.InstallationID]++
			}
			var missing, twice []string
			for _, r := range want {
				switch seen[r.InstallationID] {
				case 0:
					missing = append(missing, r.InstallationID)
				case 1:
				default:
					twice = append(twice, r.InstallationID)
				}
			}
			pages, minPages := len(c.to("getPushResult")), (len(want)+state.MaxPushResultPage-1)/state.MaxPushResultPage
			switch {
			case len(missing) > 0 && pages < minPages:
				e.errorf(c, "every one of the fake's %d results of key %d, following nextPage until there is none "+
					"(%d page(s) were fetched, at least %d were needed); %d are missing, such as installation %q",
					len(want), key, pages, minPages, len(missing), missing[0])
			case len(missing) > 0:
				e.errorf(c, "every one of the fake's %d results of key %d; %d are missing, such as installation %q, though the client fetched %d pages",
					len(want), key, len(missing), missing[0], pages)
			case len(twice) > 0:
				e.errorf(c, "each result exactly once; %d came more than once, such as installation %q", len(twice), twice[0])
			case len(extra) > 0:
				e.errorf(c, "only the results of key %d; %d others came, such as %+v", key, len(extra), extra[0])
			default:
				for _, r := range got {
					if w := byIID[r.InstallationID]; r != w {
						e.errorf(c, "each entry as the fake answered it; installation %q (-got +want):\n%s", r.InstallationID, gocmp.Diff(r, w))
						return
					}
				}
			}
		}},
		{name: "by-user", needs: []string{"AllPushResults"}, run: func(e *env) {
			key := e.define(orderDefinition)
			var sends []state.TransactionalSend
			for i := range 25 {
				s := state.TransactionalSend{NotificationKey: fmt.Sprint(key), Target: &state.Target{ExtID: state.StringList{"id1"}},
					Message: state.TransactionalMessage{Params: map[string]any{"order": fmt.Sprintf("U-%02d", i+1)}}}
				sends = append(sends, s)
			}
			sends = append(sends, state.TransactionalSend{NotificationKey: fmt.Sprint(key), Target: &state.Target{ExtID: state.StringList{"id2"}}})
			if err := e.srv.Tenant().SendTransactional(sends, nil); err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			e.sendBulk(`{"message":{"title":"Both","text":"To id1 and id2","platforms":["IOS","ANDROID"]},"target":{"extId":["id1","id2"]}}`)
			want := e.fakeResults(state.PushResultFilter{ExtID: "id1"})
			got, c := e.allResults(PushResultQuery{ExtID: "id1"}, fmt.Sprintf(" with %d results for id1 among 28", len(want)))
			if !e.wantQuery(c, "extId", "id1") {
				return
			}
			e.must(c)
			if !e.wantPagesOnce(c) {
				return
			}
			for _, r := range got {
				if r.ExtID != "id1" {
					e.errorf(c, "only the results of \"id1\" (the query's extId); one is for %q: %+v", r.ExtID, r)
					return
				}
			}
			slices.SortFunc(got, comparePushResults)
			slices.SortFunc(want, comparePushResults)
			if diff := gocmp.Diff(got, want); diff != "" {
				e.errorf(c, "the fake's %d results for \"id1\", each once, following nextPage (-got +want):\n%s", len(want), diff)
			}
		}},
		{name: "no-results", needs: []string{"AllPushResults"}, live: true, run: func(e *env) {
			id := e.prefix + "user-1"
			got, c := e.allResults(PushResultQuery{ExtID: id}, " of a user nothing was sent to")
			if !e.wantQuery(c, "extId", id) {
				return
			}
			e.must(c)
			if len(got) != 0 {
				e.errorf(c, "no result for a user nothing was sent to; got %d, the first %+v", len(got), got[0])
			}
		}},
	}
}
