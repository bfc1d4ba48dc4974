package contracts

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Tag says what a case needs and what it may touch.
type Tag string

const (
	// LiveSafe cases may run against a real Netmera app. They write only
	// to identifiers that start with the run's prefix (Check.ID), read
	// app-wide lists without changing them, undo what they did (see
	// Check.Cleanup) and never delete data they did not create. A few
	// leave what the API cannot undo: notification definitions, and
	// sends to the run's own users or to addresses that reach no one
	// (docs/contracts.md names those cases).
	LiveSafe Tag = "live-safe"
	// MockOnly cases need netmera-mock: its /_mock control API, the
	// documentation examples it is seeded with (id1, segment 5883…), or
	// behaviour the live API does not enforce or document (a required
	// X-netmera-os, the answer over the 1000-ID limit, error wordings the
	// fake infers). Before each one, unless Options.Live, the runner puts
	// the tenant back to its seeded state with POST /_mock/reset.
	MockOnly Tag = "mock-only"
	// Destructive cases send an endpoint that deletes data
	// (deleteUsersPermanently, deleteProfileAttributes,
	// deleteProfileAttributeValue) a request it would apply, even one
	// naming nothing that exists; requests it must refuse (no key, broken
	// JSON) do not count. They run only with Options.AllowDestructive.
	Destructive Tag = "destructive"
)

// Case is one black-box scenario over HTTP.
type Case struct {
	// Name is "group/case", such as "devices/tokens-walk".
	Name string
	// Tags holds LiveSafe or MockOnly, and Destructive when it applies.
	Tags []Tag
	// Doc says in one sentence what the case checks.
	Doc string
	// Why says, for a mock-only case, what it needs of the fake.
	Why string
	// Run acts through c and records failures on it.
	Run func(ctx context.Context, c *Check)
}

// Has reports whether the case carries tag.
func (c Case) Has(tag Tag) bool { return slices.Contains(c.Tags, tag) }

// Target is the server under test: netmera-mock or a real Netmera app.
type Target struct {
	// BaseURL is the scheme and host, such as "https://restapi.netmera.com"
	// or "http://127.0.0.1:8080"; a trailing slash is ignored.
	BaseURL string
	// APIKey is the REST API key of the app (the tenant, on the fake).
	APIKey string
	// OS is the X-netmera-os header of segment requests; "" means "IOS".
	OS string
	// Client sends the requests; nil means a client with a 60 s timeout.
	Client *http.Client
}

// Options select and steer a run.
type Options struct {
	// Live marks a real Netmera app: only live-safe cases run, the others
	// are skipped saying why, and /_mock is never called.
	Live bool
	// AllowDestructive runs the destructive cases too.
	AllowDestructive bool
	// Run, when set, keeps only the cases whose name it matches; the others
	// are left out of the report.
	Run *regexp.Regexp
	// Record, when set, is a directory where every live-safe case that ran
	// leaves a golden file of what the target answered (see Replay).
	Record string
	// Prefix starts every identifier the cases write to; "" means
	// "nmmock-<8 random hex digits>-".
	Prefix string
	// Timeout bounds one case; 0 means 2 minutes.
	Timeout time.Duration
	// OnResult, when set, is called after each case, in order.
	OnResult func(Result)
}

// DefaultOS is the X-netmera-os header sent when Target.OS is empty.
const DefaultOS = "IOS"

const defaultCaseTimeout = 2 * time.Minute

// Cases returns every case of the suite, in the order Run runs them.
func Cases() []Case {
	var all []Case
	for _, group := range [][]Case{
		transportCases(), errorCases(), limitCases(), userCases(), categoryCases(), profileCases(),
		profileDeletionCases(), deviceCases(), tokenCases(), segmentCases(), messageCases(), channelCases(), notificationCases(),
		addressCases(), whatsAppCases(),
		registrationCases(), appDataCases(), eventCases(), geofenceCases(),
		emailSendCases(), inboxCases(), targetingCases(),
	} {
		all = append(all, group...)
	}
	return all
}

