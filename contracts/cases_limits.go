package contracts

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// maxIDs is Netmera's documented limit of unique identifiers per request.
const maxIDs = 1000

// limitEndpoint is an endpoint that names users by list.
type limitEndpoint struct {
	endpoint string
	// body names ids; tag is a per-run tag or attribute value.
	body func(ids []string, tag string) any
	// undo, when set, reverts body's effect on users that exist.
	undo func(ids []string, tag string) any
	// live says the endpoint's identifiers are safe to invent on a live
	// app (MSISDNs are not: an invented number may be a real one).
	live bool
	// overOnly keeps the endpoint to the over-the-limit cases, which it
	// refuses: within the limit it would create what no case may
	// (registerUsers creates users).
	overOnly bool
	// addresses says the body names users by address (email, MSISDN,
	// WhatsApp number), which count toward the limit only when the fake
	// runs with -count-addresses.
	addresses bool
}

func profileEntries(ids []string, key string, payload func(id string) any) arr {
	out := make(arr, len(ids))
	for i, id := range ids {
		out[i] = obj{key: id, "profile": payload(id)}
	}
	return out
}

var limitEndpoints = []limitEndpoint{
	{endpoint: "tagUsers", live: true,
		body: func(ids []string, tag string) any { return obj{"tag": tag, "extIds": ids} },
		undo: func(ids []string, tag string) any { return obj{"tag": tag, "extIds": ids} }},
	{endpoint: "untagUsers", live: true,
		body: func(ids []string, tag string) any { return obj{"tag": tag, "extIds": ids} }},
	{endpoint: "enableMail", live: true, body: func(ids []string, _ string) any { return obj{"extIds": ids} }},
	{endpoint: "disableMail", live: true, addresses: true, body: func(ids []string, _ string) any { return obj{"emailList": emails(ids)} }},
	{endpoint: "enableSms", live: true, body: func(ids []string, _ string) any { return obj{"extIds": ids} }},
	{endpoint: "disableSms", addresses: true, body: func(ids []string, _ string) any { return obj{"msisdnList": msisdns(ids)} }},
	{endpoint: "enableWhatsApp", live: true, body: func(ids []string, _ string) any { return obj{"extIds": ids} }},
	{endpoint: "disableWhatsApp", addresses: true, body: func(ids []string, _ string) any { return obj{"wpNumbers": msisdns(ids)} }},
	{endpoint: "setProfileAttributes", live: true,
		body: func(ids []string, tag string) any {
			return profileEntries(ids, "extId", func(string) any { return obj{"name": tag} })
		},
		undo: func(ids []string, _ string) any {
			return profileEntries(ids, "extId", func(string) any { return arr{"name"} })
		}},
	{endpoint: "setProfileAttributes", live: true,
		body: func(ids []string, tag string) any {
			return profileEntries(ids, "deviceToken", func(string) any { return obj{"name": tag} })
		}},
	{endpoint: "unsetProfileAttributes", live: true,
		body: func(ids []string, _ string) any {
			return profileEntries(ids, "extId", func(string) any { return arr{"name"} })
		}},
	{endpoint: "pushProfileAttributes", live: true,
		body: func(ids []string, tag string) any {
			return profileEntries(ids, "extId", func(string) any { return obj{"lastVisitedCategories": arr{tag}} })
		},
		undo: func(ids []string, tag string) any {
			return profileEntries(ids, "extId", func(string) any { return obj{"lastVisitedCategories": arr{tag}} })
		}},
	{endpoint: "pullProfileAttributes", live: true,
		body: func(ids []string, tag string) any {
			return profileEntries(ids, "extId", func(string) any { return obj{"lastVisitedCategories": arr{tag}} })
		}},
	{endpoint: "setCategoryPreferences", live: true,
		body: func(ids []string, _ string) any {
			out := make(arr, len(ids))
			for i, id := range ids {
				out[i] = obj{"extId": id, "category": "Shopping", "enable": true}
			}
			return out
		}},
	{endpoint: "registerUsers", overOnly: true,
		body: func(ids []string, _ string) any {
			out := make(arr, len(ids))
			for i, id := range ids {
				out[i] = obj{"extId": id, "platform": "ANDROID"}
			}
			return out
		}},
	{endpoint: "deleteUsers", body: func(ids []string, _ string) any { return obj{"extIds": ids} }},
	{endpoint: "addTesters", live: true,
		body: func(ids []string, _ string) any {
			out := make(arr, len(ids))
			for i, id := range ids {
				out[i] = obj{"extId": id}
			}
			return out
		}},
	{endpoint: "fireEvents",
		body: func(ids []string, _ string) any {
			out := make(arr, len(ids))
			for i, id := range ids {
				out[i] = obj{"extId": id, "name": "LoginEvent"}
			}
			return out
		}},
}

