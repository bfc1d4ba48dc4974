package mockserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// The fake in a test: seeded data, one API key, a real listener.
func Example() {
	seeder, err := fixtures.NewSeeder(fixtures.Options{Seed: 1, Users: 10})
	if err != nil {
		panic(err)
	}
	store, err := state.NewStore(seeder.SeedFunc(), state.Settings{}, "my-key")
	if err != nil {
		panic(err)
	}
	srv, err := mockserver.New(store, mockserver.Options{Seeder: seeder.Reseed})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	do := func(method, path, body string) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("X-netmera-api-key", "my-key")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if len(b) == 0 {
			b = []byte("(no body)")
		}
		fmt.Println(method, path, "→", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	do("POST", "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1","id2"]}`)
	do("POST", "/rest/3.0/tagUsers", `{"tag":"Sport"}`)
	do("POST", "/rest/3.0/untagUsers", `{"tag":"Sport","extIds":["id1","ghost"],"checkExistence":true}`)

	u, _ := store.Tenant("my-key")
	rec, _ := u.User("id2")
	fmt.Println("id2's tags:", rec.Tags)
	// Output:
	// POST /rest/3.0/tagUsers → 200 (no body)
	// POST /rest/3.0/tagUsers → 400 {"code":2020,"error":"extIds is required"}
	// POST /rest/3.0/untagUsers → 200 {"notExist":["ghost"]}
	// id2's tags: [Sport]
}