// Run runs the suite against t and reports every case it selected. It
// never stops early: a failing case does not keep the others from running.
func Run(ctx context.Context, t Target, o Options) Report {
	r, err := newRunner(t, o)
	rep := Report{Target: strings.TrimRight(t.BaseURL, "/"), Live: o.Live, Prefix: r.prefix, Started: time.Now().UTC()}
	if err != nil {
		rep.Results = []Result{{Name: "setup", Status: StatusFail, Failures: []string{err.Error()}}}
		rep.Duration = time.Since(rep.Started)
		return rep
	}
	for _, cs := range r.selected() {
		res := r.run(ctx, cs)
		rep.Results = append(rep.Results, res)
		if o.OnResult != nil {
			o.OnResult(res)
		}
	}
	if err := r.finish(); err != nil {
		rep.Results = append(rep.Results, Result{Name: "record", Status: StatusFail, Failures: []string{err.Error()}})
	}
	rep.Duration = time.Since(rep.Started)
	return rep
}

// TB is what RunTest needs of a test: *testing.T satisfies it (S is then
// *testing.T itself). It is an interface so that this package, which the
// netmera-mock binary links for its contract command, does not import
// testing.
type TB[S any] interface {
	Helper()
	Context() context.Context
	Error(args ...any)
	Fatal(args ...any)
	Skip(args ...any)
	Run(name string, f func(S)) bool
}

