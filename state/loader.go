package state

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/netmera-mock/netmera-mock/internal/parallel"
)

// A Loader builds a fresh tenant from its parts, using every core. Users
// and devices are added in batches by position, from any number of
// goroutines at once; Finish then links devices to their users and
// segments to their members, and returns the tenant.
//
// NewTenant loads a Dataset through a Loader. Generated fixtures stream
// through one chunk by chunk (see fixtures.Seed), so that a million users
// are never held twice, once as records and once as the tenant's.
//
// A Loader copies what it keeps of the records it is given (strings
// excepted, which are immutable), so callers may reuse record buffers
// between calls.
type Loader struct {
	t       *Tenant
	users   []*user
	devices []*device
	// uniqueInstallations skips the check of installation IDs, and with it
	// the index by installation ID (see AssumeUniqueInstallations).
	uniqueInstallations bool
	segments            []positionedSegment // see AddSegment
	app                 *Dataset            // see AddAppData
	contacts            []ContactRecord     // see AddContacts
	notify              *Dataset            // see AddNotificationData
	finished            bool
}

// positionedSegment is a segment whose members are user positions.
type positionedSegment struct {
	rec     SegmentRecord
	members []int32
}

// loadChunk is how many records one goroutine checks and builds at a time.
const loadChunk = 4096

// NewLoader starts a tenant of exactly users users and devices devices,
// with the given attribute definitions (DefaultAttributes when none) and
// push categories.
func NewLoader(attrs []AttributeDef, cats []Category, s Settings, users, devices int) (*Loader, error) {
	if users < 0 || devices < 0 || users > math.MaxInt32 || devices > math.MaxInt32 {
		return nil, fmt.Errorf("state: a tenant of %d users and %d devices", users, devices)
	}
	zone, err := zoneOf(s)
	if err != nil {
		return nil, err
	}
	t := &Tenant{settings: s,
		attrs:      make(map[string]AttributeDef),
		categories: make(map[string]Category),
		segments:   make(map[int64]*segment),
		messages:   make(map[int64]*MessageRecord),
		nt:         newNotifyState(zone),
	}
	if len(attrs) == 0 {
		attrs = DefaultAttributes()
	}
	for _, a := range attrs {
		if err := t.defineAttribute(a); err != nil {
			return nil, err
		}
	}
	for _, c := range cats {
		if err := t.defineCategory(c); err != nil {
			return nil, err
		}
	}
	return &Loader{t: t, users: make([]*user, users), devices: make([]*device, devices)}, nil
}

// AddUsers checks and builds the users at positions at, at+1, … from
// recs. Calls for positions that do not overlap may run concurrently. An
// error names the first bad record by position; the tenant must then be
// abandoned.
func (l *Loader) AddUsers(at int, recs []UserRecord) error {
	if at < 0 || at > len(l.users)-len(recs) {
		return fmt.Errorf("state: users %d to %d of a tenant of %d", at, at+len(recs), len(l.users))
	}
	// One allocation for the batch's users and one for each kind of their
	// small slices, instead of several per user. Each user's slices are
	// capped at their length, so growing one never writes over the next.
	var nProfile, nTags, nCats int
	for i := range recs {
		nProfile += len(recs[i].Profile)
		nTags += len(recs[i].Tags)
		nCats += len(recs[i].Categories)
	}
	users := make([]user, len(recs))
	values := make(profile, nProfile)
	tags := make(tagSet, nTags)
	cats := make(catPrefs, nCats)
	lim := l.t.settings.limits()
	for i := range recs {
		r := &recs[i]
		u := &users[i]
		u.extID = r.ExtID
		u.profile, values = values[:0:len(r.Profile)], values[len(r.Profile):]
		u.tags, tags = tags[:0:len(r.Tags)], tags[len(r.Tags):]
		u.cats, cats = cats[:0:len(r.Categories)], cats[len(r.Categories):]
		// Filling checks the profile on the way, and the limits are
		// checked on what was filled, so the record is only walked again
		// (by checkUser) to name what is wrong.
		if r.ExtID == "" || !l.t.fillUser(u, r) || !lim.holds(u) {
			return &positioned{at: at + i, err: fmt.Errorf("users[%d]: %w", at+i, l.t.checkUser(r))}
		}
		if err := l.t.checkCategories(r); err != nil {
			return &positioned{at: at + i, err: fmt.Errorf("users[%d]: %w", at+i, err)}
		}
		l.users[at+i] = u
	}
	return nil
}

