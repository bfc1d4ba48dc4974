package contracts_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/contracts"
)

// TestCasesWellFormed checks every case's name, tags and documentation.
func TestCasesWellFormed(t *testing.T) {
	name := regexp.MustCompile(`^[a-z]+/[a-z0-9-]+$`)
	seen := map[string]bool{}
	for _, c := range contracts.Cases() {
		if !name.MatchString(c.Name) || seen[c.Name] {
			t.Errorf("case %q: names must be unique and look like group/case", c.Name)
		}
		seen[c.Name] = true
		if c.Has(contracts.LiveSafe) == c.Has(contracts.MockOnly) {
			t.Errorf("case %s has tags %q: want exactly one of live-safe and mock-only", c.Name, c.Tags)
		}
		if c.Doc == "" || c.Run == nil {
			t.Errorf("case %s has no Doc or no Run", c.Name)
		}
		if c.Has(contracts.MockOnly) && c.Why == "" {
			t.Errorf("mock-only case %s does not say Why", c.Name)
		}
	}
}

// TestRunCoversDocument runs the suite through Run, as the CLI does: every
// case passes against the fake, OnResult sees each one, and the suite sees
// every operation of the document answer each status it declares (but
// 404, which belongs to unknown paths) with each error code its examples
// show.
func TestRunCoversDocument(t *testing.T) {
	t.Parallel()
	doc, err := contracts.Default()
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	rep := contracts.Run(context.Background(), mustFake(t, nil).target(), contracts.Options{
		AllowDestructive: true,
		OnResult:         func(r contracts.Result) { seen = append(seen, r.Name) },
	})
	calls := map[string]bool{}
	for _, r := range rep.Results {
		if r.Status != contracts.StatusPass {
			t.Errorf("%s: %s %q %q", r.Name, r.Status, r.Reason, r.Failures)
		}
		for _, c := range r.Calls {
			calls[c] = true
		}
	}
	n := len(contracts.Cases())
	if len(seen) != n || len(rep.Results) != n {
		t.Errorf("OnResult saw %d cases and the report holds %d, want all %d", len(seen), len(rep.Results), n)
	}
	if want := fmt.Sprintf("%d passed, 0 failed, 0 skipped", n); rep.Failed() || rep.Summary() != want {
		t.Errorf("Summary() = %q, Failed() = %v; want %q", rep.Summary(), rep.Failed(), want)
	}
	var missing []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for status, ref := range op.Responses.Map() {
				if status == "404" || ref.Value == nil {
					continue
				}
				codes := map[string]bool{}
				for _, mt := range ref.Value.Content {
					for _, ex := range mt.Examples {
						if v, ok := ex.Value.Value.(map[string]any); ok && v["code"] != nil {
							codes[fmt.Sprintf("%s %s %v", op.OperationID, status, v["code"])] = true
						}
					}
				}
				if len(codes) == 0 {
					codes[op.OperationID+" "+status] = true
				}
				for want := range codes {
					if !calls[want] {
						missing = append(missing, want)
					}
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the suite never saw these documented answers (operation status code):\n\t%s", strings.Join(missing, "\n\t"))
	}
}

// recordPaths notes every request path the server receives.
type recordPaths struct {
	mu    sync.Mutex
	paths []string
}

func (p *recordPaths) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// TestLiveSafeCasesTouchNothing runs the live-safe cases, destructive ones
// included, as against a live app: they must never call /_mock and must
// leave the seeded data exactly as it was. Their sends and definitions are
// recorded (a live app would keep them too), but no send may reach anyone.
func TestLiveSafeCasesTouchNothing(t *testing.T) {
	t.Parallel()
	var rec recordPaths
	f := mustFake(t, rec.wrap)
	tenant, _ := f.Store.Tenant(fakeKey)
	before := tenant.Export()
	rep := contracts.Run(context.Background(), f.target(), contracts.Options{Live: true, AllowDestructive: true})
	if rep.Failed() {
		t.Fatalf("live-safe cases against the fake: %s", rep.Summary())
	}
	after := tenant.Export()
	for _, n := range after.Notifications {
		if len(n.Deliveries) > 0 {
			t.Errorf("a live-safe send reached someone: notification %d (key %d) delivered to %+v", n.ID, n.NotificationKey, n.Deliveries[0])
		}
	}
	if len(after.Notifications) == 0 {
		t.Error("the live-safe cases sent nothing: the notification cases must send to the run's own users")
	}
	// What a send records is not the app's data.
	after.Notifications, after.Counters = before.Notifications, before.Counters
	if len(after.Definitions) >= len(before.Definitions) {
		after.Definitions = after.Definitions[:len(before.Definitions)]
	}
	if d := cmp.Diff(before, after); d != "" {
		t.Errorf("the live-safe cases changed the fake's data (-before +after):\n%s", d)
	}
	for _, p := range rec.paths {
		if strings.Contains(p, "/_mock/") {
			t.Errorf("a live run called %s", p)
		}
	}
	if len(rec.paths) < 100 {
		t.Errorf("the live run made %d requests; the live-safe cases make far more", len(rec.paths))
	}
}

// TestSetupErrors checks that a target Run cannot use is one failed
// "setup" result, not a panic.
func TestSetupErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target contracts.Target
		want   string
	}{
		{"relative URL", contracts.Target{BaseURL: "localhost:8080", APIKey: "k"}, "absolute http or https URL"},
		{"a path", contracts.Target{BaseURL: "http://127.0.0.1:1/rest/3.0", APIKey: "k"}, "scheme and host only"},
		{"no key", contracts.Target{BaseURL: "http://127.0.0.1:1/"}, "no API key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := contracts.Run(context.Background(), tc.target, contracts.Options{})
			if len(rep.Results) != 1 || rep.Results[0].Name != "setup" || !rep.Failed() ||
				!strings.Contains(strings.Join(rep.Results[0].Failures, ""), tc.want) {
				t.Errorf("Run(%+v) = %+v, want one failed setup result mentioning %q", tc.target, rep.Results, tc.want)
			}
		})
	}
}

