package state

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
	name, page, _, more, err = t.SegmentPage(id, SegmentCursor{Rank: offset, Epoch: -1}, max)
	return name, page, more, err
}

// SegmentCursor is where a walk through a segment's members resumes: just
// after the last member the previous page returned, even when members
// before it have left the segment since (a rank would then skip as many
// members as left). The zero cursor is the start of the segment.
type SegmentCursor struct {
	// Slot is the member list's slot after the last member returned.
	Slot int
	// Epoch is how many times the list had been compacted when Slot was
	// taken. Compaction renumbers slots; a cursor of another epoch
	// resumes at Rank instead.
	Epoch int
	// Rank is how many members the walk has returned.
	Rank int
}

// SegmentPage returns a page of a segment's members from a cursor, the
// cursor of the next page, and whether more follow. Errors are those of
// SegmentUsers.
func (t *Tenant) SegmentPage(id int64, from SegmentCursor, max int) (name string, page []SegmentMember, next SegmentCursor, more bool, err error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := t.segments[id]
	if s == nil {
		return "", nil, from, false, &Error{Kind: KindNotFound, Code: CodeSegmentNotFound, Message: "Segment not found"}
	}
	if s.rec.Type == SegmentConnectors {
		return "", nil, from, false, Invalidf(CodeInternal, "An unexpected error occurred. Retry later.")
	}
	rank := from.Rank
	if from.Epoch == s.members.epoch && from.Slot >= 0 {
		rank = s.members.prefix(min(from.Slot, len(s.members.items)))
	}
	max = clampPage(max, s.members.Len())
	page = make([]SegmentMember, 0, max)
	var last *user
	more = s.members.Page(rank, max, func(u *user) {
		email, _ := u.profile.get(AttrEmail)
		msisdn, _ := u.profile.get(AttrMsisdn)
		page = append(page, SegmentMember{ExtID: u.extID, Email: stringOf(email), Msisdn: stringOf(msisdn)})
		last = u
	})
	if rank < 0 {
		rank = 0
	}
	next = SegmentCursor{Slot: from.Slot, Epoch: s.members.epoch, Rank: rank + len(page)}
	if last != nil {
		next.Slot = last.membershipOf(s).slot + 1
	}
	return s.rec.Name, page, next, more, nil
}
