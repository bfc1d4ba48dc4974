package state

// Dataset is a tenant's whole state as plain values: what fixtures generate,
// what a fixtures file holds, what GET /_mock/state exports and what an
// import loads. Its JSON form is the documented fixtures format (see
// docs/fixtures.md); order is meaningful and preserved, so the same Dataset
// always encodes to the same bytes.
type Dataset struct {
	// Version is the format version; Version 0 is read as CurrentVersion.
	Version    int             `json:"version"`
	Attributes []AttributeDef  `json:"attributes"`
	Categories []Category      `json:"categories"`
	Users      []UserRecord    `json:"users"`
	Devices    []DeviceRecord  `json:"devices"`
	Segments   []SegmentRecord `json:"segments"`
	Messages   []MessageRecord `json:"messages"`
	// EventDefinitions are the app's standard and custom events, in
	// definition order; Events the events users fired, oldest first;
	// Geofences the app's geofences. Each is left out when empty.
	EventDefinitions []EventDefinition `json:"eventDefinitions,omitempty"`
	Events           []EventRecord     `json:"events,omitempty"`
	Geofences        []GeofenceRecord  `json:"geofences,omitempty"`
	// Contacts are the addresses addEmail and addMsisdn registered that no
	// user has; left out when there are none.
	Contacts []ContactRecord `json:"contacts,omitempty"`
	// Notifications: definitions, captured sends with their results, inbox
	// messages, live activities, the clock and the counters that number
	// keys and results (see docs/notifications.md). Each is left out when
	// empty, so a tenant that never sent anything exports as before.
	Definitions    []DefinitionRecord   `json:"definitions,omitempty"`
	Notifications  []NotificationRecord `json:"notifications,omitempty"`
	Inbox          []InboxMessage       `json:"inbox,omitempty"`
	LiveActivities []LiveActivityRecord `json:"liveActivities,omitempty"`
	Clock          *ClockRecord         `json:"clock,omitempty"`
	Counters       *CounterRecord       `json:"counters,omitempty"`
}

// CurrentVersion is the Dataset format this package writes.
const CurrentVersion = 1

// AttributeType is a profile attribute's data type, named as Netmera's
// app/profile-attributes endpoint names it.
type AttributeType string

const (
	TypeString  AttributeType = "STRING"
	TypeInteger AttributeType = "INTEGER"
	TypeDouble  AttributeType = "DOUBLE"
	TypeBoolean AttributeType = "BOOLEAN"
	TypeDate    AttributeType = "DATE" // epoch milliseconds
)

// AttributeDef defines a profile attribute of the app. Only defined
// attributes are stored and returned.
type AttributeDef struct {
	Code     string        `json:"code"`
	DataType AttributeType `json:"dataType"`
	IsArray  bool          `json:"isArray,omitempty"`
	Standard bool          `json:"standard,omitempty"`
}

// Category is a push category defined in the panel. Names are case-sensitive.
type Category struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// Channels a category preference can be set for. A preference set without
// a channel applies to all of them.
var Channels = []string{"PUSH", "EMAIL", "SMS"}

// UserRecord is one user. The email address and MSISDN are the standard
// profile attributes "email" and "msisdn".
type UserRecord struct {
	ExtID          string         `json:"extId"`
	Tags           []string       `json:"tags,omitempty"`
	Profile        map[string]any `json:"profile,omitempty"`
	Categories     []CategoryPref `json:"categories,omitempty"`
	EmailPermitted bool           `json:"emailPermitted"`
	SmsPermitted   bool           `json:"smsPermitted"`
	// Untracked users were removed with deleteUsers (or a permanent delete
	// that the app has not activated): still readable, out of segments.
	Untracked bool `json:"untracked,omitempty"`
	// WpNumbers are the user's WhatsApp numbers, as updateWhatsApp set
	// them (an empty number is kept: Netmera stores an empty value).
	WpNumbers []string `json:"wpNumbers,omitempty"`
	// WhatsAppPermitted is the user's WhatsApp permission.
	WhatsAppPermitted bool `json:"whatsAppPermitted,omitempty"`
}

