package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/state"
)

// The control API's window on notifications: what the tenant captured and
// delivered, the clock that schedules run on, and what the SDK would
// report (clicks).

// notificationsResponse is GET /_mock/notifications.
type notificationsResponse struct {
	Count         int                        `json:"count"`
	Notifications []state.NotificationRecord `json:"notifications"`
}

// listNotifications lists captured notifications, the newest first:
// ?extId=, ?token=, ?notificationKey=, ?status=, ?since= (RFC 3339 or
// epoch ms) select them, ?max= bounds the deliveries shown per
// notification and ?limit= the notifications, the newest kept.
func (s *Server) listNotifications(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	q := r.URL.Query()
	f := state.NotificationFilter{ExtID: q.Get("extId"), Token: q.Get("token"), Status: q.Get("status")}
	var err error
	if v := q.Get("notificationKey"); v != "" {
		if f.Key, err = strconv.ParseInt(v, 10, 64); err != nil {
			return 0, nil, fmt.Errorf("notificationKey must be an integer, not %q", v)
		}
	}
	if v := q.Get("since"); v != "" {
		at, err := parseTime(v)
		if err != nil {
			return 0, nil, fmt.Errorf("since: %w", err)
		}
		f.Since = at.UnixMilli()
	}
	if v := q.Get("max"); v != "" {
		if f.MaxDeliveries, err = strconv.Atoi(v); err != nil || f.MaxDeliveries < 1 {
			return 0, nil, fmt.Errorf("max must be a positive integer, not %q", v)
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return 0, nil, fmt.Errorf("limit must be a positive integer, not %q", v)
		}
	}
	list := t.Notifications(f)
	return http.StatusOK, notificationsResponse{Count: len(list), Notifications: list}, nil
}

// getNotification shows one captured notification whole, by its ID.
func (s *Server) getNotification(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	id, err := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("a notification ID is an integer, not %q", mux.Vars(r)["id"])
	}
	n, ok := t.Notification(id)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no notification %d", id))
	}
	return http.StatusOK, n, nil
}

func (s *Server) clearNotifications(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	n := len(t.Notifications(state.NotificationFilter{MaxDeliveries: 1}))
	t.ClearNotifications()
	return http.StatusOK, map[string]int{"cleared": n}, nil
}

// createNotification sends a sendBulkNotification body as the API does,
// and with ?awaitApproval=true makes it wait for sendPushApproval, as an
// app that requires approval would.
func (s *Server) createNotification(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	raw, err := s.readControl(r)
	if err != nil {
		return 0, nil, err
	}
	var req state.BulkSend
	if err := decodeJSON(raw, &req); err != nil {
		return 0, nil, err
	}
	req.AwaitApproval = r.URL.Query().Get("awaitApproval") == "true"
	key, err := t.SendBulk(req, raw)
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{"notificationKey": key}
	if list := t.Notifications(state.NotificationFilter{Key: key, MaxDeliveries: 1}); len(list) > 0 {
		out["id"], out["status"] = list[0].ID, list[0].Status
		if list[0].MessageID != nil {
			out["messageId"] = *list[0].MessageID
		}
	}
	return http.StatusCreated, out, nil
}

// clickNotification records clicks on a key's deliveries, as the SDK
// reports an opened push: the body's extId, installationId and token (any
// of them) pick the deliveries; an empty body clicks them all.
func (s *Server) clickNotification(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	key, err := strconv.ParseInt(mux.Vars(r)["key"], 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("a notification key is an integer, not %q", mux.Vars(r)["key"])
	}
	var m struct {
		ExtID          string `json:"extId"`
		InstallationID string `json:"installationId"`
		Token          string `json:"token"`
	}
	if r.ContentLength != 0 {
		if err := s.decodeControl(r, &m); err != nil {
			return 0, nil, err
		}
	}
	n, err := t.ClickDelivery(key, state.DeliveryMatch{ExtID: m.ExtID, InstallationID: m.InstallationID, Token: m.Token})
	if errors.Is(err, state.ErrNoSuchNotification) {
		return 0, nil, notFound(fmt.Sprintf("no notification with key %d", key))
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"clicked": n}, nil
}

