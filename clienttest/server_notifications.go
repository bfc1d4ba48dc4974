package clienttest

import (
	"fmt"
	"math"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// The fake's capture of push notifications: every send it accepted, who
// each reached and with what, and the clock that schedules run on. A send
// is resolved against the app's users and devices when it starts (see
// docs/notifications.md), so a test asserts on what each user received.

// Notifications returns the notifications the fake accepted (bulk sends,
// transactional sends, email and SMS), the newest first, each with the
// request as sent, its status, and every delivery and exclusion. With
// filters, only those every filter selects; a filter's ExtID or Token
// also narrows each notification's deliveries and exclusions to that user
// or device. A zero MaxDeliveries lists every delivery.
func (s *Server) Notifications(filters ...state.NotificationFilter) []state.NotificationRecord {
	f, ok := mergeFilters(filters)
	if !ok {
		return []state.NotificationRecord{}
	}
	if f.MaxDeliveries == 0 {
		f.MaxDeliveries = math.MaxInt
	}
	return s.Tenant().Notifications(f)
}

// mergeFilters makes one filter that selects what all of fs select; ok is
// false when two of them ask for different values of a field, which
// nothing satisfies.
func mergeFilters(fs []state.NotificationFilter) (state.NotificationFilter, bool) {
	var out state.NotificationFilter
	text := func(dst *string, v string) bool {
		if v != "" && *dst != "" && *dst != v {
			return false
		}
		if v != "" {
			*dst = v
		}
		return true
	}
	for _, f := range fs {
		if f.Key != 0 && out.Key != 0 && f.Key != out.Key {
			return out, false
		}
		if f.Key != 0 {
			out.Key = f.Key
		}
		if !text(&out.ExtID, f.ExtID) || !text(&out.Token, f.Token) || !text(&out.Status, f.Status) {
			return out, false
		}
		out.Since = max(out.Since, f.Since)
		if f.MaxDeliveries > 0 && (out.MaxDeliveries == 0 || f.MaxDeliveries < out.MaxDeliveries) {
			out.MaxDeliveries = f.MaxDeliveries
		}
	}
	return out, true
}

// DeliveriesTo returns every delivery to a user, oldest first, each with
// its notification key, device, token, status and rendered texts.
func (s *Server) DeliveriesTo(extID string) []state.Delivery {
	return s.Tenant().DeliveriesTo(extID)
}

// Push is a delivery as a test asserts on it: the platform of the device
// it went to, the title and text the user saw (placeholders filled), and
// its status (SUCCESS, FAILED for a token marked invalid, CLICKED). It is
// comparable, so one line checks what a user got:
//
//	want := []clienttest.Push{{Platform: "ANDROID", Title: "Order A-1001", Text: "John, it shipped.", Status: "SUCCESS"}}
//	if got := srv.PushesTo("id1"); !slices.Equal(got, want) {
//		t.Errorf("id1 got %v, want %v", got, want)
//	}
type Push struct {
	Platform string
	Title    string
	Text     string
	Status   string
}

// String shows a push as ANDROID SUCCESS "Title": Text.
func (p Push) String() string {
	return fmt.Sprintf("%s %s %q: %s", p.Platform, p.Status, p.Title, p.Text)
}

// PushesTo returns the pushes a user received, oldest first: one per
// device reached per send (email and SMS deliveries are left out; read
// them with DeliveriesTo). A user nothing reached has none.
func (s *Server) PushesTo(extID string) []Push {
	out := []Push{}
	for _, d := range s.DeliveriesTo(extID) {
		if d.Address != "" || d.Platform == state.PlatformEmail || d.Platform == state.PlatformSMS {
			continue
		}
		out = append(out, Push{Platform: d.Platform, Title: d.Title, Text: d.Text, Status: d.Status})
	}
	return out
}

// Definition returns the transactional definition of a key, as
// createNotificationDefinition stored it.
func (s *Server) Definition(key int64) (state.DefinitionRecord, bool) {
	return s.Tenant().Definition(key)
}

// ClearNotifications forgets every captured notification and its
// results; definitions and the clock stay.
func (s *Server) ClearNotifications() { s.Tenant().ClearNotifications() }

// Now returns the app's time: the real time unless SetClock or
// AdvanceClock moved it.
func (s *Server) Now() time.Time { return s.Tenant().Clock().Now }

// SetClock sets the app's time to at, standing still there when frozen,
// running on from there otherwise. Scheduled sends that fall due deliver
// before it returns, so a test of a scheduled campaign never sleeps. A
// time outside the years 1 to 9999 is an error and changes nothing.
func (s *Server) SetClock(at time.Time, frozen bool) error { return s.Tenant().SetClock(at, frozen) }

// AdvanceClock moves the app's time forward by d and delivers what falls
// due; a negative d is an error (set the clock instead).
func (s *Server) AdvanceClock(d time.Duration) error { return s.Tenant().AdvanceClock(d) }
