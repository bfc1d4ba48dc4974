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
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, real.URL+r.URL.RequestURI(), r.Body)
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
	}))
	defer broken.Close()
	var out bytes.Buffer
	err := run(context.Background(), []string{"contract", "-base-url", broken.URL, "-run", "^tags/read-back$"}, env(nil), &out, io.Discard)
	if err == nil || !strings.Contains(out.String(), "FAIL tags/read-back") {
		t.Errorf("contract against a server dropping writes = %v, output:\n%s\nwant tags/read-back to fail", err, out.String())
	}
}
