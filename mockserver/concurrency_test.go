package mockserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// TestConcurrentClients runs writers and readers of both tenants at once
// (for go test -race) and checks the writes all landed.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	const workers, rounds = 6, 20
	var wg sync.WaitGroup
	errs := make(chan string, workers*rounds*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{testKey, otherKey}[w%2]
			for i := range rounds {
				tag := fmt.Sprintf("w%d-%d", w, i)
				calls := []struct{ method, path, body string }{
					{http.MethodPost, "/rest/3.0/tagUsers", `{"tag":"` + tag + `","extIds":["id1","user-001"]}`},
					{http.MethodPost, "/rest/3.0/setProfileAttributes", fmt.Sprintf(`[{"extId":"user-%03d","profile":{"age":%d}}]`, w+1, i)},
					{http.MethodGet, "/rest/3.0/getDeviceTokens?max=7&offset=" + fmt.Sprint(i), ""},
					{http.MethodGet, "/rest/3.0/getProfileAttributes?extId=id1", ""},
				}
				for _, c := range calls {
					req, _ := http.NewRequest(c.method, h.URL+c.path, strings.NewReader(c.body))
					req.Header.Set("X-netmera-api-key", key)
					resp, err := h.client.Do(req)
					if err != nil {
						errs <- fmt.Sprintf("%s %s: %v", c.method, c.path, err)
						continue
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						errs <- fmt.Sprintf("%s %s as %s = %d, want 200", c.method, c.path, key, resp.StatusCode)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for k, key := range []string{testKey, otherKey} {
		var want []string
		for w := k; w < workers; w += 2 {
			for i := range rounds {
				want = append(want, fmt.Sprintf("w%d-%d", w, i))
			}
		}
		u, _ := findUser(h.MustDataset(t, key), "user-001")
		if diff := cmp.Diff(sortedCopy(want), u.Tags); diff != "" {
			t.Errorf("tags of user-001 for %s after concurrent tagUsers mismatch (-want +got):\n%s", key, diff)
		}
	}
}
