package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/state"
)

// call sends one request with key and returns the status and body; a
// transport error is status 0 and the error's text.
func call(client *http.Client, method, url, key, body string, headers ...string) (int, string) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	if key != "" {
		req.Header.Set("X-netmera-api-key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mustCall is call that wants status.
func mustCall(t *testing.T, method, url, key, body string, status int, headers ...string) string {
	t.Helper()
	got, b := call(http.DefaultClient, method, url, key, body, headers...)
	if got != status {
		t.Fatalf("%s %s %s = %d %q, want %d", method, url, body, got, b, status)
	}
	return b
}

// savedTenant reads the tenant of key from a state file, as the next
// start would.
func savedTenant(t *testing.T, path, key string) *state.Tenant {
	t.Helper()
	s, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return &state.Dataset{}, nil }), state.Settings{}, key)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Load(path)
	if err != nil || !res.Found || res.Restored != 1 {
		t.Fatalf("state.Store.Load(%s) = %+v, %v; want the tenant of %s restored", path, res, err, state.KeyID(key))
	}
	tn, _ := s.Tenant(key)
	return tn
}

func tagsOf(t *testing.T, tn *state.Tenant, extID string) []string {
	t.Helper()
	u, ok := tn.User(extID)
	if !ok {
		t.Fatalf("the saved state has no user %s", extID)
	}
	return u.Tags
}

func TestStateFileSurvivesRestart(t *testing.T) {
	t.Parallel()
	const key = "persist-key-Secret-9c1"
	path := filepath.Join(t.TempDir(), "state.json")
	args := []string{"-api-key", key, "-users", "20", "-state-file", path, "-save-interval", "0"}

	addr, logs, stop := startRun(t, args...)
	base := "http://" + addr
	mustCall(t, http.MethodPost, base+"/rest/3.0/tagUsers", key, `{"tag":"Persisted","extIds":["id1","id2"]}`, 200)
	mustCall(t, http.MethodPost, base+"/rest/3.0/setProfileAttributes", key, `[{"extId":"id1","profile":{"name":"Restarted"}}]`, 200)
	mustCall(t, http.MethodPost, base+"/_mock/devices", key, `{"installationId":"persist-inst","extId":"new-user","platform":"IOS","token":"persist-token"}`, 200)
	mustCall(t, http.MethodPost, base+"/rest/3.0/deleteUsersPermanently", key, `{"extIds":["id2"]}`, 200)
	before := mustCall(t, http.MethodGet, base+"/_mock/state", key, "", 200)
	if err := stop(); err != nil {
		t.Fatalf("run after cancel = %v, want a graceful shutdown; logs:\n%s", err, logs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("after a graceful shutdown with -state-file, reading it: %v", err)
	}
	if bytes.Contains(b, []byte(key)) {
		t.Errorf("the state file holds the API key in clear")
	}

	addr, logs, stop = startRun(t, args...)
	base = "http://" + addr
	if after := mustCall(t, http.MethodGet, base+"/_mock/state", key, "", 200); after != before {
		t.Errorf("GET /_mock/state after a restart differs from before it")
	}
	if got := mustCall(t, http.MethodGet, base+"/rest/3.0/getProfileAttributes?extId=id1", key, "", 200); !strings.Contains(got, `"name":"Restarted"`) {
		t.Errorf("getProfileAttributes?extId=id1 after a restart = %s, want name Restarted", got)
	}
	if got := mustCall(t, http.MethodGet, base+"/rest/3.0/getDevices?extId=new-user", key, "", 200); !strings.Contains(got, "persist-token") {
		t.Errorf("getDevices?extId=new-user after a restart = %s, want the device registered before it", got)
	}
	if got := mustCall(t, http.MethodGet, base+"/rest/3.0/getProfileAttributes?extId=id2", key, "", 200); strings.Contains(got, `"name"`) {
		t.Errorf("getProfileAttributes?extId=id2 after a restart = %s, want the deleted user gone", got)
	}
	// A reset still goes back to the seed, not to the saved state.
	mustCall(t, http.MethodPost, base+"/_mock/reset", key, "", 200)
	if got := mustCall(t, http.MethodGet, base+"/rest/3.0/getProfileAttributes?extId=id1", key, "", 200); strings.Contains(got, "Restarted") {
		t.Errorf("getProfileAttributes?extId=id1 after a reset = %s, want the seeded profile", got)
	}
	if err := stop(); err != nil {
		t.Errorf("second run after cancel = %v", err)
	}
	if !strings.Contains(logs.String(), `"found":true`) {
		t.Errorf("the second start did not log that it found the state file:\n%s", logs)
	}
}

// TestStateFileKeepsAcknowledgedWrites cancels the run, as SIGTERM does,
// while clients write, and checks that every write answered 200 is in the
// state file afterwards.
func TestStateFileKeepsAcknowledgedWrites(t *testing.T) {
	t.Parallel()
	const key = "sigterm-key"
	path := filepath.Join(t.TempDir(), "state.json")
	addr, logs, stop := startRun(t, "-api-key", key, "-users", "20", "-state-file", path, "-save-interval", "0", "-journal-size", "10")
	url := "http://" + addr + "/rest/3.0/tagUsers"

	const workers = 8
	var (
		mu    sync.Mutex
		acked []string
		total atomic.Int64
		wg    sync.WaitGroup
	)
	enough := make(chan struct{})
	var once sync.Once
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				tag := fmt.Sprintf("w%d-%d", w, i)
				status, _ := call(client, http.MethodPost, url, key, `{"tag":"`+tag+`","extIds":["id1"]}`)
				if status != http.StatusOK {
					return // the server is going away
				}
				mu.Lock()
				acked = append(acked, tag)
				mu.Unlock()
				if total.Add(1) >= 200 {
					once.Do(func() { close(enough) })
				}
			}
		}()
	}
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Fatalf("the writers got fewer than 200 answers in 60s")
	}
	err := stop() // while the writers still write
	wg.Wait()
	if err != nil {
		t.Fatalf("run after cancel = %v, want a graceful shutdown; logs:\n%s", err, logs)
	}
	tags := tagsOf(t, savedTenant(t, path, key), "id1")
	var missing []string
	for _, tag := range acked {
		if !slices.Contains(tags, tag) {
			missing = append(missing, tag)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d writes answered 200 before the shutdown are not in the state file: %v", len(missing), len(acked), missing)
	}
	t.Logf("%d writes acknowledged, %d tags saved", len(acked), len(tags))
}

