package contracts_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"testing"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// fakeKey is the API key of the in-process fake's one tenant.
const fakeKey = "contract-key"

// fake is netmera-mock served in process, seeded with 200 users (the
// documentation examples first).
type fake struct {
	URL    string
	Store  *state.Store
	Server *httptest.Server
}

// mustFake serves the fake, its handler wrapped by wrap when not nil.
func mustFake(tb testing.TB, wrap func(http.Handler) http.Handler) *fake {
	tb.Helper()
	return mustFakeWith(tb, state.Settings{}, wrap)
}

// mustFakeWith serves the fake with its one app's settings.
func mustFakeWith(tb testing.TB, settings state.Settings, wrap func(http.Handler) http.Handler) *fake {
	tb.Helper()
	seed := fixtures.Seed(fixtures.Options{Seed: 1, Users: 200})
	store, err := state.NewStore(seed, settings, fakeKey)
	if err != nil {
		tb.Fatalf("state.NewStore(seed 1, 200 users) = %v", err)
	}
	srv, err := mockserver.New(store, mockserver.Options{})
	if err != nil {
		tb.Fatalf("mockserver.New = %v", err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return &fake{URL: ts.URL, Store: store, Server: ts}
}

func (f *fake) target() contracts.Target {
	return contracts.Target{BaseURL: f.URL, APIKey: fakeKey, Client: f.Server.Client()}
}

// TestContracts runs the whole suite against the fake, destructive cases
// included: the fake must pass every case.
func TestContracts(t *testing.T) {
	t.Parallel()
	f := mustFake(t, nil)
	contracts.RunTest(t, f.target(), contracts.Options{AllowDestructive: true})
}

// TestContractsInZones runs the whole suite against apps in the time zones
// farthest from UTC and one with daylight-saving history: no case may
// assume the fake keeps UTC, as the image is started elsewhere.
func TestContractsInZones(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"+14:00", "-12:00", "America/St_Johns"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			if _, err := state.ParseTimeZone(zone); err != nil {
				t.Skipf("no zone database here: %v", err)
			}
			f := mustFakeWith(t, state.Settings{TimeZone: zone}, nil)
			contracts.RunTest(t, f.target(), contracts.Options{AllowDestructive: true})
		})
	}
}

// TestLive runs the live-safe cases against a real Netmera app, when
// NETMERA_LIVE_BASE_URL and NETMERA_LIVE_API_KEY say which. Destructive
// live-safe cases need NETMERA_LIVE_ALLOW_DESTRUCTIVE=1; NETMERA_LIVE_OS
// sets X-netmera-os; NETMERA_LIVE_RECORD=DIR records golden files.
func TestLive(t *testing.T) {
	base, key := os.Getenv("NETMERA_LIVE_BASE_URL"), os.Getenv("NETMERA_LIVE_API_KEY")
	if base == "" || key == "" {
		t.Skip("no live app: set NETMERA_LIVE_BASE_URL (such as https://restapi.netmera.com) and NETMERA_LIVE_API_KEY " +
			"to run the live-safe cases against a real Netmera app")
	}
	contracts.RunTest(t, contracts.Target{BaseURL: base, APIKey: key, OS: os.Getenv("NETMERA_LIVE_OS")}, contracts.Options{
		Live:             true,
		AllowDestructive: os.Getenv("NETMERA_LIVE_ALLOW_DESTRUCTIVE") == "1",
		Record:           os.Getenv("NETMERA_LIVE_RECORD"),
	})
}

// TestRunSelection checks which cases run with Live, AllowDestructive and
// Run, and why the others are skipped.
func TestRunSelection(t *testing.T) {
	f := mustFake(t, nil)
	tests := []struct {
		name       string
		opts       contracts.Options
		wantSkip   map[string]string // case → reason pattern
		wantAbsent []string
	}{
		{
			name: "mock without destructive",
			opts: contracts.Options{},
			wantSkip: map[string]string{
				"users/delete-permanently": "^destructive: .*-allow-destructive",
				"users/delete-unknown":     "^destructive: ",
			},
		},
		{
			name: "live",
			opts: contracts.Options{Live: true, AllowDestructive: true},
			wantSkip: map[string]string{
				"limit/over-1000":          "^mock-only, not run against a live app: Netmera documents the limit",
				"segments/os-header":       "^mock-only, not run against a live app: .*ignores X-netmera-os",
				"users/delete-permanently": "^mock-only",
			},
		},
		{
			name:       "run pattern",
			opts:       contracts.Options{Run: regexp.MustCompile(`^auth/`)},
			wantAbsent: []string{"devices/unknown-user", "limit/over-1000"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := contracts.Run(context.Background(), f.target(), tc.opts)
			if rep.Failed() {
				t.Errorf("Run(%+v): %s, want no failure", tc.opts, rep.Summary())
			}
			for name, pattern := range tc.wantSkip {
				r, ok := rep.Result(name)
				if !ok || r.Status != contracts.StatusSkip || !regexp.MustCompile(pattern).MatchString(r.Reason) {
					t.Errorf("Run(%+v): %s is %s %q, want skipped with a reason matching %q", tc.opts, name, r.Status, r.Reason, pattern)
				}
			}
			for _, name := range tc.wantAbsent {
				if _, ok := rep.Result(name); ok {
					t.Errorf("Run(%+v) reported %s, which the pattern leaves out", tc.opts, name)
				}
			}
			for _, r := range rep.Results {
				if tc.opts.Live && r.Status == contracts.StatusPass && !hasTag(r.Tags, contracts.LiveSafe) {
					t.Errorf("a live run ran %s, which is not live-safe", r.Name)
				}
			}
		})
	}
}

func hasTag(tags []contracts.Tag, want contracts.Tag) bool {
	for _, t := range tags {
		if t == want {
			return true
		}
	}
	return false
}
