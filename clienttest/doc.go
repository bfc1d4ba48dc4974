// Package clienttest is for authors of Netmera REST API clients: NewServer
// starts the fake API inside a test in one line, and Run checks a client
// against it case by case, the way testing/fstest.TestFS checks a file
// system.
//
// The fake, seeded the same way on every run and closed when the test
// ends; its state and the requests it received are there to assert on:
//
//	func TestTagVIPs(t *testing.T) {
//		srv := clienttest.NewServer(t, clienttest.WithUsers(500))
//		c := mynetmera.New(srv.URL, srv.APIKey, mynetmera.WithHTTPClient(srv.Client))
//
//		if err := c.TagUsers(t.Context(), "VIP", []string{"id1", "user-000042"}); err != nil {
//			t.Fatal(err)
//		}
//		if u, _ := srv.User("id1"); !slices.Contains(u.Tags, "VIP") {
//			t.Errorf("id1's tags are %q, want VIP among them", u.Tags)
//		}
//		if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Path != "/rest/3.0/tagUsers" {
//			t.Errorf("the fake received %d requests, want one tagUsers", len(reqs))
//		}
//	}
//
// The fake captures every push it is asked to send and works out who
// receives it, on which device, with which text, so a test of code that
// sends notifications asserts on what each user got (Server.PushesTo,
// DeliveriesTo, Notifications), and moves the app's clock instead of
// sleeping through a schedule (Server.SetClock, AdvanceClock):
//
//	func TestOrderShippedPush(t *testing.T) {
//		srv := clienttest.NewServer(t)
//		shop := myshop.New(mynetmera.New(srv.URL, srv.APIKey, mynetmera.WithHTTPClient(srv.Client)))
//
//		if err := shop.ShipOrder(t.Context(), "id1", "A-1001"); err != nil { // sends a transactional push
//			t.Fatal(err)
//		}
//		want := []clienttest.Push{{Platform: "ANDROID", Title: "Order A-1001", Text: "John, your order has shipped.", Status: "SUCCESS"}}
//		if got := srv.PushesTo("id1"); !slices.Equal(got, want) {
//			t.Errorf("id1 got %v, want %v", got, want)
//		}
//	}
//
// The conformance suite, given a Factory that makes the client:
//
//	func TestConformance(t *testing.T) {
//		clienttest.Run(t, func(baseURL, apiKey string, hc *http.Client) (any, error) {
//			return mynetmera.New(baseURL, apiKey, mynetmera.WithHTTPClient(hc)), nil
//		})
//	}
//
// Run calls the client through the methods of these interfaces, which it
// may implement in whole or in part:
//
//	type UserClient interface {
//		TagUsers(ctx context.Context, tag string, extIDs []string) error
//		UntagUsers(ctx context.Context, tag string, extIDs []string) error
//		DeleteUsersPermanently(ctx context.Context, extIDs []string) error
//	}
//	type RegistrationClient interface {
//		RegisterUsers(ctx context.Context, regs []Registration) error
//		DeleteUsers(ctx context.Context, extIDs []string) error
//	}
//	type ProfileClient interface {
//		SetProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
//		UnsetProfileAttributes(ctx context.Context, unsets []ProfileUnset) error
//		PushProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
//		PullProfileAttributes(ctx context.Context, updates []ProfileUpdate) error
//		GetProfileAttributes(ctx context.Context, extID string) (map[string]any, error)
//	}
//	type CategoryClient interface {
//		SetCategoryPreferences(ctx context.Context, prefs []CategoryPreference) error
//		GetCategoryPreferences(ctx context.Context, extID string) (map[string]bool, error)
//	}
//	type DeviceClient interface {
//		EnablePush(ctx context.Context, extID string) error
//		DisablePush(ctx context.Context, extID string) error
//		GetDevices(ctx context.Context, extID string, onlyPermitted bool) ([]Device, error)
//		AllDeviceTokens(ctx context.Context) ([]Device, error)
//	}
//	type SegmentClient interface {
//		GetSegments(ctx context.Context, os string) ([]Segment, error)
//		GetSegmentUsers(ctx context.Context, id int64) ([]SegmentUser, error)
//	}
//	type ChannelClient interface {
//		EnableMail(ctx context.Context, extIDs []string) error
//		DisableMail(ctx context.Context, extIDs []string) error
//		UpdateEmail(ctx context.Context, extID, email string) error
//		EnableSms(ctx context.Context, extIDs []string) error
//		DisableSms(ctx context.Context, extIDs []string) error
//		UpdateMsisdn(ctx context.Context, extID, msisdn string) error
//	}
//	type AddressClient interface {
//		AddEmail(ctx context.Context, emails []string) error
//		RemoveEmail(ctx context.Context, extID string) error
//		AddMsisdn(ctx context.Context, msisdns []string) error
//		RemoveMsisdn(ctx context.Context, extID string) error
//	}
//	type WhatsAppClient interface {
//		EnableWhatsApp(ctx context.Context, extIDs []string) error
//		DisableWhatsApp(ctx context.Context, extIDs []string) error
//		UpdateWhatsApp(ctx context.Context, extID string, numbers []string) error
//		RemoveWhatsApp(ctx context.Context, extID string) error
//	}
//	type ApprovalClient interface {
//		SendPushApproval(ctx context.Context, messageIDs []int64) error
//	}
//	type NotificationClient interface {
//		CreateNotificationDefinition(ctx context.Context, def NotificationDefinition) (int64, error)
//		SendNotification(ctx context.Context, send TransactionalSend) error
//		SendBulkNotification(ctx context.Context, n BulkNotification) (int64, error)
//	}
//	type PushResultClient interface {
//		GetPushStats(ctx context.Context, notificationKey int64) (PushStats, error)
//		AllPushResults(ctx context.Context, q PushResultQuery) ([]PushResult, error)
//	}
//	type InboxClient interface {
//		GetAllInbox(ctx context.Context, extID string, status int) ([]InboxMessage, error)
//		GetInboxMessage(ctx context.Context, pushInstanceID int64) (msg InboxMessage, found bool, err error)
//		ChangeInboxStatus(ctx context.Context, extID string, pushInstanceIDs []int64, status int) error
//	}
//	type EventClient interface {
//		FireEvents(ctx context.Context, events []Event) error
//	}
//
// A case runs when the client has every method it calls, and is skipped
// otherwise, saying which method is missing. A run where no case can run
// fails, and so does one where the client has a method of these names
// with another signature: the failure says, as the compiler would, which
// method differs and how (have/want). Let the compiler check a client
// meant to implement an interface, beside its type:
//
//	var _ clienttest.SegmentClient = (*Client)(nil)
//
// A client shaped its own way (its own types, other parameters, other
// names) needs no adapter type: the factory returns a Funcs, with a field
// for each method the client has, converting its types where they differ,
// and AsAPIError to read Netmera's code from its errors (see ExampleFuncs).
// Errors must otherwise let errors.As find an APIError carrying Netmera's
// code and text.
//
// Every case is a subtest named "group/case", such as
// "tags/batches-over-1000", with a fresh fake, a fresh client and a
// watchdog; go test -run 'TestConformance/tags/' runs one group. A failure
// says what the client was asked, what it returned, what the fake received
// and what was wanted.
//
// After each case, Run applies the fake's conformance rules (those of GET
// /_mock/conformance) to the requests the case sent: a finding of an
// error rule, a request that breaks what Netmera documents (no
// Content-Type, the key in the URL, a retry of a refusal…), fails the
// case with the requests, the fix and Netmera's source; a warning's
// (small batches, a repeated write…) is logged. IgnoreRules skips rules
// by ID.
//
// With NETMERA_LIVE_BASE_URL and NETMERA_LIVE_API_KEY set (or the Live
// option), the cases that are safe against a real app run again under
// "live/…": they name only external IDs carrying a prefix unique to the
// run, never approve messages, delete anything that exists, create a
// notification definition or make a send Netmera accepts, and check what
// they can through the client's own reads and the requests it sent.
//
// clienttest builds on mockserver and state and adds no second
// implementation of the API; the choices the fake makes where Netmera's
// documentation is silent are listed in docs/fidelity.md.
package clienttest
