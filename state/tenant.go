package state

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/parallel"
)

// Settings are a tenant's enforcement switches: what the Netmera panel
// configures per app, and the fidelity choices a user may need to flip.
type Settings struct {
	// MaxIDs is the most unique external IDs and device tokens one request
	// may name (emails, MSISDNs and WhatsApp numbers too with
	// CountAddresses); 0 means Netmera's 1000.
	MaxIDs int
	// LimitCode is the error code of a request over MaxIDs; 0 means 2009.
	LimitCode int
	// AutoDefine defines unknown profile attribute keys from the value they
	// are first set to, instead of dropping them as Netmera does.
	AutoDefine bool
	// PermanentDeleteOff says the app has not activated permanent deletion in
	// the panel: deleteUsersPermanently then only untracks the users.
	PermanentDeleteOff bool
	// RegisterDelay makes registerUsers requests wait this long before
	// they are applied, as Netmera applies them asynchronously; 0 applies
	// them at once.
	RegisterDelay time.Duration
	// MaxEvents bounds the fired events the tenant keeps, the oldest going
	// first; 0 means DefaultMaxEvents.
	MaxEvents int
	// CountAddresses counts the emails, MSISDNs and WhatsApp numbers a
	// request names toward MaxIDs, with its external IDs and device
	// tokens. Netmera words its limit as external IDs or device tokens
	// only; addEmail and addMsisdn uploads are never counted.
	CountAddresses bool
	// StrictEmail refuses, with 2004, an enableMail or disableMail naming
	// an address that is not a plain email address, as Netmera's newest
	// reference says the live API does. Off, an address is any text, as
	// the official schema types it, and one no user has is ignored.
	StrictEmail bool
	// RequireApproval makes every bulk send wait for sendPushApproval
	// before it delivers, as an app with the approval mechanism does.
	RequireApproval bool
	// TimeZone is the IANA name of the app's time zone, in which a
	// schedule's local start time is read; "" is UTC.
	TimeZone string
	// StrictCategories refuses a message category name the app does not
	// define, instead of keeping it as given.
	StrictCategories bool
	// MaxDeliveries bounds the deliveries the tenant keeps; past it the
	// oldest finished notifications give up theirs. 0 is
	// DefaultMaxDeliveries.
	MaxDeliveries int
	// MaxNotifications bounds the notifications the tenant keeps; past it
	// the oldest finished ones are forgotten. 0 is DefaultMaxNotifications.
	MaxNotifications int
	// Limits bound the texts and values the tenant takes; the zero value
	// is the documented defaults.
	Limits Limits
}

// DefaultMaxIDs is Netmera's limit of unique identifiers per request.
const DefaultMaxIDs = 1000

func (s Settings) maxIDs() int {
	if s.MaxIDs <= 0 {
		return DefaultMaxIDs
	}
	return s.MaxIDs
}

type user struct {
	extID     string
	tags      tagSet
	profile   profile
	cats      catPrefs
	emailOK   bool
	smsOK     bool
	waOK      bool // WhatsApp permission
	untracked bool
	wa        *whatsApp // nil for a user without WhatsApp numbers, as most are
	devices   []*device
	segs      []membership // the segments the user is in, with its slot there
	slot      int
}

// membership is a user's place in one segment's member list.
type membership struct {
	seg  *segment
	slot int
}

// membershipOf returns the user's membership of s, or nil.
func (u *user) membershipOf(s *segment) *membership {
	for i := range u.segs {
		if u.segs[i].seg == s {
			return &u.segs[i]
		}
	}
	return nil
}

type device struct {
	rec   DeviceRecord
	owner *user
	slot  int
}

type segment struct {
	rec     SegmentRecord // Members is left nil; members holds them
	members *seqList[*user]
	rev     uint64 // the member list's fingerprint, for cursors
}

// newSegment makes an empty segment of r, its member list numbering its
// items for cursors.
func newSegment(r SegmentRecord) *segment {
	s := &segment{rec: r, members: newSeqList[*user](nil)}
	s.rec.Members = nil
	s.members.moved = func(u *user, slot int) { u.membershipOf(s).slot = slot }
	s.members.keepSeqs()
	return s
}

