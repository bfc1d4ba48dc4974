package clienttest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// unknownKey is a notification key no app is expected to have.
const unknownKey = 987654321987

// orderDefinition is the transactional push the send cases send: its
// title and text take the user's name and the call's "order" param.
var orderDefinition = state.NotificationDefinition{Title: "Order update", Message: "Your order has shipped.",
	PersonalizedTitle: "Order @{order}", PersonalizedMessage: "@{name}, order @{order} has shipped.",
	Platforms: []string{state.PlatformIOS, state.PlatformAndroid}}

// define stores a definition in the fake and returns its key.
func (e *env) define(d state.NotificationDefinition) int64 {
	e.t.Helper()
	key, err := e.srv.Tenant().CreateNotificationDefinition(d, nil)
	if err != nil {
		e.t.Fatalf("%s: setting up: %v", e.name, err)
	}
	return key
}

// sendElems returns the sends of a sendNotification body: the object, or
// each object of an array.
func sendElems(body []byte) []map[string]any {
	switch v := decode(body).(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, el := range v {
			if m, ok := el.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// targetIDs returns the identifiers a send's target names under kind
// ("extId", "deviceToken"), as one text or a list.
func targetIDs(el map[string]any, kind string) []string {
	target, _ := el["target"].(map[string]any)
	switch v := target[kind].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, s := range v {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// wantKeyAsText checks that c sent sendNotification requests and that
// every send in them carries notificationKey as the JSON text of key.
func (e *env) wantKeyAsText(c *call, key int64) bool {
	e.t.Helper()
	reqs := c.to("sendNotification")
	if len(reqs) == 0 {
		e.errorf(c, "a POST %ssendNotification request", apiPath)
		return false
	}
	want := strconv.FormatInt(key, 10)
	for i, r := range reqs {
		elems := sendElems(r.Body)
		if len(elems) == 0 {
			e.errorf(c, "each sendNotification body to be a JSON object, or an array of objects; request %d is neither", i+1)
			return false
		}
		for _, el := range elems {
			switch v := el["notificationKey"].(type) {
			case string:
				if v != want {
					e.errorf(c, "every send to carry the key it was given, \"notificationKey\": %q; request %d carries %q", want, i+1, v)
					return false
				}
			case json.Number:
				e.errorf(c, "every send to carry \"notificationKey\" as a JSON text, %q: Netmera answers createNotificationDefinition's key as an integer "+
					"but refuses it as one in sendNotification (2004 \"Field 'notificationKey' should be a text\"); request %d carries the JSON number %s", want, i+1, v)
				return false
			default:
				e.errorf(c, "every send to carry \"notificationKey\": %q; request %d carries %s", want, i+1, showJSON(el["notificationKey"]))
				return false
			}
		}
	}
	return true
}

// wantParams checks that every send of c carries each of params in
// message.params.
func (e *env) wantParams(c *call, params map[string]any) bool {
	e.t.Helper()
	for i, r := range c.to("sendNotification") {
		for _, el := range sendElems(r.Body) {
			msg, _ := el["message"].(map[string]any)
			got, _ := msg["params"].(map[string]any)
			for k, v := range params {
				if !sameValue(got[k], v) {
					e.errorf(c, "every send to carry the params in \"message\": {\"params\": %s}; request %d carries \"message\": %s",
						showJSON(params), i+1, showJSON(el["message"]))
					return false
				}
			}
		}
	}
	return true
}

// wantPushes checks what users received in the fake.
func (e *env) wantPushes(c *call, want map[string][]Push, why string) {
	e.t.Helper()
	for _, id := range sortedKeys(want) {
		if got := e.srv.PushesTo(id); !slices.Equal(got, want[id]) {
			e.errorf(c, "%q to have received %v in the fake (%s); it received %v", id, want[id], why, got)
			return
		}
	}
}

// showSend describes a transactional send briefly, leaving out what is
// empty.
func showSend(s TransactionalSend) string {
	out := fmt.Sprintf("{NotificationKey: %d", s.NotificationKey)
	if len(s.ExtIDs) > 0 {
		out += ", ExtIDs: " + showIDs(s.ExtIDs)
	}
	if len(s.DeviceTokens) > 0 {
		out += ", DeviceTokens: " + showIDs(s.DeviceTokens)
	}
	if len(s.Params) > 0 {
		out += ", Params: " + showJSON(s.Params)
	}
	return out + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func notificationCases() []testCase {
	return []testCase{
		{name: "create-definition", needs: []string{"CreateNotificationDefinition"}, run: createDefinition},
		{name: "send-key-as-text", needs: []string{"SendNotification"}, run: func(e *env) {
			cl, key := e.f, e.define(orderDefinition)
			send := TransactionalSend{NotificationKey: key, ExtIDs: []string{"id1", "id2"}, Params: map[string]any{"order": "A-1001"}}
			c := e.do(fmt.Sprintf("SendNotification(ctx, %s) of a definition titled \"Order @{order}\"", showSend(send)), func(ctx context.Context) error {
				return cl.SendNotification(ctx, send)
			})
			if !e.wantKeyAsText(c, key) || !e.wantParams(c, send.Params) {
				return
			}
			e.must(c)
			e.wantPushes(c, map[string][]Push{
				"id1": {{Platform: "ANDROID", Title: "Order A-1001", Text: "John, order A-1001 has shipped.", Status: "SUCCESS"}},
				"id2": {{Platform: "ANDROID", Title: "Order A-1001", Text: "Jane, order A-1001 has shipped.", Status: "SUCCESS"}},
			}, "one push on each user's Android phone, the placeholders filled from the params and the profile")
		}},
		{name: "send-to-device-tokens", needs: []string{"SendNotification"}, run: func(e *env) {
			cl, key := e.f, e.define(orderDefinition)
			tokens := []string{"my_device_token", "abc123pushToken"}
			send := TransactionalSend{NotificationKey: key, DeviceTokens: tokens, Params: map[string]any{"order": "T-7"}}
			c := e.do(fmt.Sprintf("SendNotification(ctx, %s)", showSend(send)), func(ctx context.Context) error { return cl.SendNotification(ctx, send) })
			if !e.wantKeyAsText(c, key) || !e.wantParams(c, send.Params) {
				return
			}
			var named, ext []string
			for _, r := range c.to("sendNotification") {
				for _, el := range sendElems(r.Body) {
					named = append(named, targetIDs(el, "deviceToken")...)
					ext = append(ext, targetIDs(el, "extId")...)
				}
			}
			slices.Sort(named)
			if want := slices.Sorted(slices.Values(tokens)); !slices.Equal(named, want) || len(ext) > 0 {
				e.errorf(c, "the sends to name the devices in \"target\": {\"deviceToken\": …}, each token once, and no external ID; they name tokens %q and external IDs %q", named, ext)
				return
			}
			e.must(c)
			e.wantPushes(c, map[string][]Push{
				"id_in_my_system_1": {{Platform: "IOS", Title: "Order T-7", Text: "Ayşe, order T-7 has shipped.", Status: "SUCCESS"}},
				"id2":               {{Platform: "ANDROID", Title: "Order T-7", Text: "Jane, order T-7 has shipped.", Status: "SUCCESS"}},
				"id1":               {},
			}, "one push on the device of each token, none to id1, whose token was not named")
		}},
		{name: "send-batches-over-1000", needs: []string{"SendNotification"}, opts: []Option{WithUsers(2600)}, run: sendBatches},
		{name: "send-unknown-key-5003", needs: []string{"SendNotification"}, live: true, run: func(e *env) {
			cl := e.f
			send := TransactionalSend{NotificationKey: unknownKey, ExtIDs: []string{e.prefix + "user-1"}}
			c := e.do(fmt.Sprintf("SendNotification(ctx, %s) of a key the app has no definition of", showSend(send)), func(ctx context.Context) error {
				return cl.SendNotification(ctx, send)
			})
			if e.wantKeyAsText(c, unknownKey) {
				e.wantAPIError(c, 5003)
			}
		}},
		{name: "bulk-returns-key", needs: []string{"SendBulkNotification"}, run: func(e *env) {
			n := BulkNotification{Title: "Weekend sale", Text: "Up to 50% off until Sunday.", Platforms: []string{"IOS", "ANDROID"},
				ExtIDs: []string{"id1", "id2"}}
			c, key := e.bulk(n)
			if c == nil {
				return
			}
			push := Push{Platform: "ANDROID", Title: n.Title, Text: n.Text, Status: "SUCCESS"}
			e.wantPushes(c, map[string][]Push{"id1": {push}, "id2": {push}}, "one push on each user's Android phone")
			rec := e.srv.Notifications(state.NotificationFilter{Key: key})[0]
			if got := rec.Message; got.Title != n.Title || got.Text != n.Text || !slices.Equal(got.Platforms, n.Platforms) {
				e.errorf(c, "the send's message titled %q, text %q, platforms %q; the fake captured %q, %q, %q",
					n.Title, n.Text, n.Platforms, got.Title, got.Text, got.Platforms)
				return
			}
			if got, want := targetJSON(rec.Target), canonTarget(`{"extId":["id1","id2"]}`); got != want {
				e.errorf(c, "the send to target %s; the fake captured the target %s", want, got)
			}
		}},
		{name: "bulk-targets", needs: []string{"SendBulkNotification"}, run: func(e *env) {
			const tag = "clienttest-vip"
			if err := e.srv.Tenant().TagUsers([]string{tag}, []string{"id1", "id_in_my_system_1"}); err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			for _, tc := range []struct {
				n      BulkNotification
				target string   // as Netmera's JSON
				reach  []string // the users reached; nil: any
			}{
				{BulkNotification{Title: "VIP", Text: "For our VIPs", Platforms: []string{"IOS", "ANDROID"}, Tag: tag},
					`{"tag":"` + tag + `"}`, []string{"id1", "id_in_my_system_1"}},
				{BulkNotification{Title: "All", Text: "For everyone on iOS", Platforms: []string{"IOS"}, SendToAll: true},
					`{"sendToAll":true}`, nil},
			} {
				c, key := e.bulk(tc.n)
				if c == nil {
					return
				}
				rec := e.srv.Notifications(state.NotificationFilter{Key: key})[0]
				if got, want := targetJSON(rec.Target), canonTarget(tc.target); got != want {
					e.errorf(c, "the send to target %s; the fake captured the target %s", want, got)
					return
				}
				var reached []string
				for _, d := range rec.Deliveries {
					reached = append(reached, d.ExtID)
				}
				slices.Sort(reached)
				if reached = slices.Compact(reached); tc.reach != nil && !slices.Equal(reached, tc.reach) {
					e.errorf(c, "the send to reach %s; it reached %s", showIDs(tc.reach), showIDs(reached))
					return
				}
			}
		}},
	}
}

func createDefinition(e *env) {
	cl := e.f
	def := NotificationDefinition{Title: "Order update", Message: "Your order has shipped.", PersonalizedTitle: "Order @{order}",
		PersonalizedMessage: "@{name}, order @{order} has shipped.", Platforms: []string{"IOS", "ANDROID"}, Inbox: true}
	c, key, ok := e.keyed(fmt.Sprintf("CreateNotificationDefinition(ctx, %+v)", def), "createNotificationDefinition", "creates a definition",
		func(ctx context.Context) (int64, error) { return cl.CreateNotificationDefinition(ctx, def) })
	if !ok {
		return
	}
	stored, ok := e.srv.Definition(key)
	if !ok {
		e.errorf(c, "a definition with key %d in the fake; there is none", key)
		return
	}
	type fields struct {
		Title, Text, PersonalizedTitle, PersonalizedMessage string
		Platforms                                           []string
		Inbox                                               bool
	}
	m := stored.Message
	got := fields{m.Title, m.Text, m.PersonalizedTitle, m.PersonalizedMessage, m.Platforms, m.Inbox}
	want := fields{def.Title, def.Message, def.PersonalizedTitle, def.PersonalizedMessage, def.Platforms, def.Inbox}
	if diff := cmp.Diff(got, want); diff != "" {
		e.errorf(c, "the definition stored as it was given: \"message\" the default text, the personalized fields as given (-stored +given):\n%s", diff)
	}
}

// answeredKey reads the notificationKey of a 200 answer.
func answeredKey(r Request) (int64, bool) {
	var out struct {
		NotificationKey int64 `json:"notificationKey"`
	}
	if json.Unmarshal(r.Response, &out) != nil || out.NotificationKey == 0 {
		return 0, false
	}
	return out.NotificationKey, true
}

// keyed runs a client call that makes something under a notification
// key (eachOne says what each request makes) and checks that it sent one
// request to endpoint and returned the key the fake answered, as an
// int64; ok is false when the case has failed.
func (e *env) keyed(asked, endpoint, eachOne string, fn func(context.Context) (int64, error)) (c *call, key int64, ok bool) {
	e.t.Helper()
	c = e.do(asked, func(ctx context.Context) (err error) {
		key, err = fn(ctx)
		return err
	})
	c.got = fmt.Sprintf("key %d", key)
	e.must(c)
	reqs := c.to(endpoint)
	if len(reqs) != 1 {
		e.errorf(c, "one %s request (each one %s); got %d", endpoint, eachOne, len(reqs))
		return c, key, false
	}
	if answered, ok := answeredKey(reqs[0]); !ok || key != answered {
		e.errorf(c, "the key the fake answered, %d, as an int64; got %d", answered, key)
		return c, key, false
	}
	return c, key, true
}

// bulk runs SendBulkNotification and checks that it made one send, whose
// key it returned; nil when the case has failed.
func (e *env) bulk(n BulkNotification) (*call, int64) {
	e.t.Helper()
	cl := e.f
	c, key, ok := e.keyed(fmt.Sprintf("SendBulkNotification(ctx, %+v)", n), "sendBulkNotification", "is a send",
		func(ctx context.Context) (int64, error) { return cl.SendBulkNotification(ctx, n) })
	if !ok {
		return nil, 0
	}
	if len(e.srv.Notifications(state.NotificationFilter{Key: key})) != 1 {
		e.errorf(c, "one send captured under key %d", key)
		return nil, 0
	}
	return c, key
}

// canonTarget writes a target as the fake stores it.
func canonTarget(s string) string {
	var t state.Target
	if err := json.Unmarshal([]byte(s), &t); err != nil {
		return "(" + err.Error() + ")"
	}
	return targetJSON(&t)
}

func targetJSON(t *state.Target) string {
	b, err := json.Marshal(t)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return string(b)
}

// sendBatches sends to 2500 users and checks the batches.
func sendBatches(e *env) {
	cl, key, ids := e.f, e.define(orderDefinition), e.batchIDs(2500)
	send := TransactionalSend{NotificationKey: key, ExtIDs: ids, Params: map[string]any{"order": "B-2500"}}
	c := e.do(fmt.Sprintf("SendNotification(ctx, %s)", showSend(send)), func(ctx context.Context) error { return cl.SendNotification(ctx, send) })
	if !e.wantKeyAsText(c, key) {
		return
	}
	reqs := c.to("sendNotification")
	in := map[string]int{} // the request (from 1) naming each ID
	for i, r := range reqs {
		u := map[string]bool{}
		for _, el := range sendElems(r.Body) {
			for _, kind := range []string{"extId", "deviceToken"} {
				for _, id := range targetIDs(el, kind) {
					u[kind+" "+id] = true
					if kind != "extId" {
						continue
					}
					if j := in[id]; j != 0 && j != i+1 {
						e.errorf(c, "each ID in one request only (a user named twice gets the push twice); %q is in requests %d and %d", id, j, i+1)
						return
					}
					in[id] = i + 1
				}
			}
		}
		if len(u) > maxIDs {
			e.errorf(c, "every sendNotification request to name at most %d unique external IDs and device tokens, counted over the whole request "+
				"(Netmera's limit; split larger lists); request %d names %d", maxIDs, i+1, len(u))
			return
		}
	}
	if c.err != nil {
		e.errorf(c, "no error: %d IDs fit in %d requests of at most %d", len(ids), (len(ids)+maxIDs-1)/maxIDs, maxIDs)
		return
	}
	var missing []string
	for _, id := range ids {
		if in[id] == 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		e.errorf(c, "every ID in some sendNotification request under \"target\": {\"extId\": …}; %d are in none, such as %q", len(missing), missing[0])
		return
	}
	if !e.wantParams(c, send.Params) {
		return
	}
	resolved, twice := map[string]bool{}, ""
	devices := map[string]bool{}
	for _, n := range e.srv.Notifications(state.NotificationFilter{Key: key}) {
		for _, d := range n.Deliveries {
			resolved[d.ExtID] = true
			if devices[d.InstallationID] && twice == "" {
				twice = d.InstallationID
			}
			devices[d.InstallationID] = true
		}
		for _, x := range n.Exclusions {
			resolved[x.ExtID] = true
		}
	}
	if twice != "" {
		e.errorf(c, "each device reached once; installation %q got the push twice", twice)
		return
	}
	for _, id := range ids {
		if !resolved[id] {
			e.errorf(c, "every user named to be resolved by the fake, reached or left out with a reason; %q is neither", id)
			return
		}
	}
}
