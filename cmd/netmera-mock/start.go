package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// What a start is doing, as the progress log and the answers given while
// starting name it.
const (
	phaseFixtures  = "reading the fixtures file"
	phaseSeeding   = "seeding"
	phaseIndexing  = "indexing"
	phaseStateFile = "loading the state file"
	phaseServer    = "preparing the server"
)

// startup is a start under way: how far it got, for the progress log and
// for the answers the server gives before its data is ready. It is the
// server's handler until then.
type startup struct {
	began time.Time
	total int64 // users to make, every tenant's
	made  atomic.Int64
	phase atomic.Pointer[string]
}

func newStartup(began time.Time, total int64) *startup {
	s := &startup{began: began, total: total}
	s.setPhase(phaseSeeding)
	return s
}

func (s *startup) setPhase(p string) { s.phase.Store(&p) }

// add counts n more users made; fixtures call it from several goroutines.
func (s *startup) add(n int) { s.made.Add(int64(n)) }

// startStatus is how far a start got: the body of /_mock/health while
// the server starts.
type startStatus struct {
	Status      string `json:"status"` // "starting"
	Phase       string `json:"phase"`
	UsersLoaded int64  `json:"usersLoaded"`
	UsersTotal  int64  `json:"usersTotal"`
	Elapsed     string `json:"elapsed"`
}

func (s *startup) status() startStatus {
	phase, made := *s.phase.Load(), s.made.Load()
	if phase == phaseSeeding && made >= s.total {
		phase = phaseIndexing // every user is made; the tenants are being indexed
	}
	return startStatus{Status: "starting", Phase: phase, UsersLoaded: made, UsersTotal: s.total,
		Elapsed: time.Since(s.began).Round(time.Second).String()}
}

// logProgress logs how far the start got.
func (s *startup) logProgress(log *slog.Logger) {
	st := s.status()
	log.Info("still starting", "phase", st.Phase, "users_loaded", st.UsersLoaded, "users_total", st.UsersTotal,
		"elapsed", time.Since(s.began))
}

// ServeHTTP answers while the data loads: 503 with Retry-After on every
// path, so that no request acts on data that is not there yet. Health and
// readiness say how far the start got; the Netmera API answers in
// Netmera's envelope, the rest as problem details.
func (s *startup) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := s.status()
	w.Header().Set("Retry-After", "1")
	msg := fmt.Sprintf("netmera-mock is starting (%s, %d of %d users loaded); retry in a moment", st.Phase, st.UsersLoaded, st.UsersTotal)
	switch {
	case r.URL.Path == "/_mock/health":
		writeStarting(w, "application/json", st)
	case r.URL.Path == "/_mock/ready":
		writeStarting(w, "application/json", struct {
			Ready bool `json:"ready"`
			startStatus
		}{false, st})
	case strings.HasPrefix(r.URL.Path, "/rest/"):
		writeStarting(w, "application/json", map[string]any{"code": state.CodeInternal, "error": msg})
	default:
		writeStarting(w, "application/problem+json", map[string]any{"type": "about:blank",
			"title": http.StatusText(http.StatusServiceUnavailable), "status": http.StatusServiceUnavailable,
			"detail": msg, "instance": r.URL.Path})
	}
}

func writeStarting(w http.ResponseWriter, contentType string, body any) {
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(append(b, '\n'))
}

// handlerSwitch serves with the handler set last: the start's, then the
// fake's once its data is ready.
type handlerSwitch struct{ h atomic.Pointer[http.Handler] }

func (hs *handlerSwitch) set(h http.Handler) { hs.h.Store(&h) }

func (hs *handlerSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*hs.h.Load()).ServeHTTP(w, r)
}