// ContactRecord is an address that addEmail or addMsisdn registered and
// no user of the app has: Netmera keeps it as a user of its own, without
// an external ID or an installation. Exactly one of Email and Msisdn is
// set. A user who later gets the address (updateEmail, a profile write,
// an SDK registration) takes its place, and the contact is dropped.
type ContactRecord struct {
	Email          string `json:"email,omitempty"`
	Msisdn         string `json:"msisdn,omitempty"`
	EmailPermitted bool   `json:"emailPermitted,omitempty"`
	SmsPermitted   bool   `json:"smsPermitted,omitempty"`
}

// CategoryPref is a user's opt-in or opt-out for one category on one channel.
type CategoryPref struct {
	Category string `json:"category"`
	Channel  string `json:"channel"`
	Enabled  bool   `json:"enabled"`
}

// Platform values, as Netmera spells them.
const (
	PlatformIOS     = "IOS"
	PlatformAndroid = "ANDROID"
	PlatformChrome  = "CHROME"
	PlatformFirefox = "FIREFOX"
	PlatformSafari  = "SAFARI"
	PlatformEdge    = "EDGE"
	PlatformOpera   = "OPERA"
	PlatformYandex  = "YANDEX"
	PlatformMacOS   = "MACOS"
)

// Platforms lists the device platforms the fake knows.
var Platforms = []string{PlatformIOS, PlatformAndroid, PlatformChrome, PlatformFirefox, PlatformSafari,
	PlatformEdge, PlatformOpera, PlatformYandex, PlatformMacOS}

// DeviceRecord is one installation. ExtID is empty for an installation not
// linked to a user; Token is empty for one without a push token.
type DeviceRecord struct {
	InstallationID string `json:"installationId"`
	ExtID          string `json:"extId,omitempty"`
	Platform       string `json:"platform"`
	Token          string `json:"token,omitempty"`
	DeviceModel    string `json:"deviceModel,omitempty"`
	PushPermitted  bool   `json:"pushPermitted"`
	Uninstalled    bool   `json:"uninstalled,omitempty"`
	// Tester marks a test device, which receives the panel's test sends
	// (addTesters).
	Tester bool `json:"tester,omitempty"`
	// InvalidToken marks a token the push services reject: a push to it
	// is recorded as FAILED with INVALID_TOKEN.
	InvalidToken bool `json:"invalidToken,omitempty"`
	// LastActive is when the installation was last used, in epoch
	// milliseconds; 0 is unknown. lastActiveDevice picks the user's device
	// with the latest, and among equals the one registered last.
	LastActive int64 `json:"lastActive,omitempty"`
	// Location is where the installation last reported being, for
	// location targets; nil when unknown.
	Location *GeoPoint `json:"location,omitempty"`
}

// GeoPoint is a position in degrees.
type GeoPoint struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Segment types.
const (
	SegmentStandard   = "STANDARD"
	SegmentProduct    = "PRODUCT_SEGMENT"
	SegmentConnectors = "CONNECTORS_SEGMENT"
)

// SegmentRecord is a calculated segment with its members' external IDs.
// CreatedAt (epoch milliseconds) orders getSegments, newest first.
type SegmentRecord struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	CreatedAt int64    `json:"createdAt"`
	Members   []string `json:"members"`
}

// Message statuses.
const (
	MessageWaitingApproval = "WAITING_APPROVAL"
	MessageApproved        = "APPROVED"
)

// MessageRecord is a push message created in the panel. Those waiting for
// approval are what sendPushApproval approves.
type MessageRecord struct {
	MessageID int64    `json:"messageId"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Platforms []string `json:"platforms,omitempty"`
	Status    string   `json:"status"`
	// NotificationKey links a message to the bulk send awaiting its
	// approval; 0 for a message of the panel's own.
	NotificationKey int64 `json:"notificationKey,omitempty"`
}
