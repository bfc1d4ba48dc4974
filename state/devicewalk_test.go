package state_test

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestDeviceTokensFrom(t *testing.T) {
	tests := []struct {
		name      string
		deleteU1  bool // u1 holds i1, i2 and i3, numbered 0, 1 and 2
		from, max int
		want      []string
		wantNext  int
		wantTotal int
		wantMore  bool
	}{
		{name: "first page", from: 0, max: 2, want: []string{"i1", "i2"}, wantNext: 2, wantTotal: 6, wantMore: true},
		{name: "a number is a rank until a removal", from: 2, max: 4, want: []string{"i3", "i4", "i5", "i6"}, wantNext: 6, wantTotal: 6},
		{name: "page past the rest", from: 5, max: 10, want: []string{"i6"}, wantNext: 6, wantTotal: 6},
		{name: "at the end", from: 6, max: 10, want: []string{}, wantNext: 6, wantTotal: 6},
		{name: "past the end", from: 60, max: 10, want: []string{}, wantNext: 60, wantTotal: 6},
		{name: "past every number there can be", from: 1 << 40, max: 10, want: []string{}, wantNext: 1 << 40, wantTotal: 6},
		{name: "zero max", from: 0, max: 0, want: []string{}, wantNext: 0, wantTotal: 6, wantMore: true},
		{name: "negative max", from: 1, max: -5, want: []string{}, wantNext: 1, wantTotal: 6, wantMore: true},
		{name: "negative from", from: -3, max: 1, want: []string{"i1"}, wantNext: 1, wantTotal: 6, wantMore: true},
		{name: "removed devices before from skip nothing", deleteU1: true, from: 3, max: 2, want: []string{"i4", "i5"}, wantNext: 5, wantTotal: 3, wantMore: true},
		{name: "a removed device's number resumes at the next", deleteU1: true, from: 1, max: 1, want: []string{"i4"}, wantNext: 4, wantTotal: 3, wantMore: true},
		{name: "from 0 after removals", deleteU1: true, from: 0, max: 10, want: []string{"i4", "i5", "i6"}, wantNext: 6, wantTotal: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			if tt.deleteU1 {
				MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u1"}))
			}
			page, next, total, more := tn.DeviceTokensFrom(tt.from, tt.max)
			if diff := cmp.Diff(tt.want, installationIDs(page)); diff != "" || next != tt.wantNext || total != tt.wantTotal || more != tt.wantMore {
				t.Errorf("DeviceTokensFrom(%d, %d) = next %d total %d more %v, want next %d total %d more %v; installations (-want +got):\n%s",
					tt.from, tt.max, next, total, more, tt.wantNext, tt.wantTotal, tt.wantMore, diff)
			}
		})
	}
}

// tokenWalk walks DeviceTokensFrom from 0 to the end in pages of a size
// size picks, calling between before each page after the first, and
// returns the tokens in the order seen.
func tokenWalk(tn *state.Tenant, size func() int, between func()) []string {
	var seen []string
	for from, first := 0, true; ; first = false {
		if !first && between != nil {
			between()
		}
		page, next, _, more := tn.DeviceTokensFrom(from, size())
		for _, d := range page {
			seen = append(seen, d.Token)
		}
		if !more {
			return seen
		}
		from = next
	}
}

// exactlyOnce reports how seen, a walk's tokens, breaks the promise of a
// walk: every token in want (those that lived through the whole walk)
// once, in the order of want, and no token twice. It returns "" when the
// walk kept it.
func exactlyOnce(seen, want []string) string {
	count := make(map[string]int, len(seen))
	for _, tok := range seen {
		count[tok]++
		if count[tok] == 2 {
			return fmt.Sprintf("token %s returned twice", tok)
		}
	}
	var missed []string
	var inOrder []string
	wanted := make(map[string]bool, len(want))
	for _, tok := range want {
		wanted[tok] = true
		if count[tok] == 0 {
			missed = append(missed, tok)
		}
	}
	if len(missed) > 0 {
		return fmt.Sprintf("%d tokens that lived through the walk were missed: %v", len(missed), missed[:min(len(missed), 10)])
	}
	for _, tok := range seen {
		if wanted[tok] {
			inOrder = append(inOrder, tok)
		}
	}
	if diff := cmp.Diff(want, inOrder); diff != "" {
		return "tokens out of insertion order (-want +got):\n" + diff
	}
	return ""
}

