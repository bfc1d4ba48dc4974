package mockserver_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// resetReply is the answer of POST /_mock/reset.
type resetReply struct {
	Status  string         `json:"status"`
	Counts  state.Counts   `json:"counts"`
	Cleared map[string]int `json:"cleared"`
}

// dirty changes key's tenant, journals two requests for it and gives it
// one fault rule (which answers the second request).
func (h *harness) dirty(tb testing.TB, key string) {
	tb.Helper()
	wantOK(tb, "tagUsers", h.DoKey(tb, key, http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Reset","extIds":["id1"]}`))
	h.control(tb, key, http.MethodPost, "/_mock/faults", `{"path":"getSegments","status":503,"body":"down"}`, http.StatusCreated, nil)
	if r := h.DoKey(tb, key, http.MethodGet, "/rest/3.0/getSegments", "", "X-netmera-os", "IOS"); r.Status != http.StatusServiceUnavailable {
		tb.Fatalf("getSegments with a 503 rule = %v, want 503", r)
	}
}

// parts counts key's journal entries and fault rules.
func (h *harness) parts(tb testing.TB, key string) (requests, faults int) {
	tb.Helper()
	var j struct {
		Count int `json:"count"`
	}
	h.control(tb, key, http.MethodGet, "/_mock/requests", "", http.StatusOK, &j)
	var f struct {
		Faults []any `json:"faults"`
	}
	h.control(tb, key, http.MethodGet, "/_mock/faults", "", http.StatusOK, &f)
	return j.Count, len(f.Faults)
}

// TestResetClearsEverything: a reset puts the data back to its seed and
// clears the journal and the fault rules, unless keep names them.
func TestResetClearsEverything(t *testing.T) {
	t.Parallel()
	seededCounts := state.Counts{Users: testUsers, Devices: testDevices, Segments: 4, Messages: 2}
	tests := []struct {
		name         string
		query        string
		wantRequests int // journal entries left after the reset
		wantFaults   int // fault rules left
		wantCleared  map[string]int
	}{
		{name: "everything", query: "",
			wantCleared: map[string]int{"requests": 2, "faults": 1}},
		{name: "keep requests", query: "?keep=requests",
			wantRequests: 2, wantCleared: map[string]int{"faults": 1}},
		{name: "keep faults", query: "?keep=faults",
			wantFaults: 1, wantCleared: map[string]int{"requests": 2}},
		{name: "keep both", query: "?keep=requests,faults",
			wantRequests: 2, wantFaults: 1, wantCleared: map[string]int{}},
		{name: "keep given twice", query: "?keep=faults&keep=requests",
			wantRequests: 2, wantFaults: 1, wantCleared: map[string]int{}},
		{name: "keep with spaces and an empty part", query: "?keep=%20faults,,",
			wantFaults: 1, wantCleared: map[string]int{"requests": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			seeded := h.MustState(t, testKey)
			h.dirty(t, testKey)
			h.dirty(t, otherKey)

			var got resetReply
			h.control(t, testKey, http.MethodPost, "/_mock/reset"+tt.query, "", http.StatusOK, &got)
			want := resetReply{Status: "reset", Counts: seededCounts, Cleared: tt.wantCleared}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("POST /_mock/reset%s answer (-want +got):\n%s", tt.query, diff)
			}
			if now := h.MustState(t, testKey); !bytes.Equal(now, seeded) {
				t.Errorf("after POST /_mock/reset%s the tenant is not its seeded state", tt.query)
			}
			if r, f := h.parts(t, testKey); r != tt.wantRequests || f != tt.wantFaults {
				t.Errorf("after POST /_mock/reset%s: %d journal entries and %d fault rules, want %d and %d",
					tt.query, r, f, tt.wantRequests, tt.wantFaults)
			}
			// The other tenant's journal and rules are its own.
			if r, f := h.parts(t, otherKey); r != 2 || f != 1 {
				t.Errorf("POST /_mock/reset%s as %q left %q with %d journal entries and %d rules, want 2 and 1",
					tt.query, testKey, otherKey, r, f)
			}
		})
	}
}

func TestResetAllClearsEveryTenant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		query        string
		wantRequests int
		wantFaults   int
		wantCleared  map[string]int
	}{
		{name: "everything", query: "?all=true", wantCleared: map[string]int{"requests": 4, "faults": 2}},
		{name: "keep requests", query: "?all=true&keep=requests", wantRequests: 2, wantCleared: map[string]int{"faults": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			seeded := h.MustState(t, testKey)
			for _, key := range []string{testKey, otherKey} {
				h.dirty(t, key)
			}
			var got resetReply
			h.control(t, testKey, http.MethodPost, "/_mock/reset"+tt.query, "", http.StatusOK, &got)
			if diff := cmp.Diff(tt.wantCleared, got.Cleared); diff != "" {
				t.Errorf("POST /_mock/reset%s: cleared (-want +got):\n%s", tt.query, diff)
			}
			for _, key := range []string{testKey, otherKey} {
				if now := h.MustState(t, key); !bytes.Equal(now, seeded) {
					t.Errorf("after POST /_mock/reset%s the tenant of %q is not its seeded state", tt.query, key)
				}
				if r, f := h.parts(t, key); r != tt.wantRequests || f != tt.wantFaults {
					t.Errorf("after POST /_mock/reset%s the tenant of %q has %d journal entries and %d fault rules, want %d and %d",
						tt.query, key, r, f, tt.wantRequests, tt.wantFaults)
				}
			}
		})
	}
}

// A keep that names something a reset does not clear is refused, and
// nothing is reset.
func TestResetRejectsUnknownKeep(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/_mock/reset?keep=state", "/_mock/reset?keep=requests,journal", "/_mock/reset?all=true&keep=Faults"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			h := MustHarness(t, mockserver.Options{})
			h.dirty(t, testKey)
			before := h.MustState(t, testKey)
			wantProblemStatus(t, "POST "+path, h.Do(t, http.MethodPost, path, ""), http.StatusBadRequest, "/_mock/reset")
			h.wantUnchanged(t, "POST "+path, before)
			if r, f := h.parts(t, testKey); r != 2 || f != 1 {
				t.Errorf("after POST %s: %d journal entries and %d fault rules, want 2 and 1 as before", path, r, f)
			}
		})
	}
}

// With the journal turned off there is no journal to clear, and the
// answer does not pretend otherwise.
func TestResetWithoutJournal(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{JournalSize: -1})
	h.control(t, testKey, http.MethodPost, "/_mock/faults", `{"path":"getSegments","status":503}`, http.StatusCreated, nil)
	var got resetReply
	h.control(t, testKey, http.MethodPost, "/_mock/reset", "", http.StatusOK, &got)
	if diff := cmp.Diff(map[string]int{"faults": 1}, got.Cleared); diff != "" {
		t.Errorf("POST /_mock/reset with the journal off: cleared (-want +got):\n%s", diff)
	}
}
