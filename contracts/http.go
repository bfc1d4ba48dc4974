package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Header names the suite sets.
const (
	HeaderAPIKey = "X-netmera-api-key"
	HeaderOS     = "X-netmera-os"
)

// wrongKey is the key sent when a case wants an unknown one.
const wrongKey = "nmmock-wrong-key"

// maxResponse bounds the body read from one answer.
const maxResponse = 32 << 20

// Request is one call to the target.
type Request struct {
	Method string
	// Path is "/rest/3.0/…" with its query, or an absolute URL on the
	// target's own scheme and host (a nextPage); the API key is never sent
	// anywhere else.
	Path string
	// Body is sent as is when it is a string or []byte, as JSON otherwise;
	// nil sends no body.
	Body any
	// Header holds name, value pairs set after the defaults: the API key,
	// and X-netmera-os on segment endpoints. An empty value removes the
	// header; a name is sent spelled as given.
	Header []string
	// Derived marks a request built from data the target returned (an ID
	// read from a list): a golden file keeps it, but Replay does not send
	// it again.
	Derived bool
}

// Response is what the target answered to one Request.
type Response struct {
	Method string
	Path   string // path and query, as sent
	Sent   []byte // the request body
	Status int
	Header http.Header
	Body   []byte
}

// String describes the call and its answer for a failure message.
func (r *Response) String() string {
	call := r.Method + " " + r.Path
	if len(r.Sent) > 0 {
		call += " " + shorten(r.Sent)
	}
	ans := fmt.Sprintf("%d", r.Status)
	if ct := r.Header.Get("Content-Type"); ct != "" {
		ans += " (" + ct + ")"
	}
	if len(r.Body) > 0 {
		ans += " " + shorten(r.Body)
	} else {
		ans += " with no body"
	}
	return call + " → " + ans
}

// Do sends method path with body and header pairs; see Request.
func (c *Check) Do(method, path string, body any, header ...string) *Response {
	return c.Send(Request{Method: method, Path: path, Body: body, Header: header})
}