// undoEndpoint is the endpoint that reverts e.
func (e limitEndpoint) undoEndpoint() string {
	switch e.endpoint {
	case "tagUsers":
		return "untagUsers"
	case "setProfileAttributes":
		return "unsetProfileAttributes"
	case "pushProfileAttributes":
		return "pullProfileAttributes"
	}
	return ""
}

func emails(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id + "@example.com"
	}
	return out
}

// msisdns gives each ID a number of its own, in a range no generated or
// example user has.
func msisdns(ids []string) []string {
	nums := map[string]string{}
	out := make([]string, len(ids))
	for i, id := range ids {
		n, ok := nums[id]
		if !ok {
			n = fmt.Sprintf("90539999%04d", len(nums))
			nums[id] = n
		}
		out[i] = n
	}
	return out
}

// limitIDs returns n unique prefixed identifiers.
func limitIDs(c *Check, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = c.ID(fmt.Sprintf("limit-%04d", i))
	}
	return ids
}

// underLimit sends every endpoint ids and wants it applied, undoing it
// afterwards.
func underLimit(c *Check, ids []string) {
	tag := c.ID("limit")
	for _, e := range limitEndpoints {
		if (!e.live && c.Live()) || e.overOnly {
			continue
		}
		if e.undo != nil {
			c.Cleanup(func() { c.Applied(c.Do(post, apiPath(e.undoEndpoint()), e.undo(ids, tag))) })
		}
		r := c.Do(post, apiPath(e.endpoint), e.body(ids, tag))
		if !c.Applied(r) {
			c.Errorf("\t(%s names %d identifiers, %d of them unique: within the limit of %d)", e.endpoint, len(ids), len(slices.Compact(slices.Sorted(slices.Values(ids)))), maxIDs)
		}
	}
}

