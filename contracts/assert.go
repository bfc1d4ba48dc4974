package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/google/go-cmp/cmp"
)

// Applied checks a write's success: 200 with no body at all, no
// Content-Type and zero bytes, as recorded from the live API.
func (c *Check) Applied(r *Response) bool {
	if r.Status != http.StatusOK || len(r.Body) > 0 || r.Header.Get("Content-Type") != "" {
		c.Errorf("%s\n\twant 200 with no body and no Content-Type (Netmera's answer to an applied write)", r)
		return false
	}
	return true
}

// Refused checks Netmera's error envelope: the status and the whole body
// {"code": code, "error": message}, as JSON with Content-Type
// application/json. An empty message accepts any non-empty text.
func (c *Check) Refused(r *Response, status, code int, message string) bool {
	type envelope struct {
		Code  int    `json:"code"`
		Error string `json:"error"`
	}
	var got map[string]any
	err := decodeJSON(r.Body, &got)
	if r.Status != status || err != nil || mediaType(r) != "application/json" {
		c.Errorf("%s\n\twant %d {\"code\":%d,\"error\":%q} as application/json", r, status, code, message)
		return false
	}
	gotEnv := envelope{}
	_ = decodeJSON(r.Body, &gotEnv)
	wantEnv := envelope{Code: code, Error: message}
	if message == "" && gotEnv.Error != "" {
		wantEnv.Error = gotEnv.Error
	}
	// The envelope has exactly two members.
	extra := map[string]any{}
	for k, v := range got {
		if k != "code" && k != "error" {
			extra[k] = v
		}
	}
	if d := cmp.Diff(wantEnv, gotEnv); d != "" || len(extra) > 0 {
		c.Errorf("%s\n\tthe error envelope differs (-want +got):\n%s\tunexpected members: %v", r, d, extra)
		return false
	}
	return true
}

// RefusedText checks one of Netmera's plain-text refusals: the status,
// Content-Type text/plain and exactly text as the body (removeEmail
// without extId answers 400 "Please provide an external id.").
func (c *Check) RefusedText(r *Response, status int, text string) bool {
	if r.Status != status || mediaType(r) != "text/plain" || string(r.Body) != text {
		c.Errorf("%s\n\twant %d %q as text/plain, not Netmera's JSON envelope", r, status, text)
		return false
	}
	return true
}

// Equal checks a 200 JSON answer against want, a Go value or JSON text,
// compared as JSON values (numbers exactly) with cmp and opts.
func (c *Check) Equal(r *Response, want any, opts ...cmp.Option) bool {
	got, ok := c.jsonBody(r)
	if !ok {
		return false
	}
	w, err := jsonOf(want)
	if err != nil {
		c.Fatalf("the wanted value of %s is not JSON: %v", r.Path, err)
	}
	if d := cmp.Diff(w, got, opts...); d != "" {
		c.Errorf("%s\n\tthe answer differs (-want +got):\n%s", r, d)
		return false
	}
	return true
}

// Decode checks a 200 JSON answer and decodes it into v.
func (c *Check) Decode(r *Response, v any) bool {
	if _, ok := c.jsonBody(r); !ok {
		return false
	}
	if err := decodeJSON(r.Body, v); err != nil {
		c.Errorf("%s\n\tdoes not decode into %T: %v", r, v, err)
		return false
	}
	return true
}

// Status checks the status alone.
func (c *Check) Status(r *Response, want int) bool {
	if r.Status != want {
		c.Errorf("%s\n\twant status %d", r, want)
		return false
	}
	return true
}

// jsonBody checks that r is a 200 application/json answer and decodes it.
func (c *Check) jsonBody(r *Response) (any, bool) {
	if r.Status != http.StatusOK || mediaType(r) != "application/json" {
		c.Errorf("%s\n\twant 200 with a JSON body (application/json)", r)
		return nil, false
	}
	var got any
	if err := decodeJSON(r.Body, &got); err != nil {
		c.Errorf("%s\n\tthe body is not one JSON value: %v", r, err)
		return nil, false
	}
	return got, true
}

func mediaType(r *Response) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}

// decodeJSON decodes exactly one JSON value, keeping numbers exact.
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// jsonOf turns a Go value or JSON text into the generic value decodeJSON
// gives, so that the two compare.
func jsonOf(v any) (any, error) {
	var b []byte
	switch t := v.(type) {
	case string:
		b = []byte(t)
	case []byte:
		b = t
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	var out any
	return out, decodeJSON(b, &out)
}

// diffValues is cmp.Diff of two JSON values (-want +got).
func diffValues(want, got any) string { return cmp.Diff(want, got) }

// obj and arr shorten the wanted values of cases.
type (
	obj = map[string]any
	arr = []any
)
