package faults

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// reservedHeaders are the headers a rule may not set: they frame the
// message or the connection, which net/http owns, or they are the fake's.
var reservedHeaders = map[string]string{
	"Content-Length":    "net/http frames the answer",
	"Transfer-Encoding": "net/http frames the answer",
	"Trailer":           "net/http frames the answer",
	"Connection":        "it is about the connection, which net/http owns",
	"Keep-Alive":        "it is about the connection, which net/http owns",
	"Proxy-Connection":  "it is about the connection, which net/http owns",
	"Te":                "it is about the connection, which net/http owns",
	"Upgrade":           "it is about the connection, which net/http owns",
}

// reservedPrefix starts the fake's own headers, such as
// X-Netmera-Mock-Fault, which says which rule answered.
const reservedPrefix = "X-Netmera-Mock-"

// headerProblems lists what is wrong with r.Headers, in the order of their
// names, so that the message is the same every time.
func (r Rule) headerProblems() []string {
	var bad []string
	problem := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	if len(r.Headers) > MaxHeaders {
		problem("headers has %d entries, more than the %d allowed", len(r.Headers), MaxHeaders)
	}
	total := 0
	seen := map[string]string{} // canonical name -> the name as given
	for _, name := range slices.Sorted(maps.Keys(r.Headers)) {
		value := r.Headers[name]
		total += len(name) + len(value)
		if !validHeaderName(name) {
			problem("header name %q is not an HTTP token (letters, digits and !#$%%&'*+-.^_`|~, at most %d bytes)", clip(name), MaxHeaderNameLen)
			continue
		}
		canon := http.CanonicalHeaderKey(name)
		if first, ok := seen[canon]; ok {
			problem("headers %q and %q name the same header", first, name)
		}
		seen[canon] = name
		if why, ok := reservedHeaders[canon]; ok {
			problem("header %s may not be set: %s", canon, why)
		}
		if strings.HasPrefix(canon, reservedPrefix) {
			problem("header %s may not be set: headers starting %s are the fake's", canon, reservedPrefix)
		}
		if msg := headerValueProblem(value); msg != "" {
			problem("header %s %s", canon, msg)
		}
	}
	if total > MaxHeadersLen {
		problem("headers hold %d bytes of names and values, more than the %d allowed", total, MaxHeadersLen)
	}
	if _, ok := seen["Content-Type"]; ok && r.ContentType != "" {
		problem("Content-Type is given twice: in contentType and in headers")
	}
	if _, ok := seen["Retry-After"]; ok && r.RetryAfter != 0 {
		problem("Retry-After is given twice: in retryAfter and in headers")
	}
	return bad
}

// validHeaderName reports whether name is an RFC 9110 token of sane size.
func validHeaderName(name string) bool {
	if name == "" || len(name) > MaxHeaderNameLen {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// headerValueProblem says what is wrong with a header value, or "": no
// control characters but tab (CR and LF would split the header), at most
// MaxHeaderValueLen bytes.
func headerValueProblem(v string) string {
	if len(v) > MaxHeaderValueLen {
		return fmt.Sprintf("is %d bytes, more than the %d allowed", len(v), MaxHeaderValueLen)
	}
	for i := range len(v) {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Sprintf("holds the control character %q at byte %d (no CR, LF or other control characters)", c, i)
		}
	}
	return ""
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return s[:64] + "…"
}

// canonicalHeaders returns h with canonical names (content-type becomes
// Content-Type), or nil when h is empty.
func canonicalHeaders(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[http.CanonicalHeaderKey(k)] = v
	}
	return out
}
