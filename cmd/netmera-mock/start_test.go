package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBusyPortFailsBeforeLoading: a port in use is reported before any
// data is read: the fixtures file named does not exist, and the error is
// about the port, not the file.
func TestBusyPortFailsBeforeLoading(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	args := []string{"-addr", ln.Addr().String(), "-fixtures", "testdata/does-not-exist.json"}
	err = run(context.Background(), args, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "address already in use") || strings.Contains(err.Error(), "does-not-exist") {
		t.Errorf("run(%q) with the port taken = %v, want the busy port reported before the fixtures file is read", args, err)
	}
}

// waitLog waits (up to 30 s, a watchdog) for a log line with message msg.
func waitLog(t *testing.T, logs *syncBuffer, msg string, done <-chan error) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		for _, l := range logLines(t, logs.String()) {
			if l["msg"] == msg {
				return l
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve returned %v before logging %q; logs:\n%s", err, msg, logs)
		case <-deadline:
			t.Fatalf("no %q log line after 30s; logs:\n%s", msg, logs)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

type answer struct {
	Status      int
	ContentType string
	RetryAfter  string
	Body        map[string]any
}

func get(t *testing.T, url string, header ...string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), RetryAfter: resp.Header.Get("Retry-After")}
	if err := json.NewDecoder(resp.Body).Decode(&a.Body); err != nil {
		t.Fatalf("GET %s: %d, body not JSON: %v", url, resp.StatusCode, err)
	}
	return a
}

// TestServeWhileStarting: the port answers at once; until the data is
// loaded every request gets 503 with Retry-After, health and readiness
// say how far the start got, and progress is logged; then the fake
// serves.
func TestServeWhileStarting(t *testing.T) {
	c, err := parseConfig([]string{"-addr", "127.0.0.1:0", "-users", "30", "-api-key", "k1,k2"}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	c.beforeLoad = func() { <-gate }
	c.progressEvery = time.Millisecond
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{ReplaceAttr: durationsInMillis}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, c, log) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve after cancel = %v", err)
		}
	}()

	started := waitLog(t, logs, "netmera-mock starting", done)
	base := "http://" + started["addr"].(string)
	progress := waitLog(t, logs, "still starting", done)
	want := map[string]any{"phase": "seeding", "users_loaded": 0.0, "users_total": 60.0}
	for k, v := range want {
		if progress[k] != v {
			t.Errorf("progress line %s = %v, want %v (line %v)", k, progress[k], v, progress)
		}
	}
	if _, ok := progress["elapsed_ms"].(float64); !ok {
		t.Errorf("progress line has no elapsed_ms number: %v", progress)
	}

	starting := map[string]any{"status": "starting", "phase": "seeding", "usersLoaded": 0.0, "usersTotal": 60.0}
	tests := []struct {
		name        string
		path        string
		header      []string
		contentType string
		want        map[string]any // the body's fields, "elapsed" left out
	}{
		{name: "health", path: "/_mock/health", contentType: "application/json", want: starting},
		{name: "ready", path: "/_mock/ready", contentType: "application/json",
			want: map[string]any{"ready": false, "status": "starting", "phase": "seeding", "usersLoaded": 0.0, "usersTotal": 60.0}},
		{name: "Netmera API", path: "/rest/3.0/getProfileAttributes?extId=id1", header: []string{"X-netmera-api-key", "k1"},
			contentType: "application/json",
			want:        map[string]any{"code": 2001.0, "error": "netmera-mock is starting (seeding, 0 of 60 users loaded); retry in a moment"}},
		{name: "control API", path: "/_mock/users?extId=id1", header: []string{"X-netmera-api-key", "k1"},
			contentType: "application/problem+json",
			want: map[string]any{"type": "about:blank", "title": "Service Unavailable", "status": 503.0, "instance": "/_mock/users",
				"detail": "netmera-mock is starting (seeding, 0 of 60 users loaded); retry in a moment"}},
	}
	for _, tt := range tests {
		t.Run("starting/"+tt.name, func(t *testing.T) {
			got := get(t, base+tt.path, tt.header...)
			delete(got.Body, "elapsed")
			if got.Status != http.StatusServiceUnavailable || got.RetryAfter != "1" || got.ContentType != tt.contentType {
				t.Errorf("GET %s while starting = %d, Retry-After %q, Content-Type %q; want 503, 1, %s", tt.path, got.Status, got.RetryAfter, got.ContentType, tt.contentType)
			}
			if diff := cmp.Diff(tt.want, got.Body); diff != "" {
				t.Errorf("GET %s while starting: body (-want +got):\n%s", tt.path, diff)
			}
		})
	}

	close(gate)
	ready := waitLog(t, logs, "netmera-mock ready", done)
	if ms, ok := ready["startup_ms"].(float64); !ok || ms <= 0 {
		t.Errorf("ready line: startup_ms = %v, want a positive number of milliseconds (line %v)", ready["startup_ms"], ready)
	}
	if _, ok := ready["startup"]; ok {
		t.Errorf("ready line still has a bare startup field: %v", ready)
	}
	if got, want := ready["inspector"], base+"/_mock/ui/"; got != want {
		t.Errorf("ready line: inspector = %v, want %s", got, want)
	}
	if got := get(t, base+"/_mock/health"); got.Status != http.StatusOK || got.Body["status"] != "ok" {
		t.Errorf("GET /_mock/health once ready = %d %v, want 200 ok", got.Status, got.Body)
	}
	if got := get(t, base+"/_mock/ready"); got.Status != http.StatusOK || got.Body["ready"] != true {
		t.Errorf("GET /_mock/ready once ready = %d %v, want 200 ready", got.Status, got.Body)
	}
	if got := get(t, base+"/rest/3.0/getProfileAttributes?extId=id1", "X-netmera-api-key", "k2"); got.Status != http.StatusOK || got.Body["extId"] != "id1" {
		t.Errorf("getProfileAttributes once ready = %d %v, want 200 for id1", got.Status, got.Body)
	}
}

