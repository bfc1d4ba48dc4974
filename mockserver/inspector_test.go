package mockserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// The control endpoints the inspector reads, its page and its stream.

func TestInspectorPageServed(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(h.URL + "/_mock/ui")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/_mock/ui/" {
		t.Errorf("GET /_mock/ui = %d to %q, want 301 to /_mock/ui/", resp.StatusCode, resp.Header.Get("Location"))
	}

	page := h.DoKey(t, "", http.MethodGet, "/_mock/ui/", "")
	if page.Status != http.StatusOK || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /_mock/ui/ = %v (%s), want 200 text/html", page, page.Header.Get("Content-Type"))
	}
	for name, want := range map[string]string{"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
		if got := page.Header.Get(name); !strings.Contains(got, want) {
			t.Errorf("GET /_mock/ui/: %s %q, want it to hold %q", name, got, want)
		}
	}
	// Everything the page loads is its own, served here: no CDN, no network.
	refs := regexp.MustCompile(`(?:src|href)="([^"#]+)"`).FindAllStringSubmatch(string(page.Body), -1)
	if len(refs) < 3 {
		t.Fatalf("the page references %d files, want its script, style and icon", len(refs))
	}
	types := map[string]string{".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
	for _, ref := range refs {
		name := ref[1]
		if strings.Contains(name, ":") || strings.HasPrefix(name, "/") {
			t.Errorf("the page loads %q, which is not one of its own files", name)
			continue
		}
		r := h.DoKey(t, "", http.MethodGet, "/_mock/ui/"+name, "")
		ext := name[strings.LastIndex(name, "."):]
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), types[ext]) {
			t.Errorf("GET /_mock/ui/%s = %v (%s), want 200 %s", name, r, r.Header.Get("Content-Type"), types[ext])
		}
		if etag := r.Header.Get("ETag"); etag == "" {
			t.Errorf("GET /_mock/ui/%s has no ETag", name)
		} else if again := h.DoKey(t, "", http.MethodGet, "/_mock/ui/"+name, "", "If-None-Match", etag); again.Status != http.StatusNotModified {
			t.Errorf("GET /_mock/ui/%s with its ETag = %v, want 304", name, again)
		}
	}
	wantProblemStatus(t, "GET /_mock/ui/nothing.js", h.DoKey(t, "", http.MethodGet, "/_mock/ui/nothing.js", ""), http.StatusNotFound, "/_mock/ui/nothing.js")
	wantProblemStatus(t, "POST /_mock/ui/", h.DoKey(t, "", http.MethodPost, "/_mock/ui/", ""), http.StatusMethodNotAllowed, "/_mock/ui/")
}

// summaries is GET /_mock/requests?summary=true.
type summaries struct {
	Count    int    `json:"count"`
	Dropped  uint64 `json:"dropped"`
	Last     uint64 `json:"last"`
	Requests []struct {
		Seq        uint64    `json:"seq"`
		Time       time.Time `json:"time"`
		Method     string    `json:"method"`
		Path       string    `json:"path"`
		Query      string    `json:"query"`
		Status     int       `json:"status"`
		DurationMS float64   `json:"durationMs"`
		ExtIDs     []string  `json:"extIds"`
		Fault      string    `json:"fault"`
		Notes      int       `json:"notes"`
	} `json:"requests"`
}

