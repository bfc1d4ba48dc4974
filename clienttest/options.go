package clienttest

import (
	"time"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// DefaultAPIKey is the key NewServer accepts unless WithAPIKey says
// otherwise.
const DefaultAPIKey = "clienttest-key"

// DefaultUsers is the number of users NewServer generates unless WithUsers
// says otherwise, the documentation's example users (id1, id2, …) included.
const DefaultUsers = 100

// Option configures NewServer.
type Option func(*config)

// config is what the options set; its zero value, after defaults, is
// Netmera's documented behaviour over DefaultUsers generated users.
type config struct {
	key          string
	seed         int64
	users        int
	segments     int
	messages     int
	skipExamples bool
	fixtures     string
	overlay      *state.Dataset
	settings     state.Settings
	server       mockserver.Options
}

func newConfig(opts []Option) config {
	c := config{key: DefaultAPIKey, seed: 1, users: DefaultUsers}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithAPIKey sets the key the fake accepts (DefaultAPIKey otherwise).
func WithAPIKey(key string) Option { return func(c *config) { c.key = key } }

// WithSeed picks the generated data: the same seed gives the same users,
// devices and segments, byte for byte. The default seed is 1.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithUsers sets the number of generated users, the documentation's
// example users included (DefaultUsers otherwise). With WithFixtures, 0
// means the file's users only.
func WithUsers(n int) Option { return func(c *config) { c.users = n } }

// WithSegments sets the number of generated segments besides the
// examples'; negative means none (fixtures.DefaultSegments otherwise).
func WithSegments(n int) Option { return func(c *config) { c.segments = n } }

// WithMessages sets the number of generated push messages besides the
// example; negative means none (fixtures.DefaultMessages otherwise).
func WithMessages(n int) Option { return func(c *config) { c.messages = n } }

// WithoutExamples leaves out the users, devices, segments and message that
// the Netmera documentation's examples name.
func WithoutExamples() Option { return func(c *config) { c.skipExamples = true } }

// WithFixtures lays a fixtures file (see docs/fixtures.md) over the
// generated data. The file is read once, when the server starts.
func WithFixtures(path string) Option { return func(c *config) { c.fixtures = path } }

// WithDataset lays d over the generated data, as a fixtures file would be
// (after WithFixtures, when both are given). d must not be modified
// afterwards.
func WithDataset(d *state.Dataset) Option { return func(c *config) { c.overlay = d } }

// WithLenientOS accepts segment requests without a valid X-netmera-os
// header, as the newest reference says the live API does.
func WithLenientOS() Option { return func(c *config) { c.server.LenientOS = true } }

// WithAuthStatus sets the HTTP status of a missing or unknown key: 403
// (the default, per Netmera's error table) or 401.
func WithAuthStatus(status int) Option { return func(c *config) { c.server.AuthStatus = status } }

// WithSingleObject sets what array-bodied endpoints do with a single JSON
// object: mockserver.SingleObjectAuto (the default), SingleObjectAccept or
// SingleObjectReject.
func WithSingleObject(policy string) Option {
	return func(c *config) { c.server.SingleObject = policy }
}

// WithDeviceTokenShape sets the fields of getDeviceTokens entries:
// mockserver.ShapeBoth (the default), ShapeLegacy or ShapeCurrent.
func WithDeviceTokenShape(shape string) Option {
	return func(c *config) { c.server.DeviceTokenShape = shape }
}

// WithAutoDefine defines unknown profile attributes from the first value
// they are set to, instead of dropping them as Netmera does.
func WithAutoDefine() Option { return func(c *config) { c.settings.AutoDefine = true } }

// WithPermanentDeleteOff makes deleteUsersPermanently only untrack users,
// as it does for an app that has not activated permanent deletion.
func WithPermanentDeleteOff() Option {
	return func(c *config) { c.settings.PermanentDeleteOff = true }
}

// WithMaxIDs sets the most unique identifiers one request may name
// (1000 otherwise).
func WithMaxIDs(n int) Option { return func(c *config) { c.settings.MaxIDs = n } }

// WithLimitCode sets the error code of a request over the ID limit
// (2009 otherwise).
func WithLimitCode(code int) Option { return func(c *config) { c.settings.LimitCode = code } }

// WithRegisterDelay makes registerUsers requests wait d before they are
// applied, as Netmera applies them asynchronously: a client that reads a
// user back at once sees nothing yet. Server.ApplyRegistrations applies
// them without waiting.
func WithRegisterDelay(d time.Duration) Option {
	return func(c *config) { c.settings.RegisterDelay = d }
}

// WithCountAddresses counts the emails, MSISDNs and WhatsApp numbers a
// request names toward the ID limit, not only its external IDs and device
// tokens: the strictest reading of the limit, which Netmera words as
// external IDs or device tokens only. addEmail and addMsisdn uploads are
// never counted.
func WithCountAddresses() Option { return func(c *config) { c.settings.CountAddresses = true } }

// WithStrictEmail refuses with 2004 an enableMail or disableMail address
// that is not a plain email address, as Netmera's newest reference says
// the live API does; otherwise any text is an address.
func WithStrictEmail() Option { return func(c *config) { c.settings.StrictEmail = true } }

// WithStrictWhatsApp makes updateWhatsApp read only "wpNumber", one number
// starting with "+", as Netmera's newest reference says the live API does.
func WithStrictWhatsApp() Option { return func(c *config) { c.server.StrictWhatsApp = true } }
