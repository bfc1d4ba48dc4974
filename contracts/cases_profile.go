package contracts

import "context"

// Profiles of the seeded documentation users, as getProfileAttributes
// answers them (docs/fixtures.md; id1's is the guide's sample, verbatim).
var (
	profileID1 = obj{"name": "John", "surname": "Brown", "dateOfBirth": 624315600000,
		"email": "john.brown@example.com", "age": 34, "isSubscribed": true}
	profileAyse = obj{"name": "Ayşe", "surname": "Yılmaz", "gender": "FEMALE", "email": "ayse.yilmaz@example.com",
		"msisdn": "905311112233", "isSubscribed": true}
)

// with returns a copy of p with the changes applied; a nil value removes.
func with(p obj, changes obj) obj {
	out := obj{}
	for k, v := range p {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// profileOf reads a user's profile and checks it.
func profileOf(c *Check, extID string, want obj) {
	c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", extID), nil), obj{"extId": extID, "profile": want})
}

func profileCases() []Case {
	return []Case{
		{
			Name: "profile/unknown-user", Tags: []Tag{LiveSafe},
			Doc: "Profile writes naming an unknown user answer 200 with no body and create nothing: getProfileAttributes reads an empty profile, with extId null when named by deviceToken.",
			Run: func(ctx context.Context, c *Check) {
				u, tok := c.ID("u1"), c.ID("token1")
				c.Cleanup(func() {
					c.Applied(c.Do(post, apiPath("unsetProfileAttributes"), arr{obj{"extId": u, "profile": arr{"name", "age", "lastVisitedCategories"}}}))
				})
				c.Applied(c.Do(post, apiPath("setProfileAttributes"), arr{obj{"extId": u, "profile": obj{"name": "Probe", "age": 30}}}))
				c.Applied(c.Do(post, apiPath("setProfileAttributes"), arr{obj{"deviceToken": tok, "profile": obj{"name": "Probe"}}}))
				c.Applied(c.Do(post, apiPath("pushProfileAttributes"), arr{obj{"extId": u, "profile": obj{"lastVisitedCategories": arr{"probe"}}}}))
				c.Applied(c.Do(post, apiPath("pullProfileAttributes"), arr{obj{"extId": u, "profile": obj{"lastVisitedCategories": arr{"probe"}}}}))
				c.Applied(c.Do(post, apiPath("unsetProfileAttributes"), arr{obj{"extId": u, "profile": arr{"age"}}}))
				c.Applied(c.Do(post, apiPath("setProfileAttributes"), arr{}))
				profileOf(c, u, obj{})
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "deviceToken", tok), nil), obj{"extId": nil, "profile": obj{}})
			},
		},
		{
			Name: "profile/refusals", Tags: []Tag{LiveSafe},
			Doc: "getProfileAttributes without extId or deviceToken answers 2020; profile writes whose every entry is skipped, or with a single object, answer 2009.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "no user named", method: get, path: apiPath("getProfileAttributes"), code: 2020, message: "extId is required"},
					{name: "empty names", method: get, path: apiPath("getProfileAttributes", "extId", "", "deviceToken", ""), code: 2020, message: "extId is required"},
					{name: "single object", method: post, path: apiPath("setProfileAttributes"), body: obj{"extId": u, "profile": obj{"name": "x"}}, code: 2009, message: msgInvalidJSON},
					{name: "no entry is an object", method: post, path: apiPath("setProfileAttributes"), body: arr{5, "x"}, code: 2009, message: msgInvalidJSON},
					{name: "no entry names a user", method: post, path: apiPath("unsetProfileAttributes"), body: arr{obj{"profile": arr{"age"}}}, code: 2009, message: msgInvalidJSON},
					{name: "extId of the wrong type", method: post, path: apiPath("pushProfileAttributes"), body: arr{obj{"extId": 5, "profile": obj{}}}, code: 2009, message: msgInvalidJSON},
					{name: "profile of the wrong type", method: post, path: apiPath("pullProfileAttributes"), body: arr{obj{"extId": u, "profile": "x"}}, code: 2009, message: msgInvalidJSON},
				})
			},
		},
		{
			Name: "profile/set-read-back", Tags: []Tag{MockOnly},
			Doc: "setProfileAttributes changes defined attributes, by extId or a device's token; undefined keys, values of the wrong type, null and malformed entries are dropped.",
			Why: "it writes the seeded users id1 and id_in_my_system_1 (token my_device_token)",
			Run: func(ctx context.Context, c *Check) {
				profileOf(c, "id1", profileID1)
				c.Applied(c.Do(post, apiPath("setProfileAttributes"), arr{
					obj{"extId": "id1", "profile": obj{"age": 41, "name": "Johnny", "nmUndefinedKey": 1, "isSubscribed": "yes", "surname": nil}},
					obj{"deviceToken": "my_device_token", "profile": obj{"surname": "Yıldız"}},
					5,
				}))
				profileOf(c, "id1", with(profileID1, obj{"age": 41, "name": "Johnny"}))
				r := c.Do(get, apiPath("getProfileAttributes", "deviceToken", "my_device_token"), nil)
				c.Equal(r, obj{"extId": nil, "profile": with(profileAyse, obj{"surname": "Yıldız"})})
			},
		},
		{
			Name: "profile/unset-read-back", Tags: []Tag{MockOnly},
			Doc: "unsetProfileAttributes removes the listed keys; a missing or empty list, or an entry of the wrong shape, removes nothing.",
			Why: "it writes the seeded user id1",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("unsetProfileAttributes"), arr{
					obj{"extId": "id1", "profile": arr{"age", "surname"}},
					obj{"extId": "id1", "profile": "name"},
					obj{"extId": "id1"},
					obj{"extId": "id1", "profile": arr{}},
				}))
				profileOf(c, "id1", with(profileID1, obj{"age": nil, "surname": nil}))
			},
		},
		{
			Name: "profile/push-pull-read-back", Tags: []Tag{MockOnly},
			Doc: "pushProfileAttributes adds to array attributes with set semantics, creating them; pullProfileAttributes removes values and leaves [] rather than deleting.",
			Why: "it writes the seeded users id1 and id2",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("pushProfileAttributes"), arr{
					obj{"extId": "id2", "profile": obj{"lastVisitedCategories": arr{"shopping", "promotion"}, "lastVisitedProducts": "shirt", "age": arr{5}}},
					obj{"extId": "id1", "profile": obj{"lastVisitedCategories": arr{"shopping"}}},
				}))
				var p struct{ Profile map[string]any }
				if r := c.Do(get, apiPath("getProfileAttributes", "extId", "id2"), nil); c.Decode(r, &p) {
					got := obj{"lastVisitedCategories": p.Profile["lastVisitedCategories"], "lastVisitedProducts": p.Profile["lastVisitedProducts"]}
					want := obj{"lastVisitedCategories": arr{"promotion", "electronics", "shopping"}, "lastVisitedProducts": arr{"shirt", "sneakers"}}
					if d := diffValues(want, got); d != "" {
						c.Errorf("%s\n\tid2's arrays after pushProfileAttributes differ (-want +got):\n%s", r, d)
					}
				}
				profileOf(c, "id1", with(profileID1, obj{"lastVisitedCategories": arr{"shopping"}}))
				c.Applied(c.Do(post, apiPath("pullProfileAttributes"), arr{
					obj{"extId": "id1", "profile": obj{"lastVisitedCategories": arr{"shopping", "absent"}, "lastVisitedProducts": arr{"shirt"}}},
				}))
				profileOf(c, "id1", with(profileID1, obj{"lastVisitedCategories": arr{}}))
			},
		},
		{
			Name: "profile/definitions", Tags: []Tag{LiveSafe},
			Doc: "app/profile-attributes lists standard and custom definitions, each code once; against the fake, its default definitions.",
			Run: func(ctx context.Context, c *Check) {
				r := c.Do(get, apiPath("app/profile-attributes"), nil)
				var defs struct{ StandardProfileAttributes, CustomProfileAttributes []struct{ Code string } }
				if !c.Decode(r, &defs) {
					return
				}
				seen := map[string]bool{}
				for _, d := range append(defs.StandardProfileAttributes, defs.CustomProfileAttributes...) {
					if seen[d.Code] {
						c.Errorf("%s\n\tthe attribute %q is defined twice", r, d.Code)
					}
					seen[d.Code] = true
				}
				if c.Live() {
					return
				}
				def := func(code, typ string, array bool) obj {
					d := obj{"code": code, "dataType": typ, "name": code}
					if array {
						d["isArray"] = true
					}
					return d
				}
				c.Equal(r, obj{
					"standardProfileAttributes": arr{def("name", "STRING", false), def("surname", "STRING", false), def("email", "STRING", false),
						def("msisdn", "STRING", false), def("gender", "STRING", false), def("dateOfBirth", "DATE", false),
						def("externalSegments", "STRING", true)},
					"customProfileAttributes": arr{def("age", "INTEGER", false), def("isSubscribed", "BOOLEAN", false),
						def("lastVisitedCategories", "STRING", true), def("lastVisitedProducts", "STRING", true)},
				})
			},
		},
	}
}

