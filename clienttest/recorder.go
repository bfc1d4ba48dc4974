package clienttest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Request is one request the fake received (or, against the live API,
// one request the client sent) and the answer it got.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the request body, Response the response body; each is cut
	// to its first MaxBody bytes.
	Body     []byte
	Status   int
	Response []byte
	// Time is when the request arrived (or was sent, against the live
	// API), Duration how long until its answer was read; ResponseHeader
	// holds the answer's headers.
	Time           time.Time
	Duration       time.Duration
	ResponseHeader http.Header
}

// MaxRecorded is the most requests a recorder keeps; later ones are
// counted but not kept.
const MaxRecorded = 10_000

// MaxBody is the most bytes of a body or response a recorder keeps.
const MaxBody = 4 << 20

// recorder keeps requests in arrival order. It tracks requests still being
// served, so that a reader can wait for the last answer to be recorded.
type recorder struct {
	mu       sync.Mutex
	reqs     []Request
	total    int
	inflight int
}

func (r *recorder) begin() {
	r.mu.Lock()
	r.inflight++
	r.mu.Unlock()
}

func (r *recorder) end(req *Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inflight--
	if req == nil {
		return
	}
	r.total++
	if len(r.reqs) < MaxRecorded {
		r.reqs = append(r.reqs, *req)
	}
}

// settle waits, up to a second, until no request is being served: the
// client sees the end of a response only after it is recorded, but one
// that stops reading early may return first.
func (r *recorder) settle() {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		r.mu.Lock()
		n := r.inflight
		r.mu.Unlock()
		if n == 0 {
			return
		}
	}
}

// count is how many requests arrived, kept or not.
func (r *recorder) count() int {
	r.settle()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// mark is the index the next kept request will have.
func (r *recorder) mark() int {
	r.settle()
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

// since returns the kept requests from index from on.
func (r *recorder) since(from int) []Request {
	r.settle()
	r.mu.Lock()
	defer r.mu.Unlock()
	if from >= len(r.reqs) {
		return nil
	}
	return append([]Request(nil), r.reqs[from:]...)
}

func (r *recorder) all() []Request { return r.since(0) }

func (r *recorder) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs, r.total = nil, 0
}

// wrap records what h receives and answers.
func (r *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.begin()
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		rec := &Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(), Body: cut(body), Time: time.Now()}
		defer func() {
			rec.Status, rec.Response, rec.Duration, rec.ResponseHeader = cw.status, cw.body.Bytes(), time.Since(rec.Time), cw.Header().Clone()
			r.end(rec)
		}()
		h.ServeHTTP(cw, req)
	})
}

func cut(b []byte) []byte { return b[:min(len(b), MaxBody)] }

// captureWriter keeps the status and the first MaxBody bytes of a response.
type captureWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.wrote = true
	if room := MaxBody - w.body.Len(); room > 0 {
		w.body.Write(b[:min(len(b), room)])
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// transport records, on the client's side, the requests that go through
// it and their answers: the recorder of a live run.
type transport struct {
	base http.RoundTripper
	rec  *recorder
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.rec.begin()
	rec := &Request{Method: req.Method, Path: req.URL.Path, Query: req.URL.Query(), Header: req.Header.Clone(), Time: time.Now()}
	defer func() { t.rec.end(rec) }()
	out := req
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		rec.Body = cut(body)
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	rec.Status, rec.Response, rec.Duration, rec.ResponseHeader = resp.StatusCode, cut(body), time.Since(rec.Time), resp.Header.Clone()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// counter counts the requests that go through it.
type counter struct {
	base http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.base.RoundTrip(req)
}

func (c *counter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
