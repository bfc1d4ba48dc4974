package clienttest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/clienttest/internal/refclient"
)

// funcsOf adapts a reference client field by field, as a user adapts a
// client whose methods already have the suite's signatures.
func funcsOf(c *refclient.Client) clienttest.Funcs {
	return clienttest.Funcs{
		TagUsers: c.TagUsers, UntagUsers: c.UntagUsers, DeleteUsersPermanently: c.DeleteUsersPermanently,
		SetProfileAttributes: c.SetProfileAttributes, UnsetProfileAttributes: c.UnsetProfileAttributes,
		PushProfileAttributes: c.PushProfileAttributes, PullProfileAttributes: c.PullProfileAttributes,
		GetProfileAttributes:   c.GetProfileAttributes,
		SetCategoryPreferences: c.SetCategoryPreferences, GetCategoryPreferences: c.GetCategoryPreferences,
		EnablePush: c.EnablePush, DisablePush: c.DisablePush, GetDevices: c.GetDevices, AllDeviceTokens: c.AllDeviceTokens,
		GetSegments: c.GetSegments, GetSegmentUsers: c.GetSegmentUsers,
		EnableMail: c.EnableMail, DisableMail: c.DisableMail, UpdateEmail: c.UpdateEmail,
		EnableSms: c.EnableSms, DisableSms: c.DisableSms, UpdateMsisdn: c.UpdateMsisdn,
		AddEmail: c.AddEmail, RemoveEmail: c.RemoveEmail, AddMsisdn: c.AddMsisdn, RemoveMsisdn: c.RemoveMsisdn,
		EnableWhatsApp: c.EnableWhatsApp, DisableWhatsApp: c.DisableWhatsApp, UpdateWhatsApp: c.UpdateWhatsApp, RemoveWhatsApp: c.RemoveWhatsApp,
		SendPushApproval:             c.SendPushApproval,
		CreateNotificationDefinition: c.CreateNotificationDefinition, SendNotification: c.SendNotification,
		SendBulkNotification: c.SendBulkNotification,
		GetPushStats:         c.GetPushStats, AllPushResults: c.AllPushResults,
		GetAllInbox: c.GetAllInbox, GetInboxMessage: c.GetInboxMessage, ChangeInboxStatus: c.ChangeInboxStatus,
		RegisterUsers: c.RegisterUsers, DeleteUsers: c.DeleteUsers,
		FireEvents: c.FireEvents,
	}
}

// readPlain is a Funcs.AsAPIError for the reference client's PlainError.
func readPlain(err error) (int, string, bool) {
	var p *refclient.PlainError
	if errors.As(err, &p) {
		return p.Code, p.Message, true
	}
	return 0, "", false
}

// A Funcs with every field set runs every case, as the client would; the
// client's errors carry Netmera's code in fields of their own, and
// AsAPIError reads them.
func TestFuncsRunsEveryCase(t *testing.T) {
	t.Parallel()
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		f := funcsOf(refclient.New(baseURL, apiKey, hc, refclient.Defects{PlainErrors: true}))
		f.AsAPIError = readPlain
		return f, nil
	}, noLive)
	mustNotFail(t, res)
	ran := res.leaves(func(n string) bool { return !strings.HasPrefix(n, "live") })
	if diff := cmp.Diff(ran, clienttest.CaseNames()); diff != "" {
		t.Errorf("cases run (-got +want):\n%s", diff)
	}
}

// Without AsAPIError, errors that are no APIError fail the error cases,
// and a *Funcs is taken as a Funcs.
func TestFuncsWithoutAsAPIError(t *testing.T) {
	t.Parallel()
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		f := funcsOf(refclient.New(baseURL, apiKey, hc, refclient.Defects{PlainErrors: true}))
		return &f, nil
	}, noLive)
	want := []string{"auth/bad-key-2010", "auth/bad-key-401", "users/delete-unknown-5016", "segments/unknown-5042", "approval/unknown-5003",
		"notifications/send-unknown-key-5003", "pushresults/stats-unknown-5003", "inbox/status-16-2001"}
	if diff := cmp.Diff(want, res.failedLeaves()); diff != "" {
		t.Errorf("failed cases (-want +got):\n%s", diff)
	}
}

