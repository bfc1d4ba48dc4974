package clienttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/netmera-mock/netmera-mock/fixtures"
)

// sample is one harmless call of a client interface: it names only
// external IDs that start with the run's prefix, which no real user has,
// so against a live app every write is a documented no-op.
type sample struct {
	asked string
	write bool
	// body is set for a write Netmera acknowledges with a JSON body ({}
	// or a new key), not with its usual empty 200.
	body bool
	fn   func(ctx context.Context) error
}

// samples returns a call of each method c has, reads first. Approval is
// left out live: it would approve real messages; so are creating a
// definition and a bulk send, which leave a record in the app. The
// transactional send names a key no app has, so it is refused.
func (e *env) samples(c Funcs) []sample {
	id := e.prefix + "user-1"
	ids := []string{id, e.prefix + "user-2"}
	tag := e.prefix + "tag"
	var reads, writes []sample
	read := func(asked string, fn func(ctx context.Context) error) {
		reads = append(reads, sample{asked: asked, fn: fn})
	}
	write := func(asked string, fn func(ctx context.Context) error) {
		writes = append(writes, sample{asked: asked, write: true, fn: fn})
	}
	writeBody := func(asked string, fn func(ctx context.Context) error) {
		writes = append(writes, sample{asked: asked, write: true, body: true, fn: fn})
	}
	if c.TagUsers != nil {
		write(fmt.Sprintf("TagUsers(ctx, %q, %q)", tag, ids), func(ctx context.Context) error { return c.TagUsers(ctx, tag, ids) })
	}
	if c.UntagUsers != nil {
		write(fmt.Sprintf("UntagUsers(ctx, %q, %q)", tag, ids), func(ctx context.Context) error { return c.UntagUsers(ctx, tag, ids) })
	}
	set := []ProfileUpdate{{ExtID: id, Profile: map[string]any{"name": "Clienttest"}}}
	arr := []ProfileUpdate{{ExtID: id, Profile: map[string]any{"lastVisitedProducts": []any{"clienttest"}}}}
	unset := []ProfileUnset{{ExtID: id, Keys: []string{"name"}}}
	if c.GetProfileAttributes != nil {
		read(fmt.Sprintf("GetProfileAttributes(ctx, %q)", id), func(ctx context.Context) error {
			_, err := c.GetProfileAttributes(ctx, id)
			return err
		})
	}
	if c.SetProfileAttributes != nil {
		write(fmt.Sprintf("SetProfileAttributes(ctx, %+v)", set), func(ctx context.Context) error { return c.SetProfileAttributes(ctx, set) })
	}
	if c.UnsetProfileAttributes != nil {
		write(fmt.Sprintf("UnsetProfileAttributes(ctx, %+v)", unset), func(ctx context.Context) error { return c.UnsetProfileAttributes(ctx, unset) })
	}
	if c.PushProfileAttributes != nil {
		write(fmt.Sprintf("PushProfileAttributes(ctx, %+v)", arr), func(ctx context.Context) error { return c.PushProfileAttributes(ctx, arr) })
	}
	if c.PullProfileAttributes != nil {
		write(fmt.Sprintf("PullProfileAttributes(ctx, %+v)", arr), func(ctx context.Context) error { return c.PullProfileAttributes(ctx, arr) })
	}
	prefs := []CategoryPreference{{ExtID: id, Category: e.prefix + "category", Enable: true}}
	if c.GetCategoryPreferences != nil {
		read(fmt.Sprintf("GetCategoryPreferences(ctx, %q)", id), func(ctx context.Context) error {
			_, err := c.GetCategoryPreferences(ctx, id)
			return err
		})
	}
	if c.SetCategoryPreferences != nil {
		write(fmt.Sprintf("SetCategoryPreferences(ctx, %+v)", prefs), func(ctx context.Context) error { return c.SetCategoryPreferences(ctx, prefs) })
	}
	if c.GetDevices != nil {
		read(fmt.Sprintf("GetDevices(ctx, %q, false)", id), func(ctx context.Context) error {
			_, err := c.GetDevices(ctx, id, false)
			return err
		})
	}
	if c.EnablePush != nil {
		write(fmt.Sprintf("EnablePush(ctx, %q)", id), func(ctx context.Context) error { return c.EnablePush(ctx, id) })
	}
	if c.DisablePush != nil {
		write(fmt.Sprintf("DisablePush(ctx, %q)", id), func(ctx context.Context) error { return c.DisablePush(ctx, id) })
	}
	if c.GetSegments != nil {
		read(`GetSegments(ctx, "IOS")`, func(ctx context.Context) error {
			_, err := c.GetSegments(ctx, "IOS")
			return err
		})
	}
	email, msisdn := "clienttest@example.com", "905550000000"
	list := func(name string, fn func(context.Context, []string) error) {
		if fn != nil {
			write(fmt.Sprintf("%s(ctx, %q)", name, ids), func(ctx context.Context) error { return fn(ctx, ids) })
		}
	}
	one := func(name, value string, fn func(context.Context, string, string) error) {
		if fn != nil {
			write(fmt.Sprintf("%s(ctx, %q, %q)", name, id, value), func(ctx context.Context) error { return fn(ctx, id, value) })
		}
	}
	list("EnableMail", c.EnableMail)
	list("DisableMail", c.DisableMail)
	one("UpdateEmail", email, c.UpdateEmail)
	list("EnableSms", c.EnableSms)
	list("DisableSms", c.DisableSms)
	one("UpdateMsisdn", msisdn, c.UpdateMsisdn)
	remove := func(name string, fn func(context.Context, string) error) {
		if fn != nil {
			write(fmt.Sprintf("%s(ctx, %q)", name, id), func(ctx context.Context) error { return fn(ctx, id) })
		}
	}
	remove("RemoveEmail", c.RemoveEmail)
	remove("RemoveMsisdn", c.RemoveMsisdn)
	list("EnableWhatsApp", c.EnableWhatsApp)
	list("DisableWhatsApp", c.DisableWhatsApp)
	if c.UpdateWhatsApp != nil {
		numbers := []string{"+0001"} // no country has the code 0
		write(fmt.Sprintf("UpdateWhatsApp(ctx, %q, %q)", id, numbers), func(ctx context.Context) error { return c.UpdateWhatsApp(ctx, id, numbers) })
	}
	remove("RemoveWhatsApp", c.RemoveWhatsApp)
	// An upload of an address no user has makes one, which nothing in the
	// API deletes: never live.
	if c.AddEmail != nil && !e.live() {
		emails := []string{email}
		write(fmt.Sprintf("AddEmail(ctx, %q)", emails), func(ctx context.Context) error { return c.AddEmail(ctx, emails) })
	}
	if c.AddMsisdn != nil && !e.live() {
		msisdns := []string{msisdn}
		write(fmt.Sprintf("AddMsisdn(ctx, %q)", msisdns), func(ctx context.Context) error { return c.AddMsisdn(ctx, msisdns) })
	}
	if c.GetAllInbox != nil {
		read(fmt.Sprintf("GetAllInbox(ctx, %q, 7)", id), func(ctx context.Context) error {
			_, err := c.GetAllInbox(ctx, id, 7)
			return err
		})
	}
	if c.GetInboxMessage != nil {
		read(fmt.Sprintf("GetInboxMessage(ctx, %d)", int64(unknownPiid)), func(ctx context.Context) error {
			_, _, err := c.GetInboxMessage(ctx, unknownPiid)
			return err
		})
	}
	if c.ChangeInboxStatus != nil {
		piids := []int64{unknownPiid}
		write(fmt.Sprintf("ChangeInboxStatus(ctx, %q, %v, 1)", id, piids), func(ctx context.Context) error {
			return c.ChangeInboxStatus(ctx, id, piids, 1)
		})
	}
	if c.SendPushApproval != nil && !e.live() {
		msgs := []int64{fixtures.ExampleMessageID}
		write(fmt.Sprintf("SendPushApproval(ctx, %v)", msgs), func(ctx context.Context) error { return c.SendPushApproval(ctx, msgs) })
	}
	e.notificationSamples(c, ids, read, writeBody)
	// Registering users and firing events would create data in a live app,
	// and deleteUsers of unknown users is not documented: fake only.
	if c.RegisterUsers != nil && !e.live() {
		regs := []Registration{{ExtID: id, DeviceToken: e.prefix + "token", Platform: "ANDROID"}}
		write(fmt.Sprintf("RegisterUsers(ctx, %+v)", regs), func(ctx context.Context) error { return c.RegisterUsers(ctx, regs) })
	}
	if c.DeleteUsers != nil && !e.live() {
		list("DeleteUsers", c.DeleteUsers)
	}
	if c.FireEvents != nil && !e.live() {
		events := []Event{{ExtID: "id1", Name: "LoginEvent"}}
		write(fmt.Sprintf("FireEvents(ctx, %+v)", events), func(ctx context.Context) error { return c.FireEvents(ctx, events) })
	}
	return append(reads, writes...)
}