// RunTest runs the suite as subtests of t, one per case, named after the
// case ("devices/tokens-walk"), so that go test -run selects them. A
// failure is a t.Error naming the request, what came back and what was
// wanted; a case that does not run is a t.Skip saying why.
//
//	func TestContract(t *testing.T) {
//		contracts.RunTest(t, contracts.Target{BaseURL: url, APIKey: key}, contracts.Options{})
//	}
func RunTest[S TB[S]](t S, target Target, o Options) {
	t.Helper()
	r, err := newRunner(target, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range r.selected() {
		t.Run(cs.Name, func(t S) {
			res := r.run(t.Context(), cs)
			if o.OnResult != nil {
				o.OnResult(res)
			}
			for _, f := range res.Failures {
				t.Error(f)
			}
			if res.Status == StatusSkip {
				t.Skip(res.Reason)
			}
		})
	}
	if err := r.finish(); err != nil {
		t.Error(err)
	}
}

// runner holds what every case of one run shares.
type runner struct {
	target    Target
	base      *url.URL
	o         Options
	prefix    string
	validator *Validator
	timeout   time.Duration
	recorder  *goldenWriter

	examplesChecked bool
	examplesErr     error // why mock-only cases cannot run, if they cannot
}

func newRunner(t Target, o Options) (*runner, error) {
	r := &runner{target: t, o: o, prefix: o.Prefix, timeout: o.Timeout}
	if r.prefix == "" {
		r.prefix = RandomPrefix()
	}
	if r.timeout <= 0 {
		r.timeout = defaultCaseTimeout
	}
	if r.target.OS == "" {
		r.target.OS = DefaultOS
	}
	if r.target.Client == nil {
		r.target.Client = &http.Client{Timeout: 60 * time.Second}
	}
	base, err := url.Parse(strings.TrimRight(t.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.Path != "" || base.RawQuery != "" {
		return r, fmt.Errorf("contracts: target base URL %q must be an absolute http or https URL of a scheme and host only", t.BaseURL)
	}
	r.base = base
	if t.APIKey == "" {
		return r, errors.New("contracts: target has no API key")
	}
	doc, err := Default()
	if err != nil {
		return r, err
	}
	if r.validator, err = NewValidator(doc); err != nil {
		return r, err
	}
	if o.Record != "" {
		source := SourceTargetRecording
		if o.Live {
			source = SourceLiveRecording
		}
		r.recorder = &goldenWriter{dir: o.Record, source: source}
	}
	return r, nil
}

// RandomPrefix returns a fresh run prefix, "nmmock-<8 hex digits>-".
func RandomPrefix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "nmmock-" + hex.EncodeToString(b) + "-"
}

func (r *runner) selected() []Case {
	var out []Case
	for _, cs := range Cases() {
		if r.o.Run == nil || r.o.Run.MatchString(cs.Name) {
			out = append(out, cs)
		}
	}
	return out
}

// skipReason says why a case does not run, or "".
func (r *runner) skipReason(cs Case) string {
	if r.o.Live && !cs.Has(LiveSafe) {
		why := cs.Why
		if why == "" {
			why = "it needs netmera-mock"
		}
		return "mock-only, not run against a live app: " + why
	}
	if cs.Has(Destructive) && !r.o.AllowDestructive {
		return "destructive: it calls an endpoint that deletes data; run with AllowDestructive (-allow-destructive) to include it"
	}
	return ""
}

// run runs one case and reports it.
func (r *runner) run(ctx context.Context, cs Case) Result {
	start := time.Now()
	res := Result{Name: cs.Name, Tags: slices.Clone(cs.Tags)}
	defer func() { res.Duration = time.Since(start) }()
	reason := r.skipReason(cs)
	if ctx.Err() != nil {
		reason = "the run was cancelled before this case"
	}
	if reason != "" {
		res.Status, res.Reason = StatusSkip, reason
		return res
	}
	c := newCheck(ctx, r, cs)
	if !r.o.Live && (cs.Has(MockOnly) || cs.Has(Destructive)) {
		if err := r.prepareMock(ctx, cs); err != nil {
			var skip skipError
			if errors.As(err, &skip) {
				res.Status, res.Reason = StatusSkip, skip.reason
				return res
			}
			res.Status, res.Failures = StatusFail, []string{err.Error()}
			return res
		}
	}
	c.execute(cs, r.timeout)
	res.Status, res.Reason, res.Failures, res.Calls = c.outcome()
	if r.recorder != nil && cs.Has(LiveSafe) && res.Status != StatusSkip {
		if err := r.recorder.write(cs.Name, c.exchanges(), r.o.Live); err != nil {
			res.Status = StatusFail
			res.Failures = append(res.Failures, err.Error())
		}
	}
	return res
}

// finish writes what the run leaves behind: the golden manifest.
func (r *runner) finish() error {
	if r.recorder == nil {
		return nil
	}
	return r.recorder.flush()
}

type skipError struct{ reason string }

func (e skipError) Error() string { return e.reason }

// exampleUsers are the documentation users mock-only cases rely on.
var exampleUsers = []string{"id1", "id2", "id_in_my_system_1", "your_extId", "your-extId", "externalid", "user_123"}

// prepareMock resets the tenant before a mock-only or destructive case.
// Before the first mock-only case it checks, once per run, that the
// target is netmera-mock seeded with the documentation examples.
func (r *runner) prepareMock(ctx context.Context, cs Case) error {
	if cs.Has(MockOnly) {
		if !r.examplesChecked {
			r.examplesChecked = true
			r.examplesErr = r.checkExamples(ctx)
		}
		if r.examplesErr != nil {
			return r.examplesErr
		}
	}
	return r.reset(ctx)
}

func (r *runner) checkExamples(ctx context.Context) error {
	var st mockState
	if err := r.control(ctx, http.MethodGet, "/_mock/state", &st); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, u := range st.Users {
		have[u.ExtID] = true
	}
	var missing []string
	for _, id := range exampleUsers {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return skipError{fmt.Sprintf("the target's data lacks the documentation examples %q that mock-only cases use; "+
			"seed the fake with its default fixtures (not -skip-examples)", missing)}
	}
	return nil
}

// reset puts the tenant back to its seeded state.
func (r *runner) reset(ctx context.Context) error {
	return r.control(ctx, http.MethodPost, "/_mock/reset", nil)
}
