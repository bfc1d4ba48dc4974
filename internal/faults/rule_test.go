package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		rule    Rule
		wantErr string // "" for a valid rule; else a part of the message
	}{
		{name: "envelope", rule: Rule{Method: "POST", Path: "/rest/3.0/tagUsers", Status: 400, Code: 2004, Error: "Invalid"}},
		{name: "status only", rule: Rule{Path: "/rest/3.0/*", Status: 500}},
		{name: "raw body", rule: Rule{Path: "/x", Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"}},
		{name: "429 with retry-after", rule: Rule{Path: "/x", Status: 429, Code: 429, Error: "Too many", RetryAfter: 3}},
		{name: "latency only", rule: Rule{Path: "/x", LatencyMS: 100}},
		{name: "drop", rule: Rule{Path: "/x", Drop: true}},
		{name: "drop after latency", rule: Rule{Path: "/x", Drop: true, LatencyMS: 5}},
		{name: "probability and times", rule: Rule{Path: "/x", Status: 503, Probability: 0.5, Times: 3}},
		{name: "probability 1", rule: Rule{Path: "/x", Status: 503, Probability: 1}},
		{name: "lower-case method", rule: Rule{Method: "get", Path: "/x", Status: 500}},
		{name: "own id", rule: Rule{ID: "tag-429_v1.2", Path: "/x", Status: 500}},
		{name: "read-only fields ignored", rule: Rule{Path: "/x", Status: 500, Hits: 7, Remaining: 3}},
		{name: "204 without body", rule: Rule{Path: "/x", Status: 204}},
		{name: "priority", rule: Rule{Path: "/x", Status: 500, Priority: 1}},
		{name: "headers", rule: Rule{Path: "/x", Status: 200, Body: `{"notificationKey":7}`,
			Headers: map[string]string{"content-type": "application/json;charset=UTF-8", "X-Request-ID": "a\tb", "Cache-Control": "no-store"}}},
		{name: "headers with an envelope", rule: Rule{Path: "/x", Status: 400, Code: 2004, Error: "bad", Headers: map[string]string{"Content-Type": "application/json;charset=UTF-8"}}},
		{name: "headers on a 204", rule: Rule{Path: "/x", Status: 204, Headers: map[string]string{"X-Trace": "1"}}},
		{name: "an empty header value", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-Empty": ""}}},
		{name: "texts at their limits", rule: Rule{Path: "/" + strings.Repeat("p", MaxPathLen-1), ExtID: strings.Repeat("e", MaxPathLen),
			Status: 500, Body: strings.Repeat("b", MaxBodyLen), ContentType: strings.Repeat("c", MaxHeaderValueLen)}},
		{name: "error at its limit", rule: Rule{Path: "/x", Status: 500, Error: strings.Repeat("e", MaxErrorLen)}},
		{name: "headers at their limits", rule: Rule{Path: "/x", Status: 500, Headers: manyHeaders(MaxHeaders, MaxHeadersLen)}},
		{name: "a latency of an hour (no limit in Validate)", rule: Rule{Path: "/x", LatencyMS: 3_600_000}},

		{name: "no path", rule: Rule{Status: 500}, wantErr: "path is required"},
		{name: "relative path", rule: Rule{Path: "rest/3.0/tagUsers", Status: 500}, wantErr: `path "rest/3.0/tagUsers" must start with '/'`},
		{name: "bare star", rule: Rule{Path: "*", Status: 500}, wantErr: "must start with '/'"},
		{name: "star inside path", rule: Rule{Path: "/rest/*/tagUsers", Status: 500}, wantErr: "'*' only at its end"},
		{name: "status too low", rule: Rule{Path: "/x", Status: 99}, wantErr: "status 99 is not in 200..599"},
		{name: "informational status", rule: Rule{Path: "/x", Status: 101}, wantErr: "status 101 is not in 200..599"},
		{name: "status too high", rule: Rule{Path: "/x", Status: 600}, wantErr: "status 600 is not in 200..599"},
		{name: "negative status", rule: Rule{Path: "/x", Status: -1}, wantErr: "status -1 is not in 200..599"},
		{name: "body with code", rule: Rule{Path: "/x", Status: 500, Code: 1, Body: "x"}, wantErr: "body excludes code and error"},
		{name: "body with error", rule: Rule{Path: "/x", Status: 500, Error: "e", Body: "x"}, wantErr: "body excludes code and error"},
		{name: "content type without body", rule: Rule{Path: "/x", Status: 500, ContentType: "text/html"}, wantErr: "contentType applies only to a raw body"},
		{name: "probability above 1", rule: Rule{Path: "/x", Status: 500, Probability: 1.5}, wantErr: "probability 1.5 is not in [0,1]"},
		{name: "negative probability", rule: Rule{Path: "/x", Status: 500, Probability: -0.1}, wantErr: "probability -0.1 is not in [0,1]"},
		{name: "NaN probability", rule: Rule{Path: "/x", Status: 500, Probability: math.NaN()}, wantErr: "probability NaN is not in [0,1]"},
		{name: "negative latency", rule: Rule{Path: "/x", Status: 500, LatencyMS: -5}, wantErr: "latencyMs -5 must not be negative"},
		{name: "negative times", rule: Rule{Path: "/x", Status: 500, Times: -1}, wantErr: "times -1 must not be negative"},
		{name: "negative retry-after", rule: Rule{Path: "/x", Status: 429, RetryAfter: -2}, wantErr: "retryAfter -2 must not be negative"},
		{name: "negative code", rule: Rule{Path: "/x", Status: 400, Code: -3}, wantErr: "code -3 must not be negative"},
		{name: "drop with status", rule: Rule{Path: "/x", Drop: true, Status: 500}, wantErr: "drop closes the connection without an answer: it takes no status"},
		{name: "drop with body", rule: Rule{Path: "/x", Drop: true, Body: "x"}, wantErr: "it takes no code, error, body"},
		{name: "drop with retry-after", rule: Rule{Path: "/x", Drop: true, RetryAfter: 1}, wantErr: "it takes no code, error, body"},
		{name: "envelope without status", rule: Rule{Path: "/x", Code: 2004, Error: "bad"}, wantErr: "need a status"},
		{name: "retry-after without status", rule: Rule{Path: "/x", RetryAfter: 1, LatencyMS: 1}, wantErr: "need a status"},
		{name: "does nothing", rule: Rule{Path: "/x"}, wantErr: "the rule does nothing"},
		{name: "204 with envelope", rule: Rule{Path: "/x", Status: 204, Code: 1}, wantErr: "status 204 has no body"},
		{name: "bad method", rule: Rule{Method: "PO ST", Path: "/x", Status: 500}, wantErr: `method "PO ST" is not an HTTP method`},
		{name: "bad id", rule: Rule{ID: "a/b", Path: "/x", Status: 500}, wantErr: `id "a/b" may hold only`},
		{name: "long id", rule: Rule{ID: strings.Repeat("a", 65), Path: "/x", Status: 500}, wantErr: "at most 64"},
		{name: "negative priority", rule: Rule{Path: "/x", Status: 500, Priority: -1}, wantErr: "priority -1 must be 1 or more"},
		{name: "path too long", rule: Rule{Path: "/" + strings.Repeat("p", MaxPathLen), Status: 500}, wantErr: "path is 1025 bytes, more than the 1024 allowed"},
		{name: "extId too long", rule: Rule{Path: "/x", ExtID: strings.Repeat("e", MaxPathLen+1), Status: 500}, wantErr: "extId is 1025 bytes, more than the 1024 allowed"},
		{name: "error too long", rule: Rule{Path: "/x", Status: 500, Error: strings.Repeat("e", MaxErrorLen+1)}, wantErr: "error is 1025 bytes, more than the 1024 allowed"},
		{name: "body too long", rule: Rule{Path: "/x", Status: 500, Body: strings.Repeat("b", MaxBodyLen+1)}, wantErr: "body is 65537 bytes, more than the 65536 allowed"},
		{name: "contentType with CR LF", rule: Rule{Path: "/x", Status: 500, Body: "x", ContentType: "text/html\r\nSet-Cookie: a=b"},
			wantErr: `contentType holds the control character '\r' at byte 9`},
		{name: "contentType too long", rule: Rule{Path: "/x", Status: 500, Body: "x", ContentType: strings.Repeat("c", MaxHeaderValueLen+1)},
			wantErr: "contentType is 4097 bytes, more than the 4096 allowed"},
		{name: "header value with LF", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-A": "1\nX-B: 2"}},
			wantErr: `header X-A holds the control character '\n' at byte 1`},
		{name: "header value with NUL", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-A": "1\x00"}},
			wantErr: `header X-A holds the control character '\x00'`},
		{name: "header value with DEL", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-A": "\x7f"}},
			wantErr: `header X-A holds the control character '\x7f'`},
		{name: "header name with a space", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"Content Type": "x"}},
			wantErr: `header name "Content Type" is not an HTTP token`},
		{name: "header name with a colon", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-A:": "x"}},
			wantErr: `header name "X-A:" is not an HTTP token`},
		{name: "empty header name", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"": "x"}},
			wantErr: `header name "" is not an HTTP token`},
		{name: "header name too long", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{strings.Repeat("h", MaxHeaderNameLen+1): "x"}},
			wantErr: "is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~, at most 256 bytes)"},
		{name: "header value too long", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"X-A": strings.Repeat("v", MaxHeaderValueLen+1)}},
			wantErr: "header X-A is 4097 bytes, more than the 4096 allowed"},
		{name: "too many headers", rule: Rule{Path: "/x", Status: 500, Headers: manyHeaders(MaxHeaders+1, 0)},
			wantErr: "headers has 33 entries, more than the 32 allowed"},
		{name: "headers too big together", rule: Rule{Path: "/x", Status: 500, Headers: manyHeaders(3, MaxHeadersLen+1)},
			wantErr: "headers hold 8193 bytes of names and values, more than the 8192 allowed"},
		{name: "one header twice", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"content-type": "a", "Content-Type": "b"}},
			wantErr: `headers "Content-Type" and "content-type" name the same header`},
		{name: "Content-Length", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"content-length": "5"}},
			wantErr: "header Content-Length may not be set: net/http frames the answer"},
		{name: "Transfer-Encoding", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"Transfer-Encoding": "chunked"}},
			wantErr: "header Transfer-Encoding may not be set"},
		{name: "Connection", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"Connection": "close"}},
			wantErr: "header Connection may not be set: it is about the connection"},
		{name: "the fault header", rule: Rule{Path: "/x", Status: 500, Headers: map[string]string{"x-netmera-mock-fault": "other"}},
			wantErr: "header X-Netmera-Mock-Fault may not be set: headers starting X-Netmera-Mock- are the fake's"},
		{name: "Content-Type twice", rule: Rule{Path: "/x", Status: 500, Body: "x", ContentType: "text/html", Headers: map[string]string{"Content-Type": "text/plain"}},
			wantErr: "Content-Type is given twice: in contentType and in headers"},
		{name: "Retry-After twice", rule: Rule{Path: "/x", Status: 429, RetryAfter: 3, Headers: map[string]string{"retry-after": "3"}},
			wantErr: "Retry-After is given twice: in retryAfter and in headers"},
		{name: "headers without status", rule: Rule{Path: "/x", LatencyMS: 5, Headers: map[string]string{"X-A": "1"}},
			wantErr: "code, error, body, contentType, headers and retryAfter need a status"},
		{name: "headers on a drop", rule: Rule{Path: "/x", Drop: true, Headers: map[string]string{"X-A": "1"}},
			wantErr: "it takes no code, error, body, contentType, headers or retryAfter"},
		{name: "every problem is reported", rule: Rule{Status: 700, LatencyMS: -1, Probability: 2},
			wantErr: `path is required (use "/*" for every path); latencyMs -1 must not be negative; probability 2 is not in [0,1]; status 700 is not in 200..599`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate(%+v) = %v, want nil", tt.rule, err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Validate(%+v) = nil, want an error containing %q", tt.rule, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Validate(%+v) = %q, want it to contain %q", tt.rule, err, tt.wantErr)
			case err != nil && !errors.Is(err, ErrInvalid):
				t.Errorf("Validate(%+v) = %v, does not wrap ErrInvalid", tt.rule, err)
			}
		})
	}
}

