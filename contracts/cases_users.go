package contracts

import (
	"context"
	"net/http"
	"slices"
)

func userCases() []Case {
	return []Case{
		{
			Name: "tags/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "tagUsers and untagUsers on unknown users answer 200 with no body; untagUsers with checkExistence lists them once each, in order.",
			Run: func(ctx context.Context, c *Check) {
				u1, u2 := c.ID("u1"), c.ID("u2")
				tag, vip := c.ID("Sport"), c.ID("VIP")
				c.Cleanup(func() { c.Applied(c.Do(post, apiPath("untagUsers"), obj{"tag": arr{tag, vip}, "extIds": arr{u1, u2}})) })
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": tag, "extIds": arr{u1, u2}}))
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": arr{tag, vip}, "extIds": arr{u1}}))
				c.Applied(c.Do(post, apiPath("untagUsers"), obj{"tag": vip, "extIds": arr{u1}}))
				c.Applied(c.Do(post, apiPath("untagUsers"), obj{"tag": vip, "extIds": arr{u1}, "checkExistence": false}))
				r := c.Do(post, apiPath("untagUsers"), obj{"tag": tag, "extIds": arr{u2, u1, u2}, "checkExistence": true})
				c.Equal(r, obj{"notExist": arr{u2, u1}})
			},
		},
		{
			Name: "tags/refusals", Tags: []Tag{LiveSafe},
			Doc: "tagUsers and untagUsers refuse a missing or empty tag (2020), missing extIds (2020) and members of the wrong type (2004).",
			Run: func(ctx context.Context, c *Check) {
				ids := arr{c.ID("u1")}
				tag := c.ID("Sport")
				c.refuseAll([]refusal{
					{name: "no tag", method: post, path: apiPath("tagUsers"), body: obj{"extIds": ids}, code: 2020, message: "tag is required"},
					{name: "empty tag", method: post, path: apiPath("tagUsers"), body: obj{"tag": "", "extIds": ids}, code: 2020, message: "tag is required"},
					{name: "no tags", method: post, path: apiPath("tagUsers"), body: obj{"tag": arr{}, "extIds": ids}, code: 2020, message: "tag is required"},
					{name: "an empty tag in a list", method: post, path: apiPath("tagUsers"), body: obj{"tag": arr{tag, ""}, "extIds": ids}, code: 2020, message: "tag is required"},
					{name: "numeric tag", method: post, path: apiPath("tagUsers"), body: obj{"tag": 5, "extIds": ids}, code: 2004, message: "Field 'tag' should be a list of texts"},
					{name: "no extIds", method: post, path: apiPath("tagUsers"), body: obj{"tag": tag}, code: 2020, message: "extIds is required"},
					{name: "extIds not a list", method: post, path: apiPath("tagUsers"), body: obj{"tag": tag, "extIds": ids[0]}, code: 2004, message: "Field 'extIds' should be a list"},
					{name: "untag without tag", method: post, path: apiPath("untagUsers"), body: obj{"extIds": ids}, code: 2020, message: "tag is required"},
					{name: "checkExistence not a boolean", method: post, path: apiPath("untagUsers"), body: obj{"tag": tag, "extIds": ids, "checkExistence": "yes"}, code: 2004, message: "Field 'checkExistence' should be a boolean"},
				})
			},
		},
		{
			Name: "tags/read-back", Tags: []Tag{MockOnly},
			Doc: "Tags added and removed show in the users' state; untagUsers with checkExistence lists only the unknown IDs.",
			Why: "Netmera has no endpoint that reads tags: they are read through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				ghost := c.ID("ghost")
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": "Sport", "extIds": arr{"id1", "id2", ghost}}))
				c.Applied(c.Do(post, apiPath("tagUsers"), obj{"tag": arr{"A", "B"}, "extIds": arr{"id1"}}))
				wantTags(c, map[string][]string{"id1": {"A", "B", "Sport"}, "id2": {"Sport"}})
				r := c.Do(post, apiPath("untagUsers"), obj{"tag": arr{"Sport", "A"}, "extIds": arr{"id1", ghost}, "checkExistence": true})
				c.Equal(r, obj{"notExist": arr{ghost}})
				wantTags(c, map[string][]string{"id1": {"B"}, "id2": {"Sport"}})
			},
		},
		{
			Name: "users/delete-unknown", Tags: []Tag{LiveSafe, Destructive},
			Doc: "deleteUsersPermanently of an unknown user answers 400 {code 5016}; without extIds 2020; extIds not a list 2004.",
			Run: func(ctx context.Context, c *Check) {
				ghost := c.ID("ghost")
				c.refuseAll([]refusal{
					{name: "unknown user", method: post, path: apiPath("deleteUsersPermanently"), body: obj{"extIds": arr{ghost}}, code: 5016,
						message: "User with external id '" + ghost + "' does not exist or has already been permanently deleted"},
					{name: "no extIds", method: post, path: apiPath("deleteUsersPermanently"), body: obj{}, code: 2020, message: "extIds is required"},
					{name: "extIds not a list", method: post, path: apiPath("deleteUsersPermanently"), body: obj{"extIds": ghost}, code: 2004, message: "Field 'extIds' should be a list"},
				})
			},
		},
		{
			Name: "users/delete-permanently", Tags: []Tag{MockOnly, Destructive},
			Doc: "deleteUsersPermanently removes the user's profile, devices, tokens and segment memberships; one unknown ID deletes nothing.",
			Why: "it deletes the seeded user id2 and reads back what the fake holds of it",
			Run: func(ctx context.Context, c *Check) {
				ghost := c.ID("ghost")
				r := c.Do(post, apiPath("deleteUsersPermanently"), obj{"extIds": arr{"id2", ghost}})
				c.Refused(r, http.StatusBadRequest, 5016, "User with external id '"+ghost+"' does not exist or has already been permanently deleted")
				if !slices.Contains(deviceTokenList(c), "abc123pushToken") {
					c.Errorf("getDeviceTokens lost id2's token abc123pushToken to a refused deleteUsersPermanently")
				}
				c.Applied(c.Do(post, apiPath("deleteUsersPermanently"), obj{"extIds": arr{"id2"}}))
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "id2"), nil), obj{"extId": "id2", "profile": obj{}})
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id2"), nil), obj{"extId": "id2", "devices": arr{}})
				if slices.Contains(deviceTokenList(c), "abc123pushToken") {
					c.Errorf("getDeviceTokens still lists the deleted id2's token abc123pushToken")
				}
				if slices.Contains(segmentMembers(c, 5883), "id2") {
					c.Errorf("getSegmentUsers of segment 5883 still lists the deleted id2")
				}
				r = c.Do(post, apiPath("deleteUsersPermanently"), obj{"extIds": arr{"id2"}})
				c.Refused(r, http.StatusBadRequest, 5016, "User with external id 'id2' does not exist or has already been permanently deleted")
			},
		},
	}
}

