package clienttest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/netmera-mock/netmera-mock/state"
)

// The inbox the cases read: id1 has inboxMessages messages, more than two
// pages of Netmera's default 20, every fifth READ, every seventh of the
// others DELETED, the rest UNREAD; id2 has two, which a client must not
// mix in.
const (
	inboxMessages  = 55
	firstInboxPiid = 1001
	inboxKey       = 4 // the seed's inbox definition
)

func withInbox() []Option {
	var msgs []state.InboxMessage
	for i := range int64(inboxMessages) {
		status := "UNREAD"
		switch {
		case i%5 == 0:
			status = "READ"
		case i%7 == 0:
			status = "DELETED"
		}
		msgs = append(msgs, state.InboxMessage{PushInstanceID: firstInboxPiid + i, MsgID: inboxKey, ExtID: "id1",
			Title: fmt.Sprintf("Inbox message %d", i+1), Message: "Your weekly summary is ready.", Status: status, Sts: 1_700_000_000_000 + i*60_000})
	}
	for i := range int64(2) {
		msgs = append(msgs, state.InboxMessage{PushInstanceID: firstInboxPiid + inboxMessages + i, MsgID: inboxKey, ExtID: "id2",
			Title: "Someone else's", Message: "Not id1's.", Status: "UNREAD", Sts: 1_700_000_000_000 + i})
	}
	return []Option{WithDataset(&state.Dataset{Inbox: msgs})}
}

// unknownPiid is a push instance ID no app has.
const unknownPiid = 9_223_372_036_854_775_000

// fakeInbox is what the fake holds of a user's inbox for a status mask,
// newest first.
func (e *env) fakeInbox(extID string, status int) []InboxMessage {
	page, err := e.srv.Tenant().Inbox(state.InboxQuery{ExtID: extID, Status: status, Limit: 1000})
	if err != nil {
		e.t.Fatalf("%s: the fake's inbox of %s: %v", e.name, extID, err)
	}
	out := make([]InboxMessage, len(page.Messages))
	for i, m := range page.Messages {
		out[i] = InboxMessage{PushInstanceID: m.PushInstanceID, MsgID: m.MsgID, ExtID: m.ExtID, Title: m.Title,
			Message: m.Message, Status: m.Status, Sts: m.Sts}
	}
	return out
}

// wantInbox checks what GetAllInbox returned against the fake's inbox.
func (e *env) wantInbox(c *call, got, want []InboxMessage) {
	e.t.Helper()
	pages := len(c.to("inbox/getAllInbox"))
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			e.errorf(c, "message %d of %d, newest first, to be %+v; got %+v", i+1, len(want), want[i], got[i])
			return
		}
	}
	if len(got) != len(want) {
		e.errorf(c, "all %d messages of the mask, each once, newest first, sending each page's prms.index back until a page comes without it "+
			"(%d page(s) were fetched, %d were needed); got %d", len(want), pages, (len(want)+19)/20, len(got))
	}
}

// wantIntegers checks that every request of c to endpoint carried the
// members names as JSON numbers.
func (e *env) wantIntegers(c *call, endpoint string, names ...string) bool {
	e.t.Helper()
	for i, r := range c.to(endpoint) {
		body, _ := decode(r.Body).(map[string]any)
		for _, name := range names {
			v, ok := body[name]
			if list, isList := v.([]any); isList && len(list) > 0 {
				v = list[0]
			}
			if _, isNumber := v.(json.Number); ok && !isNumber {
				e.errorf(c, "%q of every %s request to be a JSON integer, as Netmera wants it; request %d sends %s", name, endpoint, i+1, showJSON(body[name]))
				return false
			}
		}
	}
	return true
}