// TestMockOnlyAgainstNonFake checks what mock-only cases say when the
// target has no /_mock API: they fail, naming the problem.
func TestMockOnlyAgainstNonFake(t *testing.T) {
	noMock := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/_mock/") {
				http.NotFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	f := mustFake(t, noMock)
	rep := contracts.Run(context.Background(), f.target(), contracts.Options{Run: regexp.MustCompile(`^(tags/read-back|auth/wrong-key)$`)})
	r, _ := rep.Result("tags/read-back")
	if r.Status != contracts.StatusFail || !strings.Contains(strings.Join(r.Failures, ""), "does not look like netmera-mock") {
		t.Errorf("tags/read-back against a target without /_mock: %s %q, want a failure saying it is not netmera-mock", r.Status, r.Failures)
	}
	if r, _ := rep.Result("auth/wrong-key"); r.Status != contracts.StatusPass {
		t.Errorf("auth/wrong-key against a target without /_mock: %s %q, want pass", r.Status, r.Failures)
	}
}

// TestRunCancelled checks that a cancelled run reports the cases it did
// not start as skipped, not as failures.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := contracts.Run(ctx, mustFake(t, nil).target(), contracts.Options{Run: regexp.MustCompile(`^auth/`)})
	for _, r := range rep.Results {
		if r.Status != contracts.StatusSkip || !strings.Contains(r.Reason, "cancelled") {
			t.Errorf("%s in a cancelled run: %s %q, want skipped as cancelled", r.Name, r.Status, r.Reason)
		}
	}
	if len(rep.Results) != 3 {
		t.Errorf("a cancelled run reported %d cases, want the 3 auth cases", len(rep.Results))
	}
}
