package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveEnv, set in a child's environment, makes the test binary run the
// command instead of the tests: TestSIGKILL kills such children.
const serveEnv = "KILLTEST_SERVE_AS_NETMERA_MOCK"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// child is the command running in a process of its own.
type child struct {
	cmd    *exec.Cmd
	base   string
	logs   *syncBuffer
	exited chan struct{} // closed when the process has exited
}

// startChild starts the command in a new process with args and waits
// until it is ready.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{logs: &syncBuffer{}, exited: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], append([]string{"-addr", "127.0.0.1:0", "-log-format", "json"}, args...)...)
	c.cmd.Env = append(os.Environ(), serveEnv+"=1")
	c.cmd.Stderr = c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	go func() {
		waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
	deadline := time.After(60 * time.Second)
	for c.base == "" {
		select {
		case <-c.exited:
			t.Fatalf("the command exited before it was ready (%v); logs:\n%s", waitErr, c.logs)
		case <-deadline:
			t.Fatalf("the command was not ready after 60s; logs:\n%s", c.logs)
		case <-time.After(10 * time.Millisecond):
		}
		sc := bufio.NewScanner(strings.NewReader(c.logs.String()))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "netmera-mock ready" {
				c.base = "http://" + line.Addr
			}
		}
	}
	return c
}

// lastSaveStart is when the last save the command logged as written
// started: every write answered before then is in the file. Zero when it
// logged none.
func lastSaveStart(t *testing.T, logs string) time.Time {
	t.Helper()
	var last time.Time
	for _, m := range logLines(t, logs) {
		if m["msg"] != "state saved" && m["msg"] != "state saved again after failed saves" {
			continue
		}
		if w, ok := m["written"].(bool); ok && !w {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, m["time"].(string))
		if err != nil {
			t.Fatal(err)
		}
		took := time.Duration(m["duration_ms"].(float64) * float64(time.Millisecond)) // the logger's unit
		if start := at.Add(-took); start.After(last) {
			last = start
		}
	}
	return last
}

// TestSIGKILL kills the command with SIGKILL at random moments while two
// clients write, and starts it again each time on the same -state-file:
// the file must always load, hold every write answered before the last
// save that completed started, hold each client's writes as a prefix of
// what it was answered, and lose at most about one save interval. It
// kills 3 times; NETMERA_MOCK_SOAK_KILLS sets another count (make soak).
func TestSIGKILL(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGKILL on Windows")
	}
	t.Parallel()
	kills := 3
	if v := os.Getenv("NETMERA_MOCK_SOAK_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("NETMERA_MOCK_SOAK_KILLS=%q: want a positive count", v)
		}
		kills = n
	}
	const (
		key      = "sigkill-key"
		interval = 100 * time.Millisecond
		// slack is how much longer than a save interval the loss may be:
		// the save under way when the kill came, and a loaded machine.
		slack = 5 * time.Second
		// margin covers the gap between a save's start and its log line's
		// time less its duration.
		margin = 50 * time.Millisecond
	)
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	args := []string{"-api-key", key, "-users", "1000", "-state-file", path, "-save-interval", interval.String(), "-journal-size", "0"}
	users := []string{"id1", "id2"}
	type ack struct {
		tag string
		at  time.Time
	}
	var worst time.Duration
	lost := 0
	for round := range kills {
		c := startChild(t, args...)
		// Nothing changed since the start: no save runs, and the start
		// removed what an interrupted save left.
		if entries, _ := os.ReadDir(dir); len(entries) > 1 || (len(entries) == 1 && entries[0].Name() != "state.json") {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("round %d: after a start the state folder holds %q, want state.json alone", round, names)
		}

		acked := make([][]ack, len(users))
		var wg sync.WaitGroup
		client := &http.Client{Timeout: 10 * time.Second}
		for w, user := range users {
			wg.Go(func() {
				for i := 0; ; i++ {
					tag := fmt.Sprintf("r%d-%s-%d", round, user, i)
					status, _ := call(client, http.MethodPost, c.base+"/rest/3.0/tagUsers", key, `{"tag":"`+tag+`","extIds":["`+user+`"]}`)
					if status != http.StatusOK {
						return // killed
					}
					acked[w] = append(acked[w], ack{tag, time.Now()})
				}
			})
		}
		// Let a save complete first, so that every round has one to check
		// against; then kill at a random moment of the save cycle.
		for deadline := time.Now().Add(60 * time.Second); lastSaveStart(t, c.logs.String()).IsZero(); {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: no save logged in 60s; logs:\n%s", round, c.logs)
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(r.IntN(500)) * time.Millisecond)
		killed := time.Now()
		if err := c.cmd.Process.Signal(os.Kill); err != nil { // SIGKILL
			t.Fatal(err)
		}
		<-c.exited
		wg.Wait()

		saveStart := lastSaveStart(t, c.logs.String())
		tn := savedTenant(t, path, key) // the file loads
		for w, user := range users {
			tags := tagsOf(t, tn, user)
			n := 0 // how many of the writer's acknowledged tags the file holds
			for n < len(acked[w]) && slices.Contains(tags, acked[w][n].tag) {
				n++
			}
			for _, a := range acked[w][n:] {
				if slices.Contains(tags, a.tag) {
					t.Errorf("round %d: %s's tags hold %s but not %s, answered before it: not a prefix", round, user, a.tag, acked[w][n].tag)
					break
				}
			}
			if n < len(acked[w]) {
				first := acked[w][n]
				if first.at.Before(saveStart.Add(-margin)) {
					t.Errorf("round %d: %s's tag %s, answered at %s, is not in the file, though a save that started at %s completed",
						round, user, first.tag, first.at.Format(time.StampMicro), saveStart.Format(time.StampMicro))
				}
				lost += len(acked[w]) - n
			}
		}
		window := killed.Sub(saveStart)
		worst = max(worst, window)
		if window > interval+slack {
			t.Errorf("round %d: the last completed save started %s before the kill, want at most a save interval (%s) and %s of slack",
				round, window, interval, slack)
		}
	}
	t.Logf("%d kills: %d acknowledged writes lost in all; the longest time between a save's start and a kill was %s (interval %s)",
		kills, lost, worst, interval)
}