func inboxCases() []testCase {
	return []testCase{
		{name: "get-all-follow-prms", needs: []string{"GetAllInbox"}, opts: withInbox(), run: func(e *env) {
			cl := e.f
			var got []InboxMessage
			c := e.do(fmt.Sprintf(`GetAllInbox(ctx, "id1", 3) of an inbox of %d messages`, inboxMessages), func(ctx context.Context) (err error) {
				got, err = cl.GetAllInbox(ctx, "id1", 3)
				return err
			})
			if !e.wantIntegers(c, "inbox/getAllInbox", "status") {
				return
			}
			e.must(c)
			c.got = fmt.Sprintf("%d messages", len(got))
			e.wantInbox(c, got, e.fakeInbox("id1", 3))
		}},
		{name: "get-all-status-mask", needs: []string{"GetAllInbox"}, opts: withInbox(), run: func(e *env) {
			cl := e.f
			for _, status := range []int{1, 4, 7} {
				var got []InboxMessage
				c := e.do(fmt.Sprintf(`GetAllInbox(ctx, "id1", %d)`, status), func(ctx context.Context) (err error) {
					got, err = cl.GetAllInbox(ctx, "id1", status)
					return err
				})
				if !e.wantIntegers(c, "inbox/getAllInbox", "status") {
					return
				}
				e.must(c)
				e.wantInbox(c, got, e.fakeInbox("id1", status))
			}
		}},
		{name: "unknown-user", needs: []string{"GetAllInbox"}, live: true, run: func(e *env) {
			cl, id := e.f, e.prefix+"user-1"
			var got []InboxMessage
			c := e.do(fmt.Sprintf("GetAllInbox(ctx, %q, 7) of a user the app does not have", id), func(ctx context.Context) (err error) {
				got, err = cl.GetAllInbox(ctx, id, 7)
				return err
			})
			e.must(c)
			if len(got) != 0 {
				e.errorf(c, "no message; got %d", len(got))
			}
		}},
		{name: "status-16-2001", needs: []string{"GetAllInbox"}, live: true, run: func(e *env) {
			cl, id := e.f, e.prefix+"user-1"
			c := e.do(fmt.Sprintf("GetAllInbox(ctx, %q, 16), a status outside 1..15", id), func(ctx context.Context) error {
				_, err := cl.GetAllInbox(ctx, id, 16)
				return err
			})
			e.wantAPIError(c, 2001)
		}},
		{name: "get", needs: []string{"GetInboxMessage"}, opts: withInbox(), run: func(e *env) {
			cl := e.f
			want := e.fakeInbox("id1", 7)[3]
			var got InboxMessage
			var found bool
			c := e.do(fmt.Sprintf("GetInboxMessage(ctx, %d)", want.PushInstanceID), func(ctx context.Context) (err error) {
				got, found, err = cl.GetInboxMessage(ctx, want.PushInstanceID)
				return err
			})
			e.must(c)
			if !found || got != want {
				e.errorf(c, "found true and %+v (extID is spelt with a capital D); got found %v and %+v", want, found, got)
			}
		}},
		{name: "get-unknown-204", needs: []string{"GetInboxMessage"}, live: true, run: func(e *env) {
			cl := e.f
			var found bool
			c := e.do(fmt.Sprintf("GetInboxMessage(ctx, %d) of a message no app has", int64(unknownPiid)), func(ctx context.Context) (err error) {
				_, found, err = cl.GetInboxMessage(ctx, unknownPiid)
				return err
			})
			switch {
			case c.err != nil && len(c.reqs) > 0 && c.reqs[len(c.reqs)-1].Status == 204:
				e.errorf(c, "found false and no error: %s answered 204 with no body, Netmera's answer for an unknown message, and an empty body is not JSON to parse", e.where())
			case c.err != nil:
				e.errorf(c, "found false and no error")
			case found:
				e.errorf(c, "found false: no app has the message")
			}
		}},
		{name: "status-change", needs: []string{"ChangeInboxStatus"}, opts: withInbox(), run: func(e *env) {
			cl := e.f
			ids := []int64{firstInboxPiid + 1, firstInboxPiid + 2, firstInboxPiid + inboxMessages} // two of id1's, one of id2's
			c := e.do(fmt.Sprintf(`ChangeInboxStatus(ctx, "id1", %v, 1)`, ids), func(ctx context.Context) error {
				return cl.ChangeInboxStatus(ctx, "id1", ids, 1)
			})
			if !e.wantIntegers(c, "inbox/statusChange", "piids", "st") {
				return
			}
			e.must(c)
			var wrong []string
			for i, id := range ids {
				m, _ := e.srv.Tenant().InboxMessageByID(id)
				want := "READ"
				if i == 2 {
					want = "UNREAD" // id2's: not id1's to change
				}
				if m.Status != want {
					wrong = append(wrong, fmt.Sprintf("%d is %s, want %s", id, m.Status, want))
				}
			}
			if len(wrong) > 0 {
				e.errorf(c, "id1's messages among the IDs READ in the fake, the others unchanged: %s", strings.Join(wrong, "; "))
			}
		}},
	}
}
