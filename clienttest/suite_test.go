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
		"users/delete-permanently", "users/delete-unknown-5016", "users/register", "users/register-batches-over-1000", "users/delete",
		"profile/set-array-body", "profile/set-batches-over-1000", "profile/unset", "profile/push-pull",
		"profile/get", "profile/read-after-write", "profile/get-unknown-user",
		"categories/set-array-body", "categories/read-after-write",
		"devices/get", "devices/get-only-permitted", "devices/enable-disable-push",
		"devices/all-tokens-follow-nextPage", "devices/all-tokens-legacy-shape", "devices/all-tokens-current-shape",
		"segments/list", "segments/os-header", "segments/users-follow-nextPage", "segments/users-os-header", "segments/unknown-5042",
		"email/enable-disable", "email/update", "email/disable-batches-over-1000",
		"sms/enable-disable", "sms/update-msisdn",
		"addresses/add-email", "addresses/add-msisdn", "addresses/remove-email", "addresses/remove-msisdn",
		"whatsapp/enable-disable", "whatsapp/update", "whatsapp/remove", "whatsapp/enable-batches-over-1000",
		"approval/array-body", "approval/unknown-5003",
		"notifications/create-definition", "notifications/send-key-as-text", "notifications/send-to-device-tokens",
		"notifications/send-batches-over-1000", "notifications/send-unknown-key-5003",
		"notifications/bulk-returns-key", "notifications/bulk-targets",
		"pushresults/stats", "pushresults/stats-unknown-5003", "pushresults/by-key-follow-nextPage",
		"pushresults/by-user", "pushresults/no-results",
		"inbox/get-all-follow-prms", "inbox/get-all-status-mask", "inbox/unknown-user", "inbox/status-16-2001",
		"inbox/get", "inbox/get-unknown-204", "inbox/status-change",
		"events/fire", "events/batches-over-1000",
	}
	if diff := cmp.Diff(clienttest.CaseNames(), want); diff != "" {
		t.Errorf("case names (-got +want):\n%s", diff)
	}
}

