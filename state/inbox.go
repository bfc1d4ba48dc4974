package state

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
)

// Inbox statuses: bit flags, as the inbox endpoints take them. A query's
// status is a mask of them (3 read and unread, 7 all); 8 is a bit the
// endpoints accept that no message has.
const (
	InboxRead    = 1
	InboxUnread  = 2
	InboxDeleted = 4
	// InboxStatusMax is the largest mask accepted.
	InboxStatusMax = 15
)

// DefaultInboxPage is the page size of an inbox query that gives none.
const DefaultInboxPage = 20

// maxInboxPage bounds an inbox page.
const maxInboxPage = 1000

var inboxStatusNames = map[uint8]string{InboxRead: "READ", InboxUnread: "UNREAD", InboxDeleted: "DELETED"}

func inboxStatusOf(name string) (uint8, bool) {
	for b, n := range inboxStatusNames {
		if n == name {
			return b, true
		}
	}
	return 0, false
}

// errInboxStatus is what the inbox endpoints answer to a status out of
// range, as observed on a live installation.
func errInboxStatus() *Error {
	return Invalidf(CodeInboxStatus, "MsgInboxStatus should be matched with the specified code")
}

// inboxItem is one message in one user's inbox: one per user per send
// with inbox: true, made when the send first reaches one of the user's
// devices.
type inboxItem struct {
	msg    InboxMessage // Status is kept in status
	status uint8
}

// InboxMessage is an inbox message as the inbox endpoints show it and the
// dataset stores it. MsgID is the notification key of the send.
type InboxMessage struct {
	PushInstanceID    int64           `json:"pushInstanceId"`
	MsgID             int64           `json:"msgId"`
	ExtID             string          `json:"extId"`
	Title             string          `json:"title,omitempty"`
	Message           string          `json:"message,omitempty"`
	SubText           string          `json:"subText,omitempty"`
	PersonalizedTitle string          `json:"personalizedTitle,omitempty"`
	PersonalizedMsg   string          `json:"personalizedMsg,omitempty"`
	Deeplink          string          `json:"deeplink,omitempty"`
	Status            string          `json:"status"` // READ, UNREAD or DELETED
	Sts               int64           `json:"sts"`    // when it arrived, epoch ms
	Categories        []string        `json:"categories,omitempty"`
	Labels            []string        `json:"labels,omitempty"`
	CustomParams      json.RawMessage `json:"customParams,omitempty"`
}

func (it *inboxItem) view() InboxMessage {
	m := it.msg
	m.Status = inboxStatusNames[it.status]
	m.Categories, m.Labels = slices.Clone(m.Categories), slices.Clone(m.Labels)
	m.CustomParams = cloneRaw(m.CustomParams)
	return m
}

// addInboxItem puts a send's message in the inbox of the user of res; the
// caller holds the write lock.
func (t *Tenant) addInboxItem(n *notification, res *result) {
	txt := n.texts[res.text]
	m := InboxMessage{PushInstanceID: t.nt.nextPiid, MsgID: n.key, ExtID: res.extID, Title: n.content.Title,
		Message: n.content.Text, SubText: txt.subText, Deeplink: n.content.Deeplink, Sts: res.at,
		Categories: n.content.Categories, Labels: n.content.Labels, CustomParams: n.content.CustomJSON}
	if txt.title != n.content.Title && n.content.PersonalizedTitle != "" {
		m.PersonalizedTitle = txt.title
	}
	if txt.text != n.content.Text {
		m.PersonalizedMsg = txt.text
	}
	t.nt.nextPiid++
	t.putInboxItem(&inboxItem{msg: m, status: InboxUnread})
	n.inbox = append(n.inbox, m.PushInstanceID)
}

