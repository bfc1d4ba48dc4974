package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

func TestCategoryPreferences(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	get := func(extID string) map[string]bool {
		t.Helper()
		var got struct {
			CategoryPreferences map[string]bool `json:"categoryPreferences"`
		}
		wantJSON(t, "GET getCategoryPreferences?externalId="+extID,
			h.Do(t, http.MethodGet, "/rest/3.0/getCategoryPreferences?externalId="+extID+"&pushPermitted=true", ""), &got)
		return got.CategoryPreferences
	}
	if diff := cmp.Diff(map[string]bool{"Shopping": true, "Promotion": false, "Haftalık Bülten": true}, get("id1")); diff != "" {
		t.Errorf("getCategoryPreferences of seeded id1 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{}, get("nobody")); diff != "" {
		t.Errorf("getCategoryPreferences of an unknown user mismatch (-want +got):\n%s", diff)
	}

	steps := []struct {
		name, body string
		wantPush   map[string]bool // id1's PUSH preferences after the step
	}{
		{name: "doc example", body: `[{"extId":"id1","category":"Shopping","enable":false},{"extId":"id1","category":"Promotion","enable":true}]`,
			wantPush: map[string]bool{"Shopping": false, "Promotion": true, "Haftalık Bülten": true}},
		{name: "non-ASCII name", body: `[{"extId":"id1","category":"Haftalık Bülten","enable":false}]`,
			wantPush: map[string]bool{"Shopping": false, "Promotion": true, "Haftalık Bülten": false}},
		{name: "another channel leaves push", body: `[{"extId":"id1","category":"Shopping","enable":true,"channel":"EMAIL"}]`,
			wantPush: map[string]bool{"Shopping": false, "Promotion": true, "Haftalık Bülten": false}},
		{name: "skipped entries", body: `[{"extId":"id1","category":"shopping","enable":true},{"extId":"id1","category":"Shopping","enable":true,"channel":"FAX"},` +
			`{"extId":"id1","enable":true},{"extId":"id1","category":"Shopping"},{"extId":"ghost","category":"Shopping","enable":true},{"category":"Shopping","enable":true}]`,
			wantPush: map[string]bool{"Shopping": false, "Promotion": true, "Haftalık Bülten": false}},
		{name: "empty list", body: `[]`,
			wantPush: map[string]bool{"Shopping": false, "Promotion": true, "Haftalık Bülten": false}},
	}
	for _, st := range steps {
		call := "POST setCategoryPreferences " + st.body
		wantOK(t, call, h.Do(t, http.MethodPost, "/rest/3.0/setCategoryPreferences", st.body))
		if diff := cmp.Diff(st.wantPush, get("id1")); diff != "" {
			t.Errorf("%s (%s): getCategoryPreferences mismatch (-want +got):\n%s", call, st.name, diff)
		}
	}
	// The email channel, which the API cannot read back.
	var email *bool
	for _, p := range h.MustUser(t, "id1").Categories {
		if p.Category == "Shopping" && p.Channel == "EMAIL" {
			email = &p.Enabled
		}
	}
	if email == nil || !*email {
		t.Errorf("after setting Shopping on EMAIL, /_mock/state has id1's EMAIL Shopping preference %v, want true", email)
	}
}
