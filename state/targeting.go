package state

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// matcher is a Target's conditions compiled against a tenant: tag names,
// segment IDs and attribute definitions looked up once, values in their
// stored form, so that testing a user is a few comparisons. It holds no
// pointer into the tenant's users or segments and stays valid however
// they change.
type matcher struct {
	tag, seg *node
	profile  []profNode // "profile" and "pa", both must hold
	loc      *GeoArea
}

// node is a compiled tag or segment expression.
type node struct {
	op   string
	tag  string
	seg  int64 // the segment's ID; 0 for a segment that does not exist
	args []node
}

type profNode struct {
	attrs         []attrNode
	or, and, not_ []profNode
}

type attrNode struct {
	key     string
	defined bool
	vals    []any // in the attribute's stored form
	exists  *bool
}

// compileOpts say how strict compiling is.
type compileOpts struct {
	// strictSegments refuses an unknown segment with 5042; otherwise it
	// matches nobody.
	strictSegments bool
	// strictAttrs refuses an undefined profile attribute with 2009;
	// otherwise it matches nobody (and {"$exists": false} everybody).
	strictAttrs bool
}

// compile builds the matcher of tg's conditions; the caller holds the
// lock. Tag existence is checked apart (see missingTag), as it needs a walk.
func (t *Tenant) compile(tg *Target, o compileOpts) (*matcher, error) {
	m := &matcher{loc: tg.Location}
	if l := tg.Location; l != nil && l.GeofenceID != 0 {
		g, ok := t.geofenceByID(l.GeofenceID)
		if !ok {
			return nil, &Error{Kind: KindNotFound, Code: CodeGeofenceNotFound, Message: "The geofence with given id could not be found"}
		}
		m.loc = &GeoArea{Latitude: g.Latitude, Longitude: g.Longitude, Radius: g.RadiusMeters / 1000, GeofenceID: g.ID}
	}
	if tg.Tag != nil {
		n := tagNode(*tg.Tag)
		m.tag = &n
	}
	if tg.Segment != nil {
		n, err := t.segNode(*tg.Segment, o.strictSegments)
		if err != nil {
			return nil, err
		}
		m.seg = &n
	}
	for _, p := range []*ProfileCond{tg.Profile, tg.PA} {
		if p != nil {
			n, err := t.profNode(*p, o.strictAttrs)
			if err != nil {
				return nil, err
			}
			m.profile = append(m.profile, n)
		}
	}
	if l := m.loc; l != nil && (l.Radius <= 0 || math.Abs(l.Latitude) > 90 || math.Abs(l.Longitude) > 180) {
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: location %v, %v with radius %v km", l.Latitude, l.Longitude, l.Radius)
	}
	return m, nil
}

func tagNode(e Expr) node {
	n := node{op: e.Op, tag: e.Value}
	for _, a := range e.Args {
		n.args = append(n.args, tagNode(a))
	}
	return n
}

func (t *Tenant) segNode(e Expr, strict bool) (node, error) {
	n := node{op: e.Op}
	if e.Op == "" {
		n.seg = t.segmentNamed(e.Value)
		if n.seg == 0 && strict {
			return n, &Error{Kind: KindNotFound, Code: CodeSegmentNotFound, Message: "Segment not found"}
		}
		return n, nil
	}
	for _, a := range e.Args {
		c, err := t.segNode(a, strict)
		if err != nil {
			return n, err
		}
		n.args = append(n.args, c)
	}
	return n, nil
}

// segmentNamed returns the ID of the segment v names, by ID or else by
// name (the lowest ID of the segments of that name); 0 when none.
func (t *Tenant) segmentNamed(v string) int64 {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && t.segments[id] != nil {
		return id
	}
	var found int64
	for id, s := range t.segments {
		if s.rec.Name == v && (found == 0 || id < found) {
			found = id
		}
	}
	return found
}

func (t *Tenant) profNode(p ProfileCond, strict bool) (profNode, error) {
	var n profNode
	for _, a := range p.Attrs {
		an := attrNode{key: a.Key, exists: a.Exists}
		def, ok := t.attrs[a.Key]
		if !ok && strict {
			return n, Invalidf(CodeInvalidJSON, "Invalid targeting query: profile attribute '%s' is not defined", a.Key)
		}
		an.defined = ok
		if ok {
			for _, v := range a.Values {
				if x, fits := targetValue(def, v); fits {
					an.vals = append(an.vals, x)
				}
			}
		}
		n.attrs = append(n.attrs, an)
	}
	for _, g := range []struct {
		dst *[]profNode
		src []ProfileCond
	}{{&n.or, p.Or}, {&n.and, p.And}, {&n.not_, p.Not}} {
		for _, c := range g.src {
			cn, err := t.profNode(c, strict)
			if err != nil {
				return n, err
			}
			*g.dst = append(*g.dst, cn)
		}
	}
	return n, nil
}

// targetValue converts a target's value to the stored form of def's type.
// A number given for a text attribute matches its decimal text, since IDs
// are often sent either way.
func targetValue(def AttributeDef, v any) (any, bool) {
	if def.DataType == TypeString {
		if n, ok := v.(json.Number); ok {
			return n.String(), true
		}
	}
	return scalar(def.DataType, v)
}

