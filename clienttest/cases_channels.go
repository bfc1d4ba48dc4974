package clienttest

import (
	"context"
	"fmt"

	"github.com/netmera-mock/netmera-mock/state"
)

// wantPermission checks the email, SMS or WhatsApp permission of users in
// the fake.
func (e *env) wantPermission(c *call, channel string, ids []string, on bool) {
	e.t.Helper()
	for _, id := range ids {
		u, _ := e.srv.User(id)
		got := u.EmailPermitted
		switch channel {
		case "SMS":
			got = u.SmsPermitted
		case "WhatsApp":
			got = u.WhatsAppPermitted
		}
		if got != on {
			e.errorf(c, "user %q opted %s of %s in the fake; it is not", id, inOut(on), channel)
			return
		}
	}
}

// toggle runs the disable and enable methods of one channel: off for
// both users, then on again for the first.
func toggle(e *env, channel string, ids []string, disable, enable func(context.Context, []string) error, dName, eName string) {
	c := e.do(fmt.Sprintf("%s(ctx, %q)", dName, ids), func(ctx context.Context) error { return disable(ctx, ids) })
	e.must(c)
	e.wantPermission(c, channel, ids, false)
	c = e.do(fmt.Sprintf("%s(ctx, %q)", eName, ids[:1]), func(ctx context.Context) error { return enable(ctx, ids[:1]) })
	e.must(c)
	e.wantPermission(c, channel, ids[:1], true)
	e.wantPermission(c, channel, ids[1:], false)
}

func emailCases() []testCase {
	return []testCase{
		{name: "enable-disable", needs: []string{"EnableMail", "DisableMail"}, run: func(e *env) {
			cl := e.f
			toggle(e, "email", []string{"id1", "id2"}, cl.DisableMail, cl.EnableMail, "DisableMail", "EnableMail")
		}},
		{name: "update", needs: []string{"UpdateEmail"}, run: func(e *env) {
			cl, addr := e.f, "ada@example.org"
			c := e.do(fmt.Sprintf("UpdateEmail(ctx, \"id1\", %q)", addr), func(ctx context.Context) error { return cl.UpdateEmail(ctx, "id1", addr) })
			e.must(c)
			e.wantProfile(c, "id1", state.AttrEmail, addr)
		}},
		{name: "disable-batches-over-1000", needs: []string{"DisableMail"}, live: true, opts: []Option{WithUsers(1600)}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(1500)
			c := e.do(fmt.Sprintf("DisableMail(ctx, %s)", showIDs(ids)), func(ctx context.Context) error { return cl.DisableMail(ctx, ids) })
			if e.wantBatches(c, "disableMail", "extIds", ids) && !e.live() {
				e.wantPermission(c, "email", ids, false)
			}
		}},
	}
}

func smsCases() []testCase {
	return []testCase{
		{name: "enable-disable", needs: []string{"EnableSms", "DisableSms"}, run: func(e *env) {
			cl := e.f
			toggle(e, "SMS", []string{"your_extId", "your-extId"}, cl.DisableSms, cl.EnableSms, "DisableSms", "EnableSms")
		}},
		{name: "update-msisdn", needs: []string{"UpdateMsisdn"}, run: func(e *env) {
			cl, msisdn := e.f, "905559998877"
			c := e.do(fmt.Sprintf("UpdateMsisdn(ctx, \"id1\", %q)", msisdn), func(ctx context.Context) error { return cl.UpdateMsisdn(ctx, "id1", msisdn) })
			e.must(c)
			e.wantProfile(c, "id1", state.AttrMsisdn, msisdn)
		}},
	}
}

// waiting returns the IDs of the fake's messages waiting for approval.
func (e *env) waiting() []int64 {
	var ids []int64
	for _, m := range e.srv.Export().Messages {
		if m.Status == state.MessageWaitingApproval {
			ids = append(ids, m.MessageID)
		}
	}
	if len(ids) < 2 {
		e.t.Fatalf("%s: the fake has %d messages waiting for approval, the case needs 2", e.name, len(ids))
	}
	return ids
}

func approvalCases() []testCase {
	return []testCase{
		{name: "array-body", needs: []string{"SendPushApproval"}, run: func(e *env) {
			cl, ids := e.f, e.waiting()[:2]
			c := e.do(fmt.Sprintf("SendPushApproval(ctx, %v)", ids), func(ctx context.Context) error { return cl.SendPushApproval(ctx, ids) })
			if !e.wantArrays(c, "sendPushApproval") {
				return
			}
			e.must(c)
			for _, id := range ids {
				if m, _ := e.srv.Message(id); m.Status != state.MessageApproved {
					e.errorf(c, "message %d %s in the fake; it is %s", id, state.MessageApproved, m.Status)
				}
			}
		}},
		{name: "unknown-5003", needs: []string{"SendPushApproval"}, run: func(e *env) {
			cl := e.f
			ids := []int64{e.waiting()[0], 987654321}
			c := e.do(fmt.Sprintf("SendPushApproval(ctx, %v) with %d unknown", ids, ids[1]), func(ctx context.Context) error {
				return cl.SendPushApproval(ctx, ids)
			})
			e.wantAPIError(c, 5003)
			if m, _ := e.srv.Message(ids[0]); m.Status != state.MessageWaitingApproval {
				e.errorf(c, "message %d still %s: Netmera refuses the whole request when one ID is unknown, so a client must not send the IDs one by one", ids[0], state.MessageWaitingApproval)
			}
		}},
	}
}