// TestDeviceTokensWalkUnderChange is a model test of getDeviceTokens'
// walk: between every two pages it deletes users (before and after the
// walk's position, enough to compact the device list), adds users with
// devices, and re-registers surviving devices. A walk must return every
// token that lived through it exactly once, in insertion order.
func TestDeviceTokensWalkUnderChange(t *testing.T) {
	const users = 3000 // each with one device, token t<i>
	for seed := range uint64(12) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 13))
			tn := MustTenant(t, bigDataset(users), state.Settings{})
			deleted := map[string]bool{}
			added := 0
			between := func() {
				var victims []string
				for range r.IntN(100) {
					if i := r.IntN(users); !deleted[tokenOf(i)] {
						deleted[tokenOf(i)] = true
						victims = append(victims, extOf(i))
					}
				}
				MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(victims))
				for range r.IntN(8) {
					added++
					id := fmt.Sprintf("new%d", added)
					if _, err := tn.PutDevice(state.DeviceRecord{InstallationID: "i" + id, ExtID: id,
						Platform: state.PlatformIOS, Token: "tok-" + id}); err != nil {
						t.Fatalf("PutDevice(%s): %v", id, err)
					}
				}
				// An update keeps the device where it was.
				if i := r.IntN(users); !deleted[tokenOf(i)] {
					if _, err := tn.PutDevice(state.DeviceRecord{InstallationID: "iu" + fmt.Sprint(i), ExtID: extOf(i),
						Platform: state.PlatformAndroid, Token: tokenOf(i), DeviceModel: "re-registered"}); err != nil {
						t.Fatalf("PutDevice(iu%d): %v", i, err)
					}
				}
			}
			seen := tokenWalk(tn, func() int { return 1 + r.IntN(30) }, between)
			var lived []string
			for i := range users {
				if !deleted[tokenOf(i)] {
					lived = append(lived, tokenOf(i))
				}
			}
			if msg := exactlyOnce(seen, lived); msg != "" {
				t.Errorf("a walk of DeviceTokensFrom while %d users were deleted and %d added: %s", len(deleted), added, msg)
			}
			if len(deleted) < users/2 {
				t.Fatalf("only %d of %d users deleted during the walk: too few to compact the device list", len(deleted), users)
			}
			MustConsistent(t, tn)
		})
	}
}

// TestDeviceTokensWalkConcurrent walks DeviceTokensFrom from several
// goroutines while others delete and add users, for go test -race. Every
// walk runs between the start and the end of the writes, so the original
// tokens still there at the end lived through each walk: each walk must
// return every one of them once.
func TestDeviceTokensWalkConcurrent(t *testing.T) {
	const (
		users    = 4000
		writers  = 3
		perWrite = 1000 // writer w deletes u<w*1000>..u<w*1000+999>, 25 at a time
		walkers  = 4
		walks    = 6 // each
	)
	tn := MustTenant(t, bigDataset(users), state.Settings{})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		results [][]string
		changed int // walks during which the total changed: they overlapped writes
	)
	start := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := 0; i < perWrite; i += 25 {
				if err := tn.DeleteUsersPermanently(ids(w*perWrite+i, 25)); err != nil {
					t.Errorf("DeleteUsersPermanently: %v", err)
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := tn.PutDevice(state.DeviceRecord{InstallationID: "i" + id, ExtID: id, Platform: state.PlatformIOS, Token: "tok-" + id}); err != nil {
					t.Errorf("PutDevice: %v", err)
				}
			}
		})
	}
	for k := range walkers {
		wg.Go(func() {
			<-start
			r := rand.New(rand.NewPCG(uint64(k), 29))
			for range walks {
				_, _, before, _ := tn.DeviceTokensFrom(0, 0)
				seen := tokenWalk(tn, func() int { return 1 + r.IntN(200) }, nil)
				_, _, after, _ := tn.DeviceTokensFrom(0, 0)
				mu.Lock()
				results = append(results, seen)
				if before != after {
					changed++
				}
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()

	var lived []string
	for i := writers * perWrite; i < users; i++ {
		lived = append(lived, tokenOf(i))
	}
	for i, seen := range results {
		if msg := exactlyOnce(seen, lived); msg != "" {
			t.Errorf("walk %d of %d, run while users were deleted and added: %s", i+1, len(results), msg)
		}
	}
	t.Logf("%d walks checked, %d of them overlapping writes", len(results), changed)
	MustConsistent(t, tn)
}
