package clienttest_test

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/clienttest/internal/refclient"
)

// results is what a suite run driven by recT did: for each test (by name
// below the root, "tags/batches-over-1000"), whether it failed or was
// skipped, and what it said.
type results struct {
	mu       sync.Mutex
	order    []string
	failed   map[string]bool
	skipped  map[string]bool
	messages map[string][]string
}

func (r *results) note(name, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages[name] = append(r.messages[name], msg)
}

// leaves returns the names of the tests that ran no subtest, in order,
// that pass the filter.
func (r *results) leaves(keep func(name string) bool) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.order {
		parent := false
		for _, m := range r.order {
			if strings.HasPrefix(m, n+"/") {
				parent = true
				break
			}
		}
		if !parent && keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func (r *results) failedLeaves() []string {
	return r.leaves(func(n string) bool { return r.failed[n] })
}

// recT is a clienttest.TestingT that records rather than fails, with the
// semantics of *testing.T that the suite relies on: Fatalf and Skipf end
// the test's goroutine, cleanups run when it ends, and a subtest's
// failure fails its parents.
type recT struct {
	name     string
	res      *results
	parent   *recT
	mu       sync.Mutex
	failed   bool
	cleanups []func()
}

func newRecT() (*recT, *results) {
	res := &results{failed: map[string]bool{}, skipped: map[string]bool{}, messages: map[string][]string{}}
	return &recT{res: res}, res
}

// runSuite runs the suite against the client of f and returns what failed.
func runSuite(f clienttest.Factory, opts ...clienttest.RunOption) *results {
	root, res := newRecT()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer root.finish()
		clienttest.RunT(root, f, opts...)
	}()
	<-done
	return res
}

func (t *recT) Helper()      {}
func (t *recT) Name() string { return t.name }

func (t *recT) Logf(format string, args ...any) {
	t.res.note(t.name, "log: "+fmt.Sprintf(format, args...))
}

func (t *recT) Errorf(format string, args ...any) {
	t.res.note(t.name, fmt.Sprintf(format, args...))
	t.fail()
}

func (t *recT) fail() {
	for p := t; p != nil; p = p.parent {
		p.mu.Lock()
		p.failed = true
		p.mu.Unlock()
		p.res.mu.Lock()
		p.res.failed[p.name] = true
		p.res.mu.Unlock()
	}
}

func (t *recT) Fatalf(format string, args ...any) {
	t.Errorf(format, args...)
	runtime.Goexit()
}

func (t *recT) Skipf(format string, args ...any) {
	t.res.note(t.name, "skip: "+fmt.Sprintf(format, args...))
	t.res.mu.Lock()
	t.res.skipped[t.name] = true
	t.res.mu.Unlock()
	runtime.Goexit()
}

func (t *recT) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

func (t *recT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

func (t *recT) Run(name string, f func(clienttest.TestingT)) bool {
	full := name
	if t.name != "" {
		full = t.name + "/" + name
	}
	child := &recT{name: full, res: t.res, parent: t}
	t.res.mu.Lock()
	t.res.order = append(t.res.order, full)
	t.res.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer child.finish()
		f(child)
	}()
	<-done
	child.mu.Lock()
	defer child.mu.Unlock()
	return !child.failed
}

// factory makes reference clients with the given defects.
func factory(d refclient.Defects) clienttest.Factory {
	return func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return refclient.New(baseURL, apiKey, hc, d), nil
	}
}

// noLive keeps a run off any live app the environment names.
var noLive = clienttest.Live("", "")

// mustNotFail fails t with the messages of any failed case.
func mustNotFail(t *testing.T, res *results) {
	t.Helper()
	for _, name := range res.failedLeaves() {
		t.Errorf("case %s failed:\n%s", name, strings.Join(res.messages[name], "\n"))
	}
	if res.failed[""] && len(res.failedLeaves()) == 0 {
		t.Errorf("the run failed: %q", res.messages[""])
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
