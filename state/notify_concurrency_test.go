package state_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestBulkResolutionWhileWriting resolves a send over several chunks of
// users while other goroutines delete, add and tag users: the send
// reaches every user that was there throughout exactly once, nobody
// twice, and the tenant stays consistent.
func TestBulkResolutionWhileWriting(t *testing.T) {
	const n = 3*4096 + 100
	tn := resultTenant(t, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	wg.Go(func() { // deletes u0…u199, a few at a time
		<-start
		for i := 0; i < 200; i += 5 {
			MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(i, 5)))
		}
	})
	wg.Go(func() { // adds new users with devices
		<-start
		for i := range 200 {
			id := fmt.Sprintf("new%d", i)
			if _, err := tn.PutDevice(state.DeviceRecord{ExtID: id, Platform: state.PlatformAndroid, Token: "nt" + id, PushPermitted: true}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Go(func() { // tags users the send targets
		<-start
		for i := 0; i < 2000; i += 50 {
			MustOK(t, "TagUsers", tn.TagUsers([]string{"x"}, ids(1000+i, 50)))
		}
	})
	close(start)
	key := MustSend(t, tn, androidToAll)
	wg.Wait()
	MustConsistent(t, tn)
	rec := MustNotification(t, tn, key)
	seen := map[string]int{}
	for _, d := range rec.Deliveries {
		seen[d.ExtID]++
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s reached %d times", id, c)
		}
	}
	for i := 200; i < n; i++ {
		if id := fmt.Sprintf("u%d", i); seen[id] != 1 {
			t.Fatalf("%s, there throughout, reached %d times", id, seen[id])
		}
	}
}