// dropInboxOf forgets the inbox items a notification made, when evict
// drops its results or forgets it; the caller holds the write lock.
// Items already gone with their user are skipped.
func (t *Tenant) dropInboxOf(n *notification) {
	for _, piid := range n.inbox {
		it := t.nt.inbox[piid]
		if it == nil {
			continue
		}
		delete(t.nt.inbox, piid)
		ext := it.msg.ExtID
		list := t.nt.inboxByUser[ext]
		i := sort.Search(len(list), func(i int) bool { return list[i].msg.PushInstanceID >= piid })
		if i < len(list) && list[i] == it {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(t.nt.inboxByUser, ext)
		} else {
			t.nt.inboxByUser[ext] = list
		}
	}
	n.inbox = nil
}

// linkInbox gives each loaded inbox item back to the notification that
// made it, so that evict drops it with that notification's results: the
// only notification of its key, or, for a key sent several times, the one
// with a result to the item's user at the item's time. Items no
// notification claims (their send was cleared, forgotten or evicted) stay
// until their user is deleted.
func (t *Tenant) linkInbox() {
	type at struct {
		key int64
		ext string
		ts  int64
	}
	var several map[at]*notification
	for _, piid := range slices.Sorted(maps.Keys(t.nt.inbox)) {
		m := &t.nt.inbox[piid].msg
		ns := t.nt.byKey[m.MsgID]
		switch {
		case len(ns) == 1:
			ns[0].inbox = append(ns[0].inbox, piid)
		case len(ns) > 1:
			if several == nil {
				several = map[at]*notification{}
				for k, ns := range t.nt.byKey {
					if len(ns) < 2 {
						continue
					}
					for _, n := range ns {
						for i := range n.results.len() {
							r := n.results.at(i)
							if !r.failed && r.extID != "" {
								several[at{k, r.extID, r.at}] = n
							}
						}
					}
				}
			}
			if n := several[at{m.MsgID, m.ExtID, m.Sts}]; n != nil {
				n.inbox = append(n.inbox, piid)
			}
		}
	}
}

func (t *Tenant) putInboxItem(it *inboxItem) {
	t.nt.inbox[it.msg.PushInstanceID] = it
	list := t.nt.inboxByUser[it.msg.ExtID]
	i := sort.Search(len(list), func(i int) bool { return list[i].msg.PushInstanceID >= it.msg.PushInstanceID })
	t.nt.inboxByUser[it.msg.ExtID] = slices.Insert(list, i, it)
}

// dropInbox forgets a user's inbox, when the user is deleted for good.
func (t *Tenant) dropInbox(extID string) {
	for _, it := range t.nt.inboxByUser[extID] {
		delete(t.nt.inbox, it.msg.PushInstanceID)
	}
	delete(t.nt.inboxByUser, extID)
}

// InboxQuery is an inbox/getAllInbox request.
type InboxQuery struct {
	ExtID string
	// Status is a mask of InboxRead, InboxUnread and InboxDeleted, 1 to 15.
	Status int
	// Limit is numberOfNotification: the page size (DefaultInboxPage when
	// 0, at most 1000).
	Limit int
	// Before is prms.index: the push instance ID of the last message of
	// the previous page; 0 starts from the newest.
	Before int64
	// Start and End bound the messages' arrival times (epoch ms, inclusive);
	// 0 leaves a side open.
	Start, End int64
	// Categories keeps the messages of any of these category IDs; none
	// keeps all.
	Categories []int
}

// InboxPage is one page of a user's inbox, newest first.
type InboxPage struct {
	Messages []InboxMessage
	// Counts holds, for each status bit of the query's mask (1, 2, 4), how
	// many of the user's messages in the date range and categories have
	// that status, whatever the page.
	Counts map[int]int
	// Next is the prms.index of the next page; 0 on the last page.
	Next int64
}

