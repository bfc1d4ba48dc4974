package faults

import (
	"encoding/json"
	"errors"
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
