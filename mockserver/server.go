package mockserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/internal/faults"
	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/state"
)

// Options tune how the server speaks; the zero value is Netmera's behaviour
// as documented. What a tenant enforces on its data lives in state.Settings.
type Options struct {
	// Logger receives one line per request (API keys masked); nil discards.
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

	// NoValidation turns off request validation against the OpenAPI
	// document; the endpoints still check what they need.
	NoValidation bool
	// Document is the OpenAPI document requests are validated against and
	// /_mock/openapi.* serve; nil means the embedded contracts document.
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
	// Seeder builds the seed function of POST /_mock/seed; nil means
	// generated fixtures (fixtures.Generate).
	Seeder func(SeedSpec) state.SeedFunc
}

// SeedSpec is the body of POST /_mock/seed: a new seed and sizes for the
// caller's tenant. Zero sizes take the generator's defaults.
type SeedSpec struct {
	Seed     int64 `json:"seed"`
	Users    int   `json:"users"`
	Segments int   `json:"segments"`
	Messages int   `json:"messages"`
}

// DefaultJournalSize is how many requests the journal keeps per tenant.
const DefaultJournalSize = 1000

// Values of Options.SingleObject.
const (
	// SingleObjectAuto accepts a single object only where a real client
	// sends one or Netmera documents no validation (deleteProfileAttributes,
	// deleteProfileAttributeValue), and refuses it elsewhere with 2009.
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
	router  *mux.Router
	methods map[string][]string // path -> methods, for the list of routes
	started time.Time
	// freeing is 0 when no memory is being handed back (see released), 1
	// while it is, 2 when it must be done once more after that.
	freeing atomic.Int32

	doc       *openapi3.T
	validator *contracts.Validator // nil when validation is off
	journal   *journal.Journal     // nil when the journal is off
	faults    *faults.Set
}

// New returns the fake API serving store's tenants.
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
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{store: store, opts: opts, log: log, router: mux.NewRouter(), methods: map[string][]string{}, started: time.Now(),
		doc: opts.Document, faults: faults.NewSet(opts.FaultSeed, faults.MaxLatency(opts.FaultMaxLatency))}
	if s.doc == nil {
		doc, err := contracts.Default()
		if err != nil {
			return nil, err
		}
		s.doc = doc
	}
	if !opts.NoValidation {
		v, err := contracts.NewValidator(s.doc)
		if err != nil {
			return nil, fmt.Errorf("mockserver: %w", err)
		}
		s.validator = v
	}
	switch {
	case opts.JournalSize == 0:
		s.journal = journal.New(DefaultJournalSize)
	case opts.JournalSize > 0:
		s.journal = journal.New(opts.JournalSize)
	}
	if s.opts.Seeder == nil {
		s.opts.Seeder = generatedSeed
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the Netmera API and the /_mock control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { // a dropped connection, on purpose
				panic(p)
			}
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if !rec.wrote {
				writeError(rec, errInternal(), s.opts.AuthStatus)
			}
		}
		if s.log.Enabled(r.Context(), slog.LevelInfo) {
			s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"key", state.KeyID(r.Header.Get(apiKeyHeader)), "duration", time.Since(start))
		}
	}()
	// The limit is set on w, not rec: only the server's own writer can be
	// told to close the connection once a body is over it.
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
	switch {
	case strings.HasPrefix(r.URL.Path, apiPrefix):
		s.serveAPI(rec, r)
	case strings.HasPrefix(r.URL.Path, controlPrefix) && !s.controlAllowed(rec, r):
	default:
		s.router.ServeHTTP(rec, r)
	}
}

// statusRecorder remembers the status a handler wrote, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
