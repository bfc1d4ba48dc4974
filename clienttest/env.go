package clienttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/netmera-mock/netmera-mock/state"
)

// env is one case's world: its target (a fresh fake, or the live app), a
// client made for it, and the recorder of the requests it received.
type env struct {
	t       testingT
	name    string
	ctx     context.Context
	factory Factory
	f       Funcs // the client, as the suite calls it
	baseURL string
	key     string
	prefix  string // starts every external ID a case invents
	hc      *http.Client
	srv     *Server // nil against the live API
	rec     *recorder
	counter *counter // requests through hc; nil against the live API
}

func (e *env) live() bool { return e.srv == nil }

// where names the target in messages.
func (e *env) where() string {
	if e.live() {
		return "the live API"
	}
	return "the fake"
}

// newClient makes a client for key through the factory, as the suite
// calls it.
func (e *env) newClient(key string) Funcs {
	e.t.Helper()
	c, err := e.factory(e.baseURL, key, e.hc)
	if err != nil {
		e.t.Fatalf("%s: factory(%q, %s, hc) = %v, want a client", e.name, e.baseURL, e.showKey(key), err)
	}
	if c == nil {
		e.t.Fatalf("%s: factory(%q, %s, hc) returned a nil client", e.name, e.baseURL, e.showKey(key))
	}
	f, _ := adapt(c)
	if f.Close != nil {
		e.t.Cleanup(func() { f.Close() })
	}
	return f
}

// showKey prints a key, or only its hash against the live API.
func (e *env) showKey(key string) string {
	if e.live() {
		return state.KeyID(key)
	}
	return fmt.Sprintf("%q", key)
}

// call is one thing the client was asked to do and what came of it.
type call struct {
	asked string
	got   string // what the call returned besides its error, when a case shows it
	err   error
	reqs  []Request
}

// do runs one client call, noting what was asked and which requests the
// target received meanwhile. A panic in the client is turned into an
// error, and an error Funcs.AsAPIError reads into an APIError.
func (e *env) do(asked string, fn func(ctx context.Context) error) *call {
	c := &call{asked: asked}
	from := e.rec.mark()
	func() {
		defer func() {
			if p := recover(); p != nil {
				c.err = fmt.Errorf("the client panicked: %v\n%s", p, debug.Stack())
			}
		}()
		c.err = e.f.asAPIError(fn(e.ctx))
	}()
	c.reqs = e.rec.since(from)
	return c
}

// to returns the requests of c to one endpoint ("tagUsers").
func (c *call) to(endpoint string) []Request {
	var out []Request
	for _, r := range c.reqs {
		if r.Path == apiPath+endpoint {
			out = append(out, r)
		}
	}
	return out
}

const apiPath = "/rest/3.0/"

// errorf fails the case, telling what the client was asked, what it
// returned, what the target received, and what was wanted.
func (e *env) errorf(c *call, format string, args ...any) {
	e.t.Helper()
	e.t.Errorf("%s", e.report(c, fmt.Sprintf(format, args...)))
}

// fatalf is errorf that stops the case.
func (e *env) fatalf(c *call, format string, args ...any) {
	e.t.Helper()
	e.t.Fatalf("%s", e.report(c, fmt.Sprintf(format, args...)))
}

// must stops the case when c failed: what follows depends on it.
func (e *env) must(c *call) {
	e.t.Helper()
	if c.err != nil {
		e.fatalf(c, "no error: the call is valid, and the rest of the case depends on it")
	}
}

