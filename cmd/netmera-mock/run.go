package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/state"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

// run is the whole command, testable without a process: it serves until
// ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "healthcheck":
			return healthcheck(ctx, args[1:], getenv, stdout, stderr)
		case "contract":
			return contract(ctx, args[1:], getenv, stdout, stderr)
		case "help":
			return help(args[1:], getenv, stdout)
		}
	}
	c, err := parseConfig(args, getenv, stdout)
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
		return nil, usagef("-log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationsInMillis}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("-log-format must be text or json, not %q", c.logFormat)
}

// durationsInMillis logs every time.Duration as a number of milliseconds
// under its key with "_ms" appended ("duration_ms":0.153), in both
// formats: the JSON handler would write nanoseconds, and a number with
// its unit in the key is what log tools sum and sort.
func durationsInMillis(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.Float64(a.Key+"_ms", millis(a.Value.Duration()))
	}
	return a
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
}

// loadOverlay reads the fixtures file, once, as JSON to lay on top of
// generated data; nil when there is none.
func loadOverlay(c *config) ([]byte, error) {
	if c.fixtures == "" {
		return nil, nil
	}
	d, err := fixtures.Load(c.fixtures)
	if err != nil {
		return nil, err
	}
	return json.Marshal(d)
}

// seedFunc builds the data every tenant starts from: generated fixtures,
// with the overlay (a fixtures file, as JSON) laid on top.
// progress, when not nil, is told of the users as they are made.
func seedFunc(c *config, overlay []byte, progress func(users int)) state.SeedFunc {
	opts := fixtures.Options{Seed: c.seed, Users: c.users, Segments: c.segments, Messages: c.messages, Progress: progress}
	if overlay == nil {
		return fixtures.Seed(opts)
	}
	return state.FromDataset(func() (*state.Dataset, error) {
		d, err := fixtures.Generate(opts)
		if err != nil {
			return nil, err
		}
		var top state.Dataset // decoded afresh: each tenant gets its own copy
		if err := json.Unmarshal(overlay, &top); err != nil {
			return nil, err
		}
		return fixtures.Merge(d, &top)
	})
}

// saveEvery saves the state every -save-interval while the server runs;
// the returned func stops it and waits for a save under way.
func saveEvery(ctx context.Context, c *config, store *state.Store, log *slog.Logger) (stop func()) {
	if c.stateFile == "" || c.saveInterval <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(c.saveInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := save(c, store, log, false); err != nil {
					log.Error("saving state", "path", c.stateFile, "err", err)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

func save(c *config, store *state.Store, log *slog.Logger, final bool) error {
	if c.stateFile == "" {
		return nil
	}
	res, err := store.Save(c.stateFile, final)
	if err != nil {
		return err
	}
	if res.Written {
		log.Info("state saved", "path", c.stateFile, "tenants", res.Tenants, "bytes", res.Bytes)
	}
	return nil
}