func TestRequestSummariesAndOne(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.Do(t, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"A","extIds":["id1"]}`)
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id2", "")
	h.Do(t, http.MethodGet, "/rest/3.0/getProfileAttributes", "")
	h.DoKey(t, otherKey, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")

	type row struct {
		Seq    uint64
		Path   string
		Status int
		IDs    []string
	}
	for _, tt := range []struct {
		name  string
		query string
		want  []row
	}{
		{name: "all", query: "summary=true", want: []row{{1, "/rest/3.0/tagUsers", 200, []string{"id1"}}, {2, "/rest/3.0/getDevices", 200, []string{"id2"}}, {3, "/rest/3.0/getProfileAttributes", 400, nil}}},
		{name: "after", query: "summary=true&after=1", want: []row{{2, "/rest/3.0/getDevices", 200, []string{"id2"}}, {3, "/rest/3.0/getProfileAttributes", 400, nil}}},
		{name: "after the last", query: "summary=true&after=3", want: []row{}},
		{name: "with a filter", query: "summary=true&extId=id2", want: []row{{2, "/rest/3.0/getDevices", 200, []string{"id2"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := h.Do(t, http.MethodGet, "/_mock/requests?"+tt.query, "")
			if r.Status != http.StatusOK {
				t.Fatalf("GET /_mock/requests?%s = %v, want 200", tt.query, r)
			}
			if strings.Contains(string(r.Body), `"headers"`) || strings.Contains(string(r.Body), `"body"`) {
				t.Errorf("GET /_mock/requests?%s shows headers or bodies: %s", tt.query, r.Body)
			}
			var s summaries
			MustUnmarshal(t, "summaries", r.Body, &s)
			got := []row{}
			for _, e := range s.Requests {
				got = append(got, row{e.Seq, e.Path, e.Status, e.ExtIDs})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GET /_mock/requests?%s (-want +got):\n%s", tt.query, diff)
			}
			if s.Last != 3 || s.Count != len(s.Requests) {
				t.Errorf("GET /_mock/requests?%s: last %d, count %d of %d listed; want last 3 and the count of the list", tt.query, s.Last, s.Count, len(s.Requests))
			}
		})
	}

	h.Do(t, http.MethodPost, "/_mock/faults", `{"path":"getDevices","status":503}`)
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1&api_key=`+testKey+`", "")
	var faulted summaries
	MustUnmarshal(t, "summaries after a fault", h.Do(t, http.MethodGet, "/_mock/requests?summary=true&after=3", "").Body, &faulted)
	if len(faulted.Requests) != 1 || faulted.Requests[0].Fault != "f1" || faulted.Requests[0].Status != 503 || strings.Contains(faulted.Requests[0].Query, testKey) {
		t.Errorf("the summary of a request a fault answered = %+v, want status 503, fault f1 and the key in its query masked", faulted.Requests)
	}

	one := h.Do(t, http.MethodGet, "/_mock/requests/1", "")
	var e journalEntry
	MustUnmarshal(t, "GET /_mock/requests/1", one.Body, &e)
	if one.Status != http.StatusOK || e.Seq != 1 || e.Path != "/rest/3.0/tagUsers" || string(e.Body) != `{"tag":"A","extIds":["id1"]}` {
		t.Errorf("GET /_mock/requests/1 = %v, want tagUsers whole", one)
	}
	var theirs journalEntry
	MustUnmarshal(t, "GET /_mock/requests/1 of the other tenant", h.DoKey(t, otherKey, http.MethodGet, "/_mock/requests/1", "").Body, &theirs)
	if theirs.Path != "/rest/3.0/getDevices" {
		t.Errorf("GET /_mock/requests/1 with the other key shows %s, want that tenant's own first request, getDevices", theirs.Path)
	}
	if strings.Contains(string(one.Body), testKey) {
		t.Errorf("GET /_mock/requests/1 shows the API key in clear: %s", one.Body)
	}
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/_mock/requests/5", http.StatusNotFound}, // not yet
		{"/_mock/requests/0", http.StatusNotFound},
		{"/_mock/requests/x", http.StatusBadRequest},
		{"/_mock/requests?after=-1", http.StatusBadRequest},
		{"/_mock/requests?summary=yes", http.StatusBadRequest},
	} {
		wantProblemStatus(t, "GET "+tt.path, h.Do(t, http.MethodGet, tt.path, ""), tt.status, strings.Split(tt.path, "?")[0])
	}
}

// foundUser is the part of GET /_mock/users the lookups are checked on.
type foundUser struct {
	ExtID       string   `json:"extId"`
	SameAddress []string `json:"sameAddress"`
}

func TestUserLookups(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	h.Do(t, http.MethodPost, "/rest/3.0/updateEmail", `{"extId":"your_extId","email":"jane@example.com"}`)
	for _, tt := range []struct {
		name   string
		query  string
		status int
		want   foundUser
	}{
		{name: "extId", query: "extId=id1", status: 200, want: foundUser{ExtID: "id1"}},
		{name: "token", query: "token=a1b2c3d4e5f6g7", status: 200, want: foundUser{ExtID: "id1"}},
		{name: "token of an uninstalled device", query: "token=old-token-id1", status: 200, want: foundUser{ExtID: "id1"}},
		{name: "email", query: "email=john.brown@example.com", status: 200, want: foundUser{ExtID: "id1"}},
		{name: "email of two users", query: "email=jane@example.com", status: 200, want: foundUser{ExtID: "id2", SameAddress: []string{"your_extId"}}},
		{name: "msisdn", query: "msisdn=905550000002", status: 200, want: foundUser{ExtID: "your-extId"}},
		{name: "unknown extId", query: "extId=ghost", status: 404},
		{name: "unknown token", query: "token=nope", status: 404},
		{name: "token of a device of no user", query: "token=anon-token", status: 404},
		{name: "unknown email", query: "email=nobody@example.com", status: 404},
		{name: "nothing", query: "", status: 400},
		{name: "two keys", query: "extId=id1&token=a1b2c3d4e5f6g7", status: 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := h.Do(t, http.MethodGet, "/_mock/users?"+tt.query, "")
			if tt.status != http.StatusOK {
				wantProblemStatus(t, "GET /_mock/users?"+tt.query, r, tt.status, "/_mock/users")
				return
			}
			var got foundUser
			MustUnmarshal(t, "GET /_mock/users?"+tt.query, r.Body, &got)
			if r.Status != http.StatusOK {
				t.Fatalf("GET /_mock/users?%s = %v, want 200", tt.query, r)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GET /_mock/users?%s (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestSegmentsInboxAndNotificationLimit(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	var segs struct {
		Segments []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"segments"`
	}
	MustUnmarshal(t, "GET /_mock/segments", h.Do(t, http.MethodGet, "/_mock/segments", "").Body, &segs)
	if len(segs.Segments) == 0 || segs.Segments[0].Name == "" {
		t.Errorf("GET /_mock/segments = %+v, want the tenant's segments with their names", segs)
	}
	if n := len(h.mustRequests(t, testKey, "").Requests); n != 0 {
		t.Errorf("GET /_mock/segments left %d journal entries, want none: it is no API call", n)
	}

	for _, title := range []string{"one", "two", "three"} {
		r := h.Do(t, http.MethodPost, "/rest/3.0/sendBulkNotification",
			`{"message":{"title":"`+title+`","text":"t","platforms":["ANDROID"],"inbox":true},"target":{"extId":["id1"]}}`)
		if r.Status != http.StatusOK {
			t.Fatalf("sendBulkNotification = %v, want 200", r)
		}
	}
	var list struct {
		Notifications []struct {
			Message struct {
				Title string `json:"title"`
			} `json:"message"`
		} `json:"notifications"`
	}
	MustUnmarshal(t, "GET /_mock/notifications?limit=2", h.Do(t, http.MethodGet, "/_mock/notifications?limit=2", "").Body, &list)
	var titles []string
	for _, n := range list.Notifications {
		titles = append(titles, n.Message.Title)
	}
	if diff := cmp.Diff([]string{"three", "two"}, titles); diff != "" {
		t.Errorf("GET /_mock/notifications?limit=2 (-want +got):\n%s", diff)
	}
	wantProblemStatus(t, "GET /_mock/notifications?limit=0", h.Do(t, http.MethodGet, "/_mock/notifications?limit=0", ""), http.StatusBadRequest, "/_mock/notifications")

	var inbox struct {
		Counts   map[string]int `json:"counts"`
		Messages []struct {
			Title  string `json:"title"`
			Status string `json:"status"`
		} `json:"messages"`
	}
	MustUnmarshal(t, "GET /_mock/inbox", h.Do(t, http.MethodGet, "/_mock/inbox?extId=id1&max=2", "").Body, &inbox)
	if inbox.Counts["UNREAD"] != 3 || len(inbox.Messages) != 2 || inbox.Messages[0].Title != "three" {
		t.Errorf("GET /_mock/inbox?extId=id1&max=2 = %+v, want 3 unread, the 2 newest listed", inbox)
	}
	wantProblemStatus(t, "GET /_mock/inbox", h.Do(t, http.MethodGet, "/_mock/inbox", ""), http.StatusBadRequest, "/_mock/inbox")
}

