package state_test

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/parallel"
	"github.com/netmera-mock/netmera-mock/state"
)

// loaderTenant builds a tenant of users users, each with devices Android
// and iOS devices (alternating), through a Loader on every core: a
// million users in a few seconds. User i is "u<i>" with tag "all" and a
// name; device k of user i has token "t<i>-<k>".
func loaderTenant(tb testing.TB, users, devices int) *state.Tenant {
	tb.Helper()
	tn, err := buildLoaderTenant(users, devices)
	if err != nil {
		tb.Fatal(err)
	}
	return tn
}

func buildLoaderTenant(users, devices int) (*state.Tenant, error) {
	l, err := state.NewLoader(smallAttributes(), nil, state.Settings{}, users, users*devices)
	if err != nil {
		return nil, err
	}
	l.AssumeUniqueInstallations()
	const chunk = 8192
	err = parallel.Chunks(users, chunk, func(lo, hi int) error {
		us := make([]state.UserRecord, 0, hi-lo)
		ds := make([]state.DeviceRecord, 0, (hi-lo)*devices)
		for i := lo; i < hi; i++ {
			id := "u" + strconv.Itoa(i)
			us = append(us, state.UserRecord{ExtID: id, Tags: []string{"all"}, Profile: map[string]any{"name": "User"}})
			for k := range devices {
				p := state.PlatformAndroid
				if k%2 == 1 {
					p = state.PlatformIOS
				}
				n := strconv.Itoa(i) + "-" + strconv.Itoa(k)
				ds = append(ds, state.DeviceRecord{InstallationID: "i" + n, ExtID: id, Platform: p, Token: "t" + n, PushPermitted: true})
			}
		}
		if err := l.AddUsers(lo, us); err != nil {
			return err
		}
		return l.AddDevices(lo*devices, ds)
	})
	if err != nil {
		return nil, err
	}
	tn, err := l.Finish(nil, nil)
	if err != nil {
		return nil, err
	}
	if err := tn.SetClock(t0, true); err != nil {
		return nil, err
	}
	return tn, nil
}

const pushToAll = `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true}}`

// BenchmarkSendToAll1M resolves a sendToAll over a million users with two
// devices each, while another goroutine keeps tagging users: it reports
// the deliveries, the heap each delivery keeps, and how many writes went
// through during the send and the longest one waited, which shows that
// the send does not hold the write lock throughout.
func BenchmarkSendToAll1M(b *testing.B) {
	if testing.Short() {
		b.Skip("a million users: skipped with -short")
	}
	tn := loaderTenant(b, 1_000_000, 2)
	req := mustJSON[state.BulkSend](b, pushToAll)
	var heapPer float64
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tn.ClearNotifications()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := make(chan struct{})
		var mu sync.Mutex
		var wg sync.WaitGroup
		wg.Go(func() {
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				if err := tn.TagUsers([]string{"busy"}, []string{"u" + strconv.Itoa(k%1000)}); err != nil {
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, time.Since(start))
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		})
		b.StartTimer()
		key, err := tn.SendBulk(req, nil)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		s, _ := tn.PushStats(key)
		if s.Stats[0].Sent+s.Stats[1].Sent != 2_000_000 {
			b.Fatalf("stats %+v, want 2,000,000 deliveries", s.Stats)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		heapPer += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / 2_000_000
		b.StartTimer()
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(2_000_000, "deliveries/op")
	b.ReportMetric(heapPer/float64(b.N), "heap-B/delivery")
	b.ReportMetric(float64(len(lat))/float64(b.N), "writes-during/op")
	b.ReportMetric(pct(0.5), "write-p50-ms")
	b.ReportMetric(pct(0.99), "write-p99-ms")
	b.ReportMetric(pct(1), "write-max-ms")
}

// resultsTenant is a tenant of 200,000 users with one Android device each
// and one send to all of them: 200,000 results numbered 1 to 200,000.
var resultsTenant = sync.OnceValues(func() (*state.Tenant, error) {
	tn, err := buildLoaderTenant(200_000, 1)
	if err != nil {
		return nil, err
	}
	req := state.BulkSend{Message: &state.BulkMessage{Title: "T", Text: "x", Platforms: []string{state.PlatformAndroid}},
		Target: &state.Target{SendToAll: true}}
	if _, err := tn.SendBulk(req, nil); err != nil {
		return nil, err
	}
	return tn, nil
})

func benchmarkResultPage(b *testing.B, depth uint64) {
	tn, err := resultsTenant()
	if err != nil {
		b.Fatal(err)
	}
	f := state.PushResultFilter{Key: 1}
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, _, _, err := tn.PushResults(f, 10, state.PushResultCursor{Seq: depth})
		if err != nil || len(page) != 10 {
			b.Fatalf("PushResults at depth %d = %d results, %v", depth, len(page), err)
		}
	}
}

// BenchmarkPushResultsFirstPage and BenchmarkPushResultsDeepPage read a
// page of getPushResult by key at the start and 199,980 results in: the
// same cost, as the cursor is found by binary search.
func BenchmarkPushResultsFirstPage(b *testing.B) { benchmarkResultPage(b, 0) }
func BenchmarkPushResultsDeepPage(b *testing.B)  { benchmarkResultPage(b, 199_980) }

// BenchmarkPushResultsByUserDeep reads the last page of one user's
// results among 20,000 sends to them, through the index by external ID.
func BenchmarkPushResultsByUserDeep(b *testing.B) {
	tn := resultTenant(b, 10)
	def := MustDefine(b, tn, `{"title":"T","message":"m","platforms":["ANDROID"]}`)
	reqs := []state.TransactionalSend{{NotificationKey: strconv.FormatInt(def, 10), Target: &state.Target{ExtID: []string{"u3"}}}}
	for range 20_000 {
		if err := tn.SendTransactional(reqs, nil); err != nil {
			b.Fatal(err)
		}
	}
	var last state.PushResult
	cur := state.PushResultCursor{}
	for { // find the cursor 10 results before the end
		page, next, more, _ := tn.PushResults(state.PushResultFilter{ExtID: "u3"}, 1000, cur)
		if !more {
			last = page[len(page)-11]
			break
		}
		cur = next
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		page, _, _, err := tn.PushResults(state.PushResultFilter{ExtID: "u3"}, 10, state.PushResultCursor{Seq: last.Seq})
		if err != nil || len(page) != 10 {
			b.Fatalf("PushResults = %d results, %v", len(page), err)
		}
	}
}

// BenchmarkSmallTransactionalSend sends a personalized definition to one
// user: what a typical sendNotification costs, allocations included.
func BenchmarkSmallTransactionalSend(b *testing.B) {
	tn := resultTenant(b, 1000)
	def := MustDefine(b, tn, `{"title":"T","message":"m","personalizedMessage":"Your code is @{code}","platforms":["ANDROID"]}`)
	key := strconv.FormatInt(def, 10)
	reqs := make([][]state.TransactionalSend, 1000)
	for i := range reqs {
		reqs[i] = []state.TransactionalSend{{NotificationKey: key, Message: state.TransactionalMessage{Params: map[string]any{"code": "1234"}},
			Target: &state.Target{ExtID: []string{fmt.Sprintf("u%d", i)}}}}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%50_000 == 49_999 {
			b.StopTimer()
			tn.ClearNotifications()
			b.StartTimer()
		}
		if err := tn.SendTransactional(reqs[i%len(reqs)], nil); err != nil {
			b.Fatal(err)
		}
	}
}
