package mockserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/internal/spec"
	"github.com/netmera-mock/netmera-mock/state"
)

// Options tune how the server speaks; the zero value is Netmera's behaviour
// as documented. What a tenant enforces on its data lives in state.Settings.
type Options struct {
	// Logger receives the server's log lines (API keys masked); nil
	// discards them. One line per request is written at debug level.
	Logger *slog.Logger
	// AuthStatus is the HTTP status of a missing or unknown API key: 403
	// (the default, per Netmera's error table) or 401 (per newer prose).
	AuthStatus int
	// LenientOS accepts segment requests without a valid X-netmera-os
	// header, as the newest reference says the live server does.
	LenientOS bool
	// SingleObject says what array-bodied endpoints do with a single JSON
	// object: SingleObjectAuto (the default), SingleObjectAccept or
	// SingleObjectReject.
	SingleObject string
	// DeviceTokenShape picks the fields of getDeviceTokens entries:
	// ShapeBoth (the default), ShapeLegacy or ShapeCurrent.
	DeviceTokenShape string
	// MaxBodyBytes bounds request bodies; 0 means 16 MiB.
	MaxBodyBytes int64
	// StrictWhatsApp makes updateWhatsApp read only "wpNumber", one number
	// starting with "+", as the newest reference says the live API does;
	// otherwise the official reference's "wpNumbers" list is read too.
	StrictWhatsApp bool

	// NoValidation turns off request validation against the OpenAPI
	// document; the endpoints still check what they need.
	NoValidation bool
	// Document is the OpenAPI document requests are validated against and
	// /_mock/openapi.* serve; nil means the embedded one. It must have been
	// loaded and validated (contracts.Load) and must not change after.
	Document *openapi3.T
	// JournalSize is how many requests the journal keeps per tenant, oldest
	// dropped first; 0 means 1000, a negative value turns the journal off.
	JournalSize int
	// FaultSeed seeds the draws of probabilistic fault rules.
	FaultSeed int64
	// FaultMaxLatency is the longest latencyMs a fault rule may ask; 0
	// means 30 s. Keep it below the http.Server's WriteTimeout: an answer
	// held past that is never delivered.
	FaultMaxLatency time.Duration
	// AdminToken, when set, is required as "Authorization: Bearer <token>"
	// on /_mock/ (except /_mock/health and /_mock/ready).
	AdminToken string
	// NoControl turns /_mock/ off, but for /_mock/health and /_mock/ready,
	// for a fake reachable by others.
	NoControl bool
	// Seeder builds the seed function of POST /_mock/seed from its body:
	// pass a fixtures.Seeder's Reseed. Without it, POST /_mock/seed
	// answers 501.
	Seeder func(SeedSpec) state.SeedFunc
	// MaxSeedUsers bounds the users one POST /_mock/seed may ask for; 0
	// means DefaultMaxSeedUsers. The users of the server's own start are
	// not bounded by it.
	MaxSeedUsers int
}

// SeedSpec is the body of POST /_mock/seed: a new seed and sizes for the
// caller's tenant. Zero sizes take the generator's defaults.
type SeedSpec = state.SeedSpec

// DefaultJournalSize is how many requests the journal keeps per tenant.
const DefaultJournalSize = 1000

// Values of Options.SingleObject.
const (
	// SingleObjectAuto accepts a single object only where a real client
	// sends one (deleteProfileAttributeValue) or Netmera documents no
	// validation or 200 in every case (deleteProfileAttributes,
	// addTesters), and refuses it elsewhere with 2009.
	SingleObjectAuto   = "auto"
	SingleObjectAccept = "accept"
	SingleObjectReject = "reject"
)

// Values of Options.DeviceTokenShape.
const (
	// ShapeBoth gives every field either generation of the docs names.
	ShapeBoth = "both"
	// ShapeLegacy gives platform, token, deviceModel, pushPermitted.
	ShapeLegacy = "legacy"
	// ShapeCurrent gives installationId, platform, extId, deviceToken.
	ShapeCurrent = "current"
)

