package state

import (
	"cmp"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"slices"
	"sort"
)

// PushResultFilter selects results for getPushResult. At least one of
// Key, ExtID and Token must be set; the others narrow the selection.
type PushResultFilter struct {
	Key   int64  // notification key; 0 for any
	ExtID string // the user's external ID
	Token string // the device's push token
	// Start and End bound the results' delivery times, epoch ms,
	// inclusive. End 0 is the tenant's now; Start 0 is two weeks before
	// End.
	Start, End int64
}

// DefaultPushResultPage is getPushResult's page size when none is given;
// MaxPushResultPage is the largest page served.
const (
	DefaultPushResultPage = 10
	MaxPushResultPage     = 1000
	twoWeeksMillis        = 14 * 24 * 60 * 60 * 1000
)

// PushResultCursor is where a walk through push results resumes: after
// the result numbered Seq. Results are numbered as they are delivered, so
// a walk returns each result of its selection exactly once, also while
// new sends deliver (theirs come after). The zero cursor is the start.
type PushResultCursor struct {
	Seq uint64
}

// Token is the cursor as an opaque text, for nextPage's offset.
func (c PushResultCursor) Token() string {
	var b [9]byte
	b[0] = 1 // format version
	binary.BigEndian.PutUint64(b[1:], c.Seq^0x5bd1e9955bd1e995)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ParsePushResultCursor reads a cursor from Token's text; a text Token
// did not make is a 2004.
func ParsePushResultCursor(s string) (PushResultCursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 9 || b[0] != 1 {
		return PushResultCursor{}, Invalidf(CodeTypeMismatch, "Field 'offset' is not a valid page token")
	}
	return PushResultCursor{Seq: binary.BigEndian.Uint64(b[1:]) ^ 0x5bd1e9955bd1e995}, nil
}

// PushResult is one delivery as getPushResult lists it.
type PushResult struct {
	NotificationKey int64
	Platform        string // IOS, ANDROID, …, EMAIL or SMS
	Status          string // SUCCESS, FAILED or CLICKED
	ErrorCode       string // "8" for an invalid token
	ErrorMsg        string // INVALID_TOKEN
	InstallationID  string
	ExtID           string
	Token           string // the push token, or the email address or MSISDN
	TimeStamp       int64  // epoch ms
	MsgTitle        string
	MsgText         string
	// Seq numbers the result among the tenant's, in delivery order; it is
	// what cursors hold. getPushResult does not show it.
	Seq uint64
}

func (n *notification) pushResult(r *result) PushResult {
	txt := n.texts[r.text]
	p := PushResult{NotificationKey: n.key, Platform: platNames[r.plat], Status: r.status(), InstallationID: r.iid,
		ExtID: r.extID, Token: r.token, TimeStamp: r.at, MsgTitle: txt.title, MsgText: txt.text, Seq: r.seq}
	if r.failed {
		p.ErrorCode, p.ErrorMsg = InvalidTokenCode, InvalidTokenMsg
	}
	return p
}

// resultView is results in seq order.
type resultView interface {
	size() int
	get(i int) (*notification, *result)
	// monotone reports whether delivery times never decrease along it.
	monotone() bool
}

type notifView struct{ n *notification }

func (v notifView) size() int                          { return v.n.results.len() }
func (v notifView) get(i int) (*notification, *result) { return v.n, v.n.results.at(i) }
func (v notifView) monotone() bool                     { return true } // package times only grow

func (l *refList) size() int { return len(l.refs) }
func (l *refList) get(i int) (*notification, *result) {
	r := l.refs[i]
	return r.n, r.n.results.at(int(r.i))
}
func (l *refList) monotone() bool { return l.sorted }

type emptyView struct{}

func (emptyView) size() int                        { return 0 }
func (emptyView) get(int) (*notification, *result) { return nil, nil }
func (emptyView) monotone() bool                   { return true }

// keyView is the results of a key in seq order.
func (t *Tenant) keyView(key int64) resultView {
	ns := t.nt.byKey[key]
	switch {
	case len(ns) == 0:
		return emptyView{}
	case len(ns) == 1:
		return notifView{ns[0]}
	}
	return t.nt.keyResults[key]
}

// rlockWithIndexes takes the read lock, first building the indexes by
// external ID and token when need says they are needed and they are not
// built (an eviction may drop them again meanwhile: it then tries again).
// Building changes no data, so it does not count as a write (see
// Generation).
func (t *Tenant) rlockWithIndexes(need bool) {
	for {
		t.mu.RLock()
		if !need || t.nt.resByExt != nil {
			return
		}
		t.mu.RUnlock()
		t.mu.Lock()
		t.buildResultIndexes()
		t.mu.Unlock()
	}
}

// buildResultIndexes makes the indexes by external ID and token; the
// caller holds the write lock.
func (t *Tenant) buildResultIndexes() {
	if t.nt.resByExt != nil {
		return
	}
	t.nt.resByExt, t.nt.resByToken = map[string]*refList{}, map[string]*refList{}
	resultsBySeq(t.nt.notifs, func(n *notification, i int) {
		res := n.results.at(i)
		if res.extID != "" {
			refsOf(t.nt.resByExt, res.extID).add(n, i)
		}
		if res.token != "" && res.plat < platEmail {
			refsOf(t.nt.resByToken, res.token).add(n, i)
		}
	})
}

// resultsBySeq calls add with every result of ns, by notification and
// index, in seq order.
func resultsBySeq(ns []*notification, add func(n *notification, i int)) {
	var all []resRef
	for _, n := range ns {
		for i := range n.results.len() {
			all = append(all, resRef{n, int32(i)})
		}
	}
	slices.SortFunc(all, func(a, b resRef) int {
		return cmp.Compare(a.n.results.at(int(a.i)).seq, b.n.results.at(int(b.i)).seq)
	})
	for _, r := range all {
		add(r.n, int(r.i))
	}
}

// PushResults returns a page of at most size results (DefaultPushResultPage
// when 0 or less, at most MaxPushResultPage) after the cursor, the cursor
// of the next page and whether results remain. With neither a key, an
// external ID nor a token it is Netmera's 2009.
//
// A page reads the shortest of the selection's lists (the key's, the
// user's, the token's; indexes by user and token are built on first use)
// from the cursor, found by binary search: O(log n + page) at any depth
// when the other filters keep what they read. Results the other filters
// or the time window drop are skipped one by one, except that where
// delivery times along the list never decrease (always within one send)
// the window's start is found by binary search too and the walk stops at
// its end.
func (t *Tenant) PushResults(f PushResultFilter, size int, after PushResultCursor) (page []PushResult, next PushResultCursor, more bool, err error) {
	if f.Key == 0 && f.ExtID == "" && f.Token == "" {
		return nil, after, false, Invalidf(CodeInvalidJSON, "notificationKey, extId or token is required")
	}
	if size <= 0 {
		size = DefaultPushResultPage
	}
	size = min(size, MaxPushResultPage)
	t.ProcessDue()
	t.rlockWithIndexes(f.ExtID != "" || f.Token != "")
	defer t.mu.RUnlock()
	end := f.End
	if end == 0 {
		end = t.now()
	}
	start := f.Start
	if start == 0 {
		start = end - twoWeeksMillis
	}
	var views []resultView
	if f.Key != 0 {
		views = append(views, t.keyView(f.Key))
	}
	if f.ExtID != "" {
		views = append(views, viewOf(t.nt.resByExt[f.ExtID]))
	}
	if f.Token != "" {
		views = append(views, viewOf(t.nt.resByToken[f.Token]))
	}
	v := views[0]
	for _, w := range views[1:] {
		if w.size() < v.size() {
			v = w
		}
	}
	i := sort.Search(v.size(), func(i int) bool { _, r := v.get(i); return r.seq > after.Seq })
	mono := v.monotone()
	if mono {
		i = max(i, sort.Search(v.size(), func(i int) bool { _, r := v.get(i); return r.at >= start }))
	}
	page = make([]PushResult, 0, min(size, v.size()))
	next = after
	for ; i < v.size(); i++ {
		n, r := v.get(i)
		if mono && r.at > end {
			break
		}
		if r.at < start || r.at > end || (f.Key != 0 && n.key != f.Key) || (f.ExtID != "" && r.extID != f.ExtID) ||
			(f.Token != "" && (r.token != f.Token || r.plat >= platEmail)) {
			continue
		}
		if len(page) == size {
			more = true
			break
		}
		page = append(page, n.pushResult(r))
		next = PushResultCursor{Seq: r.seq}
	}
	return page, next, more, nil
}

func viewOf(l *refList) resultView {
	if l == nil {
		return emptyView{}
	}
	return l
}

// PlatformStats is one platform's line of getPushStats. Web push
// platforms are summed as WP.
type PlatformStats struct {
	Platform string `json:"platform"`
	Sent     int64  `json:"sent"`   // delivered
	Failed   int64  `json:"failed"` // failed (an invalid token)
	Clicked  int64  `json:"clicked"`
}

// PushStats is a notification key's getPushStats answer.
type PushStats struct {
	NotificationKey int64
	Status          string
	StartDate       int64 // when it started (or is to start), epoch ms
	EndDate         int64 // when its last delivery went (or will go) out; 0 before it starts
	Stats           []PlatformStats
}

// StatusNotSent is the stats status of a definition no call has sent yet.
const StatusNotSent = "NOT_SENT"

// statPlatforms is the order of getPushStats lines.
var statPlatforms = []string{PlatformIOS, PlatformAndroid, "WP", PlatformEmail, PlatformSMS}

func statPlatform(plat uint8) int {
	switch {
	case plat <= 1:
		return int(plat)
	case plat == platEmail:
		return 3
	case plat == platSMS:
		return 4
	}
	return 2
}

// PushStats returns the stats of a key: one send's, or a definition's
// summed over every send of it. A key neither sent nor defined is a 5003.
func (t *Tenant) PushStats(key int64) (PushStats, error) {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	ns := t.nt.byKey[key]
	if len(ns) == 0 {
		def := t.nt.defs[key]
		if def == nil {
			return PushStats{}, &Error{Kind: KindNotFound, Code: CodeMessageNotFound, Message: "Message with given notificationKey could not be found"}
		}
		return PushStats{NotificationKey: key, Status: StatusNotSent, Stats: statLines(def.content.Platforms, nil)}, nil
	}
	return keyStats(key, ns), nil
}

func keyStats(key int64, ns []*notification) PushStats {
	s := PushStats{NotificationKey: key}
	var sums [numPlats][3]int64
	var plats []string
	rank := map[string]int{StatusFinished: 0, StatusExpired: 1, StatusSending: 4, StatusScheduled: 3, StatusWaitingApproval: 2}
	for i, n := range ns {
		for p := range sums {
			for k := range 3 {
				sums[p][k] += n.stats[p][k]
			}
		}
		plats = append(plats, n.content.Platforms...)
		if i == 0 || n.startAt < s.StartDate {
			s.StartDate = n.startAt
		}
		if rank[n.status] >= rank[s.Status] {
			s.Status = n.status
		}
		s.EndDate = max(s.EndDate, n.plannedEnd())
	}
	s.Stats = statLines(plats, &sums)
	return s
}

// plannedEnd is when a notification's last delivery went or will go out;
// 0 before it starts.
func (n *notification) plannedEnd() int64 {
	switch n.status {
	case StatusWaitingApproval, StatusScheduled:
		return 0
	case StatusSending:
		if len(n.queued) > 0 {
			return max(n.endAt, n.queued[len(n.queued)-1].at)
		}
	}
	return n.endAt
}

// statLines sums per-platform counts into getPushStats lines: one for each
// platform the message names (web push platforms as WP), in a fixed
// order, and one for any other platform with results.
func statLines(plats []string, sums *[numPlats][3]int64) []PlatformStats {
	var lines [5]PlatformStats
	var used [5]bool
	for _, p := range plats {
		if i, ok := platIndex(p); ok {
			used[statPlatform(i)] = true
		}
	}
	if sums != nil {
		for p := range sums {
			l := &lines[statPlatform(uint8(p))]
			l.Sent += sums[p][statSent]
			l.Failed += sums[p][statFailed]
			l.Clicked += sums[p][statClicked]
			if sums[p] != [3]int64{} {
				used[statPlatform(uint8(p))] = true
			}
		}
	}
	out := []PlatformStats{}
	for i, l := range lines {
		if used[i] {
			l.Platform = statPlatforms[i]
			out = append(out, l)
		}
	}
	return out
}

// PushStatsBetween returns the stats of every key with a send that
// started (or is to start) between start and end, epoch ms inclusive,
// the latest first; a definition's line sums its sends in the range.
func (t *Tenant) PushStatsBetween(start, end int64) []PushStats {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	inRange := map[int64][]*notification{}
	var keys []int64
	for _, n := range t.nt.notifs {
		if n.startAt < start || n.startAt > end {
			continue
		}
		if inRange[n.key] == nil {
			keys = append(keys, n.key)
		}
		inRange[n.key] = append(inRange[n.key], n)
	}
	out := make([]PushStats, 0, len(keys))
	for _, k := range keys {
		out = append(out, keyStats(k, inRange[k]))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StartDate != out[j].StartDate {
			return out[i].StartDate > out[j].StartDate
		}
		return out[i].NotificationKey > out[j].NotificationKey
	})
	return out
}

