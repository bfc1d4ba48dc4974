package clienttest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/clienttest/internal/refclient"
)

// The reference client passes the whole suite under the real testing
// package. (With NETMERA_LIVE_* set, it runs the live-safe cases there too.)
func TestRunReferenceClient(t *testing.T) {
	clienttest.Run(t, factory(refclient.Defects{}))
}

// Driven by the recorder, the reference client fails nothing and skips
// nothing but the live run.
func TestReferenceClientPassesEveryCase(t *testing.T) {
	res := runSuite(factory(refclient.Defects{}), noLive)
	mustNotFail(t, res)
	if got := keys(res.skipped); !slices.Equal(got, []string{"live"}) {
		t.Errorf("skipped %q, want only \"live\"", got)
	}
	ran := res.leaves(func(n string) bool { return !strings.HasPrefix(n, "live") })
	if diff := cmp.Diff(ran, clienttest.CaseNames()); diff != "" {
		t.Errorf("cases run (-got +want):\n%s", diff)
	}
}

// Case names are part of the API: users select them with -run and the
// tests below name them. A change here is a change for every user.
func TestCaseNamesAreStable(t *testing.T) {
	want := []string{
		"auth/key-header", "auth/bad-key-2010", "auth/bad-key-401",
		"transport/content-type-json", "transport/empty-200-body", "transport/uses-given-http-client", "transport/honours-context",
		"tags/tag", "tags/untag", "tags/batches-over-1000",
		"users/delete-permanently", "users/delete-unknown-5016",
		"profile/set-array-body", "profile/set-batches-over-1000", "profile/unset", "profile/push-pull",
		"profile/get", "profile/read-after-write", "profile/get-unknown-user",
		"categories/set-array-body", "categories/read-after-write",
		"devices/get", "devices/get-only-permitted", "devices/enable-disable-push",
		"devices/all-tokens-follow-nextPage", "devices/all-tokens-legacy-shape", "devices/all-tokens-current-shape",
		"segments/list", "segments/os-header", "segments/users-follow-nextPage", "segments/users-os-header", "segments/unknown-5042",
		"email/enable-disable", "email/update", "email/disable-batches-over-1000",
		"sms/enable-disable", "sms/update-msisdn",
		"approval/array-body", "approval/unknown-5003",
	}
	if diff := cmp.Diff(clienttest.CaseNames(), want); diff != "" {
		t.Errorf("case names (-got +want):\n%s", diff)
	}
}

// Each deliberately broken client fails the cases that should catch it.
func TestBrokenClientsFailTheirCases(t *testing.T) {
	tests := []struct {
		name     string
		defects  refclient.Defects
		wantFail []string
	}{
		{"no batching past 1000", refclient.Defects{NoBatching: true},
			[]string{"tags/batches-over-1000", "profile/set-batches-over-1000", "email/disable-batches-over-1000"}},
		{"ignores nextPage", refclient.Defects{IgnoreNextPage: true},
			[]string{"devices/all-tokens-follow-nextPage", "segments/users-follow-nextPage"}},
		{"key in Authorization", refclient.Defects{KeyHeader: "Authorization"},
			[]string{"auth/key-header"}},
		{"key in a misspelt header", refclient.Defects{KeyHeader: "X-Netmera-Key"},
			[]string{"auth/key-header"}},
		{"swallows the error code", refclient.Defects{SwallowCodes: true},
			[]string{"auth/bad-key-2010", "auth/bad-key-401", "users/delete-unknown-5016", "segments/unknown-5042", "approval/unknown-5003"}},
		{"object where an array is required", refclient.Defects{ObjectBodies: true},
			[]string{"profile/set-array-body", "profile/unset", "profile/push-pull", "categories/set-array-body", "approval/array-body"}},
		{"parses empty 200 bodies as JSON", refclient.Defects{JSONEveryResponse: true},
			[]string{"transport/empty-200-body"}},
		{"no X-netmera-os", refclient.Defects{NoOSHeader: true},
			[]string{"segments/os-header", "segments/users-os-header"}},
		{"no Content-Type", refclient.Defects{NoContentType: true},
			[]string{"transport/content-type-json"}},
		{"ignores the given http.Client", refclient.Defects{DefaultHTTPClient: true},
			[]string{"transport/uses-given-http-client"}},
		{"ignores its context", refclient.Defects{IgnoreContext: true},
			[]string{"transport/honours-context"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runSuite(factory(tt.defects), noLive)
			failed := res.failedLeaves()
			for _, name := range tt.wantFail {
				if !slices.Contains(failed, name) {
					t.Errorf("case %s passed a client with defect %+v; want it to fail (failed: %q)", name, tt.defects, failed)
				}
			}
			if !t.Failed() {
				t.Logf("what %s reports:\n%s", tt.wantFail[0], strings.Join(res.messages[tt.wantFail[0]], "\n"))
			}
		})
	}
}