// Server is the fake Netmera REST API over a state.Store, as an
// http.Handler; it never owns a listener.
type Server struct {
	store   *state.Store
	opts    Options
	log     *slog.Logger
	started time.Time

	api map[string]*endpoint // Netmera's endpoints, by path under /rest/3.0/

	doc     *openapi3.T
	index   *spec.Index      // nil when validation is off
	journal *journal.Journal // nil when the journal is off
	faults  *faults.Set
	watch   *watchers // the inspector's open streams

	limitLog lineLimiter // log lines of keys refused by the tenant limit

	// freeing is 0 when no memory is being handed back (see released), 1
	// while it is, 2 when it must be done once more after that.
	freeing atomic.Int32
}

// New returns the fake API serving store's tenants. The OpenAPI document
// is parsed and indexed once per process, so a server is cheap to make.
func New(store *state.Store, opts Options) (*Server, error) {
	if store == nil {
		return nil, errors.New("mockserver: nil store")
	}
	switch opts.AuthStatus {
	case 0:
		opts.AuthStatus = http.StatusForbidden
	case http.StatusForbidden, http.StatusUnauthorized:
	default:
		return nil, fmt.Errorf("mockserver: auth status must be 401 or 403, not %d", opts.AuthStatus)
	}
	switch opts.SingleObject {
	case "":
		opts.SingleObject = SingleObjectAuto
	case SingleObjectAuto, SingleObjectAccept, SingleObjectReject:
	default:
		return nil, fmt.Errorf("mockserver: single-object policy must be auto, accept or reject, not %q", opts.SingleObject)
	}
	switch opts.DeviceTokenShape {
	case "":
		opts.DeviceTokenShape = ShapeBoth
	case ShapeBoth, ShapeLegacy, ShapeCurrent:
	default:
		return nil, fmt.Errorf("mockserver: device token shape must be both, legacy or current, not %q", opts.DeviceTokenShape)
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 16 << 20
	}
	if opts.MaxSeedUsers <= 0 {
		opts.MaxSeedUsers = DefaultMaxSeedUsers
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{store: store, opts: opts, log: log, started: time.Now(), api: map[string]*endpoint{},
		doc: opts.Document, faults: faults.NewSet(opts.FaultSeed, faults.MaxLatency(opts.FaultMaxLatency)), watch: newWatchers()}
	if s.doc == nil {
		doc, err := spec.Default()
		if err != nil {
			return nil, err
		}
		s.doc = doc
	}
	if !opts.NoValidation {
		s.index = spec.IndexFor(s.doc)
	}
	switch {
	case opts.JournalSize == 0:
		s.journal = journal.New(DefaultJournalSize)
	case opts.JournalSize > 0:
		s.journal = journal.New(opts.JournalSize)
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the Netmera API under /rest/3.0/ and the control API
// under /_mock/. Every request goes through one writer (exchange) and one
// deferred finish, which recovers a panic, journals and logs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{ResponseWriter: w, status: http.StatusOK, start: time.Now()}
	defer s.finish(x, r)
	switch {
	case strings.HasPrefix(r.URL.Path, apiPrefix):
		s.serveAPI(x, r)
	case strings.HasPrefix(r.URL.Path, controlPrefix):
		s.serveControl(x, r)
	default:
		s.notFound(x, r)
	}
}

// lineLimiter lets through at most one log line a second, counting the
// lines it held back, so that a flood of bad requests cannot flood the log.
type lineLimiter struct {
	mu   sync.Mutex
	last time.Time
	held int
}

// allow reports whether a line may be written now and how many were held
// back since the last one.
func (l *lineLimiter) allow(now time.Time) (held int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.last) < time.Second {
		l.held++
		return 0, false
	}
	held, l.held, l.last = l.held, 0, now
	return held, true
}