// AddDevices builds the devices at positions at, at+1, … from recs, as
// AddUsers does users; Finish checks them, with their users and against
// each other. A device's user may be added later.
func (l *Loader) AddDevices(at int, recs []DeviceRecord) error {
	if at < 0 || at > len(l.devices)-len(recs) {
		return fmt.Errorf("state: devices %d to %d of a tenant of %d", at, at+len(recs), len(l.devices))
	}
	devices := make([]device, len(recs))
	for i, r := range recs {
		devices[i].rec = r.clone()
		l.devices[at+i] = &devices[i]
	}
	return nil
}

// AddSegment adds a segment whose members are named by their position
// among the users (as AddUsers placed them) instead of by external ID,
// which spares Finish a look-up per member; r.Members is ignored. Finish
// checks the positions. The Loader keeps members until Finish. Unlike
// AddUsers, AddSegment must not be called concurrently, nor after Finish.
func (l *Loader) AddSegment(r SegmentRecord, members []int32) {
	r.Members = nil
	l.segments = append(l.segments, positionedSegment{r, members})
}

// AddAppData hands Finish the app data of d besides its users, devices,
// segments and messages: its event definitions, fired events and
// geofences. The Loader keeps d until Finish, which checks them.
func (l *Loader) AddAppData(d *Dataset) { l.app = d }

// AddContacts adds contacts (see ContactRecord), which Finish loads after
// the users, whose addresses they must not have. Like AddSegment, it must
// not be called concurrently, nor after Finish.
func (l *Loader) AddContacts(recs []ContactRecord) {
	l.contacts = append(l.contacts, recs...)
}

// AssumeUniqueInstallations tells Finish that no two devices share an
// installation ID, as generated ones cannot. Finish then neither checks
// them nor builds the index by installation ID: the tenant builds it on
// first use, which only the control API makes. At a million users that
// index is a hundred megabytes and a second of start-up. Loading data
// with a repeated installation ID after this call is a bug of the caller.
func (l *Loader) AssumeUniqueInstallations() { l.uniqueInstallations = true }

// Finish links the devices to their users, adds the segments and messages
// (and the notification data, see AddNotificationData) and returns the
// tenant. It reports the first inconsistency: a duplicate
// user, installation or token, a device or segment member naming an
// unknown user, a position never filled. A Loader finishes once.
func (l *Loader) Finish(segments []SegmentRecord, messages []MessageRecord) (*Tenant, error) {
	t := l.t
	if l.finished {
		return nil, fmt.Errorf("state: the Loader has finished already")
	}
	l.finished = true
	if i := slices.Index(l.users, nil); i >= 0 {
		return nil, fmt.Errorf("users[%d]: never added", i)
	}
	if i := slices.Index(l.devices, nil); i >= 0 {
		return nil, fmt.Errorf("devices[%d]: never added", i)
	}
	wait := l.indexDevices()
	if err := l.finishUsers(); err != nil {
		wait()
		return nil, err
	}
	if err := l.linkDevices(wait); err != nil {
		return nil, err
	}
	if err := l.finishSegments(segments); err != nil {
		return nil, err
	}
	for i, m := range messages {
		if err := t.addMessage(m); err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
	}
	for _, dv := range l.devices {
		if hiddenDevice(dv) {
			t.hidden++
		}
	}
	if err := t.loadAppData(l.app); err != nil {
		return nil, err
	}
	if err := t.loadContacts(l.contacts); err != nil {
		return nil, err
	}
	if err := t.loadNotify(l.notify); err != nil {
		return nil, err
	}
	l.users, l.devices, l.segments, l.app, l.contacts, l.notify = nil, nil, nil, nil, nil, nil
	return t, nil
}

