package conformance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/internal/conformance"
)

// journalOf is n requests of a busy client: tags of 100 users, profile
// reads, walks of the token listing, retries after a 503.
func journalOf(n int) []conformance.Request {
	reqs := make([]conformance.Request, 0, n)
	at := func(i int) time.Duration { return time.Duration(i) * 3 * time.Millisecond }
	for i := 0; len(reqs) < n; i++ {
		seq := len(reqs) + 1
		switch i % 5 {
		case 0:
			reqs = append(reqs, rq(seq, at(seq), "POST", "tagUsers", `{"tag":"T","extIds":`+jsonList(ids(i, 100))+`}`))
		case 1:
			reqs = append(reqs, rq(seq, at(seq), "GET", fmt.Sprintf("getProfileAttributes?extId=u-%04d", i), "", answer(200, `{"profile":{}}`)))
		case 2:
			reqs = append(reqs, rq(seq, at(seq), "GET", "getDeviceTokens?max=10", "", page("10")))
		case 3:
			reqs = append(reqs, rq(seq, at(seq), "GET", "getDeviceTokens?max=10&offset=10", "", page("")))
		case 4:
			reqs = append(reqs, rq(seq, at(seq), "POST", "enablePush", fmt.Sprintf(`{"extId":"u-%04d"}`, i), refusal(503, 2001, "Retry later")))
		}
	}
	return reqs
}

// BenchmarkCheck is the cost of a report over a full default journal
// (1000 requests) and a large one: it is paid when the report is read.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1000, 20_000} {
		reqs := journalOf(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				conformance.Check(reqs, conformance.Options{})
			}
		})
	}
}
