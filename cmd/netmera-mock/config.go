package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// DefaultAPIKey is the key the fake accepts when none is configured. It is
// documented in the README; use your own with -api-key for anything shared.
const DefaultAPIKey = "netmera-mock-key"

// config is the parsed command line.
type config struct {
	addr       string
	apiKeys    stringsFlag
	seed       int64
	users      int
	segments   int
	messages   int
	fixtures   string
	logLevel   string
	logFormat  string
	settings   state.Settings
	permDelete bool
	server     mockserver.Options
	version    bool

	anyKey       bool
	maxTenants   int
	openapi      string
	stateFile    string
	saveInterval time.Duration
	forgetSaved  stringsFlag
	reportFile   string

	// progressEvery is how often a long start logs how far it got.
	progressEvery time.Duration
	// beforeLoad, when set (by tests), runs once the listener serves and
	// before any data loads.
	beforeLoad func()
}

type stringsFlag []string

func (s *stringsFlag) String() string { return strings.Join(*s, ",") }

func (s *stringsFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*s = append(*s, part)
		}
	}
	return nil
}

// serverFlags defines the server's flags on a new FlagSet, writing into a
// new config that holds their defaults.
func serverFlags() (*flag.FlagSet, *config) {
	c := &config{progressEvery: 2 * time.Second}
	fs := flag.NewFlagSet("netmera-mock", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.Var(&c.apiKeys, "api-key", "a `key` accepted in X-netmera-api-key, one tenant each (repeatable, or comma-separated; default "+DefaultAPIKey+")")
	fs.Int64Var(&c.seed, "seed", 1, "fixtures seed: the same seed gives the same data, byte for byte")
	fs.IntVar(&c.users, "users", 1000, "number of generated users per tenant (documentation example users included)")
	fs.IntVar(&c.server.MaxSeedUsers, "max-seed-users", mockserver.DefaultMaxSeedUsers, "the most users one POST /_mock/seed may generate (-users is not bounded by it)")
	fs.IntVar(&c.segments, "segments", 0, "number of generated segments (0: the generator's default)")
	fs.IntVar(&c.messages, "messages", 0, "number of generated messages (0: the generator's default)")
	fs.StringVar(&c.fixtures, "fixtures", "", "fixtures JSON file loaded on top of the generated data (with -users 0: instead of it)")
	fs.BoolVar(&c.server.LenientOS, "lenient-os", false, "accept segment requests without X-netmera-os, as the newest docs say the live API does")
	fs.IntVar(&c.server.AuthStatus, "auth-status", 403, "HTTP status for a missing or unknown API key: 403 or 401")
	fs.StringVar(&c.server.SingleObject, "single-object", mockserver.SingleObjectAuto, "single object where an array is documented: auto, accept or reject")
	fs.StringVar(&c.server.DeviceTokenShape, "device-token-shape", mockserver.ShapeBoth, "getDeviceTokens entry fields: both, legacy or current")
	fs.BoolVar(&c.settings.AutoDefine, "auto-define", false, "define unknown profile attributes on first use instead of dropping them")
	fs.BoolVar(&c.permDelete, "permanent-delete", true, "the app has activated permanent deletion; false: deleteUsersPermanently only untracks users")
	fs.DurationVar(&c.settings.RegisterDelay, "register-delay", 0, "apply registerUsers requests this long after they are accepted, as Netmera applies them asynchronously (0: at once)")
	fs.IntVar(&c.settings.MaxIDs, "max-ids", state.DefaultMaxIDs, "unique IDs allowed per request")
	fs.IntVar(&c.settings.LimitCode, "limit-code", state.CodeInvalidJSON, "Netmera error code of a request over -max-ids")
	fs.BoolVar(&c.settings.CountAddresses, "count-addresses", false, "count emails, MSISDNs and WhatsApp numbers toward -max-ids too, not only external IDs and device tokens")
	fs.BoolVar(&c.settings.StrictEmail, "strict-email", false, "refuse (2004) an enableMail or disableMail address that is not a plain email address, as the newest reference says Netmera does")
	fs.BoolVar(&c.server.StrictWhatsApp, "strict-whatsapp", false, "updateWhatsApp reads only wpNumber, one number starting with +, as the newest reference says Netmera does")
	fs.BoolVar(&c.settings.RequireApproval, "require-approval", false, "every bulk send waits for sendPushApproval before it delivers, as with the panel's approval mechanism")
	fs.StringVar(&c.settings.TimeZone, "time-zone", "", "the app's time zone, in which a schedule's local start time is read: an IANA name (Europe/Istanbul) or an offset (+03:00) (default UTC)")
	fs.BoolVar(&c.settings.StrictCategories, "strict-categories", false, "refuse a message category name the app does not define (2021) instead of keeping it")
	fs.IntVar(&c.settings.MaxDeliveries, "max-deliveries", 0, fmt.Sprintf("deliveries kept per tenant (0: %d); past it the oldest finished sends give theirs up (their stats stay)", state.DefaultMaxDeliveries))
	fs.IntVar(&c.settings.MaxNotifications, "max-notifications", 0, fmt.Sprintf("captured sends kept per tenant (0: %d); past it the oldest finished ones are forgotten", state.DefaultMaxNotifications))
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&c.anyKey, "accept-any-key", false, "accept any non-empty key, each with its own freshly seeded tenant")
	fs.IntVar(&c.maxTenants, "max-tenants", state.DefaultMaxTenants, "with -accept-any-key: the most tenants of keys not given with -api-key")
	fs.BoolVar(&c.server.NoValidation, "no-validation", false, "do not validate requests against the OpenAPI document")
	fs.StringVar(&c.openapi, "openapi", "", "an OpenAPI document to validate against instead of the embedded one")
	fs.IntVar(&c.server.JournalSize, "journal-size", mockserver.DefaultJournalSize, "requests kept per tenant in the journal (0: no journal)")
	fs.StringVar(&c.server.AdminToken, "admin-token", "", "require Authorization: Bearer <token> on /_mock/ (health and ready stay open)")
	fs.BoolVar(&c.server.NoControl, "no-control", false, "turn /_mock/ off (but health and ready)")
	fs.Int64Var(&c.server.FaultSeed, "fault-seed", 1, "seed of probabilistic fault rules")
	fs.StringVar(&c.stateFile, "state-file", "", "load state from this file at start and save it there on shutdown and every -save-interval")
	fs.DurationVar(&c.saveInterval, "save-interval", 30*time.Second, "with -state-file: how often to save changes (0: only on shutdown)")
	fs.Var(&c.forgetSaved, "forget-saved", "with -state-file: delete these saved apps, kept because their key is not configured (IDs saved-… from the start-up log, comma-separated, or all)")
	fs.StringVar(&c.reportFile, "report-on-exit", "", "at shutdown, write every tenant's conformance report to this file (JUnit XML if it ends in .xml, JSON otherwise)")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	return fs, c
}

