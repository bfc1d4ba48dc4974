package contracts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/contracts"
)

// answer is a response the real fake gave, for a broken server to spoil.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// rewrite serves the fake's answers after fix has changed them.
func rewrite(fix func(r *http.Request, a *answer)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			a := &answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
			fix(r, a)
			for k, v := range a.header {
				w.Header()[k] = v
			}
			w.WriteHeader(a.status)
			_, _ = w.Write(a.body)
		})
	}
}

// before changes the request before the fake sees it.
func before(fix func(r *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fix(r)
			next.ServeHTTP(w, r)
		})
	}
}

// rewriteBody changes the bodies sent to one endpoint before the fake
// sees them.
func rewriteBody(endpoint string, fix func([]byte) []byte) func(http.Handler) http.Handler {
	return before(func(r *http.Request) {
		if r.URL.Path != "/rest/3.0/"+endpoint || r.Body == nil {
			return
		}
		b, _ := io.ReadAll(r.Body)
		b = fix(b)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	})
}

// Broken servers: each spoils one rule the suite must enforce.
var (
	// ignoresPushPermission never turns push off: sends reach devices
	// whatever their permission.
	ignoresPushPermission = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/rest/3.0/disablePush" {
				w.WriteHeader(http.StatusOK)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	// ignoresCategoryOptOuts sends a push as if it had no categories.
	ignoresCategoryOptOuts = rewriteBody("sendBulkNotification", func(b []byte) []byte {
		return regexp.MustCompile(`"categories":\[[^\]]*\],?`).ReplaceAll(b, nil)
	})
	// ignoresNot reads $not as $or.
	ignoresNot = rewriteBody("sendBulkNotification", func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte(`"$not"`), []byte(`"$or"`))
	})
	ignoresLimit = rewrite(func(_ *http.Request, a *answer) {
		if a.status == http.StatusBadRequest && bytes.Contains(a.body, []byte("Maximum 1000 unique")) {
			a.status, a.body = http.StatusOK, nil
			a.header.Del("Content-Type")
		}
	})
	relativeNextPage = rewrite(func(_ *http.Request, a *answer) {
		a.body = regexp.MustCompile(`"nextPage":"https?://[^/"]+`).ReplaceAll(a.body, []byte(`"nextPage":"`))
	})
	messageEnvelope = rewrite(func(_ *http.Request, a *answer) {
		var e struct {
			Code  int    `json:"code"`
			Error string `json:"error"`
		}
		if a.status >= 400 && json.Unmarshal(a.body, &e) == nil && e.Code != 0 {
			a.body, _ = json.Marshal(map[string]string{"message": e.Error})
		}
	})
	// plainAsEnvelope answers Netmera's plain-text refusals in its JSON
	// envelope instead, as a fake that knows one error shape would.
	plainAsEnvelope = rewrite(func(_ *http.Request, a *answer) {
		if strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
			a.body, _ = json.Marshal(map[string]any{"code": 2020, "error": string(a.body)})
			a.header.Set("Content-Type", "application/json")
		}
	})
	skipsKeyCheck = before(func(r *http.Request) {
		if r.Header.Get(contracts.HeaderAPIKey) != fakeKey {
			r.Header.Set(contracts.HeaderAPIKey, fakeKey)
		}
	})
	dropsWrites = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/rest/3.0/") {
				w.WriteHeader(http.StatusOK)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	writesAnswerJSON = rewrite(func(r *http.Request, a *answer) {
		if r.Method == http.MethodPost && a.status == http.StatusOK && len(a.body) == 0 {
			a.header.Set("Content-Type", "application/json")
			a.body = []byte("{}")
		}
	})
	// repeatsEntries starts every later page one entry early, so that each
	// page repeats the last entry of the one before.
	repeatsEntries = before(func(r *http.Request) {
		q := r.URL.Query()
		if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 && strings.HasSuffix(r.URL.Path, "/getDeviceTokens") {
			q.Set("offset", strconv.Itoa(n-1))
			r.URL.RawQuery = q.Encode()
		}
	})
)