// stream is an open GET /_mock/stream.
type stream struct {
	body io.ReadCloser
	r    *bufio.Reader
}

type streamEvent struct {
	Event string
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
	Gen   uint64 `json:"generation"`
}

func (h *harness) mustStream(tb testing.TB, key string) *stream {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+"/_mock/stream", nil)
	req.Header.Set("X-netmera-api-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("GET /_mock/stream = %d %s %s, want 200 text/event-stream", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return &stream{body: resp.Body, r: bufio.NewReader(resp.Body)}
}

// next reads the next event that is not a ping.
func (s *stream) next(tb testing.TB) streamEvent {
	tb.Helper()
	for {
		var ev streamEvent
		for {
			line, err := s.r.ReadString('\n')
			if err != nil {
				tb.Fatalf("reading the stream: %v", err)
			}
			line = strings.TrimRight(line, "\n")
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				ev.Event = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				MustUnmarshal(tb, "a stream event", []byte(v), &ev)
			}
		}
		if ev.Event != "ping" {
			return ev
		}
	}
}

func TestStream(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	s := h.mustStream(t, testKey)
	first := s.next(t)
	if first.Event != "change" || first.Last != 0 {
		t.Fatalf("the stream's first event = %+v, want a change with no request yet", first)
	}

	// Another tenant's request does not wake it; the caller's does.
	h.DoKey(t, otherKey, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"A","extIds":["id1"]}`)
	h.Do(t, http.MethodGet, "/rest/3.0/getDevices?extId=id1", "")
	if ev := s.next(t); ev.Event != "change" || ev.First != 1 || ev.Last != 1 {
		t.Errorf("after the tenant's first request the stream said %+v, want a change holding requests 1 to 1", ev)
	}

	// A control write wakes it, with the generation moved.
	h.Do(t, http.MethodPost, "/_mock/users", `{"extId":"newcomer"}`)
	ev := s.next(t)
	if ev.Gen == first.Gen || ev.Last != 1 {
		t.Errorf("after POST /_mock/users the stream said %+v, want the generation moved from %d and no new request", ev, first.Gen)
	}

	// A cleared journal is seen: nothing held.
	h.Do(t, http.MethodDelete, "/_mock/requests", "")
	if ev := s.next(t); ev.First != 2 || ev.Last != 1 {
		t.Errorf("after DELETE /_mock/requests the stream said %+v, want first 2 past last 1: none held", ev)
	}

	// An unknown key gets the API's refusal.
	r := h.DoKey(t, "no-such-key", http.MethodGet, "/_mock/stream", "")
	var env struct{ Code int }
	if json.Unmarshal(r.Body, &env); r.Status != http.StatusForbidden || env.Code != 2010 {
		t.Errorf("GET /_mock/stream with an unknown key = %v, want 403 code 2010", r)
	}

	// CloseStreams ends it, and refuses new ones.
	h.Server.CloseStreams()
	if _, err := io.ReadAll(s.r); err != nil {
		t.Errorf("reading the stream after CloseStreams: %v, want its end", err)
	}
	wantProblemStatus(t, "GET /_mock/stream after CloseStreams", h.Do(t, http.MethodGet, "/_mock/stream", ""), http.StatusServiceUnavailable, "/_mock/stream")
}

func TestStreamBound(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	for range 16 {
		h.mustStream(t, testKey).next(t)
	}
	wantProblemStatus(t, "a 17th stream of one tenant", h.Do(t, http.MethodGet, "/_mock/stream", ""), http.StatusServiceUnavailable, "/_mock/stream")
	h.mustStream(t, otherKey).next(t) // another tenant still gets one
}
