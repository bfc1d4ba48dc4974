package clienttest

import (
	"context"
	"fmt"
	"reflect"
)

// wantArrays checks that c sent at least one request to endpoint and that
// each had a JSON array body, as Netmera requires there.
func (e *env) wantArrays(c *call, endpoint string) bool {
	e.t.Helper()
	reqs := c.to(endpoint)
	if len(reqs) == 0 {
		e.errorf(c, "a POST %s%s request", apiPath, endpoint)
		return false
	}
	for i, r := range reqs {
		if !isArray(r.Body) {
			e.errorf(c, "every %s body to be a JSON array of entries, even for one entry (Netmera answers 2009 to a single object); %s request %d is not",
				endpoint, endpoint, i+1)
			return false
		}
	}
	return true
}

// wantProfile checks one attribute of a user's profile in the fake; want
// nil means the attribute must be absent.
func (e *env) wantProfile(c *call, extID, key string, want any) {
	e.t.Helper()
	got, ok := e.srv.Profile(extID)[key]
	switch {
	case want == nil && ok:
		e.errorf(c, "%q removed from user %q's profile in the fake; it is %s", key, extID, showJSON(got))
	case want != nil && !sameValue(got, want):
		e.errorf(c, "user %q's %q to be %s in the fake; it is %s", extID, key, showJSON(want), showJSON(got))
	}
}

func profileCases() []testCase {
	return []testCase{
		{name: "set-array-body", needs: []string{"SetProfileAttributes"}, run: func(e *env) {
			cl := e.f
			updates := []ProfileUpdate{
				{ExtID: "id1", Profile: map[string]any{"name": "Ada", "age": 41}},
				{ExtID: "id2", Profile: map[string]any{"surname": "Lovelace"}},
			}
			c := e.do(fmt.Sprintf("SetProfileAttributes(ctx, %+v)", updates), func(ctx context.Context) error {
				return cl.SetProfileAttributes(ctx, updates)
			})
			if !e.wantArrays(c, "setProfileAttributes") {
				return
			}
			e.must(c)
			e.wantProfile(c, "id1", "name", "Ada")
			e.wantProfile(c, "id1", "age", 41)
			e.wantProfile(c, "id2", "surname", "Lovelace")
		}},
		{name: "set-batches-over-1000", needs: []string{"SetProfileAttributes"}, live: true, opts: []Option{WithUsers(1600)}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(1500)
			updates := make([]ProfileUpdate, len(ids))
			for i, id := range ids {
				updates[i] = ProfileUpdate{ExtID: id, Profile: map[string]any{"age": 18 + i%70}}
			}
			c := e.do(fmt.Sprintf("SetProfileAttributes(ctx, %d updates [{%s map[age:18]} …])", len(ids), ids[0]), func(ctx context.Context) error {
				return cl.SetProfileAttributes(ctx, updates)
			})
			if !e.wantArrays(c, "setProfileAttributes") || !e.wantBatches(c, "setProfileAttributes", "extId", ids) || e.live() {
				return
			}
			for i, id := range ids {
				if got := e.srv.Profile(id)["age"]; !sameValue(got, 18+i%70) {
					e.errorf(c, "every user's age set in the fake; user %q's is %s, not %d", id, showJSON(got), 18+i%70)
					return
				}
			}
		}},
		{name: "unset", needs: []string{"UnsetProfileAttributes"}, run: func(e *env) {
			cl := e.f
			unsets := []ProfileUnset{{ExtID: "id1", Keys: []string{"age", "surname"}}}
			c := e.do(fmt.Sprintf("UnsetProfileAttributes(ctx, %+v)", unsets), func(ctx context.Context) error {
				return cl.UnsetProfileAttributes(ctx, unsets)
			})
			if !e.wantArrays(c, "unsetProfileAttributes") {
				return
			}
			e.must(c)
			e.wantProfile(c, "id1", "age", nil)
			e.wantProfile(c, "id1", "surname", nil)
			e.wantProfile(c, "id1", "name", "John")
		}},
		{name: "push-pull", needs: []string{"PushProfileAttributes", "PullProfileAttributes"}, run: func(e *env) {
			cl := e.f
			push := []ProfileUpdate{{ExtID: "id2", Profile: map[string]any{"lastVisitedProducts": []any{"hat", "shirt"}}}}
			c := e.do(fmt.Sprintf("PushProfileAttributes(ctx, %+v) with id2's lastVisitedProducts [shirt sneakers]", push), func(ctx context.Context) error {
				return cl.PushProfileAttributes(ctx, push)
			})
			if !e.wantArrays(c, "pushProfileAttributes") {
				return
			}
			e.must(c)
			e.wantProfile(c, "id2", "lastVisitedProducts", []any{"shirt", "sneakers", "hat"})
			pull := []ProfileUpdate{{ExtID: "id2", Profile: map[string]any{"lastVisitedProducts": []any{"shirt"}}}}
			c = e.do(fmt.Sprintf("PullProfileAttributes(ctx, %+v)", pull), func(ctx context.Context) error {
				return cl.PullProfileAttributes(ctx, pull)
			})
			if !e.wantArrays(c, "pullProfileAttributes") {
				return
			}
			e.must(c)
			e.wantProfile(c, "id2", "lastVisitedProducts", []any{"sneakers", "hat"})
		}},
		{name: "get", needs: []string{"GetProfileAttributes"}, run: func(e *env) { wantReadBack(e, "id1") }},
		{name: "read-after-write", needs: []string{"SetProfileAttributes", "GetProfileAttributes"}, run: func(e *env) {
			cl := e.f
			set := []ProfileUpdate{{ExtID: "id1", Profile: map[string]any{
				"age": 52, "isSubscribed": false, "lastVisitedCategories": []any{"books"}, "gender": "FEMALE"}}}
			e.must(e.do(fmt.Sprintf("SetProfileAttributes(ctx, %+v)", set), func(ctx context.Context) error {
				return cl.SetProfileAttributes(ctx, set)
			}))
			wantReadBack(e, "id1")
		}},
		{name: "get-unknown-user", needs: []string{"GetProfileAttributes"}, live: true, run: func(e *env) {
			cl, id := e.f, e.prefix+"nobody"
			var got map[string]any
			c := e.do(fmt.Sprintf("GetProfileAttributes(ctx, %q) of an unknown user", id), func(ctx context.Context) (err error) {
				got, err = cl.GetProfileAttributes(ctx, id)
				return err
			})
			if c.err != nil || len(got) != 0 {
				e.errorf(c, "no error and an empty profile (Netmera answers {\"extId\":%q,\"profile\":{}}); got %s", id, showJSON(got))
			}
		}},
	}
}

