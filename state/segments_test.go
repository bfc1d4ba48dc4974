package state_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func intp(n int) *int { return &n }

func TestSegments(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	want := []state.SegmentInfo{
		{ID: 11, Name: "vip", UserCount: intp(1), Type: state.SegmentProduct},
		{ID: 12, Name: "crm", UserCount: nil, Type: state.SegmentConnectors},
		{ID: 10, Name: "brand", UserCount: intp(3), Type: state.SegmentStandard},
	}
	if diff := cmp.Diff(want, tn.Segments()); diff != "" {
		t.Errorf("Segments() newest first (-want +got):\n%s", diff)
	}
}

func TestSegmentsAtMost1000NewestFirst(t *testing.T) {
	d := &state.Dataset{}
	for i := range 1005 {
		// CreatedAt ties are broken by ID, higher first.
		d.Segments = append(d.Segments, state.SegmentRecord{ID: int64(i), Name: fmt.Sprint("s", i), Type: state.SegmentStandard, CreatedAt: int64(i / 2)})
	}
	tn := MustTenant(t, d, state.Settings{})
	got := tn.Segments()
	if len(got) != state.MaxSegments {
		t.Fatalf("Segments() over 1005 segments returned %d, want %d", len(got), state.MaxSegments)
	}
	for i, s := range got {
		if want := int64(1004 - i); s.ID != want {
			t.Fatalf("Segments()[%d].ID = %d, want %d (newest first)", i, s.ID, want)
		}
	}
}

func TestSegmentUsers(t *testing.T) {
	tests := []struct {
		name     string
		id       int64
		offset   int
		max      int
		wantName string
		want     []string
		wantMore bool
		wantCode int
	}{
		{name: "all members", id: 10, offset: 0, max: 100, wantName: "brand", want: []string{"u1", "u2", "u3"}},
		{name: "first page", id: 10, offset: 0, max: 2, wantName: "brand", want: []string{"u1", "u2"}, wantMore: true},
		{name: "last page", id: 10, offset: 2, max: 2, wantName: "brand", want: []string{"u3"}},
		{name: "exact page", id: 10, offset: 1, max: 2, wantName: "brand", want: []string{"u2", "u3"}},
		{name: "past the end", id: 10, offset: 9, max: 2, wantName: "brand", want: []string{}},
		{name: "negative max", id: 10, offset: 0, max: -1, wantName: "brand", want: []string{}, wantMore: true},
		{name: "unknown segment", id: 99, wantCode: state.CodeSegmentNotFound},
		{name: "connectors segment", id: 12, wantCode: state.CodeInternal},
	}
	tn := MustTenant(t, smallDataset(), state.Settings{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, page, more, err := tn.SegmentUsers(tt.id, tt.offset, tt.max)
			call := fmt.Sprintf("SegmentUsers(%d, %d, %d)", tt.id, tt.offset, tt.max)
			if tt.wantCode != 0 {
				kind := state.KindNotFound
				if tt.wantCode == state.CodeInternal {
					kind = state.KindInvalid
				}
				MustCode(t, call, err, tt.wantCode, kind)
				return
			}
			MustOK(t, call, err)
			got := []string{}
			for _, m := range page {
				got = append(got, m.ExtID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || name != tt.wantName || more != tt.wantMore {
				t.Errorf("%s: name %q more %v, want %q %v; members (-want +got):\n%s", call, name, more, tt.wantName, tt.wantMore, diff)
			}
		})
	}
}

func TestSegmentUsersAddresses(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	tn.UpdateMsisdn("u2", "")
	_, page, _, err := tn.SegmentUsers(10, 0, 10)
	MustOK(t, "SegmentUsers(10)", err)
	want := []state.SegmentMember{
		{ExtID: "u1", Email: "ann@example.com", Msisdn: "+905551110001"},
		{ExtID: "u2", Email: "bob@example.com"},
		{ExtID: "u3"},
	}
	if diff := cmp.Diff(want, page); diff != "" {
		t.Errorf("SegmentUsers(10) addresses (-want +got):\n%s", diff)
	}
}

func TestSegmentUsersWalk(t *testing.T) {
	tn := MustTenant(t, bigDataset(2500), state.Settings{PermanentDeleteOff: true})
	// Untrack every third user: they leave the segment, the rest keep order.
	var gone []string
	for i := 0; i < 2500; i += 3 {
		gone = append(gone, fmt.Sprint("u", i))
	}
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(gone))
	want := []string{}
	for i := range 2500 {
		if i%3 != 0 {
			want = append(want, fmt.Sprint("u", i))
		}
	}
	got := []string{}
	for offset, more := 0, true; more; {
		var page []state.SegmentMember
		var err error
		_, page, more, err = tn.SegmentUsers(1, offset, 100)
		MustOK(t, "SegmentUsers", err)
		for _, m := range page {
			got = append(got, m.ExtID)
		}
		offset += len(page)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("walking SegmentUsers(1) in pages of 100 (-want +got):\n%s", diff)
	}
	if n := *segmentCount(t, tn, 1); n != len(want) {
		t.Errorf("Segments() userCount = %d, want %d", n, len(want))
	}
	MustConsistent(t, tn)
}

