package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Entry is one recorded request and the answer it got. Add takes it raw
// (Body and Response as the bytes that were sent, Header as the request
// had it); List returns it interpreted (Header masked, Body and Response
// as JSON, ExtIDs filled).
type Entry struct {
	Seq        uint64          `json:"seq"`  // assigned by Add: 1, 2, … per tenant, never reused
	Time       time.Time       `json:"time"` // when the request arrived; Add sets now when zero
	Tenant     string          `json:"-"`    // opaque tenant id, already masked by the caller
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Query      string          `json:"query,omitempty"`    // the raw query, without '?'
	Header     http.Header     `json:"headers"`            // request headers; secrets masked in List
	Body       json.RawMessage `json:"body,omitempty"`     // raw bytes to Add; JSON in List (see the package doc)
	Status     int             `json:"status"`             // the status the fake answered; 0 for a dropped connection
	Response   json.RawMessage `json:"response,omitempty"` // same rule as Body
	DurationMS float64         `json:"durationMs"`
	ExtIDs     []string        `json:"extIds,omitempty"` // filled by List from Query and Body
	// NextPage is the nextPage link of a page the fake answered, kept
	// apart because a long page's Response may be cut; RetryAfter and
	// Fault are the answer's Retry-After header and the fault rule that
	// answered (X-Netmera-Mock-Fault). Added by the caller.
	NextPage   string `json:"nextPage,omitempty"`
	RetryAfter string `json:"retryAfter,omitempty"`
	Fault      string `json:"fault,omitempty"`
	// Notes are what the server noticed about the request that its answer
	// does not show: a shape accepted only by a lenient switch, a repeated
	// JSON member. Added by the caller.
	Notes []string `json:"notes,omitempty"`
	// Truncated says what Add cut to keep the entry within its bounds.
	Truncated []string `json:"truncated,omitempty"`

	bodySize, respSize int  // sizes before truncation
	idsDone            bool // ExtIDs computed (kept in the ring)
}

// Filter selects entries of one tenant. Its other fields, when empty or
// zero, select any value.
type Filter struct {
	// Tenant is matched exactly, even when empty: no filter spans tenants.
	Tenant string
	// Method is matched without regard to case.
	Method string
	// Path is an exact path or, ending in '*', a prefix ("/rest/3.0/*").
	Path string
	// ExtID selects entries whose ExtIDs include it.
	ExtID string
	// Since selects entries whose Time is at or after it.
	Since time.Time
	// After selects entries whose Seq is above it: a caller that saw
	// entries up to Seq n asks for After n to get only the newer ones.
	After uint64
}

// match reports whether the filter selects e; it may fill e's ExtIDs.
func (f Filter) match(e *Entry) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, e.Method) {
		return false
	}
	if !matchPath(f.Path, e.Path) {
		return false
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	return f.ExtID == "" || slices.Contains(e.extIDs(), f.ExtID)
}

// matchPath reports whether path matches pattern: an empty pattern matches
// any path, a pattern ending in '*' matches the paths it is a prefix of
// (without the '*'), and any other pattern matches only itself.
func matchPath(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(path, prefix)
	}
	return pattern == "" || pattern == path
}

// Bounds of what one tenant's journal holds.
const (
	// MaxBody is the largest body or response kept whole, in bytes; a
	// larger one keeps its first MaxBody bytes and is shown as a marker
	// holding its size and that prefix.
	MaxBody = 64 << 10
	// MaxHeader is the most header bytes (names and values) one entry
	// keeps; values past it are cut, and the entry says so.
	MaxHeader = 16 << 10
	// DefaultMaxBytes is the default budget of one tenant's journal: when
	// its entries hold more, the oldest are dropped, whatever the limit
	// on their number.
	DefaultMaxBytes = 32 << 20
)

// Journal holds the entries of every tenant, at most limit per tenant and
// at most maxBytes of them.
type Journal struct {
	limit    int
	maxBytes int

	mu      sync.RWMutex
	tenants map[string]*ring
}

// ring is one tenant's entries, oldest first from start, with its own
// lock so that tenants never wait for each other.
type ring struct {
	mu      sync.Mutex
	buf     []Entry
	start   int
	n       int
	bytes   int
	seq     uint64
	dropped uint64
}

