package contracts

import (
	"context"
	"net/http"
	"strings"
)

func transportCases() []Case {
	return []Case{
		{
			Name: "auth/missing-key", Tags: []Tag{LiveSafe},
			Doc: "Every operation of the document answers 403 {code 2010} without an API key.",
			Run: func(ctx context.Context, c *Check) { everyOpRefusesKey(c, "") },
		},
		{
			Name: "auth/wrong-key", Tags: []Tag{LiveSafe},
			Doc: "Every operation of the document answers 403 {code 2010} to an unknown API key.",
			Run: func(ctx context.Context, c *Check) { everyOpRefusesKey(c, wrongKey) },
		},
		{
			Name: "auth/key-header-any-case", Tags: []Tag{LiveSafe},
			Doc: "The X-netmera-api-key header is matched whatever the case of its name.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				for _, name := range []string{"x-netmera-api-key", "X-NETMERA-API-KEY", "X-Netmera-Api-Key"} {
					r := c.Do(get, apiPath("getDevices", "extId", u), nil, name, c.Target().APIKey)
					c.Equal(r, obj{"extId": u, "devices": arr{}})
				}
			},
		},
		{
			Name: "transport/unknown-path", Tags: []Tag{LiveSafe},
			Doc: "A path that is not served answers 404 with an RFC 9457 problem detail, not the {code, error} envelope.",
			Run: func(ctx context.Context, c *Check) {
				for _, p := range []string{"/rest/3.0/tagUser", "/rest/3.0/getDevices/extra"} {
					for _, m := range []string{get, post} {
						checkProblem(c, c.Do(m, p, nil), http.StatusNotFound, p)
					}
				}
			},
		},
		{
			Name: "transport/unknown-path-key-first", Tags: []Tag{MockOnly},
			Doc: "Under /rest/3.0/ the key is checked first: an unknown path answers 403 2010 without a valid key and 404 with one.",
			Why: "the order of the key check and routing is the fake's inference",
			Run: func(ctx context.Context, c *Check) {
				for _, key := range []string{wrongKey, ""} {
					c.Refused(c.Do(get, "/rest/3.0/tagUser", nil, HeaderAPIKey, key), http.StatusForbidden, 2010, msgBadKey)
				}
				checkProblem(c, c.Do(get, "/rest/3.0/tagUser", nil), http.StatusNotFound, "/rest/3.0/tagUser")
			},
		},
		{
			Name: "transport/wrong-method", Tags: []Tag{MockOnly},
			Doc: "A known path with the wrong method answers 405 problem+json with an Allow header.",
			Why: "the 405 answer is the fake's inference",
			Run: func(ctx context.Context, c *Check) {
				for _, tc := range []struct{ method, path, allow string }{
					{get, "/rest/3.0/tagUsers", "POST"},
					{post, "/rest/3.0/getDevices", "GET"},
				} {
					r := c.Do(tc.method, tc.path, nil)
					checkProblem(c, r, http.StatusMethodNotAllowed, tc.path)
					if got := r.Header.Get("Allow"); got != tc.allow {
						c.Errorf("%s\n\tAllow header is %q, want %q", r, got, tc.allow)
					}
				}
			},
		},
	}
}

// everyOpRefusesKey calls every operation with key ("" sends none) and a
// harmless body, and wants 403 {"code":2010,"error":"API key is invalid"}.
func everyOpRefusesKey(c *Check, key string) {
	for _, op := range documentOps(c) {
		r := c.Send(Request{Method: strings.ToUpper(op.method), Path: op.path, Body: op.harmlessBody(), Header: []string{HeaderAPIKey, key}})
		if !c.Refused(r, http.StatusForbidden, 2010, msgBadKey) {
			c.Errorf("\t(%s must refuse a missing or unknown key before anything else)", op.id)
		}
	}
}

