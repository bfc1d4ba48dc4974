package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want func(c *config)
	}{
		{name: "defaults", want: func(c *config) {}},
		{name: "flags", args: []string{"-addr", ":9090", "-seed", "7", "-users", "5", "-lenient-os", "-auth-status", "401", "-auto-define", "-permanent-delete=false", "-max-ids", "10", "-limit-code", "2020", "-register-delay", "2s"},
			want: func(c *config) {
				c.addr, c.seed, c.users, c.server.LenientOS, c.server.AuthStatus = ":9090", 7, 5, true, 401
				c.settings = state.Settings{AutoDefine: true, PermanentDeleteOff: true, MaxIDs: 10, LimitCode: 2020, RegisterDelay: 2 * time.Second}
				c.permDelete = false
			}},
		{name: "channel switches", args: []string{"-count-addresses", "-strict-email", "-strict-whatsapp"},
			want: func(c *config) {
				c.settings.CountAddresses, c.settings.StrictEmail, c.server.StrictWhatsApp = true, true, true
			}},
		{name: "channel switches from the environment",
			env: map[string]string{"NETMERA_MOCK_COUNT_ADDRESSES": "true", "NETMERA_MOCK_STRICT_EMAIL": "1", "NETMERA_MOCK_STRICT_WHATSAPP": "true"},
			want: func(c *config) {
				c.settings.CountAddresses, c.settings.StrictEmail, c.server.StrictWhatsApp = true, true, true
			}},
		{name: "repeated keys", args: []string{"-api-key", "a", "-api-key", "b,c"}, want: func(c *config) { c.apiKeys = stringsFlag{"a", "b", "c"} }},
		{name: "environment", env: map[string]string{"NETMERA_MOCK_ADDR": ":7000", "NETMERA_MOCK_API_KEY": "x, y", "NETMERA_MOCK_LENIENT_OS": "true", "NETMERA_MOCK_DEVICE_TOKEN_SHAPE": "legacy"},
			want: func(c *config) {
				c.addr, c.apiKeys, c.server.LenientOS, c.server.DeviceTokenShape = ":7000", stringsFlag{"x", "y"}, true, "legacy"
			}},
		{name: "report on exit", env: map[string]string{"NETMERA_MOCK_REPORT_ON_EXIT": "/out/netmera.xml"},
			want: func(c *config) { c.reportFile = "/out/netmera.xml" }},
		{name: "flag beats environment", args: []string{"-addr", ":1", "-api-key", "flag"}, env: map[string]string{"NETMERA_MOCK_ADDR": ":2", "NETMERA_MOCK_API_KEY": "env"},
			want: func(c *config) { c.addr, c.apiKeys = ":1", stringsFlag{"flag"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := parseConfig(nil, env(nil), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			tt.want(want)
			got, err := parseConfig(tt.args, env(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("parseConfig(%q): %v", tt.args, err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(config{}), cmp.Comparer(func(a, b mockserver.Options) bool {
				return a.LenientOS == b.LenientOS && a.AuthStatus == b.AuthStatus && a.SingleObject == b.SingleObject && a.DeviceTokenShape == b.DeviceTokenShape
			})); diff != "" {
				t.Errorf("parseConfig(%q) mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{name: "unknown flag", args: []string{"-nope"}},
		{name: "stray argument", args: []string{"serve"}},
		{name: "bad env number", env: map[string]string{"NETMERA_MOCK_USERS": "many"}},
		{name: "negative users", args: []string{"-users", "-1"}},
		{name: "negative registration delay", args: []string{"-register-delay", "-1s"}},
		{name: "-forget-saved without -state-file", args: []string{"-forget-saved", "all"}},
		{name: "unknown time zone", args: []string{"-time-zone", "Nowhere/Atlantis"}},
		{name: "time zone offset out of range", env: map[string]string{"NETMERA_MOCK_TIME_ZONE": "+25:00"}},
		{name: "-report-on-exit without a journal", args: []string{"-report-on-exit", "r.xml", "-journal-size", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseConfig(tt.args, env(tt.env), io.Discard); err == nil {
				t.Errorf("parseConfig(%q, %v) succeeded, want an error", tt.args, tt.env)
			}
		})
	}
}

// syncBuffer is a log sink the server writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startRun runs the command in the background and returns the address it
// listens on, once it logs that it is ready.
func startRun(t *testing.T, args ...string) (addr string, logs *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-log-format", "json"}, args...), env(nil), io.Discard, logs)
	}()
	deadline := time.After(30 * time.Second)
	for addr == "" {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run exited before ready: %v\nlogs:\n%s", err, logs)
		case <-deadline:
			cancel()
			t.Fatalf("run not ready after 30s; logs:\n%s", logs)
		case <-time.After(10 * time.Millisecond):
		}
		sc := bufio.NewScanner(strings.NewReader(logs.String()))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "netmera-mock ready" {
				addr = line.Addr
			}
		}
	}
	return addr, logs, func() error {
		cancel()
		return <-done
	}
}

func TestRunServesSeededDataAndShutsDown(t *testing.T) {
	const key = "super-secret-key-123"
	addr, logs, stop := startRun(t, "-api-key", key, "-users", "50", "-seed", "3")
	base := "http://" + addr

	resp, err := http.Get(base + "/_mock/health")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status string
		Counts state.Counts
	}
	if err := json.NewDecoder(resp.Body).Decode(&health); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || health.Status != "ok" || health.Counts.Users != 50 {
		t.Errorf("GET /_mock/health = %d %+v, want 200 ok with 50 users", resp.StatusCode, health)
	}

	req, _ := http.NewRequest(http.MethodPost, base+"/rest/3.0/tagUsers", strings.NewReader(`{"tag":"Sport","extIds":["id1"]}`))
	req.Header.Set("X-netmera-api-key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("POST tagUsers = %d %q, want 200 with an empty body", resp.StatusCode, body)
	}

	req, _ = http.NewRequest(http.MethodGet, base+"/rest/3.0/getDevices?extId=id1", nil)
	req.Header.Set("X-netmera-api-key", "wrong")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET getDevices with a wrong key = %d, want 403", resp.StatusCode)
	}

	if err := stop(); err != nil {
		t.Errorf("run after cancel = %v, want nil (graceful shutdown)", err)
	}
	if strings.Contains(logs.String(), key) || strings.Contains(logs.String(), "wrong\"") {
		t.Errorf("logs contain an API key in clear:\n%s", logs)
	}
	if !strings.Contains(logs.String(), state.KeyID(key)) {
		t.Errorf("logs do not name the tenant by its masked key %s:\n%s", state.KeyID(key), logs)
	}
}

func TestRunDefaultKey(t *testing.T) {
	addr, _, stop := startRun(t, "-users", "10")
	defer stop()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/rest/3.0/getProfileAttributes?extId=id1", nil)
	req.Header.Set("X-netmera-api-key", DefaultAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		ExtID   string         `json:"extId"`
		Profile map[string]any `json:"profile"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || got.ExtID != "id1" || got.Profile["name"] != "John" {
		t.Errorf("getProfileAttributes?extId=id1 with the default key = %d %+v, want 200 and the documentation's John", resp.StatusCode, got)
	}
}

// TestRunShutdownEndsInspectorStreams: an open inspector page does not
// hold the graceful shutdown up until its timeout.
func TestRunShutdownEndsInspectorStreams(t *testing.T) {
	addr, _, stop := startRun(t, "-users", "10")
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/_mock/stream", nil)
	req.Header.Set("X-netmera-api-key", DefaultAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_mock/stream = %d, want 200", resp.StatusCode)
	}
	if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
		t.Fatalf("reading the stream's first event: %v", err)
	}
	if err := stop(); err != nil {
		t.Errorf("run after cancel, with a stream open = %v, want nil (graceful shutdown)", err)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("the stream after the shutdown: %v, want its end", err)
	}
}

func TestRunFailsClearly(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "missing fixtures file", args: []string{"-fixtures", "testdata/does-not-exist.json"}, want: "does-not-exist.json"},
		{name: "bad auth status", args: []string{"-auth-status", "500"}, want: "401 or 403"},
		{name: "bad log level", args: []string{"-log-level", "loud"}, want: "log-level"},
		{name: "bad address", args: []string{"-addr", "no-port"}, want: "no-port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A free port, so that only the error under test can fail the
			// start (a later -addr wins).
			args := append([]string{"-users", "0", "-addr", "127.0.0.1:0"}, tt.args...)
			err := run(context.Background(), args, env(nil), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-version"}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "netmera-mock ") {
		t.Errorf("-version printed %q", out.String())
	}
}

func TestHealthcheck(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		{name: "healthy", status: 200},
		{name: "unhealthy", status: 503, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/_mock/health" {
					t.Errorf("healthcheck asked for %s, want /_mock/health", r.URL.Path)
				}
				w.WriteHeader(tt.status)
			}))
			defer ts.Close()
			err := run(context.Background(), []string{"healthcheck", "-url", ts.URL + "/_mock/health"}, env(nil), io.Discard, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Errorf("healthcheck against a %d = %v, want error %v", tt.status, err, tt.wantErr)
			}
		})
	}
	if err := run(context.Background(), []string{"healthcheck", "-url", "http://127.0.0.1:1/_mock/health"}, env(nil), io.Discard, io.Discard); err == nil {
		t.Error("healthcheck with nothing listening succeeded")
	}
}
