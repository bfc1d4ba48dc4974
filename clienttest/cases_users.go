package clienttest

import (
	"context"
	"fmt"
	"slices"

	"github.com/netmera-mock/netmera-mock/state"
)

// maxIDs is Netmera's limit of unique identifiers per request.
const maxIDs = 1000

// batchIDs returns n external IDs for a batching case: the fake's first n
// users, or IDs of the run's prefix against the live API.
func (e *env) batchIDs(n int) []string {
	e.t.Helper()
	ids := make([]string, 0, n)
	if e.live() {
		for i := range n {
			ids = append(ids, fmt.Sprintf("%suser-%04d", e.prefix, i+1))
		}
		return ids
	}
	for _, u := range e.srv.Export().Users {
		if len(ids) == n {
			break
		}
		ids = append(ids, u.ExtID)
	}
	if len(ids) < n {
		e.t.Fatalf("%s: the fake has %d users, the case needs %d", e.name, len(ids), n)
	}
	return ids
}

// wantBatches checks the requests of c to endpoint: each names at most
// 1000 unique IDs under key, and together they name every one of ids.
func (e *env) wantBatches(c *call, endpoint, key string, ids []string) bool {
	e.t.Helper()
	reqs := c.to(endpoint)
	sent := map[string]bool{}
	for i, r := range reqs {
		u := unique(idsIn(r.Body, key))
		if len(u) > maxIDs {
			e.errorf(c, "every %s request to name at most %d unique IDs in %q (Netmera's limit; split larger lists); %s request %d names %d",
				endpoint, maxIDs, key, endpoint, i+1, len(u))
			return false
		}
		for id := range u {
			sent[id] = true
		}
	}
	if c.err != nil {
		e.errorf(c, "no error: %d IDs fit in %d requests of at most %d", len(ids), (len(ids)+maxIDs-1)/maxIDs, maxIDs)
		return false
	}
	var missing []string
	for _, id := range ids {
		if !sent[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		e.errorf(c, "every ID in some %s request under %q; %d are in none, such as %q", endpoint, key, len(missing), missing[0])
		return false
	}
	return true
}

func tagCases() []testCase {
	const tag = "clienttest-tag"
	return []testCase{
		{name: "tag", needs: []string{"TagUsers"}, run: func(e *env) {
			cl, ids := e.f, []string{"id1", "id2"}
			c := e.do(fmt.Sprintf("TagUsers(ctx, %q, %q)", tag, ids), func(ctx context.Context) error { return cl.TagUsers(ctx, tag, ids) })
			e.must(c)
			for _, id := range ids {
				if u, _ := e.srv.User(id); !slices.Contains(u.Tags, tag) {
					e.errorf(c, "user %q tagged %q in the fake; its tags are %q", id, tag, u.Tags)
				}
			}
		}},
		{name: "untag", needs: []string{"UntagUsers"}, run: func(e *env) {
			cl := e.f
			if err := e.srv.Tenant().TagUsers([]string{tag}, []string{"id1", "id2"}); err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			c := e.do(fmt.Sprintf("UntagUsers(ctx, %q, [\"id1\"]) with id1 and id2 tagged", tag), func(ctx context.Context) error {
				return cl.UntagUsers(ctx, tag, []string{"id1"})
			})
			e.must(c)
			if u, _ := e.srv.User("id1"); slices.Contains(u.Tags, tag) {
				e.errorf(c, "user \"id1\" no longer tagged %q in the fake; its tags are %q", tag, u.Tags)
			}
			if u, _ := e.srv.User("id2"); !slices.Contains(u.Tags, tag) {
				e.errorf(c, "user \"id2\", not named, still tagged %q; its tags are %q", tag, u.Tags)
			}
		}},
		{name: "batches-over-1000", needs: []string{"TagUsers"}, live: true, opts: []Option{WithUsers(2600)}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(2500)
			c := e.do(fmt.Sprintf("TagUsers(ctx, %q, %s)", tag, showIDs(ids)), func(ctx context.Context) error {
				return cl.TagUsers(ctx, tag, ids)
			})
			if !e.wantBatches(c, "tagUsers", "extIds", ids) || e.live() {
				return
			}
			var untagged []string
			for _, id := range ids {
				if u, _ := e.srv.User(id); !slices.Contains(u.Tags, tag) {
					untagged = append(untagged, id)
				}
			}
			if len(untagged) > 0 {
				e.errorf(c, "all %d users tagged %q in the fake; %d are not, such as %q", len(ids), tag, len(untagged), untagged[0])
			}
		}},
	}
}

