package journal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Entry is one recorded request and the answer it got.
type Entry struct {
	Seq        uint64          `json:"seq"`  // assigned by Add: 1, 2, … per tenant, never reused
	Time       time.Time       `json:"time"` // when the request arrived; Add sets now when zero
	Tenant     string          `json:"-"`    // opaque tenant id, already masked by the caller
	Method     string          `json:"method"`
	Path       string          `json:"path"`
	Query      string          `json:"query,omitempty"`    // the raw query, without '?'
	Header     http.Header     `json:"headers"`            // request headers, secrets masked by Add
	Body       json.RawMessage `json:"body,omitempty"`     // raw bytes to Add; stored as JSON (see the package doc)
	Status     int             `json:"status"`             // the status the fake answered
	Response   json.RawMessage `json:"response,omitempty"` // same rule as Body
	DurationMS float64         `json:"durationMs"`
	ExtIDs     []string        `json:"extIds,omitempty"` // filled by Add from Query and Body
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
}

func (f Filter) match(e *Entry) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, e.Method) {
		return false
	}
	if !matchPath(f.Path, e.Path) {
		return false
	}
	if f.ExtID != "" && !slices.Contains(e.ExtIDs, f.ExtID) {
		return false
	}
	return f.Since.IsZero() || !e.Time.Before(f.Since)
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

// Journal holds the entries of every tenant, at most limit per tenant.
type Journal struct {
	limit int

	mu      sync.RWMutex
	tenants map[string]*ring
}

// ring is one tenant's entries: buf grows up to limit, then start marks
// the oldest entry and Add overwrites it.
type ring struct {
	buf     []Entry
	start   int
	seq     uint64
	dropped uint64
}

// each calls fn on the entries oldest first.
func (r *ring) each(fn func(*Entry)) {
	for i := range r.buf {
		fn(&r.buf[(r.start+i)%len(r.buf)])
	}
}

// New returns a journal that keeps at most limit entries per tenant. It
// panics if limit is below 1: the caller validates its flag.
func New(limit int) *Journal {
	if limit < 1 {
		panic(fmt.Sprintf("journal: limit %d, want at least 1", limit))
	}
	return &Journal{limit: limit, tenants: make(map[string]*ring)}
}

// Add records e for e.Tenant and returns it as stored: with its Seq, its
// Time when it had none, its headers masked, Body and Response as JSON and
// ExtIDs taken from Query and Body. e.Body and e.Response are the raw bytes
// as sent; Add copies everything it keeps.
func (j *Journal) Add(e Entry) Entry {
	q, _ := url.ParseQuery(e.Query) // a malformed query still yields what parsed
	e.ExtIDs = boundIDs(ExtIDs(q, e.Body))
	e.Header = maskHeader(e.Header)
	e.Body = storeJSON(e.Body)
	e.Response = storeJSON(e.Response)
	if e.Time.IsZero() {
		e.Time = time.Now()
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.tenants[e.Tenant]
	if r == nil {
		r = &ring{}
		j.tenants[e.Tenant] = r
	}
	r.seq++
	e.Seq = r.seq
	if len(r.buf) < j.limit {
		r.buf = append(r.buf, e)
	} else {
		r.buf[r.start] = e
		r.start = (r.start + 1) % len(r.buf)
		r.dropped++
	}
	return e
}

// List returns the entries f selects, oldest first; never nil.
func (j *Journal) List(f Filter) []Entry {
	j.mu.RLock()
	defer j.mu.RUnlock()
	out := []Entry{}
	if r := j.tenants[f.Tenant]; r != nil {
		r.each(func(e *Entry) {
			if f.match(e) {
				out = append(out, *e)
			}
		})
	}
	return out
}

// Count returns how many entries f selects. Entries the bound dropped are
// not counted: compare Dropped with zero when that matters.
func (j *Journal) Count(f Filter) int {
	j.mu.RLock()
	defer j.mu.RUnlock()
	n := 0
	if r := j.tenants[f.Tenant]; r != nil {
		r.each(func(e *Entry) {
			if f.match(e) {
				n++
			}
		})
	}
	return n
}

// Clear removes every entry of tenant, resets its Dropped count and
// returns how many entries it removed. Seq keeps increasing after it.
func (j *Journal) Clear(tenant string) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.tenants[tenant]
	if r == nil {
		return 0
	}
	n := len(r.buf)
	r.buf, r.start, r.dropped = nil, 0, 0
	return n
}

// Dropped returns how many entries of tenant the bound evicted since the
// journal was made or the tenant last cleared.
func (j *Journal) Dropped(tenant string) uint64 {
	j.mu.RLock()
	defer j.mu.RUnlock()
	if r := j.tenants[tenant]; r != nil {
		return r.dropped
	}
	return 0
}