// tagsOnly implements UserClient and nothing else.
type tagsOnly struct{ clienttest.UserClient }

// The groups of an interface the client lacks are skipped, saying why.
func TestMissingInterfacesAreSkipped(t *testing.T) {
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return tagsOnly{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}, nil
	}, noLive)
	mustNotFail(t, res)
	want := []string{"approval", "categories", "devices", "email", "live", "profile", "segments", "sms"}
	if diff := cmp.Diff(keys(res.skipped), want); diff != "" {
		t.Errorf("skipped (-got +want):\n%s", diff)
	}
	if msg := strings.Join(res.messages["profile"], "\n"); !strings.Contains(msg, "does not implement clienttest.ProfileClient") {
		t.Errorf("profile was skipped with %q, want it to name clienttest.ProfileClient", msg)
	}
}

func TestFactoryErrorFailsTheRun(t *testing.T) {
	res := runSuite(func(string, string, *http.Client) (any, error) { return nil, errors.New("no client today") }, noLive)
	if !res.failed[""] || !strings.Contains(strings.Join(res.messages[""], "\n"), "no client today") {
		t.Errorf("a factory error: failed=%t, messages %q; want the run failed with the error", res.failed[""], res.messages[""])
	}
}

// stuck waits on its context where it should tag users.
type stuck struct{ clienttest.UserClient }

func (stuck) TagUsers(ctx context.Context, _ string, _ []string) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestWatchdogFailsAHangingCase(t *testing.T) {
	start := time.Now()
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return stuck{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}, nil
	}, noLive, clienttest.CaseTimeout(200*time.Millisecond))
	msg := strings.Join(res.messages["tags/tag"], "\n")
	if !res.failed["tags/tag"] || !strings.Contains(msg, "watchdog: tags/tag did not finish within 200ms") {
		t.Errorf("tags/tag with a client that hangs: failed=%t, messages:\n%s\nwant a watchdog failure", res.failed["tags/tag"], msg)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("the run took %v", d)
	}
}

// panicky panics where it should tag users.
type panicky struct{ clienttest.UserClient }

func (panicky) TagUsers(context.Context, string, []string) error { panic("boom") }

func TestClientPanicFailsOnlyItsCase(t *testing.T) {
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return panicky{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}, nil
	}, noLive)
	msg := strings.Join(res.messages["tags/tag"], "\n")
	if !strings.Contains(msg, "the client panicked: boom") {
		t.Errorf("tags/tag with a client that panics: messages:\n%s\nwant the panic reported", msg)
	}
	if res.failed["users/delete-permanently"] {
		t.Errorf("users/delete-permanently failed; the panic in TagUsers must not reach it")
	}
}

// A failure message says what the client was asked, what the fake
// received and what was wanted.
func TestFailureMessageShape(t *testing.T) {
	res := runSuite(factory(refclient.Defects{NoBatching: true}), noLive)
	msg := strings.Join(res.messages["tags/batches-over-1000"], "\n")
	for _, want := range []string{
		"tags/batches-over-1000\n",
		`asked:    TagUsers(ctx, "clienttest-tag", 2500 IDs [`,
		"returned: error ",
		"(APIError code 2009,",
		"the fake received 1 request:",
		"POST /rest/3.0/tagUsers → 400",
		`X-netmera-api-key: "clienttest-key", Content-Type: "application/json"`,
		" bytes)\n",
		"want:     every tagUsers request to name at most 1000 unique IDs in \"extIds\"",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message lacks %q:\n%s", want, msg)
		}
	}
}