// DeliveryMatch picks deliveries of a key: every field set must match.
type DeliveryMatch struct {
	ExtID          string
	InstallationID string
	Token          string
}

// ErrNoSuchNotification is what the control calls on notifications answer
// for a key or ID the tenant has no notification of.
var ErrNoSuchNotification = errors.New("state: no such notification")

// ClickDelivery records a click on the successful, not yet clicked
// deliveries of key that match m (all of them when m is empty), as the
// SDK reports a push opened: their status becomes CLICKED and the stats
// count them. It returns how many it marked.
func (t *Tenant) ClickDelivery(key int64, m DeliveryMatch) (int, error) {
	t.ProcessDue()
	t.lock()
	defer t.mu.Unlock()
	ns := t.nt.byKey[key]
	if len(ns) == 0 {
		return 0, ErrNoSuchNotification
	}
	clicked := 0
	for _, n := range ns {
		for i := range n.results.len() {
			r := n.results.at(i)
			if r.failed || r.clicked || (m.ExtID != "" && r.extID != m.ExtID) ||
				(m.InstallationID != "" && r.iid != m.InstallationID) || (m.Token != "" && r.token != m.Token) {
				continue
			}
			r.clicked = true
			n.stats[r.plat][statClicked]++
			clicked++
		}
	}
	return clicked, nil
}
