package state_test

import (
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// statsOf returns a key's stats or fails.
func statsOf(tb testing.TB, tn *state.Tenant, key int64) state.PushStats {
	tb.Helper()
	s, err := tn.PushStats(key)
	MustOK(tb, "PushStats", err)
	return s
}

func mustAdvance(tb testing.TB, tn *state.Tenant, d time.Duration) {
	tb.Helper()
	MustOK(tb, "AdvanceClock", tn.AdvanceClock(d))
}

func mustSetClock(tb testing.TB, tn *state.Tenant, at time.Time, frozen bool) {
	tb.Helper()
	MustOK(tb, "SetClock", tn.SetClock(at, frozen))
}

func TestScheduledSendWaitsForItsTime(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"},
		"schedule":{"startTime":"2024-06-01T13:30:00","localTimezone":false}}`)
	start := ms(t0.Add(90 * time.Minute))
	if s := statsOf(t, tn, key); s.Status != state.StatusScheduled || s.StartDate != start || s.EndDate != 0 {
		t.Errorf("before its time: %+v, want SCHEDULED starting %d", s, start)
	}
	// The send is resolved when it starts, against the state then.
	MustOK(t, "TagUsers", tn.TagUsers([]string{"Casual"}, []string{"alice"}))
	mustAdvance(t, tn, 89*time.Minute)
	if rec := MustNotification(t, tn, key); rec.Status != state.StatusScheduled || len(rec.Deliveries) != 0 {
		t.Fatalf("a minute early: status %s with %d deliveries, want SCHEDULED with none", rec.Status, len(rec.Deliveries))
	}
	mustAdvance(t, tn, time.Minute)
	rec := MustNotification(t, tn, key)
	if diff := cmp.Diff(list("alice/a-and", "carol/c-and"), reached(rec)); diff != "" {
		t.Errorf("at its time, reached (-want +got):\n%s", diff)
	}
	for _, d := range rec.Deliveries {
		if d.TimeStamp != start {
			t.Errorf("delivery %+v at %d, want the start %d", d, d.TimeStamp, start)
		}
	}
	if s := statsOf(t, tn, key); s.Status != state.StatusFinished || s.StartDate != start || s.EndDate != start {
		t.Errorf("after: %+v, want FINISHED from %d to %d", s, start, start)
	}
	MustConsistent(t, tn)
}

func TestScheduleTimeZones(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		start string
		want  time.Time
	}{
		{"a local time is UTC by default", "", "2024-06-01T13:30:00", t0.Add(90 * time.Minute)},
		{"a local time in the app's zone", "Europe/Istanbul", "2024-06-01T16:30:00", t0.Add(90 * time.Minute)},
		{"minutes only", "", "2024-06-01T13:30", t0.Add(90 * time.Minute)},
		{"an explicit offset wins", "Europe/Istanbul", "2024-06-01T14:30:00+01:00", t0.Add(90 * time.Minute)},
		{"now is not the past", "", "2024-06-01T12:00:00", t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{TimeZone: tt.zone})
			key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"sendToAll":true},
				"schedule":{"startTime":"`+tt.start+`"}}`)
			if got := statsOf(t, tn, key).StartDate; got != ms(tt.want) {
				t.Errorf("start %s in zone %q = %v, want %v", tt.start, tt.zone, time.UnixMilli(got).UTC(), tt.want)
			}
		})
	}
	if _, err := state.NewTenant(notifyDataset(), state.Settings{TimeZone: "Mars/Olympus"}); err == nil {
		t.Error("NewTenant with time zone Mars/Olympus succeeded, want an error")
	}
}