// parseConfig reads flags, then fills every flag not given on the command
// line from its NETMERA_MOCK_<NAME> environment variable. -h writes the
// help to stdout and returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, stdout io.Writer) (*config, error) {
	fs, c := serverFlags()
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return nil, usagef("unknown command %q (commands: %s; the server itself takes only flags)", args[0], commandNames())
	}
	if err := parseFlags(fs, args, envPrefix, getenv, stdout, func(w io.Writer) { serverHelp(w, fs) }); err != nil {
		return nil, err
	}
	if len(c.apiKeys) == 0 {
		c.apiKeys = stringsFlag{DefaultAPIKey}
	}
	c.settings.PermanentDeleteOff = !c.permDelete
	if c.server.JournalSize == 0 {
		c.server.JournalSize = -1 // the flag's 0 means none, not the library's default
	}
	if _, err := state.ParseTimeZone(c.settings.TimeZone); err != nil {
		return nil, usagef("-time-zone: %v", err)
	}
	if c.users < 0 {
		return nil, usagef("-users must not be negative")
	}
	if c.settings.RegisterDelay < 0 {
		return nil, usagef("-register-delay must not be negative")
	}
	if len(c.forgetSaved) > 0 && c.stateFile == "" {
		return nil, usagef("-forget-saved needs -state-file")
	}
	if c.reportFile != "" && c.server.JournalSize < 0 {
		return nil, usagef("-report-on-exit needs the journal: -journal-size must not be 0")
	}
	return c, nil
}
