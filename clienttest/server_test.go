package clienttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// reply is what the fake answered.
type reply struct {
	status int
	body   string
}

// send sends a request to the fake with key ("" sends none); headers are
// name, value pairs.
func send(t *testing.T, srv *clienttest.Server, key, method, path, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("X-netmera-api-key", key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := srv.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{resp.StatusCode, string(b)}
}

func TestNewServerServesSeededData(t *testing.T) {
	srv := clienttest.NewServer(t)
	if srv.APIKey != clienttest.DefaultAPIKey || !strings.HasPrefix(srv.URL, "http://") {
		t.Fatalf("NewServer(t) = URL %q, key %q; want an http URL and key %q", srv.URL, srv.APIKey, clienttest.DefaultAPIKey)
	}
	if n := len(srv.Export().Users); n != clienttest.DefaultUsers {
		t.Errorf("NewServer(t) holds %d users, want %d", n, clienttest.DefaultUsers)
	}
	if got := srv.Profile("id1")["name"]; got != "John" {
		t.Errorf(`Profile("id1")["name"] = %v, want John (the documentation's sample)`, got)
	}
	if d := srv.Devices("id1"); len(d) != 1 || d[0].Token != "a1b2c3d4e5f6g7" {
		t.Errorf(`Devices("id1") = %+v, want the device with token a1b2c3d4e5f6g7`, d)
	}
	if m := srv.SegmentMembers(5871); len(m) == 0 || m[0] != "user_123" {
		t.Errorf("SegmentMembers(5871) = %q, want user_123 first", m)
	}
	if m, ok := srv.Message(0); !ok || m.Status != state.MessageWaitingApproval {
		t.Errorf("Message(0) = %+v, %t; want it waiting for approval", m, ok)
	}
	if got := srv.SegmentMembers(123); got != nil {
		t.Errorf("SegmentMembers of an unknown segment = %q, want nil", got)
	}
	var connectors int64
	for _, s := range srv.Export().Segments {
		if s.Type == state.SegmentConnectors {
			connectors = s.ID
			if got := srv.SegmentMembers(s.ID); !slices.Equal(got, s.Members) {
				t.Errorf("SegmentMembers(%d) of a connectors segment = %q, want %q", s.ID, got, s.Members)
			}
		}
	}
	if connectors == 0 {
		t.Errorf("the default data has no connectors segment")
	}
}

func TestServerRecordsRequests(t *testing.T) {
	srv := clienttest.NewServer(t)
	send(t, srv, srv.APIKey, "POST", "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1"]}`)
	send(t, srv, "", "GET", "/rest/3.0/getProfileAttributes?extId=id1", "")
	got := srv.Requests()
	if len(got) != 2 {
		t.Fatalf("Requests() = %d requests, want 2", len(got))
	}
	tag, get := got[0], got[1]
	if tag.Method != "POST" || tag.Path != "/rest/3.0/tagUsers" || tag.Status != 200 || len(tag.Response) != 0 ||
		string(tag.Body) != `{"tag":"Sport","extIds":["id1"]}` || tag.Header.Get("X-Netmera-Api-Key") != srv.APIKey {
		t.Errorf("the tagUsers request was recorded as %+v", tag)
	}
	if get.Method != "GET" || get.Query.Get("extId") != "id1" || get.Status != 403 ||
		!strings.Contains(string(get.Response), `"code":2010`) || get.Header.Get("X-Netmera-Api-Key") != "" {
		t.Errorf("the keyless getProfileAttributes request was recorded as %+v", get)
	}
	srv.ClearRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after ClearRequests, Requests() has %d", n)
	}
}

// Reset clears what POST /_mock/reset clears: the data back to its seed,
// the fake's journal and fault rules, and the requests recorded here.
func TestServerReset(t *testing.T) {
	srv := clienttest.NewServer(t)
	seeded := srv.Export()
	send(t, srv, srv.APIKey, "POST", "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1"]}`)
	if r := send(t, srv, srv.APIKey, "POST", "/_mock/faults", `{"path":"tagUsers","status":503}`); r.status != http.StatusCreated {
		t.Fatalf("POST /_mock/faults = %d %s", r.status, r.body)
	}
	if u, _ := srv.User("id1"); !slices.Contains(u.Tags, "Sport") {
		t.Fatalf("id1's tags after tagUsers: %q", u.Tags)
	}
	if err := srv.Reset(); err != nil {
		t.Fatalf("Reset() = %v", err)
	}
	if diff := cmp.Diff(seeded, srv.Export()); diff != "" {
		t.Errorf("after Reset the state is not the seed's (-seed +now):\n%s", diff)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("after Reset, Requests() has %d, want none", n)
	}
	var journal struct {
		Count int `json:"count"`
	}
	var faults struct {
		Faults []any `json:"faults"`
	}
	for path, v := range map[string]any{"/_mock/requests": &journal, "/_mock/faults": &faults} {
		r := send(t, srv, srv.APIKey, "GET", path, "")
		if err := json.Unmarshal([]byte(r.body), v); r.status != http.StatusOK || err != nil {
			t.Fatalf("GET %s = %d %s (%v)", path, r.status, r.body, err)
		}
	}
	if journal.Count != 0 || len(faults.Faults) != 0 {
		t.Errorf("after Reset the fake's journal has %d requests and %d fault rules, want none", journal.Count, len(faults.Faults))
	}
	// The rule is gone: tagUsers answers 200 again.
	if r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1"]}`); r.status != http.StatusOK {
		t.Errorf("tagUsers after Reset = %d %s, want 200: the fault rule outlived the reset", r.status, r.body)
	}
}