// A Funcs with some fields set runs the cases those fields serve and
// skips the others, naming the nil fields; that is no failure.
func TestFuncsWithSomeFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		f           func(c *refclient.Client) clienttest.Funcs
		wantRan     []string
		wantSkipped map[string]string // test → a part of its skip message
	}{
		{
			name: "tags only",
			f: func(c *refclient.Client) clienttest.Funcs {
				return clienttest.Funcs{TagUsers: c.TagUsers, UntagUsers: c.UntagUsers}
			},
			wantRan: []string{
				"auth/key-header", "auth/bad-key-2010", "auth/bad-key-401",
				"transport/content-type-json", "transport/empty-200-body", "transport/uses-given-http-client", "transport/honours-context",
				"tags/tag", "tags/untag", "tags/batches-over-1000",
			},
			wantSkipped: map[string]string{
				"users":   "every users case is skipped: it calls clienttest.UserClient's DeleteUsersPermanently, clienttest.RegistrationClient's RegisterUsers and DeleteUsers, nil in the clienttest.Funcs",
				"devices": "clienttest.DeviceClient's GetDevices, EnablePush, DisablePush and AllDeviceTokens, nil in the clienttest.Funcs",
			},
		},
		{
			name: "one read and half a pair",
			f: func(c *refclient.Client) clienttest.Funcs {
				return clienttest.Funcs{GetSegments: c.GetSegments, EnablePush: c.EnablePush}
			},
			wantRan: []string{
				"auth/key-header", "auth/bad-key-2010", "auth/bad-key-401",
				"transport/content-type-json", "transport/empty-200-body", "transport/uses-given-http-client", "transport/honours-context",
				"segments/list", "segments/os-header",
			},
			wantSkipped: map[string]string{
				"devices":               "every devices case is skipped: it calls clienttest.DeviceClient's GetDevices, DisablePush and AllDeviceTokens, nil in the clienttest.Funcs",
				"segments/unknown-5042": "skipped: it calls clienttest.SegmentClient's GetSegmentUsers, nil in the clienttest.Funcs",
			},
		},
		{
			name: "reads only",
			f: func(c *refclient.Client) clienttest.Funcs {
				return clienttest.Funcs{GetSegments: c.GetSegments}
			},
			wantRan: []string{
				"auth/key-header", "auth/bad-key-2010", "auth/bad-key-401",
				"transport/uses-given-http-client", "transport/honours-context",
				"segments/list", "segments/os-header",
			},
			wantSkipped: map[string]string{
				"transport/content-type-json": "the case needs a method that writes",
				"transport/empty-200-body":    "the case needs a method that writes",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
				return tt.f(refclient.New(baseURL, apiKey, hc, refclient.Defects{})), nil
			}, noLive)
			mustNotFail(t, res)
			ran := res.leaves(func(n string) bool { return !res.skipped[n] })
			if diff := cmp.Diff(tt.wantRan, ran); diff != "" {
				t.Errorf("cases run (-want +got):\n%s", diff)
			}
			for name, want := range tt.wantSkipped {
				if msg := strings.Join(res.messages[name], "\n"); !res.skipped[name] || !strings.Contains(msg, want) {
					t.Errorf("%s: skipped %t with %q; want it skipped saying %q", name, res.skipped[name], msg, want)
				}
			}
		})
	}
}

// Clients the suite cannot call at all.
type (
	// ownTypes is a client as one is often written: its own types, and
	// variadic IDs.
	ownTypes  struct{}
	mySegment struct{ ID int64 }
	// nothing has no method.
	nothing struct{}
)

func (ownTypes) TagUsers(context.Context, string, ...string) error              { return nil }
func (ownTypes) UntagUsers(context.Context, string, ...string) error            { return nil }
func (ownTypes) GetSegments(context.Context, string) ([]mySegment, error)       { return nil, nil }
func (ownTypes) GetSegmentUsers(context.Context, int64) ([]string, error)       { return nil, nil }
func (ownTypes) SendPushApproval(ctx context.Context, messageIDs []int) error   { return nil }
func (ownTypes) GetProfileAttributes(context.Context, string) (any, error)      { return nil, nil }
func (ownTypes) GetCategoryPreferences(context.Context, string) (string, error) { return "", nil }