// notificationSamples adds the calls of NotificationClient and
// PushResultClient to samples.
func (e *env) notificationSamples(c Funcs, ids []string, read, write func(string, func(context.Context) error)) {
	if c.GetPushStats != nil {
		read(fmt.Sprintf("GetPushStats(ctx, %d)", int64(unknownKey)), func(ctx context.Context) error {
			_, err := c.GetPushStats(ctx, unknownKey)
			return err
		})
	}
	if c.AllPushResults != nil {
		q := PushResultQuery{ExtID: ids[0]}
		read(fmt.Sprintf("AllPushResults(ctx, %+v)", q), func(ctx context.Context) error {
			_, err := c.AllPushResults(ctx, q)
			return err
		})
	}
	if c.SendNotification != nil {
		send := TransactionalSend{NotificationKey: unknownKey, ExtIDs: ids}
		write(fmt.Sprintf("SendNotification(ctx, %s)", showSend(send)), func(ctx context.Context) error { return c.SendNotification(ctx, send) })
	}
	if e.live() {
		return
	}
	if c.CreateNotificationDefinition != nil {
		def := NotificationDefinition{Title: "clienttest", Message: "A definition", Platforms: []string{"IOS", "ANDROID"}}
		write(fmt.Sprintf("CreateNotificationDefinition(ctx, %+v)", def), func(ctx context.Context) error {
			_, err := c.CreateNotificationDefinition(ctx, def)
			return err
		})
	}
	if c.SendBulkNotification != nil {
		n := BulkNotification{Title: "clienttest", Text: "A push", Platforms: []string{"IOS", "ANDROID"}, ExtIDs: ids}
		write(fmt.Sprintf("SendBulkNotification(ctx, %+v)", n), func(ctx context.Context) error {
			_, err := c.SendBulkNotification(ctx, n)
			return err
		})
	}
}