// Send sends req to the target, validates the answer against the OpenAPI
// document (a mismatch is a failure) and returns it. A request that cannot
// be sent at all ends the case.
func (c *Check) Send(req Request) *Response {
	hr, sent, err := c.r.newRequest(c.Context(), req)
	if err != nil {
		c.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	resp, err := c.r.target.Client.Do(hr)
	if err != nil {
		c.Fatalf("%s %s: %v", req.Method, hr.URL.RequestURI(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		c.Fatalf("%s %s: reading the answer: %v", req.Method, hr.URL.RequestURI(), err)
	}
	out := &Response{Method: req.Method, Path: hr.URL.RequestURI(), Sent: sent, Status: resp.StatusCode, Header: resp.Header, Body: body}
	op := ""
	if id, ok := c.r.validator.OperationID(hr); ok {
		op = id
		c.noteCall(op, out.Status, envelopeCode(out))
		if err := c.r.validator.ValidateResponse(hr, out.Status, out.Header, out.Body); err != nil {
			c.Errorf("%s\n\tdoes not match the OpenAPI document: %v", out, err)
		}
	}
	if c.record {
		c.keep(c.r.exchange(req, hr, out, op))
	}
	return out
}

// newRequest builds the HTTP request of req, with the key and OS headers.
func (r *runner) newRequest(ctx context.Context, req Request) (*http.Request, []byte, error) {
	u, err := r.resolve(req.Path)
	if err != nil {
		return nil, nil, err
	}
	var sent []byte
	switch b := req.Body.(type) {
	case nil:
	case string:
		sent = []byte(b)
	case []byte:
		sent = b
	default:
		if sent, err = json.Marshal(b); err != nil {
			return nil, nil, fmt.Errorf("encoding the request body: %w", err)
		}
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(sent)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, u.String(), body)
	if err != nil {
		return nil, nil, err
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	hr.Header.Set(HeaderAPIKey, r.target.APIKey)
	if strings.HasSuffix(u.Path, "/getSegments") || strings.HasSuffix(u.Path, "/getSegmentUsers") {
		hr.Header.Set(HeaderOS, r.target.OS)
	}
	for i := 0; i+1 < len(req.Header); i += 2 {
		name, value := req.Header[i], req.Header[i+1]
		for k := range hr.Header {
			if strings.EqualFold(k, name) {
				delete(hr.Header, k)
			}
		}
		if value != "" {
			hr.Header[name] = []string{value}
		}
	}
	return hr, sent, nil
}

// resolve turns a Path into a URL on the target, refusing other hosts.
func (r *runner) resolve(path string) (*url.URL, error) {
	u, err := url.Parse(path)
	if err != nil {
		return nil, fmt.Errorf("bad path: %w", err)
	}
	if u.IsAbs() {
		if u.Scheme != r.base.Scheme || u.Host != r.base.Host {
			return nil, fmt.Errorf("refusing to send the API key to %s://%s, which is not the target %s", u.Scheme, u.Host, r.base)
		}
		return u, nil
	}
	if !strings.HasPrefix(path, "/") {
		return nil, errors.New("a path must start with / or be an absolute URL on the target")
	}
	return r.base.ResolveReference(u), nil
}

// headerValue reads a header whatever the spelling of its name.
func headerValue(h http.Header, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// envelopeCode is the code of Netmera's error envelope in r, or 0.
func envelopeCode(r *Response) int {
	if r.Status < 400 {
		return 0
	}
	var e struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(r.Body, &e) != nil {
		return 0
	}
	return e.Code
}

// mockState is the part of GET /_mock/state the cases read.
type mockState struct {
	Users []struct {
		ExtID          string         `json:"extId"`
		Tags           []string       `json:"tags"`
		Profile        map[string]any `json:"profile"`
		EmailPermitted bool           `json:"emailPermitted"`
		SmsPermitted   bool           `json:"smsPermitted"`
		Untracked      bool           `json:"untracked"`
		WpNumbers      []string       `json:"wpNumbers"`
		WhatsApp       bool           `json:"whatsAppPermitted"`
	} `json:"users"`
	Contacts []struct {
		Email          string `json:"email"`
		Msisdn         string `json:"msisdn"`
		EmailPermitted bool   `json:"emailPermitted"`
		SmsPermitted   bool   `json:"smsPermitted"`
	} `json:"contacts"`
	Devices []struct {
		InstallationID string `json:"installationId"`
		ExtID          string `json:"extId"`
		Platform       string `json:"platform"`
		Token          string `json:"token"`
		PushPermitted  bool   `json:"pushPermitted"`
		Tester         bool   `json:"tester"`
	} `json:"devices"`
	Messages []struct {
		MessageID int64  `json:"messageId"`
		Status    string `json:"status"`
	} `json:"messages"`
}

// control calls the fake's /_mock API with the key and decodes its JSON
// answer into out (unless nil).
func (r *runner) control(ctx context.Context, method, path string, out any) error {
	return r.controlBody(ctx, method, path, nil, out)
}

// controlBody is control with a JSON body (none when nil).
func (r *runner) controlBody(ctx context.Context, method, path string, in, out any) error {
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	hr, err := http.NewRequestWithContext(ctx, method, r.base.String()+path, rd)
	if err != nil {
		return err
	}
	hr.Header.Set(HeaderAPIKey, r.target.APIKey)
	resp, err := r.target.Client.Do(hr)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s answered %d %s: the target does not look like netmera-mock (mock-only cases need its /_mock API); "+
			"against a real Netmera app, run with Live (-live)", method, path, resp.StatusCode, shorten(body))
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return nil
}

// mock calls the fake's control API (mock-only cases): method and path
// under /_mock/, a JSON body unless nil, its JSON answer decoded into out
// unless nil. A failure stops the case.
func (c *Check) mock(method, path string, body, out any) {
	if err := c.r.controlBody(c.Context(), method, path, body, out); err != nil {
		c.Fatalf("%v", err)
	}
}

// state reads the tenant's whole state from /_mock/state (mock-only cases).
func (c *Check) state() mockState {
	var st mockState
	if err := c.r.control(c.Context(), http.MethodGet, "/_mock/state", &st); err != nil {
		c.Fatalf("%v", err)
	}
	return st
}
