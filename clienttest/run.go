package clienttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
)

// Environment variables that point Run at a live Netmera app.
const (
	EnvLiveBaseURL = "NETMERA_LIVE_BASE_URL"
	EnvLiveAPIKey  = "NETMERA_LIVE_API_KEY"
)

// DefaultCaseTimeout is how long one case may run before its watchdog
// fails it.
const DefaultCaseTimeout = 30 * time.Second

// RunOption configures Run.
type RunOption func(*runConfig)

type runConfig struct {
	timeout          time.Duration
	liveURL, liveKey string
	liveSet          bool
	ignore           []string // conformance rules not applied
}

// Live runs the live-safe cases against a real Netmera app too, under the
// subtest "live", with the given base URL (such as
// "https://restapi.netmera.com") and REST API key. Without it Run reads
// NETMERA_LIVE_BASE_URL and NETMERA_LIVE_API_KEY; Live("", "") turns the
// live run off whatever the environment says.
func Live(baseURL, apiKey string) RunOption {
	return func(c *runConfig) { c.liveURL, c.liveKey, c.liveSet = strings.TrimRight(baseURL, "/"), apiKey, true }
}

// CaseTimeout sets each case's watchdog (DefaultCaseTimeout otherwise).
func CaseTimeout(d time.Duration) RunOption { return func(c *runConfig) { c.timeout = d } }

// Run checks a Netmera client against the fake, case by case, the way
// testing/fstest.TestFS checks a file system: each case is a subtest named
// "group/case" (such as "tags/batches-over-1000") with a fresh fake, a
// fresh client from f, and a watchdog.
//
// The client may implement any of the client interfaces, in whole or in
// part, or be a Funcs. A case runs when the client has every method it
// calls, with the interface's signature, and is skipped otherwise, saying
// which method it lacks. The run fails when no case can run, and when the
// client has a method of an interface with another signature (or only a
// pointer receiver, or a name that differs in case): the failure says,
// as the compiler would, which method and how it differs.
//
// When a live app is configured (Live, or the NETMERA_LIVE_* variables),
// the cases that are safe there run again under "live/…". They touch only
// external IDs that start with a prefix unique to the run, and check
// effects through the client's own reads and the requests it sent.
func Run(t *testing.T, f Factory, opts ...RunOption) {
	t.Helper()
	run(stdT{t}, f, opts...)
}

// testingT is what the suite needs of a test. *testing.T provides it
// through stdT; the package's own tests drive the suite with a recorder
// that notes which cases fail instead of failing.
type testingT interface {
	Helper()
	Name() string
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
	Run(name string, f func(testingT)) bool
}

type stdT struct{ *testing.T }

func (t stdT) Run(name string, f func(testingT)) bool {
	return t.T.Run(name, func(t *testing.T) { f(stdT{t}) })
}

func run(t testingT, f Factory, opts ...RunOption) {
	t.Helper()
	rc := runConfig{timeout: DefaultCaseTimeout}
	for _, o := range opts {
		o(&rc)
	}
	if !rc.liveSet {
		rc.liveURL, rc.liveKey = strings.TrimRight(os.Getenv(EnvLiveBaseURL), "/"), os.Getenv(EnvLiveAPIKey)
	}
	if unknown := conformance.UnknownRules(rc.ignore); len(unknown) > 0 {
		t.Fatalf("clienttest.IgnoreRules: no conformance rule is called %q; the rules are %s", unknown, strings.Join(conformance.RuleIDs(), ", "))
		return
	}
	sh, ok := probe(t, f)
	if !ok {
		return
	}
	switch {
	case !sh.any() && len(sh.problems) == 0:
		t.Fatalf("clienttest.Run: no case can run, so the run would test nothing: client %s has none of the methods of %s.\n%s",
			sh.client, ifaceNames(), adaptHint)
	case !sh.any():
		t.Fatalf("clienttest.Run: no case can run, so the run would test nothing: client %s has none of the client interfaces' methods with their signatures:%s\n%s",
			sh.client, sh.report(), adaptHint)
	case sh.failing():
		t.Errorf("clienttest.Run: client %s has methods of the client interfaces that the suite cannot call, and their cases are skipped:%s\n%s",
			sh.client, sh.report(), adaptHint)
	case len(sh.problems) > 0:
		t.Logf("client %s lacks methods of interfaces it has others of:%s", sh.client, sh.report())
	}
	t.Logf("%s", sh.summary())

	runTarget(t, rc, f, sh, nil)
	t.Run("live", func(t testingT) {
		if rc.liveURL == "" || rc.liveKey == "" {
			t.Skipf("no live app: set %s and %s (or pass clienttest.Live) to run the live-safe cases against one", EnvLiveBaseURL, EnvLiveAPIKey)
		}
		runTarget(t, rc, f, sh, &liveTarget{url: rc.liveURL, key: rc.liveKey, prefix: livePrefix()})
	})
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none of the client interfaces"
	}
	return strings.Join(s, ", ")
}

