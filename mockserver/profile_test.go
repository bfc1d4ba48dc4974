package mockserver_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// profileOf reads a profile through getProfileAttributes.
func (h *harness) profileOf(tb testing.TB, query string) map[string]any {
	tb.Helper()
	var got struct {
		ExtID   *string        `json:"extId"`
		Profile map[string]any `json:"profile"`
	}
	wantJSON(tb, "GET getProfileAttributes?"+query, h.Do(tb, http.MethodGet, "/rest/3.0/getProfileAttributes?"+query, ""), &got)
	return got.Profile
}

func seededID1() map[string]any {
	return map[string]any{
		"name": "John", "surname": "Brown", "dateOfBirth": json.Number("624315600000"), "email": "john.brown@example.com",
		"age": json.Number("34"), "isSubscribed": true, "score": json.Number("4.5"),
		"lastVisitedCategories": []any{"shopping", "promotion"}, "lastVisitedProducts": []any{"shirt", "shoes"},
	}
}

// with returns a copy of m with the changes applied; a nil value deletes.
func with(m map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestProfileWrites(t *testing.T) {
	t.Parallel()
	id1 := seededID1()
	tests := []struct {
		name, path, body string
		query            string // whose profile to read back
		want             map[string]any
	}{
		{name: "set", path: "setProfileAttributes", body: `[{"extId":"id1","profile":{"age":24,"name":"Johnny","score":3,"dateOfBirth":0}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"age": json.Number("24"), "name": "Johnny", "score": json.Number("3"), "dateOfBirth": json.Number("0")})},
		{name: "set drops undefined keys and wrong types", path: "setProfileAttributes",
			body:  `[{"extId":"id1","profile":{"favouriteColour":"red","age":"old","isSubscribed":1,"lastVisitedProducts":"hat","name":"Ünal 😀"}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"name": "Ünal 😀"})},
		{name: "set by device token", path: "setProfileAttributes", body: `[{"deviceToken":"a1b2c3d4e5f6g7","profile":{"age":40}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"age": json.Number("40")})},
		{name: "set skips malformed entries", path: "setProfileAttributes",
			body:  `[1,{"extId":5,"profile":{"age":1}},{"profile":{"age":2}},{"extId":"id1","profile":["age"]},{"extId":"id1","profile":{"age":41}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"age": json.Number("41")})},
		{name: "set unknown user", path: "setProfileAttributes", body: `[{"extId":"ghost","profile":{"age":1}}]`,
			query: "extId=ghost", want: map[string]any{}},
		{name: "unset", path: "unsetProfileAttributes", body: `[{"extId":"id1","profile":["age","name","notDefined"]}]`,
			query: "extId=id1", want: with(id1, map[string]any{"age": nil, "name": nil})},
		{name: "unset empty list and no profile", path: "unsetProfileAttributes", body: `[{"extId":"id1","profile":[]},{"extId":"id1"}]`,
			query: "extId=id1", want: id1},
		{name: "push set semantics", path: "pushProfileAttributes", body: `[{"extId":"id1","profile":{"lastVisitedCategories":["shopping","sale","sale"]}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"lastVisitedCategories": []any{"shopping", "promotion", "sale"}})},
		{name: "push creates the attribute", path: "pushProfileAttributes", body: `[{"extId":"id2","profile":{"lastVisitedCategories":["shopping"]}}]`,
			query: "extId=id2", want: map[string]any{"name": "Jane", "age": json.Number("28"), "email": "jane@example.com", "msisdn": "905312345678",
				"lastVisitedProducts": []any{"shirt"}, "lastVisitedCategories": []any{"shopping"}}},
		{name: "push ignores scalar attributes", path: "pushProfileAttributes", body: `[{"extId":"id1","profile":{"name":["x"],"lastVisitedProducts":[1]}}]`,
			query: "extId=id1", want: id1},
		{name: "pull", path: "pullProfileAttributes", body: `[{"extId":"id1","profile":{"lastVisitedCategories":["promotion","absent"]}}]`,
			query: "extId=id1", want: with(id1, map[string]any{"lastVisitedCategories": []any{"shopping"}})},
		{name: "pull the last value leaves an empty array", path: "pullProfileAttributes", body: `[{"extId":"id2","profile":{"lastVisitedProducts":["shirt"]}}]`,
			query: "extId=id2", want: map[string]any{"name": "Jane", "age": json.Number("28"), "email": "jane@example.com", "msisdn": "905312345678", "lastVisitedProducts": []any{}}},
		{name: "delete attributes from all users", path: "deleteProfileAttributes", body: `[{"profile":["name","age"]}]`,
			query: "extId=id2", want: map[string]any{"email": "jane@example.com", "msisdn": "905312345678", "lastVisitedProducts": []any{"shirt"}}},
		{name: "delete attributes single object", path: "deleteProfileAttributes", body: `{"profile":["surname"]}`,
			query: "extId=id1", want: with(id1, map[string]any{"surname": nil})},
		{name: "delete attributes without validation", path: "deleteProfileAttributes", body: `[{"nothing":1},5,{"profile":"age"},{"profile":[3,"score"]}]`,
			query: "extId=id1", want: with(id1, map[string]any{"score": nil})},
		{name: "delete attributes non-array", path: "deleteProfileAttributes", body: `"age"`,
			query: "extId=id1", want: id1},
		{name: "delete a value from an array", path: "deleteProfileAttributeValue", body: `[{"key":"lastVisitedProducts","value":"shirt"}]`,
			query: "extId=id2", want: map[string]any{"name": "Jane", "age": json.Number("28"), "email": "jane@example.com", "msisdn": "905312345678", "lastVisitedProducts": []any{}}},
		{name: "delete a scalar value", path: "deleteProfileAttributeValue", body: `{"key":"age","value":34}`,
			query: "extId=id1", want: with(id1, map[string]any{"age": nil})},
		{name: "delete a value of an unknown key or type", path: "deleteProfileAttributeValue", body: `[{"key":"nope","value":"x"},{"key":"age","value":"34"}]`,
			query: "extId=id1", want: id1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			call := "POST " + tt.path + " " + tt.body
			wantOK(t, call, h.Do(t, http.MethodPost, "/rest/3.0/"+tt.path, tt.body))
			if diff := cmp.Diff(tt.want, h.profileOf(t, tt.query)); diff != "" {
				t.Errorf("after %s, getProfileAttributes?%s mismatch (-want +got):\n%s", call, tt.query, diff)
			}
		})
	}
}

func TestGetProfileAttributes(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	tests := []struct {
		name, query string
		want        string
	}{
		{name: "by extId", query: "extId=id1", want: `{"extId":"id1","profile":{"age":34,"dateOfBirth":624315600000,"email":"john.brown@example.com","isSubscribed":true,` +
			`"lastVisitedCategories":["shopping","promotion"],"lastVisitedProducts":["shirt","shoes"],"name":"John","score":4.5,"surname":"Brown"}}`},
		{name: "by device token", query: "deviceToken=my_device_token", want: `{"extId":null,"profile":{"name":"Ayşe"}}`},
		{name: "extId wins over token", query: "extId=id2&deviceToken=my_device_token", want: `{"extId":"id2","profile":{"age":28,"email":"jane@example.com","lastVisitedProducts":["shirt"],"msisdn":"905312345678","name":"Jane"}}`},
		{name: "unknown user", query: "extId=ghost", want: `{"extId":"ghost","profile":{}}`},
		{name: "unlinked device", query: "deviceToken=anon-token", want: `{"extId":null,"profile":{}}`},
		{name: "query escaping", query: "extId=id_in_my_system_1&x=%26", want: `{"extId":"id_in_my_system_1","profile":{"name":"Ayşe"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.Do(t, http.MethodGet, "/rest/3.0/getProfileAttributes?"+tt.query, "")
			if r.Status != http.StatusOK || string(r.Body) != tt.want+"\n" {
				t.Errorf("GET getProfileAttributes?%s = %v, want 200 %s", tt.query, r, tt.want)
			}
		})
	}
}

func TestListProfileAttributes(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	type def struct {
		Code     string `json:"code"`
		DataType string `json:"dataType"`
		Name     string `json:"name"`
		IsArray  bool   `json:"isArray"`
	}
	var got struct {
		Standard []def `json:"standardProfileAttributes"`
		Custom   []def `json:"customProfileAttributes"`
	}
	wantJSON(t, "GET app/profile-attributes", h.Do(t, http.MethodGet, "/rest/3.0/app/profile-attributes", ""), &got)
	want := got
	want.Standard = []def{{"name", "STRING", "name", false}, {"surname", "STRING", "surname", false}, {"email", "STRING", "email", false},
		{"msisdn", "STRING", "msisdn", false}, {"dateOfBirth", "DATE", "dateOfBirth", false}}
	want.Custom = []def{{"age", "INTEGER", "age", false}, {"isSubscribed", "BOOLEAN", "isSubscribed", false}, {"score", "DOUBLE", "score", false},
		{"lastVisitedCategories", "STRING", "lastVisitedCategories", true}, {"lastVisitedProducts", "STRING", "lastVisitedProducts", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET app/profile-attributes mismatch (-want +got):\n%s", diff)
	}
}

// customAttributes reads the custom definitions of app/profile-attributes.
func (h *harness) customAttributes(tb testing.TB) map[string]string {
	tb.Helper()
	var got struct {
		Custom []struct {
			Code     string `json:"code"`
			DataType string `json:"dataType"`
			IsArray  bool   `json:"isArray"`
		} `json:"customProfileAttributes"`
	}
	wantJSON(tb, "GET app/profile-attributes", h.Do(tb, http.MethodGet, "/rest/3.0/app/profile-attributes", ""), &got)
	out := map[string]string{}
	for _, d := range got.Custom {
		out[d.Code] = d.DataType
		if d.IsArray {
			out[d.Code] += "[]"
		}
	}
	return out
}

// TestAutoDefine checks state.Settings.AutoDefine over HTTP: set and push
// define unknown keys from their values.
func TestAutoDefine(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{AutoDefine: true}, mockserver.Options{}, testKey)
	writes := []struct{ path, body string }{
		{"setProfileAttributes", `[{"extId":"id1","profile":{"visits":3,"ratio":0.5,"colour":"red","vip":true,"emptyList":[],"nothing":null}}]`},
		{"setProfileAttributes", `[{"extId":"ghost","profile":{"ghostAttr":"x"}}]`},
		{"pushProfileAttributes", `[{"extId":"id1","profile":{"wishlist":["a","a","b"]}}]`},
		{"setProfileAttributes", `[{"extId":"id1","profile":{"visits":3.5}}]`},
	}
	for _, w := range writes {
		wantOK(t, "POST "+w.path+" "+w.body, h.Do(t, http.MethodPost, "/rest/3.0/"+w.path, w.body))
	}
	want := map[string]string{"age": "INTEGER", "isSubscribed": "BOOLEAN", "score": "DOUBLE", "lastVisitedCategories": "STRING[]",
		"lastVisitedProducts": "STRING[]", "visits": "INTEGER", "ratio": "DOUBLE", "colour": "STRING", "vip": "BOOLEAN", "wishlist": "STRING[]"}
	if diff := cmp.Diff(want, h.customAttributes(t)); diff != "" {
		t.Errorf("custom attributes after auto-defining writes mismatch (-want +got):\n%s", diff)
	}
	got := h.profileOf(t, "extId=id1")
	for k, v := range map[string]any{"visits": json.Number("3"), "ratio": json.Number("0.5"), "colour": "red", "vip": true, "wishlist": []any{"a", "b"}} {
		if !cmp.Equal(v, got[k]) {
			t.Errorf("getProfileAttributes?extId=id1: %s = %v, want %v", k, got[k], v)
		}
	}
}

// TestAutoDefinePullDefinesNothing: pullProfileAttributes only removes
// values, so it has nothing to define an attribute from.
func TestAutoDefinePullDefinesNothing(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{AutoDefine: true}, mockserver.Options{}, testKey)
	before := h.customAttributes(t)
	wantOK(t, "pullProfileAttributes", h.Do(t, http.MethodPost, "/rest/3.0/pullProfileAttributes", `[{"extId":"id1","profile":{"ghostList":["x"]}}]`))
	if diff := cmp.Diff(before, h.customAttributes(t)); diff != "" {
		t.Errorf("pullProfileAttributes of an unknown key changed the definitions (-before +after):\n%s", diff)
	}
}
