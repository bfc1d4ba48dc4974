package clienttest

import (
	"context"
	"net/http"
)

// Factory makes the client under test. Run calls it for every case (the
// auth cases call it a second time, with a wrong key), and once up front to
// see which interfaces the client implements.
//
// Given the base URL of the API (scheme and host, such as
// "http://127.0.0.1:41234" or "https://restapi.netmera.com", without the
// "/rest/3.0" prefix), an API key and an HTTP client, it must return a new
// client that:
//
//   - sends every request to baseURL through hc, and through nothing else;
//   - sends apiKey in the X-netmera-api-key header of every request;
//   - has methods of UserClient, RegistrationClient, ProfileClient,
//     CategoryClient, DeviceClient, SegmentClient, ChannelClient,
//     AddressClient, WhatsAppClient, ApprovalClient, NotificationClient,
//     PushResultClient, InboxClient and EventClient, with their signatures
//     (the cases of a method it lacks are skipped), or is a Funcs that
//     adapts a client shaped otherwise;
//   - returns every Netmera error it receives as an error from which
//     errors.As extracts an APIError (or that Funcs.AsAPIError reads).
//
// The factory may send requests itself (a login check, say), but the
// client it returns must not depend on state the suite did not create.
// If the client implements io.Closer (or the Funcs has Close), it is
// closed when its case ends.
// A non-nil error fails the case.
type Factory func(baseURL, apiKey string, hc *http.Client) (any, error)

// APIError is how a client surfaces a Netmera error envelope
// {"code":5016,"error":"User with external id…"}: NetmeraCode returns the
// code and NetmeraMessage the text of the "error" field, unchanged. The
// suite finds it with errors.As, so a client may wrap it.
type APIError interface {
	error
	NetmeraCode() int
	NetmeraMessage() string
}

// UserClient tags, untags and deletes users (tagUsers, untagUsers,
// deleteUsersPermanently). Each method takes any number of external IDs:
// the client splits them into requests of at most 1000 unique IDs.
type UserClient interface {
	TagUsers(ctx context.Context, tag string, extIDs []string) error
	UntagUsers(ctx context.Context, tag string, extIDs []string) error
	DeleteUsersPermanently(ctx context.Context, extIDs []string) error
}

// Registration is one entry of registerUsers: a device (DeviceToken and
// Platform, such as "IOS" or "ANDROID") of the user ExtID, or, without a
// Platform, an SMS-only user known by Msisdn; with the user's email
// address, MSISDN, tags to add and profile values to merge. Empty fields
// are left out of the request.
type Registration struct {
	ExtID       string
	DeviceToken string
	Platform    string
	Email       string
	Msisdn      string
	Tags        []string
	Profile     map[string]any
}

// RegistrationClient registers users and their devices (registerUsers, a
// JSON array) and untracks users (deleteUsers). Each method splits its
// input into requests of at most 1000 unique identifiers: for
// RegisterUsers, external IDs and device tokens together (a client that
// counts emails and MSISDNs too is safe where addresses count).
type RegistrationClient interface {
	RegisterUsers(ctx context.Context, regs []Registration) error
	DeleteUsers(ctx context.Context, extIDs []string) error
}

// Event is one event a user fires: the event's name (or code, as
// app/events lists it) and its attributes, which go as members of the
// event object beside "extId" and "name".
type Event struct {
	ExtID      string
	Name       string
	Attributes map[string]any
}

// EventClient fires events (fireEvents, a JSON array of events), at most
// 1000 unique users per request.
type EventClient interface {
	FireEvents(ctx context.Context, events []Event) error
}

// ProfileUpdate is one user's attributes to set, or the values to push to
// or pull from array attributes (whose values are then lists).
type ProfileUpdate struct {
	ExtID   string
	Profile map[string]any
}

// ProfileUnset names attributes to remove from one user's profile.
type ProfileUnset struct {
	ExtID string
	Keys  []string
}

// ProfileClient writes and reads profile attributes (setProfileAttributes,
// unsetProfileAttributes, pushProfileAttributes, pullProfileAttributes,
// getProfileAttributes). Writes go as JSON arrays, at most 1000 unique
// users per request. GetProfileAttributes returns the "profile" object;
// an unknown user has an empty one.
type ProfileClient interface {
	SetProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
	UnsetProfileAttributes(ctx context.Context, unsets []ProfileUnset) error
	PushProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
	PullProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
	GetProfileAttributes(ctx context.Context, extID string) (map[string]any, error)
}