func (e *env) report(c *call, want string) string {
	var b strings.Builder
	returned := showErr(c.err)
	if c.got != "" {
		returned = c.got + "\n          and " + returned
	}
	fmt.Fprintf(&b, "%s\nasked:    %s\nreturned: %s\n", e.name, c.asked, returned)
	recv := "received"
	if e.live() {
		recv = "was sent"
	}
	switch n := len(c.reqs); n {
	case 0:
		fmt.Fprintf(&b, "%s %s no request\n", e.where(), recv)
	default:
		fmt.Fprintf(&b, "%s %s %d request%s:\n", e.where(), recv, n, plural(n))
		for i, r := range c.reqs {
			if n > 6 && i == 4 {
				fmt.Fprintf(&b, "  … %d more …\n", n-5)
			}
			if n > 6 && i >= 4 && i < n-1 {
				continue
			}
			e.showRequest(&b, i+1, r)
		}
	}
	fmt.Fprintf(&b, "want:     %s", want)
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func showErr(err error) string {
	if err == nil {
		return "nil error"
	}
	s := fmt.Sprintf("error %q", clip(err.Error(), 300))
	var ae APIError
	if errors.As(err, &ae) {
		return s + fmt.Sprintf(" (APIError code %d, text %q)", ae.NetmeraCode(), ae.NetmeraMessage())
	}
	return s + fmt.Sprintf(" (a %T, not an APIError)", err)
}

func (e *env) showRequest(b *strings.Builder, i int, r Request) {
	target := r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	status := fmt.Sprint(r.Status)
	if r.Status == 0 {
		status = "no answer"
	}
	fmt.Fprintf(b, "  %d. %s %s → %s\n", i, r.Method, clip(target, 200), status)
	key := "(missing)"
	if v := r.Header.Values("X-Netmera-Api-Key"); len(v) > 0 {
		key = e.showKey(strings.Join(v, ", "))
	}
	fmt.Fprintf(b, "     X-netmera-api-key: %s", key)
	if v := r.Header.Get("X-Netmera-Os"); v != "" {
		fmt.Fprintf(b, ", X-netmera-os: %q", v)
	}
	if v := r.Header.Get("Content-Type"); v != "" || len(r.Body) > 0 {
		fmt.Fprintf(b, ", Content-Type: %q", v)
	}
	var others []string
	for name := range r.Header {
		switch name {
		case "X-Netmera-Api-Key", "X-Netmera-Os", "Content-Type", "Content-Length", "User-Agent", "Accept-Encoding":
		default:
			others = append(others, name)
		}
	}
	if len(others) > 0 {
		slices.Sort(others)
		fmt.Fprintf(b, "; also %s", strings.Join(others, ", "))
	}
	b.WriteString("\n")
	if len(r.Body) > 0 {
		fmt.Fprintf(b, "     body:   %s%s\n", clip(string(r.Body), 240), size(r.Body))
	}
	if len(r.Response) > 0 {
		fmt.Fprintf(b, "     answer: %s%s\n", clip(strings.TrimSpace(string(r.Response)), 240), size(r.Response))
	} else if r.Status != 0 {
		fmt.Fprintf(b, "     answer: (empty body)\n")
	}
}

// statusText names an answer's status: "403 Forbidden".
func statusText(status int) string {
	if status == 0 {
		return "nothing (no answer)"
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

func size(b []byte) string {
	if len(b) <= 240 {
		return ""
	}
	return fmt.Sprintf(" (%d bytes)", len(b))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) { // never half a character
		n--
	}
	return s[:n] + "…"
}

// wantAPIError checks that c failed with the Netmera error the target
// answered: an error from which errors.As extracts an APIError with the
// answer's code and text. code, when non-zero, is what the fake answers.
func (e *env) wantAPIError(c *call, code int) {
	e.t.Helper()
	ans, ok := lastEnvelope(c.reqs)
	if !ok {
		e.errorf(c, "an APIError; but %s answered no Netmera error envelope, so the client did not send what the case asked", e.where())
		return
	}
	if code != 0 && !e.live() && ans.Code != code {
		e.errorf(c, "the fake to answer code %d, not %d", code, ans.Code)
		return
	}
	var ae APIError
	switch {
	case c.err == nil:
		e.errorf(c, "an error carrying Netmera's code %d and text %q; the client returned no error", ans.Code, ans.Error)
	case !errors.As(c.err, &ae):
		e.errorf(c, "an error from which errors.As extracts a clienttest.APIError (NetmeraCode() int, NetmeraMessage() string) with code %d and text %q", ans.Code, ans.Error)
	case ae.NetmeraCode() != ans.Code || ae.NetmeraMessage() != ans.Error:
		e.errorf(c, "APIError code %d and text %q, as %s answered", ans.Code, ans.Error, e.where())
	}
}