func (l *Loader) finishUsers() error {
	t := l.t
	t.users = make(map[string]*user, len(l.users))
	for i, u := range l.users {
		if _, dup := t.users[u.extID]; dup {
			return errUserTwice(i, u.extID)
		}
		t.users[u.extID] = u
		u.slot = i
	}
	t.userList = newSeqList(func(u *user, slot int) { u.slot = slot })
	t.userList.keepSeqs() // for walks that release the lock between chunks (see scanUsers)
	t.userList.fill(l.users)
	return nil
}

func errUserTwice(i int, extID string) error {
	return fmt.Errorf("users[%d]: user %q defined twice", i, extID)
}

// indexDevices starts filling the token and installation maps, each on
// its own goroutine, while Finish goes on with the users: neither map
// needs them. wait returns the first duplicate found, by position.
func (l *Loader) indexDevices() (wait func() *positioned) {
	t := l.t
	var installErr, tokenErr *positioned
	var wg sync.WaitGroup
	if !l.uniqueInstallations {
		wg.Go(func() {
			t.devices = make(map[string]*device, len(l.devices))
			for i, dv := range l.devices {
				if _, dup := t.devices[dv.rec.InstallationID]; dup {
					installErr = &positioned{i, rankInstallation, fmt.Errorf("devices[%d]: installation %q defined twice", i, dv.rec.InstallationID)}
					return
				}
				t.devices[dv.rec.InstallationID] = dv
			}
		})
	}
	wg.Go(func() {
		t.tokens = make(map[string]*device, len(l.devices))
		for i, dv := range l.devices {
			if r := dv.rec; r.Token != "" {
				if _, dup := t.tokens[r.Token]; dup {
					tokenErr = &positioned{i, rankToken, fmt.Errorf("devices[%d]: installation %q: token %q used twice", i, r.InstallationID, r.Token)}
					return
				}
				t.tokens[r.Token] = dv
			}
		}
	})
	return func() *positioned {
		wg.Wait()
		return first(installErr, tokenErr)
	}
}

// The checks of a device, in the order addDevice makes them: of several
// failing on one device, the first is reported.
const (
	rankEmpty = iota
	rankInstallation
	rankPlatform
	rankToken
	rankUser
)

// linkDevices checks every device and finds its user on all cores, waits
// for the device maps, and fills the users' device lists and the paged
// list. Of several bad devices it reports the first.
func (l *Loader) linkDevices(wait func() *positioned) error {
	t := l.t
	lim := t.settings.limits()
	err := parallel.Chunks(len(l.devices), loadChunk, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			dv := l.devices[i]
			if err := checkDevice(dv.rec, lim); err != nil {
				rank := rankPlatform
				if dv.rec.InstallationID == "" {
					rank = rankEmpty
				}
				return &positioned{i, rank, fmt.Errorf("devices[%d]: %w", i, err)}
			}
			if dv.rec.ExtID == "" {
				continue
			}
			u := t.users[dv.rec.ExtID]
			if u == nil {
				return &positioned{i, rankUser, fmt.Errorf("devices[%d]: installation %q: user %q does not exist", i, dv.rec.InstallationID, dv.rec.ExtID)}
			}
			dv.owner = u
		}
		return nil
	})
	p, _ := err.(*positioned)
	if p = first(wait(), p); p != nil {
		return p.err
	}

	devCount := make([]int32, len(l.users)) // devices per user
	for _, dv := range l.devices {
		if dv.owner != nil {
			devCount[dv.owner.slot]++
		}
	}
	lists := make([]*device, len(l.devices))
	for i, u := range l.users {
		n := int(devCount[i])
		u.devices, lists = lists[:0:n], lists[n:]
	}
	for i, dv := range l.devices {
		dv.slot = i
		if u := dv.owner; u != nil {
			u.devices = append(u.devices, dv)
		}
	}
	t.devList = newSeqList(func(dv *device, slot int) { dv.slot = slot })
	t.devList.keepSeqs() // getDeviceTokens' cursors (see DeviceTokensFrom)
	t.devList.fill(l.devices)
	return nil
}

