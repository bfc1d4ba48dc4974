package main

import (
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

// contract runs the contract suite against any running server: the fake,
// a container, or the live API with -live.
func contract(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("netmera-mock contract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	baseURL := fs.String("base-url", getenv(envPrefix+"CONTRACT_BASE_URL"), "scheme and host of the server to check, e.g. http://localhost:8080 or https://restapi.netmera.com")
	apiKey := fs.String("api-key", getenv(envPrefix+"CONTRACT_API_KEY"), "the X-netmera-api-key to use (default "+DefaultAPIKey+")")
	osHeader := fs.String("os", "IOS", "X-netmera-os for the segment calls: IOS or ANDROID")
	live := fs.Bool("live", false, "the target is the live API: run only live-safe cases")
	destructive := fs.Bool("allow-destructive", false, "also run destructive cases (deleteUsersPermanently, deleteProfileAttributes, …)")
	runRE := fs.String("run", "", "run only the cases whose name matches this regular expression")
	report := fs.String("report", "", "write a report: FILE.xml for JUnit XML, any other name for JSON")
	record := fs.String("record", "", "save what the target answered, scrubbed, as golden files in this folder")
	timeout := fs.Duration("timeout", 2*time.Minute, "time limit per case")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("contract: unexpected argument %q", fs.Arg(0))
	}
	if *baseURL == "" {
		return errors.New("contract: -base-url is required")
	}
	if *apiKey == "" {
		*apiKey = DefaultAPIKey
	}
	opts := contracts.Options{Live: *live, AllowDestructive: *destructive, Record: *record, Timeout: *timeout,
		OnResult: func(r contracts.Result) { fmt.Fprint(stdout, r.Text()) }}
	if *runRE != "" {
		re, err := regexp.Compile(*runRE)
		if err != nil {
			return fmt.Errorf("contract: -run: %w", err)
		}
		opts.Run = re
	}
	target := contracts.Target{BaseURL: strings.TrimRight(*baseURL, "/"), APIKey: *apiKey, OS: *osHeader,
		Client: &http.Client{Timeout: 30 * time.Second}}
	rep := contracts.Run(ctx, target, opts)
	fmt.Fprintln(stdout, rep.Summary())
	if *report != "" {
		if err := writeReport(*report, rep); err != nil {
			return err
		}
	}
	if rep.Failed() {
		return errors.New("contract: some cases failed")
	}
	return nil
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
