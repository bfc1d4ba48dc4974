package contracts_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"regexp"

	"github.com/netmera-mock/netmera-mock/contracts"
	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// The suite against a fake served in process, as the CLI runs it against
// any target: here only the authentication and device cases.
func ExampleRun() {
	seed := fixtures.Seed(fixtures.Options{Seed: 1, Users: 50})
	store, err := state.NewStore(seed, state.Settings{}, "example-key")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := mockserver.New(store, mockserver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	rep := contracts.Run(context.Background(), contracts.Target{BaseURL: ts.URL, APIKey: "example-key"},
		contracts.Options{Run: regexp.MustCompile(`^(auth|devices)/`)})
	for _, r := range rep.Results {
		fmt.Println(r.Status, r.Name, r.Tags)
	}
	fmt.Println(rep.Summary())
	// Output:
	// pass auth/missing-key [live-safe]
	// pass auth/wrong-key [live-safe]
	// pass auth/key-header-any-case [live-safe]
	// pass devices/unknown-user [live-safe]
	// pass devices/refusals [live-safe]
	// pass devices/read-back [mock-only]
	// pass devices/tokens-walk [live-safe]
	// pass devices/tokens-refusals [mock-only]
	// pass devices/tokens-read-back [mock-only]
	// 9 passed, 0 failed, 0 skipped
}
