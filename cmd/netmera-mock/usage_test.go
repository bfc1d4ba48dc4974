package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// command runs the binary as a user would, with only the environment
// variables given (none of the caller's NETMERA_MOCK_*), and returns its
// exit status and output.
func command(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NETMERA_MOCK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, serveEnv+"=1") // TestMain (kill_test.go) runs main
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %q: %v", args, err)
	}
	return code, out.String(), errOut.String()
}

func TestExitStatusAndHelp(t *testing.T) {
	serverHelp := []string{"Usage:", "contract -base-url URL", "healthcheck", "help [command]", "$NETMERA_MOCK_API_KEY",
		"NETMERA_MOCK_CONTRACT_<FLAG>", "NETMERA_MOCK_HEALTH_<FLAG>", "Exit status", "503"}
	contractHelp := []string{"Usage: netmera-mock contract", "-base-url", "$NETMERA_MOCK_CONTRACT_BASE_URL", "-wait", "$NETMERA_MOCK_CONTRACT_WAIT"}
	healthHelp := []string{"Usage: netmera-mock healthcheck", "-url", "$NETMERA_MOCK_HEALTH_URL", "$NETMERA_MOCK_HEALTH_TIMEOUT"}
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		code       int
		stdout     []string // each must appear
		stderr     []string
		quietError bool // stderr must be empty
	}{
		{name: "-h", args: []string{"-h"}, code: 0, stdout: serverHelp, quietError: true},
		{name: "-help", args: []string{"-help"}, code: 0, stdout: serverHelp, quietError: true},
		{name: "help", args: []string{"help"}, code: 0, stdout: serverHelp, quietError: true},
		{name: "help contract", args: []string{"help", "contract"}, code: 0, stdout: contractHelp, quietError: true},
		{name: "contract -h", args: []string{"contract", "-h"}, code: 0, stdout: contractHelp, quietError: true},
		{name: "help healthcheck", args: []string{"help", "healthcheck"}, code: 0, stdout: healthHelp, quietError: true},
		{name: "healthcheck -h", args: []string{"healthcheck", "-h"}, code: 0, stdout: healthHelp, quietError: true},
		{name: "-version", args: []string{"-version"}, code: 0, stdout: []string{"netmera-mock "}, quietError: true},
		{name: "NETMERA_MOCK_VERSION is no setting", args: []string{"-h"}, env: map[string]string{"NETMERA_MOCK_VERSION": "v1.2.3"}, code: 0, stdout: serverHelp},
		{name: "help for an unknown command", args: []string{"help", "nope"}, code: 2, stderr: []string{`unknown command "nope"`, "netmera-mock -h"}},
		{name: "unknown command", args: []string{"serve"}, code: 2, stderr: []string{`unknown command "serve"`, "contract, healthcheck, help", "netmera-mock -h"}},
		{name: "unknown flag", args: []string{"-nope"}, code: 2, stderr: []string{"-nope", "netmera-mock -h"}},
		{name: "unknown contract flag", args: []string{"contract", "-nope"}, code: 2, stderr: []string{"contract:", "-nope"}},
		{name: "contract without -base-url", args: []string{"contract"}, code: 2, stderr: []string{"-base-url is required"}},
		{name: "contract -wait against the live API", args: []string{"contract", "-live", "-wait", "5s", "-base-url", "https://restapi.netmera.com"}, code: 2, stderr: []string{"not with -live"}},
		{name: "bad environment value", args: []string{"-users", "5"}, env: map[string]string{"NETMERA_MOCK_LOG_LEVEL": "loud"}, code: 2, stderr: []string{"log-level"}},
		{name: "bad environment number", env: map[string]string{"NETMERA_MOCK_USERS": "many"}, code: 2, stderr: []string{"NETMERA_MOCK_USERS"}},
		{name: "bad server option", args: []string{"-auth-status", "500"}, code: 2, stderr: []string{"401 or 403"}},
		{name: "health check with nothing listening", args: []string{"healthcheck", "-url", "http://127.0.0.1:1/_mock/health", "-timeout", "2s"}, code: 1, stderr: []string{"healthcheck:"}},
		{name: "health URL from the environment", args: []string{"healthcheck", "-timeout", "2s"}, env: map[string]string{"NETMERA_MOCK_HEALTH_URL": "http://127.0.0.1:1/from-env"}, code: 1, stderr: []string{"/from-env"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := command(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("netmera-mock %q exited %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("netmera-mock %q: stdout lacks %q:\n%s", tt.args, want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("netmera-mock %q: stderr lacks %q:\n%s", tt.args, want, stderr)
				}
			}
			if tt.quietError && stderr != "" {
				t.Errorf("netmera-mock %q wrote to stderr:\n%s", tt.args, stderr)
			}
		})
	}
}

// TestHelpNamesEveryFlag: every flag of every command is in its help,
// with its environment variable.
func TestHelpNamesEveryFlag(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		flags  *flag.FlagSet
		prefix string
	}{
		{name: "server", args: []string{"-h"}, flags: first(serverFlags()), prefix: envPrefix},
		{name: "contract", args: []string{"help", "contract"}, flags: first(contractFlags()), prefix: contractEnvPrefix},
		{name: "healthcheck", args: []string{"help", "healthcheck"}, flags: first(healthFlags()), prefix: healthEnvPrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(t.Context(), tt.args, env(nil), &out, &out); err != nil {
				t.Fatalf("netmera-mock %q = %v", tt.args, err)
			}
			tt.flags.VisitAll(func(f *flag.Flag) {
				if !strings.Contains(out.String(), "  -"+f.Name+" ") && !strings.Contains(out.String(), "  -"+f.Name+"\n") {
					t.Errorf("netmera-mock %q does not list -%s", tt.args, f.Name)
				}
				if env := envName(tt.prefix, f.Name); env != "" && !strings.Contains(out.String(), "$"+env+"\n") {
					t.Errorf("netmera-mock %q does not name $%s for -%s", tt.args, env, f.Name)
				}
			})
		})
	}
}

func first[A, B any](a A, _ B) A { return a }
