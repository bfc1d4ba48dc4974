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
// The conformance suite, given a Factory that makes the client:
//
//	func TestConformance(t *testing.T) {
//		clienttest.Run(t, func(baseURL, apiKey string, hc *http.Client) (any, error) {
//			return mynetmera.New(baseURL, apiKey, mynetmera.WithHTTPClient(hc)), nil
//		})
//	}
//
// Run probes which of UserClient, ProfileClient, CategoryClient,
// DeviceClient, SegmentClient, ChannelClient and ApprovalClient the client
// implements, and skips the groups of the others, saying so. A client whose
// methods are shaped differently is wrapped, in the test, in a small
// adapter type that has these methods. Errors must let errors.As find an
// APIError carrying Netmera's code and text.
//
// Every case is a subtest named "group/case", such as
// "tags/batches-over-1000", with a fresh fake, a fresh client and a
// watchdog; go test -run 'TestConformance/tags/' runs one group. A failure
// says what the client was asked, what it returned, what the fake received
// and what was wanted.
//
// With NETMERA_LIVE_BASE_URL and NETMERA_LIVE_API_KEY set (or the Live
// option), the cases that are safe against a real app run again under
// "live/…": they name only external IDs carrying a prefix unique to the
// run, never approve messages or delete anything that exists, and check
// what they can through the client's own reads and the requests it sent.
//
// clienttest builds on mockserver and state and adds no second
// implementation of the API; the choices the fake makes where Netmera's
// documentation is silent are listed in docs/fidelity.md.
package clienttest
