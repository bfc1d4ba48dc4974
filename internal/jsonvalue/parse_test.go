package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want any
	}{
		{name: "object", in: `{"tag":"Sport","extIds":["id1","id2"]}`, want: map[string]any{"tag": "Sport", "extIds": []any{"id1", "id2"}}},
		{name: "empty object", in: `{}`, want: map[string]any{}},
		{name: "empty array", in: ` [ ] `, want: []any{}},
		{name: "whitespace around", in: "\r\n\t {\"a\" : 1 }\n", want: map[string]any{"a": json.Number("1")}},
		{name: "literals", in: `[true,false,null]`, want: []any{true, false, nil}},
		{name: "big integer kept exact", in: `9007199254740993`, want: json.Number("9007199254740993")},
		{name: "number forms", in: `[-0,0.5,1e3,1E+3,-2.5e-3]`, want: []any{json.Number("-0"), json.Number("0.5"), json.Number("1e3"), json.Number("1E+3"), json.Number("-2.5e-3")}},
		{name: "escapes", in: `"a\"b\\c\/d\b\f\n\r\t"`, want: "a\"b\\c/d\b\f\n\r\t"},
		{name: "unicode escape", in: `"\u00e7\u0131"`, want: "çı"},
		{name: "surrogate pair", in: `"\ud83d\ude00"`, want: "😀"},
		{name: "utf-8 text", in: `"Haftalık Bülten 😀"`, want: "Haftalık Bülten 😀"},
		{name: "duplicate key keeps the last", in: `{"a":1,"a":2}`, want: map[string]any{"a": json.Number("2")}},
		{name: "depth 64", in: strings.Repeat("[", 64) + strings.Repeat("]", 64), want: nest(64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Parse([]byte(tt.in), Limits{})
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.in, err)
			}
			if !reflect.DeepEqual(tt.want, got) { // cmp.Diff is slow on deep nesting: only for the message
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, cmp.Diff(tt.want, got))
			}
		})
	}
}

