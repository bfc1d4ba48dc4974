package mockserver

import (
	"bytes"
	"encoding/json"
	"math"

	"github.com/netmera-mock/netmera-mock/state"
)

// inboxMessage is an inbox message as inbox/get and inbox/getAllInbox
// show it: the user's ID as "extID" with a capital D, and null for the
// optional texts a message does not have, as the reference's sample does.
type inboxMessage struct {
	MsgID             int64           `json:"msgId"`
	ExtID             string          `json:"extID"`
	PushInstanceID    int64           `json:"pushInstanceId"`
	Title             string          `json:"title"`
	Message           string          `json:"message"`
	Deeplink          *string         `json:"deeplink"`
	AndroidMediaURL   *string         `json:"androidMediaUrl"`
	IOSMediaURL       *string         `json:"iosMediaUrl"`
	AndroidThumbnail  *string         `json:"androidThumbnail"`
	PersonalizedMsg   *string         `json:"personalizedMsg"`
	PersonalizedTitle *string         `json:"personalizedTitle"`
	SubText           *string         `json:"subText"`
	Status            string          `json:"status"`
	CustomParams      json.RawMessage `json:"customParams"`
	Sts               int64           `json:"sts"`
	Ctg               []int           `json:"ctg"` // category IDs
	Lbl               []string        `json:"lbl"`
}

// inboxPage is inbox/getAllInbox's answer; prms is left out on the last
// page.
type inboxPage struct {
	Msgs []inboxMessage `json:"msgs"`
	Cnts map[int]int    `json:"cnts"`
	Prms *inboxCursor   `json:"prms,omitempty"`
}

type inboxCursor struct {
	Index int64 `json:"index"`
}

// categoryIDs maps the app's category names to their IDs.
func categoryIDs(t *state.Tenant) map[string]int {
	ids := map[string]int{}
	for _, c := range t.Categories() {
		ids[c.Name] = c.ID
	}
	return ids
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// inboxView shows a message; its categories are given by ID, those the
// app does not define left out.
func inboxView(m state.InboxMessage, cats map[string]int) inboxMessage {
	v := inboxMessage{MsgID: m.MsgID, ExtID: m.ExtID, PushInstanceID: m.PushInstanceID, Title: m.Title, Message: m.Message,
		Deeplink: orNull(m.Deeplink), PersonalizedMsg: orNull(m.PersonalizedMsg), PersonalizedTitle: orNull(m.PersonalizedTitle),
		SubText: orNull(m.SubText), Status: m.Status, CustomParams: json.RawMessage(`{}`), Sts: m.Sts, Ctg: []int{}, Lbl: []string{}}
	if p := bytes.TrimSpace(m.CustomParams); len(p) > 0 && p[0] == '{' {
		v.CustomParams = m.CustomParams
	}
	for _, name := range m.Categories {
		if id, ok := cats[name]; ok {
			v.Ctg = append(v.Ctg, id)
		}
	}
	v.Lbl = append(v.Lbl, m.Labels...)
	return v
}

// getAllInbox is inbox/getAllInbox: a page of a user's inbox, newest first.
// extId is checked before status, as Netmera does when both are missing.
func (s *Server) getAllInbox(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	q := state.InboxQuery{}
	if q.ExtID, _, err = o.text("extId"); err != nil {
		return nil, err
	}
	if q.ExtID == "" {
		return nil, state.ErrMissing("extId")
	}
	status, present, err := o.integer("status")
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, state.ErrMissing("status")
	}
	q.Status = clampInt(status)
	limit, _, err := o.integer("numberOfNotification")
	if err != nil {
		return nil, err
	}
	q.Limit = clampInt(limit)
	if q.Start, _, err = o.integer("startDate"); err != nil {
		return nil, err
	}
	if q.End, _, err = o.integer("endDate"); err != nil {
		return nil, err
	}
	if v, ok := o["prms"]; ok && v != nil {
		prms, ok := asObject(v)
		if !ok {
			return nil, state.ErrWrongType("prms", "an object")
		}
		if q.Before, _, err = prms.integer("index"); err != nil {
			return nil, err
		}
	}
	cats, _, err := o.integers("category")
	if err != nil {
		return nil, err
	}
	for _, id := range cats {
		q.Categories = append(q.Categories, clampInt(id))
	}
	page, err := t.Inbox(q)
	if err != nil {
		return nil, err
	}
	ids := categoryIDs(t)
	out := inboxPage{Msgs: make([]inboxMessage, len(page.Messages)), Cnts: page.Counts}
	for i, m := range page.Messages {
		out.Msgs[i] = inboxView(m, ids)
	}
	if page.Next != 0 {
		out.Prms = &inboxCursor{Index: page.Next}
	}
	return out, nil
}

// getInboxMessage is inbox/get: one message by push instance ID; an
// unknown one answers 204 with no body, as Netmera Cloud does.
func (s *Server) getInboxMessage(t *state.Tenant, c *call) (any, error) {
	if c.param("piid") == "" {
		return nil, state.ErrMissing("piid")
	}
	piid, err := c.intParam("piid", 0)
	if err != nil {
		return nil, err
	}
	m, ok := t.InboxMessageByID(int64(piid))
	if !ok {
		return noContent{}, nil
	}
	return inboxView(m, categoryIDs(t)), nil
}

// inboxStatusChange is inbox/statusChange: the user's messages among piids
// take the status st (1 read, 2 unread, 4 deleted).
func (s *Server) inboxStatusChange(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	extID, _, err := o.text("extId")
	if err != nil {
		return nil, err
	}
	if extID == "" {
		return nil, state.ErrMissing("extId")
	}
	piids, present, err := o.integers("piids")
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, state.ErrMissing("piids")
	}
	st, present, err := o.integer("st")
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, state.ErrMissing("st")
	}
	return nil, t.SetInboxStatus(extID, piids, clampInt(st))
}

// integers reads a list of integral numbers that fit in an int64; a null
// element reads as 0.
func (o object) integers(name string) (list []int64, present bool, err error) {
	v, ok := o[name]
	if !ok || v == nil {
		return nil, false, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, true, state.ErrWrongType(name, "a list")
	}
	list = make([]int64, len(l))
	for i, e := range l {
		if e == nil {
			continue
		}
		n, _, err := object{name: e}.integer(name)
		if err != nil {
			return nil, true, state.ErrWrongType(name, "a list of integers")
		}
		list[i] = n
	}
	return list, true, nil
}

// clampInt narrows an int64 to an int, saturating: the values it reads
// (statuses, page sizes, category IDs) are refused or clamped by range
// afterwards.
func clampInt(n int64) int {
	return int(max(min(n, math.MaxInt), math.MinInt))
}