// Inbox returns a page of a user's inbox, newest first. A missing extId
// is a 2020; a status mask outside 1..15 the inbox's own 2001. An unknown
// user has an empty inbox. A page costs O(log n + what it skips), n the
// user's messages; the counts walk the user's messages once.
func (t *Tenant) Inbox(q InboxQuery) (InboxPage, error) {
	if q.ExtID == "" {
		return InboxPage{}, ErrMissing("extId")
	}
	if q.Status < 1 || q.Status > InboxStatusMax {
		return InboxPage{}, errInboxStatus()
	}
	if q.Limit < 0 {
		return InboxPage{}, Invalidf(CodeTypeMismatch, "Field 'numberOfNotification' should be a positive integer")
	}
	limit := q.Limit
	if limit == 0 {
		limit = DefaultInboxPage
	}
	limit = min(limit, maxInboxPage)
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	cats := map[string]bool{}
	for _, id := range q.Categories {
		for _, c := range t.categories {
			if c.ID == id {
				cats[c.Name] = true
			}
		}
	}
	in := func(it *inboxItem) bool {
		m := &it.msg
		if (q.Start != 0 && m.Sts < q.Start) || (q.End != 0 && m.Sts > q.End) {
			return false
		}
		if len(q.Categories) == 0 {
			return true
		}
		for _, c := range m.Categories {
			if cats[c] {
				return true
			}
		}
		return false
	}
	page := InboxPage{Messages: []InboxMessage{}, Counts: map[int]int{}}
	for _, b := range []int{InboxRead, InboxUnread, InboxDeleted} {
		if q.Status&b != 0 {
			page.Counts[b] = 0
		}
	}
	list := t.nt.inboxByUser[q.ExtID]
	for _, it := range list {
		if q.Status&int(it.status) != 0 && in(it) {
			page.Counts[int(it.status)]++
		}
	}
	end := len(list)
	if q.Before > 0 {
		end = sort.Search(len(list), func(i int) bool { return list[i].msg.PushInstanceID >= q.Before })
	}
	for i := end - 1; i >= 0; i-- {
		it := list[i]
		if q.Status&int(it.status) == 0 || !in(it) {
			continue
		}
		if len(page.Messages) == limit {
			page.Next = page.Messages[limit-1].PushInstanceID
			break
		}
		page.Messages = append(page.Messages, it.view())
	}
	return page, nil
}

// InboxMessageByID returns the inbox message with a push instance ID.
func (t *Tenant) InboxMessageByID(piid int64) (InboxMessage, bool) {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	it := t.nt.inbox[piid]
	if it == nil {
		return InboxMessage{}, false
	}
	return it.view(), true
}

// SetInboxStatus gives the user's messages among piids the status st: 1
// read, 2 unread or 4 deleted; any other is the inbox's 2001. Push
// instance IDs of other users' messages or of none are ignored, as is an
// unknown user.
func (t *Tenant) SetInboxStatus(extID string, piids []int64, st int) error {
	if extID == "" {
		return ErrMissing("extId")
	}
	if st != InboxRead && st != InboxUnread && st != InboxDeleted {
		return errInboxStatus()
	}
	t.ProcessDue()
	t.lock()
	defer t.mu.Unlock()
	for _, id := range piids {
		if it := t.nt.inbox[id]; it != nil && it.msg.ExtID == extID {
			it.status = uint8(st)
		}
	}
	return nil
}

// loadInbox adds an inbox message from the dataset.
func (t *Tenant) loadInbox(m InboxMessage) error {
	if m.PushInstanceID <= 0 {
		return fmt.Errorf("inbox message %d: push instance IDs start at 1", m.PushInstanceID)
	}
	if t.nt.inbox[m.PushInstanceID] != nil {
		return fmt.Errorf("inbox message %d listed twice", m.PushInstanceID)
	}
	if m.ExtID == "" {
		return fmt.Errorf("inbox message %d has no extId", m.PushInstanceID)
	}
	st, ok := inboxStatusOf(m.Status)
	if !ok {
		return fmt.Errorf("inbox message %d: unknown status %q", m.PushInstanceID, m.Status)
	}
	it := &inboxItem{msg: m, status: st}
	it.msg.Status = ""
	it.msg.Categories, it.msg.Labels = slices.Clone(m.Categories), slices.Clone(m.Labels)
	it.msg.CustomParams = cloneRaw(m.CustomParams)
	t.putInboxItem(it)
	t.nt.nextPiid = max(t.nt.nextPiid, m.PushInstanceID+1)
	return nil
}
