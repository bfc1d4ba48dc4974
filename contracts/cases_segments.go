package contracts

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

type segmentInfo struct {
	ID        int64
	Name      string
	UserCount *int
	Type      string
}

const connectorsSegment = "CONNECTORS_SEGMENT"

// listSegments reads getSegments, or ends the case.
func listSegments(c *Check) []segmentInfo {
	var l struct{ List []segmentInfo }
	if !c.Decode(c.Do(get, apiPath("getSegments"), nil), &l) {
		c.Fatalf("getSegments must answer a list to go on")
	}
	return l.List
}

func segmentCases() []Case {
	return []Case{
		{
			Name: "segments/list", Tags: []Tag{LiveSafe},
			Doc: "getSegments lists at most 1000 segments, each once, with a null userCount exactly for connectors segments, for IOS and ANDROID alike; against the fake, the guide's sample segment first.",
			Run: func(ctx context.Context, c *Check) {
				list := listSegments(c)
				if len(list) > 1000 {
					c.Errorf("getSegments listed %d segments, more than 1000", len(list))
				}
				seen := map[int64]bool{}
				for _, s := range list {
					if seen[s.ID] {
						c.Errorf("getSegments lists segment %d twice", s.ID)
					}
					seen[s.ID] = true
					if (s.UserCount == nil) != (s.Type == connectorsSegment) {
						c.Errorf("getSegments: segment %d (%s) has userCount %v: want null for connectors segments only", s.ID, s.Type, s.UserCount)
					}
				}
				c.Status(c.Do(get, apiPath("getSegments"), nil, HeaderOS, "ANDROID"), http.StatusOK)
				if c.Live() {
					return
				}
				if len(list) == 0 || list[0].ID != 5883 || list[0].Name != "segment" || list[0].Type != "PRODUCT_SEGMENT" {
					c.Errorf("getSegments: the newest segment must be the guide's sample {5883 segment PRODUCT_SEGMENT}, got %+v", list[:min(1, len(list))])
				}
				if !seen[5871] {
					c.Errorf("getSegments does not list the guide's segment 5871 (brand)")
				}
			},
		},
		{
			Name: "segments/os-header", Tags: []Tag{MockOnly},
			Doc: "getSegments and getSegmentUsers refuse a missing X-netmera-os (2020) and one other than IOS or ANDROID (2004).",
			Why: "the newest Netmera reference says the live server ignores X-netmera-os (the fake's -lenient-os)",
			Run: func(ctx context.Context, c *Check) {
				for _, p := range []string{apiPath("getSegments"), apiPath("getSegmentUsers", "id", "5871")} {
					c.refuseAll([]refusal{
						{name: "no OS", method: get, path: p, header: []string{HeaderOS, ""}, code: 2020, message: "X-netmera-os is required"},
						{name: "OS WINDOWS", method: get, path: p, header: []string{HeaderOS, "WINDOWS"}, code: 2004, message: "Header 'X-netmera-os' should be IOS or ANDROID"},
					})
					c.Status(c.Do(get, p, nil, HeaderOS, "ANDROID"), http.StatusOK)
				}
			},
		},
		{
			Name: "segments/users-walk", Tags: []Tag{LiveSafe},
			Doc: "getSegmentUsers of the largest segment pages through every member once, with absolute nextPage links for the same segment and none on the last page; max is clamped to 100..1000.",
			Run: func(ctx context.Context, c *Check) {
				var seg *segmentInfo
				for _, s := range listSegments(c) {
					if s.Type != connectorsSegment && s.UserCount != nil && *s.UserCount > 0 && (seg == nil || *s.UserCount > *seg.UserCount) {
						seg = &s
					}
				}
				if seg == nil {
					c.Skipf("getSegments lists no segment with members to walk")
				}
				walkSegment(c, *seg)
				id, n := strconv.FormatInt(seg.ID, 10), *seg.UserCount
				for _, tc := range []struct {
					max  string
					want int
				}{{"5", min(100, n)}, {"5000", min(1000, n)}} {
					var p struct{ List []any }
					r := c.Send(Request{Method: get, Path: apiPath("getSegmentUsers", "id", id, "max", tc.max), Derived: true})
					if c.Decode(r, &p) && (len(p.List) > 1000 || (!c.Live() && len(p.List) != tc.want)) {
						c.Errorf("%s\n\tholds %d members, want %d: max is clamped to 100..1000", r, len(p.List), tc.want)
					}
				}
			},
		},
		{
			Name: "segments/users-refusals", Tags: []Tag{LiveSafe},
			Doc: "getSegmentUsers refuses a missing id (2020), one that is not an integer (2004), an unknown segment (5042) and a connectors segment (2001); against the fake, a forged or foreign offset token (2004).",
			Run: func(ctx context.Context, c *Check) {
				c.refuseAll([]refusal{
					{name: "no id", method: get, path: apiPath("getSegmentUsers"), code: 2020, message: "id is required"},
					{name: "id not an integer", method: get, path: apiPath("getSegmentUsers", "id", "abc"), code: 2004, message: "Field 'id' should be an integer"},
					{name: "unknown segment", method: get, path: apiPath("getSegmentUsers", "id", "9223372036854775000"), code: 5042, message: "Segment not found"},
				})
				var big, other *segmentInfo // a segment with a second page, and another one
				for _, s := range listSegments(c) {
					switch {
					case s.Type == connectorsSegment:
						r := c.Send(Request{Method: get, Path: apiPath("getSegmentUsers", "id", strconv.FormatInt(s.ID, 10)), Derived: true})
						c.Refused(r, http.StatusBadRequest, 2001, "An unexpected error occurred. Retry later.")
					case big == nil && s.UserCount != nil && *s.UserCount > 100:
						big = &s
					case other == nil:
						other = &s
					}
				}
				if c.Live() || big == nil || other == nil {
					return // the offset checks need a segment of more than one page, and another segment
				}
				bigID, otherID := strconv.FormatInt(big.ID, 10), strconv.FormatInt(other.ID, 10)
				var p struct{ NextPage string }
				c.Decode(c.Do(get, apiPath("getSegmentUsers", "id", bigID), nil), &p)
				u, _ := url.Parse(p.NextPage)
				token := u.Query().Get("offset")
				if token == "" {
					c.Fatalf("getSegmentUsers of segment %s (%d members) gave no nextPage with an offset: %q", bigID, *big.UserCount, p.NextPage)
				}
				c.refuseAll([]refusal{
					{name: "forged offset", method: get, path: apiPath("getSegmentUsers", "id", bigID, "offset", "bogus"), code: 2004, message: "Field 'offset' is not a valid page token"},
					{name: "another segment's offset", method: get, path: apiPath("getSegmentUsers", "id", otherID, "offset", token), code: 2004, message: "Field 'offset' is not a valid page token"},
				})
			},
		},
		{
			Name: "segments/documented-sample", Tags: []Tag{MockOnly},
			Doc: "getSegmentUsers of segment 5871 is the guide's sample: brand, user_123 with its MSISDN and email.",
			Why: "it reads the seeded segment 5871",
			Run: func(ctx context.Context, c *Check) {
				c.Equal(c.Do(get, apiPath("getSegmentUsers", "id", "5871"), nil), obj{"name": "brand", "list": arr{
					obj{"externalId": "user_123", "msisdn": "905312345678", "email": "user@example.com"},
				}})
			},
		},
	}
}