// listDeliveries lists every delivery to one user, oldest first.
func (s *Server) listDeliveries(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	extID := r.URL.Query().Get("extId")
	if extID == "" {
		return 0, nil, errors.New("extId is required: GET /_mock/deliveries?extId=…")
	}
	list := t.DeliveriesTo(extID)
	return http.StatusOK, map[string]any{"count": len(list), "deliveries": list}, nil
}

func (s *Server) listDefinitions(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, map[string]any{"definitions": t.Definitions()}, nil
}

func (s *Server) getLiveActivity(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	group := r.URL.Query().Get("groupId")
	if group == "" {
		return 0, nil, errors.New("groupId is required: GET /_mock/live-activities?groupId=…")
	}
	la, ok := t.LiveActivity(group)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no live activity %q", group))
	}
	return http.StatusOK, la, nil
}

// clockView is the tenant's clock as the control API shows it.
type clockView struct {
	Now      time.Time `json:"now"`
	NowMS    int64     `json:"nowMs"`
	Frozen   bool      `json:"frozen"`
	OffsetMS int64     `json:"offsetMs"`
}

func viewClock(c state.ClockInfo) clockView {
	return clockView{Now: c.Now, NowMS: c.Now.UnixMilli(), Frozen: c.Frozen, OffsetMS: c.Offset.Milliseconds()}
}

func (s *Server) getClock(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, viewClock(t.Clock()), nil
}

// setClock sets the tenant's time: {"now": RFC 3339 or epoch ms, "frozen":
// true} stops it there, without frozen it runs on from there. Sends that
// fall due are delivered before the answer.
func (s *Server) setClock(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var req struct {
		Now    json.RawMessage `json:"now"`
		Frozen bool            `json:"frozen"`
	}
	if err := s.decodeControl(r, &req); err != nil {
		return 0, nil, err
	}
	if len(req.Now) == 0 {
		return 0, nil, errors.New(`now is required: {"now":"2030-01-01T09:00:00Z","frozen":true}`)
	}
	var text string
	if json.Unmarshal(req.Now, &text) != nil {
		text = string(req.Now) // a number: epoch ms
	}
	at, err := parseTime(text)
	if err != nil {
		return 0, nil, fmt.Errorf("now: %w", err)
	}
	if err := t.SetClock(at, req.Frozen); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewClock(t.Clock()), nil
}

// advanceClock moves the tenant's time forward: {"by": "90m"} (a Go
// duration, or "15d" as Netmera writes a ttl) or {"ms": 5400000}.
func (s *Server) advanceClock(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var req struct {
		By string `json:"by"`
		MS *int64 `json:"ms"`
	}
	if err := s.decodeControl(r, &req); err != nil {
		return 0, nil, err
	}
	var d time.Duration
	switch {
	case req.MS != nil && req.By != "":
		return 0, nil, errors.New("give by or ms, not both")
	case req.MS != nil:
		if *req.MS < 0 || *req.MS > math.MaxInt64/int64(time.Millisecond) {
			return 0, nil, fmt.Errorf("ms must be from 0 to %d, not %d", math.MaxInt64/int64(time.Millisecond), *req.MS)
		}
		d = time.Duration(*req.MS) * time.Millisecond
	case req.By != "":
		var err error
		if d, err = parseDuration(req.By); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, errors.New(`by or ms is required: {"by":"2h"}`)
	}
	if err := t.AdvanceClock(d); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, viewClock(t.Clock()), nil
}

// parseTime reads an RFC 3339 time or epoch milliseconds, between
// state.ClockMin and state.ClockMax.
func parseTime(s string) (time.Time, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		at := time.UnixMilli(ms).UTC()
		if at.Before(state.ClockMin) || at.After(state.ClockMax) {
			return time.Time{}, fmt.Errorf("%d epoch milliseconds is outside the years 1 to 9999", ms)
		}
		return at, nil
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor epoch milliseconds", s)
	}
	return at, nil
}

// parseDuration reads a Go duration ("90m", "1h30m") or a day count as
// Netmera writes a ttl ("15d").
func parseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.ParseInt(days, 10, 64); err == nil && n >= 0 && n <= math.MaxInt64/int64(24*time.Hour) {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("by %q is not a positive duration such as \"90m\", \"2h\" or \"15d\"", s)
	}
	return d, nil
}
