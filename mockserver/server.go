package mockserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

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
}

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
	methods map[string][]string // path -> allowed methods, for 405 answers
	started time.Time
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
	s := &Server{store: store, opts: opts, log: log, router: mux.NewRouter(), methods: map[string][]string{}, started: time.Now()}
	s.routes()
	return s, nil
}

// ServeHTTP serves the Netmera API and the /_mock control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p))
			if !rec.wrote {
				writeError(rec, &state.Error{Kind: state.KindInternal, Code: state.CodeInternal, Message: "An unexpected error occurred. Retry later."}, s.opts.AuthStatus)
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
	s.router.ServeHTTP(rec, r)
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