// TestSpeedSendsPackages checks that a send with a speed goes out in
// packages, SENDING until the last.
func TestSpeedSendsPackages(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	// Four deliveries in user order: alice's two, bob's (failed), carol's.
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true},
		"speed":{"intervalMins":5,"packageSize":2}}`)
	s := statsOf(t, tn, key)
	if s.Status != state.StatusSending || s.EndDate != ms(t0.Add(5*time.Minute)) {
		t.Errorf("after the first package: %+v, want SENDING until t0+5m", s)
	}
	if got := len(MustNotification(t, tn, key).Deliveries); got != 2 {
		t.Errorf("%d deliveries after the first package, want 2", got)
	}
	mustAdvance(t, tn, 4*time.Minute)
	if got := len(MustNotification(t, tn, key).Deliveries); got != 2 {
		t.Errorf("%d deliveries a minute before the second package, want 2", got)
	}
	mustAdvance(t, tn, time.Minute)
	rec := MustNotification(t, tn, key)
	var times []int64
	for _, d := range rec.Deliveries {
		times = append(times, d.TimeStamp-ms(t0))
	}
	if want := []int64{0, 0, 300_000, 300_000}; !cmp.Equal(want, times) {
		t.Errorf("delivery times after t0 = %v, want %v", times, want)
	}
	if rec.Status != state.StatusFinished {
		t.Errorf("status %s after the last package, want FINISHED", rec.Status)
	}
	MustConsistent(t, tn)
}

// TestTTLCutsLatePackages checks that packages due after the time to live
// never go out.
func TestTTLCutsLatePackages(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"],"ttl":"7m"},"target":{"sendToAll":true},
		"speed":{"intervalMins":5,"packageSize":1}}`)
	mustAdvance(t, tn, time.Hour)
	rec := MustNotification(t, tn, key)
	if diff := cmp.Diff(list("alice/a-and", "alice/a-ios"), reached(rec)); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	if rec.ExclusionCounts[state.ReasonExpired] != 2 || rec.Status != state.StatusFinished {
		t.Errorf("exclusions %v status %s, want 2 TTL_EXPIRED and FINISHED", rec.ExclusionCounts, rec.Status)
	}
}

func TestClock(t *testing.T) {
	tn := MustTenant(t, notifyDataset(), state.Settings{})
	if c := tn.Clock(); c.Frozen || c.Offset != 0 || time.Since(c.Now) > time.Minute {
		t.Errorf("a new tenant's clock = %+v, want the real time", c)
	}
	mustSetClock(t, tn, t0, false)
	if c := tn.Clock(); c.Frozen || c.Now.Before(t0) || c.Now.After(t0.Add(time.Minute)) {
		t.Errorf("after SetClock(t0, running) = %+v, want about t0 and running", c)
	}
	mustSetClock(t, tn, t0, true)
	mustAdvance(t, tn, 90*time.Second)
	if c := tn.Clock(); !c.Frozen || !c.Now.Equal(t0.Add(90*time.Second)) {
		t.Errorf("frozen and advanced = %+v, want frozen at t0+90s", c)
	}
	if err := tn.AdvanceClock(-time.Second); err == nil {
		t.Error("AdvanceClock(-1s) succeeded, want an error")
	}
}

// TestClockBounds: the clock stays within the years 1 to 9999 whatever it
// is asked, and a refused call leaves it where it was.
func TestClockBounds(t *testing.T) {
	tn := MustTenant(t, notifyDataset(), state.Settings{})
	near := state.ClockMax.Add(-time.Hour).Truncate(time.Millisecond)
	mustSetClock(t, tn, near, true)
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"set past the year 9999", func() error { return tn.SetClock(state.ClockMax.Add(time.Millisecond), true) }},
		{"set before the year 1", func() error { return tn.SetClock(state.ClockMin.Add(-time.Millisecond), false) }},
		{"advance past the year 9999", func() error { return tn.AdvanceClock(2 * time.Hour) }},
		{"advance by the longest duration", func() error { return tn.AdvanceClock(time.Duration(math.MaxInt64)) }},
	} {
		if err := tt.call(); err == nil {
			t.Errorf("%s succeeded, want an error", tt.name)
		}
		if c := tn.Clock(); !c.Now.Equal(near) || !c.Frozen {
			t.Errorf("after %s the clock = %+v, want frozen at %v", tt.name, c, near)
		}
	}
	mustSetClock(t, tn, state.ClockMax, true)
	mustSetClock(t, tn, state.ClockMin, true)
	mustSetClock(t, tn, state.ClockMax, false) // running on from there stops there (TestRunningClockStopsAtClockMax)

	// Advances made at once: each checks and moves under one lock, so
	// together they stop at the bound rather than pass it.
	mustSetClock(t, tn, near, true)
	var wg sync.WaitGroup
	var moved atomic.Int32
	for range 8 {
		wg.Go(func() {
			if tn.AdvanceClock(25*time.Minute) == nil {
				moved.Add(1)
			}
		})
	}
	wg.Wait()
	if got := tn.Clock().Now; moved.Load() != 2 || !got.Equal(near.Add(50*time.Minute)) {
		t.Errorf("8 advances of 25m from an hour before the bound: %d moved the clock to %v, want 2 to %v", moved.Load(), got, near.Add(50*time.Minute))
	}
}

