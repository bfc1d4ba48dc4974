package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func fakeServer(t *testing.T) *httptest.Server {
	t.Helper()
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return fixtures.Generate(fixtures.Options{Seed: 1, Users: 100}) }),
		state.Settings{}, DefaultAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.New(store, mockserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

func TestContractCommand(t *testing.T) {
	ts := fakeServer(t)
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		want    string
		report  string
	}{
		{name: "all cases pass against the fake", args: []string{"-base-url", ts.URL, "-allow-destructive"}, want: " 0 failed", report: "r.json"},
		{name: "junit report", args: []string{"-base-url", ts.URL, "-run", "^auth/"}, want: "passed", report: "r.xml"},
		{name: "a wrong key fails", args: []string{"-base-url", ts.URL, "-api-key", "not-the-key", "-run", "^tags/"}, wantErr: true, want: "FAIL"},
		{name: "no base URL", args: []string{}, wantErr: true},
		{name: "bad regexp", args: []string{"-base-url", ts.URL, "-run", "("}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"contract"}, tt.args...)
			if tt.report != "" {
				args = append(args, "-report", filepath.Join(dir, tt.report))
			}
			var out bytes.Buffer
			err := run(context.Background(), args, env(nil), &out, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("netmera-mock %q = %v, want error %v; output:\n%s", args, err, tt.wantErr, out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("netmera-mock %q printed:\n%s\nwant it to contain %q", args, out.String(), tt.want)
			}
			if tt.report == "" {
				return
			}
			b, err := os.ReadFile(filepath.Join(dir, tt.report))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(tt.report, ".xml") {
				if !bytes.HasPrefix(b, []byte("<?xml")) {
					t.Errorf("-report %s is not XML: %.80s", tt.report, b)
				}
			} else if !json.Valid(b) {
				t.Errorf("-report %s is not JSON: %.80s", tt.report, b)
			}
		})
	}
}

// TestContractCommandCatchesABrokenServer: a server that answers every
// write 200 without applying it fails the read-back cases.
func TestContractCommandCatchesABrokenServer(t *testing.T) {
	real := fakeServer(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/rest/3.0/") {
			w.WriteHeader(http.StatusOK) // drops the write
			return
		}
		proxy(w, r, real.URL)
	}))
	defer broken.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"contract", "-base-url", broken.URL, "-run", "^tags/read-back$"}, env(nil), &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), "FAIL tags/read-back") {
		t.Errorf("contract against a server dropping writes = %v, output:\n%s\nwant tags/read-back to fail", err, out.String())
	}
}

// TestContractWait: with -wait the suite first waits for the fake to be
// healthy, as a compose service started beside it must; without it, or
// when the fake never gets healthy, it says so.
func TestContractWait(t *testing.T) {
	real := fakeServer(t)
	tests := []struct {
		name      string
		unhealthy int // health answers 503 this many times first; -1: always
		wait      string
		wantErr   string // "" for success
	}{
		{name: "healthy at once", unhealthy: 0, wait: "30s"},
		{name: "healthy after three 503s", unhealthy: 3, wait: "30s"},
		{name: "never healthy", unhealthy: -1, wait: "600ms", wantErr: "did not answer 200 within -wait 600ms; last: 503 Service Unavailable {\"status\":\"starting\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/_mock/health" {
					if n := asked.Add(1); tt.unhealthy < 0 || int(n) <= tt.unhealthy {
						w.WriteHeader(http.StatusServiceUnavailable)
						io.WriteString(w, `{"status":"starting"}`)
						return
					}
				}
				proxy(w, r, real.URL)
			}))
			defer ts.Close()
			args := []string{"contract", "-wait", tt.wait, "-base-url", ts.URL, "-run", "^auth/"}
			var out, errOut bytes.Buffer
			err := run(context.Background(), args, env(nil), &out, &errOut)
			if tt.wantErr == "" {
				if err != nil || !strings.Contains(out.String(), " 0 failed") {
					t.Errorf("netmera-mock %q = %v, want the suite run and passed; stdout:\n%s\nstderr:\n%s", args, err, out.String(), errOut.String())
				}
				if got, want := int(asked.Load()), tt.unhealthy+1; got < want {
					t.Errorf("health was asked %d times, want at least %d", got, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("netmera-mock %q = %v, want an error containing %q", args, err, tt.wantErr)
			}
			if strings.Contains(out.String(), "passed") {
				t.Errorf("the suite ran although the fake never got healthy:\n%s", out.String())
			}
		})
	}
}

// TestContractWaitNothingListening: -wait against a closed port gives up
// at its deadline, naming the last error.
func TestContractWaitNothingListening(t *testing.T) {
	err := run(context.Background(), []string{"contract", "-wait", "300ms", "-base-url", "http://127.0.0.1:1"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "http://127.0.0.1:1/_mock/health did not answer 200 within -wait 300ms; last: ") {
		t.Errorf("contract -wait with nothing listening = %v, want it to give up naming the URL and the last error", err)
	}
}

// TestHealthcheckSaysWhy: an unhealthy answer's body is in the error,
// which Docker keeps in the container's health log.
func TestHealthcheckSaysWhy(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"starting","usersLoaded":5}`+"\n")
	}))
	defer ts.Close()
	err := run(context.Background(), []string{"healthcheck", "-url", ts.URL + "/_mock/health"}, env(nil), io.Discard, io.Discard)
	want := `answered 503 Service Unavailable: {"status":"starting","usersLoaded":5}`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("healthcheck against a starting fake = %v, want %q in it", err, want)
	}
}

// proxy passes r on to base and copies the answer back.
func proxy(w http.ResponseWriter, r *http.Request, base string) {
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
