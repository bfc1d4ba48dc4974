package clienttest

import (
	"context"
	"errors"
)

// Funcs adapts a client whose methods are shaped differently from the
// client interfaces: its own types, other parameters, another name. A
// factory returns a Funcs in place of the client, with one field for each
// method the client has, and leaves the others nil:
//
//	c := mynetmera.New(baseURL, apiKey, mynetmera.WithHTTPClient(hc))
//	return clienttest.Funcs{
//		TagUsers:   c.TagUsers, // already the suite's signature
//		UntagUsers: c.UntagUsers,
//		GetDevices: func(ctx context.Context, extID string, only bool) ([]clienttest.Device, error) {
//			ds, err := c.Devices(ctx, extID, mynetmera.DevicesOptions{PushPermitted: only})
//			out := make([]clienttest.Device, len(ds))
//			for i, d := range ds {
//				out[i] = clienttest.Device{Platform: d.Platform, Token: d.Token, PushPermitted: d.Permitted}
//			}
//			return out, err
//		},
//		AsAPIError: func(err error) (int, string, bool) {
//			var e *mynetmera.Error
//			if errors.As(err, &e) {
//				return e.Code, e.Message, true
//			}
//			return 0, "", false
//		},
//	}, nil
//
// Each field has the signature of the method of the same name in the
// client interfaces, so the compiler checks the adapter. Run calls only
// the fields that are set: the cases that need a nil field are skipped,
// saying which field; a Funcs with no field set fails the run.
type Funcs struct {
	// The methods of UserClient.
	TagUsers               func(ctx context.Context, tag string, extIDs []string) error
	UntagUsers             func(ctx context.Context, tag string, extIDs []string) error
	DeleteUsersPermanently func(ctx context.Context, extIDs []string) error

	// The methods of RegistrationClient.
	RegisterUsers func(ctx context.Context, regs []Registration) error
	DeleteUsers   func(ctx context.Context, extIDs []string) error

	// The methods of ProfileClient.
	SetProfileAttributes   func(ctx context.Context, updates []ProfileUpdate) error
	UnsetProfileAttributes func(ctx context.Context, unsets []ProfileUnset) error
	PushProfileAttributes  func(ctx context.Context, updates []ProfileUpdate) error
	PullProfileAttributes  func(ctx context.Context, updates []ProfileUpdate) error
	GetProfileAttributes   func(ctx context.Context, extID string) (map[string]any, error)

	// The methods of CategoryClient.
	SetCategoryPreferences func(ctx context.Context, prefs []CategoryPreference) error
	GetCategoryPreferences func(ctx context.Context, extID string) (map[string]bool, error)

	// The methods of DeviceClient.
	EnablePush      func(ctx context.Context, extID string) error
	DisablePush     func(ctx context.Context, extID string) error
	GetDevices      func(ctx context.Context, extID string, onlyPermitted bool) ([]Device, error)
	AllDeviceTokens func(ctx context.Context) ([]Device, error)

	// The methods of SegmentClient.
	GetSegments     func(ctx context.Context, os string) ([]Segment, error)
	GetSegmentUsers func(ctx context.Context, id int64) ([]SegmentUser, error)

	// The methods of ChannelClient.
	EnableMail   func(ctx context.Context, extIDs []string) error
	DisableMail  func(ctx context.Context, extIDs []string) error
	UpdateEmail  func(ctx context.Context, extID, email string) error
	EnableSms    func(ctx context.Context, extIDs []string) error
	DisableSms   func(ctx context.Context, extIDs []string) error
	UpdateMsisdn func(ctx context.Context, extID, msisdn string) error

	// The methods of AddressClient.
	AddEmail     func(ctx context.Context, emails []string) error
	RemoveEmail  func(ctx context.Context, extID string) error
	AddMsisdn    func(ctx context.Context, msisdns []string) error
	RemoveMsisdn func(ctx context.Context, extID string) error

	// The methods of WhatsAppClient.
	EnableWhatsApp  func(ctx context.Context, extIDs []string) error
	DisableWhatsApp func(ctx context.Context, extIDs []string) error
	UpdateWhatsApp  func(ctx context.Context, extID string, numbers []string) error
	RemoveWhatsApp  func(ctx context.Context, extID string) error

	// The method of ApprovalClient.
	SendPushApproval func(ctx context.Context, messageIDs []int64) error

	// The methods of NotificationClient.
	CreateNotificationDefinition func(ctx context.Context, def NotificationDefinition) (int64, error)
	SendNotification             func(ctx context.Context, send TransactionalSend) error
	SendBulkNotification         func(ctx context.Context, n BulkNotification) (int64, error)

	// The methods of PushResultClient.
	GetPushStats   func(ctx context.Context, notificationKey int64) (PushStats, error)
	AllPushResults func(ctx context.Context, q PushResultQuery) ([]PushResult, error)

	// The methods of InboxClient.
	GetAllInbox       func(ctx context.Context, extID string, status int) ([]InboxMessage, error)
	GetInboxMessage   func(ctx context.Context, pushInstanceID int64) (msg InboxMessage, found bool, err error)
	ChangeInboxStatus func(ctx context.Context, extID string, pushInstanceIDs []int64, status int) error

	// The method of EventClient.
	FireEvents func(ctx context.Context, events []Event) error

	// AsAPIError, when set, reads Netmera's code and text from an error
	// the client returned, for a client whose errors do not implement
	// APIError: ok is false for an error that carries none (a network
	// error, say). An error in which errors.As finds an APIError is taken
	// as it is.
	AsAPIError func(err error) (code int, text string, ok bool)

	// Close, when set, is called when a case ends, as an io.Closer client
	// is closed.
	Close func() error
}

// apiError is an error of the client made an APIError by AsAPIError.
type apiError struct {
	err  error
	code int
	text string
}

func (e *apiError) Error() string          { return e.err.Error() }
func (e *apiError) Unwrap() error          { return e.err }
func (e *apiError) NetmeraCode() int       { return e.code }
func (e *apiError) NetmeraMessage() string { return e.text }

// asAPIError returns err as an APIError through f.AsAPIError when it is
// not one already; otherwise err unchanged.
func (f *Funcs) asAPIError(err error) error {
	if err == nil || f.AsAPIError == nil || errors.As(err, new(APIError)) {
		return err
	}
	if code, text, ok := f.AsAPIError(err); ok {
		return &apiError{err: err, code: code, text: text}
	}
	return err
}
