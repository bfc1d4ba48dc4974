package mockserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// nastyBody is a request body meant to break decoders; big marks the ones
// whose point is their size, which no option changes the handling of.
type nastyBody struct {
	name, body string
	big        bool
}

func nastyBodies() []nastyBody {
	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	return []nastyBody{
		{name: "deep arrays", body: deep("[", "]", 100000)},
		{name: "deep objects", body: deep(`{"a":`, "}", 100000)[:100000*5] + "1" + strings.Repeat("}", 100000)},
		{name: "deep profile", body: `[{"extId":"id1","profile":{"lastVisitedCategories":` + deep("[", "]", 5000) + `}}]`},
		{name: "deep value", body: `[{"key":"lastVisitedProducts","value":` + deep("[", "]", 5000) + `}]`},
		{name: "deep extIds", body: `{"tag":"x","extIds":` + deep("[", "]", 5000) + `}`},
		{name: "huge numbers", body: `{"extIds":[1e999],"tag":1e999,"extId":123456789012345678901234567890}`},
		{name: "huge messageId", body: `[{"messageId":1e999},{"messageId":-9223372036854775809}]`},
		{name: "huge profile numbers", body: `[{"extId":"id1","profile":{"age":1e400,"score":-1e400,"dateOfBirth":123456789012345678901234567890,"isSubscribed":1e-400}}]`},
		{name: "huge value", body: `[{"key":"age","value":1e999},{"key":"score","value":123456789012345678901234567890e300}]`},
		{name: "lone surrogate", body: `{"tag":"\ud800","extIds":["\udfff","id1"],"extId":"\ud800"}`},
		{name: "invalid UTF-8", body: "{\"tag\":\"\xff\xfe\",\"extIds\":[\"\xc3\x28\"],\"extId\":\"\xed\xa0\x80\"}"},
		{name: "emoji and RTL", body: `[{"extId":"id1","profile":{"name":"😀\u202e\u0000","lastVisitedCategories":["\u0000","😀"]}}]`},
		{name: "NUL bytes", body: "[{\"extId\":\"id1\u0000\",\"key\":\"\u0000\",\"value\":\"\u0000\"}]"},
		{name: "null", body: `null`},
		{name: "array of null", body: `[null,null]`},
		{name: "nulls everywhere object", body: `{"extIds":null,"tag":null,"extId":null,"deviceToken":null,"email":null,"msisdn":null,"emailList":null,"msisdnList":null,"checkExistence":null}`},
		{name: "null ids", body: `{"extIds":[null],"tag":[null],"emailList":[null],"msisdnList":[null]}`},
		{name: "nulls everywhere array", body: `[{"extId":null,"deviceToken":null,"profile":null,"key":null,"value":null,"messageId":null,"category":null,"enable":null,"channel":null}]`},
		{name: "null profile values", body: `[{"extId":"id1","profile":{"age":null,"lastVisitedCategories":[null],"name":null}}]`},
		{name: "arrays of arrays", body: `[[1,2],[3,[4]],[]]`},
		{name: "ids as arrays", body: `{"tag":[["x"]],"extIds":[["id1"]],"emailList":[["a@b.c"]]}`},
		{name: "profile as arrays", body: `[{"extId":["id1"],"profile":[["age"]]},{"extId":"id1","profile":{"lastVisitedCategories":[["a"]],"age":[34]}}]`},
		{name: "objects as values", body: `[{"extId":{"$ne":null},"profile":{"name":{"$set":1}}},{"key":{"a":1},"value":{"b":2}}]`},
		{name: "wrong types everywhere", body: `{"extIds":{},"tag":{},"extId":[],"deviceToken":{},"email":[],"msisdn":{},"emailList":{},"checkExistence":[]}`},
		{name: "duplicate keys", body: `{"extIds":["id1"],"extIds":"x","tag":"a","tag":5}`},
		{name: "empty object", body: `{}`},
		{name: "empty array", body: `[]`},
		{name: "string", body: `"hello"`},
		{name: "number", body: `-0.0e-0`},
		{name: "many entries", big: true, body: "[" + strings.TrimSuffix(strings.Repeat(`{"extId":"id1","profile":{"age":1},"key":"age","value":1,"messageId":0,"category":"Shopping","enable":true},`, 5000), ",") + "]"},
		{name: "long strings", big: true, body: `{"tag":"` + strings.Repeat("x", 256<<10) + `","extIds":["` + strings.Repeat("y", 256<<10) + `"],"extId":"` + strings.Repeat("z", 256<<10) + `"}`},
		{name: "17 MiB", big: true, body: `{"extIds":["` + strings.Repeat("a", 17<<20) + `"]}`},
	}
}