// TestLazyDueOnRead checks that a send due by a running clock is
// delivered when results are read, with no call to move the clock.
func TestLazyDueOnRead(t *testing.T) {
	tn := MustTenant(t, notifyDataset(), state.Settings{})
	mustSetClock(t, tn, t0, false) // running from t0
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"},
		"schedule":{"startTime":"2024-06-01T12:00:01"}}`)
	deadline := time.Now().Add(5 * time.Second)
	for statsOf(t, tn, key).Status != state.StatusFinished {
		if time.Now().After(deadline) {
			t.Fatalf("a send due a second later is still %s after 5 s", statsOf(t, tn, key).Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestApproval(t *testing.T) {
	approve := func(tb testing.TB, tn *state.Tenant, key int64) {
		tb.Helper()
		rec := MustNotification(tb, tn, key)
		if rec.MessageID == nil {
			tb.Fatalf("notification %d waits with no message", key)
		}
		MustOK(tb, "ApprovePushes", tn.ApprovePushes([]int64{*rec.MessageID}))
	}
	t.Run("tenant setting: waits, then delivers at approval", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{RequireApproval: true})
		key := MustSend(t, tn, `{"message":{"title":"Sale","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"}}`)
		rec := MustNotification(t, tn, key)
		if rec.Status != state.StatusWaitingApproval || len(rec.Deliveries) != 0 {
			t.Fatalf("status %s with %d deliveries, want WAITING_APPROVAL and none", rec.Status, len(rec.Deliveries))
		}
		m, ok := tn.Message(*rec.MessageID)
		if !ok || m.Status != state.MessageWaitingApproval || m.NotificationKey != key || m.Title != "Sale" {
			t.Fatalf("message %d = %+v, want waiting for approval of key %d", *rec.MessageID, m, key)
		}
		mustAdvance(t, tn, 10*time.Minute)
		if got := MustNotification(t, tn, key).Status; got != state.StatusWaitingApproval {
			t.Fatalf("unapproved after 10 minutes: %s", got)
		}
		approve(t, tn, key)
		rec = MustNotification(t, tn, key)
		if diff := cmp.Diff(list("carol/c-and"), reached(rec)); diff != "" || rec.Deliveries[0].TimeStamp != ms(t0.Add(10*time.Minute)) {
			t.Errorf("after approval at t0+10m: %+v (-want +got):\n%s", rec.Deliveries, diff)
		}
		MustConsistent(t, tn)
	})
	t.Run("approved early, it keeps its schedule", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{})
		req := mustJSON[state.BulkSend](t, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"},"schedule":{"startTime":"2024-06-01T14:00:00"}}`)
		req.AwaitApproval = true
		key, err := tn.SendBulk(req, nil)
		MustOK(t, "SendBulk", err)
		approve(t, tn, key)
		if s := statsOf(t, tn, key); s.Status != state.StatusScheduled {
			t.Errorf("approved before its time: %s, want SCHEDULED", s.Status)
		}
		mustAdvance(t, tn, 2*time.Hour)
		if s := statsOf(t, tn, key); s.Status != state.StatusFinished || s.StartDate != ms(t0.Add(2*time.Hour)) {
			t.Errorf("at its time: %+v, want FINISHED from 14:00", s)
		}
	})
	t.Run("approved after its time to live, it expires", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{RequireApproval: true})
		key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"],"ttl":"30m"},"target":{"tag":"Casual"}}`)
		mustAdvance(t, tn, 31*time.Minute)
		approve(t, tn, key)
		rec := MustNotification(t, tn, key)
		if rec.Status != state.StatusExpired || len(rec.Deliveries) != 0 {
			t.Errorf("approved too late: %s with %d deliveries, want EXPIRED and none", rec.Status, len(rec.Deliveries))
		}
		MustConsistent(t, tn)
	})
	t.Run("panel messages still approve, unknown IDs still fail", func(t *testing.T) {
		tn := notifyTenant(t, state.Settings{})
		MustOK(t, "ApprovePushes([0])", tn.ApprovePushes([]int64{0}))
		if m, _ := tn.Message(0); m.Status != state.MessageApproved {
			t.Errorf("message 0 is %s, want APPROVED", m.Status)
		}
		MustCode(t, "ApprovePushes([77])", tn.ApprovePushes([]int64{77}), state.CodeMessageNotFound, state.KindNotFound)
	})
}