// user reports whether u meets every condition. The user's devices count
// for a location condition when one installed device is in the area.
func (m *matcher) user(u *user) bool {
	if m.tag != nil && !m.tag.hasTag(u) {
		return false
	}
	if m.seg != nil && !m.seg.inSegment(u) {
		return false
	}
	for i := range m.profile {
		if !m.profile[i].match(u) {
			return false
		}
	}
	if m.loc != nil {
		for _, dv := range u.devices {
			if !dv.rec.Uninstalled && m.inArea(dv) {
				return true
			}
		}
		return false
	}
	return true
}

// inArea reports whether a device's location lies in the location target.
func (m *matcher) inArea(dv *device) bool {
	l := dv.rec.Location
	return l != nil && distanceKm(l.Latitude, l.Longitude, m.loc.Latitude, m.loc.Longitude) <= m.loc.Radius
}

func (n *node) hasTag(u *user) bool {
	switch n.op {
	case "":
		_, ok := slices.BinarySearch(u.tags, n.tag)
		return ok
	case OpAnd:
		for i := range n.args {
			if !n.args[i].hasTag(u) {
				return false
			}
		}
		return true
	case OpNot:
		for i := range n.args {
			if n.args[i].hasTag(u) {
				return false
			}
		}
		return true
	}
	for i := range n.args {
		if n.args[i].hasTag(u) {
			return true
		}
	}
	return false
}

func (n *node) inSegment(u *user) bool {
	switch n.op {
	case "":
		for _, m := range u.segs {
			if m.seg.rec.ID == n.seg {
				return n.seg != 0
			}
		}
		return false
	case OpAnd:
		for i := range n.args {
			if !n.args[i].inSegment(u) {
				return false
			}
		}
		return true
	case OpNot:
		for i := range n.args {
			if n.args[i].inSegment(u) {
				return false
			}
		}
		return true
	}
	for i := range n.args {
		if n.args[i].inSegment(u) {
			return true
		}
	}
	return false
}

func (p *profNode) match(u *user) bool {
	for i := range p.attrs {
		if !p.attrs[i].match(u) {
			return false
		}
	}
	if len(p.or) > 0 {
		any := false
		for i := range p.or {
			if p.or[i].match(u) {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	for i := range p.and {
		if !p.and[i].match(u) {
			return false
		}
	}
	for i := range p.not_ {
		if p.not_[i].match(u) {
			return false
		}
	}
	return true
}

func (a *attrNode) match(u *user) bool {
	v, ok := u.profile.get(a.key)
	if a.exists != nil {
		return ok == *a.exists
	}
	if !ok || !a.defined {
		return false
	}
	if list, isList := v.([]any); isList {
		for _, e := range list {
			if slices.Contains(a.vals, e) {
				return true
			}
		}
		return false
	}
	return slices.Contains(a.vals, v)
}

// earthRadiusKm is the mean radius of the Earth.
const earthRadiusKm = 6371.0088

// distanceKm is the great-circle distance between two points (haversine).
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// missingTag returns a tag of tags that no user has, walking the users in
// chunks without holding the lock throughout; it stops as soon as every
// tag has been seen, which with real tags is at once.
func (t *Tenant) missingTag(tags []string) (string, bool) {
	want := map[string]bool{}
	for _, tag := range tags {
		want[tag] = true
	}
	if len(want) == 0 {
		return "", false
	}
	if !t.scanUsers(func(u *user) bool {
		for _, tag := range u.tags {
			delete(want, tag)
		}
		return len(want) > 0
	}, nil) && len(want) > 0 {
		return "", false // the state was replaced meanwhile: nothing to say of the old one
	}
	for _, tag := range tags {
		if want[tag] {
			return tag, true
		}
	}
	return "", false
}

// scanChunk is how many users a walk reads under one hold of the read
// lock.
const scanChunk = 4096

// scanUsers calls visit for every user, in list order, holding the read
// lock for chunks of scanChunk users and releasing it after each chunk,
// when it calls between (if not nil) without any lock. A walk resumes
// after the last user it visited whatever was added or removed
// meanwhile (the list's sequence numbers survive compaction): each user
// present throughout is visited exactly once; users added or removed
// during the walk may or may not be. It stops when visit or between
// returns false, or when the tenant's state is replaced, and reports
// whether it walked to the end (or visit stopped it).
func (t *Tenant) scanUsers(visit func(u *user) bool, between func() bool) bool {
	t.mu.RLock()
	epoch := t.epoch
	t.mu.RUnlock()
	var next uint32 // the sequence number to resume at
	for {
		t.mu.RLock()
		if t.epoch != epoch {
			t.mu.RUnlock()
			return false
		}
		l := t.userList
		slot := l.slotOfRank(l.afterSeq(next))
		stop := false
		for n := 0; slot < len(l.items) && n < scanChunk; slot++ {
			if !l.alive[slot] {
				continue
			}
			n++
			next = l.seqAt(slot) + 1
			if !visit(l.items[slot]) {
				stop = true
				break
			}
		}
		done := slot >= len(l.items)
		t.mu.RUnlock()
		if stop {
			return true
		}
		if between != nil && !between() {
			return false
		}
		if done {
			return true
		}
	}
}