// eachSample runs the samples and checks each with check, which returns
// what was wanted when the call falls short. The first failure is
// reported in full, the others by name.
func (e *env) eachSample(samples []sample, check func(c *call) string) {
	e.t.Helper()
	var first *call
	var want string
	var others []string
	for _, s := range samples {
		c := e.do(s.asked, s.fn)
		if w := check(c); w != "" {
			if first == nil {
				first, want = c, w
			} else {
				method, _, _ := strings.Cut(s.asked, "(")
				others = append(others, method)
			}
		}
	}
	if first == nil {
		return
	}
	if len(others) > 0 {
		want += fmt.Sprintf("\n          (and so do %s)", strings.Join(others, ", "))
	}
	e.errorf(first, "%s", want)
}

// writes returns the samples that write (only those Netmera acknowledges
// with an empty 200, when empty is set), and skips the case when the
// client has no such method the suite may call.
func (e *env) writes(empty bool) []sample {
	e.t.Helper()
	var out []sample
	for _, x := range e.samples(e.f) {
		if x.write && !(empty && x.body) {
			out = append(out, x)
		}
	}
	if len(out) == 0 && empty {
		e.t.Skipf("the case needs a method that writes and is acknowledged with an empty 200, and the client has none the suite may call here")
	}
	if len(out) == 0 {
		e.t.Skipf("the case needs a method that writes, and the client has none the suite may call here")
	}
	return out
}