// manyHeaders returns n headers whose names and values take size bytes
// together (at least the names' own size).
func manyHeaders(n, size int) map[string]string {
	h := map[string]string{}
	used := 0
	for i := range n {
		name := fmt.Sprintf("X-H%02d", i)
		h[name] = ""
		used += len(name)
	}
	for name := range h {
		if used < size {
			h[name] = strings.Repeat("v", min(size-used, MaxHeaderValueLen))
			used += len(h[name])
		}
	}
	return h
}

func TestLatency(t *testing.T) {
	tests := []struct {
		name string
		ms   int
		want time.Duration
	}{
		{name: "none", ms: 0, want: 0},
		{name: "one millisecond", ms: 1, want: time.Millisecond},
		{name: "a second and a half", ms: 1500, want: 1500 * time.Millisecond},
		{name: "a minute", ms: 60_000, want: time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Rule{LatencyMS: tt.ms}).Latency(); got != tt.want {
				t.Errorf("Rule{LatencyMS: %d}.Latency() = %v, want %v", tt.ms, got, tt.want)
			}
		})
	}
}

func TestRuleJSON(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		want string
	}{
		{name: "unlimited has no remaining", rule: Rule{ID: "f1", Path: "/x", Status: 500, Hits: 3},
			want: `{"id":"f1","path":"/x","status":500,"hits":3}`},
		{name: "uses left", rule: Rule{ID: "f1", Path: "/x", Status: 500, Times: 2, Remaining: 1, Hits: 1},
			want: `{"id":"f1","path":"/x","status":500,"times":2,"hits":1,"remaining":1}`},
		{name: "used up shows remaining 0", rule: Rule{ID: "f1", Path: "/x", Drop: true, Times: 2, Hits: 2},
			want: `{"id":"f1","path":"/x","times":2,"drop":true,"hits":2,"remaining":0}`},
		{name: "priority and headers", rule: Rule{ID: "f1", Priority: 5, Path: "/x", Status: 200, Body: "{}",
			Headers: map[string]string{"X-B": "2", "Content-Type": "application/json"}},
			want: `{"id":"f1","priority":5,"path":"/x","status":200,"body":"{}","headers":{"Content-Type":"application/json","X-B":"2"},"hits":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.rule)
			if err != nil {
				t.Fatalf("json.Marshal(%+v): %v", tt.rule, err)
			}
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("json.Marshal(%+v) (-want +got):\n%s", tt.rule, diff)
			}
			var back Rule
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("json.Unmarshal(%s): %v", b, err)
			}
			if diff := cmp.Diff(tt.rule, back); diff != "" {
				t.Errorf("JSON round trip (-want +got):\n%s", diff)
			}
		})
	}
}
