package contracts

import (
	"context"
	"net/http"
	"slices"
)

// registrationCases check registerUsers and deleteUsers.
func registrationCases() []Case {
	return []Case{
		{
			Name: "users/register-refusals", Tags: []Tag{LiveSafe},
			Doc: "registerUsers refuses an empty array (2020), a single object (2009), and, whole, a batch with an entry of an unknown platform or with neither platform nor msisdn.",
			Run: func(ctx context.Context, c *Check) {
				u1, u2 := c.ID("u1"), c.ID("u2")
				ok := obj{"extId": u1, "deviceToken": c.ID("token"), "platform": "IOS"}
				c.refuseAll([]refusal{
					{name: "empty", method: post, path: apiPath("registerUsers"), body: arr{}, code: 2020,
						message: "At least one registration is required: the array is empty"},
					{name: "single object", method: post, path: apiPath("registerUsers"), body: ok, code: 2009, message: msgInvalidJSON},
					{name: "unknown platform", method: post, path: apiPath("registerUsers"), body: arr{ok, obj{"extId": u2, "deviceToken": c.ID("t2"), "platform": "WINDOWS"}},
						code: 2004, message: "Invalid registration at index 1: unknown platform 'WINDOWS' (one of IOS, ANDROID, CHROME, FIREFOX, SAFARI, EDGE, OPERA, YANDEX, MACOS)"},
					{name: "neither platform nor msisdn", method: post, path: apiPath("registerUsers"), body: arr{obj{"extId": u2, "email": u2 + "@example.com"}, ok},
						code: 2020, message: "Invalid registration at index 0: platform or msisdn is required"},
				})
			},
		},
		{
			Name: "users/register-read-back", Tags: []Tag{MockOnly},
			Doc: "registerUsers as netmera4j sends it answers 200 with no body and registers the device, email, tags and profile; an SMS-only entry registers a user with an MSISDN; a refused batch registers nothing.",
			Why: "it creates users, which no live-safe case may, and reads tags through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				bad := arr{obj{"extId": "reg-1", "msisdn": "905550000001"}, obj{"extId": "reg-2", "tags": "VIP", "msisdn": "905550000002"}}
				c.Refused(c.Do(post, apiPath("registerUsers"), bad), http.StatusBadRequest, 2004, "Invalid registration at index 1: Field 'tags' should be a list of texts")
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "reg-1"), nil), obj{"extId": "reg-1", "profile": obj{}})

				// netmera4j's NewDevice list: Gson leaves out null members.
				c.Applied(c.Do(post, apiPath("registerUsers"), arr{obj{"deviceToken": "reg-token-1", "platform": "ANDROID", "extId": "reg-1", "email": "reg1@example.com"}}))
				c.Applied(c.Do(post, apiPath("registerUsers"), arr{
					obj{"extId": "reg-1", "tags": arr{"VIP"}, "profile": obj{"name": "Reg", "notAnAttribute": 1}, "msisdn": "905550000001"},
					obj{"extId": "reg-sms", "msisdn": "905550000009"},
				}))
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "reg-1"), nil),
					obj{"extId": "reg-1", "profile": obj{"email": "reg1@example.com", "msisdn": "905550000001", "name": "Reg"}})
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "reg-1"), nil),
					obj{"extId": "reg-1", "devices": arr{obj{"platform": "ANDROID", "token": "reg-token-1", "pushPermitted": true}}})
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "reg-sms"), nil), obj{"extId": "reg-sms", "profile": obj{"msisdn": "905550000009"}})
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "reg-sms"), nil), obj{"extId": "reg-sms", "devices": arr{}})
				wantTags(c, map[string][]string{"reg-1": {"VIP"}})
			},
		},
		{
			Name: "users/register-delay", Tags: []Tag{MockOnly},
			Doc: "With a registration delay set through /_mock/registrations, registerUsers answers 200 at once and the users appear only once the delay is over (or POST /_mock/registrations/apply).",
			Why: "the delay is the fake's model of Netmera's asynchronous processing, set through its control API",
			Run: func(ctx context.Context, c *Check) {
				c.mock(http.MethodPut, "/_mock/registrations", obj{"delayMs": 600_000}, nil)
				c.Applied(c.Do(post, apiPath("registerUsers"), arr{obj{"extId": "late-1", "msisdn": "905550000101"}}))
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "late-1"), nil), obj{"extId": "late-1", "profile": obj{}})
				var applied struct{ Applied int }
				c.mock(http.MethodPost, "/_mock/registrations/apply", nil, &applied)
				if applied.Applied != 1 {
					c.Errorf("POST /_mock/registrations/apply applied %d requests, want 1", applied.Applied)
				}
				c.Equal(c.Do(get, apiPath("getProfileAttributes", "extId", "late-1"), nil), obj{"extId": "late-1", "profile": obj{"msisdn": "905550000101"}})
			},
		},
		{
			Name: "users/untrack-unknown", Tags: []Tag{LiveSafe},
			Doc: "deleteUsers of unknown users answers 200 with no body.",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("deleteUsers"), obj{"extIds": arr{c.ID("u1"), c.ID("u2")}}))
			},
		},
		{
			Name: "users/untrack", Tags: []Tag{MockOnly},
			Doc: "deleteUsers keeps the profile readable but takes the user out of getDeviceTokens and its segments; registerUsers tracks the user again.",
			Why: "it untracks the seeded user id2 and reads its tokens and segments",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("deleteUsers"), obj{"extIds": arr{"id2"}}))
				r := c.Do(get, apiPath("getProfileAttributes", "extId", "id2"), nil)
				var p struct{ Profile map[string]any }
				if c.Decode(r, &p) && p.Profile["name"] != "Jane" {
					c.Errorf("%s\n\tuntracked id2's profile is not readable (name %v, want Jane)", r, p.Profile["name"])
				}
				if slices.Contains(deviceTokenList(c), "abc123pushToken") {
					c.Errorf("getDeviceTokens lists abc123pushToken of the untracked id2")
				}
				if slices.Contains(segmentMembers(c, 5883), "id2") {
					c.Errorf("getSegmentUsers of segment 5883 lists the untracked id2")
				}
				c.Applied(c.Do(post, apiPath("registerUsers"), arr{obj{"extId": "id2", "deviceToken": "abc123pushToken", "platform": "ANDROID"}}))
				if !slices.Contains(deviceTokenList(c), "abc123pushToken") {
					c.Errorf("getDeviceTokens does not list abc123pushToken of id2, registered again")
				}
			},
		},
		{
			Name: "users/untrack-refusals", Tags: []Tag{MockOnly},
			Doc: "deleteUsers without extIds answers 400 2020, extIds not a list 2004, an array body 2009.",
			Why: "Netmera documents 500 2001 without extIds; the fake answers the clearer 400 2020 of deleteUsersPermanently",
			Run: func(ctx context.Context, c *Check) {
				c.refuseAll([]refusal{
					{name: "no extIds", method: post, path: apiPath("deleteUsers"), body: obj{}, code: 2020, message: "extIds is required"},
					{name: "extIds not a list", method: post, path: apiPath("deleteUsers"), body: obj{"extIds": "id1"}, code: 2004, message: "Field 'extIds' should be a list"},
					{name: "array body", method: post, path: apiPath("deleteUsers"), body: arr{obj{"extIds": arr{"id1"}}}, code: 2009, message: msgInvalidJSON},
				})
			},
		},
	}
}