// wantReadBack checks that GetProfileAttributes returns the profile the
// fake holds, numbers compared by value.
func wantReadBack(e *env, id string) {
	e.t.Helper()
	cl := e.f
	var got map[string]any
	c := e.do(fmt.Sprintf("GetProfileAttributes(ctx, %q)", id), func(ctx context.Context) (err error) {
		got, err = cl.GetProfileAttributes(ctx, id)
		return err
	})
	e.must(c)
	if want := e.srv.Profile(id); !sameValue(got, want) {
		e.errorf(c, "the profile the fake holds, %s; got %s", showJSON(want), showJSON(got))
	}
}

func categoryCases() []testCase {
	return []testCase{
		{name: "set-array-body", needs: []string{"SetCategoryPreferences"}, run: func(e *env) {
			cl := e.f
			prefs := []CategoryPreference{
				{ExtID: "id1", Category: "Shopping", Enable: false},
				{ExtID: "id1", Category: "Newsletter", Channel: "EMAIL", Enable: false},
			}
			c := e.do(fmt.Sprintf("SetCategoryPreferences(ctx, %+v)", prefs), func(ctx context.Context) error {
				return cl.SetCategoryPreferences(ctx, prefs)
			})
			if !e.wantArrays(c, "setCategoryPreferences") {
				return
			}
			e.must(c)
			want := map[string]map[string]bool{ // channel → category → opted in
				"PUSH":  {"Shopping": false, "Newsletter": true},
				"EMAIL": {"Shopping": false, "Newsletter": false},
				"SMS":   {"Shopping": false, "Newsletter": true},
			}
			for _, ch := range []string{"PUSH", "EMAIL", "SMS"} {
				got, _ := e.srv.Tenant().CategoryPreferences("id1", ch)
				for cat, on := range want[ch] {
					if got[cat] != on {
						e.errorf(c, "id1 opted %s of %q on %s in the fake (no channel means every channel); it is not", inOut(on), cat, ch)
					}
				}
			}
		}},
		{name: "read-after-write", needs: []string{"SetCategoryPreferences", "GetCategoryPreferences"}, run: func(e *env) {
			cl := e.f
			prefs := []CategoryPreference{{ExtID: "id1", Category: "Promotions", Channel: "PUSH", Enable: false}}
			e.must(e.do(fmt.Sprintf("SetCategoryPreferences(ctx, %+v)", prefs), func(ctx context.Context) error {
				return cl.SetCategoryPreferences(ctx, prefs)
			}))
			var got map[string]bool
			c := e.do(`GetCategoryPreferences(ctx, "id1")`, func(ctx context.Context) (err error) {
				got, err = cl.GetCategoryPreferences(ctx, "id1")
				return err
			})
			e.must(c)
			want, _ := e.srv.Tenant().CategoryPreferences("id1", "")
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				e.errorf(c, "the PUSH preferences the fake holds, %s; got %s", showJSON(want), showJSON(got))
			}
		}},
	}
}

func inOut(on bool) string {
	if on {
		return "in"
	}
	return "out"
}
