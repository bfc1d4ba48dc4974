package contracts

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustJSON(tb testing.TB, s string) any {
	tb.Helper()
	v, err := jsonOf(s)
	if err != nil {
		tb.Fatalf("jsonOf(%s) = %v", s, err)
	}
	return v
}

func TestSkeleton(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"leaves", `{"s":"x","n":1.5,"b":true,"z":null}`, `{"s":"string","n":"number","b":"boolean","z":"null"}`},
		{"absolute URL", `{"next":"https://h/rest/3.0/x?a=1","rel":"/rest/3.0/x"}`, `{"next":"url","rel":"string"}`},
		{"list items merge", `[{"a":1},{"a":null,"b":"x"}]`, `[{"a":"null|number","b":"string"}]`},
		{"empty list", `{"l":[]}`, `{"l":[]}`},
		{"nested lists", `[[1],[],["x"]]`, `[["number|string"]]`},
		{"object or null", `[{"a":{"b":1}},{"a":null}]`, `[{"a":"null|object"}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := skeleton(mustJSON(t, tc.value))
			if d := cmp.Diff(mustJSON(t, tc.want), got); d != "" {
				t.Errorf("skeleton(%s) differs (-want +got):\n%s", tc.value, d)
			}
		})
	}
}

func TestDiffExchange(t *testing.T) {
	sc := scrubber{prefix: "nmmock-1234abcd-", origin: "http://127.0.0.1:9", key: "secret-key"}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name     string
		ex       Exchange
		status   int
		header   http.Header
		body     string
		wantDiff bool
	}{
		{"exact match after scrubbing",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareExact, Response: json.RawMessage(`{"extId":"{prefix}u1","devices":[]}`)},
			200, jsonHeader, `{"extId":"nmmock-1234abcd-u1","devices":[]}`, false},
		{"exact value differs",
			Exchange{Status: 400, ContentType: "application/json", Compare: CompareExact, Response: json.RawMessage(`{"code":2009,"error":"Invalid JSON"}`)},
			400, jsonHeader, `{"code":2004,"error":"Invalid JSON"}`, true},
		{"status differs",
			Exchange{Status: 403, ContentType: "application/json", Compare: CompareExact, Response: json.RawMessage(`{"code":2010,"error":"x"}`)},
			401, jsonHeader, `{"code":2010,"error":"x"}`, true},
		{"no body wanted, none given", Exchange{Status: 200, Compare: CompareExact}, 200, http.Header{}, ``, false},
		{"no body wanted, JSON given", Exchange{Status: 200, Compare: CompareExact}, 200, jsonHeader, `{}`, true},
		{"fields: extra members allowed",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareFields, Response: json.RawMessage(`{"list":[{"id":5883,"name":"segment"}]}`)},
			200, jsonHeader, `{"list":[{"id":1,"name":"a","userCount":null,"type":"STANDARD"}]}`, false},
		{"fields: a missing member",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareFields, Response: json.RawMessage(`{"list":[{"id":5883,"name":"segment"}]}`)},
			200, jsonHeader, `{"list":[{"id":1}]}`, true},
		{"fields: a member of another type",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareFields, Response: json.RawMessage(`{"total":158329}`)},
			200, jsonHeader, `{"total":"158329"}`, true},
		{"fields: relative URL for an absolute one",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareFields, Response: json.RawMessage(`{"nextPage":"https://restapi.netmera.com/x"}`)},
			200, jsonHeader, `{"nextPage":"/x"}`, true},
		{"fields: an empty list matches any",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareFields, Response: json.RawMessage(`{"devices":[{"token":"t"}]}`)},
			200, jsonHeader, `{"devices":[]}`, false},
		{"shape: unions sharing a type match",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareShape, Response: json.RawMessage(`{"list":[{"userCount":"number"}]}`)},
			200, jsonHeader, `{"list":[{"userCount":3},{"userCount":null}]}`, false},
		{"shape: an extra member is drift",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareShape, Response: json.RawMessage(`{"list":[{"id":"number"}]}`)},
			200, jsonHeader, `{"list":[{"id":3,"extra":true}]}`, true},
		{"media type parameters ignored",
			Exchange{Status: 200, ContentType: "application/json", Compare: CompareExact, Response: json.RawMessage(`{}`)},
			200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{}`, false},
		{"text answers",
			Exchange{Status: 400, ContentType: "text/plain", Compare: CompareExact, ResponseText: "Please provide an external id."},
			400, http.Header{"Content-Type": {"text/plain"}}, `Please provide an external id.`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := diffExchange(tc.ex, &Response{Status: tc.status, Header: tc.header, Body: []byte(tc.body)}, sc)
			if err != nil {
				t.Fatalf("diffExchange = %v", err)
			}
			if (d != "") != tc.wantDiff {
				t.Errorf("diffExchange(recorded %s %s, target %d %s) = %q; want a diff: %v", tc.ex.Compare, tc.ex.Response, tc.status, tc.body, d, tc.wantDiff)
			}
		})
	}
}

func TestScrubber(t *testing.T) {
	sc := scrubber{prefix: "nmmock-1234abcd-", origin: "https://restapi.netmera.com", key: "secret-key"}
	in := `{"extId":"nmmock-1234abcd-u1","nextPage":"https://restapi.netmera.com/rest/3.0/x?offset=1","echo":"secret-key"}`
	want := `{"extId":"{prefix}u1","nextPage":"{host}/rest/3.0/x?offset=1","echo":"{key}"}`
	if got := sc.text(in); got != want {
		t.Errorf("scrub(%s) = %s, want %s", in, got, want)
	}
	if got := sc.unscrub(`{"extIds":["{prefix}u1"]}`); !strings.Contains(got, "nmmock-1234abcd-u1") {
		t.Errorf("unscrub left %s", got)
	}
}
