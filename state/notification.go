package state

import (
	"encoding/json"
	"slices"
)

// Kinds of notification, by the endpoint that sent them.
const (
	KindBulk          = "BULK"          // sendBulkNotification
	KindTransactional = "TRANSACTIONAL" // sendNotification
	KindEmailSms      = "EMAIL_SMS"     // sendEmailAndSms
	KindBulkEmail     = "BULK_EMAIL"    // sendBulkEmail
	KindLiveActivity  = "LIVE_ACTIVITY" // sendBulkNotification with type LIVE_ACTIVITY
	// KindEmailAttachment is sendEmailWithAttachment.
	KindEmailAttachment = "EMAIL_ATTACHMENT"
)

// Notification statuses, as getPushStats reports them.
const (
	StatusWaitingApproval = "WAITING_APPROVAL" // created, waiting for sendPushApproval
	StatusScheduled       = "SCHEDULED"        // approved or not needing approval, starts later
	StatusSending         = "SENDING"          // started; packages remain
	StatusFinished        = "FINISHED"         // every delivery made
	StatusExpired         = "EXPIRED"          // its time to live ran out before it started
)

// Delivery result statuses, as getPushResult reports them.
const (
	ResultSuccess = "SUCCESS"
	ResultFailed  = "FAILED"
	ResultClicked = "CLICKED"
)

// Channel platforms of email and SMS deliveries, beside the device ones.
const (
	PlatformEmail = "EMAIL"
	PlatformSMS   = "SMS"
)

// InvalidTokenCode and InvalidTokenMsg are what a push to a token marked
// invalid fails with, as getPushResult's sample shows.
const (
	InvalidTokenCode = "8"
	InvalidTokenMsg  = "INVALID_TOKEN"
)

// platNames are the platforms a delivery can be on, by index: the device
// platforms, then email and SMS.
var platNames = append(slices.Clone(Platforms), PlatformEmail, PlatformSMS)

const (
	platEmail = uint8(9)
	platSMS   = uint8(10)
	numPlats  = 11
)

func platIndex(p string) (uint8, bool) {
	i := slices.Index(platNames, p)
	return uint8(i), i >= 0
}

// Why a user or device a target named was not sent to.
const (
	ReasonUntracked        = "UNTRACKED"          // the user was removed with deleteUsers
	ReasonUnknownUser      = "UNKNOWN_USER"       // no user has that external ID
	ReasonUnknownToken     = "UNKNOWN_TOKEN"      // no installation has that token or ID
	ReasonUnknownAddress   = "UNKNOWN_ADDRESS"    // no user has that email, MSISDN or WhatsApp number
	ReasonNotTargeted      = "NOT_TARGETED"       // named, but failing the target's conditions
	ReasonCategoryOptedOut = "CATEGORY_OPTED_OUT" // opted out of one of the message's categories on the channel
	ReasonNoDevice         = "NO_DEVICE"          // no installed device at all
	ReasonUninstalled      = "UNINSTALLED"        // the device's app was removed
	ReasonPlatform         = "PLATFORM_FILTERED"  // the device's platform is not among the message's
	ReasonNoToken          = "NO_TOKEN"           // the device has no push token
	ReasonNoPushPermission = "NO_PUSH_PERMISSION" // the device is opted out of push
	ReasonOutOfArea        = "OUT_OF_AREA"        // the device is outside the location target (or has no location)
	ReasonNotLastActive    = "NOT_LAST_ACTIVE"    // lastActiveDevice chose another device of the user
	ReasonLimit            = "LIMIT"              // over the message's (or its platform's) user limit
	ReasonNoEmail          = "NO_EMAIL"           // an email send to a user without an address
	ReasonNoEmailPerm      = "NO_EMAIL_PERMISSION"
	ReasonNoMsisdn         = "NO_MSISDN"
	ReasonNoSmsPerm        = "NO_SMS_PERMISSION"
	ReasonExpired          = "TTL_EXPIRED" // its package was due after the time to live ran out
)

// reasons lists every reason, by the index exclusions store.
var reasons = []string{ReasonUntracked, ReasonUnknownUser, ReasonUnknownToken, ReasonUnknownAddress,
	ReasonNotTargeted, ReasonCategoryOptedOut, ReasonNoDevice, ReasonUninstalled, ReasonPlatform, ReasonNoToken,
	ReasonNoPushPermission, ReasonOutOfArea, ReasonNotLastActive, ReasonLimit, ReasonNoEmail, ReasonNoEmailPerm,
	ReasonNoMsisdn, ReasonNoSmsPerm, ReasonExpired}

func reasonIndex(r string) (uint8, bool) {
	i := slices.Index(reasons, r)
	return uint8(i), i >= 0
}

// MaxStoredExclusions is how many exclusions a notification keeps one by
// one; past it only their counts per reason grow.
const MaxStoredExclusions = 1000

// Default bounds of what a tenant keeps of its sends (see Settings).
const (
	DefaultMaxDeliveries    = 10_000_000
	DefaultMaxNotifications = 100_000
)

// result is one delivery, compactly: its strings are those of the device
// and user records (shared, not copied), its text an index into the
// notification's rendered texts.
type result struct {
	extID, iid string
	token      string // the push token, or the email address or MSISDN
	at         int64  // when it was delivered, epoch ms
	seq        uint64 // its place in the tenant's results, for cursors; 0 until released
	text       int32
	plat       uint8
	failed     bool // FAILED with INVALID_TOKEN
	clicked    bool
}

// exclusion is a user or device the target named but the send did not
// reach.
type exclusion struct {
	extID, iid, addr string
	plat             uint8 // numPlats when user-level
	reason           uint8
}