func limitCases() []Case {
	return []Case{
		{
			Name: "limit/1000-unique-ids", Tags: []Tag{LiveSafe},
			Doc: "Every endpoint that names users by list takes exactly 1000 unique identifiers.",
			Run: func(ctx context.Context, c *Check) { underLimit(c, limitIDs(c, maxIDs)) },
		},
		{
			Name: "limit/duplicates-count-once", Tags: []Tag{LiveSafe},
			Doc: "1000 unique identifiers each named twice (2000 in all) are within the limit: repeats count once.",
			Run: func(ctx context.Context, c *Check) {
				ids := limitIDs(c, maxIDs)
				underLimit(c, append(ids, ids...))
			},
		},
		{
			Name: "limit/over-1000", Tags: []Tag{MockOnly},
			Doc: "1001 unique external IDs or device tokens answer 400 {code 2009, \"Maximum 1000 unique external IDs or device tokens per request, got 1001\"} on every endpoint that names users by list.",
			Why: "Netmera documents the limit but not its answer; 400 2009 is the fake's choice (-limit-code)",
			Run: func(ctx context.Context, c *Check) {
				ids := limitIDs(c, maxIDs+1)
				msg := fmt.Sprintf("Maximum %d unique external IDs or device tokens per request, got %d", maxIDs, maxIDs+1)
				for _, e := range limitEndpoints {
					if e.addresses {
						continue // limit/addresses-not-counted
					}
					r := c.Do(post, apiPath(e.endpoint), e.body(ids, c.ID("limit")))
					if !c.Refused(r, http.StatusBadRequest, 2009, msg) {
						c.Errorf("\t(%s names 1001 unique identifiers)", e.endpoint)
					}
				}
			},
		},
		{
			Name: "limit/addresses-not-counted", Tags: []Tag{MockOnly},
			Doc: "Addresses do not count toward the limit, which Netmera words as external IDs or device tokens: 1500 emails, MSISDNs or WhatsApp numbers, or 1000 external IDs and 1500 emails, are applied; addEmail and addMsisdn take 2500 addresses.",
			Why: "which identifiers the live limit counts is not documented beyond its wording; the fake's default follows the wording (-count-addresses counts addresses too)",
			Run: func(ctx context.Context, c *Check) {
				ids := limitIDs(c, 1500)
				for _, e := range limitEndpoints {
					if e.addresses {
						if !c.Applied(c.Do(post, apiPath(e.endpoint), e.body(ids, c.ID("limit")))) {
							c.Errorf("\t(%s names 1500 addresses and no external ID)", e.endpoint)
						}
					}
				}
				c.Applied(c.Do(post, apiPath("enableMail"), obj{"extIds": ids[:maxIDs], "emailList": emails(ids)}))
				c.Applied(c.Do(post, apiPath("addEmail"), obj{"emailList": emails(limitIDs(c, 2500))}))
				c.Applied(c.Do(post, apiPath("addMsisdn"), obj{"msisdnList": msisdns(limitIDs(c, 2500))}))
				r := c.Do(post, apiPath("enableMail"), obj{"extIds": limitIDs(c, maxIDs+1), "emailList": emails(ids[:1])})
				c.Refused(r, http.StatusBadRequest, 2009, fmt.Sprintf("Maximum %d unique external IDs or device tokens per request, got %d", maxIDs, maxIDs+1))
			},
		},
		{
			Name: "limit/over-1000-applies-nothing", Tags: []Tag{MockOnly},
			Doc: "A request over the limit changes nothing, not even for the users it names that exist.",
			Why: "it writes to the seeded users id1 and your-extId and reads tags and SMS permission through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				ids := append([]string{"id1"}, limitIDs(c, maxIDs)...)
				tag := c.ID("over")
				c.Status(c.Do(post, apiPath("tagUsers"), obj{"tag": tag, "extIds": ids}), http.StatusBadRequest)
				entries := profileEntries(ids, "extId", func(string) any { return obj{"name": "Over"} })
				c.Status(c.Do(post, apiPath("setProfileAttributes"), entries), http.StatusBadRequest)
				sms := append([]string{"your-extId"}, ids[1:]...)
				c.Status(c.Do(post, apiPath("disableSms"), obj{"extIds": sms}), http.StatusBadRequest)

				r := c.Do(get, apiPath("getProfileAttributes", "extId", "id1"), nil)
				var p struct{ Profile map[string]any }
				if c.Decode(r, &p) && p.Profile["name"] != "John" {
					c.Errorf("%s\n\tid1's name is %v after a refused setProfileAttributes, want John unchanged", r, p.Profile["name"])
				}
				for _, u := range c.state().Users {
					if u.ExtID == "id1" && slices.Contains(u.Tags, tag) {
						c.Errorf("/_mock/state: id1 has the tag %q of a refused tagUsers (tags %q)", tag, u.Tags)
					}
					if u.ExtID == "your-extId" && !u.SmsPermitted {
						c.Errorf("/_mock/state: your-extId lost SMS permission to a refused disableSms")
					}
				}
			},
		},
	}
}
