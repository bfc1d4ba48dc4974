package state

import "fmt"

// SegmentInfo is a segment as getSegments lists it. UserCount is nil for a
// connectors segment, whose size Netmera does not calculate.
type SegmentInfo struct {
	ID        int64
	Name      string
	UserCount *int
	Type      string
}

func validSegmentType(typ string) bool {
	return typ == SegmentStandard || typ == SegmentProduct || typ == SegmentConnectors
}

// MaxSegments is the most segments getSegments lists.
const MaxSegments = 1000

// Segments returns at most MaxSegments segments, newest first.
func (t *Tenant) Segments() []SegmentInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	all := t.sortedSegments()
	out := make([]SegmentInfo, 0, min(len(all), MaxSegments))
	for _, s := range all[:min(len(all), MaxSegments)] {
		info := SegmentInfo{ID: s.rec.ID, Name: s.rec.Name, Type: s.rec.Type}
		if s.rec.Type != SegmentConnectors {
			n := s.members.Len()
			info.UserCount = &n
		}
		out = append(out, info)
	}
	return out
}

// SegmentMember is a segment user as getSegmentUsers lists it; Email and
// Msisdn are empty when the user has none.
type SegmentMember struct {
	ExtID  string
	Msisdn string
	Email  string
}

// SegmentUsers returns a page of a segment's members starting at rank
// offset, and whether more follow. An unknown segment fails with 5042, a
// connectors segment with 2001, as Netmera does.
func (t *Tenant) SegmentUsers(id int64, offset, max int) (name string, page []SegmentMember, more bool, err error) {
	name, page, _, more, err = t.SegmentPage(id, SegmentCursor{Rank: offset}, max)
	return name, page, more, err
}

// SegmentCursor is where a walk through a segment's members resumes: just
// after the last member the previous page returned, even when members
// before it have left the segment since (a rank would then skip as many
// members as left). The zero cursor is the start of the segment.
type SegmentCursor struct {
	// Rev identifies the member list the cursor was taken from (see
	// fingerprint). A segment redefined since has another list, and the
	// cursor then resumes at Rank.
	Rev uint64
	// Seq is the append number (see seqList.seqs) after the last member
	// returned.
	Seq uint32
	// Rank is how many members the walk has returned.
	Rank int
}

// SegmentPage returns a page of a segment's members from a cursor, the
// cursor of the next page, and whether more follow. Errors are those of
// SegmentUsers.
func (t *Tenant) SegmentPage(id int64, from SegmentCursor, n int) (name string, page []SegmentMember, next SegmentCursor, more bool, err error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := t.segments[id]
	if s == nil {
		return "", nil, from, false, &Error{Kind: KindNotFound, Code: CodeSegmentNotFound, Message: "Segment not found"}
	}
	if s.rec.Type == SegmentConnectors {
		return "", nil, from, false, Invalidf(CodeInternal, "An unexpected error occurred. Retry later.")
	}
	rank := max(from.Rank, 0)
	if from != (SegmentCursor{}) && from.Rev == s.rev {
		rank = s.members.afterSeq(from.Seq)
	}
	size := clampPage(n, s.members.Len())
	page = make([]SegmentMember, 0, size)
	var last *user
	more = s.members.Page(rank, size, func(u *user) {
		email, _ := u.profile.get(AttrEmail)
		msisdn, _ := u.profile.get(AttrMsisdn)
		page = append(page, SegmentMember{ExtID: u.extID, Email: stringOf(email), Msisdn: stringOf(msisdn)})
		last = u
	})
	next = from
	if last != nil {
		next = SegmentCursor{Rev: s.rev, Seq: s.members.seqAt(last.membershipOf(s).slot) + 1, Rank: rank + len(page)}
	}
	return s.rec.Name, page, next, more, nil
}

// fingerprint identifies a segment's member list as it was made, for the
// cursors of getSegmentUsers, so that an old cursor is not read against
// another list's numbering. A segment loaded again the same way (by a
// reset) gets the same fingerprint, under which old cursors still hold;
// one defined through the control API also mixes in def, the tenant's
// count of such definitions, so that every redefinition gets its own.
// It reads the record, the member count and the first and last members
// only: reading every member would cost a cache miss each, a second at
// start-up for a million users. FNV-1a.
func fingerprint(r SegmentRecord, members []*user, def uint64) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * prime
		}
		h = (h ^ 0xff) * prime // a separator no UTF-8 text contains
	}
	add(fmt.Sprintf("%d %s %s %d %d %d", r.ID, r.Name, r.Type, r.CreatedAt, len(members), def))
	if len(members) > 0 {
		add(members[0].extID)
		add(members[len(members)-1].extID)
	}
	return h
}
