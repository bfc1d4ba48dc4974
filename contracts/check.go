package contracts

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Check is what a case acts and reports through: HTTP helpers bound to the
// target (Do, Send), assertions that record failures with what was called,
// what came back and what was wanted (Applied, Refused, Equal, Decode), and
// the failure calls of testing.T (Errorf, Fatalf, Skipf, Cleanup).
//
// A Check is used by the one goroutine that runs its case; Fatalf and
// Skipf end that goroutine, as they do a test's.
type Check struct {
	r      *runner
	name   string
	record bool // keep exchanges for a golden file

	mu        sync.Mutex
	ctx       context.Context
	failures  []string
	skip      string
	cleanups  []func()
	cleaning  bool
	calls     map[string]bool
	exchanged []Exchange
}

func newCheck(ctx context.Context, r *runner, cs Case) *Check {
	return &Check{r: r, name: cs.Name, ctx: ctx, calls: map[string]bool{},
		record: r.recorder != nil && cs.Has(LiveSafe)}
}

// Context is the case's context: cancelled when the case times out.
func (c *Check) Context() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ctx
}

// Live reports whether the target is a real Netmera app: assertions that
// hold only of the fake's data (exact counts, page sizes) are left out.
func (c *Check) Live() bool { return c.r.o.Live }

// Prefix is the run's prefix, which every identifier a case writes to
// starts with.
func (c *Check) Prefix() string { return c.r.prefix }

// ID returns the identifier name under the run's prefix.
func (c *Check) ID(name string) string { return c.r.prefix + name }

// Target returns the target, its Client and OS filled in.
func (c *Check) Target() Target { return c.r.target }

// Errorf records a failure and lets the case go on.
func (c *Check) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	msg := fmt.Sprintf(format, args...)
	if c.cleaning {
		msg = "cleanup: " + msg
	}
	c.failures = append(c.failures, msg)
}

// Fatalf records a failure and ends the case (its cleanups still run).
func (c *Check) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	runtime.Goexit()
}

// Skipf ends the case as skipped, saying why, unless it already failed.
func (c *Check) Skipf(format string, args ...any) {
	c.mu.Lock()
	c.skip = fmt.Sprintf(format, args...)
	c.mu.Unlock()
	runtime.Goexit()
}

// Failed reports whether the case has failed so far.
func (c *Check) Failed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.failures) > 0
}

// Cleanup registers fn to run when the case ends, however it ends, last
// registered first. Requests it makes are not recorded.
func (c *Check) Cleanup(fn func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, fn)
}

// execute runs the case in a goroutine of its own, with a watchdog.
func (c *Check) execute(cs Case, timeout time.Duration) {
	parent := c.Context()
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	c.mu.Lock()
	c.ctx = ctx
	c.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer c.runCleanups(parent)
		defer c.recoverPanic()
		cs.Run(ctx, c)
	}()
	select {
	case <-done:
	case <-time.After(timeout + 30*time.Second):
		c.Errorf("the case did not finish within %v; abandoned", timeout)
	}
}

func (c *Check) recoverPanic() {
	if p := recover(); p != nil {
		c.Errorf("panic: %v\n%s", p, debug.Stack())
	}
}

// runCleanups runs the registered cleanups on a context of their own, so
// that a case that timed out still cleans up.
func (c *Check) runCleanups(parent context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), time.Minute)
	defer cancel()
	c.mu.Lock()
	c.ctx, c.cleaning = ctx, true
	fns := slices.Clone(c.cleanups)
	c.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		func() {
			done := make(chan struct{})
			go func() { // a cleanup may call Fatalf
				defer close(done)
				defer c.recoverPanic()
				fns[i]()
			}()
			<-done
		}()
	}
}

// outcome is the case's result so far.
func (c *Check) outcome() (Status, string, []string, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	calls := make([]string, 0, len(c.calls))
	for k := range c.calls {
		calls = append(calls, k)
	}
	sort.Strings(calls)
	switch {
	case len(c.failures) > 0:
		return StatusFail, "", slices.Clone(c.failures), calls
	case c.skip != "":
		return StatusSkip, c.skip, nil, calls
	}
	return StatusPass, "", nil, calls
}

func (c *Check) exchanges() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.exchanged)
}

// noteCall remembers an operation answered, as "operationId status[ code]".
func (c *Check) noteCall(op string, status, code int) {
	s := fmt.Sprintf("%s %d", op, status)
	if code != 0 {
		s += fmt.Sprintf(" %d", code)
	}
	c.mu.Lock()
	c.calls[s] = true
	c.mu.Unlock()
}

// keep adds an exchange to the case's golden file.
func (c *Check) keep(e Exchange) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.cleaning {
		c.exchanged = append(c.exchanged, e)
	}
}

// shorten cuts a body for a failure message.
func shorten(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