// appDataCases check getPushCategories, app/events and addTesters.
func appDataCases() []Case {
	return []Case{
		{
			Name: "appdata/push-categories", Tags: []Tag{LiveSafe},
			Doc: "getPushCategories lists one {id, name} object per category, each name once; against the fake, its categories by ID.",
			Run: func(ctx context.Context, c *Check) {
				r := c.Do(get, apiPath("getPushCategories"), nil)
				var cats []struct {
					ID   int
					Name string
				}
				if !c.Decode(r, &cats) {
					return
				}
				seen := map[string]bool{}
				for _, cat := range cats {
					if cat.Name == "" || seen[cat.Name] {
						c.Errorf("%s\n\tcategory %d has an empty or repeated name %q", r, cat.ID, cat.Name)
					}
					seen[cat.Name] = true
				}
				if c.Live() {
					return
				}
				c.Equal(r, arr{obj{"id": 1, "name": "Shopping"}, obj{"id": 2, "name": "Promotion"}, obj{"id": 3, "name": "Promotions"},
					obj{"id": 4, "name": "Discounts"}, obj{"id": 5, "name": "Newsletter"}, obj{"id": 6, "name": "Haftalık Bülten"},
					obj{"id": 7, "name": "Order Updates"}, obj{"id": 8, "name": "Campaigns"}})
			},
		},
		{
			Name: "appdata/events", Tags: []Tag{LiveSafe},
			Doc: "app/events lists standard and custom event definitions, each name and code once, custom events extending a standard one listing its attributes as inherited; against the fake, its ShareEvent and SubscriptionPurchase.",
			Run: func(ctx context.Context, c *Check) {
				r := c.Do(get, apiPath("app/events"), nil)
				type attribute struct {
					Name      string
					Inherited bool
				}
				type event struct {
					Code, Name, BaseEvent string
					Attributes            []attribute
				}
				var defs struct{ StandardEvents, CustomEvents []event }
				if !c.Decode(r, &defs) {
					return
				}
				standard := map[string][]attribute{}
				for _, e := range defs.StandardEvents {
					standard[e.Code] = e.Attributes
				}
				names, codes := map[string]bool{}, map[string]bool{}
				for _, e := range append(slices.Clone(defs.StandardEvents), defs.CustomEvents...) {
					if names[e.Name] || codes[e.Code] {
						c.Errorf("%s\n\tevent %q (code %q) is listed twice", r, e.Name, e.Code)
					}
					names[e.Name], codes[e.Code] = true, true
					if e.BaseEvent == "" {
						continue
					}
					base, ok := standard[e.BaseEvent]
					if !ok || len(e.Attributes) < len(base) {
						c.Errorf("%s\n\tevent %q extends %q, which is no standard event listed, or lists fewer attributes than it", r, e.Name, e.BaseEvent)
						continue
					}
					for i, a := range base {
						if e.Attributes[i].Name != a.Name || !e.Attributes[i].Inherited {
							c.Errorf("%s\n\tevent %q does not list %q of %q first, as inherited", r, e.Name, a.Name, e.BaseEvent)
						}
					}
				}
				if c.Live() {
					return
				}
				var raw struct{ CustomEvents []any }
				c.Decode(r, &raw)
				want := arr{
					obj{"code": "shrev", "name": "ShareEvent", "label": "Share", "attributes": arr{
						obj{"name": "itemId", "dataType": "STRING"}, obj{"name": "channel", "dataType": "STRING", "mandatory": true}}},
					obj{"code": "subpr", "name": "SubscriptionPurchase", "label": "Subscription purchase", "baseEvent": "n:pr", "attributes": arr{
						obj{"name": "amount", "dataType": "DOUBLE", "mandatory": true, "inherited": true},
						obj{"name": "currency", "dataType": "STRING", "inherited": true},
						obj{"name": "itemCount", "dataType": "INTEGER", "inherited": true},
						obj{"name": "paymentMethod", "dataType": "STRING", "inherited": true},
						obj{"name": "plan", "dataType": "STRING", "mandatory": true}}},
				}
				got := arr{}
				for _, e := range raw.CustomEvents {
					if m, ok := e.(map[string]any); ok && (m["name"] == "ShareEvent" || m["name"] == "SubscriptionPurchase") {
						got = append(got, e)
					}
				}
				w, _ := jsonOf(want)
				g, _ := jsonOf(got)
				if d := diffValues(w, g); d != "" {
					c.Errorf("%s\n\tcustomEvents' ShareEvent and SubscriptionPurchase differ (-want +got):\n%s", r, d)
				}
			},
		},
		{
			Name: "appdata/define-event", Tags: []Tag{MockOnly},
			Doc: "An event defined through the control API is listed by app/events and fired by fireEvents.",
			Why: "events are defined in the panel; the fake defines them through POST /_mock/events/definitions",
			Run: func(ctx context.Context, c *Check) {
				def := obj{"name": "Checkout", "code": "chkot", "attributes": arr{obj{"name": "total", "dataType": "DOUBLE", "mandatory": true}}}
				c.mock(http.MethodPost, "/_mock/events/definitions", def, nil)
				var defs struct{ CustomEvents []struct{ Name, Code string } }
				c.Decode(c.Do(get, apiPath("app/events"), nil), &defs)
				if !slices.ContainsFunc(defs.CustomEvents, func(e struct{ Name, Code string }) bool { return e.Name == "Checkout" && e.Code == "chkot" }) {
					c.Errorf("app/events does not list Checkout (chkot) after it was defined: %+v", defs.CustomEvents)
				}
				c.Applied(c.Do(post, apiPath("fireEvents"), arr{obj{"extId": "id1", "name": "chkot", "total": 99.5}}))
				wantEvents(c, "id1", arr{obj{"extId": "id1", "name": "Checkout", "code": "chkot", "attributes": obj{"total": 99.5}}})
			},
		},
		{
			Name: "testers/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "addTesters answers 200 with no body for unknown users, unknown emails and an entry with neither extId nor email.",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("addTesters"), arr{obj{"extId": c.ID("u1")}, obj{"email": c.ID("u2") + "@example.com"}, obj{}}))
			},
		},
		{
			Name: "testers/read-back", Tags: []Tag{MockOnly},
			Doc: "addTesters makes every device of the users named, by extId or by email, a test device.",
			Why: "Netmera has no endpoint that lists test devices: they are read through /_mock/state",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("addTesters"), arr{obj{"extId": "id1"}, obj{"email": "jane.smith@example.com"}}))
				var testers []string
				for _, d := range c.state().Devices {
					if d.Tester {
						testers = append(testers, d.InstallationID)
					}
				}
				if want := []string{"example-installation-1", "example-installation-2"}; !slices.Equal(testers, want) {
					c.Errorf("/_mock/state: test devices %q, want %q (id2's, found by email, and id1's)", testers, want)
				}
			},
		},
		{
			Name: "testers/refusals", Tags: []Tag{LiveSafe},
			Doc: "addTesters refuses a body that is not JSON or not an array or object (2009).",
			Run: func(ctx context.Context, c *Check) {
				c.refuseAll([]refusal{
					{name: "a string", method: post, path: apiPath("addTesters"), body: c.ID("u1"), code: 2009, message: msgInvalidJSON},
				})
			},
		},
	}
}
