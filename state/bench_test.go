package state_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

const (
	benchUsers   = 100_000
	benchDevices = 1_000_000
	deepOffset   = 999_000
	tokenPage    = 10 // getDeviceTokens' default max
)

// benchTenant is built once per process: benchUsers users, each with a
// name, an email, an age and an array, and benchDevices/benchUsers
// devices (so benchDevices in all, every tenth uninstalled).
var benchTenant = sync.OnceValues(func() (*state.Tenant, error) {
	perUser := benchDevices / benchUsers
	d := &state.Dataset{
		Attributes: smallAttributes(),
		Users:      make([]state.UserRecord, 0, benchUsers),
		Devices:    make([]state.DeviceRecord, 0, benchDevices),
	}
	for i := range benchUsers {
		id := extOf(i)
		d.Users = append(d.Users, state.UserRecord{ExtID: id, Tags: []string{"all"}, Profile: map[string]any{
			"name": "User", state.AttrEmail: emailOf(i), "age": i % 90, "lastVisitedCategories": []any{"shopping", "news"},
		}})
		for k := range perUser {
			n := i*perUser + k
			d.Devices = append(d.Devices, state.DeviceRecord{InstallationID: fmt.Sprint("i", n), ExtID: id,
				Platform: state.PlatformAndroid, Token: fmt.Sprint("t", n), PushPermitted: true, Uninstalled: k == 9})
		}
	}
	return state.NewTenant(d, state.Settings{})
})

func mustBenchTenant(b *testing.B) *state.Tenant {
	b.Helper()
	tn, err := benchTenant()
	if err != nil {
		b.Fatalf("building the benchmark tenant: %v", err)
	}
	return tn
}

func benchmarkTagUsers(b *testing.B, n int) {
	tn := mustBenchTenant(b)
	batches := make([][]string, benchUsers/n)
	for i := range batches {
		batches[i] = ids(i*n, n)
	}
	tags := []string{"bench"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tn.TagUsers(tags, batches[i%len(batches)]); err != nil {
			b.Fatalf("TagUsers: %v", err)
		}
	}
}

func BenchmarkTagUsers2(b *testing.B)    { benchmarkTagUsers(b, 2) }
func BenchmarkTagUsers1000(b *testing.B) { benchmarkTagUsers(b, 1000) }

func benchmarkDeviceTokens(b *testing.B, offset int) {
	tn := mustBenchTenant(b)
	if _, total, _ := tn.DeviceTokens(0, 1); total != benchDevices {
		b.Fatalf("benchmark tenant has %d devices, want %d", total, benchDevices)
	}
	// Both page benchmarks start from a finished collection, so that the
	// (large, offset-independent) cost of marking the tenant's heap is
	// spread the same way over both.
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// What getDeviceTokens calls: from is a device number, here a
		// rank too (nothing was removed), found by binary search.
		page, _, _, more := tn.DeviceTokensFrom(offset, tokenPage)
		if len(page) != tokenPage || !more {
			b.Fatalf("DeviceTokensFrom(%d, %d) = %d items, more %v", offset, tokenPage, len(page), more)
		}
	}
}

func BenchmarkDeviceTokensFirstPage(b *testing.B)  { benchmarkDeviceTokens(b, 0) }
func BenchmarkDeviceTokensDeepOffset(b *testing.B) { benchmarkDeviceTokens(b, deepOffset) }

func BenchmarkProfileAttributes(b *testing.B) {
	tn := mustBenchTenant(b)
	users := ids(0, benchUsers)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := users[(i*7919)%benchUsers]
		if p, found := tn.ProfileAttributes(id, ""); !found || len(p) != 4 {
			b.Fatalf("ProfileAttributes(%s) = %v, %v", id, p, found)
		}
	}
}

// BenchmarkAddEmails1000 uploads 1000 addresses, half of them users' and
// half new (contacts after the first round), to the shared tenant: the
// cost is that of the addresses, not of the 100,000 users (the address
// index is built before the timer).
func BenchmarkAddEmails1000(b *testing.B) {
	tn := mustBenchTenant(b)
	if err := tn.SetMailPermission(nil, []string{"warm@example.com"}, true); err != nil { // builds the index
		b.Fatal(err)
	}
	emails := make([]string, 1000)
	for i := range emails {
		emails[i] = emailOf(i * 100) // a user's
		if i%2 == 1 {
			emails[i] = fmt.Sprintf("new%d@example.com", i)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tn.AddEmails(emails)
	}
}

// BenchmarkUpdateWhatsApp sets one user's number, which the first call
// indexes: after it, the cost is the user's, not the tenant's.
func BenchmarkUpdateWhatsApp(b *testing.B) {
	tn := mustBenchTenant(b)
	numbers := []string{"+905550000001"}
	if err := tn.UpdateWhatsApp(extOf(7), numbers); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := tn.UpdateWhatsApp(extOf(i%benchUsers), numbers); err != nil {
			b.Fatal(err)
		}
	}
}
