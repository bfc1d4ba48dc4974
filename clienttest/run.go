package clienttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
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
// fresh client from f, and a watchdog. The groups of an interface the
// client does not implement are skipped, saying so.
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
	client, ok := probe(t, f)
	if !ok {
		return
	}
	var have, lack []string
	for _, g := range capabilities {
		if g.has(client) {
			have = append(have, g.iface)
		} else {
			lack = append(lack, g.iface)
		}
	}
	if len(lack) == 0 {
		t.Logf("client %T implements every client interface", client)
	} else {
		t.Logf("client %T implements %s; not %s, whose cases are skipped", client, orNone(have), strings.Join(lack, ", "))
	}

	runTarget(t, rc, f, client, nil)
	t.Run("live", func(t testingT) {
		if rc.liveURL == "" || rc.liveKey == "" {
			t.Skipf("no live app: set %s and %s (or pass clienttest.Live) to run the live-safe cases against one", EnvLiveBaseURL, EnvLiveAPIKey)
		}
		runTarget(t, rc, f, client, &liveTarget{url: rc.liveURL, key: rc.liveKey, prefix: livePrefix()})
	})
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// probe makes one client, on a fake of its own, to see what it implements.
func probe(t testingT, f Factory) (any, bool) {
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
	if cl, ok := c.(io.Closer); ok {
		cl.Close()
	}
	return c, true
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

func runTarget(t testingT, rc runConfig, f Factory, client any, lv *liveTarget) {
	for _, g := range groups {
		t.Run(g.name, func(t testingT) {
			if !g.cap.has(client) {
				t.Skipf("client %T does not implement %s (%s): the %s cases are skipped", client, g.cap.iface, g.cap.methods, g.name)
			}
			for _, c := range g.cases() {
				t.Run(c.name, func(t testingT) {
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
	e.client = e.newClient(e.key)
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
