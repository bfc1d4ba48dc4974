package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/netmera-mock/netmera-mock/state"
)

// secretHeaders are the headers whose values Add never stores in clear.
var secretHeaders = []string{"X-Netmera-Api-Key", "Authorization", "Proxy-Authorization", "Cookie"}

func isSecret(name string) bool {
	name = strings.TrimSpace(name)
	for _, s := range secretHeaders {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// maskHeader returns a copy of h with canonical names and secret values
// replaced by their short id.
func maskHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for name, values := range h {
		secret := isSecret(name)
		key := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		for _, v := range values {
			if secret {
				v = maskValue(v)
			}
			out[key] = append(out[key], v)
		}
	}
	return out
}

// maskValue replaces a secret by its state.KeyID ("key-" and 8 hex digits
// of a hash salted per process), keeping a leading auth scheme ("Bearer ",
// "Basic ") readable.
func maskValue(v string) string {
	if v == "" {
		return ""
	}
	scheme := ""
	if i := strings.IndexByte(v, ' '); i > 0 && isScheme(v[:i]) {
		scheme, v = v[:i+1], v[i+1:]
	}
	return scheme + state.KeyID(v)
}

// secretParams are the query parameter names, compared without case,
// dashes or underscores, under which clients put an API key by mistake
// (?api_key=, ?apiKey=, ?key=…): List masks their values as it masks
// secret headers.
var secretParams = map[string]bool{
	"apikey": true, "key": true, "xnetmeraapikey": true, "netmeraapikey": true, "restapikey": true, "accesskey": true,
}

var paramSeparators = strings.NewReplacer("-", "", "_", "")

// IsSecretParam reports whether a query parameter's name is one of those
// an API key is sent under.
func IsSecretParam(name string) bool {
	return secretParams[strings.ToLower(paramSeparators.Replace(name))]
}

// maskQuery returns the raw query with the values of secret parameters
// masked; a query without any is returned as it is.
func maskQuery(raw string) string {
	if raw == "" {
		return raw
	}
	q, err := url.ParseQuery(raw)
	secret := false
	for name := range q {
		if IsSecretParam(name) {
			secret = true
			for i, v := range q[name] {
				q[name][i] = maskValue(v)
			}
		}
	}
	if !secret {
		return raw
	}
	if err != nil { // a malformed query: keep what parsed, masked
		return q.Encode()
	}
	return q.Encode()
}

func isScheme(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// truncated is the marker shown instead of a body over MaxBody.
type truncated struct {
	Truncated bool   `json:"truncated"`
	Size      int    `json:"size"`
	Prefix    string `json:"prefix"`
}

// storeJSON interprets a stored body (or response) for List: compacted
// JSON when it is JSON, a JSON string otherwise (bytes that are not UTF-8
// become U+FFFD), the truncated marker when size, the body's size before
// Add cut it, is over MaxBody, and nil when it is empty.
func storeJSON(b []byte, size int) json.RawMessage {
	switch {
	case len(b) == 0:
		return nil
	case size > len(b):
		prefix := b
		// Do not cut a UTF-8 sequence in two: drop an incomplete last rune.
		for i := len(prefix) - 1; i >= 0 && i >= len(prefix)-utf8.UTFMax; i-- {
			if utf8.RuneStart(prefix[i]) {
				if !utf8.FullRune(prefix[i:]) {
					prefix = prefix[:i]
				}
				break
			}
		}
		return encode(truncated{Truncated: true, Size: size, Prefix: string(prefix)})
	case json.Valid(b):
		var buf bytes.Buffer
		_ = json.Compact(&buf, b) // cannot fail: b is valid
		return buf.Bytes()
	default:
		return encode(string(b))
	}
}

// boundHeader returns h when its names and values fit in MaxHeader bytes,
// and otherwise a copy cut to fit, noting the cut in notes.
func boundHeader(h http.Header, notes []string) (http.Header, []string) {
	total := 0
	for k, vs := range h {
		total += len(k)
		for _, v := range vs {
			total += len(v)
		}
	}
	if total <= MaxHeader {
		return h, notes
	}
	out := make(http.Header, len(h))
	left := MaxHeader
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if len(k) > left {
			break
		}
		left -= len(k)
		for _, v := range h[k] {
			if len(v) > left {
				v = strings.ToValidUTF8(v[:left], "")
			}
			left -= len(v)
			out[k] = append(out[k], v)
		}
	}
	return out, append(notes, fmt.Sprintf("headers: %d bytes, kept %d", total, MaxHeader-left))
}

// encode marshals v without escaping <, > and &, so bodies stay readable.
func encode(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings and the marker always encode
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// maxIDBytes bounds the external IDs one entry keeps, by their total length.
const maxIDBytes = 64 << 10

// boundIDs keeps the first ids whose total length stays within maxIDBytes,
// so that an entry stays small however many IDs its request named.
func boundIDs(ids []string) []string {
	n := 0
	for i, id := range ids {
		if n += len(id); n > maxIDBytes {
			return ids[:i:i]
		}
	}
	return ids
}
