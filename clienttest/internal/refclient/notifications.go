package refclient

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// Push notifications: definitions, sends, stats and results.

// keyAnswer reads {"notificationKey": 96}, or the key as a text, which
// older guide pages show.
type keyAnswer struct {
	NotificationKey json.RawMessage `json:"notificationKey"`
}

func (a keyAnswer) key(path string) (int64, error) {
	raw := strings.Trim(string(a.NotificationKey), `"`)
	k, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("netmera: %s answered notificationKey %s, not an integer", path, a.NotificationKey)
	}
	return k, nil
}

// postKey posts body to path and returns the notificationKey answered.
func (c *Client) postKey(ctx context.Context, path string, body any) (int64, error) {
	var out keyAnswer
	if err := c.do(ctx, http.MethodPost, c.endpoint(path, nil), body, "", &out); err != nil {
		return 0, err
	}
	return out.key(path)
}

func (c *Client) CreateNotificationDefinition(ctx context.Context, def clienttest.NotificationDefinition) (int64, error) {
	body := map[string]any{"title": def.Title, "message": def.Message, "platforms": def.Platforms, "inbox": def.Inbox}
	if def.PersonalizedTitle != "" {
		body["personalizedTitle"] = def.PersonalizedTitle
	}
	if def.PersonalizedMessage != "" {
		body["personalizedMessage"] = def.PersonalizedMessage
	}
	return c.postKey(ctx, "createNotificationDefinition", body)
}

// recipient is one identifier a transactional send names.
type recipient struct{ kind, id string }

// SendNotification sends the definition to the IDs and tokens in requests
// of at most MaxIDs unique identifiers, one object each, the key as a
// text.
func (c *Client) SendNotification(ctx context.Context, s clienttest.TransactionalSend) error {
	all := make([]recipient, 0, len(s.ExtIDs)+len(s.DeviceTokens))
	for _, id := range s.ExtIDs {
		all = append(all, recipient{"extId", id})
	}
	for _, tok := range s.DeviceTokens {
		all = append(all, recipient{"deviceToken", tok})
	}
	var key any = strconv.FormatInt(s.NotificationKey, 10)
	if c.d.NumericKey {
		key = s.NotificationKey
	}
	limit := MaxIDs
	if c.d.UnbatchedSends {
		limit = math.MaxInt
	}
	for _, b := range c.batchesOf(len(all), limit, func(i int) string { return all[i].kind + "\x00" + all[i].id }) {
		target := map[string][]string{}
		for _, r := range all[b[0]:b[1]] {
			target[r.kind] = append(target[r.kind], r.id)
		}
		body := map[string]any{"notificationKey": key, "target": target}
		if len(s.Params) > 0 {
			body["message"] = map[string]any{"params": s.Params}
		}
		// Netmera answers {}: nothing to read.
		if err := c.post(ctx, "sendNotification", body); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) SendBulkNotification(ctx context.Context, n clienttest.BulkNotification) (int64, error) {
	target := map[string]any{}
	switch {
	case n.SendToAll:
		target["sendToAll"] = true
	case n.Tag != "":
		target["tag"] = n.Tag
	default:
		target["extId"] = n.ExtIDs
	}
	body := map[string]any{
		"message": map[string]any{"title": n.Title, "text": n.Text, "platforms": n.Platforms},
		"target":  target,
	}
	return c.postKey(ctx, "sendBulkNotification", body)
}

func (c *Client) GetPushStats(ctx context.Context, key int64) (clienttest.PushStats, error) {
	var out clienttest.PushStats
	err := c.get(ctx, "getPushStats", url.Values{"notificationKey": {strconv.FormatInt(key, 10)}}, &out)
	return out, err
}

type pushResult struct {
	Platform       string `json:"platform"`
	Status         string `json:"status"`
	ErrorCode      string `json:"errorCode"`
	ErrorMsg       string `json:"errorMsg"`
	ErrorMessage   string `json:"errorMessage"`
	InstallationID string `json:"installationId"`
	ExtID          string `json:"extId"`
	TimeStamp      int64  `json:"timeStamp"`
	MsgTitle       string `json:"msgTitle"`
	MsgText        string `json:"msgText"`
}

func (r pushResult) public() clienttest.PushResult {
	msg := r.ErrorMessage
	if msg == "" {
		msg = r.ErrorMsg
	}
	return clienttest.PushResult{Platform: r.Platform, Status: r.Status, ErrorCode: r.ErrorCode, ErrorMessage: msg,
		InstallationID: r.InstallationID, ExtID: r.ExtID, TimeStamp: r.TimeStamp, Title: r.MsgTitle, Text: r.MsgText}
}

func (c *Client) AllPushResults(ctx context.Context, q clienttest.PushResultQuery) ([]clienttest.PushResult, error) {
	query := url.Values{"max": {"1000"}}
	if q.NotificationKey != 0 {
		query.Set("notificationKey", strconv.FormatInt(q.NotificationKey, 10))
	}
	if q.ExtID != "" {
		query.Set("extId", q.ExtID)
	}
	all := []clienttest.PushResult{}
	next := c.endpoint("getPushResult", query)
	for next != "" {
		var page struct {
			NextPage string       `json:"nextPage"`
			List     []pushResult `json:"list"`
		}
		if err := c.do(ctx, http.MethodGet, next, nil, "", &page); err != nil {
			return nil, err
		}
		for _, r := range page.List {
			all = append(all, r.public())
		}
		if page.NextPage == "" || len(page.List) == 0 || c.d.IgnoreNextPage || c.d.FirstResultPage {
			break
		}
		var err error
		if next, err = c.next(page.NextPage); err != nil {
			return nil, err
		}
	}
	return all, nil
}
