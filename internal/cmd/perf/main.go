// Command perf measures what the fake's request path costs against a bare
// net/http handler doing the same state work, on this machine, in one run.
//
//	go run ./internal/cmd/perf            # or: make perf
//	go run ./internal/cmd/perf -rounds 8 -round 2s -clients 8
//
// It starts one child process serving two listeners: the fake
// (mockserver, default options: validation and the journal on, the
// default log level) and a bare handler that decodes the same request with
// encoding/json, calls the same state method and writes the same answer.
// For each endpoint it then alternates rounds, bare then fake, driving
// each with the same keep-alive clients, and prints the throughput ratio
// fake/bare (median and range over the pairs) and the child's CPU per
// request in each round, read from /proc. Alternating rounds in one run
// makes the ratio robust to a shared machine's load; the absolute figures
// are not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}

// endpoint is one request to measure, with the ratio it must reach.
type endpoint struct {
	name, method, path, body string
	target                   float64
}

var endpoints = []endpoint{
	{name: "tagUsers (2 IDs)", method: http.MethodPost, path: "/rest/3.0/tagUsers", body: `{"tag":"Sport","extIds":["id1","id2"]}`, target: 0.80},
	{name: "getProfileAttributes", method: http.MethodGet, path: "/rest/3.0/getProfileAttributes?extId=id1", target: 0.80},
	{name: "getDeviceTokens (page of 10)", method: http.MethodGet, path: "/rest/3.0/getDeviceTokens?max=10&offset=0", target: 0.70},
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("perf", flag.ContinueOnError)
	serve := fs.Bool("serve", false, "internal: be the child that serves both handlers")
	users := fs.Int("users", 10000, "seeded users of the tenant")
	rounds := fs.Int("rounds", 6, "pairs of rounds (bare, fake) per endpoint")
	round := fs.Duration("round", 2*time.Second, "length of one round")
	clients := fs.Int("clients", 8, "concurrent keep-alive clients")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *serve {
		return serveBoth(*users)
	}
	return measure(stdout, *users, *rounds, *round, *clients)
}

func measure(out io.Writer, users, rounds int, round time.Duration, clients int) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.Command(self, "-serve", "-users", strconv.Itoa(users))
	child.Stderr = os.Stderr
	stdout, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	if err := child.Start(); err != nil {
		return err
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	var bareAddr, fakeAddr string
	if _, err := fmt.Fscan(stdout, &bareAddr, &fakeAddr); err != nil {
		return fmt.Errorf("reading the child's addresses: %w", err)
	}

	fmt.Fprintf(out, "perf: %d users; %d pairs of %v rounds per endpoint; %d clients; %d CPUs (%s), load %s\n",
		users, rounds, round, clients, runtime.NumCPU(), cpuModel(), loadAverage())
	fmt.Fprintf(out, "%-30s %9s %9s %7s %16s %16s %s\n", "endpoint", "bare/s", "fake/s", "ratio", "bare CPU/req", "fake CPU/req", "target")
	failed := false
	for _, ep := range endpoints {
		var ratios, bareRates, fakeRates, bareCPU, fakeCPU []float64
		for range rounds {
			bare, err := drive(ep, "http://"+bareAddr, clients, round, child.Process.Pid)
			if err != nil {
				return fmt.Errorf("%s, bare: %w", ep.name, err)
			}
			fake, err := drive(ep, "http://"+fakeAddr, clients, round, child.Process.Pid)
			if err != nil {
				return fmt.Errorf("%s, fake: %w", ep.name, err)
			}
			ratios = append(ratios, fake.rate/bare.rate)
			bareRates, fakeRates = append(bareRates, bare.rate), append(fakeRates, fake.rate)
			bareCPU, fakeCPU = append(bareCPU, bare.cpuPerReq), append(fakeCPU, fake.cpuPerReq)
		}
		ratio := median(ratios)
		verdict := "met"
		if ratio < ep.target {
			verdict, failed = "NOT MET", true
		}
		fmt.Fprintf(out, "%-30s %9.0f %9.0f %7.2f %16s %16s ≥ %.2f %s (ratios %.2f–%.2f)\n", ep.name, median(bareRates), median(fakeRates), ratio,
			micro(median(bareCPU)), micro(median(fakeCPU)), ep.target, verdict, slices.Min(ratios), slices.Max(ratios))
	}
	if failed {
		return errors.New("a target was not met")
	}
	return nil
}

// result is one round: requests per second and the child's CPU seconds
// per request.
type result struct {
	rate, cpuPerReq float64
}

func drive(ep endpoint, base string, clients int, d time.Duration, pid int) (result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	warm(hc, ep, base)
	cpu0, err := processCPU(pid)
	if err != nil {
		return result{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := send(hc, ep, base); err != nil {
					if ctx.Err() == nil {
						once.Do(func() { firstErr = err })
					}
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, err := processCPU(pid)
	if err != nil {
		return result{}, err
	}
	if firstErr != nil {
		return result{}, firstErr
	}
	count := float64(n.Load())
	return result{rate: count / elapsed.Seconds(), cpuPerReq: (cpu1 - cpu0) / count}, nil
}

func warm(hc *http.Client, ep endpoint, base string) {
	for range 200 {
		_ = send(hc, ep, base)
	}
}

func send(hc *http.Client, ep endpoint, base string) error {
	var body io.Reader
	if ep.body != "" {
		body = strings.NewReader(ep.body)
	}
	req, err := http.NewRequest(ep.method, base+ep.path, body)
	if err != nil {
		return err
	}
	req.Header.Set("X-netmera-api-key", apiKey)
	if ep.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s answered %d", ep.method, ep.path, resp.StatusCode)
	}
	return nil
}

// processCPU is a process's user and system CPU time so far, in seconds.
func processCPU(pid int) (float64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading the server's CPU time (Linux /proc): %w", err)
	}
	// The command name may hold spaces: fields count from after its ')'.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(fields) < 13 {
		return 0, errors.New("unexpected /proc stat format")
	}
	utime, err1 := strconv.ParseFloat(fields[11], 64)
	stime, err2 := strconv.ParseFloat(fields[12], 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unexpected /proc stat format")
	}
	return (utime + stime) / clockTicks, nil
}

// clockTicks is USER_HZ, 100 on every Linux this runs on.
const clockTicks = 100

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func micro(seconds float64) string {
	return strconv.FormatFloat(seconds*1e6, 'f', 1, 64) + " µs"
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown CPU"
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// listen opens a loopback listener.
func listen() (net.Listener, error) {
	return net.Listen("tcp", "127.0.0.1:0")
}