// ifaceNames lists the client interfaces with their methods.
func ifaceNames() string {
	var out []string
	for _, it := range ifaces {
		var ms []string
		for _, m := range methodsOf(it) {
			ms = append(ms, m.Name)
		}
		out = append(out, fmt.Sprintf("%s (%s)", it, strings.Join(ms, ", ")))
	}
	return strings.Join(out, ", ")
}

// probe makes one client, on a fake of its own, to see which methods the
// suite can call.
func probe(t testingT, f Factory) (*shape, bool) {
	t.Helper()
	srv, err := startServer(newConfig(nil))
	if err != nil {
		t.Fatalf("clienttest: starting the fake: %v", err)
		return nil, false
	}
	defer srv.ts.Close()
	c, err := f(srv.URL, srv.APIKey, srv.Client)
	if err != nil {
		t.Fatalf("factory(%q, %q, hc) = %v, want a client", srv.URL, srv.APIKey, err)
		return nil, false
	}
	if c == nil {
		t.Fatalf("factory(%q, %q, hc) returned a nil client", srv.URL, srv.APIKey)
		return nil, false
	}
	fs, sh := adapt(c)
	if fs.Close != nil {
		fs.Close()
	}
	return sh, true
}

// liveTarget is a real Netmera app.
type liveTarget struct {
	url, key, prefix string
}

func livePrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "clienttest-" + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b) + "-"
}

func runTarget(t testingT, rc runConfig, f Factory, sh *shape, lv *liveTarget) {
	for _, g := range groups {
		t.Run(g.name, func(t testingT) {
			cases := g.cases()
			var needs []string // every method the group's cases call
			runnable := false
			for _, c := range cases {
				runnable = runnable || sh.callable(c.needs...)
				for _, n := range c.needs {
					if !slices.Contains(needs, n) {
						needs = append(needs, n)
					}
				}
			}
			if !runnable {
				t.Skipf("every %s case is skipped: %s", g.name, sh.why(needs))
			}
			for _, c := range cases {
				t.Run(c.name, func(t testingT) {
					if !sh.callable(c.needs...) {
						t.Skipf("skipped: %s", sh.why(c.needs))
					}
					if lv != nil && !c.live {
						t.Skipf("not run live: the case needs the fake's state or data it would have to create")
					}
					runCase(t, rc, f, g.name+"/"+c.name, c, lv)
				})
			}
		})
	}
}

// runCase gives one case a fresh target and client, and a watchdog that
// fails it, cancels its context and closes its connections when it runs
// past the timeout.
func runCase(t testingT, rc runConfig, f Factory, name string, c testCase, lv *liveTarget) {
	t.Helper()
	e := &env{t: t, name: name, factory: f, prefix: "clienttest-"}
	var closeConns func()
	if lv == nil {
		srv := NewServer(t, c.opts...)
		if srv == nil {
			return
		}
		e.srv, e.rec, e.baseURL, e.key = srv, srv.rec, srv.URL, srv.APIKey
		e.counter = &counter{base: srv.Client.Transport}
		e.hc = &http.Client{Transport: e.counter}
		closeConns = srv.ts.CloseClientConnections
	} else {
		e.rec = &recorder{}
		e.hc = &http.Client{Transport: &transport{base: http.DefaultTransport, rec: e.rec}}
		e.baseURL, e.key, e.prefix = lv.url, lv.key, lv.prefix
		closeConns = e.hc.CloseIdleConnections
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.ctx = ctx
	w := watch(t, name, rc.timeout, func() { cancel(); closeConns() })
	defer w.stop()
	e.f = e.newClient(e.key)
	defer e.checkConformance(rc.ignore) // once the case is over, even when it failed
	c.run(e)
}

// watchdog fails a case that runs too long. Its lock orders the failure
// before the case's end, so it never reports on a finished test.
type watchdog struct {
	mu    sync.Mutex
	done  bool
	timer *time.Timer
}

func watch(t testingT, name string, d time.Duration, abort func()) *watchdog {
	w := &watchdog{}
	w.timer = time.AfterFunc(d, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.done {
			return
		}
		t.Errorf("watchdog: %s did not finish within %v; its context is cancelled and its connections closed", name, d)
		abort()
	})
	return w
}

func (w *watchdog) stop() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
	w.timer.Stop()
}