// rendered is one title, text and subtext as a recipient saw them.
type rendered struct {
	title, text, subText string
}

// resultBlock is how many results one block of a notification holds:
// appending never copies earlier results, and a million deliveries are
// a few hundred blocks.
const resultBlock = 4096

// resultStore is a notification's released results in release order,
// which is seq order.
type resultStore struct {
	blocks [][]result
	n      int
}

func (s *resultStore) len() int { return s.n }

func (s *resultStore) at(i int) *result { return &s.blocks[i/resultBlock][i%resultBlock] }

// add appends a result. The first block grows as a slice does, so that a
// send of one delivery holds one result, not a block's worth.
func (s *resultStore) add(r result) {
	if s.n%resultBlock == 0 {
		var b []result
		if s.n > 0 { // a big send: whole blocks, no copying as they grow
			b = make([]result, 0, resultBlock)
		}
		s.blocks = append(s.blocks, b)
	}
	b := &s.blocks[len(s.blocks)-1]
	*b = append(*b, r)
	s.n++
}

// content is a message as it is delivered: the texts, where it goes and
// how, normalized from a bulk message or a definition.
type content struct {
	MessageContent
	personalized bool // any personalized field holds a placeholder
}

// MessageContent is the normalized content of a notification or
// definition.
type MessageContent struct {
	Title               string          `json:"title,omitempty"`
	Text                string          `json:"text,omitempty"`
	PersonalizedTitle   string          `json:"personalizedTitle,omitempty"`
	PersonalizedMessage string          `json:"personalizedMessage,omitempty"`
	PersonalizedSubText string          `json:"personalizedSubText,omitempty"`
	Platforms           []string        `json:"platforms"`
	Categories          []string        `json:"categories,omitempty"`
	Labels              []string        `json:"labels,omitempty"`
	ThreadID            string          `json:"threadId,omitempty"`
	Inbox               bool            `json:"inbox,omitempty"`
	DoNotNotify         bool            `json:"doNotNotify,omitempty"`
	Limit               int             `json:"limit,omitempty"`
	IOSLimit            int             `json:"iosLimit,omitempty"`
	AndroidLimit        int             `json:"androidLimit,omitempty"`
	IOSTitle            string          `json:"iosTitle,omitempty"`
	AndroidTitle        string          `json:"androidTitle,omitempty"`
	TTL                 string          `json:"ttl,omitempty"`
	Deeplink            string          `json:"deeplink,omitempty"`
	CustomJSON          json.RawMessage `json:"customJson,omitempty"`
	// Email and SMS.
	From                string `json:"from,omitempty"`
	SenderName          string `json:"senderName,omitempty"`
	Subject             string `json:"subject,omitempty"`
	SmsHeader           string `json:"smsHeader,omitempty"`
	SmsIysMessageType   string `json:"smsIysMessageType,omitempty"`
	SmsIysRecipientType string `json:"smsIysRecipientType,omitempty"`
}

func (m MessageContent) clone() MessageContent {
	m.Platforms = slices.Clone(m.Platforms)
	m.Categories = slices.Clone(m.Categories)
	m.Labels = slices.Clone(m.Labels)
	m.CustomJSON = slices.Clone(m.CustomJSON)
	return m
}

// Speed is how fast a bulk send goes out: PackageSize deliveries every
// IntervalMins minutes.
type Speed struct {
	IntervalMins int `json:"intervalMins"`
	PackageSize  int `json:"packageSize"`
}

// notification is one accepted send and everything it did.
type notification struct {
	id, key    int64
	kind       string
	raw        json.RawMessage
	status     string
	createdAt  int64
	startAt    int64 // planned start; the actual start once started
	endAt      int64 // when the last package went (or will go) out
	expiresAt  int64 // start + ttl; 0 when no ttl
	approved   int64 // when it was approved; 0 if it never waited
	msgID      int64 // the message awaiting approval; -1 when none
	content    *content
	target     *Target
	params     map[string]any
	lastActive bool
	speed      Speed
	extRef     string
	liveGroup  string

	match *matcher // the target's conditions, compiled when accepted

	texts     []rendered
	results   resultStore
	queued    []result // resolved, waiting for their package (at set, seq 0)
	planned   int      // deliveries planned so far: released, queued or expired
	lastInbox string   // the user last given an inbox item by this send
	inbox     []int64  // push instance IDs of the inbox items it made, dropped with its results
	excl      []exclusion
	exclN     []int64 // exclusions per reason (by reasons' index), stored or not
	stats     [numPlats][3]int64
	evicted   bool // its results were dropped to bound memory

	resolving bool   // a goroutine is resolving it (see resolve)
	era       uint64 // the notification state it belongs to (see notifyState.era)
}

const (
	statSent = iota
	statFailed
	statClicked
)

// exclude records that the send did not reach a user or device, keeping
// the first MaxStoredExclusions whole and counting all.
func (n *notification) exclude(x exclusion) {
	if n.exclN == nil {
		n.exclN = make([]int64, len(reasons))
	}
	n.exclN[x.reason]++
	if len(n.excl) < MaxStoredExclusions {
		n.excl = append(n.excl, x)
	}
}

// addText stores a rendering and returns its index.
func (n *notification) addText(r rendered) int32 {
	n.texts = append(n.texts, r)
	return int32(len(n.texts) - 1)
}

// resultStatus is a result's status word.
func (r *result) status() string {
	switch {
	case r.failed:
		return ResultFailed
	case r.clicked:
		return ResultClicked
	}
	return ResultSuccess
}