// first returns the error at the lowest position, and of those the one
// of the lowest rank.
func first(errs ...*positioned) *positioned {
	var out *positioned
	for _, p := range errs {
		if p != nil && (out == nil || p.at < out.at || (p.at == out.at && p.rank < out.rank)) {
			out = p
		}
	}
	return out
}

// positioned is an error found at a position, so that the first of
// several can be picked.
type positioned struct {
	at   int
	rank int // of checks failing at one position, the lowest is reported
	err  error
}

func (p *positioned) Error() string { return p.err.Error() }

// finishSegments adds the segments given by position (AddSegment) and
// those given by external ID: members are looked up on all cores, and
// each user's memberships share one allocation.
func (l *Loader) finishSegments(records []SegmentRecord) error {
	t := l.t
	all := make([]SegmentRecord, 0, len(l.segments)+len(records))
	members := make([][]*user, 0, cap(all))
	// check refuses a repeated ID or an unknown type; where names the
	// segment in the error.
	check := func(r SegmentRecord, where string) error {
		if _, dup := t.segments[r.ID]; dup {
			return fmt.Errorf("%ssegment %d defined twice", where, r.ID)
		}
		if !validSegmentType(r.Type) {
			return fmt.Errorf("%ssegment %d: unknown type %q", where, r.ID, r.Type)
		}
		if err := t.settings.limits().segment(&r); err != nil {
			return fmt.Errorf("%s%w", where, err)
		}
		t.segments[r.ID] = nil // reserves the ID; the segment is made below
		return nil
	}
	for _, p := range l.segments {
		if err := check(p.rec, ""); err != nil {
			return err
		}
		list := make([]*user, len(p.members))
		for i, pos := range p.members {
			if pos < 0 || int(pos) >= len(l.users) {
				return fmt.Errorf("segment %d: member at position %d of %d users", p.rec.ID, pos, len(l.users))
			}
			list[i] = l.users[pos]
		}
		all, members = append(all, p.rec), append(members, list)
	}
	for k, r := range records {
		if err := check(r, fmt.Sprintf("segments[%d]: ", k)); err != nil {
			return err
		}
		list := make([]*user, len(r.Members))
		err := parallel.Chunks(len(r.Members), loadChunk, func(lo, hi int) error {
			for i := lo; i < hi; i++ {
				u := t.users[r.Members[i]]
				if u == nil {
					return fmt.Errorf("segments[%d]: segment %d: member %q does not exist", k, r.ID, r.Members[i])
				}
				list[i] = u
			}
			return nil
		})
		if err != nil {
			return err
		}
		all, members = append(all, r), append(members, list)
	}

	counts := make([]int32, len(l.users))
	for _, list := range members {
		for _, u := range list {
			counts[u.slot]++
		}
	}
	var total int
	for _, n := range counts {
		total += int(n)
	}
	slab := make([]membership, total)
	for i, u := range l.users {
		n := int(counts[i])
		u.segs, slab = slab[:0:n], slab[n:]
	}

	for k, r := range all {
		s := newSegment(r)
		kept := members[k][:0]
		for _, u := range members[k] {
			if u.untracked || u.membershipOf(s) != nil {
				continue // untracked users are left out of segments; repeats count once
			}
			u.segs = append(u.segs, membership{seg: s, slot: len(kept)})
			kept = append(kept, u)
		}
		s.members.fill(slices.Clip(kept))
		s.rev = fingerprint(r, kept, 0)
		t.segments[r.ID] = s
	}
	return nil
}
