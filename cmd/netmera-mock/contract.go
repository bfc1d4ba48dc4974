package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/contracts"
)

// contractConfig is the contract subcommand's command line.
type contractConfig struct {
	baseURL     string
	apiKey      string
	os          string
	live        bool
	destructive bool
	run         string
	report      string
	record      string
	timeout     time.Duration
	wait        time.Duration
}

func contractFlags() (*flag.FlagSet, *contractConfig) {
	c := &contractConfig{}
	fs := flag.NewFlagSet("netmera-mock contract", flag.ContinueOnError)
	fs.StringVar(&c.baseURL, "base-url", "", "scheme and host of the server to check, e.g. http://localhost:8080 or https://restapi.netmera.com (required)")
	fs.StringVar(&c.apiKey, "api-key", "", "the X-netmera-api-key to use (default "+DefaultAPIKey+")")
	fs.StringVar(&c.os, "os", "IOS", "X-netmera-os for the segment calls: IOS or ANDROID")
	fs.BoolVar(&c.live, "live", false, "the target is the live API: run only live-safe cases")
	fs.BoolVar(&c.destructive, "allow-destructive", false, "also run destructive cases (deleteUsersPermanently, deleteProfileAttributes, …)")
	fs.StringVar(&c.run, "run", "", "run only the cases whose name matches this regular expression")
	fs.StringVar(&c.report, "report", "", "write a report: FILE.xml for JUnit XML, any other name for JSON")
	fs.StringVar(&c.record, "record", "", "save what the target answered, scrubbed, as golden files in this folder")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "time limit per case")
	fs.DurationVar(&c.wait, "wait", 0, "first wait up to this long for the fake at -base-url to answer /_mock/health with 200,\nasking every quarter second (for a fake starting beside the suite, e.g. in compose); 0: do not wait")
	return fs, c
}

func contractHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `Usage: netmera-mock contract -base-url URL [flags]

Runs the contract suite against a running server: the fake, a container, or
the live API (-live). Prints one line per case and a summary, and exits 1
if a case failed or -wait ran out.

  netmera-mock contract -base-url http://localhost:8080
  netmera-mock contract -wait 60s -base-url http://netmera-mock:8080 -report report.xml

Flags, each also read from its environment variable:
`)
	printFlags(w, fs, contractEnvPrefix)
}

// contract runs the contract suite against any running server: the fake,
// a container, or the live API with -live.
func contract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c := contractFlags()
	if err := parseFlags(fs, args, contractEnvPrefix, getenv, stdout, func(w io.Writer) { contractHelp(w, fs) }); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("contract: %w", err)
	}
	if c.baseURL == "" {
		return usagef("contract: -base-url is required")
	}
	if c.wait > 0 && c.live {
		return usagef("contract: -wait asks /_mock/health, which only the fake serves: not with -live")
	}
	if c.apiKey == "" {
		c.apiKey = DefaultAPIKey
	}
	opts := contracts.Options{Live: c.live, AllowDestructive: c.destructive, Record: c.record, Timeout: c.timeout,
		OnResult: func(r contracts.Result) { fmt.Fprint(stdout, r.Text()) }}
	if c.run != "" {
		re, err := regexp.Compile(c.run)
		if err != nil {
			return usagef("contract: -run: %w", err)
		}
		opts.Run = re
	}
	baseURL := strings.TrimRight(c.baseURL, "/")
	client := &http.Client{Timeout: 30 * time.Second}
	if c.wait > 0 {
		if err := waitHealthy(ctx, client, baseURL+"/_mock/health", c.wait, stderr); err != nil {
			return err
		}
	}
	target := contracts.Target{BaseURL: baseURL, APIKey: c.apiKey, OS: c.os, Client: client}
	rep := contracts.Run(ctx, target, opts)
	fmt.Fprintln(stdout, rep.Summary())
	if c.report != "" {
		if err := writeReport(c.report, rep); err != nil {
			return err
		}
	}
	if rep.Failed() {
		return errors.New("contract: some cases failed")
	}
	return nil
}

// waitPoll is how often waitHealthy asks.
const waitPoll = 250 * time.Millisecond

// waitHealthy asks url until it answers 200, for at most d. A fake that is
// still loading its data answers 503, and one whose container has just
// started may not answer at all: both are waited for.
func waitHealthy(ctx context.Context, client *http.Client, url string, d time.Duration, stderr io.Writer) error {
	begin := time.Now()
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	fmt.Fprintf(stderr, "contract: waiting up to %s for %s\n", d, url)
	last := "no answer yet"
	for {
		req, err := http.NewRequestWithContext(wctx, http.MethodGet, url, nil)
		if err != nil {
			return usagef("contract: -base-url: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Fprintf(stderr, "contract: healthy after %s\n", time.Since(begin).Round(time.Millisecond))
				return nil
			}
			last = fmt.Sprintf("%s %s", resp.Status, bytes.TrimSpace(body))
		} else if wctx.Err() == nil {
			last = err.Error()
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("contract: %s did not answer 200 within -wait %s; last: %s", url, d, last)
		case <-time.After(waitPoll):
		}
	}
}

func writeReport(path string, rep contracts.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("contract: -report: %w", err)
	}
	write := rep.WriteJSON
	if strings.HasSuffix(strings.ToLower(path), ".xml") {
		write = rep.WriteJUnit
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("contract: -report: %w", err)
	}
	return f.Close()
}