func profileDeletionCases() []Case {
	return []Case{
		{
			Name: "profile/delete-unknown-attribute", Tags: []Tag{LiveSafe, Destructive},
			Doc: "deleteProfileAttributes and deleteProfileAttributeValue of an attribute code no app defines answer 200 with no body; a value entry without key or value answers 2020, a key that is not a text 2004.",
			Run: func(ctx context.Context, c *Check) {
				code := c.ID("attr")
				c.Applied(c.Do(post, apiPath("deleteProfileAttributes"), arr{obj{"profile": arr{code}}}))
				c.Applied(c.Do(post, apiPath("deleteProfileAttributeValue"), arr{obj{"key": code, "value": "x"}}))
				c.Applied(c.Do(post, apiPath("deleteProfileAttributeValue"), obj{"key": code, "value": "x"}))
				c.refuseAll([]refusal{
					{name: "no key", method: post, path: apiPath("deleteProfileAttributeValue"), body: arr{obj{"value": "x"}}, code: 2020, message: "key is required"},
					{name: "empty key", method: post, path: apiPath("deleteProfileAttributeValue"), body: arr{obj{"key": "", "value": "x"}}, code: 2020, message: "key is required"},
					{name: "no value", method: post, path: apiPath("deleteProfileAttributeValue"), body: arr{obj{"key": code}}, code: 2020, message: "value is required"},
					{name: "key not a text", method: post, path: apiPath("deleteProfileAttributeValue"), body: arr{obj{"key": 5, "value": "x"}}, code: 2004, message: "Field 'key' should be a text"},
				})
			},
		},
		{
			Name: "profile/delete-attributes", Tags: []Tag{MockOnly, Destructive},
			Doc: "deleteProfileAttributes removes the codes from every user and takes any well-formed JSON without validation.",
			Why: "it deletes attributes of the seeded users",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("deleteProfileAttributes"), arr{obj{"profile": arr{"surname"}}, obj{"profile": arr{"isSubscribed"}}, obj{"other": 1}, 5}))
				profileOf(c, "id1", with(profileID1, obj{"surname": nil, "isSubscribed": nil}))
				profileOf(c, "id_in_my_system_1", with(profileAyse, obj{"surname": nil, "isSubscribed": nil}))
				for _, body := range []string{"[]", "{}", "5", `{"profile": ["age"]}`} {
					c.Applied(c.Do(post, apiPath("deleteProfileAttributes"), body))
				}
				profileOf(c, "id1", with(profileID1, obj{"surname": nil, "isSubscribed": nil, "age": nil}))
			},
		},
		{
			Name: "profile/delete-attribute-value", Tags: []Tag{MockOnly, Destructive},
			Doc: "deleteProfileAttributeValue takes a value out of array attributes and removes scalar attributes equal to it, for every user; a single object is one entry.",
			Why: "it deletes values of the seeded users",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("deleteProfileAttributeValue"), arr{obj{"key": "lastVisitedProducts", "value": "shirt"}}))
				c.Applied(c.Do(post, apiPath("deleteProfileAttributeValue"), obj{"key": "gender", "value": "FEMALE"}))
				c.Applied(c.Do(post, apiPath("deleteProfileAttributeValue"), arr{obj{"key": "nmUndefinedKey", "value": "x"}}))
				var p struct{ Profile map[string]any }
				if r := c.Do(get, apiPath("getProfileAttributes", "extId", "id2"), nil); c.Decode(r, &p) {
					got := obj{"lastVisitedProducts": p.Profile["lastVisitedProducts"], "gender": p.Profile["gender"]}
					if d := diffValues(obj{"lastVisitedProducts": arr{"sneakers"}, "gender": nil}, got); d != "" {
						c.Errorf("%s\n\tid2 after deleteProfileAttributeValue differs (-want +got):\n%s", r, d)
					}
				}
				profileOf(c, "id_in_my_system_1", with(profileAyse, obj{"gender": nil}))
				r := c.Do(get, apiPath("getProfileAttributes", "extId", "your_extId"), nil)
				if c.Decode(r, &p) && p.Profile["gender"] != "MALE" {
					c.Errorf("%s\n\tyour_extId's gender MALE must survive deleting the value FEMALE", r)
				}
			},
		},
	}
}