// walkSegment pages through a segment's members.
func walkSegment(c *Check, seg segmentInfo) {
	id := strconv.FormatInt(seg.ID, 10)
	pages := 100_000
	if c.Live() {
		pages = livePages
	}
	seen, count := map[string]bool{}, 0
	complete, _ := walkPages(c, apiPath("getSegmentUsers", "id", id, "max", "100"), "getSegmentUsers", pages, true,
		func(r *Response) (string, bool) {
			var p struct {
				Name     string
				NextPage *string
				List     []struct{ ExternalID string }
			}
			if !c.Decode(r, &p) {
				return "", false
			}
			if p.Name != seg.Name {
				c.Errorf("%s\n\tname %q, want the segment's name %q", r, p.Name, seg.Name)
			}
			if len(p.List) > 100 || (!c.Live() && p.NextPage != nil && len(p.List) != 100) {
				c.Errorf("%s\n\tholds %d members: want 100 on every page but the last", r, len(p.List))
			}
			for _, m := range p.List {
				if seen[m.ExternalID] {
					c.Errorf("%s\n\tmember %q is listed a second time", r, m.ExternalID)
				}
				seen[m.ExternalID] = true
				count++
			}
			if p.NextPage == nil {
				return "", true
			}
			if u, err := url.Parse(*p.NextPage); err == nil && u.Query().Get("id") != id {
				c.Errorf("%s\n\tnextPage %q is not for segment %s", r, *p.NextPage, id)
				return "", false
			}
			return *p.NextPage, true
		})
	if c.Live() {
		return
	}
	if !complete {
		c.Errorf("getSegmentUsers of segment %s: the walk did not reach a last page (without nextPage)", id)
	} else if count != *seg.UserCount {
		c.Errorf("getSegmentUsers of segment %s: the walk listed %d members, getSegments says %d", id, count, *seg.UserCount)
	}
}
