package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error Validate returns, and by Set.Add's
// errors about the rule itself: the rule was refused, and the message says
// why.
var ErrInvalid = errors.New("faults: invalid rule")

// DefaultPriority is the priority of a rule that gives none, as in
// WireMock: 1 is tried first, and a rule without one comes after those
// with 1 to 4.
const DefaultPriority = 5

// Bounds on one rule, so that a tenant's rules have a known maximum size.
const (
	MaxPathLen        = 1 << 10  // bytes of path, and of extId
	MaxErrorLen       = 1 << 10  // bytes of the envelope's error text
	MaxBodyLen        = 64 << 10 // bytes of a raw body
	MaxHeaders        = 32       // response headers a rule may set
	MaxHeaderNameLen  = 256      // bytes of one header name
	MaxHeaderValueLen = 4 << 10  // bytes of one header value, and of contentType
	MaxHeadersLen     = 8 << 10  // bytes of every header name and value together
)

// Rule says which requests to break and how. It is also the JSON body of
// POST /_mock/faults and the items GET /_mock/faults lists.
type Rule struct {
	ID          string            `json:"id"`                 // assigned on Add ("f1", "f2", …) if empty
	Priority    int               `json:"priority,omitempty"` // 1 first; 0 = DefaultPriority; ties: the newest first
	Method      string            `json:"method,omitempty"`   // empty = any; any case
	Path        string            `json:"path"`               // exact path, or prefix with trailing '*'; required
	ExtID       string            `json:"extId,omitempty"`    // only requests naming this external ID
	Status      int               `json:"status,omitempty"`   // 200..599; 0 = no answer of its own (drop, or latency then pass through)
	Code        int               `json:"code,omitempty"`     // with Status: Netmera envelope {"code":Code,"error":Error}
	Error       string            `json:"error,omitempty"`
	Body        string            `json:"body,omitempty"`        // raw body instead of an envelope
	ContentType string            `json:"contentType,omitempty"` // of the raw body; text/plain when empty
	Headers     map[string]string `json:"headers,omitempty"`     // response headers, set last (they may replace Content-Type)
	LatencyMS   int               `json:"latencyMs,omitempty"`   // wait this long first
	Times       int               `json:"times,omitempty"`       // apply at most N times; 0 = unlimited
	Probability float64           `json:"probability,omitempty"` // 0 or 1 = always; (0,1) = with that probability
	RetryAfter  int               `json:"retryAfter,omitempty"`  // seconds, sets Retry-After (typical with Status 429)
	Drop        bool              `json:"drop,omitempty"`        // close the connection without an answer
	Remaining   int               `json:"remaining,omitempty"`   // read-only: times left; in JSON whenever Times > 0
	Hits        int               `json:"hits"`                  // read-only: how often it fired
}

// MarshalJSON writes Remaining whenever Times is set, 0 included, so that
// a used-up rule shows "remaining":0; for an unlimited rule it is left out.
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule // without this method
	v := struct {
		plain
		Remaining *int `json:"remaining,omitempty"` // shadows plain.Remaining
	}{plain: plain(r)}
	if r.Times > 0 {
		v.Remaining = &r.Remaining
	}
	return json.Marshal(v)
}

// Latency is how long the caller waits before applying the rule.
func (r Rule) Latency() time.Duration {
	return time.Duration(r.LatencyMS) * time.Millisecond
}

// Validate reports every problem with r in one error wrapping ErrInvalid,
// or nil. Remaining and Hits are read-only and not checked: Add resets them.
// The limits of a Set (its longest latency, its number of rules) are
// checked by Set.Add, not here.
func (r Rule) Validate() error {
	return r.check(0)
}

