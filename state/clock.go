package state

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// tenantClock is a tenant's notion of now, in epoch milliseconds: the real
// time moved by an offset, or a frozen instant. Sends are scheduled,
// packaged and expired against it, so that a test moves time instead of
// sleeping.
type tenantClock struct {
	offset int64 // added to the real time, when not frozen
	frozen bool
	at     int64 // the instant, when frozen
}

func (c tenantClock) now() int64 {
	if c.frozen {
		return c.at
	}
	// A running clock set near ClockMax stops there rather than run past
	// what a JSON time can carry.
	now, limit := time.Now().UnixMilli(), ClockMax.UnixMilli()
	if c.offset > limit-now {
		return limit
	}
	return now + c.offset
}

// ClockInfo is the state of a tenant's clock.
type ClockInfo struct {
	Now    time.Time     // the tenant's current time
	Frozen bool          // the clock stands still until set or advanced
	Offset time.Duration // how far the clock is from the real time, when not frozen
}

// Clock returns the tenant's current time and how the clock runs. A new
// tenant's clock is the real time.
func (t *Tenant) Clock() ClockInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return ClockInfo{Now: time.UnixMilli(t.nt.clock.now()).UTC(), Frozen: t.nt.clock.frozen,
		Offset: time.Duration(t.nt.clock.offset) * time.Millisecond}
}

// now reads the tenant's clock; the caller holds the lock.
func (t *Tenant) now() int64 { return t.nt.clock.now() }

// ClockMin and ClockMax bound a tenant's clock: the times a JSON time can
// carry (years 1 to 9999). A clock past them could not be shown, and its
// epoch milliseconds would overflow as it ran on.
var (
	ClockMin = time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)
	ClockMax = time.Date(9999, time.December, 31, 23, 59, 59, 999e6, time.UTC)
)

// clockRangeError says that at is outside ClockMin to ClockMax.
func clockRangeError(at time.Time) error {
	return fmt.Errorf("the clock must stay within %s to %s, not %s",
		ClockMin.Format(time.RFC3339), ClockMax.Format(time.RFC3339), at.Format(time.RFC3339Nano))
}

// SetClock sets the tenant's time to at: frozen there when frozen is set,
// otherwise running on from it with the real time. Sends that fall due are
// delivered before it returns. Setting the clock back delivers nothing
// again and undoes nothing. A time outside ClockMin to ClockMax is
// refused and the clock is left as it was.
func (t *Tenant) SetClock(at time.Time, frozen bool) error {
	if at.Before(ClockMin) || at.After(ClockMax) {
		return clockRangeError(at)
	}
	t.lock()
	ms := at.UnixMilli()
	if frozen {
		t.nt.clock = tenantClock{frozen: true, at: ms}
	} else {
		t.nt.clock = tenantClock{offset: ms - time.Now().UnixMilli()}
	}
	t.mu.Unlock()
	t.ProcessDue()
	return nil
}

// AdvanceClock moves the tenant's time forward by d, frozen or not, and
// delivers what falls due. A negative d is refused (set the clock
// instead), and so is one that would take the clock past ClockMax; the
// check and the move are one step, so advances made at once cannot pass
// it together.
func (t *Tenant) AdvanceClock(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("state: the clock only advances; %v is negative (use SetClock)", d)
	}
	t.lock()
	now := t.nt.clock.now()
	if limit := ClockMax.UnixMilli(); d.Milliseconds() > limit-now {
		t.mu.Unlock()
		return fmt.Errorf("advancing the clock from %s by %v would take it past %s",
			time.UnixMilli(now).UTC().Format(time.RFC3339), d, ClockMax.Format(time.RFC3339))
	}
	if t.nt.clock.frozen {
		t.nt.clock.at += d.Milliseconds()
	} else {
		t.nt.clock.offset += d.Milliseconds()
	}
	t.mu.Unlock()
	t.ProcessDue()
	return nil
}

// startTimeLayouts are the forms a schedule's start time may take: a local
// date and time as the documentation writes it (seconds optional, a space
// allowed for the T), or an RFC 3339 time with its own offset.
var startTimeLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05.000",
}

// parseStartTime reads a schedule's start time into epoch milliseconds. A
// time without an offset is local to loc.
func parseStartTime(s string, loc *time.Location) (int64, error) {
	s = strings.TrimSpace(s)
	if at, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return at.UnixMilli(), nil
	}
	for _, layout := range startTimeLayouts {
		if at, err := time.ParseInLocation(layout, s, loc); err == nil {
			return at.UnixMilli(), nil
		}
	}
	return 0, Invalidf(CodeTypeMismatch, "Field 'startTime' should be a date and time like 2024-02-01T15:30:00, not %q", s)
}

// parseTTL reads a time to live ("15d", "20h", "30m", also "45s") into
// milliseconds; "" is no limit (0).
func parseTTL(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	bad := Invalidf(CodeTypeMismatch, "Field 'ttl' should be a duration like 15d, 20h or 30m, not %q", s)
	if len(s) < 2 {
		return 0, bad
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil || n <= 0 || n > 3650*24*60*60 {
		return 0, bad
	}
	unit := map[byte]int64{'d': 24 * 60 * 60 * 1000, 'h': 60 * 60 * 1000, 'm': 60 * 1000, 's': 1000}[s[len(s)-1]]
	if unit == 0 {
		return 0, bad
	}
	return n * unit, nil
}

// zoneOf loads the time zone of settings; "" is UTC.
func zoneOf(s Settings) (*time.Location, error) {
	return ParseTimeZone(s.TimeZone)
}

// fixedOffset is a time zone written as an offset from UTC.
var fixedOffset = regexp.MustCompile(`^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$`)

// ParseTimeZone reads a Settings.TimeZone: "" is UTC, an IANA name
// ("Europe/Istanbul") needs a zone database (the system's, or the one the
// netmera-mock binary embeds), and a fixed offset ("+03:00", "UTC+3",
// "-0530") works everywhere.
func ParseTimeZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if m := fixedOffset.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		min := 0
		if m[3] != "" {
			min, _ = strconv.Atoi(m[3])
		}
		if h > 14 || min > 59 {
			return nil, fmt.Errorf("state: time zone %q: the offset is out of range", name)
		}
		secs := (h*60 + min) * 60
		if m[1] == "-" {
			secs = -secs
		}
		return time.FixedZone(name, secs), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("state: time zone %q: %w (without a zone database, give an offset such as +03:00)", name, err)
	}
	return loc, nil
}
