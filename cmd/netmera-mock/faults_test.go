package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestFaultLatencyWithinWriteTimeout checks that the server refuses a
// fault latency its write timeout would cut off: at most half of it.
func TestFaultLatencyWithinWriteTimeout(t *testing.T) {
	t.Parallel()
	const key = "latency-key"
	addr, _, stop := startRun(t, "-api-key", key, "-users", "5")
	defer func() { _ = stop() }()
	base := "http://" + addr + "/_mock/faults"
	limit := writeTimeout.Milliseconds() / 2
	tests := []struct {
		name       string
		latencyMS  int64
		wantStatus int
	}{
		{name: "at the limit", latencyMS: limit, wantStatus: http.StatusCreated},
		{name: "over it", latencyMS: limit + 1, wantStatus: http.StatusBadRequest},
		{name: "the write timeout itself", latencyMS: writeTimeout.Milliseconds(), wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"path":"/never","latencyMs":` + strconv.FormatInt(tt.latencyMS, 10) + `}`
			status, answer := call(http.DefaultClient, http.MethodPost, base, key, body)
			if status != tt.wantStatus {
				t.Fatalf("POST /_mock/faults %s = %d %s, want %d", body, status, answer, tt.wantStatus)
			}
			if want := "limit of " + strconv.FormatInt(limit, 10); status == http.StatusBadRequest && !strings.Contains(answer, want) {
				t.Errorf("POST /_mock/faults %s = %s, want the refusal to name the %q", body, answer, want)
			}
		})
	}
}