// Tenant is one Netmera app: its users, devices, definitions, segments and
// messages, guarded by one lock. Every method is safe for concurrent use;
// a write either applies whole or, on error, changes nothing.
type Tenant struct {
	mu       sync.RWMutex
	settings Settings
	id       string // set by the Store (see ID)

	attrs       map[string]AttributeDef
	attrOrder   []string       // codes in definition order
	attrsByCode []AttributeDef // sorted by code
	categories  map[string]Category
	catOrder    []string

	users    map[string]*user
	userList *seqList[*user]
	devices  map[string]*device // by installation ID; may be nil until first use (see installations)
	tokens   map[string]*device // by push token
	devList  *seqList[*device]
	// Secondary indexes, built on first use (nil until then).
	byEmail    map[string][]*user
	byMsisdn   map[string][]*user
	byWhatsApp map[string][]*user
	// contacts are the addresses addEmail and addMsisdn registered that no
	// user has.
	contacts contactSet

	segments map[int64]*segment
	messages map[int64]*MessageRecord
	msgOrder []int64
	// msgTop is the largest message ID held, or 0 when none is larger;
	// msgTopStale says the message that held it was removed, so it must be
	// found again (see newMessageID).
	msgTop      int64
	msgTopStale bool

	// Event definitions by name and by code, names in definition order;
	// the events users fired; the geofences, by ascending ID.
	eventsByName map[string]*EventDefinition
	eventsByCode map[string]*EventDefinition
	eventOrder   []string
	events       eventLog
	geofences    []GeofenceRecord

	// hidden counts the devices of untracked users, which getDeviceTokens
	// leaves out.
	hidden int
	// pending holds registerUsers requests waiting for their delay, oldest
	// first; nPending is its length, read without the lock.
	pending  []pendingBatch
	nPending atomic.Int64
	// delay, when delaySet, is the registration delay SetRegisterDelay set,
	// which wins over the settings' until the state is replaced.
	delay    time.Duration
	delaySet bool

	// gen counts write locks taken: it changes whenever the state may have.
	gen uint64
	// segmentDefs counts segments defined after load (see fingerprint).
	segmentDefs uint64

	// nt holds the notifications, their results, inboxes and the clock.
	nt notifyState
	// epoch counts swaps of the whole state (Replace), so that work begun
	// on the old state does not land in the new one.
	epoch uint64
}

// ID is the tenant's opaque name in a Store: the hex SHA-256 of its API
// key, never the key. It names the tenant's journal and fault rules. A
// tenant made outside a Store has none.
func (t *Tenant) ID() string { return t.id }

// lock takes the write lock and marks the state as possibly changed.
func (t *Tenant) lock() {
	t.mu.Lock()
	t.gen++
}

// Generation changes whenever a write may have changed the tenant, so a
// saver can skip tenants that did not change since it last looked.
func (t *Tenant) Generation() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.gen
}

// NewTenant returns a tenant holding d. It reports the first inconsistency
// in d (a duplicate ID, a device of an unknown user, a value that does not
// fit its attribute's type…) instead of loading part of it.
func NewTenant(d *Dataset, s Settings) (*Tenant, error) {
	if d == nil {
		return nil, fmt.Errorf("no dataset")
	}
	if d.Version != 0 && d.Version != CurrentVersion {
		return nil, fmt.Errorf("dataset version %d: this build reads version %d", d.Version, CurrentVersion)
	}
	l, err := NewLoader(d.Attributes, d.Categories, s, len(d.Users), len(d.Devices))
	if err != nil {
		return nil, err
	}
	err = parallel.Chunks(len(d.Users), loadChunk, func(lo, hi int) error { return l.AddUsers(lo, d.Users[lo:hi]) })
	if p, ok := err.(*positioned); ok {
		// Finish would report a repeated external ID; one before the bad
		// record comes first.
		seen := make(map[string]bool, p.at)
		for i, r := range d.Users[:p.at] {
			if seen[r.ExtID] {
				return nil, errUserTwice(i, r.ExtID)
			}
			seen[r.ExtID] = true
		}
	}
	if err != nil {
		return nil, err
	}
	err = parallel.Chunks(len(d.Devices), loadChunk, func(lo, hi int) error { return l.AddDevices(lo, d.Devices[lo:hi]) })
	if err != nil {
		return nil, err
	}
	l.AddAppData(d)
	l.AddContacts(d.Contacts)
	l.AddNotificationData(d)
	return l.Finish(d.Segments, d.Messages)
}

// Settings returns the tenant's switches.
func (t *Tenant) Settings() Settings {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.settings
}

// Replace swaps the tenant's whole state for d, atomically: on error the
// old state stays.
func (t *Tenant) Replace(d *Dataset) error {
	fresh, err := NewTenant(d, t.Settings())
	if err != nil {
		return err
	}
	t.swap(fresh)
	return nil
}

