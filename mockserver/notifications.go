package mockserver

import (
	"net/url"
	"strconv"

	"github.com/netmera-mock/netmera-mock/state"
)

// The push notification endpoints: definitions, sends, live activities,
// statistics and results. The tenant captures every send and works out
// who it reaches (state/sends.go, docs/notifications.md); these handlers
// decode Netmera's requests into state's types and write its answers.

// keyResponse is the answer of a call that created a notification key.
type keyResponse struct {
	NotificationKey int64 `json:"notificationKey"`
}

func (s *Server) sendBulkNotification(t *state.Tenant, c *call) (any, error) {
	var req state.BulkSend
	if err := decodeJSON(c.raw, &req); err != nil {
		return nil, err
	}
	key, err := t.SendBulk(req, c.raw)
	if err != nil {
		return nil, err
	}
	return keyResponse{NotificationKey: key}, nil
}

// emptyObject is sendNotification's answer, {} as recorded live.
type emptyObject struct{}

// sendNotification takes one transactional send or a list of them.
func (s *Server) sendNotification(t *state.Tenant, c *call) (any, error) {
	var reqs []state.TransactionalSend
	if _, one := c.body.(map[string]any); one {
		var req state.TransactionalSend
		if err := decodeJSON(c.raw, &req); err != nil {
			return nil, err
		}
		reqs = []state.TransactionalSend{req}
	} else if err := decodeJSON(c.raw, &reqs); err != nil {
		return nil, err
	}
	if err := t.SendTransactional(reqs, c.raw); err != nil {
		return nil, err
	}
	return emptyObject{}, nil
}

func (s *Server) createNotificationDefinition(t *state.Tenant, c *call) (any, error) {
	var def state.NotificationDefinition
	if err := decodeJSON(c.raw, &def); err != nil {
		return nil, err
	}
	key, err := t.CreateNotificationDefinition(def, c.raw)
	if err != nil {
		return nil, err
	}
	return keyResponse{NotificationKey: key}, nil
}

func (s *Server) updateLiveActivity(t *state.Tenant, c *call) (any, error) {
	var u state.LiveActivityUpdate
	if err := decodeJSON(c.raw, &u); err != nil {
		return nil, err
	}
	return nil, t.UpdateLiveActivity(u)
}

// pushStatsView is one message's getPushStats answer.
type pushStatsView struct {
	NotificationKey int64                 `json:"notificationKey"`
	Status          string                `json:"status"`
	StartDate       int64                 `json:"startDate"`
	EndDate         int64                 `json:"endDate"`
	Stats           []state.PlatformStats `json:"stats"`
}

func statsView(p state.PushStats) pushStatsView {
	return pushStatsView{NotificationKey: p.NotificationKey, Status: p.Status, StartDate: p.StartDate, EndDate: p.EndDate, Stats: p.Stats}
}

type pushStatsRange struct {
	Messages []pushStatsView `json:"messages"`
}

// getPushStats answers one key's stats, or every message's that started
// between start and end.
func (s *Server) getPushStats(t *state.Tenant, c *call) (any, error) {
	if raw := c.param("notificationKey"); raw != "" {
		key, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, state.ErrWrongType("notificationKey", "an integer")
		}
		stats, err := t.PushStats(key)
		if err != nil {
			return nil, err
		}
		return statsView(stats), nil
	}
	start, haveStart, err := int64Param(c, "start")
	if err != nil {
		return nil, err
	}
	end, haveEnd, err := int64Param(c, "end")
	if err != nil {
		return nil, err
	}
	switch {
	case !haveStart && !haveEnd:
		return nil, state.ErrMissing("notificationKey or start and end")
	case !haveStart:
		return nil, state.ErrMissing("start")
	case !haveEnd:
		return nil, state.ErrMissing("end")
	}
	out := pushStatsRange{Messages: []pushStatsView{}}
	for _, p := range t.PushStatsBetween(start, end) {
		out.Messages = append(out.Messages, statsView(p))
	}
	return out, nil
}

// int64Param reads an optional epoch-milliseconds query parameter.
func int64Param(c *call, name string) (int64, bool, error) {
	raw := c.param(name)
	if raw == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, true, state.ErrWrongType(name, "an integer")
	}
	return n, true, nil
}

// pushResultView is one getPushResult entry. The sample names the failure
// text errorMsg and the newer reference errorMessage: both are written.
type pushResultView struct {
	Platform       string `json:"platform"`
	Status         string `json:"status"`
	ErrorCode      string `json:"errorCode,omitempty"`
	InstallationID string `json:"installationId,omitempty"`
	ExtID          string `json:"extId,omitempty"`
	ErrorMsg       string `json:"errorMsg,omitempty"`
	ErrorMessage   string `json:"errorMessage,omitempty"`
	TimeStamp      int64  `json:"timeStamp"`
	MsgTitle       string `json:"msgTitle,omitempty"`
	MsgText        string `json:"msgText,omitempty"`
}

type pushResultPage struct {
	NextPage string           `json:"nextPage,omitempty"`
	List     []pushResultView `json:"list"`
}

// getPushResult pages through results by key, user or device token. The
// offset is an opaque cursor after the last result returned, so following
// nextPage returns every result exactly once, also while sends deliver.
func (s *Server) getPushResult(t *state.Tenant, c *call) (any, error) {
	f := state.PushResultFilter{ExtID: c.param("extId"), Token: c.param("token")}
	if raw := c.param("notificationKey"); raw != "" {
		key, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, state.ErrWrongType("notificationKey", "an integer")
		}
		f.Key = key
	}
	var err error
	if f.Start, _, err = int64Param(c, "start"); err != nil {
		return nil, err
	}
	if f.End, _, err = int64Param(c, "end"); err != nil {
		return nil, err
	}
	size, err := c.intParam("max", state.DefaultPushResultPage)
	if err != nil {
		return nil, err
	}
	if size < 1 {
		return nil, state.Invalidf(state.CodeTypeMismatch, "Field 'max' should be a positive integer")
	}
	size = min(size, state.MaxPushResultPage)
	var after state.PushResultCursor
	if tok := c.param("offset"); tok != "" {
		if after, err = state.ParsePushResultCursor(tok); err != nil {
			return nil, err
		}
	}
	page, next, more, err := t.PushResults(f, size, after)
	if err != nil {
		return nil, err
	}
	out := pushResultPage{List: make([]pushResultView, len(page))}
	for i, r := range page {
		out.List[i] = pushResultView{Platform: r.Platform, Status: r.Status, ErrorCode: r.ErrorCode, InstallationID: r.InstallationID,
			ExtID: r.ExtID, ErrorMsg: r.ErrorMsg, ErrorMessage: r.ErrorMsg, TimeStamp: r.TimeStamp, MsgTitle: r.MsgTitle, MsgText: r.MsgText}
	}
	if more {
		q := url.Values{}
		for _, name := range []string{"notificationKey", "extId", "token", "start", "end"} {
			if v := c.param(name); v != "" {
				q.Set(name, v)
			}
		}
		q.Set("max", strconv.Itoa(size))
		q.Set("offset", next.Token())
		out.NextPage = c.pageURL(q.Encode())
	}
	return out, nil
}
