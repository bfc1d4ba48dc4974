package clienttest_test

import (
	"fmt"
	"testing"

	"github.com/netmera-mock/netmera-mock/clienttest"
)

// BenchmarkNewServer is what a fresh fake costs a test: seeding, the
// server and its listener. The OpenAPI document, its index and the control
// router are built once per process, so this is the cost every test pays
// again (docs/performance.md).
func BenchmarkNewServer(b *testing.B) {
	for _, users := range []int{100, 1000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				srv := clienttest.NewServer(b, clienttest.WithUsers(users))
				srv.Close()
			}
		})
	}
}
