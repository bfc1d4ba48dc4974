package refclient

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// Users and tags.

func (c *Client) tag(ctx context.Context, path, tag string, extIDs []string) error {
	return c.eachBatch(extIDs, func(ids []string) error {
		return c.post(ctx, path, map[string]any{"tag": tag, "extIds": ids})
	})
}

func (c *Client) TagUsers(ctx context.Context, tag string, extIDs []string) error {
	return c.tag(ctx, "tagUsers", tag, extIDs)
}

func (c *Client) UntagUsers(ctx context.Context, tag string, extIDs []string) error {
	return c.tag(ctx, "untagUsers", tag, extIDs)
}

func (c *Client) DeleteUsersPermanently(ctx context.Context, extIDs []string) error {
	return c.eachBatch(extIDs, func(ids []string) error {
		return c.post(ctx, "deleteUsersPermanently", map[string]any{"extIds": ids})
	})
}

// Profile attributes.

type profileEntry struct {
	ExtID   string `json:"extId"`
	Profile any    `json:"profile"`
}

// profileWrite posts entries as arrays of at most MaxIDs unique users.
func profileWrite(ctx context.Context, c *Client, path string, entries []profileEntry) error {
	for _, b := range c.batches(len(entries), func(i int) string { return entries[i].ExtID }) {
		if err := postArray(ctx, c, path, entries[b[0]:b[1]]); err != nil {
			return err
		}
	}
	return nil
}

func updates(us []clienttest.ProfileUpdate) []profileEntry {
	out := make([]profileEntry, len(us))
	for i, u := range us {
		out[i] = profileEntry{ExtID: u.ExtID, Profile: u.Profile}
	}
	return out
}

func (c *Client) SetProfileAttributes(ctx context.Context, us []clienttest.ProfileUpdate) error {
	return profileWrite(ctx, c, "setProfileAttributes", updates(us))
}

func (c *Client) UnsetProfileAttributes(ctx context.Context, us []clienttest.ProfileUnset) error {
	out := make([]profileEntry, len(us))
	for i, u := range us {
		out[i] = profileEntry{ExtID: u.ExtID, Profile: u.Keys}
	}
	return profileWrite(ctx, c, "unsetProfileAttributes", out)
}

func (c *Client) PushProfileAttributes(ctx context.Context, us []clienttest.ProfileUpdate) error {
	return profileWrite(ctx, c, "pushProfileAttributes", updates(us))
}

func (c *Client) PullProfileAttributes(ctx context.Context, us []clienttest.ProfileUpdate) error {
	return profileWrite(ctx, c, "pullProfileAttributes", updates(us))
}

func (c *Client) GetProfileAttributes(ctx context.Context, extID string) (map[string]any, error) {
	var out struct {
		Profile map[string]any `json:"profile"`
	}
	if err := c.get(ctx, "getProfileAttributes", url.Values{"extId": {extID}}, &out); err != nil {
		return nil, err
	}
	if out.Profile == nil {
		out.Profile = map[string]any{}
	}
	return out.Profile, nil
}

// Category preferences.

type categoryEntry struct {
	ExtID    string `json:"extId"`
	Category string `json:"category"`
	Channel  string `json:"channel,omitempty"`
	Enable   bool   `json:"enable"`
}