// wantTags checks users' tags in /_mock/state.
func wantTags(c *Check, want map[string][]string) {
	got := map[string][]string{}
	for _, u := range c.state().Users {
		if _, ok := want[u.ExtID]; ok {
			got[u.ExtID] = slices.Sorted(slices.Values(u.Tags))
		}
	}
	if d := diffValues(want, got); d != "" {
		c.Errorf("GET /_mock/state: the users' tags differ (-want +got):\n%s", d)
	}
}

// deviceTokenList reads the first 1000 installations' push tokens.
func deviceTokenList(c *Check) []string {
	var page struct {
		Devices []struct{ Token, DeviceToken string }
	}
	c.Decode(c.Do(get, apiPath("getDeviceTokens", "max", "1000"), nil), &page)
	var out []string
	for _, d := range page.Devices {
		if d.Token == "" {
			d.Token = d.DeviceToken
		}
		out = append(out, d.Token)
	}
	return out
}

// segmentMembers reads the first 1000 members of a segment.
func segmentMembers(c *Check, id int64) []string {
	var page struct{ List []struct{ ExternalID string } }
	c.Decode(c.Do(get, apiPath("getSegmentUsers", "id", itoa(id), "max", "1000"), nil), &page)
	var out []string
	for _, m := range page.List {
		out = append(out, m.ExternalID)
	}
	return out
}

func categoryCases() []Case {
	return []Case{
		{
			Name: "categories/unknown-user", Tags: []Tag{LiveSafe},
			Doc: "setCategoryPreferences for an unknown user answers 200 with no body; getCategoryPreferences of one lists no category.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.Applied(c.Do(post, apiPath("setCategoryPreferences"), arr{obj{"extId": u, "category": "Shopping", "enable": false}}))
				c.Equal(c.Do(get, apiPath("getCategoryPreferences", "externalId", u), nil), obj{"categoryPreferences": obj{}})
			},
		},
		{
			Name: "categories/refusals", Tags: []Tag{LiveSafe},
			Doc: "getCategoryPreferences without externalId answers 2020; setCategoryPreferences refuses a single object and a non-object entry (2009) and a non-boolean enable (2004).",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "no externalId", method: get, path: apiPath("getCategoryPreferences"), code: 2020, message: "externalId is required"},
					{name: "single object", method: post, path: apiPath("setCategoryPreferences"), body: obj{"extId": u, "category": "Shopping", "enable": true}, code: 2009, message: msgInvalidJSON},
					{name: "entry not an object", method: post, path: apiPath("setCategoryPreferences"), body: arr{5}, code: 2009, message: msgInvalidJSON},
					{name: "enable not a boolean", method: post, path: apiPath("setCategoryPreferences"), body: arr{obj{"extId": u, "category": "Shopping", "enable": "no"}}, code: 2004, message: "Field 'enable' should be a boolean"},
				})
			},
		},
		{
			Name: "categories/read-back", Tags: []Tag{MockOnly},
			Doc: "Preferences set read back per category name on PUSH; entries for one other channel, unknown categories or channels, or without enable change nothing.",
			Why: "it writes the seeded user id1's preferences, and relies on the fake's categories",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("setCategoryPreferences"), arr{
					obj{"extId": "id1", "category": "Shopping", "enable": false},
					obj{"extId": "id1", "category": "Promotion", "enable": true},
					obj{"extId": "id1", "category": "Newsletter", "channel": "EMAIL", "enable": false},
					obj{"extId": "id1", "category": "No such category", "enable": false},
					obj{"extId": "id1", "category": "Discounts", "channel": "FAX", "enable": false},
					obj{"extId": "id1", "category": "Campaigns"},
				}))
				c.Equal(c.Do(get, apiPath("getCategoryPreferences", "externalId", "id1"), nil), obj{"categoryPreferences": obj{
					"Shopping": false, "Promotion": true, "Promotions": true, "Discounts": true, "Newsletter": true,
					"Haftalık Bülten": true, "Order Updates": true, "Campaigns": true,
				}})
			},
		},
	}
}