// check is Validate with a longest latency; 0 means none.
func (r Rule) check(maxLatency time.Duration) error {
	var bad []string
	problem := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }

	if r.ID != "" && !validID(r.ID) {
		problem("id %q may hold only letters, digits, '.', '_' and '-', at most 64", r.ID)
	}
	if r.Priority < 0 {
		problem("priority %d must be 1 or more (1 is tried first; without one a rule has %d)", r.Priority, DefaultPriority)
	}
	if r.Method != "" && !validMethod(r.Method) {
		problem("method %q is not an HTTP method", r.Method)
	}
	switch {
	case r.Path == "":
		problem("path is required (use \"/*\" for every path)")
	case len(r.Path) > MaxPathLen:
		problem("path is %d bytes, more than the %d allowed", len(r.Path), MaxPathLen)
	case r.Path[0] != '/':
		problem("path %q must start with '/'", r.Path)
	case strings.Contains(strings.TrimSuffix(r.Path, "*"), "*"):
		problem("path %q may hold '*' only at its end", r.Path)
	}
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"extId", r.ExtID, MaxPathLen}, {"error", r.Error, MaxErrorLen}, {"body", r.Body, MaxBodyLen}} {
		if len(f.v) > f.max {
			problem("%s is %d bytes, more than the %d allowed", f.name, len(f.v), f.max)
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"code", r.Code}, {"latencyMs", r.LatencyMS}, {"times", r.Times}, {"retryAfter", r.RetryAfter}} {
		if f.v < 0 {
			problem("%s %d must not be negative", f.name, f.v)
		}
	}
	if maxLatency > 0 && r.Latency() > maxLatency {
		problem("latencyMs %d is over this server's limit of %d: an answer held longer would miss the server's write timeout",
			r.LatencyMS, maxLatency.Milliseconds())
	}
	if math.IsNaN(r.Probability) || r.Probability < 0 || r.Probability > 1 {
		problem("probability %v is not in [0,1]", r.Probability)
	}
	if r.ContentType != "" {
		if msg := headerValueProblem(r.ContentType); msg != "" {
			problem("contentType %s", msg)
		}
	}
	bad = append(bad, r.headerProblems()...)

	envelope := r.Code != 0 || r.Error != ""
	answer := envelope || r.Body != "" || r.ContentType != "" || r.RetryAfter != 0 || len(r.Headers) > 0
	if r.Body != "" && envelope {
		problem("body excludes code and error: give a raw body or a Netmera envelope")
	}
	if r.ContentType != "" && r.Body == "" {
		problem("contentType applies only to a raw body (headers can set Content-Type on any answer)")
	}
	switch {
	case r.Drop && r.Status != 0:
		problem("drop closes the connection without an answer: it takes no status")
	case r.Drop && answer:
		problem("drop closes the connection without an answer: it takes no code, error, body, contentType, headers or retryAfter")
	case r.Status != 0 && (r.Status < 200 || r.Status > 599):
		problem("status %d is not in 200..599", r.Status)
	case (r.Status == 204 || r.Status == 304) && (envelope || r.Body != ""):
		problem("status %d has no body: it takes no code, error or body", r.Status)
	case r.Status == 0 && !r.Drop && answer:
		problem("code, error, body, contentType, headers and retryAfter need a status")
	case r.Status == 0 && !r.Drop && r.LatencyMS == 0:
		problem("the rule does nothing: give a status, drop or latencyMs")
	}

	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(bad, "; "))
}

func validID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func validMethod(m string) bool {
	for _, c := range m {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return len(m) <= 16
}

// matches reports whether r applies to a request, leaving Times and
// Probability aside.
func (r *Rule) matches(method, path string, extIDs []string) bool {
	if r.Method != "" && !strings.EqualFold(r.Method, method) {
		return false
	}
	if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
		if !strings.HasPrefix(path, prefix) {
			return false
		}
	} else if r.Path != path {
		return false
	}
	if r.ExtID == "" {
		return true
	}
	for _, id := range extIDs {
		if id == r.ExtID {
			return true
		}
	}
	return false
}

// size is roughly what r costs in memory: its texts and a fixed overhead
// for the rest, the random source included.
func (r *Rule) size() int {
	n := 256 + len(r.ID) + len(r.Method) + len(r.Path) + len(r.ExtID) + len(r.Error) + len(r.Body) + len(r.ContentType)
	for k, v := range r.Headers {
		n += 32 + len(k) + len(v)
	}
	return n
}
