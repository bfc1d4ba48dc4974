package faults

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestApply(t *testing.T) {
	tests := []struct {
		name        string
		rule        Rule
		wantHandled bool
		wantStatus  int
		wantHeader  http.Header
		wantBody    string
	}{
		{
			name:        "envelope",
			rule:        Rule{Path: "/x", Status: 400, Code: 2004, Error: "Invalid <extId> & more"},
			wantHandled: true, wantStatus: 400,
			wantHeader: http.Header{"Content-Type": {"application/json"}},
			wantBody:   `{"code":2004,"error":"Invalid <extId> & more"}` + "\n",
		},
		{
			name:        "envelope with error only",
			rule:        Rule{Path: "/x", Status: 500, Error: "An unexpected error occurred. Retry later."},
			wantHandled: true, wantStatus: 500,
			wantHeader: http.Header{"Content-Type": {"application/json"}},
			wantBody:   `{"code":0,"error":"An unexpected error occurred. Retry later."}` + "\n",
		},
		{
			name:        "raw body with its content type",
			rule:        Rule{Path: "/x", Status: 502, Body: "<html>Bad Gateway</html>", ContentType: "text/html"},
			wantHandled: true, wantStatus: 502,
			wantHeader: http.Header{"Content-Type": {"text/html"}},
			wantBody:   "<html>Bad Gateway</html>",
		},
		{
			name:        "raw body defaults to text",
			rule:        Rule{Path: "/x", Status: 503, Body: "upstream timeout"},
			wantHandled: true, wantStatus: 503,
			wantHeader: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
			wantBody:   "upstream timeout",
		},
		{
			name:        "raw body that is broken JSON",
			rule:        Rule{Path: "/x", Status: 200, Body: `{"list":[`, ContentType: "application/json"},
			wantHandled: true, wantStatus: 200,
			wantHeader: http.Header{"Content-Type": {"application/json"}},
			wantBody:   `{"list":[`,
		},
		{
			name:        "429 with Retry-After",
			rule:        Rule{Path: "/x", Status: 429, Code: 429, Error: "Too many requests", RetryAfter: 30},
			wantHandled: true, wantStatus: 429,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"30"}},
			wantBody:   `{"code":429,"error":"Too many requests"}` + "\n",
		},
		{
			name:        "status alone has no body",
			rule:        Rule{Path: "/x", Status: 503, RetryAfter: 1},
			wantHandled: true, wantStatus: 503,
			wantHeader: http.Header{"Retry-After": {"1"}},
		},
		{
			name: "a stub that answers like Netmera",
			rule: Rule{Path: "/x", Status: 200, Body: `{"notificationKey":42}`,
				Headers: map[string]string{"Content-Type": "application/json", "X-Request-Id": "r-1"}},
			wantHandled: true, wantStatus: 200,
			wantHeader: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r-1"}},
			wantBody:   `{"notificationKey":42}`,
		},
		{
			name:        "headers replace the envelope's Content-Type",
			rule:        Rule{Path: "/x", Status: 400, Code: 2004, Error: "bad", Headers: map[string]string{"content-type": "application/json;charset=UTF-8"}},
			wantHandled: true, wantStatus: 400,
			wantHeader: http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
			wantBody:   `{"code":2004,"error":"bad"}` + "\n",
		},
		{
			name:        "headers with Retry-After and no body",
			rule:        Rule{Path: "/x", Status: 503, Headers: map[string]string{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT", "Cache-Control": "no-store"}},
			wantHandled: true, wantStatus: 503,
			wantHeader: http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}, "Cache-Control": {"no-store"}},
		},
		{
			name:        "latency only is not handled",
			rule:        Rule{Path: "/x", LatencyMS: 5},
			wantHandled: false, wantStatus: 200, // the recorder's default: nothing was written
			wantHeader: http.Header{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.rule.Validate(); err != nil {
				t.Fatalf("the test's rule is invalid: %v", err)
			}
			rec := httptest.NewRecorder()
			if got := Apply(rec, tt.rule); got != tt.wantHandled {
				t.Errorf("Apply(%+v) = %v, want %v", tt.rule, got, tt.wantHandled)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("Apply(%+v) status %d, want %d", tt.rule, rec.Code, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantHeader, rec.Header()); diff != "" {
				t.Errorf("Apply(%+v) headers (-want +got):\n%s", tt.rule, diff)
			}
			if diff := cmp.Diff(tt.wantBody, rec.Body.String()); diff != "" {
				t.Errorf("Apply(%+v) body (-want +got):\n%s", tt.rule, diff)
			}
			if !tt.wantHandled && rec.Flushed || !tt.wantHandled && rec.Body.Len() > 0 {
				t.Errorf("Apply of a latency-only rule wrote something")
			}
		})
	}
}

// isDropped reports whether err is what a client sees when the server
// closes the connection without an answer.
func isDropped(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func TestApplyDrop(t *testing.T) {
	handled := make(chan bool, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handled <- Apply(w, Rule{Path: "/x", Drop: true})
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			req, err := http.NewRequest(method, srv.URL+"/x", strings.NewReader(`{"extIds":["u1"]}`))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("%s through a drop rule answered %s, want a connection error", method, resp.Status)
			}
			if !isDropped(err) {
				t.Errorf("%s through a drop rule: %v, want EOF or connection reset", method, err)
			}
			if !<-handled {
				t.Errorf("Apply of a drop rule returned false")
			}
		})
	}
}