func authCases() []testCase {
	return []testCase{
		{name: "key-header", live: true, run: func(e *env) {
			e.eachSample(e.samples(e.f), func(c *call) string {
				for i, r := range c.reqs {
					if v := r.Header.Values("X-Netmera-Api-Key"); len(v) != 1 || v[0] != e.key {
						return fmt.Sprintf("request %d (and every request) to carry the API key, once, in the X-netmera-api-key header", i+1)
					}
					if strings.Contains(r.Query.Encode(), url.QueryEscape(e.key)) {
						return fmt.Sprintf("request %d not to put the API key in the URL, where logs and proxies keep it", i+1)
					}
				}
				return ""
			})
		}},
		{name: "bad-key-2010", live: true, run: badKey},
		{name: "bad-key-401", opts: []Option{WithAuthStatus(http.StatusUnauthorized)}, run: badKey},
	}
}

// badKey checks that a client made with a wrong key surfaces Netmera's
// 2010, whatever the HTTP status, on a read and on a write.
func badKey(e *env) {
	wrong := e.newClient("clienttest-invalid-key")
	var picked []sample // the first call, and the first write if it was a read
	for _, s := range e.samples(wrong) {
		if len(picked) == 0 || len(picked) == 1 && s.write && !picked[0].write {
			picked = append(picked, s)
		}
	}
	for _, s := range picked {
		c := e.do(s.asked+` on a client made with the key "clienttest-invalid-key"`, s.fn)
		e.wantAPIError(c, 2010)
	}
}

func transportCases() []testCase {
	return []testCase{
		{name: "content-type-json", live: true, run: func(e *env) {
			e.eachSample(e.writes(false), func(c *call) string {
				for i, r := range c.reqs {
					if len(r.Body) > 0 && !isJSONType(r.Header.Get("Content-Type")) {
						return fmt.Sprintf("request %d, which has a JSON body, to say Content-Type: application/json", i+1)
					}
				}
				return ""
			})
		}},
		{name: "empty-200-body", live: true, run: func(e *env) {
			e.eachSample(e.writes(true), func(c *call) string {
				if len(c.reqs) == 0 {
					return "a request"
				}
				if c.err == nil {
					return ""
				}
				for i, r := range c.reqs {
					if r.Status/100 != 2 {
						return fmt.Sprintf("no error, each write acknowledged with 200 and an empty body; but %s answered request %d %s, not 200, "+
							"so the request itself was refused and this case could not see how the client takes an empty 200 (the answer above says why)",
							e.where(), i+1, statusText(r.Status))
					}
				}
				if r := c.reqs[len(c.reqs)-1]; len(bytes.TrimSpace(r.Response)) == 0 {
					return fmt.Sprintf("no error: %s acknowledged the write with %d and an empty body, as Netmera does, and an empty body is not JSON to parse", e.where(), r.Status)
				}
				return fmt.Sprintf("no error: %s acknowledged the write with %d", e.where(), c.reqs[len(c.reqs)-1].Status)
			})
		}},
		{name: "uses-given-http-client", run: func(e *env) {
			before, fakeBefore := e.counter.count(), e.rec.count()
			all := &call{}
			var asked []string
			for _, s := range e.samples(e.f) {
				c := e.do(s.asked, s.fn)
				asked = append(asked, s.asked)
				all.reqs = append(all.reqs, c.reqs...)
				if all.err == nil {
					all.err = c.err
				}
			}
			all.asked = strings.Join(asked, "; ")
			if through, arrived := e.counter.count()-before, e.rec.count()-fakeBefore; through != arrived {
				e.errorf(all, "every request to go through the *http.Client given to the factory; %d of the %d requests the fake received did", through, arrived)
			}
		}},
		{name: "honours-context", live: true, run: func(e *env) {
			all := e.samples(e.f)
			if len(all) == 0 {
				e.t.Skipf("the client has no method the suite may call here")
			}
			s := all[0]
			ctx, cancel := context.WithCancel(e.ctx)
			cancel()
			c := e.do(s.asked+" with a cancelled context", func(context.Context) error { return s.fn(ctx) })
			if !errors.Is(c.err, context.Canceled) {
				e.errorf(c, "an error that errors.Is context.Canceled, and no request: the client must pass its context to the request")
			}
		}},
	}
}
