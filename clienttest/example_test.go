package clienttest_test

import (
	"fmt"
	"log"
	"net/http"
	"slices"
	"strings"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// exampleT stands in for the *testing.T that a test passes: an example
// has none. It runs the cleanups when the example ends.
type exampleT struct{ cleanups []func() }

func (*exampleT) Helper()                           {}
func (*exampleT) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (t *exampleT) Cleanup(f func())                { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// A test starts the fake, points its client at it, and checks the effect
// in the fake's state and what the fake received. Here a plain HTTP
// request plays the client.
func ExampleNewServer() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.finish()

	srv := clienttest.NewServer(t, clienttest.WithUsers(50))

	req, err := http.NewRequest("POST", srv.URL+"/rest/3.0/tagUsers",
		strings.NewReader(`{"tag": "VIP", "extIds": ["id1", "user-000042"]}`))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()

	for _, id := range []string{"id1", "user-000042"} {
		u, _ := srv.User(id)
		fmt.Println(id, "tagged VIP:", slices.Contains(u.Tags, "VIP"))
	}
	fmt.Println("id1 is", srv.Profile("id1")["name"], srv.Profile("id1")["surname"])
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// id1 tagged VIP: true
	// user-000042 tagged VIP: true
	// id1 is John Brown
	// POST /rest/3.0/tagUsers 200
}