// serve runs the fake until ctx is cancelled. It listens first, so that a
// busy port fails at once, and answers 503 until the data is loaded; a
// long start logs its progress every c.progressEvery.
func serve(ctx context.Context, c *config, log *slog.Logger) error {
	start := time.Now()
	c.server.FaultMaxLatency = writeTimeout / 2 // a delayed answer must still make the write timeout
	// Mistakes that cost nothing to find are found before anything slow.
	if err := loadDocument(c); err != nil {
		return err
	}
	if err := checkServerOptions(c); err != nil {
		return err
	}
	if err := checkReportFile(c.reportFile); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w (another netmera-mock? -addr or NETMERA_MOCK_ADDR picks another port)", err)
	}
	if err != nil {
		return err
	}
	keys := slices.Compact(slices.Sorted(slices.Values(c.apiKeys)))
	st := newStartup(start, int64(c.users)*int64(len(keys)))
	handler := &handlerSwitch{}
	handler.set(st)
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("netmera-mock starting", "addr", ln.Addr().String(), "version", version, "users_total", st.total)

	type loaded struct {
		srv   *mockserver.Server
		store *state.Store
		err   error
	}
	done := make(chan loaded, 1)
	go func() {
		if c.beforeLoad != nil {
			c.beforeLoad()
		}
		srv, store, err := load(c, st, log)
		done <- loaded{srv, store, err}
	}()
	tick := time.NewTicker(c.progressEvery)
	var l loaded
	for waiting := true; waiting; {
		select {
		case l = <-done:
			waiting = false
		case <-tick.C:
			st.logProgress(log)
		case err := <-errc:
			tick.Stop()
			return err
		case <-ctx.Done():
			// Seeding cannot be interrupted; the process ends under it.
			tick.Stop()
			log.Info("shutting down before the data was ready")
			_ = hs.Close()
			<-errc
			return nil
		}
	}
	tick.Stop()
	if l.err != nil {
		_ = hs.Close()
		<-errc
		return l.err
	}
	handler.set(l.srv)
	hs.RegisterOnShutdown(l.srv.CloseStreams) // the inspector's streams would hold the shutdown up
	store := l.store
	keyIDs := make([]string, len(c.apiKeys))
	for i, k := range c.apiKeys {
		keyIDs[i] = state.KeyID(k)
	}
	counts := store.Total()
	attrs := []any{"addr", ln.Addr().String(), "version", version, "tenants", store.Len(),
		"keys", strings.Join(keyIDs, ","), "default_key", len(c.apiKeys) == 1 && c.apiKeys[0] == DefaultAPIKey,
		"accept_any_key", c.anyKey, "users", counts.Users, "devices", counts.Devices, "seed", c.seed,
		"startup", time.Since(start)}
	if !c.server.NoControl {
		attrs = append(attrs, "inspector", inspectorURL(ln.Addr()))
	}
	log.Info("netmera-mock ready", attrs...)

	saver := &saver{c: c, store: store, log: log, quiet: failureLogEvery}
	stopSaving := saver.every(ctx)
	select {
	case err := <-errc:
		stopSaving()
		return errors.Join(err, saver.save(true), writeConformance(c.reportFile, l.srv, log))
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err = hs.Shutdown(shutdownCtx); err != nil {
		// Requests still running are cut off: their clients get no
		// answer, so nothing they did was acknowledged.
		_ = hs.Close()
		err = fmt.Errorf("shutdown: %w", err)
	}
	stopSaving()
	if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	// Every request answered before the shutdown is in the state: save it,
	// even when the shutdown had to cut requests off; and judge them.
	return errors.Join(err, saver.save(true), writeConformance(c.reportFile, l.srv, log))
}

// inspectorURL is where a browser on this machine finds the inspector:
// a server listening on every address is reached at localhost.
func inspectorURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "/_mock/ui/"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/_mock/ui/"
}

// loadDocument reads the -openapi document, if any, into the server's
// options.
func loadDocument(c *config) error {
	if c.openapi == "" {
		return nil
	}
	b, err := os.ReadFile(c.openapi)
	if err != nil {
		return err
	}
	if c.server.Document, err = contracts.Load(b); err != nil {
		return fmt.Errorf("%s: %w", c.openapi, err)
	}
	return nil
}

// checkServerOptions builds the server once over an empty store, so that
// a bad option fails before the data is loaded rather than after.
func checkServerOptions(c *config) error {
	empty := fixtures.Seed(fixtures.Options{SkipExamples: true, Segments: -1, Messages: -1})
	probe, err := state.NewStore(empty, c.settings, DefaultAPIKey)
	if err == nil {
		_, err = mockserver.New(probe, c.server)
	}
	if err != nil {
		return usageError{err}
	}
	return nil
}

// load makes what the fake serves: the fixtures file, every tenant's
// data, the state file, then the server over them; st hears how far it
// got.
func load(c *config, st *startup, log *slog.Logger) (*mockserver.Server, *state.Store, error) {
	if c.fixtures != "" {
		st.setPhase(phaseFixtures)
	}
	seeder, err := newSeeder(c, st.add)
	if err != nil {
		return nil, nil, err
	}
	st.setPhase(phaseSeeding)
	// Seeding allocates a lot that lives on: a lighter garbage collector
	// while it runs halves start-up for a million users.
	gc := debug.SetGCPercent(400)
	store, err := state.NewStore(seeder.SeedFunc(), c.settings, c.apiKeys...)
	if err == nil && c.anyKey {
		store.AcceptAnyKey(c.maxTenants)
	}
	if err == nil && c.stateFile != "" {
		st.setPhase(phaseStateFile)
		err = loadState(c, store, log)
	}
	debug.SetGCPercent(gc)
	if err != nil {
		return nil, nil, err
	}
	st.setPhase(phaseServer)
	opts := c.server
	opts.Logger = log
	opts.Seeder = seeder.Reseed
	srv, err := mockserver.New(store, opts)
	if err != nil {
		return nil, nil, err
	}
	return srv, store, nil
}
