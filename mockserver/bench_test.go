package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// Sizes of the benchmark tenant.
const (
	benchUsers   = 100_000
	benchDevices = 1_000_000
)

var (
	bigOnce   sync.Once
	bigServer *mockserver.Server
	bigErr    error
)

// benchBig is a server over 100,000 users and 1,000,000 devices, built once
// per test binary.
func benchBig(b *testing.B) *mockserver.Server {
	b.Helper()
	bigOnce.Do(func() {
		var store *state.Store
		store, bigErr = state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return bigDataset(benchUsers, benchDevices, 0), nil }), state.Settings{}, testKey)
		if bigErr == nil {
			bigServer, bigErr = mockserver.New(store, mockserver.Options{})
		}
		runtime.GC() // mark the new heap now, not in the first benchmark's time
	})
	if bigErr != nil {
		b.Fatalf("building the benchmark server: %v", bigErr)
	}
	return bigServer
}

func benchSmall(b *testing.B) *mockserver.Server {
	b.Helper()
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return testDataset(), nil }), state.Settings{}, testKey)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mockserver.New(store, mockserver.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// serve runs one request per iteration through srv.ServeHTTP, no network.
func serve(b *testing.B, srv http.Handler, method, target, body string) {
	b.Helper()
	serveStatus(b, srv, method, target, body, http.StatusOK)
}

// serveStatus is serve for a request answered with status.
func serveStatus(b *testing.B, srv http.Handler, method, target, body string, status int) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-netmera-api-key", testKey)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != status {
			b.Fatalf("%s %s = %d %.300s, want %d", method, target, rec.Code, rec.Body, status)
		}
	}
}

func BenchmarkTagUsers2(b *testing.B) {
	serve(b, benchBig(b), http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["u-000001","u-000002"]}`)
}

func BenchmarkTagUsers1000(b *testing.B) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = bigUser(i * (benchUsers / 1000))
	}
	serve(b, benchBig(b), http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":`+jsonList(ids)+`}`)
}

func BenchmarkGetDeviceTokensFirstPage(b *testing.B) {
	serve(b, benchBig(b), http.MethodGet, "/rest/3.0/getDeviceTokens?max=10&offset=0", "")
}

func BenchmarkGetDeviceTokensDeepOffset(b *testing.B) {
	serve(b, benchBig(b), http.MethodGet, "/rest/3.0/getDeviceTokens?max=10&offset=999980", "")
}

func BenchmarkGetProfileAttributes(b *testing.B) {
	serve(b, benchSmall(b), http.MethodGet, "/rest/3.0/getProfileAttributes?extId=id1", "")
}

// BenchmarkServe measures the server's own work and allocation per
// request: the request and the response writer are made once and reused,
// so -benchmem counts what ServeHTTP allocates and nothing of the
// benchmark's (httptest.NewRequest alone allocates about 5 KB).
func BenchmarkServe(b *testing.B) {
	for _, tc := range []struct{ name, method, target, body string }{
		{"tagUsers-2", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1","id2"]}`},
		{"getProfileAttributes", http.MethodGet, "/rest/3.0/getProfileAttributes?extId=id1", ""},
		{"getDeviceTokens-10", http.MethodGet, "/rest/3.0/getDeviceTokens?max=10&offset=0", ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			srv := benchSmall(b)
			req := httptest.NewRequest(tc.method, tc.target, nil)
			req.Header.Set("X-netmera-api-key", testKey)
			body := &reusedBody{}
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				req.Body, req.ContentLength = http.NoBody, 0 // as net/http gives a request without a body
				if tc.body != "" {
					body.Reset([]byte(tc.body))
					req.Body, req.ContentLength = body, int64(len(tc.body))
				}
				clear(w.h)
				w.status = 0
				srv.ServeHTTP(w, req)
				if w.status != 0 && w.status != http.StatusOK {
					b.Fatalf("%s %s = %d, want 200", tc.method, tc.target, w.status)
				}
			}
		})
	}
}

// reusedBody is a request body a benchmark resets instead of making anew.
type reusedBody struct{ bytes.Reader }

func (*reusedBody) Close() error { return nil }

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