// swap takes over fresh's data; fresh must not be used afterwards.
func (t *Tenant) swap(fresh *Tenant) {
	t.lock()
	defer t.mu.Unlock()
	t.attrs, t.attrOrder, t.attrsByCode = fresh.attrs, fresh.attrOrder, fresh.attrsByCode
	t.categories, t.catOrder = fresh.categories, fresh.catOrder
	t.users, t.userList, t.devices, t.tokens, t.devList = fresh.users, fresh.userList, fresh.devices, fresh.tokens, fresh.devList
	t.byEmail, t.byMsisdn, t.byWhatsApp = fresh.byEmail, fresh.byMsisdn, fresh.byWhatsApp
	t.contacts = fresh.contacts
	t.segments, t.messages, t.msgOrder = fresh.segments, fresh.messages, fresh.msgOrder
	t.msgTop, t.msgTopStale = fresh.msgTop, fresh.msgTopStale
	t.eventsByName, t.eventsByCode, t.eventOrder = fresh.eventsByName, fresh.eventsByCode, fresh.eventOrder
	t.events, t.geofences, t.hidden = fresh.events, fresh.geofences, fresh.hidden
	t.delaySet = false // a delay set through SetRegisterDelay lasts until here
	t.pending = nil
	t.nPending.Store(0)
	t.epoch++
	t.nt = fresh.nt
}

func (t *Tenant) defineAttribute(a AttributeDef) error {
	if a.Code == "" {
		return fmt.Errorf("attribute with an empty code")
	}
	if err := text("code", a.Code, t.settings.limits().NameLength); err != nil {
		return plain(err)
	}
	switch a.DataType {
	case TypeString, TypeInteger, TypeDouble, TypeBoolean, TypeDate:
	default:
		return fmt.Errorf("attribute %q: unknown dataType %q", a.Code, a.DataType)
	}
	if !addressDefOK(a) {
		return fmt.Errorf("attribute %q: must be a STRING, not a %s%s", a.Code, a.DataType, arraySuffix(a))
	}
	if _, dup := t.attrs[a.Code]; dup {
		return fmt.Errorf("attribute %q defined twice", a.Code)
	}
	t.addDef(a)
	return nil
}

func (t *Tenant) defineCategory(c Category) error {
	if c.Name == "" {
		return fmt.Errorf("category %d has an empty name", c.ID)
	}
	if err := text("name", c.Name, t.settings.limits().NameLength); err != nil {
		return fmt.Errorf("category %d: %w", c.ID, plain(err))
	}
	if _, dup := t.categories[c.Name]; dup {
		return fmt.Errorf("category %q defined twice", c.Name)
	}
	t.categories[c.Name] = c
	t.catOrder = append(t.catOrder, c.Name)
	return nil
}

func (t *Tenant) addUser(r *UserRecord) error {
	if _, dup := t.users[r.ExtID]; dup {
		return fmt.Errorf("user %q defined twice", r.ExtID)
	}
	if err := t.checkUser(r); err != nil {
		return err
	}
	t.insertUser(t.newUser(r))
	return nil
}

// newUser builds a user from a checked record.
func (t *Tenant) newUser(r *UserRecord) *user {
	u := &user{extID: r.ExtID}
	t.fillUser(u, r)
	return u
}

// insertUser adds a built user to the tenant's map and list.
func (t *Tenant) insertUser(u *user) {
	u.slot = t.userList.Append(u)
	t.users[u.extID] = u
}

// checkUser reports what in r does not fit the tenant's definitions,
// changing nothing.
func (t *Tenant) checkUser(r *UserRecord) error {
	if r.ExtID == "" {
		return fmt.Errorf("user with an empty extId")
	}
	if err := t.settings.limits().record(r); err != nil {
		return recordError(r, err)
	}
	for k, v := range r.Profile {
		// Check in map order, the cheap way; on a failure, look again in
		// key order so that the error names the same key every time.
		if def, ok := t.attrs[k]; ok && fits(def, v) {
			continue
		}
		return t.firstProfileError(r)
	}
	return t.checkCategories(r)
}

// checkCategories reports a preference for a category or channel that
// does not exist.
func (t *Tenant) checkCategories(r *UserRecord) error {
	for _, p := range r.Categories {
		if _, ok := t.categories[p.Category]; !ok {
			return fmt.Errorf("user %q: category %q is not defined", r.ExtID, p.Category)
		}
		if !slices.Contains(Channels, p.Channel) {
			return fmt.Errorf("user %q: unknown channel %q", r.ExtID, p.Channel)
		}
	}
	return nil
}

