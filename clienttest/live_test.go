package clienttest_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/clienttest/internal/refclient"
	"github.com/netmera-mock/netmera-mock/state"
)

// liveCases lists the live cases, "live/group/case".
func liveCases() []string {
	var out []string
	for _, n := range clienttest.LiveCaseNames() {
		out = append(out, "live/"+n)
	}
	return out
}

// A fake stands in for the live app: the live-safe cases pass against it,
// leave its state exactly as it was, and name no ID but their own.
func TestLiveRunTouchesOnlyItsOwnIDs(t *testing.T) {
	app := clienttest.NewServer(t)
	before := app.Export()
	res := runSuite(factory(refclient.Defects{}), clienttest.Live(app.URL, app.APIKey))
	mustNotFail(t, res)

	ran := res.leaves(func(n string) bool { return strings.HasPrefix(n, "live/") && !res.skipped[n] })
	if diff := cmp.Diff(ran, liveCases()); diff != "" {
		t.Errorf("live cases run (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(before, app.Export()); diff != "" {
		t.Errorf("the live run changed the app (-before +after):\n%s", diff)
	}
	for _, r := range app.Requests() {
		if strings.HasSuffix(r.Path, "/sendPushApproval") {
			t.Errorf("the live run sent %s %s: it must never approve real messages", r.Method, r.Path)
		}
		for _, id := range namedIDs(r) {
			if !strings.HasPrefix(id, "clienttest-") {
				t.Errorf("the live run named %q in %s %s; want only IDs of its own prefix", id, r.Method, r.Path)
			}
		}
	}
}

// namedIDs returns the external IDs a request names, in its query or
// anywhere in its JSON body.
func namedIDs(r clienttest.Request) []string {
	ids := append(r.Query["extId"], r.Query["externalId"]...)
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case string:
			if key == "extId" || key == "extIds" {
				ids = append(ids, v)
			}
		}
	}
	var body any
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	if dec.Decode(&body) == nil {
		walk("", body)
	}
	return ids
}

// Without Live, the NETMERA_LIVE_* variables turn the live run on; its
// failure messages never show the key.
func TestLiveRunFromTheEnvironmentHidesTheKey(t *testing.T) {
	app := clienttest.NewServer(t, clienttest.WithAPIKey("secret-live-key"))
	t.Setenv(clienttest.EnvLiveBaseURL, app.URL)
	t.Setenv(clienttest.EnvLiveAPIKey, app.APIKey)
	res := runSuite(factory(refclient.Defects{NoBatching: true}))
	name := "live/tags/batches-over-1000"
	msg := strings.Join(res.messages[name], "\n")
	if !res.failed[name] {
		t.Fatalf("%s passed a client that does not batch", name)
	}
	if strings.Contains(msg, "secret-live-key") || !strings.Contains(msg, state.KeyID("secret-live-key")) {
		t.Errorf("%s says:\n%s\nwant the key shown only as %s", name, msg, state.KeyID("secret-live-key"))
	}
	if !strings.Contains(msg, "the live API was sent 1 request:") {
		t.Errorf("%s says:\n%s\nwant it to show what was sent to the live API", name, msg)
	}
}
