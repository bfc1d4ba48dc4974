package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Sleep waits for d or until ctx is done, whichever comes first, and
// returns ctx.Err() in the second case. Pass the request's context, so a
// client that gives up does not hold a handler for the whole latency.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil || d <= 0 {
		return err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// envelope is Netmera's error body.
type envelope struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// Apply writes the fault of r, a rule Match returned, once the caller has
// slept r.Latency(). It reports false for a latency-only rule: the caller
// then serves the request normally.
//
// A Drop rule hijacks the connection and closes it, so the client gets no
// answer at all (an EOF or a reset). Where the connection cannot be
// hijacked (HTTP/2, a recorder), Apply panics with http.ErrAbortHandler,
// which net/http turns into an aborted response: a caller that recovers
// panics must let that one through.
//
// A rule with a Status answers it, with Retry-After when RetryAfter is set,
// and with the Netmera envelope {"code":…,"error":"…"} as application/json
// when Code or Error is set, or with Body as ContentType (text/plain when
// empty), or with no body. The rule's Headers are set last, so they may
// replace the Content-Type those choose; Validate keeps them from framing
// headers (Content-Length, Transfer-Encoding, …) and the fake's own
// X-Netmera-Mock-* headers, which the caller may set before Apply.
func Apply(w http.ResponseWriter, r Rule) (handled bool) {
	if r.Drop {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
		return true
	}
	if r.Status == 0 {
		return false
	}
	h := w.Header()
	if r.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(r.RetryAfter))
	}
	var body []byte
	switch {
	case r.Code != 0 || r.Error != "":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(envelope{Code: r.Code, Error: r.Error}) // an int and a string always encode
		body = buf.Bytes()
		h.Set("Content-Type", "application/json")
	case r.Body != "":
		ct := r.ContentType
		if ct == "" {
			ct = "text/plain; charset=utf-8"
		}
		body = []byte(r.Body)
		h.Set("Content-Type", ct)
	}
	for name, value := range r.Headers {
		h.Set(name, value)
	}
	w.WriteHeader(r.Status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
	return true
}