// CategoryPreference opts a user in (Enable) or out of a push category,
// on one channel (PUSH, EMAIL, SMS) or, when Channel is empty, on all.
type CategoryPreference struct {
	ExtID    string
	Category string
	Channel  string
	Enable   bool
}

// CategoryClient writes and reads category preferences
// (setCategoryPreferences, a JSON array; getCategoryPreferences, which
// maps each category name to whether the user is opted in on PUSH).
type CategoryClient interface {
	SetCategoryPreferences(ctx context.Context, prefs []CategoryPreference) error
	GetCategoryPreferences(ctx context.Context, extID string) (map[string]bool, error)
}

// Device is an installation as getDevices or getDeviceTokens shows it.
// Token is whichever of "token" and "deviceToken" the API sent; fields the
// API did not send are left zero.
type Device struct {
	InstallationID string
	ExtID          string
	Platform       string
	Token          string
	DeviceModel    string
	PushPermitted  bool
}

// DeviceClient manages push permission and reads devices (enablePush,
// disablePush, getDevices, getDeviceTokens). AllDeviceTokens returns every
// installation of the app, following nextPage to the last page.
type DeviceClient interface {
	EnablePush(ctx context.Context, extID string) error
	DisablePush(ctx context.Context, extID string) error
	GetDevices(ctx context.Context, extID string, onlyPermitted bool) ([]Device, error)
	AllDeviceTokens(ctx context.Context) ([]Device, error)
}

// Segment is one entry of getSegments. UserCount is nil when Netmera sends
// null (connectors segments).
type Segment struct {
	ID        int64
	Name      string
	Type      string
	UserCount *int
}

// SegmentUser is one member as getSegmentUsers lists it.
type SegmentUser struct {
	ExtID  string
	Email  string
	Msisdn string
}

// SegmentClient reads segments (getSegments, getSegmentUsers), sending
// X-netmera-os: os on GetSegments and IOS or ANDROID on GetSegmentUsers.
// GetSegmentUsers returns every member, following nextPage to the end.
type SegmentClient interface {
	GetSegments(ctx context.Context, os string) ([]Segment, error)
	GetSegmentUsers(ctx context.Context, id int64) ([]SegmentUser, error)
}

// ChannelClient manages email and SMS (enableMail, disableMail,
// updateEmail, enableSms, disableSms, updateMsisdn). The list methods split
// more than 1000 IDs into several requests.
type ChannelClient interface {
	EnableMail(ctx context.Context, extIDs []string) error
	DisableMail(ctx context.Context, extIDs []string) error
	UpdateEmail(ctx context.Context, extID, email string) error
	EnableSms(ctx context.Context, extIDs []string) error
	DisableSms(ctx context.Context, extIDs []string) error
	UpdateMsisdn(ctx context.Context, extID, msisdn string) error
}

// AddressClient uploads and removes email addresses and MSISDNs
// (addEmail, addMsisdn, removeEmail, removeMsisdn). An uploaded address
// that no user has becomes a user of its own in Netmera. A remove method
// must call the remove endpoint: updateEmail and updateMsisdn with an
// empty value do not remove the address.
type AddressClient interface {
	AddEmail(ctx context.Context, emails []string) error
	RemoveEmail(ctx context.Context, extID string) error
	AddMsisdn(ctx context.Context, msisdns []string) error
	RemoveMsisdn(ctx context.Context, extID string) error
}

// WhatsAppClient manages WhatsApp permission and numbers (enableWhatsApp,
// disableWhatsApp, updateWhatsApp, removeWhatsApp). The list methods split
// more than 1000 IDs into several requests; UpdateWhatsApp replaces the
// user's numbers, and RemoveWhatsApp clears them (an update with no number
// stores an empty one instead).
type WhatsAppClient interface {
	EnableWhatsApp(ctx context.Context, extIDs []string) error
	DisableWhatsApp(ctx context.Context, extIDs []string) error
	UpdateWhatsApp(ctx context.Context, extID string, numbers []string) error
	RemoveWhatsApp(ctx context.Context, extID string) error
}

// ApprovalClient approves push messages waiting for approval
// (sendPushApproval, whose body is a JSON array of {"messageId": N}).
type ApprovalClient interface {
	SendPushApproval(ctx context.Context, messageIDs []int64) error
}