func (t *Tenant) firstProfileError(r *UserRecord) error {
	for _, k := range sortedKeys(r.Profile) {
		def, ok := t.attrs[k]
		if !ok {
			return fmt.Errorf("user %q: profile attribute %q is not defined", r.ExtID, k)
		}
		if _, ok := normalize(def, r.Profile[k]); !ok {
			return fmt.Errorf("user %q: profile attribute %q: %v is not a %s%s", r.ExtID, k, r.Profile[k], def.DataType, arraySuffix(def))
		}
	}
	return nil
}

// fillUser gives u the tags, profile, preferences and permissions of r,
// keeping the indexes in step. It reports false when r's profile does not
// fit the definitions (checkUser says how), leaving u half-filled: callers
// either check r first or abandon u.
func (t *Tenant) fillUser(u *user, r *UserRecord) bool {
	u.emailOK, u.smsOK, u.waOK, u.untracked = r.EmailPermitted, r.SmsPermitted, r.WhatsAppPermitted, r.Untracked
	t.setWhatsApp(u, uniqueStrings(r.WpNumbers))
	// The user's slices are reused: a user replaced by PutUser keeps their
	// storage, a loaded user gets storage of the right size (see AddUsers).
	u.tags = append(u.tags[:0], r.Tags...)
	slices.Sort(u.tags)
	u.tags = slices.Compact(u.tags)
	clear(u.profile)
	var ok bool
	u.profile, ok = t.buildProfile(slices.Grow(u.profile[:0], len(r.Profile)), r.Profile)
	if !ok {
		return false
	}
	for _, key := range []string{AttrEmail, AttrMsisdn} {
		v, _ := u.profile.get(key)
		if idx := t.addressIndexOf(key); idx != nil {
			indexAddress(idx, u, v)
		}
		t.contacts.claim(key, stringOf(v))
	}
	u.cats = u.cats[:0]
	for _, p := range r.Categories {
		u.cats.set(p.Category, p.Channel, p.Enabled)
	}
	return true
}

// checkDevice reports what is wrong with r on its own, within limits lim.
func checkDevice(r DeviceRecord, lim Limits) error {
	if r.InstallationID == "" {
		return fmt.Errorf("device with an empty installationId")
	}
	if !slices.Contains(Platforms, r.Platform) {
		return fmt.Errorf("installation %q: unknown platform %q", r.InstallationID, r.Platform)
	}
	return deviceError(&r, lim.device(&r))
}

func (t *Tenant) addDevice(r DeviceRecord) error {
	if _, dup := t.installations()[r.InstallationID]; dup && r.InstallationID != "" {
		return fmt.Errorf("installation %q defined twice", r.InstallationID)
	}
	if err := checkDevice(r, t.settings.limits()); err != nil {
		return err
	}
	if r.Token != "" {
		if _, dup := t.tokens[r.Token]; dup {
			return fmt.Errorf("installation %q: token %q used twice", r.InstallationID, r.Token)
		}
	}
	dv := &device{rec: r}
	if r.ExtID != "" {
		u, ok := t.users[r.ExtID]
		if !ok {
			return fmt.Errorf("installation %q: user %q does not exist", r.InstallationID, r.ExtID)
		}
		t.setOwner(dv, u)
	}
	dv.slot = t.devList.Append(dv)
	t.devices[r.InstallationID] = dv
	if r.Token != "" {
		t.tokens[r.Token] = dv
	}
	return nil
}

// installations returns the index of devices by installation ID, building
// it on first use: only the control API looks devices up that way, and a
// tenant of generated data starts without it (see
// Loader.AssumeUniqueInstallations).
func (t *Tenant) installations() map[string]*device {
	if t.devices == nil {
		t.devices = make(map[string]*device, t.devList.Len())
		t.devList.All(func(dv *device) bool {
			t.devices[dv.rec.InstallationID] = dv
			return true
		})
	}
	return t.devices
}

func (t *Tenant) addSegment(r SegmentRecord) error {
	if _, dup := t.segments[r.ID]; dup {
		return fmt.Errorf("segment %d defined twice", r.ID)
	}
	if !validSegmentType(r.Type) {
		return fmt.Errorf("segment %d: unknown type %q", r.ID, r.Type)
	}
	if err := t.settings.limits().segment(&r); err != nil {
		return err
	}
	s := newSegment(r)
	s.members.grow(len(r.Members))
	members := make([]*user, 0, len(r.Members))
	for _, id := range r.Members {
		u, ok := t.users[id]
		if !ok {
			return fmt.Errorf("segment %d: member %q does not exist", r.ID, id)
		}
		members = append(members, u)
	}
	for _, u := range members {
		if u.untracked || u.membershipOf(s) != nil {
			continue // untracked users are left out of segments; repeats count once
		}
		if u.segs == nil {
			u.segs = make([]membership, 0, 4) // most members are in a few segments
		}
		u.segs = append(u.segs, membership{seg: s, slot: s.members.Append(u)})
	}
	s.rev = fingerprint(r, s.members.items, t.segmentDefs)
	t.segments[r.ID] = s
	return nil
}

