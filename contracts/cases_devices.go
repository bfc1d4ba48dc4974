package contracts

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// id1Devices is getDevices of id1: the guide's sample, verbatim.
var id1Devices = obj{"extId": "id1", "devices": arr{
	obj{"platform": "ANDROID", "token": "a1b2c3d4e5f6g7", "deviceModel": "Pixel 5", "pushPermitted": true},
}}

func deviceCases() []Case {
	return []Case{
		{
			Name: "devices/unknown-user", Tags: []Tag{LiveSafe},
			Doc: "getDevices of an unknown user answers an empty list; enablePush and disablePush of unknown users or tokens answer 200 with no body.",
			Run: func(ctx context.Context, c *Check) {
				u, tok := c.ID("u1"), c.ID("token1")
				c.Equal(c.Do(get, apiPath("getDevices", "extId", u), nil), obj{"extId": u, "devices": arr{}})
				c.Equal(c.Do(get, apiPath("getDevices", "extId", u, "pushPermitted", "true"), nil), obj{"extId": u, "devices": arr{}})
				c.Applied(c.Do(post, apiPath("enablePush"), obj{"extId": u}))
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"deviceToken": tok}))
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"extId": u, "deviceToken": tok}))
			},
		},
		{
			Name: "devices/refusals", Tags: []Tag{LiveSafe},
			Doc: "getDevices without extId answers 2020 and a non-boolean pushPermitted 2004; enablePush and disablePush without a user answer 2020, an extId that is not a text 2004, an array body 2009.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "no extId", method: get, path: apiPath("getDevices"), code: 2020, message: "extId is required"},
					{name: "pushPermitted not a boolean", method: get, path: apiPath("getDevices", "extId", u, "pushPermitted", "maybe"), code: 2004, message: "Field 'pushPermitted' should be a boolean"},
					{name: "nobody to enable", method: post, path: apiPath("enablePush"), body: obj{}, code: 2020, message: "extId or deviceToken is required"},
					{name: "empty names", method: post, path: apiPath("disablePush"), body: obj{"extId": "", "deviceToken": ""}, code: 2020, message: "extId or deviceToken is required"},
					{name: "extId not a text", method: post, path: apiPath("enablePush"), body: obj{"extId": 5}, code: 2004, message: "Field 'extId' should be a text"},
					{name: "deviceToken not a text", method: post, path: apiPath("disablePush"), body: obj{"deviceToken": arr{}}, code: 2004, message: "Field 'deviceToken' should be a text"},
					{name: "array body", method: post, path: apiPath("disablePush"), body: arr{obj{"extId": u}}, code: 2009, message: msgInvalidJSON},
				})
			},
		},
		{
			Name: "devices/read-back", Tags: []Tag{MockOnly},
			Doc: "getDevices of id1 is the guide's sample; push permission changes by token or by user read back, pushPermitted=true filters, and extId wins over deviceToken.",
			Why: "it reads and writes the seeded users id1 and id_in_my_system_1 and their documented tokens",
			Run: func(ctx context.Context, c *Check) {
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1"), nil), id1Devices)
				off := obj{"extId": "id1", "devices": arr{
					obj{"platform": "ANDROID", "token": "a1b2c3d4e5f6g7", "deviceModel": "Pixel 5", "pushPermitted": false},
				}}
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"deviceToken": "a1b2c3d4e5f6g7"}))
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1"), nil), off)
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1", "pushPermitted", "false"), nil), off)
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1", "pushPermitted", "true"), nil), obj{"extId": "id1", "devices": arr{}})
				c.Applied(c.Do(post, apiPath("enablePush"), obj{"extId": "id1"}))
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1", "pushPermitted", "true"), nil), id1Devices)
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"extId": "id_in_my_system_1", "deviceToken": "a1b2c3d4e5f6g7"}))
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id1"), nil), id1Devices)
				c.Equal(c.Do(get, apiPath("getDevices", "extId", "id_in_my_system_1"), nil), obj{"extId": "id_in_my_system_1", "devices": arr{
					obj{"platform": "IOS", "token": "my_device_token", "deviceModel": "iPhone 13", "pushPermitted": false},
				}})
			},
		},
	}
}

// walkPages follows nextPage links from first, handing each answer to page,
// which returns the page's nextPage ("" when absent) or false to stop.
// Every link must be an absolute URL on the target's scheme and host, to
// the same endpoint; a relative one is reported, then followed. It
// returns whether a last page was reached, and the pages read.
func walkPages(c *Check, first, endpoint string, maxPages int, derived bool, page func(r *Response) (string, bool)) (bool, int) {
	path := first
	for n := 0; n < maxPages; n++ {
		r := c.Send(Request{Method: get, Path: path, Derived: derived || n > 0})
		next, ok := page(r)
		if !ok {
			return false, n + 1
		}
		if next == "" {
			return true, n + 1
		}
		u, err := url.Parse(next)
		if err != nil {
			c.Errorf("%s\n\tnextPage %q is not a URL: %v", r, next, err)
			return false, n + 1
		}
		base := c.r.base
		switch {
		case !u.IsAbs() || u.Host == "":
			c.Errorf("%s\n\tnextPage %q is not an absolute URL: the reference says to call it as is", r, next)
			u = base.ResolveReference(u)
		case u.Scheme != base.Scheme || u.Host != base.Host:
			c.Errorf("%s\n\tnextPage %q is not on %s://%s, the host that served the request", r, next, base.Scheme, base.Host)
			return false, n + 1
		}
		if u.Path != "/rest/3.0/"+endpoint {
			c.Errorf("%s\n\tnextPage %q is not a %s URL", r, next, endpoint)
			return false, n + 1
		}
		path = u.String()
	}
	return false, maxPages
}