func (c *Client) SetCategoryPreferences(ctx context.Context, prefs []clienttest.CategoryPreference) error {
	entries := make([]categoryEntry, len(prefs))
	for i, p := range prefs {
		entries[i] = categoryEntry(p)
	}
	for _, b := range c.batches(len(entries), func(i int) string { return entries[i].ExtID }) {
		if err := postArray(ctx, c, "setCategoryPreferences", entries[b[0]:b[1]]); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) GetCategoryPreferences(ctx context.Context, extID string) (map[string]bool, error) {
	var out struct {
		Prefs map[string]bool `json:"categoryPreferences"`
	}
	err := c.get(ctx, "getCategoryPreferences", url.Values{"externalId": {extID}}, &out)
	return out.Prefs, err
}

// Devices and push permission.

func (c *Client) EnablePush(ctx context.Context, extID string) error {
	return c.post(ctx, "enablePush", map[string]string{"extId": extID})
}

func (c *Client) DisablePush(ctx context.Context, extID string) error {
	return c.post(ctx, "disablePush", map[string]string{"extId": extID})
}

type device struct {
	InstallationID string `json:"installationId"`
	ExtID          string `json:"extId"`
	Platform       string `json:"platform"`
	Token          string `json:"token"`
	DeviceToken    string `json:"deviceToken"`
	DeviceModel    string `json:"deviceModel"`
	PushPermitted  bool   `json:"pushPermitted"`
}

func (d device) public() clienttest.Device {
	tok := d.Token
	if tok == "" {
		tok = d.DeviceToken
	}
	return clienttest.Device{InstallationID: d.InstallationID, ExtID: d.ExtID, Platform: d.Platform,
		Token: tok, DeviceModel: d.DeviceModel, PushPermitted: d.PushPermitted}
}

func (c *Client) GetDevices(ctx context.Context, extID string, onlyPermitted bool) ([]clienttest.Device, error) {
	q := url.Values{"extId": {extID}}
	if onlyPermitted {
		q.Set("pushPermitted", "true")
	}
	var out struct {
		Devices []device `json:"devices"`
	}
	if err := c.get(ctx, "getDevices", q, &out); err != nil {
		return nil, err
	}
	ds := make([]clienttest.Device, len(out.Devices))
	for i, d := range out.Devices {
		ds[i] = d.public()
	}
	return ds, nil
}

func (c *Client) AllDeviceTokens(ctx context.Context) ([]clienttest.Device, error) {
	var all []clienttest.Device
	next := c.endpoint("getDeviceTokens", url.Values{"max": {"1000"}, "offset": {"0"}})
	for next != "" {
		var page struct {
			NextPage string   `json:"nextPage"`
			Devices  []device `json:"devices"`
		}
		if err := c.do(ctx, http.MethodGet, next, nil, "", &page); err != nil {
			return nil, err
		}
		for _, d := range page.Devices {
			if c.d.TokenOnly {
				d.DeviceToken = ""
			}
			all = append(all, d.public())
		}
		if page.NextPage == "" || len(page.Devices) == 0 || c.d.IgnoreNextPage {
			break
		}
		var err error
		if next, err = c.next(page.NextPage); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// Segments.

func (c *Client) GetSegments(ctx context.Context, os string) ([]clienttest.Segment, error) {
	var out struct {
		List []clienttest.Segment `json:"list"`
	}
	err := c.do(ctx, http.MethodGet, c.endpoint("getSegments", nil), nil, os, &out)
	return out.List, err
}

func (c *Client) GetSegmentUsers(ctx context.Context, id int64) ([]clienttest.SegmentUser, error) {
	var all []clienttest.SegmentUser
	next := c.endpoint("getSegmentUsers", url.Values{"id": {strconv.FormatInt(id, 10)}, "max": {"1000"}})
	for next != "" {
		var page struct {
			List []struct {
				ExternalID string `json:"externalId"`
				Email      string `json:"email"`
				Msisdn     string `json:"msisdn"`
			} `json:"list"`
			NextPage string `json:"nextPage"`
		}
		if err := c.do(ctx, http.MethodGet, next, nil, c.OS, &page); err != nil {
			return nil, err
		}
		for _, u := range page.List {
			all = append(all, clienttest.SegmentUser{ExtID: u.ExternalID, Email: u.Email, Msisdn: u.Msisdn})
		}
		if page.NextPage == "" || len(page.List) == 0 || c.d.IgnoreNextPage {
			break
		}
		var err error
		if next, err = c.next(page.NextPage); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// Email and SMS.

func (c *Client) list(ctx context.Context, path string, extIDs []string) error {
	return c.eachBatch(extIDs, func(ids []string) error {
		return c.post(ctx, path, map[string]any{"extIds": ids})
	})
}

func (c *Client) EnableMail(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "enableMail", extIDs)
}

func (c *Client) DisableMail(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "disableMail", extIDs)
}

func (c *Client) UpdateEmail(ctx context.Context, extID, email string) error {
	return c.post(ctx, "updateEmail", map[string]string{"extId": extID, "email": email})
}

func (c *Client) EnableSms(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "enableSms", extIDs)
}

func (c *Client) DisableSms(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "disableSms", extIDs)
}

func (c *Client) UpdateMsisdn(ctx context.Context, extID, msisdn string) error {
	return c.post(ctx, "updateMsisdn", map[string]string{"extId": extID, "msisdn": msisdn})
}

// Addresses.

func (c *Client) AddEmail(ctx context.Context, emails []string) error {
	return c.post(ctx, "addEmail", map[string]any{"emailList": emails})
}

func (c *Client) RemoveEmail(ctx context.Context, extID string) error {
	if c.d.ClearByUpdate {
		return c.UpdateEmail(ctx, extID, "")
	}
	return c.post(ctx, "removeEmail", map[string]string{"extId": extID})
}

func (c *Client) AddMsisdn(ctx context.Context, msisdns []string) error {
	return c.post(ctx, "addMsisdn", map[string]any{"msisdnList": msisdns})
}

func (c *Client) RemoveMsisdn(ctx context.Context, extID string) error {
	if c.d.ClearByUpdate {
		return c.UpdateMsisdn(ctx, extID, "")
	}
	return c.post(ctx, "removeMsisdn", map[string]string{"extId": extID})
}

// WhatsApp.

func (c *Client) EnableWhatsApp(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "enableWhatsApp", extIDs)
}

func (c *Client) DisableWhatsApp(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "disableWhatsApp", extIDs)
}

func (c *Client) UpdateWhatsApp(ctx context.Context, extID string, numbers []string) error {
	if numbers == nil {
		numbers = []string{}
	}
	return c.post(ctx, "updateWhatsApp", map[string]any{"extId": extID, "wpNumbers": numbers})
}

