package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthConfig is the healthcheck subcommand's command line.
type healthConfig struct {
	url     string
	timeout time.Duration
}

func healthFlags() (*flag.FlagSet, *healthConfig) {
	c := &healthConfig{}
	fs := flag.NewFlagSet("netmera-mock healthcheck", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080/_mock/health", "health URL to probe")
	fs.DurationVar(&c.timeout, "timeout", 3*time.Second, "how long to wait for an answer")
	return fs, c
}

func healthHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: netmera-mock healthcheck [-url URL] [-timeout D]

Asks a running fake for /_mock/health and exits 0 when it answers 200, 1
otherwise (also while the fake is still loading its data: it answers 503
then). The image's HEALTHCHECK runs it: a scratch image has no curl.

Flags, each also read from its environment variable:
`)
	printFlags(w, fs, healthEnvPrefix)
}

// healthcheck asks a running fake for /_mock/health and succeeds on 200. It
// is what a container's HEALTHCHECK runs, since a scratch image has no curl.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c := healthFlags()
	if err := parseFlags(fs, args, healthEnvPrefix, getenv, stdout, func(w io.Writer) { healthHelp(w, fs) }); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return usagef("healthcheck: -url: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	// The start of the body says why (a fake still starting says how far
	// it got); Docker keeps it in the container's health log.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s: %s", c.url, resp.Status, bytes.TrimSpace(body))
	}
	fmt.Fprintln(stdout, "healthy")
	return nil
}