// TestStartPhase: once every user is made, the start is indexing.
func TestStartPhase(t *testing.T) {
	tests := []struct {
		name  string
		phase string
		made  int
		total int64
		want  string
	}{
		{name: "seeding", phase: phaseSeeding, made: 10, total: 20, want: phaseSeeding},
		{name: "all made", phase: phaseSeeding, made: 20, total: 20, want: phaseIndexing},
		{name: "no users to make", phase: phaseSeeding, total: 0, want: phaseIndexing},
		{name: "state file", phase: phaseStateFile, made: 20, total: 20, want: phaseStateFile},
		{name: "fixtures file", phase: phaseFixtures, total: 20, want: phaseFixtures},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStartup(time.Now(), tt.total)
			s.add(tt.made)
			s.setPhase(tt.phase)
			if got := s.status(); got.Phase != tt.want || got.UsersLoaded != int64(tt.made) || got.UsersTotal != tt.total {
				t.Errorf("status() = %+v, want phase %q, %d of %d users", got, tt.want, tt.made, tt.total)
			}
		})
	}
}

// TestDurationsInMillis: no log line carries nanoseconds; every duration
// is a number of milliseconds under a key ending in _ms.
func TestDurationsInMillis(t *testing.T) {
	tests := []struct {
		name   string
		format string
		want   string
	}{
		{name: "json", format: "json", want: `"duration_ms":1.5`},
		{name: "text", format: "text", want: `duration_ms=1.5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			log, err := newLogger(&config{logLevel: "info", logFormat: tt.format}, &out)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("request", "duration", 1500*time.Microsecond, "count", 3)
			if !strings.Contains(out.String(), tt.want) || strings.Contains(out.String(), "1500000") {
				t.Errorf("logged %q, want %s in it", out.String(), tt.want)
			}
		})
	}
}

func TestInspectorURL(t *testing.T) {
	tests := []struct {
		name string
		addr net.Addr
		want string
	}{
		{name: "every IPv4 address", addr: &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, want: "http://localhost:8080/_mock/ui/"},
		{name: "every address", addr: &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, want: "http://localhost:8080/_mock/ui/"},
		{name: "loopback", addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 18080}, want: "http://127.0.0.1:18080/_mock/ui/"},
		{name: "IPv6 loopback", addr: &net.TCPAddr{IP: net.IPv6loopback, Port: 80}, want: "http://[::1]:80/_mock/ui/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inspectorURL(tt.addr); got != tt.want {
				t.Errorf("inspectorURL(%v) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
