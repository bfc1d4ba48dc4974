package state_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// resultTenant is bigDataset(n) (users u0…, one Android device each) with
// its clock frozen at t0.
func resultTenant(tb testing.TB, n int) *state.Tenant {
	tb.Helper()
	tn := MustTenant(tb, bigDataset(n), state.Settings{})
	mustSetClock(tb, tn, t0, true)
	return tn
}

const androidToAll = `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"sendToAll":true}}`

// walk pages through results with a page size and returns them all, failing
// on a repeated result.
func walk(tb testing.TB, tn *state.Tenant, f state.PushResultFilter, size int) []state.PushResult {
	tb.Helper()
	var all []state.PushResult
	var cur state.PushResultCursor
	for pages := 0; ; pages++ {
		page, next, more, err := tn.PushResults(f, size, cur)
		MustOK(tb, "PushResults", err)
		if len(page) > size {
			tb.Fatalf("a page of %d results, asked for %d", len(page), size)
		}
		all = append(all, page...)
		if !more {
			return all
		}
		if len(page) == 0 {
			tb.Fatalf("an empty page says more follow")
		}
		// The cursor goes through its text form, as a client's nextPage does.
		parsed, err := state.ParsePushResultCursor(next.Token())
		MustOK(tb, "ParsePushResultCursor", err)
		cur = parsed
	}
}

func TestPushResultsRefusals(t *testing.T) {
	tn := resultTenant(t, 3)
	_, _, _, err := tn.PushResults(state.PushResultFilter{}, 10, state.PushResultCursor{})
	MustCode(t, "PushResults(no filter)", err, state.CodeInvalidJSON, state.KindInvalid)
	for _, tok := range []string{"", "abc", "AQAAAAAAAAAAAA", state.PushResultCursor{Seq: 9}.Token() + "x"} {
		if _, err := state.ParsePushResultCursor(tok); err == nil {
			t.Errorf("ParsePushResultCursor(%q) succeeded, want a 2004", tok)
		}
	}
}

func TestPushResultsWalkEveryResultOnce(t *testing.T) {
	tn := resultTenant(t, 250)
	key := MustSend(t, tn, androidToAll)
	for _, size := range []int{1, 7, 10, 250, 1000} {
		got := walk(t, tn, state.PushResultFilter{Key: key}, size)
		if len(got) != 250 {
			t.Fatalf("page size %d: %d results, want 250", size, len(got))
		}
		seen := map[string]bool{}
		for _, r := range got {
			if seen[r.ExtID] {
				t.Fatalf("page size %d: %s twice", size, r.ExtID)
			}
			seen[r.ExtID] = true
		}
	}
	if page, _, _, _ := tn.PushResults(state.PushResultFilter{Key: key}, 0, state.PushResultCursor{}); len(page) != state.DefaultPushResultPage {
		t.Errorf("default page of %d results, want %d", len(page), state.DefaultPushResultPage)
	}
}