// checkProblem checks an RFC 9457 problem detail: the media type, the five
// members with their JSON types, status and instance; against the fake,
// every value.
func checkProblem(c *Check, r *Response, status int, path string) {
	if r.Status != status || mediaType(r) != "application/problem+json" {
		c.Errorf("%s\n\twant %d application/problem+json", r, status)
		return
	}
	var p struct {
		Type, Title, Detail, Instance *string
		Status                        *int
	}
	var members map[string]any
	if err := decodeJSON(r.Body, &members); err != nil || decodeJSON(r.Body, &p) != nil {
		c.Errorf("%s\n\tthe problem detail is not a JSON object of type, title, status, detail, instance", r)
		return
	}
	if len(members) != 5 || p.Type == nil || p.Title == nil || p.Detail == nil || p.Instance == nil || p.Status == nil {
		c.Errorf("%s\n\twant exactly the members type, title, status, detail and instance", r)
		return
	}
	if *p.Status != status || *p.Instance != path {
		c.Errorf("%s\n\twant status %d and instance %q in the problem detail", r, status, path)
	}
	if c.Live() {
		return
	}
	want := obj{"type": "about:blank", "title": http.StatusText(status), "status": status, "instance": path,
		"detail": "No static resource " + strings.TrimPrefix(path, "/") + "."}
	if status == http.StatusMethodNotAllowed {
		want["detail"] = "Method '" + r.Method + "' is not supported."
	}
	got, _ := jsonOf(r.Body)
	w, _ := jsonOf(want)
	if d := diffValues(w, got); d != "" {
		c.Errorf("%s\n\tthe problem detail differs (-want +got):\n%s", r, d)
	}
}

func errorCases() []Case {
	return []Case{
		{
			Name: "errors/invalid-json", Tags: []Tag{LiveSafe},
			Doc: "Every write answers 400 {code 2009} to a truncated or empty body, and unsetProfileAttributes to a single object.",
			Run: func(ctx context.Context, c *Check) {
				for _, op := range documentOps(c) {
					if !op.hasBody {
						continue
					}
					for _, body := range []string{`{"extIds": [`, `[{"extId": "` + c.ID("u1") + `"`, ""} {
						r := c.Do(post, op.path, body)
						if !c.Refused(r, http.StatusBadRequest, 2009, msgInvalidJSON) {
							c.Errorf("\t(%s must refuse a body that is not JSON)", op.id)
						}
					}
				}
				// Documented for unsetProfileAttributes: an object where
				// the array belongs.
				r := c.Do(post, apiPath("unsetProfileAttributes"), obj{"extId": c.ID("u1"), "profile": arr{"age"}})
				c.Refused(r, http.StatusBadRequest, 2009, msgInvalidJSON)
			},
		},
		{
			Name: "errors/not-the-json-wanted", Tags: []Tag{MockOnly},
			Doc: "Trailing data, a null body and a body of the wrong JSON type as a whole answer 400 {code 2009}.",
			Why: "Netmera documents 2009 for a single object on unsetProfileAttributes only; the rest is the fake's reading",
			Run: func(ctx context.Context, c *Check) {
				lenient := map[string]bool{"deleteProfileAttributes": true, "deleteProfileAttributeValue": true, "addTesters": true}
				for _, op := range documentOps(c) {
					if !op.hasBody || op.id == "deleteProfileAttributes" {
						continue
					}
					bodies := []string{op.harmlessBody().(string) + " {}", "null"}
					switch {
					case op.arrayBody && op.objectBody: // either is documented: a text is the wrong type
						bodies = append(bodies, `"`+c.ID("u1")+`"`)
					case !op.arrayBody:
						bodies = append(bodies, `[{"extIds": []}]`)
					case !lenient[op.id]:
						bodies = append(bodies, `{"extId": "`+c.ID("u1")+`"}`)
					}
					for _, body := range bodies {
						r := c.Do(post, op.path, body)
						if !c.Refused(r, http.StatusBadRequest, 2009, msgInvalidJSON) {
							c.Errorf("\t(%s must refuse %s)", op.id, body)
						}
					}
				}
			},
		},
	}
}