type tokenPage struct {
	NextPage *string
	Total    int
	Devices  []struct {
		InstallationID, Token, DeviceToken, ExtID, Platform string
	}
}

// livePages bounds walks against a live app, whose lists may be huge.
const livePages = 5

func tokenCases() []Case {
	return []Case{
		{
			Name: "devices/tokens-walk", Tags: []Tag{LiveSafe},
			Doc: "getDeviceTokens pages: every installation once, absolute nextPage links on the serving host, none on the last page; against the fake, full pages, a steady total and the whole list.",
			Run: func(ctx context.Context, c *Check) {
				size, pages := 50, 100_000
				if c.Live() {
					size, pages = 10, livePages
				}
				seen, count, total := map[string]bool{}, 0, -1
				complete, _ := walkPages(c, apiPath("getDeviceTokens", "max", strconv.Itoa(size), "offset", "0"), "getDeviceTokens", pages, false,
					func(r *Response) (string, bool) {
						var p tokenPage
						if !c.Decode(r, &p) {
							return "", false
						}
						if len(p.Devices) > size {
							c.Errorf("%s\n\tholds %d installations, more than max=%d", r, len(p.Devices), size)
						}
						if !c.Live() && p.NextPage != nil && len(p.Devices) != size {
							c.Errorf("%s\n\tholds %d installations and a nextPage: a page before the last must be full (%d)", r, len(p.Devices), size)
						}
						if !c.Live() && total >= 0 && p.Total != total {
							c.Errorf("%s\n\ttotal %d, was %d on the first page", r, p.Total, total)
						}
						total = p.Total
						for _, d := range p.Devices {
							id := firstNonEmpty(d.InstallationID, d.DeviceToken, d.Token)
							if id != "" && seen[id] {
								c.Errorf("%s\n\tinstallation %q is listed a second time", r, id)
							}
							if id != "" {
								seen[id] = true
							}
							count++
						}
						if p.NextPage == nil {
							return "", true
						}
						return *p.NextPage, true
					})
				if !c.Live() {
					if !complete {
						c.Errorf("getDeviceTokens: the walk did not reach a last page (without nextPage) in %d pages", pages)
					} else if count != total {
						c.Errorf("getDeviceTokens: the walk listed %d installations, the total says %d", count, total)
					}
				}
				for _, tc := range []struct{ query []string }{{nil}, {[]string{"max", "2000"}}} {
					var p tokenPage
					r := c.Do(get, apiPath("getDeviceTokens", tc.query...), nil)
					if !c.Decode(r, &p) {
						continue
					}
					limit := 10
					if tc.query != nil {
						limit = 1000
					}
					if len(p.Devices) > limit || (!c.Live() && len(p.Devices) != min(limit, total)) {
						c.Errorf("%s\n\tholds %d installations, want %d (the default page is 10, max is clamped to 1000)", r, len(p.Devices), min(limit, total))
					}
				}
			},
		},
		{
			Name: "devices/tokens-refusals", Tags: []Tag{MockOnly},
			Doc: "getDeviceTokens refuses a max that is not a positive integer and an offset that is negative or not an integer (2004).",
			Why: "Netmera documents no error for page parameters; these answers are the fake's inference",
			Run: func(ctx context.Context, c *Check) {
				c.refuseAll([]refusal{
					{name: "max 0", method: get, path: apiPath("getDeviceTokens", "max", "0"), code: 2004, message: "Field 'max' should be a positive integer"},
					{name: "max not an integer", method: get, path: apiPath("getDeviceTokens", "max", "ten"), code: 2004, message: "Field 'max' should be an integer"},
					{name: "negative offset", method: get, path: apiPath("getDeviceTokens", "offset", "-1"), code: 2004, message: "Field 'offset' should not be negative"},
					{name: "offset not an integer", method: get, path: apiPath("getDeviceTokens", "offset", "x"), code: 2004, message: "Field 'offset' should be an integer"},
				})
			},
		},
		{
			Name: "devices/tokens-read-back", Tags: []Tag{MockOnly},
			Doc: "getDeviceTokens starts with the guide's sample device (abc123pushToken) in both entry shapes, its nextPage is offset=1&max=1 on the serving host, and disablePush shows in it.",
			Why: "it reads and writes the seeded device abc123pushToken",
			Run: func(ctx context.Context, c *Check) {
				entry := obj{"installationId": "example-installation-1", "platform": "ANDROID", "extId": "id2",
					"deviceToken": "abc123pushToken", "token": "abc123pushToken", "deviceModel": "Pixel 6", "pushPermitted": true}
				r := c.Do(get, apiPath("getDeviceTokens", "max", "1"), nil)
				var p struct{ Total int }
				c.Decode(r, &p)
				next := fmt.Sprintf("%s://%s/rest/3.0/getDeviceTokens?offset=1&max=1", c.r.base.Scheme, c.r.base.Host)
				c.Equal(r, obj{"nextPage": next, "total": p.Total, "devices": arr{entry}})
				c.Applied(c.Do(post, apiPath("disablePush"), obj{"deviceToken": "abc123pushToken"}))
				entry["pushPermitted"] = false
				c.Equal(c.Do(get, apiPath("getDeviceTokens", "max", "1"), nil), obj{"nextPage": next, "total": p.Total, "devices": arr{entry}})
			},
		},
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
