package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// logLines decodes JSON log lines.
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestSaverLogsEveryFailureWithoutFlooding(t *testing.T) {
	var logs syncBuffer
	s := &saver{c: &config{stateFile: "state.json"}, log: slog.New(slog.NewJSONHandler(&logs, nil)), quiet: time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	full, readOnly := errors.New("no space left on device"), errors.New("read-only file system")
	steps := []struct {
		at      time.Duration
		written bool
		err     error
	}{
		{at: 0, err: full},
		{at: time.Second, err: full},         // the same within a minute: counted
		{at: 2 * time.Second, err: full},     // counted
		{at: 3 * time.Second, err: readOnly}, // another error: logged
		{at: 4 * time.Second, err: readOnly},
		{at: 65 * time.Second, err: readOnly}, // a minute after its last line: logged again
		{at: 66 * time.Second, written: true}, // recovered
		{at: 67 * time.Second},                // nothing to write: silent
		{at: 68 * time.Second, written: true},
		{at: 69 * time.Second, err: full}, // a new run of failures starts afresh
	}
	for _, st := range steps {
		now := t0.Add(st.at)
		s.report(now.Add(-time.Millisecond), now, state.SaveResult{Written: st.written, Tenants: 1, Bytes: 10}, st.err)
	}
	type line struct {
		Msg       string
		Err       string
		Failures  float64
		NotLogged float64
	}
	var got []line
	for _, m := range logLines(t, logs.String()) {
		l := line{Msg: m["msg"].(string)}
		l.Err, _ = m["err"].(string)
		l.Failures, _ = m["failures"].(float64)
		l.NotLogged, _ = m["not_logged"].(float64)
		got = append(got, l)
	}
	const failed = "saving state failed: writes since the last save are not in the file"
	want := []line{
		{Msg: failed, Err: full.Error(), Failures: 1},
		{Msg: failed, Err: readOnly.Error(), Failures: 4, NotLogged: 2},
		{Msg: failed, Err: readOnly.Error(), Failures: 6, NotLogged: 1},
		{Msg: "state saved again after failed saves", Failures: 6},
		{Msg: "state saved"},
		{Msg: failed, Err: full.Error(), Failures: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log lines of a run of saves (-want +got):\n%s", diff)
	}
}

// health reads /_mock/health.
type healthReport struct {
	Status string `json:"status"`
	Save   *struct {
		Path         string     `json:"path"`
		LastSaved    *time.Time `json:"lastSaved"`
		Error        string     `json:"error"`
		Failures     int        `json:"failures"`
		FailingSince *time.Time `json:"failingSince"`
	} `json:"save"`
}

func readHealth(t *testing.T, base string) healthReport {
	t.Helper()
	var h healthReport
	if err := json.Unmarshal([]byte(mustCall(t, http.MethodGet, base+"/_mock/health", "", "", 200)), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// waitHealth polls /_mock/health until ok says it is what the test waits
// for, for at most 20s.
func waitHealth(t *testing.T, base, what string, ok func(healthReport) bool) healthReport {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		h := readHealth(t, base)
		if ok(h) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s /_mock/health is %+v, want %s", h, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestHealthReportsFailingSaves: while every save fails, the API still
// serves and /_mock/health answers 200 "degraded" with the error; the
// failure is logged; once saves work again, health is "ok".
func TestHealthReportsFailingSaves(t *testing.T) {
	t.Parallel()
	const key = "degraded-key"
	dir := filepath.Join(t.TempDir(), "not-yet")
	path := filepath.Join(dir, "state.json")
	addr, logs, stop := startRun(t, "-api-key", key, "-users", "10", "-state-file", path, "-save-interval", "20ms")
	defer stop()
	base := "http://" + addr
	mustCall(t, http.MethodPost, base+"/rest/3.0/tagUsers", key, `{"tag":"Unsaved","extIds":["id1"]}`, 200)
	degraded := waitHealth(t, base, `"degraded" after failed saves`, func(h healthReport) bool { return h.Status == "degraded" })
	if s := degraded.Save; s == nil || s.Path != path || !strings.Contains(s.Error, "no such file or directory") ||
		s.Failures < 1 || s.FailingSince == nil || s.LastSaved != nil {
		t.Errorf("GET /_mock/health while saves fail: save = %+v, want the path, the error, failures and since when", s)
	}
	mustCall(t, http.MethodGet, base+"/rest/3.0/getDevices?extId=id1", key, "", 200) // still serving
	if !strings.Contains(logs.String(), `"msg":"saving state failed`) {
		t.Errorf("no log line says that saving failed:\n%s", logs)
	}

	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := waitHealth(t, base, `"ok" once saves work`, func(h healthReport) bool { return h.Status == "ok" })
	if h.Save == nil || h.Save.Error != "" || h.Save.Failures != 0 || h.Save.LastSaved == nil {
		t.Errorf("GET /_mock/health once saves work: save = %+v, want a lastSaved and no error", h.Save)
	}
	if !strings.Contains(logs.String(), `"msg":"state saved again after failed saves"`) {
		t.Errorf("no log line says that saving works again:\n%s", logs)
	}
	if tags := tagsOf(t, savedTenant(t, path, key), "id1"); !strings.Contains(strings.Join(tags, ","), "Unsaved") {
		t.Errorf("id1's saved tags %q lack the write made while saves failed", tags)
	}
	var failLines int
	for _, m := range logLines(t, logs.String()) {
		if strings.HasPrefix(m["msg"].(string), "saving state failed") {
			failLines++
		}
	}
	t.Logf("%d failure log lines for at least %d failed saves", failLines, degraded.Save.Failures)
}

// TestStateFileKeepsAppsOfOtherKeys: a restart with another key keeps the
// saved app in the file and says so; a start with its key serves it
// again; -forget-saved deletes it.
func TestStateFileKeepsAppsOfOtherKeys(t *testing.T) {
	t.Parallel()
	const keyA, keyB = "first-key-8e21", "second-key-c04d"
	path := filepath.Join(t.TempDir(), "state.json")
	args := func(key string, more ...string) []string {
		return append([]string{"-api-key", key, "-users", "10", "-state-file", path, "-save-interval", "0"}, more...)
	}
	addr, _, stop := startRun(t, args(keyA)...)
	mustCall(t, http.MethodPost, "http://"+addr+"/rest/3.0/tagUsers", keyA, `{"tag":"KeepMe","extIds":["id1"]}`, 200)
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	_, logs, stop := startRun(t, args(keyB)...)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, m := range logLines(t, logs.String()) {
		if strings.HasPrefix(m["msg"].(string), "saved apps of keys that are not configured are kept") {
			id, _ = m["ids"].(string)
		}
	}
	if !regexp.MustCompile(`^saved-[0-9a-f]{8}$`).MatchString(id) {
		t.Fatalf("a start with another key did not log the kept app's ID (got %q):\n%s", id, logs)
	}
	if strings.Contains(logs.String(), keyA) {
		t.Errorf("the logs hold the key %s in clear", keyA)
	}

	addr, _, stop = startRun(t, args(keyA)...)
	if got := mustCall(t, http.MethodGet, "http://"+addr+"/_mock/users?extId=id1", keyA, "", 200); !strings.Contains(got, "KeepMe") {
		t.Errorf("after a start with another key, %s's app lost its data: id1 is %s", state.KeyID(keyA), got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	_, logs, stop = startRun(t, args(keyB, "-forget-saved", id)...)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"msg":"saved app forgotten`) {
		t.Errorf("-forget-saved %s did not log that it forgot the app:\n%s", id, logs)
	}
	addr, _, stop = startRun(t, args(keyA)...)
	defer stop()
	if got := mustCall(t, http.MethodGet, "http://"+addr+"/_mock/users?extId=id1", keyA, "", 200); strings.Contains(got, "KeepMe") {
		t.Errorf("after -forget-saved %s, %s's app still has its saved data: id1 is %s", id, state.KeyID(keyA), got)
	}
}

func TestStateFileTempLeftoversRemovedAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	leftover := filepath.Join(dir, ".state.json.tmp-2718281828")
	if err := os.WriteFile(leftover, []byte(`{"version":2,"tenants":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, logs, stop := startRun(t, "-users", "5", "-state-file", path, "-save-interval", "0")
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file of an interrupted save is still there after a start: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"temp_files_removed":1`) {
		t.Errorf("the start did not log the removed temporary file:\n%s", logs)
	}
}

// TestDeviceTokenWalkWhileDeleting walks getDeviceTokens through the
// server, deleting users between pages: every device of a user never
// deleted comes once.
func TestDeviceTokenWalkWhileDeleting(t *testing.T) {
	t.Parallel()
	const key = "walk-key"
	const lastUser = 293 // -users 300: the documentation's users, then user-000001 to user-000293
	addr, _, stop := startRun(t, "-api-key", key, "-users", "300")
	defer stop()
	base := "http://" + addr
	type page struct {
		NextPage string `json:"nextPage"`
		Devices  []struct {
			InstallationID string `json:"installationId"`
			ExtID          string `json:"extId"`
		} `json:"devices"`
	}
	seen := map[string]int{}
	owner := map[string]string{}
	deleted := map[string]bool{}
	next := base + "/rest/3.0/getDeviceTokens?max=7&offset=0"
	for n := 0; next != ""; n++ {
		var p page
		if err := json.Unmarshal([]byte(mustCall(t, http.MethodGet, next, key, "", 200)), &p); err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Devices {
			seen[d.InstallationID]++
			owner[d.InstallationID] = d.ExtID
		}
		// The walk is near user 3.5n (two devices a user): delete one user
		// it walked past and two a little ahead of it.
		var victims []string
		for _, i := range []int{n + 1, 4*n + 10, 4*n + 11} {
			if id := fmt.Sprintf("user-%06d", i); i <= lastUser && !deleted[id] {
				victims = append(victims, id)
			}
		}
		body, _ := json.Marshal(map[string]any{"extIds": victims})
		if status, _ := call(http.DefaultClient, http.MethodPost, base+"/rest/3.0/deleteUsersPermanently", key, string(body)); status == 200 {
			for _, v := range victims {
				deleted[v] = true
			}
		}
		next = p.NextPage
	}
	var final struct {
		Devices []struct {
			InstallationID string `json:"installationId"`
			ExtID          string `json:"extId"`
		} `json:"devices"`
	}
	if err := json.Unmarshal([]byte(mustCall(t, http.MethodGet, base+"/_mock/state", key, "", 200)), &final); err != nil {
		t.Fatal(err)
	}
	for _, d := range final.Devices { // every device left lived through the walk
		if seen[d.InstallationID] != 1 {
			t.Errorf("device %s of %s, never deleted, came %d times in the walk", d.InstallationID, d.ExtID, seen[d.InstallationID])
		}
	}
	for inst, n := range seen {
		if n > 1 {
			t.Errorf("device %s of %s came %d times", inst, owner[inst], n)
		}
	}
	if len(deleted) < 50 {
		t.Errorf("only %d users deleted during the walk", len(deleted))
	}
}
