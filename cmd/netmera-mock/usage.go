package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Environment variable prefixes: the server's flags, then each
// subcommand's. NETMERA_MOCK_API_KEY sets the server's -api-key,
// NETMERA_MOCK_CONTRACT_BASE_URL the contract suite's -base-url.
const (
	envPrefix         = "NETMERA_MOCK_"
	contractEnvPrefix = envPrefix + "CONTRACT_"
	healthEnvPrefix   = envPrefix + "HEALTH_"
)

// Exit statuses, as Go's own tools use them.
const (
	exitOK      = 0 // done, or help printed
	exitFailure = 1 // the server, the suite or the health check failed
	exitUsage   = 2 // a mistake on the command line or in the environment
)

// usageError is a mistake in how the command was called. main exits 2 on
// it and points at -h; every other error exits 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitCode says how the process ends after run returned err, and writes
// what the user needs to see to stderr.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "netmera-mock:", err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "Run 'netmera-mock -h' for help.")
		return exitUsage
	}
	return exitFailure
}

// commands are the subcommands, in the order help lists them.
var commands = []struct {
	name, synopsis, summary string
}{
	{"contract", "contract -base-url URL [flags]", "run the contract suite against a running server"},
	{"healthcheck", "healthcheck [flags]", "exit 0 if the fake answers /_mock/health with 200"},
	{"help", "help [command]", "this text, or a command's flags"},
}

// serverHelp is the top-level help: what the command does, its
// subcommands, how the environment configures it, and the server's flags.
func serverHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "netmera-mock %s: a local, stateful fake of the Netmera REST API.\n\nUsage:\n", version)
	fmt.Fprintf(w, "  netmera-mock %-34s %s\n", "[flags]", "serve the fake (default :8080, key "+DefaultAPIKey+", 1000 users)")
	for _, c := range commands {
		fmt.Fprintf(w, "  netmera-mock %-34s %s\n", c.synopsis, c.summary)
	}
	fmt.Fprintf(w, `
Every flag but -version can also be set by an environment variable, dashes
as underscores: %s<FLAG> for the server (%sAPI_KEY=k1,k2),
%s<FLAG> for contract, %s<FLAG> for healthcheck.
A flag given on the command line wins over its variable.

Until its data is loaded the server answers every request with 503, and
/_mock/health and /_mock/ready with {"status":"starting",...}; then 200.

Flags of the server:
`, envPrefix, envPrefix, contractEnvPrefix, healthEnvPrefix)
	printFlags(w, fs, envPrefix)
	fmt.Fprint(w, `
Exit status: 0 on success and for help, 1 when the server, the suite or the
health check fails, 2 for a mistake in the flags or the environment.
More: README.md and docs/ at https://github.com/netmera-mock/netmera-mock
`)
}

// printFlags lists fs's flags as flag.PrintDefaults does, with the
// environment variable of each.
func printFlags(w io.Writer, fs *flag.FlagSet, prefix string) {
	fs.VisitAll(func(f *flag.Flag) {
		typ, usage := flag.UnquoteUsage(f)
		head := "  -" + f.Name
		if typ != "" {
			head += " " + typ
		}
		if env := envName(prefix, f.Name); env != "" {
			head = fmt.Sprintf("%-30s $%s", head, env)
		}
		fmt.Fprintln(w, head)
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "    \t%s\n", strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
}

// envName is the environment variable of the flag name under prefix, or
// "" for -version, an action rather than a setting.
func envName(prefix, name string) string {
	if name == "version" {
		return ""
	}
	return prefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// parseFlags parses args with fs, then fills every flag not given on the
// command line from its environment variable under prefix. -h and -help
// write help to stdout and return flag.ErrHelp; every mistake is a
// usageError.
func parseFlags(fs *flag.FlagSet, args []string, prefix string, getenv func(string) string, stdout io.Writer, help func(io.Writer)) error {
	fs.SetOutput(io.Discard) // main reports mistakes, once
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help(stdout)
			return flag.ErrHelp
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(prefix, f.Name)
		if name == "" {
			return
		}
		if v := getenv(name); v != "" && !set[f.Name] && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = usagef("%s=%q: %w", name, v, serr)
			}
		}
	})
	return err
}

// help is `netmera-mock help [command]`: the top-level help, or a
// command's, on stdout.
func help(args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 1 {
		return usagef("help takes at most one command, not %q", args)
	}
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	switch name {
	case "", "help", "serve", "server":
		fs, _ := serverFlags()
		serverHelp(stdout, fs)
	case "contract":
		fs, _ := contractFlags()
		contractHelp(stdout, fs)
	case "healthcheck":
		fs, _ := healthFlags()
		healthHelp(stdout, fs)
	default:
		return usagef("help: unknown command %q (commands: %s)", name, commandNames())
	}
	return nil
}

func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}