// A client with no method the suite can call fails the run, saying why,
// and no case runs: a run that tests nothing does not pass.
func TestRunFailsWhenNoCaseCanRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client func(baseURL, apiKey string, hc *http.Client) any
		want   []string
	}{
		{
			name:   "own types and signatures",
			client: func(string, string, *http.Client) any { return ownTypes{} },
			want: []string{
				"clienttest.Run: no case can run, so the run would test nothing: client clienttest_test.ownTypes has none of the client interfaces' methods with their signatures:\n",
				"\tclienttest_test.ownTypes does not implement clienttest.UserClient (wrong type for method TagUsers)\n" +
					"\t\thave TagUsers(context.Context, string, ...string) error\n" +
					"\t\twant TagUsers(context.Context, string, []string) error\n",
				"\tclienttest_test.ownTypes does not implement clienttest.UserClient (missing method DeleteUsersPermanently)\n",
				"\tclienttest_test.ownTypes does not implement clienttest.SegmentClient (wrong type for method GetSegments)\n" +
					"\t\thave GetSegments(context.Context, string) ([]clienttest_test.mySegment, error)\n" +
					"\t\twant GetSegments(context.Context, string) ([]clienttest.Segment, error)\n",
				"(wrong type for method GetSegmentUsers)\n\t\thave GetSegmentUsers(context.Context, int64) ([]string, error)\n",
				"\t\thave SendPushApproval(context.Context, []int) error\n\t\twant SendPushApproval(context.Context, []int64) error\n",
				"clienttest.ProfileClient (missing method SetProfileAttributes)",
				"\t\thave GetProfileAttributes(context.Context, string) (any, error)\n\t\twant GetProfileAttributes(context.Context, string) (map[string]any, error)\n",
				"clienttest.CategoryClient (wrong type for method GetCategoryPreferences)",
				"return a clienttest.Funcs from the factory",
				"var _ clienttest.SegmentClient = (*Client)(nil)",
			},
		},
		{
			name:   "no method at all",
			client: func(string, string, *http.Client) any { return nothing{} },
			want: []string{
				"clienttest.Run: no case can run, so the run would test nothing: client clienttest_test.nothing has none of the methods of " +
					"clienttest.UserClient (TagUsers, UntagUsers, DeleteUsersPermanently), clienttest.RegistrationClient (RegisterUsers, DeleteUsers), " +
					"clienttest.ProfileClient (SetProfileAttributes,",
				"clienttest.ApprovalClient (SendPushApproval), clienttest.NotificationClient (CreateNotificationDefinition, SendNotification, SendBulkNotification), " +
					"clienttest.PushResultClient (GetPushStats, AllPushResults), clienttest.InboxClient (GetAllInbox, GetInboxMessage, ChangeInboxStatus), " +
					"clienttest.EventClient (FireEvents).\n",
			},
		},
		{
			name: "methods on the pointer, client by value",
			client: func(baseURL, apiKey string, hc *http.Client) any {
				return *refclient.New(baseURL, apiKey, hc, refclient.Defects{})
			},
			want: []string{
				"\trefclient.Client does not implement clienttest.UserClient (method TagUsers has pointer receiver)\n",
				"\trefclient.Client does not implement clienttest.ApprovalClient (method SendPushApproval has pointer receiver)",
			},
		},
		{
			name:   "an empty Funcs",
			client: func(string, string, *http.Client) any { return clienttest.Funcs{} },
			want:   []string{"client clienttest.Funcs has none of the methods of clienttest.UserClient"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
				return tt.client(baseURL, apiKey, hc), nil
			}, noLive)
			msg := strings.Join(res.messages[""], "\n")
			if !res.failed[""] {
				t.Errorf("the run passed; want it failed")
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the run's failure lacks %q:\n%s", w, msg)
				}
			}
			if len(res.order) != 0 {
				t.Errorf("subtests ran: %q; want none", res.order)
			}
		})
	}
}

// wrongSegments is the reference client with one method of another
// signature: its own segment type.
type wrongSegments struct{ *refclient.Client }

func (wrongSegments) GetSegments(context.Context, string) ([]mySegment, error) { return nil, nil }

// A method of another signature fails the run, saying how it differs as
// the compiler would; its cases are skipped and every other case runs.
func TestWrongSignatureFailsTheRun(t *testing.T) {
	t.Parallel()
	res := runSuite(func(baseURL, apiKey string, hc *http.Client) (any, error) {
		return wrongSegments{refclient.New(baseURL, apiKey, hc, refclient.Defects{})}, nil
	}, noLive)
	msg := strings.Join(res.messages[""], "\n")
	want := "clienttest.Run: client clienttest_test.wrongSegments has methods of the client interfaces that the suite cannot call, and their cases are skipped:\n" +
		"\tclienttest_test.wrongSegments does not implement clienttest.SegmentClient (wrong type for method GetSegments)\n" +
		"\t\thave GetSegments(context.Context, string) ([]clienttest_test.mySegment, error)\n" +
		"\t\twant GetSegments(context.Context, string) ([]clienttest.Segment, error)\n" +
		"To test a client whose methods differ, return a clienttest.Funcs"
	if !res.failed[""] || !strings.Contains(msg, want) {
		t.Errorf("the run: failed %t, saying:\n%s\nwant it failed, saying:\n%s", res.failed[""], msg, want)
	}
	if failed := res.failedLeaves(); len(failed) != 0 {
		t.Errorf("cases failed: %q; want none (the run's own failure is the report)", failed)
	}
	for _, name := range []string{"segments/list", "segments/os-header"} {
		skip := strings.Join(res.messages[name], "\n")
		if w := "clienttest.SegmentClient's GetSegments, which clienttest_test.wrongSegments has with another signature"; !res.skipped[name] || !strings.Contains(skip, w) {
			t.Errorf("%s: skipped %t with %q; want it skipped saying %q", name, res.skipped[name], skip, w)
		}
	}
	ran := res.leaves(func(n string) bool { return !res.skipped[n] })
	if !slices.Contains(ran, "segments/users-follow-nextPage") || !slices.Contains(ran, "approval/array-body") {
		t.Errorf("cases run: %q; want the cases of the other methods to run", ran)
	}
}
