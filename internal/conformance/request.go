package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/journal"
	"github.com/netmera-mock/netmera-mock/internal/jsonvalue"
	"github.com/netmera-mock/netmera-mock/state"
)

// Request is one request a client sent and the answer it got, as the
// rules read it: a journal entry (FromEntries), or a request a test
// recorded.
type Request struct {
	// Seq names the request in findings: the journal's sequence number.
	Seq      uint64
	Time     time.Time     // when the request arrived
	Duration time.Duration // until its answer was written
	Method   string
	Path     string
	Query    string // raw, without '?'
	// Header holds the request's headers with secret values masked as
	// the journal masks them (state.KeyID): the rules compare keys by
	// their ID and never see or show one in clear.
	Header http.Header
	// Body is the body as sent, or its first bytes when Cut; Response
	// likewise the answer's body.
	Body        []byte
	Cut         bool
	Status      int // 0: no answer reached the client
	Response    []byte
	ResponseCut bool
	// NextPage is the answer's nextPage link, when the server kept it
	// apart; otherwise the rules read it from Response.
	NextPage string
	// RetryAfter is the answer's Retry-After header; Fault the fault rule
	// that answered instead of the fake.
	RetryAfter string
	Fault      string
	// Notes are what the server noticed that the answer does not show (a
	// shape a lenient switch let through, a repeated member).
	Notes []string
}

// FromEntries turns journal entries, as journal.List returns them, into
// requests: bodies back to their bytes, timings from their fields.
func FromEntries(entries []journal.Entry) []Request {
	out := make([]Request, len(entries))
	for i, e := range entries {
		body, cut := rawBody(e.Body)
		resp, respCut := rawBody(e.Response)
		out[i] = Request{Seq: e.Seq, Time: e.Time, Duration: time.Duration(e.DurationMS * float64(time.Millisecond)),
			Method: e.Method, Path: e.Path, Query: e.Query, Header: e.Header, Body: body, Cut: cut,
			Status: e.Status, Response: resp, ResponseCut: respCut, NextPage: e.NextPage,
			RetryAfter: e.RetryAfter, Fault: e.Fault, Notes: e.Notes}
	}
	return out
}

// truncatedPrefix starts the marker journal.List shows instead of a body
// it cut.
const truncatedPrefix = `{"truncated":true,"size":`

// rawBody undoes journal.List's view of a body: the kept prefix of a cut
// body, the text of a body that was not JSON, JSON as it is.
func rawBody(b json.RawMessage) ([]byte, bool) {
	switch {
	case len(b) == 0:
		return nil, false
	case bytes.HasPrefix(b, []byte(truncatedPrefix)):
		var m struct {
			Prefix string `json:"prefix"`
		}
		if json.Unmarshal(b, &m) == nil {
			return []byte(m.Prefix), true
		}
	case b[0] == '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			return []byte(s), false
		}
	}
	return b, false
}

// entry is a request with what the rules read from it, computed once.
type entry struct {
	*Request
	i     int    // the request's place in arrival order
	name  string // endpoint name under /rest/3.0/
	query url.Values

	parsed bool
	value  any      // the body as JSON; nil when none or not JSON
	dups   []string // members repeated in one object

	idsDone bool
	ids     map[string]map[string]bool // kind → IDs

	envDone bool
	env     *envelope
}

type envelope struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

func newEntry(r *Request) *entry {
	q, _ := url.ParseQuery(r.Query) // what parsed, even from a malformed query
	return &entry{Request: r, name: endpointName(r.Path), query: q}
}

func (e *entry) hasBody() bool { return len(e.Body) > 0 }

func (e *entry) ok() bool { return e.Status >= 200 && e.Status < 300 }

// json returns the body parsed, nil when there is none, it was cut or it
// is not JSON.
func (e *entry) json() any {
	if !e.parsed {
		e.parsed = true
		if e.hasBody() && !e.Cut {
			if v, info, err := jsonvalue.Parse(e.Body, jsonvalue.Limits{}); err == nil {
				e.value, e.dups = v, info.DuplicateKeys
			}
		}
	}
	return e.value
}

// object reports whether the body is a single JSON object.
func (e *entry) object() bool {
	_, ok := e.json().(map[string]any)
	return ok
}

// envelope returns the answer's Netmera error envelope, nil when it is
// none.
func (e *entry) envelope() *envelope {
	if !e.envDone {
		e.envDone = true
		var env envelope
		dec := json.NewDecoder(bytes.NewReader(e.Response))
		dec.DisallowUnknownFields()
		if !e.ResponseCut && dec.Decode(&env) == nil && env.Code != 0 {
			e.env = &env
		}
	}
	return e.env
}

// idSet returns the identifiers the body names, by kind.
func (e *entry) idSet() map[string]map[string]bool {
	if !e.idsDone {
		e.idsDone = true
		if v := e.json(); v != nil {
			e.ids = map[string]map[string]bool{}
			idsOf(v, "", e.ids)
		} else {
			e.ids = scanIDs(e.Body) // a cut body: what its first bytes name
		}
	}
	return e.ids
}

// idCount is how many unique identifiers the body names.
func (e *entry) idCount() int {
	n := 0
	for _, ids := range e.idSet() {
		n += len(ids)
	}
	return n
}

// nextPage returns the answer's nextPage link, "" when it has none.
func (e *entry) nextPage() string {
	if e.NextPage != "" || e.ResponseCut {
		return e.NextPage
	}
	var page struct {
		NextPage string `json:"nextPage"`
	}
	_ = json.Unmarshal(e.Response, &page)
	return page.NextPage
}

// keyID is the masked API key the request carried in X-netmera-api-key.
func (e *entry) keyID() string {
	return e.Header.Get("X-Netmera-Api-Key")
}

// fingerprint is what makes two requests the same request sent again.
func (e *entry) fingerprint() string {
	return e.Method + " " + e.Path + "?" + e.Query + "\n" + string(e.Body)
}

// end is when the answer was written.
func (e *entry) end() time.Time { return e.Time.Add(e.Duration) }

// describe names the request in a finding: method, path and query, with
// any value that looks like an API key shown as its ID.
func (e *entry) describe() string {
	s := e.Method + " " + e.Path
	if e.Query != "" {
		s += "?" + maskQuery(e.query, e.keyID())
	}
	return s
}

// maskQuery encodes q with key-like parameters, and any value that is the
// key, replaced by the value's state.KeyID.
func maskQuery(q url.Values, keyID string) string {
	masked := url.Values{}
	for name, vs := range q {
		for _, v := range vs {
			if isKeyParam(name) || keyID != "" && state.KeyID(v) == keyID {
				v = state.KeyID(v)
			}
			masked.Add(name, v)
		}
	}
	return masked.Encode()
}

// answer shows the answer briefly: its status, and its envelope or the
// start of its body.
func (e *entry) answer() string {
	if e.Status == 0 {
		return "no answer"
	}
	s := fmt.Sprint(e.Status)
	if env := e.envelope(); env != nil {
		return s + fmt.Sprintf(` {"code":%d,"error":%q}`, env.Code, env.Error)
	}
	if len(e.Response) > 0 {
		b := strings.TrimSpace(strings.ToValidUTF8(string(e.Response), "\uFFFD"))
		if len(b) > 120 {
			b = strings.ToValidUTF8(b[:120], "") + "…"
		}
		s += " " + strconv.Quote(b)
	}
	return s
}

// contentType is the request's media type, "" when it has none.
func (e *entry) contentType() (string, bool) {
	ct := e.Header.Get("Content-Type")
	if ct == "" {
		return "", false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ct, true
	}
	return mt, true
}