func TestServerOptions(t *testing.T) {
	overlay := &state.Dataset{Users: []state.UserRecord{{ExtID: "bob", Tags: []string{"VIP"}}}}
	tests := []struct {
		name  string
		opts  []clienttest.Option
		check func(t *testing.T, srv *clienttest.Server)
	}{
		{"WithAPIKey", []clienttest.Option{clienttest.WithAPIKey("k2")}, func(t *testing.T, srv *clienttest.Server) {
			if r := send(t, srv, "k2", "GET", "/rest/3.0/getDevices?extId=id1", ""); srv.APIKey != "k2" || r.status != 200 {
				t.Errorf("APIKey %q; a request with k2 answered %v", srv.APIKey, r)
			}
		}},
		{"WithUsers", []clienttest.Option{clienttest.WithUsers(10)}, func(t *testing.T, srv *clienttest.Server) {
			if n := len(srv.Export().Users); n != 10 {
				t.Errorf("%d users, want 10", n)
			}
		}},
		{"WithSegments and WithMessages", []clienttest.Option{clienttest.WithSegments(-1), clienttest.WithMessages(-1)}, func(t *testing.T, srv *clienttest.Server) {
			if d := srv.Export(); len(d.Segments) != 4 || len(d.Messages) != 1 {
				t.Errorf("%d segments and %d messages, want the examples' 4 and 1", len(d.Segments), len(d.Messages))
			}
		}},
		{"WithoutExamples", []clienttest.Option{clienttest.WithoutExamples()}, func(t *testing.T, srv *clienttest.Server) {
			if _, ok := srv.User("id1"); ok {
				t.Errorf("the example user id1 exists")
			}
		}},
		{"WithFixtures", []clienttest.Option{clienttest.WithFixtures("testdata/users.json")}, func(t *testing.T, srv *clienttest.Server) {
			if got := srv.Profile("alice")["loyaltyPoints"]; got != int64(1200) {
				t.Errorf("alice's loyaltyPoints = %#v, want 1200", got)
			}
		}},
		{"WithDataset", []clienttest.Option{clienttest.WithDataset(overlay)}, func(t *testing.T, srv *clienttest.Server) {
			if u, _ := srv.User("bob"); !slices.Equal(u.Tags, []string{"VIP"}) {
				t.Errorf("bob = %+v, want him tagged VIP", u)
			}
		}},
		{"WithLenientOS", []clienttest.Option{clienttest.WithLenientOS()}, func(t *testing.T, srv *clienttest.Server) {
			if r := send(t, srv, srv.APIKey, "GET", "/rest/3.0/getSegments", ""); r.status != 200 {
				t.Errorf("getSegments without X-netmera-os = %v, want 200", r)
			}
		}},
		{"WithAuthStatus", []clienttest.Option{clienttest.WithAuthStatus(401)}, func(t *testing.T, srv *clienttest.Server) {
			if r := send(t, srv, "wrong", "GET", "/rest/3.0/getDevices?extId=id1", ""); r.status != 401 {
				t.Errorf("a wrong key = %v, want 401", r)
			}
		}},
		{"WithSingleObject", []clienttest.Option{clienttest.WithSingleObject(mockserver.SingleObjectAccept)}, func(t *testing.T, srv *clienttest.Server) {
			r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/setProfileAttributes", `{"extId":"id1","profile":{"name":"Ada"}}`)
			if r.status != 200 || srv.Profile("id1")["name"] != "Ada" {
				t.Errorf("a single object = %v, name %v; want 200 and Ada", r, srv.Profile("id1")["name"])
			}
		}},
		{"WithDeviceTokenShape", []clienttest.Option{clienttest.WithDeviceTokenShape(mockserver.ShapeCurrent)}, func(t *testing.T, srv *clienttest.Server) {
			if r := send(t, srv, srv.APIKey, "GET", "/rest/3.0/getDeviceTokens", ""); strings.Contains(r.body, `"token"`) {
				t.Errorf("getDeviceTokens in the current shape = %v, want no token field", r)
			}
		}},
		{"WithAutoDefine", []clienttest.Option{clienttest.WithAutoDefine()}, func(t *testing.T, srv *clienttest.Server) {
			send(t, srv, srv.APIKey, "POST", "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{"shoeSize":42}}]`)
			if got := srv.Profile("id1")["shoeSize"]; got == nil {
				t.Errorf("an undefined attribute was dropped")
			}
		}},
		{"WithPermanentDeleteOff", []clienttest.Option{clienttest.WithPermanentDeleteOff()}, func(t *testing.T, srv *clienttest.Server) {
			send(t, srv, srv.APIKey, "POST", "/rest/3.0/deleteUsersPermanently", `{"extIds":["id2"]}`)
			if u, ok := srv.User("id2"); !ok || !u.Untracked {
				t.Errorf("id2 after deleteUsersPermanently = %+v, %t; want it untracked", u, ok)
			}
		}},
		{"WithMaxIDs and WithLimitCode", []clienttest.Option{clienttest.WithMaxIDs(2), clienttest.WithLimitCode(2020)}, func(t *testing.T, srv *clienttest.Server) {
			r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/tagUsers", `{"tag":"x","extIds":["id1","id2","user_123"]}`)
			if r.status != 400 || !strings.Contains(r.body, `"code":2020`) {
				t.Errorf("3 IDs over a limit of 2 = %v, want 400 with code 2020", r)
			}
		}},
		{"WithCountAddresses", []clienttest.Option{clienttest.WithMaxIDs(2), clienttest.WithCountAddresses()}, func(t *testing.T, srv *clienttest.Server) {
			r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/enableMail", `{"extIds":["id1"],"emailList":["a@example.com","b@example.com"]}`)
			if r.status != 400 || !strings.Contains(r.body, "got 3") {
				t.Errorf("an ID and 2 addresses over a limit of 2 = %v, want 400 counting 3", r)
			}
		}},
		{"without WithCountAddresses", []clienttest.Option{clienttest.WithMaxIDs(2)}, func(t *testing.T, srv *clienttest.Server) {
			if r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/enableMail", `{"extIds":["id1"],"emailList":["a@example.com","b@example.com"]}`); r.status != 200 {
				t.Errorf("an ID and 2 addresses under a limit of 2 = %v, want 200: addresses do not count", r)
			}
		}},
		{"WithStrictEmail", []clienttest.Option{clienttest.WithStrictEmail()}, func(t *testing.T, srv *clienttest.Server) {
			r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/enableMail", `{"emailList":["your-email"]}`)
			if r.status != 400 || !strings.Contains(r.body, `"code":2004`) {
				t.Errorf("enableMail of your-email = %v, want 400 with code 2004", r)
			}
		}},
		{"WithStrictWhatsApp", []clienttest.Option{clienttest.WithStrictWhatsApp()}, func(t *testing.T, srv *clienttest.Server) {
			r := send(t, srv, srv.APIKey, "POST", "/rest/3.0/updateWhatsApp", `{"extId":"id1","wpNumbers":["+901"]}`)
			if r.status != 400 || r.body != "Please provide a wpNumber." {
				t.Errorf("updateWhatsApp with the list alone = %v, want 400 \"Please provide a wpNumber.\"", r)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, clienttest.NewServer(t, tt.opts...)) })
	}
}

