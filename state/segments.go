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
	t.mu.RLock()
	defer t.mu.RUnlock()
	s := t.segments[id]
	if s == nil {
		return "", nil, false, &Error{Kind: KindNotFound, Code: CodeSegmentNotFound, Message: "Segment not found"}
	}
	if s.rec.Type == SegmentConnectors {
		return "", nil, false, Invalidf(CodeInternal, "An unexpected error occurred. Retry later.")
	}
	max = clampPage(max, s.members.Len())
	page = make([]SegmentMember, 0, max)
	more = s.members.Page(offset, max, func(u *user) {
		email, _ := u.profile.get(AttrEmail)
		msisdn, _ := u.profile.get(AttrMsisdn)
		page = append(page, SegmentMember{ExtID: u.extID, Email: stringOf(email), Msisdn: stringOf(msisdn)})
	})
	return s.rec.Name, page, more, nil
}
