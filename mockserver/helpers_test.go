package mockserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// The API keys of the test tenants.
const (
	testKey  = "test-key"
	otherKey = "other-key"
)

// harness is a fake served over a real listener.
type harness struct {
	URL    string
	Server *mockserver.Server
	Store  *state.Store
	client *http.Client
	// responses validates every /rest/3.0/ answer against the OpenAPI
	// document, strictly; nil when the options make the fake speak other
	// than the document describes (401, lenient OS, other body shapes).
	responses *contracts.Validator
}

// MustHarness serves testDataset to the tenants of testKey and otherKey.
func MustHarness(tb testing.TB, opts mockserver.Options) *harness {
	tb.Helper()
	return MustHarnessWith(tb, func() (*state.Dataset, error) { return testDataset(), nil }, state.Settings{}, opts, testKey, otherKey)
}

// MustHarnessWith serves the data seed makes to one tenant per key.
func MustHarnessWith(tb testing.TB, seed func() (*state.Dataset, error), settings state.Settings, opts mockserver.Options, keys ...string) *harness {
	tb.Helper()
	store, err := state.NewStore(state.FromDataset(seed), settings, keys...)
	if err != nil {
		tb.Fatalf("state.NewStore(seed, %+v, %q) = %v, want no error", settings, keys, err)
	}
	if opts.Seeder == nil {
		seeder, err := fixtures.NewSeeder(fixtures.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		opts.Seeder = seeder.Reseed
	}
	srv, err := mockserver.New(store, opts)
	if err != nil {
		tb.Fatalf("mockserver.New(store, %+v) = %v, want no error", opts, err)
	}
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	h := &harness{URL: ts.URL, Server: srv, Store: store, client: ts.Client()}
	if documented(opts) {
		doc, err := contracts.Default()
		if err == nil {
			h.responses, err = contracts.NewValidator(doc)
		}
		if err != nil {
			tb.Fatalf("contracts: %v", err)
		}
	}
	return h
}

// documented reports whether opts leave the fake speaking exactly as the
// OpenAPI document describes.
func documented(o mockserver.Options) bool {
	return (o.AuthStatus == 0 || o.AuthStatus == http.StatusForbidden) && !o.LenientOS &&
		(o.SingleObject == "" || o.SingleObject == mockserver.SingleObjectAuto) &&
		(o.DeviceTokenShape == "" || o.DeviceTokenShape == mockserver.ShapeBoth) && o.Document == nil
}

// reply is what the server answered.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r reply) String() string {
	b := string(r.Body)
	if len(b) > 400 {
		b = b[:400] + "…"
	}
	return fmt.Sprintf("%d %q", r.Status, b)
}

// Do sends a request with testKey; headers are name, value pairs.
func (h *harness) Do(tb testing.TB, method, path, body string, headers ...string) reply {
	tb.Helper()
	return h.DoKey(tb, testKey, method, path, body, headers...)
}

// DoKey sends a request with key ("" sends no key header).
func (h *harness) DoKey(tb testing.TB, key, method, path, body string, headers ...string) reply {
	tb.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = h.URL + path
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		tb.Fatalf("http.NewRequest(%s, %s) = %v", method, target, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("X-netmera-api-key", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return h.MustSend(tb, req)
}

// MustSend sends req as it is.
func (h *harness) MustSend(tb testing.TB, req *http.Request) reply {
	tb.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	h.checkResponse(tb, req, resp, b)
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// checkResponse fails tb when an answer of a documented operation does not
// validate against the document: every response the tests see is checked.
// The framework's 405, which the document leaves out on purpose, and the
// answers of fault rules are not checked.
func (h *harness) checkResponse(tb testing.TB, req *http.Request, resp *http.Response, body []byte) {
	tb.Helper()
	if h.responses == nil || !strings.HasPrefix(req.URL.Path, "/rest/3.0/") || resp.Header.Get(mockserver.FaultHeader) != "" ||
		resp.StatusCode == http.StatusMethodNotAllowed {
		return
	}
	err := h.responses.ValidateResponse(req, resp.StatusCode, resp.Header, body)
	if err != nil && !errors.Is(err, contracts.ErrNoRoute) {
		tb.Errorf("%s %s answered %d %.300q, which the OpenAPI document does not allow: %v", req.Method, req.URL.Path, resp.StatusCode, body, err)
	}
}

// MustState returns GET /_mock/state for key, byte for byte.
func (h *harness) MustState(tb testing.TB, key string) []byte {
	tb.Helper()
	r := h.DoKey(tb, key, http.MethodGet, "/_mock/state", "")
	if r.Status != http.StatusOK {
		tb.Fatalf("GET /_mock/state = %v, want 200", r)
	}
	return r.Body
}

// MustDataset returns the exported state of key's tenant.
func (h *harness) MustDataset(tb testing.TB, key string) *state.Dataset {
	tb.Helper()
	var d state.Dataset
	MustUnmarshal(tb, "GET /_mock/state", h.MustState(tb, key), &d)
	return &d
}

// MustUser returns a user of the exported state of testKey's tenant.
func (h *harness) MustUser(tb testing.TB, extID string) state.UserRecord {
	tb.Helper()
	for _, u := range h.MustDataset(tb, testKey).Users {
		if u.ExtID == extID {
			return u
		}
	}
	tb.Fatalf("GET /_mock/state has no user %q", extID)
	return state.UserRecord{}
}

// MustUnmarshal decodes a JSON body into v.
func MustUnmarshal(tb testing.TB, what string, body []byte, v any) {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("%s: body %q is not the JSON wanted (%T): %v", what, body, v, err)
	}
}

// envelope is Netmera's error body.
type envelope struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// wantOK checks the answer of a write: 200 and no body at all.
func wantOK(tb testing.TB, what string, r reply) {
	tb.Helper()
	if r.Status != http.StatusOK || len(r.Body) != 0 {
		tb.Errorf("%s = %v, want 200 with an empty body", what, r)
	}
}

// wantError checks a Netmera error envelope, exactly.
func wantError(tb testing.TB, what string, r reply, status int, want envelope) {
	tb.Helper()
	if r.Status != status {
		tb.Errorf("%s = %v, want status %d", what, r, status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	var got envelope
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		tb.Errorf("%s: body %q is not {code, error}: %v", what, r.Body, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		tb.Errorf("%s: error envelope mismatch (-want +got):\n%s", what, diff)
	}
}

// wantJSON checks a 200 JSON answer and decodes it into v.
func wantJSON(tb testing.TB, what string, r reply, v any) {
	tb.Helper()
	if r.Status != http.StatusOK {
		tb.Fatalf("%s = %v, want 200", what, r)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		tb.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	MustUnmarshal(tb, what, r.Body, v)
}

// wantUnchanged fails when key's tenant state differs from before.
func (h *harness) wantUnchanged(tb testing.TB, what string, before []byte) {
	tb.Helper()
	after := h.MustState(tb, testKey)
	if !bytes.Equal(before, after) {
		tb.Errorf("%s changed the state, want nothing changed (-before +after):\n%s", what, cmp.Diff(string(before), string(after)))
	}
}

// jsonString quotes s as JSON.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsonList encodes ss as a JSON array of strings.
func jsonList(ss []string) string {
	b, _ := json.Marshal(ss)
	return string(b)
}

func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return out
}