func nest(n int) any {
	var v any = []any{}
	for range n - 1 {
		v = []any{v}
	}
	return v
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, reason string
		tooDeep, tooMany bool
	}{
		{name: "empty", in: "", reason: "unexpected end of input"},
		{name: "blank", in: " \n", reason: "unexpected end of input"},
		{name: "two values", in: `[] []`, reason: "data after the JSON value"},
		{name: "trailing comma", in: `[1,]`, reason: "unexpected character"},
		{name: "trailing comma in object", in: `{"a":1,}`, reason: "expected a member name"},
		{name: "single quotes", in: `{'a':1}`, reason: "expected a member name"},
		{name: "byte order mark", in: "\ufeff[]", reason: "unexpected character"},
		{name: "leading zero", in: `01`, reason: "data after the JSON value"},
		{name: "bare minus", in: `-`, reason: "invalid number"},
		{name: "dot without digits", in: `1.`, reason: "invalid number"},
		{name: "exponent without digits", in: `1e`, reason: "invalid number"},
		{name: "plus sign", in: `+1`, reason: "unexpected character"},
		{name: "NaN", in: `NaN`, reason: "unexpected character"},
		{name: "truncated literal", in: `tru`, reason: "invalid literal"},
		{name: "unterminated string", in: `"abc`, reason: "unexpected end of input in a string"},
		{name: "control character", in: "\"a\tb\"", reason: "control character"},
		{name: "bad escape", in: `"\x41"`, reason: "invalid escape"},
		{name: "short unicode escape", in: `"\u12"`, reason: `invalid \u escape`},
		{name: "lone high surrogate", in: `"\ud800"`, reason: "unpaired UTF-16 surrogate"},
		{name: "lone low surrogate", in: `"\udc00x"`, reason: "unpaired UTF-16 surrogate"},
		{name: "high surrogate then text", in: `"\ud800\u0041"`, reason: "unpaired UTF-16 surrogate"},
		{name: "invalid UTF-8", in: "\"a\xffb\"", reason: "invalid UTF-8"},
		{name: "invalid UTF-8 after an escape", in: "\"\\n\xc3\x28\"", reason: "invalid UTF-8"},
		{name: "overlong encoding", in: "\"\xc0\xaf\"", reason: "invalid UTF-8"},
		{name: "missing colon", in: `{"a" 1}`, reason: "expected ':'"},
		{name: "unclosed object", in: `{"a":1`, reason: "unexpected end of input in an object"},
		{name: "unclosed array", in: `[1`, reason: "unexpected end of input in an array"},
		{name: "depth 65", in: strings.Repeat("[", 65) + strings.Repeat("]", 65), reason: "nesting deeper than 64 levels", tooDeep: true},
		{name: "10000 nested arrays", in: strings.Repeat("[", 10000) + strings.Repeat("]", 10000), reason: "nesting deeper", tooDeep: true},
		{name: "deep objects", in: strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100), reason: "nesting deeper", tooDeep: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, err := Parse([]byte(tt.in), Limits{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, %v; want an *Error", tt.in, v, err)
			}
			if !strings.Contains(e.Reason, tt.reason) || e.TooDeep != tt.tooDeep || e.TooMany != tt.tooMany {
				t.Errorf("Parse(%q) = %+v, want reason %q, tooDeep %v, tooMany %v", tt.in, e, tt.reason, tt.tooDeep, tt.tooMany)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	in := []byte(`[1,2,3,[4]]`)
	if _, _, err := Parse(in, Limits{MaxValues: 6}); err != nil {
		t.Errorf("Parse(%s, 6 values) = %v, want it accepted (6 values)", in, err)
	}
	var e *Error
	if _, _, err := Parse(in, Limits{MaxValues: 5}); !errors.As(err, &e) || !e.TooMany {
		t.Errorf("Parse(%s, 5 values) = %v, want TooMany", in, err)
	}
	if _, _, err := Parse(in, Limits{MaxDepth: 1}); !errors.As(err, &e) || !e.TooDeep {
		t.Errorf("Parse(%s, depth 1) = %v, want TooDeep", in, err)
	}
	if _, _, err := Parse(in, Limits{MaxDepth: 2}); err != nil {
		t.Errorf("Parse(%s, depth 2) = %v, want it accepted", in, err)
	}
}

func TestParseReportsDuplicateKeys(t *testing.T) {
	t.Parallel()
	_, info, err := Parse([]byte(`[{"extIds":["a"],"tag":"x","extIds":["b"]},{"tag":"y","tag":"z"}]`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"extIds", "tag"}, info.DuplicateKeys); diff != "" {
		t.Errorf("DuplicateKeys (-want +got):\n%s", diff)
	}
}

// TestParseAgreesWithEncodingJSON checks that every body encoding/json
// reads the same way (valid UTF-8, no lone surrogate, not too deep) gives
// the same value, and that every body it refuses is refused.
func TestParseAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range seeds {
		checkAgainstEncodingJSON(t, []byte(in))
	}
}

var seeds = []string{
	`{"tag":"Sport","extIds":["id1","id2"]}`,
	`[{"extId":"id1","profile":{"age":24,"tags":["a","b"],"ok":true,"x":null}}]`,
	`{"message":{"title":"Hi @{name}","platforms":["IOS"]},"target":{"segment":{"$and":[1,{"$not":[2]}]}}}`,
	`"\u0041\u00e7"`, `-1.5e10`, `[[],{},[{}]]`, `{"a":{"b":{"c":[1,2,{"d":"e"}]}}}`,
	`{"a":1,}`, `[1 2]`, `{"a"}`, `nul`, `"\ud800"`, "\"\xff\"", `{"":""}`, `0`, `-0.0e-0`,
}

func checkAgainstEncodingJSON(t *testing.T, in []byte) {
	t.Helper()
	got, _, err := Parse(in, Limits{MaxDepth: 10000})
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.UseNumber()
	var want any
	stdErr := dec.Decode(&want)
	if stdErr == nil {
		if _, e := dec.Token(); e == nil {
			stdErr = errors.New("data after the value")
		}
	}
	if stdErr == nil && !json.Valid(in) { // the decoder stops at the first value
		stdErr = errors.New("invalid")
	}
	switch {
	case stdErr != nil && err == nil:
		t.Errorf("Parse(%q) = %v, want an error as encoding/json gives (%v)", in, got, stdErr)
	case stdErr == nil && err == nil:
		if !reflect.DeepEqual(want, got) {
			t.Errorf("Parse(%q) differs from encoding/json (-std +got):\n%s", in, cmp.Diff(want, got))
		}
	case stdErr == nil && err != nil:
		// Refusals encoding/json does not make are ours on purpose only.
		if utf8.Valid(in) && !bytes.Contains(in, []byte(`\u`)) && !bytes.Contains(in, []byte(`\U`)) {
			t.Errorf("Parse(%q) = %v; encoding/json accepts it and it has no invalid text", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkAgainstEncodingJSON(t, in)
	})
}

func BenchmarkParse(b *testing.B) {
	body := []byte(`{"tag":"Sport","extIds":["id1","id2"]}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := Parse(body, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodingJSON(b *testing.B) {
	body := []byte(`{"tag":"Sport","extIds":["id1","id2"]}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
	}
}
