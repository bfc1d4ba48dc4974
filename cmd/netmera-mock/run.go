package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// writeTimeout bounds the writing of an answer; fault rules may delay one
// by half of it at most.
const writeTimeout = 60 * time.Second

// run is the whole command, testable without a process: it serves until
// ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "healthcheck":
			return healthcheck(ctx, args[1:], getenv, stdout, stderr)
		case "contract":
			return contract(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	c, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.version {
		fmt.Fprintln(stdout, "netmera-mock", version)
		return nil
	}
	log, err := newLogger(c, stderr)
	if err != nil {
		return err
	}
	return serve(ctx, c, log)
}

func newLogger(c *config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format must be text or json, not %q", c.logFormat)
}

// newSeeder builds the data every tenant starts from: generated fixtures,
// with the -fixtures file laid on top.
func newSeeder(c *config) (*fixtures.Seeder, error) {
	opts := fixtures.Options{Seed: c.seed, Users: c.users, Segments: c.segments, Messages: c.messages}
	if c.fixtures == "" {
		return fixtures.NewSeeder(opts)
	}
	d, err := fixtures.Load(c.fixtures)
	if err != nil {
		return nil, err
	}
	return fixtures.NewSeeder(opts, d)
}

func serve(ctx context.Context, c *config, log *slog.Logger) error {
	start := time.Now()
	seeder, err := newSeeder(c)
	if err != nil {
		return err
	}
	// Seeding allocates a lot that lives on: a lighter garbage collector
	// while it runs halves start-up for a million users.
	gc := debug.SetGCPercent(400)
	store, err := state.NewStore(seeder.SeedFunc(), c.settings, c.apiKeys...)
	if err == nil && c.anyKey {
		store.AcceptAnyKey(c.maxTenants)
	}
	if err == nil && c.stateFile != "" {
		err = loadState(c, store, log)
	}
	debug.SetGCPercent(gc)
	if err != nil {
		return err
	}
	if c.openapi != "" {
		b, err := os.ReadFile(c.openapi)
		if err != nil {
			return err
		}
		if c.server.Document, err = contracts.Load(b); err != nil {
			return fmt.Errorf("%s: %w", c.openapi, err)
		}
	}
	c.server.Logger = log
	c.server.Seeder = seeder.Reseed
	c.server.FaultMaxLatency = writeTimeout / 2 // a delayed answer must still make the write timeout
	srv, err := mockserver.New(store, c.server)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	keyIDs := make([]string, len(c.apiKeys))
	for i, k := range c.apiKeys {
		keyIDs[i] = state.KeyID(k)
	}
	counts := store.Total()
	log.Info("netmera-mock ready", "addr", ln.Addr().String(), "version", version, "tenants", store.Len(),
		"keys", strings.Join(keyIDs, ","), "default_key", len(c.apiKeys) == 1 && c.apiKeys[0] == DefaultAPIKey,
		"accept_any_key", c.anyKey, "users", counts.Users, "devices", counts.Devices, "seed", c.seed,
		"startup", time.Since(start).Round(time.Millisecond))

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	saver := &saver{c: c, store: store, log: log, quiet: failureLogEvery}
	stopSaving := saver.every(ctx)
	select {
	case err := <-errc:
		stopSaving()
		return errors.Join(err, saver.save(true))
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
	// even when the shutdown had to cut requests off.
	return errors.Join(err, saver.save(true))
}