// TestStateFileSavedDespiteSlowRequest checks that a request still running
// when the shutdown gives up (here held by a fault's latency) does not
// cost the writes acknowledged before: the state is saved anyway. It takes
// the shutdown's 10s timeout.
func TestStateFileSavedDespiteSlowRequest(t *testing.T) {
	t.Parallel()
	const key = "slow-key"
	path := filepath.Join(t.TempDir(), "state.json")
	addr, logs, stop := startRun(t, "-api-key", key, "-users", "20", "-state-file", path, "-save-interval", "0")
	base := "http://" + addr
	mustCall(t, http.MethodPost, base+"/_mock/faults", key, `{"path":"getDevices","latencyMs":30000}`, http.StatusCreated)
	slow := make(chan int, 1)
	go func() {
		status, _ := call(&http.Client{Timeout: 5 * time.Minute}, http.MethodGet, base+"/rest/3.0/getDevices?extId=id1", key, "")
		slow <- status
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(mustCall(t, http.MethodGet, base+"/_mock/faults", key, "", 200), `"hits":1`) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s the slow request has not reached the fault rule")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mustCall(t, http.MethodPost, base+"/rest/3.0/tagUsers", key, `{"tag":"BeforeStop","extIds":["id1"]}`, 200)
	err := stop()
	t.Logf("run with a request outlasting the shutdown returned %v", err)
	if status := <-slow; status == http.StatusOK {
		t.Errorf("the request held past the shutdown got 200, want no answer")
	}
	if _, statErr := os.Stat(path); statErr != nil {
		t.Fatalf("no state file after a shutdown that timed out (%v): acknowledged writes are lost; logs:\n%s", statErr, logs)
	}
	if tags := tagsOf(t, savedTenant(t, path, key), "id1"); !slices.Contains(tags, "BeforeStop") {
		t.Errorf("id1's saved tags %q lack BeforeStop, answered 200 before the shutdown", tags)
	}
}

func TestStateFileCorruptStopsStartup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		data []byte // nil: the path is a folder
	}{
		{name: "not JSON", data: []byte("{not json")},
		{name: "empty", data: []byte{}},
		{name: "wrong version", data: []byte(`{"version":99,"tenants":[]}`)},
		{name: "bad keyHash", data: []byte(`{"version":1,"tenants":[{"keyHash":"nothex","data":{}}]}`)},
		{name: "invalid data", data: []byte(`{"version":1,"tenants":[{"keyHash":"` + state.HashKey(DefaultAPIKey).String() +
			`","data":{"devices":[{"installationId":"i","extId":"ghost","platform":"IOS"}]}}]}`)},
		{name: "trailing garbage", data: []byte(`{"version":1,"tenants":[]}` + "\ngarbage")},
		{name: "a folder", data: nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("state-%d.json", i))
			if tt.data == nil {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := run(ctx, []string{"-addr", "127.0.0.1:0", "-users", "5", "-state-file", path}, env(nil), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("run with the %s state file %s = %v, want an error naming the file", tt.name, path, err)
			}
			if tt.data == nil {
				if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
					t.Errorf("run with a folder as -state-file changed it: %v", err)
				}
				return
			}
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, tt.data) {
				t.Errorf("run with the %s state file changed it: %q (%v), want %q", tt.name, got, err, tt.data)
			}
		})
	}
}

