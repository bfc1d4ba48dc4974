package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rules about a request sent again: after a refusal, after a failure,
// after a success.

// retryGrace is how much earlier than Retry-After asks a retry may come:
// the server measures the answer's end a little before the client reads
// it.
const retryGrace = 50 * time.Millisecond

// repeats maps each request to the next one with the same method, path,
// query and body, if any.
func (c *checker) repeats() map[*entry]*entry {
	next := map[*entry]*entry{}
	last := map[string]*entry{}
	for _, e := range c.entries {
		fp := e.fingerprint()
		if prev := last[fp]; prev != nil {
			next[prev] = e
		}
		last[fp] = e
	}
	return next
}

// refused reports whether an answer says the request itself is wrong: a
// 4xx but 429, and but Netmera's 400 2001 "Retry later".
func (e *entry) refused() bool {
	if e.Status < 400 || e.Status >= 500 || e.Status == http.StatusTooManyRequests {
		return false
	}
	env := e.envelope()
	return env == nil || env.Code != 2001
}

// retryable reports whether an answer asks the client to try again later:
// a 5xx (but 501, a path not served), a 429, Netmera's 400 2001.
func (e *entry) retryable() bool {
	switch {
	case e.Status >= 500 && e.Status != http.StatusNotImplemented, e.Status == http.StatusTooManyRequests:
		return true
	case e.Status == http.StatusBadRequest:
		env := e.envelope()
		return env != nil && env.Code == 2001
	}
	return false
}

// chains follows repeats from every request first accepts, taking the
// next repeat while it comes within the window and more accepts it (after
// the chain's last request); each chain of two or more requests is
// returned once.
func (c *checker) chains(first func(*entry) bool, more func(prev, next *entry) bool) [][]*entry {
	next := c.repeats()
	taken := map[*entry]bool{}
	var out [][]*entry
	for _, e := range c.entries {
		if taken[e] || !first(e) {
			continue
		}
		chain := []*entry{e}
		for cur := e; ; {
			n := next[cur]
			if n == nil || n.Time.Sub(cur.end()) > c.window || !more(cur, n) {
				break
			}
			chain, cur = append(chain, n), n
			taken[n] = true
		}
		if len(chain) > 1 {
			out = append(out, chain)
		}
	}
	return out
}

func (c *checker) retry4xx() []Finding {
	var out []Finding
	refusedAgain := func(_, e *entry) bool { return e.refused() }
	for _, ch := range c.chains((*entry).refused, refusedAgain) {
		a := ch[0]
		d := fmt.Sprintf("answered %s, then sent again unchanged %s later and refused again", a.answer(), seconds(ch[1].Time.Sub(a.end())))
		if len(ch) > 2 {
			d = fmt.Sprintf("answered %s, then sent again unchanged %d times and refused each time", a.answer(), len(ch)-1)
		}
		out = append(out, finding(d, ch...))
	}
	return out
}

func (c *checker) retryBackoff() []Finding {
	var out []Finding
	next := c.repeats()
	for _, a := range c.entries {
		b := next[a]
		if b == nil || !a.retryable() {
			continue
		}
		gap := b.Time.Sub(a.end())
		if wait, ok := retryAfter(a.RetryAfter, a.end()); ok {
			if gap < wait-retryGrace {
				out = append(out, finding(fmt.Sprintf("answered %s with Retry-After: %s, and sent again %s later, before the %s it asked for",
					a.answer(), a.RetryAfter, seconds(gap), seconds(wait)), a, b))
			}
			continue
		}
		if gap < c.minBackoff {
			out = append(out, finding(fmt.Sprintf("answered %s, and sent again %s later: no back-off (at least %s)",
				a.answer(), seconds(gap), seconds(c.minBackoff)), a, b))
		}
	}
	return out
}

// retryAfter reads a Retry-After value, seconds or an HTTP date, as the
// wait it asks from the answer's end.
func retryAfter(v string, answered time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(answered), true
	}
	return 0, false
}

func (c *checker) repeatedWrite() []Finding {
	write := func(e *entry) bool { return e.Method == http.MethodPost && e.ok() }
	// A repeat with no other write between can change nothing.
	again := func(prev, e *entry) bool {
		return write(e) && !slices.ContainsFunc(c.entries[prev.i+1:e.i], func(x *entry) bool { return x.Method == http.MethodPost })
	}
	var out []Finding
	for _, ch := range c.chains(write, again) {
		a := ch[0]
		d := fmt.Sprintf("the same %s again %s after it succeeded", a.name, seconds(ch[1].Time.Sub(a.end())))
		if len(ch) > 2 {
			d = fmt.Sprintf("the same %s sent %d times within %s, each answered %d", a.name, len(ch), seconds(ch[len(ch)-1].Time.Sub(a.Time)), a.Status)
		}
		switch a.name {
		case "tagUsers":
			d += "; the second adds nothing: if it meant to remove the tag (as netmera4j's removeTagFromUsers does), the endpoint is untagUsers"
		case "sendNotification", "sendBulkNotification", "sendEmailAndSms", "fireEvents":
			d += "; Netmera acts on each: the users get it twice"
		default:
			d += "; the second changes nothing"
		}
		out = append(out, finding(d, ch...))
	}
	return out
}