// TestNoServerErrors sends nasty bodies to every POST endpoint and nasty
// queries to every GET endpoint: none may answer 5xx (a panic answers 500).
func TestNoServerErrors(t *testing.T) {
	t.Parallel()
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return testDataset(), nil }), state.Settings{AutoDefine: true}, testKey)
	if err != nil {
		t.Fatalf("state.NewStore: %v", err)
	}
	bodies := nastyBodies()
	for i, opts := range []mockserver.Options{{}, {SingleObject: mockserver.SingleObjectAccept, LenientOS: true}} {
		srv, err := mockserver.New(store, opts)
		if err != nil {
			t.Fatalf("mockserver.New: %v", err)
		}
		for _, route := range srv.Routes() {
			method, path, _ := strings.Cut(route, " ")
			if method != http.MethodPost {
				continue
			}
			for _, b := range bodies {
				if b.big && i > 0 {
					continue
				}
				t.Run(route+" "+b.name, func(t *testing.T) {
					req := httptest.NewRequest(method, path, strings.NewReader(b.body))
					req.Header.Set("X-netmera-api-key", testKey)
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code >= 500 {
						t.Errorf("%s with %s (%d bytes) = %d %.300s, want no 5xx", route, b.name, len(b.body), rec.Code, rec.Body)
					}
				})
			}
		}
		queries := []string{
			"extId=%00&externalId=%ff&deviceToken=%ed%a0%80",
			"extId=" + strings.Repeat("x", 1<<16),
			"max=99999999999999999999&offset=99999999999999999999",
			"max=-9223372036854775808&offset=9223372036854775807",
			"max=9223372036854775807&offset=9223372036854775806",
			"id=9223372036854775807&max=9223372036854775807",
			"id=-1&offset=" + strings.Repeat("A", 4096),
			"id=5883&offset=c2VnOjU4ODM6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OjA6MA",                      // seg:5883:999999999999999999999:0:0
			"id=5883&offset=c2VnOjU4ODM6LTE6MDow",                                                // seg:5883:-1:0:0
			"id=5883&offset=c2VnOjU4ODM6OTIyMzM3MjAzNjg1NDc3NTgwNzowOjkyMjMzNzIwMzY4NTQ3NzU4MDc", // seg:5883:9223372036854775807:0:9223372036854775807
			"id=5883&offset=c2VnOjU4ODM6MTAwOjA6MTAwOmV4dHJh",                                    // seg:5883:100:0:100:extra
			"id=5883&offset=c2VnOjU4ODM6OTIyMzM3MjAzNjg1NDc3NTgwNzo5MjIzMzcyMDM2ODU0Nzc1ODA3OjA", // seg:5883:9223372036854775807:9223372036854775807:0
			"pushPermitted=%00&extId=id1",
			"extId=id1&extId=id2&max=1&max=2",
			"%zz=1",
		}
		for _, route := range srv.Routes() {
			method, path, _ := strings.Cut(route, " ")
			if method != http.MethodGet {
				continue
			}
			for _, q := range queries {
				t.Run(route+" "+q[:min(len(q), 40)], func(t *testing.T) {
					req := httptest.NewRequest(method, path, nil)
					req.URL.RawQuery = q
					req.Header.Set("X-netmera-api-key", testKey)
					req.Header.Set("X-netmera-os", "IOS")
					req.Header.Set("X-Forwarded-Host", "evil.example/\x00?#")
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code >= 500 {
						t.Errorf("%s?%.60s = %d %.300s, want no 5xx", route, q, rec.Code, rec.Body)
					}
				})
			}
		}
	}
}
