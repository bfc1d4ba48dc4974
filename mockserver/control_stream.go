package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// GET /_mock/stream tells a watcher, the inspector page, that its
// tenant's journal or data changed, so that it fetches what it shows
// instead of polling. It is a text/event-stream read with fetch, so that
// the API key travels in its header as on every other call (EventSource
// cannot send headers, and a key in the URL would land in logs and
// history).
//
// The request path pays for it in finish: one atomic load when nobody
// watches, and a map lookup and a non-blocking send per watcher of the
// tenant when someone does. Bursts are coalesced: a watcher gets at most
// one event per streamGap, however many requests arrive.

// Bounds of the streams.
const (
	// maxStreamsPerTenant and maxStreams bound the open streams.
	maxStreamsPerTenant = 16
	maxStreams          = 256
	// streamGap is the least time between two change events of a stream.
	streamGap = 250 * time.Millisecond
	// streamPing is how often an idle stream says it is alive (and the
	// page refreshes what a running clock may have changed).
	streamPing = 15 * time.Second
	// streamLife ends a stream after that long; the page opens another.
	streamLife = 30 * time.Minute
	// streamWrite bounds the writing of one event, in place of the
	// http.Server's write timeout, which a long stream would outlive.
	streamWrite = 20 * time.Second
)

// watchers are the open streams, by tenant. The request path reads the
// map through one atomic load and takes no lock: the map is replaced
// whole under mu when a stream opens or closes, never modified.
type watchers struct {
	subs atomic.Pointer[map[string][]chan struct{}] // nil when no stream is open

	mu     sync.Mutex
	n      int           // open streams, guarded by mu
	closed chan struct{} // closed by closeAll
	once   sync.Once
}

func newWatchers() *watchers { return &watchers{closed: make(chan struct{})} }

// changed wakes the streams of tenant. It never blocks: a stream already
// woken stays woken once.
func (w *watchers) changed(tenant string) {
	m := w.subs.Load()
	if m == nil {
		return
	}
	for _, c := range (*m)[tenant] {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// changedAll wakes every stream.
func (w *watchers) changedAll() {
	if m := w.subs.Load(); m != nil {
		for t := range *m {
			w.changed(t)
		}
	}
}

// errTooManyStreams refuses a stream over the bounds.
var errTooManyStreams = errors.New("too many open streams")

// add opens a stream of tenant and returns its channel.
func (w *watchers) add(tenant string) (chan struct{}, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.load()
	if w.n >= maxStreams || len(old[tenant]) >= maxStreamsPerTenant {
		return nil, errTooManyStreams
	}
	c := make(chan struct{}, 1)
	m := make(map[string][]chan struct{}, len(old)+1)
	for t, cs := range old {
		m[t] = cs
	}
	m[tenant] = append(append([]chan struct{}(nil), old[tenant]...), c)
	w.n++
	w.subs.Store(&m)
	return c, nil
}

// remove closes a stream of tenant.
func (w *watchers) remove(tenant string, c chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.load()
	m := make(map[string][]chan struct{}, len(old))
	for t, cs := range old {
		if t != tenant {
			m[t] = cs
			continue
		}
		var kept []chan struct{}
		for _, x := range cs {
			if x != c {
				kept = append(kept, x)
			}
		}
		if len(kept) > 0 {
			m[t] = kept
		}
	}
	w.n--
	if len(m) == 0 {
		w.subs.Store(nil) // the request path is back to one load
		return
	}
	w.subs.Store(&m)
}

func (w *watchers) load() map[string][]chan struct{} {
	if m := w.subs.Load(); m != nil {
		return *m
	}
	return nil
}

// closeAll ends every stream, and refuses new ones.
func (w *watchers) closeAll() { w.once.Do(func() { close(w.closed) }) }

// CloseStreams ends the open GET /_mock/stream responses and refuses new
// ones, so that a graceful shutdown need not wait for them: pass it to
// http.Server.RegisterOnShutdown.
func (s *Server) CloseStreams() { s.watch.closeAll() }

// streamEvent is the data of a change event: the span of the journal and
// the tenant's generation, so that the page fetches only what moved.
type streamEvent struct {
	// First and Last number the oldest and newest entries the journal
	// holds (journal.Span).
	First      uint64 `json:"first"`
	Last       uint64 `json:"last"`
	Generation uint64 `json:"generation"`
}

// stream serves GET /_mock/stream for the caller's tenant: an event
// "change" at once and whenever the tenant's journal or data may have
// changed, a "ping" every streamPing.
func (s *Server) stream(w http.ResponseWriter, r *http.Request) {
	t, _, ok := s.controlTenant(w, r)
	if !ok {
		return
	}
	select {
	case <-s.watch.closed:
		writeProblem(w, r, http.StatusServiceUnavailable, "The server is shutting down.")
		return
	default:
	}
	c, err := s.watch.add(t.ID())
	if err != nil {
		w.Header().Set("Retry-After", "5")
		writeProblem(w, r, http.StatusServiceUnavailable, fmt.Sprintf(
			"Too many open streams (at most %d per app, %d in all): close a page of the inspector.", maxStreamsPerTenant, maxStreams))
		return
	}
	defer s.watch.remove(t.ID(), c)

	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not hold the events back
	w.WriteHeader(http.StatusOK)
	send := func(event string, data any) bool {
		b, _ := json.Marshal(data)
		_ = rc.SetWriteDeadline(time.Now().Add(streamWrite))
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	changed := func() bool {
		var ev streamEvent
		if s.journal != nil {
			ev.First, ev.Last = s.journal.Span(t.ID())
		}
		ev.Generation = t.Generation()
		return send("change", ev)
	}
	if !changed() {
		return
	}
	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	life := time.NewTimer(streamLife)
	defer life.Stop()
	gap := time.NewTimer(streamGap)
	gap.Stop()
	for {
		select {
		case <-c:
			if !changed() {
				return
			}
			// Changes meanwhile wait in c, one for all of them.
			gap.Reset(streamGap)
			select {
			case <-gap.C:
			case <-r.Context().Done():
				return
			case <-s.watch.closed:
				return
			}
		case <-ping.C:
			if !send("ping", struct{}{}) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.watch.closed:
			return
		case <-life.C:
			return
		}
	}
}

// tenantChanged marks the request's tenant as changed, for the streams,
// when w is the request's exchange.
func tenantChanged(w http.ResponseWriter, t *state.Tenant) {
	if x, ok := w.(*exchange); ok {
		x.tenant = t.ID()
	}
}