func TestApprovePushes(t *testing.T) {
	status := func(tn *state.Tenant) map[int64]string {
		out := map[int64]string{}
		for _, m := range tn.Export().Messages {
			out[m.MessageID] = m.Status
		}
		return out
	}
	tests := []struct {
		name     string
		ids      []int64
		want     map[int64]string
		wantCode int
	}{
		{name: "approve waiting", ids: []int64{100, 102},
			want: map[int64]string{100: state.MessageApproved, 101: state.MessageApproved, 102: state.MessageApproved}},
		{name: "approving again changes nothing", ids: []int64{101, 101},
			want: map[int64]string{100: state.MessageWaitingApproval, 101: state.MessageApproved, 102: state.MessageWaitingApproval}},
		{name: "none", ids: nil,
			want: map[int64]string{100: state.MessageWaitingApproval, 101: state.MessageApproved, 102: state.MessageWaitingApproval}},
		{name: "one unknown approves none", ids: []int64{100, 999, 102}, wantCode: state.CodeMessageNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			err := tn.ApprovePushes(tt.ids)
			if tt.wantCode != 0 {
				MustCode(t, fmt.Sprintf("ApprovePushes(%v)", tt.ids), err, tt.wantCode, state.KindNotFound)
				MustUnchanged(t, "a failing ApprovePushes", before, tn)
				return
			}
			MustOK(t, "ApprovePushes", err)
			if diff := cmp.Diff(tt.want, status(tn)); diff != "" {
				t.Errorf("statuses after ApprovePushes(%v) (-want +got):\n%s", tt.ids, diff)
			}
		})
	}
}

func TestMessage(t *testing.T) {
	d := smallDataset()
	tn := MustTenant(t, d, state.Settings{})
	got, ok := tn.Message(100)
	if diff := cmp.Diff(d.Messages[0], got); diff != "" || !ok {
		t.Errorf("Message(100): found %v; (-want +got):\n%s", ok, diff)
	}
	if _, ok := tn.Message(999); ok {
		t.Errorf("Message(999) found a message")
	}
}

// TestSegmentPageAcrossCompaction: once enough members leave, the member
// list is compacted and its slots renumbered; a cursor still resumes just
// after the last member it returned, whatever left before or after it.
func TestSegmentPageAcrossCompaction(t *testing.T) {
	tn := MustTenant(t, bigDataset(3000), state.Settings{})
	_, first, cur, more, err := tn.SegmentPage(1, state.SegmentCursor{}, 100)
	MustOK(t, "SegmentPage(start)", err)
	if len(first) != 100 || !more || cur.Rank != 100 {
		t.Fatalf("first page: %d members, more %v, cursor %+v; want 100, true, rank 100", len(first), more, cur)
	}
	// Everyone returned leaves, and 1900 after them: the list compacts.
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(0, 100)))
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(200, 1000)))
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(1200, 900)))
	_, page, next, _, err := tn.SegmentPage(1, cur, 100)
	MustOK(t, "SegmentPage(after compaction)", err)
	if len(page) != 100 || page[0].ExtID != "u100" || page[99].ExtID != "u199" {
		t.Fatalf("page after compaction = %d members from %v, want u100..u199", len(page), page[0])
	}
	_, page, _, _, err = tn.SegmentPage(1, next, 100)
	MustOK(t, "SegmentPage(next)", err)
	if len(page) == 0 || page[0].ExtID != "u2100" {
		t.Errorf("the page after u199 starts at %v, want u2100", page)
	}
	MustConsistent(t, tn)
}

// TestSegmentWalkDeletingEachPage: a client that deletes each page's users
// once it has processed them (which compacts the list again and again)
// still sees every member exactly once.
func TestSegmentWalkDeletingEachPage(t *testing.T) {
	tn := MustTenant(t, bigDataset(5000), state.Settings{})
	seen := map[string]int{}
	var cur state.SegmentCursor
	for more := true; more; {
		var page []state.SegmentMember
		var err error
		_, page, cur, more, err = tn.SegmentPage(1, cur, 1000)
		MustOK(t, "SegmentPage", err)
		var done []string
		for _, m := range page {
			seen[m.ExtID]++
			done = append(done, m.ExtID)
		}
		MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(done))
	}
	for i := range 5000 {
		if id := fmt.Sprintf("u%d", i); seen[id] != 1 {
			t.Errorf("%s seen %d times, want once", id, seen[id])
		}
	}
	MustConsistent(t, tn)
}

// TestSegmentCursorAfterRedefinition: a segment loaded again the same way
// (as a reset does) keeps old cursors good; one defined again through the
// control API makes them resume by count, never by the old list's
// numbering.
func TestSegmentCursorAfterRedefinition(t *testing.T) {
	d := bigDataset(300)
	tn := MustTenant(t, d, state.Settings{})
	_, _, cur, _, err := tn.SegmentPage(1, state.SegmentCursor{}, 100)
	MustOK(t, "SegmentPage", err)

	// The same state again, then ten members before the cursor leave: the
	// cursor still resumes after the last member it returned.
	MustOK(t, "Replace", tn.Replace(d))
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently(ids(0, 10)))
	_, page, _, _, err := tn.SegmentPage(1, cur, 100)
	MustOK(t, "SegmentPage", err)
	if page[0].ExtID != "u100" {
		t.Errorf("after the same state was loaded again, the walk resumes at %s, want u100", page[0].ExtID)
	}

	other := d.Segments[0]
	other.Members = other.Members[50:] // u50..u299
	_, err = tn.PutSegment(other)
	MustOK(t, "PutSegment(other)", err)
	_, page, _, _, err = tn.SegmentPage(1, cur, 100)
	MustOK(t, "SegmentPage", err)
	if page[0].ExtID != "u150" { // rank 100 of [u50 … u299]
		t.Errorf("after redefining the segment, the walk resumes at %s, want rank 100 (u150)", page[0].ExtID)
	}
	MustConsistent(t, tn)
}