func (t *Tenant) addMessage(m MessageRecord) error {
	if _, dup := t.messages[m.MessageID]; dup {
		return fmt.Errorf("message %d defined twice", m.MessageID)
	}
	switch m.Status {
	case MessageWaitingApproval, MessageApproved:
	default:
		return fmt.Errorf("message %d: unknown status %q", m.MessageID, m.Status)
	}
	if err := t.settings.limits().message(&m); err != nil {
		return fmt.Errorf("message %d: %w", m.MessageID, plain(err))
	}
	m.Platforms = slices.Clone(m.Platforms)
	t.messages[m.MessageID] = &m
	t.msgOrder = append(t.msgOrder, m.MessageID)
	t.msgTop = max(t.msgTop, m.MessageID)
	return nil
}

// Export returns the tenant's whole state. Exporting, loading the result
// and exporting again gives an identical Dataset.
func (t *Tenant) Export() *Dataset {
	t.ProcessDue()
	t.mu.RLock()
	defer t.mu.RUnlock()
	// Lists are never nil: an empty one is [] in JSON, not null.
	d := &Dataset{Version: CurrentVersion, Attributes: []AttributeDef{}, Categories: []Category{},
		Segments: []SegmentRecord{}, Messages: []MessageRecord{}}
	for _, code := range t.attrOrder {
		d.Attributes = append(d.Attributes, t.attrs[code])
	}
	for _, name := range t.catOrder {
		d.Categories = append(d.Categories, t.categories[name])
	}
	d.Users = make([]UserRecord, 0, t.userList.Len())
	t.userList.All(func(u *user) bool {
		d.Users = append(d.Users, t.userRecord(u))
		return true
	})
	d.Devices = make([]DeviceRecord, 0, t.devList.Len())
	t.devList.All(func(dv *device) bool {
		d.Devices = append(d.Devices, dv.rec.clone())
		return true
	})
	for _, s := range t.sortedSegments() {
		r := s.rec
		r.Members = make([]string, 0, s.members.Len())
		s.members.All(func(u *user) bool {
			r.Members = append(r.Members, u.extID)
			return true
		})
		d.Segments = append(d.Segments, r)
	}
	for _, id := range t.msgOrder {
		m := *t.messages[id]
		m.Platforms = slices.Clone(m.Platforms)
		d.Messages = append(d.Messages, m)
	}
	t.exportAppData(d)
	if t.contacts.len() > 0 {
		d.Contacts = t.contacts.records()
	}
	t.exportNotify(d)
	return d
}

func (t *Tenant) userRecord(u *user) UserRecord {
	r := UserRecord{ExtID: u.extID, EmailPermitted: u.emailOK, SmsPermitted: u.smsOK, Untracked: u.untracked,
		WhatsAppPermitted: u.waOK}
	if u.wa != nil {
		r.WpNumbers = slices.Clone(u.wa.numbers)
	}
	if len(u.tags) > 0 {
		r.Tags = slices.Clone(u.tags)
	}
	if len(u.profile) > 0 {
		r.Profile = make(map[string]any, len(u.profile))
		for _, a := range u.profile {
			r.Profile[a.key] = cloneValue(a.val)
		}
	}
	if len(u.cats) > 0 {
		r.Categories = slices.Clone(u.cats)
	}
	return r
}

// sortedSegments returns the segments newest first (by CreatedAt, then ID).
func (t *Tenant) sortedSegments() []*segment {
	out := make([]*segment, 0, len(t.segments))
	for _, s := range t.segments {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rec.CreatedAt != out[j].rec.CreatedAt {
			return out[i].rec.CreatedAt > out[j].rec.CreatedAt
		}
		return out[i].rec.ID > out[j].rec.ID
	})
	return out
}

// Counts summarises the tenant for health reports.
type Counts struct {
	Users    int `json:"users"`
	Devices  int `json:"devices"`
	Segments int `json:"segments"`
	Messages int `json:"messages"`
}

// Counts returns how many users, devices, segments and messages the tenant holds.
func (t *Tenant) Counts() Counts {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return Counts{Users: t.userList.Len(), Devices: t.devList.Len(), Segments: len(t.segments), Messages: len(t.messages)}
}

func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