// The same seed gives the same data; another seed, other data.
func TestWithSeedIsDeterministic(t *testing.T) {
	export := func(seed int64) string {
		b, err := json.Marshal(clienttest.NewServer(t, clienttest.WithSeed(seed), clienttest.WithUsers(20)).Export())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b, c := export(7), export(7), export(8)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two servers of seed 7 differ (-first +second):\n%s", diff)
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same data")
	}
}

// fatalTB records a Fatalf and ends the goroutine, as testing does.
type fatalTB struct {
	msg      string
	cleanups int
}

func (*fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fatalTB) Cleanup(func()) { f.cleanups++ }

func TestNewServerFailsOnBadConfig(t *testing.T) {
	tests := []struct {
		name string
		opt  clienttest.Option
		want string
	}{
		{"auth status", clienttest.WithAuthStatus(418), "auth status must be 401 or 403"},
		{"fixtures file", clienttest.WithFixtures("testdata/no-such-file.json"), "no-such-file.json"},
		{"dataset", clienttest.WithDataset(&state.Dataset{Devices: []state.DeviceRecord{{InstallationID: "x", ExtID: "nobody", Platform: "IOS"}}}), "nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := &fatalTB{}
			done := make(chan struct{})
			go func() {
				defer close(done)
				clienttest.NewServer(tb, tt.opt)
				tb.msg = "(NewServer returned)"
			}()
			<-done
			if !strings.HasPrefix(tb.msg, "clienttest.NewServer: ") || !strings.Contains(tb.msg, tt.want) || tb.cleanups != 0 {
				t.Errorf("NewServer with a bad %s: Fatalf(%q), %d cleanups; want a message with %q", tt.name, tb.msg, tb.cleanups, tt.want)
			}
		})
	}
}
