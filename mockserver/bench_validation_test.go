package mockserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// BenchmarkValidation measures what request validation against the OpenAPI
// document costs, as the ratio of each validated sub-benchmark to its
// unvalidated twin in the same run.
func BenchmarkValidation(b *testing.B) {
	ids := make([]string, 0, 200)
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("%q", fmt.Sprintf("nobody-%d", i)))
	}
	requests := []struct{ name, method, target, body string }{
		{"tagUsers2", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":["id1","id2"]}`},
		{"tagUsers200", http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"Sport","extIds":[` + strings.Join(ids, ",") + `]}`},
		{"setProfileAttributes", http.MethodPost, "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{"name":"John","age":34}}]`},
		{"getProfileAttributes", http.MethodGet, "/rest/3.0/getProfileAttributes?extId=id1", ``},
	}
	for _, validated := range []bool{true, false} {
		store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return testDataset(), nil }), state.Settings{}, testKey)
		if err != nil {
			b.Fatal(err)
		}
		srv, err := mockserver.New(store, mockserver.Options{NoValidation: !validated, JournalSize: -1})
		if err != nil {
			b.Fatal(err)
		}
		for _, rq := range requests {
			name := rq.name + "/unvalidated"
			if validated {
				name = rq.name + "/validated"
			}
			b.Run(name, func(b *testing.B) { serve(b, srv, rq.method, rq.target, rq.body) })
		}
	}
}
