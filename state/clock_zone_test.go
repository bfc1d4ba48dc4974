package state

import (
	"math"
	"testing"
	"time"
)

func TestParseTimeZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		offset  int // seconds east of UTC
		wantErr bool
	}{
		{name: "", offset: 0},
		{name: "UTC", offset: 0},
		{name: "+03:00", offset: 3 * 3600},
		{name: "UTC+3", offset: 3 * 3600},
		{name: "GMT-0530", offset: -(5*3600 + 30*60)},
		{name: "-05:30", offset: -(5*3600 + 30*60)},
		{name: "+15:00", wantErr: true},
		{name: "+03:75", wantErr: true},
		{name: "Nowhere/Atlantis", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := ParseTimeZone(tt.name)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseTimeZone(%q) = %v, want error %v", tt.name, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if _, off := at.In(loc).Zone(); off != tt.offset {
				t.Errorf("ParseTimeZone(%q) is %d s east of UTC, want %d", tt.name, off, tt.offset)
			}
		})
	}
}

// TestRunningClockStopsAtClockMax: a running clock whose offset would take
// it past ClockMax reads ClockMax.
func TestRunningClockStopsAtClockMax(t *testing.T) {
	for _, ahead := range []int64{0, 1, 10_000, math.MaxInt64 / 2} {
		c := tenantClock{offset: ClockMax.UnixMilli() - time.Now().UnixMilli() + ahead}
		if got := c.now(); got != ClockMax.UnixMilli() {
			t.Errorf("a running clock %d ms past ClockMax reads %v, want ClockMax", ahead, time.UnixMilli(got).UTC())
		}
	}
}