// Each deliberately broken client fails the cases that should catch it,
// and the first of them says what happened, not what usually causes it.
func TestBrokenClientsFailTheirCases(t *testing.T) {
	tests := []struct {
		name     string
		defects  refclient.Defects
		wantFail []string
		exactly  bool     // wantFail are all the cases that fail
		want     []string // in the message of wantFail[0]
		wantAll  string   // in the message of every case of wantFail
		notWant  []string
		ignore   []string // conformance rules left out, to see the cases' own checks alone
	}{
		{name: "no batching past 1000", defects: refclient.Defects{NoBatching: true},
			wantFail: []string{"tags/batches-over-1000", "profile/set-batches-over-1000", "email/disable-batches-over-1000",
				"whatsapp/enable-batches-over-1000", "notifications/send-batches-over-1000",
				"users/register-batches-over-1000", "events/batches-over-1000"},
			exactly: true},
		{name: "ignores nextPage", defects: refclient.Defects{IgnoreNextPage: true},
			wantFail: []string{"devices/all-tokens-follow-nextPage", "segments/users-follow-nextPage", "pushresults/by-key-follow-nextPage", "inbox/get-all-follow-prms",
				"inbox/get-all-status-mask"},
			exactly: true,
			want:    []string{"following nextPage until a page has none (1 page(s) were fetched, at least 3 were needed)"}},
		// Three defects of real clients (a numeric notificationKey, only
		// getPushResult's first page, unbatched sends), each failing the
		// case that guards against it and saying what the client did.
		{name: "notificationKey as a JSON number", defects: refclient.Defects{NumericKey: true},
			// A client that sends the key as a number sends nothing: every
			// case that sends fails, each saying why.
			wantFail: []string{"notifications/send-key-as-text", "notifications/send-to-device-tokens",
				"notifications/send-batches-over-1000", "notifications/send-unknown-key-5003"},
			exactly: true,
			// The conformance rules fail every other case that sends too
			// (TestConformanceRulesCatchANumericKey).
			ignore:  []string{"notification-key-type", "document-refused"},
			wantAll: "; request 1 carries the JSON number ",
			want: []string{
				`asked:    SendNotification(ctx, {NotificationKey: `,
				`returned: error "netmera: error 2004: Field 'notificationKey' should be a text (HTTP 400)" (APIError code 2004,`,
				`body:   {"message":{"params":{"order":"A-1001"}},"notificationKey":`,
				`want:     every send to carry "notificationKey" as a JSON text, "`,
				`; request 1 carries the JSON number `,
			}},
		{name: "getPushResult's first page only", defects: refclient.Defects{FirstResultPage: true},
			wantFail: []string{"pushresults/by-key-follow-nextPage"}, exactly: true,
			want: []string{
				`asked:    AllPushResults(ctx, {NotificationKey:`,
				"returned: nil error\n",
				"the fake received 1 request:\n",
				`"nextPage":"http://127.0.0.1:`,
				"following nextPage until there is none (1 page(s) were fetched, at least 2 were needed); ",
			}},
		{name: "more than 1000 IDs in one send", defects: refclient.Defects{UnbatchedSends: true},
			wantFail: []string{"notifications/send-batches-over-1000"}, exactly: true,
			want: []string{
				`asked:    SendNotification(ctx, {NotificationKey: `, `ExtIDs: 2500 IDs ["id1" "id2" "id_in_my_system_1" … "user-002493"]`,
				`(APIError code 2009, text "Maximum 1000 unique external IDs or device tokens per request, got 2500")`,
				"the fake received 1 request:\n",
				"want:     every sendNotification request to name at most 1000 unique external IDs and device tokens, counted over the whole request " +
					"(Netmera's limit; split larger lists); request 1 names 2500",
			}},
		{name: "key in Authorization", defects: refclient.Defects{KeyHeader: "Authorization"},
			wantFail: []string{"auth/key-header", "transport/empty-200-body"}},
		{name: "key in a misspelt header", defects: refclient.Defects{KeyHeader: "X-Netmera-Key"},
			wantFail: []string{"transport/empty-200-body", "auth/key-header"},
			// The writes were refused: the case must not blame empty bodies.
			want:    []string{"but the fake answered request 1 403 Forbidden, not 200, so the request itself was refused"},
			notWant: []string{"an empty body is not JSON"}},
		{name: "swallows the error code", defects: refclient.Defects{SwallowCodes: true},
			wantFail: []string{"auth/bad-key-2010", "auth/bad-key-401", "users/delete-unknown-5016", "segments/unknown-5042", "approval/unknown-5003",
				"notifications/send-unknown-key-5003", "pushresults/stats-unknown-5003",
				"inbox/status-16-2001"}},
		{name: "object where an array is required", defects: refclient.Defects{ObjectBodies: true},
			wantFail: []string{"profile/set-array-body", "profile/unset", "profile/push-pull", "categories/set-array-body", "approval/array-body",
				"users/register", "events/fire"}},
		{name: "event attributes nested", defects: refclient.Defects{NestedAttributes: true},
			wantFail: []string{"events/fire"},
			want:     []string{`Netmera reads an event's attributes as members of the event object, beside "extId" and "name"`}},
		{name: "parses empty 200 bodies as JSON", defects: refclient.Defects{JSONEveryResponse: true},
			wantFail: []string{"transport/empty-200-body", "inbox/get-unknown-204"},
			want:     []string{"no error: the fake acknowledged the write with 200 and an empty body, as Netmera does, and an empty body is not JSON to parse"}},
		{name: "inbox status as a text", defects: refclient.Defects{StatusAsText: true},
			wantFail: []string{"inbox/get-all-follow-prms", "inbox/get-all-status-mask", "inbox/status-change"},
			want: []string{`"status" of every inbox/getAllInbox request to be a JSON integer, as Netmera wants it; request 1 sends "3"`,
				`answer: {"code":2004,"error":"Field 'status' should be an integer"}`}},
		{name: "stops the inbox after its first page", defects: refclient.Defects{IgnoreNextPage: true},
			wantFail: []string{"inbox/get-all-follow-prms", "inbox/get-all-status-mask"},
			want:     []string{"all 49 messages of the mask, each once, newest first, sending each page's prms.index back until a page comes without it (1 page(s) were fetched, 3 were needed); got 20"}},
		{name: "no X-netmera-os", defects: refclient.Defects{NoOSHeader: true},
			wantFail: []string{"segments/os-header", "segments/users-os-header"}},
		{name: "no Content-Type", defects: refclient.Defects{NoContentType: true},
			wantFail: []string{"transport/content-type-json"}},
		{name: "ignores the given http.Client", defects: refclient.Defects{DefaultHTTPClient: true},
			wantFail: []string{"transport/uses-given-http-client"}},
		{name: "ignores its context", defects: refclient.Defects{IgnoreContext: true},
			wantFail: []string{"transport/honours-context"}},
		{name: "clears addresses by updating them to empty values", defects: refclient.Defects{ClearByUpdate: true},
			wantFail: []string{"addresses/remove-email", "addresses/remove-msisdn", "whatsapp/remove"},
			want:     []string{`user "id1"'s email removed in the fake; it is "john.brown@example.com": the client called updateEmail, and an empty value there does not remove the address`}},
		{name: "reads the token from \"token\" only", defects: refclient.Defects{TokenOnly: true},
			wantFail: []string{"devices/all-tokens-current-shape"},
			// It read every page: the case shows what it returned, and
			// does not blame paging.
			want: []string{
				"returned: 190 devices, 190 of them with an empty Token, the first {InstallationID:example-installation-1 ExtID:id2 Platform:ANDROID Token: ",
				"\n          and nil error\n",
				`184 are missing, such as "abc123pushToken", though the client fetched every page (1)`,
				`The fake's answer carries each token in "deviceToken" only`,
			},
			notWant: []string{"nextPage"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runSuite(factory(tt.defects), noLive, clienttest.IgnoreRules(tt.ignore...))
			failed := res.failedLeaves()
			for _, name := range tt.wantFail {
				if !slices.Contains(failed, name) {
					t.Errorf("case %s passed a client with defect %+v; want it to fail (failed: %q)", name, tt.defects, failed)
				}
			}
			for _, name := range tt.wantFail {
				if msg := strings.Join(res.messages[name], "\n"); !strings.Contains(msg, tt.wantAll) {
					t.Errorf("the message of %s lacks %q:\n%s", name, tt.wantAll, msg)
				}
			}
			if tt.exactly {
				for _, name := range failed {
					if !slices.Contains(tt.wantFail, name) {
						t.Errorf("case %s failed a client with defect %+v; want only %q to fail:\n%s", name, tt.defects, tt.wantFail,
							strings.Join(res.messages[name], "\n"))
					}
				}
			}
			msg := strings.Join(res.messages[tt.wantFail[0]], "\n")
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the message of %s lacks %q:\n%s", tt.wantFail[0], w, msg)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("the message of %s says %q, which is not what happened:\n%s", tt.wantFail[0], w, msg)
				}
			}
			if !t.Failed() {
				t.Logf("what %s reports:\n%s", tt.wantFail[0], msg)
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
	want := []string{"addresses", "approval", "categories", "devices", "email", "events", "inbox", "live", "notifications", "profile", "pushresults", "segments", "sms",
		"users/delete", "users/register", "users/register-batches-over-1000", "whatsapp"}
	if diff := cmp.Diff(keys(res.skipped), want); diff != "" {
		t.Errorf("skipped (-got +want):\n%s", diff)
	}
	want1 := "clienttest.ProfileClient's SetProfileAttributes, UnsetProfileAttributes, PushProfileAttributes, PullProfileAttributes and GetProfileAttributes, which clienttest_test.tagsOnly does not have"
	if msg := strings.Join(res.messages["profile"], "\n"); !strings.Contains(msg, want1) {
		t.Errorf("profile was skipped with %q, want it to say %q", msg, want1)
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
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return stuck{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}, nil
	}, noLive, clienttest.CaseTimeout(200*time.Millisecond))
	msg := strings.Join(res.messages["tags/tag"], "\n")
	if !res.failed["tags/tag"] || !strings.Contains(msg, "watchdog: tags/tag did not finish within 200ms") {
		t.Errorf("tags/tag with a client that hangs: failed=%t, messages:\n%s\nwant a watchdog failure", res.failed["tags/tag"], msg)
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