func TestApplyDropWithoutHijack(t *testing.T) {
	t.Run("recorder", func(t *testing.T) {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("Apply(drop) on a recorder panicked with %v, want http.ErrAbortHandler", p)
			}
		}()
		Apply(httptest.NewRecorder(), Rule{Path: "/x", Drop: true})
		t.Errorf("Apply(drop) on a writer that cannot hijack returned")
	})
	t.Run("HTTP/2", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Apply(w, Rule{Path: "/x", Drop: true})
		}))
		srv.EnableHTTP2 = true
		srv.StartTLS()
		defer srv.Close()
		resp, err := srv.Client().Get(srv.URL + "/x")
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET over HTTP/2 through a drop rule answered %s %s, want an error", resp.Proto, resp.Status)
		}
		t.Logf("HTTP/2 client saw: %v", err)
	})
}

// TestServe runs rules the way the HTTP layer will: Match, Sleep, Apply,
// else the normal answer.
func TestServe(t *testing.T) {
	s := NewSet(1)
	MustAdd(t, s, "T", Rule{Method: "POST", Path: "/rest/3.0/tagUsers", Status: 429, Code: 429, Error: "Too many requests", RetryAfter: 2, Times: 1})
	MustAdd(t, s, "T", Rule{Path: "/rest/3.0/get*", LatencyMS: 1})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rule, ok := s.Match("T", r.Method, r.URL.Path, nil); ok {
			if err := Sleep(r.Context(), rule.Latency()); err != nil {
				return
			}
			if Apply(w, rule) {
				return
			}
		}
		_, _ = io.WriteString(w, "served")
	}))
	defer srv.Close()
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantRetryAfter     string
		wantBody           string
	}{
		{name: "the fault", method: "POST", path: "/rest/3.0/tagUsers", wantStatus: 429, wantRetryAfter: "2", wantBody: `{"code":429,"error":"Too many requests"}` + "\n"},
		{name: "used up", method: "POST", path: "/rest/3.0/tagUsers", wantStatus: 200, wantBody: "served"},
		{name: "latency then served", method: "GET", path: "/rest/3.0/getDevices", wantStatus: 200, wantBody: "served"},
		{name: "no rule", method: "GET", path: "/rest/3.0/other", wantStatus: 200, wantBody: "served"},
	}
	for _, tt := range tests { // in order: the first uses the 429 up
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatalf("%s: %s %s: %v", tt.name, tt.method, tt.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus || resp.Header.Get("Retry-After") != tt.wantRetryAfter || string(body) != tt.wantBody {
			t.Errorf("%s: %s %s = %d, Retry-After %q, body %q; want %d, %q, %q", tt.name, tt.method, tt.path,
				resp.StatusCode, resp.Header.Get("Retry-After"), body, tt.wantStatus, tt.wantRetryAfter, tt.wantBody)
		}
	}
}

func TestSleep(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{name: "no wait", ctx: context.Background(), d: 0, want: nil},
		{name: "negative wait", ctx: context.Background(), d: -time.Second, want: nil},
		{name: "short wait", ctx: context.Background(), d: time.Nanosecond, want: nil},
		{name: "cancelled before a long wait", ctx: cancelled, d: time.Hour, want: context.Canceled},
		{name: "cancelled, no wait", ctx: cancelled, d: 0, want: context.Canceled},
		{name: "deadline passed", ctx: expired, d: time.Hour, want: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sleepWatched(t, tt.ctx, tt.d, nil); !errors.Is(got, tt.want) {
				t.Errorf("Sleep(ctx, %v) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
	t.Run("cancelled while waiting", func(t *testing.T) {
		inner, cancel := context.WithCancel(context.Background())
		ctx := &doneProbe{Context: inner, waiting: make(chan struct{})}
		then := func() { <-ctx.waiting; cancel() } // cancel once Sleep waits on Done
		if got := sleepWatched(t, ctx, time.Hour, then); !errors.Is(got, context.Canceled) {
			t.Errorf("Sleep(ctx, 1h) cancelled midway = %v, want context.Canceled", got)
		}
	})
}

// doneProbe closes waiting when Done is first called, that is when Sleep
// starts to wait.
type doneProbe struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (p *doneProbe) Done() <-chan struct{} {
	p.once.Do(func() { close(p.waiting) })
	return p.Context.Done()
}

// sleepWatched runs Sleep(ctx, d), calls then (if set) once it has begun,
// and fails the test if Sleep has not returned a minute later: a watchdog,
// not a timing assertion.
func sleepWatched(t *testing.T, ctx context.Context, d time.Duration, then func()) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- Sleep(ctx, d) }()
	if then != nil {
		then()
	}
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatalf("Sleep(ctx, %v) did not return within a minute of its context ending", d)
		return nil
	}
}
