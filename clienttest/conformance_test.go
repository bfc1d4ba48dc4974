package clienttest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/clienttest/internal/refclient"
)

// messagesOf joins every message of every case whose name passes keep.
func messagesOf(res *results, keep func(string) bool) string {
	var b strings.Builder
	for name, msgs := range res.messages {
		if keep(name) {
			b.WriteString(strings.Join(msgs, "\n"))
		}
	}
	return b.String()
}

// The reference client breaks no conformance rule, not even a warning's.
func TestReferenceClientBreaksNoRule(t *testing.T) {
	res := runSuite(factory(refclient.Defects{}), noLive)
	if msg := messagesOf(res, func(string) bool { return true }); strings.Contains(msg, "conformance rule") {
		t.Errorf("the reference client broke conformance rules:\n%s", msg)
	}
}

// A request that breaks an error rule fails the case that made it, even
// where the case's own checks pass, saying which requests, the rule, the
// fix and the source; IgnoreRules skips the rule.
func TestConformanceErrorsFailCases(t *testing.T) {
	res := runSuite(factory(refclient.Defects{NoContentType: true}), noLive)
	msg := strings.Join(res.messages["tags/tag"], "\n")
	for _, want := range []string{
		"tags/tag: the requests the fake received break conformance rule content-type (error): A body without Content-Type: application/json\n",
		"  request 1 (POST /rest/3.0/tagUsers): a body of 47 bytes without Content-Type\n",
		"  fix:    Send Content-Type: application/json",
		"  source: S1 and S3 setup",
		`(clienttest.IgnoreRules("content-type") skips the rule)`,
	} {
		if !res.failed["tags/tag"] || !strings.Contains(msg, want) {
			t.Errorf("tags/tag with a client that sends no Content-Type: failed=%t, the message lacks %q:\n%s", res.failed["tags/tag"], want, msg)
		}
	}

	res = runSuite(factory(refclient.Defects{NoContentType: true}), noLive, clienttest.IgnoreRules("content-type"))
	if res.failed["tags/tag"] || !res.failed["transport/content-type-json"] {
		t.Errorf("with the rule ignored: tags/tag failed=%t (want false), transport/content-type-json failed=%t (want true, its own check)\n%s",
			res.failed["tags/tag"], res.failed["transport/content-type-json"], strings.Join(res.messages["tags/tag"], "\n"))
	}
}

// oneByOne tags users one request at a time: within the limit, wastefully.
type oneByOne struct{ *refclient.Client }

func (c oneByOne) TagUsers(ctx context.Context, tag string, extIDs []string) error {
	for _, id := range extIDs {
		if err := c.Client.TagUsers(ctx, tag, []string{id}); err != nil {
			return err
		}
	}
	return nil
}

// A warning is logged, and fails nothing.
func TestConformanceWarningsAreLogged(t *testing.T) {
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return clienttest.Funcs{TagUsers: oneByOne{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}.TagUsers}, nil
	}, noLive)
	msg := strings.Join(res.messages["tags/batches-over-1000"], "\n")
	want := "log: tags/batches-over-1000: the requests the fake received break conformance rule small-batches (warning): Many small requests where one would do\n" +
		"  requests 1, 2, 3, … 2496 more …, 2500 (POST /rest/3.0/tagUsers): 2500 tagUsers requests in "
	if res.failed["tags/batches-over-1000"] || !strings.Contains(msg, want) {
		t.Errorf("a client that tags one user a request: failed=%t (want false), messages lack %q:\n%.2000s", res.failed["tags/batches-over-1000"], want, msg)
	}
}

func TestIgnoreRulesNamesRules(t *testing.T) {
	res := runSuite(factory(refclient.Defects{}), noLive, clienttest.IgnoreRules("small-batches", "no-such-rule"))
	msg := strings.Join(res.messages[""], "\n")
	if !res.failed[""] || !strings.Contains(msg, `clienttest.IgnoreRules: no conformance rule is called ["no-such-rule"]; the rules are document-refused, `) {
		t.Errorf("IgnoreRules with an unknown rule: failed=%t, messages:\n%s", res.failed[""], msg)
	}
}

// The cases that call every method of the client (auth/key-header,
// transport/…) fail a client that sends notificationKey as a number by
// the conformance rules, though their own checks pass.
func TestConformanceRulesCatchANumericKey(t *testing.T) {
	res := runSuite(factory(refclient.Defects{NumericKey: true}), noLive)
	for _, name := range []string{"auth/key-header", "transport/content-type-json"} {
		msg := strings.Join(res.messages[name], "\n")
		if !res.failed[name] || !strings.Contains(msg, "break conformance rule notification-key-type (error)") {
			t.Errorf("%s with a client that sends a numeric notificationKey: failed=%t, messages:\n%s", name, res.failed[name], msg)
		}
	}
}