// New returns a journal that keeps at most limit entries per tenant, and
// at most DefaultMaxBytes of them. It panics if limit is below 1: the
// caller validates its flag.
func New(limit int) *Journal {
	return NewSized(limit, DefaultMaxBytes)
}

// NewSized is New with a byte budget per tenant instead of the default.
func NewSized(limit, maxBytes int) *Journal {
	if limit < 1 || maxBytes < 1 {
		panic(fmt.Sprintf("journal: limit %d, %d bytes; want at least 1 of each", limit, maxBytes))
	}
	return &Journal{limit: limit, maxBytes: maxBytes, tenants: make(map[string]*ring)}
}

func (j *Journal) ring(tenant string, create bool) *ring {
	j.mu.RLock()
	r := j.tenants[tenant]
	j.mu.RUnlock()
	if r != nil || !create {
		return r
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if r = j.tenants[tenant]; r == nil {
		r = &ring{}
		j.tenants[tenant] = r
	}
	return r
}

// Add records e for e.Tenant and returns its Seq. It keeps e.Body,
// e.Response and e.Header as they are, without copying them, unless they
// are over their bounds (then it keeps a cut copy and says so in
// Truncated): the caller must not modify them after Add. The work of
// masking and decoding is left to List.
func (j *Journal) Add(e Entry) uint64 {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.ExtIDs, e.idsDone = nil, false
	e.bodySize, e.respSize = len(e.Body), len(e.Response)
	if len(e.Body) > MaxBody {
		e.Body = bytes.Clone(e.Body[:MaxBody])
	}
	if len(e.Response) > MaxBody {
		e.Response = bytes.Clone(e.Response[:MaxBody])
	}
	e.Header, e.Truncated = boundHeader(e.Header, e.Truncated)
	size := e.size()

	r := j.ring(e.Tenant, true)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e.Seq = r.seq
	for r.n > 0 && (r.n >= j.limit || r.bytes+size > j.maxBytes) {
		r.bytes -= r.buf[r.start].size()
		r.buf[r.start] = Entry{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
		r.dropped++
	}
	if r.n == len(r.buf) { // grow: the ring is full below its limit
		grown := make([]Entry, min(max(2*len(r.buf), 8), j.limit))
		for i := range r.n {
			grown[i] = r.buf[(r.start+i)%len(r.buf)]
		}
		r.buf, r.start = grown, 0
	}
	r.buf[(r.start+r.n)%len(r.buf)] = e
	r.n++
	r.bytes += size
	return e.Seq
}

// size is what an entry costs the tenant's budget, roughly.
func (e *Entry) size() int {
	n := 256 + len(e.Method) + len(e.Path) + len(e.Query) + len(e.Body) + len(e.Response) +
		len(e.NextPage) + len(e.RetryAfter) + len(e.Fault)
	for k, vs := range e.Header {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	for _, s := range e.Notes {
		n += len(s)
	}
	return n
}

// each calls fn on the entries oldest first whose Seq is above after,
// the ring locked. Seqs in the ring are consecutive, so the first one is
// found without a walk.
func (r *ring) each(after uint64, fn func(*Entry)) {
	for i := r.skip(after); i < r.n; i++ {
		fn(&r.buf[(r.start+i)%len(r.buf)])
	}
}

// skip is how many of the ring's entries have a Seq at or below after.
func (r *ring) skip(after uint64) int {
	if r.n == 0 {
		return 0
	}
	first := r.buf[r.start].Seq
	if after < first {
		return 0
	}
	return int(min(after-first+1, uint64(r.n)))
}

// List returns the entries f selects, oldest first, interpreted (see the
// package doc); never nil.
func (j *Journal) List(f Filter) []Entry {
	out := []Entry{}
	r := j.ring(f.Tenant, false)
	if r == nil {
		return out
	}
	r.mu.Lock()
	var picked []Entry
	r.each(f.After, func(e *Entry) {
		if f.match(e) {
			e.extIDs() // computed once, kept in the ring
			picked = append(picked, *e)
		}
	})
	r.mu.Unlock()
	for _, e := range picked { // interpreted outside the lock
		out = append(out, e.view())
	}
	return out
}

// Summaries returns the entries f selects, oldest first, without their
// headers, body and response: what a list of requests shows, at a
// fraction of List's cost. ExtIDs are filled and secrets in the query
// masked, as List shows them; never nil.
func (j *Journal) Summaries(f Filter) []Entry {
	out := []Entry{}
	r := j.ring(f.Tenant, false)
	if r == nil {
		return out
	}
	r.mu.Lock()
	r.each(f.After, func(e *Entry) {
		if f.match(e) {
			e.extIDs()
			s := *e
			s.Header, s.Body, s.Response = nil, nil, nil
			out = append(out, s)
		}
	})
	r.mu.Unlock()
	for i := range out { // masked outside the lock, as List does
		out[i].Query = maskQuery(out[i].Query)
	}
	return out
}

// Get returns tenant's entry numbered seq, interpreted as List shows it,
// if the journal still holds it. It costs the same whatever the journal
// holds.
func (j *Journal) Get(tenant string, seq uint64) (Entry, bool) {
	r := j.ring(tenant, false)
	if r == nil {
		return Entry{}, false
	}
	r.mu.Lock()
	i := r.skip(seq - 1)
	if seq == 0 || r.n == 0 || i >= r.n || r.buf[(r.start+i)%len(r.buf)].Seq != seq {
		r.mu.Unlock()
		return Entry{}, false
	}
	e := &r.buf[(r.start+i)%len(r.buf)]
	e.extIDs()
	picked := *e
	r.mu.Unlock()
	return picked.view(), true
}

// Span returns the Seq of tenant's oldest and newest entries: first is
// last+1 when it holds none, and both are 0 before its first request.
// Seqs go on increasing after Clear and the entries held are numbered
// first to last without a gap, so a caller that copied entries drops
// those below first and fetches those above the last it has.
func (j *Journal) Span(tenant string) (first, last uint64) {
	r := j.ring(tenant, false)
	if r == nil {
		return 0, 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq - uint64(r.n) + 1, r.seq
}

// Count returns how many entries f selects. Entries the bounds dropped are
// not counted: compare Dropped with zero when that matters.
func (j *Journal) Count(f Filter) int {
	r := j.ring(f.Tenant, false)
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	r.each(f.After, func(e *Entry) {
		if f.match(e) {
			n++
		}
	})
	return n
}

// Clear removes every entry of tenant, resets its Dropped count and
// returns how many entries it removed. Seq keeps increasing after it.
func (j *Journal) Clear(tenant string) int {
	r := j.ring(tenant, false)
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n
	r.buf, r.start, r.n, r.bytes, r.dropped = nil, 0, 0, 0, 0
	return n
}

// ClearAll clears every tenant, as Clear does each, and returns how many
// entries it removed in all.
func (j *Journal) ClearAll() int {
	j.mu.RLock()
	tenants := make([]string, 0, len(j.tenants))
	for t := range j.tenants {
		tenants = append(tenants, t)
	}
	j.mu.RUnlock()
	n := 0
	for _, t := range tenants {
		n += j.Clear(t)
	}
	return n
}

// Tenants returns the tenants that have a journal, entries or not (one
// cleared keeps its journal), sorted.
func (j *Journal) Tenants() []string {
	j.mu.RLock()
	out := make([]string, 0, len(j.tenants))
	for t := range j.tenants {
		out = append(out, t)
	}
	j.mu.RUnlock()
	slices.Sort(out)
	return out
}

// Dropped returns how many entries of tenant the bounds evicted since the
// journal was made or the tenant last cleared.
func (j *Journal) Dropped(tenant string) uint64 {
	r := j.ring(tenant, false)
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// extIDs returns the entry's external IDs, computing them once.
func (e *Entry) extIDs() []string {
	if !e.idsDone {
		q, _ := url.ParseQuery(e.Query) // a malformed query still yields what parsed
		e.ExtIDs, e.idsDone = boundIDs(ExtIDs(q, e.Body)), true
	}
	return e.ExtIDs
}

// view is the entry as List shows it. It shares nothing mutable with the
// stored entry but the ExtIDs slice, which is never modified.
func (e Entry) view() Entry {
	e.ExtIDs = e.extIDs()
	e.Header = maskHeader(e.Header)
	e.Query = maskQuery(e.Query)
	e.Body = storeJSON(e.Body, e.bodySize)
	e.Response = storeJSON(e.Response, e.respSize)
	return e
}