// TestBrokenServersFail runs the suite against servers that each break one
// rule, and checks that the cases guarding it fail while cases about
// other things still pass.
func TestBrokenServersFail(t *testing.T) {
	tests := []struct {
		name     string
		wrap     func(http.Handler) http.Handler
		mustFail []string
		mustPass []string
	}{
		{
			name:     "ignores the 1000-ID limit",
			wrap:     ignoresLimit,
			mustFail: []string{"limit/over-1000", "limit/over-1000-applies-nothing"},
			mustPass: []string{"limit/1000-unique-ids", "limit/duplicates-count-once", "auth/wrong-key", "devices/unknown-user"},
		},
		{
			name:     "makes nextPage relative",
			wrap:     relativeNextPage,
			mustFail: []string{"devices/tokens-walk", "segments/users-walk", "devices/tokens-read-back"},
			mustPass: []string{"segments/list", "tags/unknown-users", "auth/wrong-key"},
		},
		{
			name:     "answers errors as {\"message\": …}",
			wrap:     messageEnvelope,
			mustFail: []string{"auth/missing-key", "auth/wrong-key", "errors/invalid-json", "tags/refusals", "devices/refusals", "limit/over-1000"},
			mustPass: []string{"segments/list", "profile/definitions", "devices/read-back", "tags/unknown-users"},
		},
		{
			name:     "serves a wrong or missing key as the default tenant",
			wrap:     skipsKeyCheck,
			mustFail: []string{"auth/missing-key", "auth/wrong-key"},
			mustPass: []string{"devices/read-back", "tags/unknown-users", "errors/invalid-json", "transport/unknown-path"},
		},
		{
			name: "drops writes, answering 200",
			wrap: dropsWrites,
			mustFail: []string{"profile/set-read-back", "profile/push-pull-read-back", "tags/read-back", "devices/read-back",
				"channels/read-back", "messages/approve", "categories/read-back", "users/delete-permanently", "errors/invalid-json",
				"addresses/upload", "addresses/remove-read-back", "whatsapp/read-back"},
			mustPass: []string{"segments/list", "devices/tokens-walk", "profile/definitions", "segments/documented-sample"},
		},
		{
			name: "answers writes with a JSON body",
			wrap: writesAnswerJSON,
			mustFail: []string{"tags/unknown-users", "devices/unknown-user", "profile/unknown-user", "channels/unknown-users",
				"addresses/unknown-users", "whatsapp/unknown-users"},
			mustPass: []string{"segments/list", "auth/wrong-key", "devices/refusals"},
		},
		{
			name:     "answers plain-text refusals in the envelope",
			wrap:     plainAsEnvelope,
			mustFail: []string{"addresses/plain-text-400"},
			mustPass: []string{"addresses/refusals", "whatsapp/refusals", "addresses/remove-read-back"},
		},
		{
			name:     "ignores push permission when it sends",
			wrap:     ignoresPushPermission,
			mustFail: []string{"notifications/who-gets-it"},
			mustPass: []string{"notifications/personalized", "notifications/approval", "tags/read-back"},
		},
		{
			name:     "ignores category opt-outs when it sends",
			wrap:     ignoresCategoryOptOuts,
			mustFail: []string{"notifications/who-gets-it"},
			mustPass: []string{"notifications/personalized", "categories/read-back", "devices/read-back"},
		},
		{
			name:     "reads $not as $or",
			wrap:     ignoresNot,
			mustFail: []string{"notifications/who-gets-it"},
			mustPass: []string{"notifications/results-walk", "notifications/refusals", "tags/read-back"},
		},
		{
			name:     "repeats an entry on every later page",
			wrap:     repeatsEntries,
			mustFail: []string{"devices/tokens-walk"},
			mustPass: []string{"segments/users-walk", "devices/unknown-user", "devices/tokens-read-back"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := mustFake(t, tc.wrap)
			names := append(slices.Clone(tc.mustFail), tc.mustPass...)
			for i, n := range names {
				names[i] = regexp.QuoteMeta(n)
			}
			only := regexp.MustCompile("^(" + strings.Join(names, "|") + ")$")
			rep := contracts.Run(context.Background(), f.target(), contracts.Options{AllowDestructive: true, Run: only})
			if !rep.Failed() {
				t.Fatalf("the suite passed against a server that %s: %s", tc.name, rep.Summary())
			}
			for _, name := range tc.mustFail {
				if r, ok := rep.Result(name); !ok || r.Status != contracts.StatusFail {
					t.Errorf("case %s is %s against a server that %s, want it to fail", name, r.Status, tc.name)
				}
			}
			for _, name := range tc.mustPass {
				if r, ok := rep.Result(name); !ok || r.Status != contracts.StatusPass {
					t.Errorf("case %s is %s against a server that %s, want it to pass (it checks something else):\n%s",
						name, r.Status, tc.name, strings.Join(r.Failures, "\n"))
				}
			}
			if t.Failed() {
				var failed []string
				for _, r := range rep.Results {
					if r.Status == contracts.StatusFail {
						failed = append(failed, r.Name)
					}
				}
				t.Logf("failed cases: %q", failed)
			}
		})
	}
}