func userCases() []testCase {
	return []testCase{
		{name: "delete-permanently", needs: []string{"DeleteUsersPermanently"}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(DefaultUsers)[DefaultUsers-2:]
			c := e.do(fmt.Sprintf("DeleteUsersPermanently(ctx, %q)", ids), func(ctx context.Context) error {
				return cl.DeleteUsersPermanently(ctx, ids)
			})
			e.must(c)
			for _, id := range ids {
				if _, ok := e.srv.User(id); ok {
					e.errorf(c, "user %q gone from the fake", id)
				}
			}
		}},
		{name: "delete-unknown-5016", needs: []string{"DeleteUsersPermanently"}, live: true, run: func(e *env) {
			cl := e.f
			ids := []string{e.prefix + "no-such-user"}
			if !e.live() {
				ids = []string{"id1", ids[0]}
			}
			c := e.do(fmt.Sprintf("DeleteUsersPermanently(ctx, %q) with %q unknown", ids, ids[len(ids)-1]), func(ctx context.Context) error {
				return cl.DeleteUsersPermanently(ctx, ids)
			})
			e.wantAPIError(c, 5016)
			if e.live() {
				return
			}
			if _, ok := e.srv.User("id1"); !ok {
				e.errorf(c, "user \"id1\" still in the fake: Netmera refuses the whole request when one ID is unknown, so a client must not send the IDs one by one")
			}
		}},
		{name: "register", needs: []string{"RegisterUsers"}, run: func(e *env) {
			cl := e.f
			regs := []Registration{
				{ExtID: "clienttest-new", DeviceToken: "clienttest-token", Platform: "IOS", Email: "new@example.com",
					Tags: []string{"clienttest"}, Profile: map[string]any{"name": "Ada"}},
				{ExtID: "id1", Msisdn: "905550001111"},
			}
			c := e.do(fmt.Sprintf("RegisterUsers(ctx, %+v)", regs), func(ctx context.Context) error { return cl.RegisterUsers(ctx, regs) })
			if !e.wantArrays(c, "registerUsers") {
				return
			}
			e.must(c)
			if u, ok := e.srv.User("clienttest-new"); !ok || !slices.Contains(u.Tags, "clienttest") {
				e.errorf(c, "user \"clienttest-new\" registered in the fake with the tag \"clienttest\"; it is %+v (found: %t)", u, ok)
				return
			}
			e.wantProfile(c, "clienttest-new", "name", "Ada")
			e.wantProfile(c, "clienttest-new", state.AttrEmail, "new@example.com")
			e.wantProfile(c, "id1", state.AttrMsisdn, "905550001111")
			if ds := e.srv.Devices("clienttest-new"); len(ds) != 1 || ds[0].Token != "clienttest-token" || ds[0].Platform != "IOS" {
				e.errorf(c, "one IOS device with token \"clienttest-token\" registered for \"clienttest-new\" in the fake; it has %+v", ds)
			}
		}},
		{name: "register-batches-over-1000", needs: []string{"RegisterUsers"}, run: func(e *env) {
			cl := e.f
			regs := make([]Registration, 1500)
			ids := make([]string, len(regs))
			for i := range regs {
				ids[i] = fmt.Sprintf("clienttest-reg-%04d", i)
				regs[i] = Registration{ExtID: ids[i], Platform: "ANDROID"}
			}
			c := e.do(fmt.Sprintf("RegisterUsers(ctx, %d registrations [{ExtID:%s Platform:ANDROID} …])", len(regs), ids[0]), func(ctx context.Context) error {
				return cl.RegisterUsers(ctx, regs)
			})
			if !e.wantArrays(c, "registerUsers") || !e.wantBatches(c, "registerUsers", "extId", ids) {
				return
			}
			for _, id := range ids {
				if _, ok := e.srv.User(id); !ok {
					e.errorf(c, "all %d users registered in the fake; %q is not", len(ids), id)
					return
				}
			}
		}},
		{name: "delete", needs: []string{"DeleteUsers"}, run: func(e *env) {
			cl, ids := e.f, []string{"id1", "id2"}
			c := e.do(fmt.Sprintf("DeleteUsers(ctx, %q)", ids), func(ctx context.Context) error { return cl.DeleteUsers(ctx, ids) })
			e.must(c)
			for _, id := range ids {
				if u, ok := e.srv.User(id); !ok || !u.Untracked {
					e.errorf(c, "user %q untracked in the fake (still there: deleteUsers keeps the record); it is %+v (found: %t)", id, u, ok)
				}
			}
		}},
	}
}