func TestStateFileSavedPeriodically(t *testing.T) {
	t.Parallel()
	const key = "periodic-key"
	path := filepath.Join(t.TempDir(), "state.json")
	addr, _, stop := startRun(t, "-api-key", key, "-users", "20", "-state-file", path, "-save-interval", "50ms")
	defer stop()
	base := "http://" + addr
	for _, tag := range []string{"Periodic-1", "Periodic-2"} {
		mustCall(t, http.MethodPost, base+"/rest/3.0/tagUsers", key, `{"tag":"`+tag+`","extIds":["id1"]}`, 200)
		deadline := time.Now().Add(10 * time.Second)
		for {
			// A rename is atomic: the file is always whole, old or new.
			if _, err := os.Stat(path); err == nil && slices.Contains(tagsOf(t, savedTenant(t, path, key), "id1"), tag) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after 10s with -save-interval 50ms the state file does not hold the tag %s", tag)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// The server kept serving throughout.
	mustCall(t, http.MethodGet, base+"/_mock/health", "", "", 200)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "state.json" && !strings.HasPrefix(e.Name(), ".state.json.tmp-") {
			t.Errorf("unexpected file %s next to the state file", e.Name())
		}
	}
}

func TestControlFlags(t *testing.T) {
	t.Parallel()
	const key = "flags-key"
	// A document stricter than the embedded one: getDeviceTokens wants
	// max >= 5. It tells validated runs (400) from unvalidated ones.
	doc, err := contracts.Load(contracts.Document())
	if err != nil {
		t.Fatal(err)
	}
	five := 5.0
	op := doc.Paths.Find("/rest/3.0/getDeviceTokens")
	if op == nil || op.Get == nil || op.Get.Parameters.GetByInAndName("query", "max") == nil {
		t.Fatalf("the embedded document has no max parameter on GET getDeviceTokens")
	}
	op.Get.Parameters.GetByInAndName("query", "max").Schema.Value.Min = &five
	strict, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	strictPath := filepath.Join(t.TempDir(), "strict.json")
	if err := os.WriteFile(strictPath, strict, 0o600); err != nil {
		t.Fatal(err)
	}

	type check struct {
		method, path, key, body string
		headers                 []string
		want                    int
		contains                string // in the answer's body, when set
	}
	tests := []struct {
		name   string
		args   []string
		checks []check
	}{
		{name: "-accept-any-key -max-tenants", args: []string{"-accept-any-key", "-max-tenants", "1"}, checks: []check{ // the configured key does not count
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: "any-new-key", want: 200},
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: "one-too-many", want: 503}, // past the limit: 5022, not a bad key's 403
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: "", want: 403},
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: key, want: 200},
		}},
		{name: "default keys only", checks: []check{
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: "any-new-key", want: 403},
		}},
		{name: "-admin-token", args: []string{"-admin-token", "T0k3n"}, checks: []check{
			{method: "GET", path: "/_mock/state", key: key, want: 401},
			{method: "GET", path: "/_mock/state", key: key, headers: []string{"Authorization", "Bearer wrong"}, want: 401},
			{method: "GET", path: "/_mock/state", key: key, headers: []string{"Authorization", "Bearer T0k3n"}, want: 200},
			{method: "GET", path: "/_mock/health", want: 200},
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: key, want: 200},
		}},
		{name: "-no-control", args: []string{"-no-control"}, checks: []check{
			{method: "GET", path: "/_mock/state", key: key, want: 404},
			{method: "POST", path: "/_mock/reset", key: key, want: 404},
			{method: "GET", path: "/_mock/ready", want: 200},
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: key, want: 200},
		}},
		{name: "-journal-size 0", args: []string{"-journal-size", "0"}, checks: []check{
			{method: "GET", path: "/rest/3.0/getDevices?extId=id1", key: key, want: 200},
			{method: "GET", path: "/_mock/requests", key: key, want: 400},
		}},
		{name: "-require-approval", args: []string{"-require-approval"}, checks: []check{
			{method: "POST", path: "/rest/3.0/sendBulkNotification", key: key, want: 200,
				body: `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":"id1"}}`},
			{method: "GET", path: "/_mock/notifications?status=WAITING_APPROVAL", key: key, want: 200, contains: `"notificationKey"`},
		}},
		{name: "journal on by default", checks: []check{
			{method: "GET", path: "/_mock/requests", key: key, want: 200},
		}},
		{name: "-openapi", args: []string{"-openapi", strictPath}, checks: []check{
			{method: "GET", path: "/rest/3.0/getDeviceTokens?max=2", key: key, want: 400},
			{method: "GET", path: "/rest/3.0/getDeviceTokens?max=5", key: key, want: 200},
		}},
		{name: "-openapi -no-validation", args: []string{"-openapi", strictPath, "-no-validation"}, checks: []check{
			{method: "GET", path: "/rest/3.0/getDeviceTokens?max=2", key: key, want: 200},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, logs, stop := startRun(t, append([]string{"-api-key", key, "-users", "10"}, tt.args...)...)
			for _, c := range tt.checks {
				got, body := call(http.DefaultClient, c.method, "http://"+addr+c.path, c.key, c.body, c.headers...)
				if got != c.want || !strings.Contains(body, c.contains) {
					t.Errorf("with %q: %s %s (key %q, headers %q) = %d %q, want %d containing %q", tt.args, c.method, c.path, c.key, c.headers, got, body, c.want, c.contains)
				}
			}
			if err := stop(); err != nil {
				t.Errorf("run %q after cancel = %v; logs:\n%s", tt.args, err, logs)
			}
		})
	}
}
