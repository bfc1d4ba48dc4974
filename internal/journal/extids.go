package journal

import (
	"bytes"
	"encoding/json"
	"net/url"
)

// ExtIDs returns the external IDs a Netmera request names: the values of
// the query parameters extId and externalId, then, in the body, the string
// "extId" and the strings in the list "extIds" of a top-level object or of
// each object in a top-level array. IDs are unique, in order of first
// appearance; empty strings and values of other types are skipped.
//
// Any body is accepted: a body that is not JSON names no IDs, one that
// breaks off names those read before the break, and nesting depth is not
// limited (values other than those fields are skipped token by token).
func ExtIDs(query url.Values, body []byte) []string {
	c := collector{seen: map[string]bool{}}
	for _, name := range []string{"extId", "externalId"} {
		for _, v := range query[name] {
			c.add(v)
		}
	}
	if len(body) > 0 {
		c.body(json.NewDecoder(bytes.NewReader(body)))
	}
	return c.ids
}

type collector struct {
	ids  []string
	seen map[string]bool
}

func (c *collector) add(id string) {
	if id != "" && !c.seen[id] {
		c.seen[id] = true
		c.ids = append(c.ids, id)
	}
}

// body reads a top-level object, or a top-level array of objects.
func (c *collector) body(dec *json.Decoder) {
	tok, err := dec.Token()
	if err != nil {
		return
	}
	switch tok {
	case json.Delim('{'):
		c.object(dec)
	case json.Delim('['):
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return
			}
			if tok == json.Delim('{') {
				if !c.object(dec) {
					return
				}
			} else if !skipRest(dec, tok) {
				return
			}
		}
	}
}

// object reads the members of an object whose '{' was read, and its '}'.
// It reports whether the input was well formed so far.
func (c *collector) object(dec *json.Decoder) bool {
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		val, err := dec.Token()
		if err != nil {
			return false
		}
		switch {
		case key == "extId":
			if s, ok := val.(string); ok {
				c.add(s)
			}
		case key == "extIds" && val == json.Delim('['):
			for dec.More() {
				elem, err := dec.Token()
				if err != nil {
					return false
				}
				if s, ok := elem.(string); ok {
					c.add(s)
				}
				if !skipRest(dec, elem) {
					return false
				}
			}
			val = nil // its ']' is read below
			if _, err := dec.Token(); err != nil {
				return false
			}
		}
		if !skipRest(dec, val) {
			return false
		}
	}
	_, err := dec.Token() // '}'
	return err == nil
}

// skipRest skips the rest of a value whose first token was tok: nothing
// for a scalar, up to the matching delimiter for an object or array.
func skipRest(dec *json.Decoder, tok json.Token) bool {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return true
	}
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return true
}
