package journal

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtIDs(t *testing.T) {
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	deepObj := strings.Repeat(`{"a":`, 50_000) + "1" + strings.Repeat("}", 50_000)
	tests := []struct {
		name  string
		query string
		body  string
		want  []string
	}{
		{name: "nothing", want: nil},
		{name: "query extId", query: "extId=u1", want: []string{"u1"}},
		{name: "query externalId", query: "externalId=u1", want: []string{"u1"}},
		{name: "query both and repeated", query: "externalId=u3&extId=u1&extId=u2&extId=u1", want: []string{"u1", "u2", "u3"}},
		{name: "query other names ignored", query: "extid=x&ExtId=y&deviceToken=z", want: nil},
		{name: "body extId", body: `{"extId":"u1","email":"a@b"}`, want: []string{"u1"}},
		{name: "body extIds", body: `{"tag":"Sport","extIds":["u1","u2","u1"]}`, want: []string{"u1", "u2"}},
		{name: "body both", body: `{"extIds":["u2"],"extId":"u1"}`, want: []string{"u2", "u1"}},
		{name: "query before body, unique", query: "extId=u2", body: `{"extIds":["u1","u2"]}`, want: []string{"u2", "u1"}},
		{name: "top-level array of objects", body: `[{"extId":"u1","profile":{"name":"x"}},{"extId":"u2"},{"extIds":["u3","u1"]}]`, want: []string{"u1", "u2", "u3"}},
		{name: "array with non-objects", body: `[1,"u0",null,[{"extId":"deep"}],{"extId":"u1"},true]`, want: []string{"u1"}},
		{name: "nested fields are not top-level", body: `{"profile":{"extId":"no"},"list":[{"extId":"no"}],"extId":"u1"}`, want: []string{"u1"}},
		{name: "extIds inside nested array elements ignored", body: `[[{"extIds":["no"]}]]`, want: nil},
		{name: "wrong types skipped", body: `{"extId":42,"extIds":"u1"}`, want: nil},
		{name: "extId object skipped", body: `{"extId":{"extId":"no"},"extIds":{"a":["no"]}}`, want: nil},
		{name: "mixed list keeps strings", body: `{"extIds":["u1",2,null,["no"],{"extId":"no"},"u2"]}`, want: []string{"u1", "u2"}},
		{name: "empty strings skipped", query: "extId=", body: `{"extId":"","extIds":["","u1"]}`, want: []string{"u1"}},
		{name: "null values", body: `{"extId":null,"extIds":null}`, want: nil},
		{name: "field names are case-sensitive", body: `{"EXTID":"no","ExtIds":["no"],"extid":"no"}`, want: nil},
		{name: "unicode and escapes", body: `{"extIds":["\u00fcser","a\"b"]}`, want: []string{"üser", `a"b`}},
		{name: "duplicate keys", body: `{"extId":"u1","extId":"u2"}`, want: []string{"u1", "u2"}},
		{name: "not JSON", body: `tag=Sport&extIds=u1`, want: nil},
		{name: "binary garbage", body: "\x00\xff\xfe{[\"", want: nil},
		{name: "scalar body", body: `"u1"`, want: nil},
		{name: "empty object", body: `{}`, want: nil},
		{name: "empty array", body: `[]`, want: nil},
		{name: "broken after an id keeps it", body: `{"extIds":["u1","u2"`, want: []string{"u1", "u2"}},
		{name: "broken before an id", body: `{"extIds":[,"u1"]}`, want: nil},
		{name: "missing colon", body: `{"extId" "u1"}`, want: nil},
		{name: "trailing garbage after object", body: `{"extId":"u1"} xyz`, want: []string{"u1"}},
		{name: "deeply nested array", body: deep, want: nil},
		{name: "id after a deeply nested value", body: `{"x":` + deep + `,"extId":"u1"}`, want: []string{"u1"}},
		{name: "deeply nested objects in a list", body: `[` + deepObj + `,{"extId":"u1"}]`, want: []string{"u1"}},
		{name: "unclosed deep nesting", body: `{"extId":"u1","x":` + strings.Repeat("[", 10_000), want: []string{"u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got := ExtIDs(q, []byte(tt.body))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ExtIDs(%q, %.60q) (-want +got):\n%s", tt.query, tt.body, diff)
			}
		})
	}
}

func TestAddBoundsExtIDs(t *testing.T) {
	id := strings.Repeat("x", 1000)
	var b strings.Builder
	b.WriteString(`{"extIds":[`)
	for i := range 100 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"` + id + string(rune('A'+i%26)) + string(rune('a'+i/26)) + `"`)
	}
	b.WriteString(`]}`)
	j := New(1)
	j.Add(Entry{Tenant: "T", Body: []byte(b.String())})
	e := j.List(Filter{Tenant: "T"})[0]
	total := 0
	for _, id := range e.ExtIDs {
		total += len(id)
	}
	if total > maxIDBytes || len(e.ExtIDs) == 0 {
		t.Errorf("Add kept %d IDs of %d bytes in all, want some and at most %d bytes", len(e.ExtIDs), total, maxIDBytes)
	}
	if want := maxIDBytes / len(id+"Aa"); len(e.ExtIDs) != want {
		t.Errorf("Add kept %d IDs, want the first %d", len(e.ExtIDs), want)
	}
}

// FuzzExtIDs checks that no input makes ExtIDs panic and that what it
// returns is unique and non-empty.
func FuzzExtIDs(f *testing.F) {
	for _, s := range []string{``, `{"extId":"u1"}`, `[{"extIds":["a","b"]}]`, `{"extIds":[1,{"x":[]},"c"]`, `[[[[`, "\xff"} {
		f.Add("extId=q", s)
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		q, _ := url.ParseQuery(query)
		seen := map[string]bool{}
		for _, id := range ExtIDs(q, []byte(body)) {
			if id == "" || seen[id] {
				t.Fatalf("ExtIDs(%q, %q) returned %q twice or empty", query, body, id)
			}
			seen[id] = true
		}
	})
}
