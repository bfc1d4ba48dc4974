package clienttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"reflect"
	"strings"
)

// envelope is Netmera's error body.
type envelope struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// lastEnvelope returns the error envelope of the last failed request.
func lastEnvelope(reqs []Request) (envelope, bool) {
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Status < 400 {
			continue
		}
		var env envelope
		if json.Unmarshal(reqs[i].Response, &env) == nil && env.Code != 0 {
			return env, true
		}
	}
	return envelope{}, false
}

// decode parses a JSON body keeping numbers exact; nil when it is not JSON.
func decode(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil
	}
	return v
}

// isArray reports whether a body is a JSON array.
func isArray(b []byte) bool {
	_, ok := decode(b).([]any)
	return ok
}

// isJSONType reports whether a Content-Type names application/json.
func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// idsIn returns the strings a body names under key: in the list at key of
// an object body, or at key of each element of an array body.
func idsIn(body []byte, key string) []string {
	var out []string
	add := func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, s := range v {
				if s, ok := s.(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	switch v := decode(body).(type) {
	case map[string]any:
		add(v[key])
	case []any:
		for _, el := range v {
			if m, ok := el.(map[string]any); ok {
				add(m[key])
			}
		}
	}
	return out
}

func unique(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// canon puts a value in one form for comparison: numbers of any Go type
// become json.Number, so int64(41), float64(41) and "41" as a number agree.
func canon(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	return decode(b)
}

func sameValue(a, b any) bool { return reflect.DeepEqual(canon(a), canon(b)) }

// showIDs describes a list of IDs briefly.
func showIDs(ids []string) string {
	if len(ids) <= 4 {
		return fmt.Sprintf("%q", ids)
	}
	return fmt.Sprintf("%d IDs [%q %q %q … %q]", len(ids), ids[0], ids[1], ids[2], ids[len(ids)-1])
}

// showJSON describes a value as compact JSON.
func showJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip(string(b), 240)
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
