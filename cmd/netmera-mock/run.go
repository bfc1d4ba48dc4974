package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/netmera-mock/netmera-mock/fixtures"
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

// newSeeder builds the data every tenant starts from: generated fixtures,
// with the -fixtures file laid on top. progress, when not nil, is told of
// the users as they are made: at start, and (unread) for every tenant
// made later from the same Seeder.
func newSeeder(c *config, progress func(users int)) (*fixtures.Seeder, error) {
	opts := fixtures.Options{Seed: c.seed, Users: c.users, Segments: c.segments, Messages: c.messages, Progress: progress}
	if c.fixtures == "" {
		return fixtures.NewSeeder(opts)
	}
	d, err := fixtures.Load(c.fixtures)
	if err != nil {
		return nil, err
	}
	return fixtures.NewSeeder(opts, d)
}