func TestPushResultsFilters(t *testing.T) {
	tn := resultTenant(t, 20)
	k1 := MustSend(t, tn, androidToAll)
	mustAdvance(t, tn, 8*24*time.Hour)
	k2 := MustSend(t, tn, androidToAll)
	mustAdvance(t, tn, 8*24*time.Hour) // k1 is now 16 days old, k2 8
	k3 := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"extId":["u5","u6"]}}`)
	keysOf := func(rs []state.PushResult) []int64 {
		out := []int64{}
		for _, r := range rs {
			out = append(out, r.NotificationKey)
		}
		return out
	}
	now := ms(t0.Add(16 * 24 * time.Hour))
	tests := []struct {
		name string
		f    state.PushResultFilter
		want []int64
	}{
		{"a user, last two weeks by default", state.PushResultFilter{ExtID: "u5"}, []int64{k2, k3}},
		{"a user, all time", state.PushResultFilter{ExtID: "u5", Start: 1}, []int64{k1, k2, k3}},
		{"a token", state.PushResultFilter{Token: "t6", Start: 1}, []int64{k1, k2, k3}},
		{"a key and a user", state.PushResultFilter{Key: k2, ExtID: "u5"}, []int64{k2}},
		{"a key and another user's token", state.PushResultFilter{Key: k3, Token: "t7"}, []int64{}},
		{"a window", state.PushResultFilter{ExtID: "u5", Start: ms(t0) + 1, End: now - 1}, []int64{k2}},
		{"an old key outside the default window", state.PushResultFilter{Key: k1}, []int64{}},
		{"an old key inside its window", state.PushResultFilter{Key: k1, Start: ms(t0), End: ms(t0)}, repeat(k1, 20)},
		{"an unknown user", state.PushResultFilter{ExtID: "nobody"}, []int64{}},
		{"an unknown key", state.PushResultFilter{Key: 999}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keysOf(walk(t, tn, tt.f, 3))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PushResults(%+v) keys (-want +got):\n%s", tt.f, diff)
			}
		})
	}
	MustConsistent(t, tn)
}

func repeat(k int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = k
	}
	return out
}

// TestPushResultsExactlyOnceWhileSending walks a definition's results and
// a user's results while other goroutines keep sending: every result that
// existed before the walk began comes back, and none twice.
func TestPushResultsExactlyOnceWhileSending(t *testing.T) {
	tn := resultTenant(t, 300)
	def := MustDefine(t, tn, `{"title":"T","message":"m","platforms":["ANDROID"]}`)
	sendTo := func(ids ...string) {
		MustOK(t, "SendTransactional", tn.SendTransactional([]state.TransactionalSend{{NotificationKey: strconv.FormatInt(def, 10),
			Target: &state.Target{ExtID: ids}}}, nil))
	}
	for i := range 60 {
		sendTo(fmt.Sprintf("u%d", i), "u7")
	}
	MustSend(t, tn, androidToAll)
	before := map[string]bool{}
	for _, f := range []state.PushResultFilter{{Key: def}, {ExtID: "u7"}} {
		for _, r := range walk(t, tn, f, 1000) {
			before[fmt.Sprint(f, r.Seq)] = true
		}
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				if rng.IntN(10) == 0 {
					MustSend(t, tn, androidToAll)
				} else {
					sendTo(fmt.Sprintf("u%d", rng.IntN(300)), "u7")
				}
			}
		})
	}
	for _, f := range []state.PushResultFilter{{Key: def}, {ExtID: "u7"}} {
		seen := map[string]bool{}
		for _, r := range walk(t, tn, f, 7) {
			id := fmt.Sprint(f, r.Seq)
			if seen[id] {
				t.Errorf("%+v: result %+v twice", f, r)
			}
			seen[id] = true
		}
		for id := range before {
			if id[:len(fmt.Sprint(f))] == fmt.Sprint(f) && !seen[id] {
				t.Errorf("%+v: result %s, there before the walk, never came", f, id)
			}
		}
	}
	close(stop)
	wg.Wait()
	MustConsistent(t, tn)
}

func TestPushStats(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID","CHROME"],"iconUrl":"i"},"target":{"sendToAll":true}}`)
	n, err := tn.ClickDelivery(key, state.DeliveryMatch{InstallationID: "a-ios"})
	MustOK(t, "ClickDelivery", err)
	if n != 1 {
		t.Errorf("ClickDelivery marked %d, want 1", n)
	}
	if n, _ := tn.ClickDelivery(key, state.DeliveryMatch{InstallationID: "b-and"}); n != 0 {
		t.Errorf("a click on a failed delivery marked %d, want 0", n)
	}
	want := state.PushStats{NotificationKey: key, Status: state.StatusFinished, StartDate: ms(t0), EndDate: ms(t0),
		Stats: []state.PlatformStats{
			{Platform: "IOS", Sent: 1, Clicked: 1},
			{Platform: "ANDROID", Sent: 2, Failed: 1},
			{Platform: "WP", Sent: 1},
		}}
	if diff := cmp.Diff(want, statsOf(t, tn, key)); diff != "" {
		t.Errorf("PushStats (-want +got):\n%s", diff)
	}
	// The stats add up to the deliveries.
	rec := MustNotification(t, tn, key)
	var sent, failed, clicked int64
	for _, s := range rec.Stats {
		sent, failed, clicked = sent+s.Sent, failed+s.Failed, clicked+s.Clicked
	}
	var dClicked int64
	for _, d := range rec.Deliveries {
		if d.Status == state.ResultClicked {
			dClicked++
		}
	}
	if sent+failed != int64(len(rec.Deliveries)) || clicked != dClicked {
		t.Errorf("stats %d sent + %d failed, %d clicked; %d deliveries, %d clicked", sent, failed, clicked, len(rec.Deliveries), dClicked)
	}
	page, _, _, _ := tn.PushResults(state.PushResultFilter{Key: key, Token: "tok-a-ios"}, 10, state.PushResultCursor{})
	if len(page) != 1 || page[0].Status != state.ResultClicked {
		t.Errorf("the clicked result reads %+v, want status CLICKED", page)
	}

	_, err = tn.PushStats(999)
	MustCode(t, "PushStats(999)", err, state.CodeMessageNotFound, state.KindNotFound)
	def := MustDefine(t, tn, `{"title":"T","message":"m","platforms":["IOS","SMS"]}`)
	if s := statsOf(t, tn, def); s.Status != state.StatusNotSent || len(s.Stats) != 2 {
		t.Errorf("a definition never sent: %+v, want NOT_SENT with IOS and SMS lines", s)
	}
	if _, err := tn.ClickDelivery(999, state.DeliveryMatch{}); err == nil {
		t.Error("ClickDelivery(999) succeeded, want an error")
	}
}

func TestPushStatsBetween(t *testing.T) {
	tn := notifyTenant(t, state.Settings{})
	k1 := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"}}`)
	mustAdvance(t, tn, time.Hour)
	k2 := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"}}`)
	k3 := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"tag":"Casual"},"schedule":{"startTime":"2024-06-02T00:00:00"}}`)
	keys := func(ss []state.PushStats) []int64 {
		out := []int64{}
		for _, s := range ss {
			out = append(out, s.NotificationKey)
		}
		return out
	}
	if diff := cmp.Diff([]int64{k3, k2, k1}, keys(tn.PushStatsBetween(ms(t0), ms(t0.Add(24*time.Hour))))); diff != "" {
		t.Errorf("the whole day (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{k2}, keys(tn.PushStatsBetween(ms(t0)+1, ms(t0.Add(time.Hour))))); diff != "" {
		t.Errorf("the first hour but its first instant (-want +got):\n%s", diff)
	}
}