func (c *Client) RemoveWhatsApp(ctx context.Context, extID string) error {
	if c.d.ClearByUpdate {
		return c.UpdateWhatsApp(ctx, extID, nil)
	}
	return c.post(ctx, "removeWhatsApp", map[string]string{"extId": extID})
}

// Approval.

func (c *Client) SendPushApproval(ctx context.Context, messageIDs []int64) error {
	entries := make([]map[string]int64, len(messageIDs))
	for i, id := range messageIDs {
		entries[i] = map[string]int64{"messageId": id}
	}
	return postArray(ctx, c, "sendPushApproval", entries)
}

// Registration and untracking.

type registration struct {
	ExtID       string         `json:"extId,omitempty"`
	DeviceToken string         `json:"deviceToken,omitempty"`
	Platform    string         `json:"platform,omitempty"`
	Email       string         `json:"email,omitempty"`
	Msisdn      string         `json:"msisdn,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	Profile     map[string]any `json:"profile,omitempty"`
}

func (c *Client) RegisterUsers(ctx context.Context, regs []clienttest.Registration) error {
	entries := make([]registration, len(regs))
	for i, r := range regs {
		entries[i] = registration(r)
	}
	keys := func(i int) []string {
		r := regs[i]
		return []string{prefixed("ext:", r.ExtID), prefixed("token:", r.DeviceToken), prefixed("email:", r.Email), prefixed("msisdn:", r.Msisdn)}
	}
	for _, b := range c.batchesMulti(len(entries), MaxIDs, keys) {
		if err := postArray(ctx, c, "registerUsers", entries[b[0]:b[1]]); err != nil {
			return err
		}
	}
	return nil
}

// prefixed tells identifiers of different kinds apart for batching; an
// empty one stays empty, counting for nothing.
func prefixed(kind, id string) string {
	if id == "" {
		return ""
	}
	return kind + id
}

func (c *Client) DeleteUsers(ctx context.Context, extIDs []string) error {
	return c.list(ctx, "deleteUsers", extIDs)
}

// Events.

func (c *Client) FireEvents(ctx context.Context, events []clienttest.Event) error {
	entries := make([]map[string]any, len(events))
	for i, ev := range events {
		m := map[string]any{"extId": ev.ExtID, "name": ev.Name}
		if c.d.NestedAttributes {
			m["attributes"] = ev.Attributes
		} else {
			for k, v := range ev.Attributes {
				m[k] = v
			}
		}
		entries[i] = m
	}
	for _, b := range c.batches(len(events), func(i int) string { return events[i].ExtID }) {
		if err := postArray(ctx, c, "fireEvents", entries[b[0]:b[1]]); err != nil {
			return err
		}
	}
	return nil
}

// Inbox.

type inboxMessage struct {
	PushInstanceID int64  `json:"pushInstanceId"`
	MsgID          int64  `json:"msgId"`
	ExtID          string `json:"extID"`
	Title          string `json:"title"`
	Message        string `json:"message"`
	Status         string `json:"status"`
	Sts            int64  `json:"sts"`
}

func (m inboxMessage) public() clienttest.InboxMessage { return clienttest.InboxMessage(m) }

// status is an inbox status as the request carries it.
func (c *Client) status(st int) any {
	if c.d.StatusAsText {
		return strconv.Itoa(st)
	}
	return st
}

func (c *Client) GetAllInbox(ctx context.Context, extID string, status int) ([]clienttest.InboxMessage, error) {
	var all []clienttest.InboxMessage
	body := map[string]any{"extId": extID, "status": c.status(status)}
	for {
		var page struct {
			Msgs []inboxMessage `json:"msgs"`
			Prms *struct {
				Index int64 `json:"index"`
			} `json:"prms"`
		}
		if err := c.do(ctx, http.MethodPost, c.endpoint("inbox/getAllInbox", nil), body, "", &page); err != nil {
			return nil, err
		}
		for _, m := range page.Msgs {
			all = append(all, m.public())
		}
		if page.Prms == nil || len(page.Msgs) == 0 || c.d.IgnoreNextPage {
			return all, nil
		}
		body["prms"] = map[string]int64{"index": page.Prms.Index}
	}
}

func (c *Client) GetInboxMessage(ctx context.Context, pushInstanceID int64) (clienttest.InboxMessage, bool, error) {
	var m *inboxMessage // stays nil on a 204, which has no body
	if err := c.get(ctx, "inbox/get", url.Values{"piid": {strconv.FormatInt(pushInstanceID, 10)}}, &m); err != nil || m == nil {
		return clienttest.InboxMessage{}, false, err
	}
	return m.public(), true, nil
}

func (c *Client) ChangeInboxStatus(ctx context.Context, extID string, pushInstanceIDs []int64, status int) error {
	return c.post(ctx, "inbox/statusChange", map[string]any{"extId": extID, "piids": pushInstanceIDs, "st": c.status(status)})
}
