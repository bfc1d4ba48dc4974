package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/netmera-mock/netmera-mock/state"
)

// The rules about one request's shape.

// limitMessage is the fake's answer to a request over the ID limit.
var limitMessage = regexp.MustCompile(`^Maximum (\d+) unique .* got (\d+)$`)

func (c *checker) documentRefused() []Finding {
	return c.each(func(e *entry) string {
		env := e.envelope()
		if e.Status != 400 || e.Fault != "" || env == nil || limitMessage.MatchString(env.Error) {
			return ""
		}
		switch env.Code {
		case 2004, 2009, 2020:
		default:
			return ""
		}
		d := "answered " + e.answer()
		if hint, documented := arrayBodies[e.name]; documented && e.object() {
			d += "; the body is one object where Netmera documents an array of entries"
			if hint != "" {
				d += " (" + hint + ")"
			}
		}
		return d
	})
}

func (c *checker) unknownEndpoint() []Finding {
	return c.each(func(e *entry) string {
		if (e.Status != 404 && e.Status != 405) || e.Fault != "" {
			return ""
		}
		var problem struct {
			Detail string `json:"detail"`
		}
		_ = json.Unmarshal(e.Response, &problem)
		d := fmt.Sprintf("answered %d", e.Status)
		if problem.Detail != "" {
			d += ": " + problem.Detail
		}
		if strings.HasSuffix(e.Path, "/") {
			d += "; the path ends in '/'"
		}
		return d
	})
}

// Notes of the journal that another rule reads.
const duplicateNote = "appears more than once"

// OutcomeNote starts a journal note that says what the fake made of a
// request it took as it is (an event fireEvents rejected alone, a
// registration waiting for its delay), not a shape it let through: no
// rule reads it as leniency.
const OutcomeNote = "outcome: "

func (c *checker) lenientShape() []Finding {
	return c.each(func(e *entry) string {
		if !e.ok() {
			return ""
		}
		var details []string
		noted := func(s string) bool {
			return slices.ContainsFunc(details, func(d string) bool { return strings.Contains(d, s) })
		}
		for _, n := range e.Notes {
			if !strings.Contains(n, duplicateNote) && !strings.HasPrefix(n, OutcomeNote) {
				details = append(details, n)
			}
		}
		if hint, documented := arrayBodies[e.name]; documented && e.object() && !noted("single object") {
			d := "a single object accepted where Netmera documents an array of entries"
			if hint != "" {
				d += "; " + hint
			}
			details = append(details, d)
		}
		if osHeaderEndpoints[e.name] && !noted("X-netmera-os") {
			switch os := e.Header.Get("X-Netmera-Os"); os {
			case "IOS", "ANDROID":
			case "":
				details = append(details, "no X-netmera-os header; Netmera documents it as required (IOS or ANDROID)")
			default:
				details = append(details, fmt.Sprintf("X-netmera-os %q; Netmera documents IOS or ANDROID", os))
			}
		}
		return strings.Join(details, "; ")
	})
}

func (c *checker) duplicateMember() []Finding {
	return c.each(func(e *entry) string {
		e.json()
		var names []string
		for _, k := range e.dups {
			names = append(names, strconv.Quote(k))
		}
		if len(names) == 0 { // not parsed here (a cut body): the server's notes say
			for _, n := range e.Notes {
				if strings.Contains(n, duplicateNote) {
					names = append(names, strings.TrimPrefix(strings.SplitN(n, " appears", 2)[0], "member "))
				}
			}
		}
		if len(names) == 0 {
			return ""
		}
		return "member " + strings.Join(names, ", ") + " appears more than once in one object; the fake, like Jackson, kept the last value"
	})
}

func (c *checker) notificationKeyType() []Finding {
	return c.each(func(e *entry) string {
		if e.name != "sendNotification" || e.Method != "POST" {
			return ""
		}
		var objs []map[string]any
		switch v := e.json().(type) {
		case map[string]any:
			objs = append(objs, v)
		case []any:
			for _, x := range v {
				if m, ok := x.(map[string]any); ok {
					objs = append(objs, m)
				}
			}
		}
		var keys []string
		for _, m := range objs {
			if n, ok := m["notificationKey"].(json.Number); ok {
				keys = append(keys, n.String())
			}
		}
		if len(keys) == 0 {
			return ""
		}
		return fmt.Sprintf("notificationKey %s sent as a JSON number; Netmera answers 400 2004 unless it is a string (\"%s\")",
			strings.Join(keys, ", "), keys[0])
	})
}

func (c *checker) contentType() []Finding {
	return c.each(func(e *entry) string {
		if !e.hasBody() {
			return ""
		}
		switch mt, ok := e.contentType(); {
		case !ok:
			return fmt.Sprintf("a body of %d bytes without Content-Type", len(e.Body))
		case mt != "application/json":
			return fmt.Sprintf("Content-Type %q, not application/json", e.Header.Get("Content-Type"))
		}
		return ""
	})
}

func (c *checker) bodyOnGet() []Finding {
	return c.each(func(e *entry) string {
		if e.Method != "GET" || !e.hasBody() {
			return ""
		}
		return fmt.Sprintf("a GET with a body of %d bytes; its parameters belong in the query string", len(e.Body))
	})
}

// keyID is state.KeyID(v), computed once per value: a keyed hash per
// header of every request would cost a long journal seconds.
func (c *checker) keyID(v string) string {
	if isMaskedKey(v) { // the journal masked it already
		return v
	}
	id, ok := c.keyIDs[v]
	if !ok {
		id = state.KeyID(v)
		c.keyIDs[v] = id
	}
	return id
}

func (c *checker) apiKeyPlacement() []Finding {
	const keyHeader = "X-Netmera-Api-Key"
	return c.each(func(e *entry) string {
		keyID := e.keyID()
		var details []string
		if n := len(e.Header.Values(keyHeader)); n > 1 {
			details = append(details, fmt.Sprintf("X-netmera-api-key given %d times", n))
		}
		for _, name := range slices.Sorted(maps.Keys(e.query)) {
			for _, v := range e.query[name] {
				if isKeyParam(name) || keyID != "" && c.keyID(v) == keyID {
					details = append(details, fmt.Sprintf("the key in the query parameter %q (%s)", name, c.keyID(v)))
				}
			}
		}
		if keyID != "" {
			for _, name := range slices.Sorted(maps.Keys(e.Header)) {
				if strings.EqualFold(name, keyHeader) {
					continue
				}
				for _, v := range e.Header[name] {
					// Secret headers come masked (with their scheme), others
					// in clear.
					_, after, _ := strings.Cut(v, " ")
					if v == keyID || after == keyID || c.keyID(v) == keyID || after != "" && c.keyID(after) == keyID {
						details = append(details, "the key also in the header "+name)
					}
				}
			}
		}
		return strings.Join(details, "; ")
	})
}

// isMaskedKey reports whether v is a key as the journal shows it masked:
// "key-" and 8 hex digits.
func isMaskedKey(v string) bool {
	rest, ok := strings.CutPrefix(v, "key-")
	if !ok || len(rest) != 8 {
		return false
	}
	for _, c := range rest {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