// NotificationDefinition is a transactional push for
// createNotificationDefinition to store: Message is its default text;
// PersonalizedTitle and PersonalizedMessage, when set, hold @{name}
// placeholders that each send fills from its params.
type NotificationDefinition struct {
	Title               string
	Message             string
	PersonalizedTitle   string
	PersonalizedMessage string
	Platforms           []string // IOS, ANDROID, …
	Inbox               bool
}

// TransactionalSend sends a definition to users by external ID, to
// devices by push token, or both, filling its placeholders from Params.
// NotificationKey is the key createNotificationDefinition returned; the
// client sends it as a JSON text ("96"), as sendNotification requires.
type TransactionalSend struct {
	NotificationKey int64
	ExtIDs          []string
	DeviceTokens    []string
	Params          map[string]any
}

// BulkNotification is a sendBulkNotification request: a message for the
// users one target names. Exactly one of SendToAll, Tag and ExtIDs is set;
// ExtIDs holds at most 1000 IDs (one bulk send is one request, with one
// key).
type BulkNotification struct {
	Title     string
	Text      string
	Platforms []string
	SendToAll bool
	Tag       string
	ExtIDs    []string
}

// NotificationClient creates and sends push notifications
// (createNotificationDefinition, sendNotification, sendBulkNotification).
// CreateNotificationDefinition and SendBulkNotification return the
// notificationKey Netmera answers, an integer. SendNotification splits
// more than 1000 unique IDs and tokens into several requests.
type NotificationClient interface {
	CreateNotificationDefinition(ctx context.Context, def NotificationDefinition) (int64, error)
	SendNotification(ctx context.Context, send TransactionalSend) error
	SendBulkNotification(ctx context.Context, n BulkNotification) (int64, error)
}

// PlatformStats is one platform's line of getPushStats.
type PlatformStats struct {
	Platform string // IOS, ANDROID, WP (web push), EMAIL or SMS
	Sent     int64
	Failed   int64
	Clicked  int64
}

// PushStats is getPushStats' answer for one notification key. StartDate
// and EndDate are epoch milliseconds (0 when Netmera sends none).
type PushStats struct {
	NotificationKey int64
	Status          string // SCHEDULED, SENDING, FINISHED, …
	StartDate       int64
	EndDate         int64
	Stats           []PlatformStats
}

// PushResultQuery selects getPushResult entries: those of a notification
// key, of a user, or (both set) of the key to the user.
type PushResultQuery struct {
	NotificationKey int64
	ExtID           string
}

// PushResult is one entry of getPushResult: one device a push went to.
// ErrorMessage is whichever of "errorMsg" and "errorMessage" the API
// sent; Title and Text are "msgTitle" and "msgText". Fields the API did
// not send are left zero.
type PushResult struct {
	Platform       string
	Status         string // SUCCESS, FAILED, CLICKED, …
	ErrorCode      string
	ErrorMessage   string
	InstallationID string
	ExtID          string
	TimeStamp      int64 // epoch ms
	Title          string
	Text           string
}

// PushResultClient reads what sends did (getPushStats, getPushResult).
// AllPushResults returns every entry the query selects, following
// nextPage to the last page.
type PushResultClient interface {
	GetPushStats(ctx context.Context, notificationKey int64) (PushStats, error)
	AllPushResults(ctx context.Context, q PushResultQuery) ([]PushResult, error)
}

// InboxMessage is a message of a user's inbox as inbox/getAllInbox and
// inbox/get show it. ExtID is read from the member Netmera spells
// "extID"; Status is READ, UNREAD or DELETED; Sts is when the message
// arrived, in epoch milliseconds.
type InboxMessage struct {
	PushInstanceID int64
	MsgID          int64
	ExtID          string
	Title          string
	Message        string
	Status         string
	Sts            int64
}

// InboxClient reads and changes users' inboxes (inbox/getAllInbox,
// inbox/get, inbox/statusChange). Statuses are Netmera's integers: 1
// read, 2 unread, 4 deleted, and for GetAllInbox a mask of them (3 read
// and unread, 7 all), sent as JSON numbers. GetAllInbox returns every
// message of the mask, newest first, sending each page's prms.index back
// until a page comes without it. GetInboxMessage reports found false, and
// no error, when Netmera answers 204 for an unknown push instance ID.
type InboxClient interface {
	GetAllInbox(ctx context.Context, extID string, status int) ([]InboxMessage, error)
	GetInboxMessage(ctx context.Context, pushInstanceID int64) (msg InboxMessage, found bool, err error)
	ChangeInboxStatus(ctx context.Context, extID string, pushInstanceIDs []int64, status int) error
}
