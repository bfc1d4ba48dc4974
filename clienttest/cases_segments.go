package clienttest

import (
	"context"
	"fmt"
	"slices"

	"github.com/netmera-mock/netmera-mock/state"
)

// bigSegment is a segment of 1500 members, more than one page of
// getSegmentUsers whatever the page size.
const bigSegment = 990001

func withBigSegment() []Option {
	members := make([]string, 1500)
	for i := range members {
		members[i] = fmt.Sprintf("user-%06d", i+1) // fixtures' generated IDs
	}
	return []Option{WithUsers(1600), WithDataset(&state.Dataset{Segments: []state.SegmentRecord{{
		ID: bigSegment, Name: "clienttest everyone", Type: state.SegmentStandard, CreatedAt: 1, Members: members,
	}}})}
}

func segmentKey(id int64, name, typ string, count *int) string {
	n := "null"
	if count != nil {
		n = fmt.Sprint(*count)
	}
	return fmt.Sprintf("{%d %q %s users:%s}", id, name, typ, n)
}

// wantOS checks that every request of c to endpoint carried X-netmera-os
// set to one of want.
func (e *env) wantOS(c *call, endpoint string, want ...string) bool {
	e.t.Helper()
	for i, r := range c.to(endpoint) {
		if got := r.Header.Values("X-Netmera-Os"); len(got) != 1 || !slices.Contains(want, got[0]) {
			e.errorf(c, "every %s request, pages after the first included, to carry the header X-netmera-os: %s; request %d carries %q",
				endpoint, quoteAll(want), i+1, got)
			return false
		}
	}
	return true
}

func segmentCases() []testCase {
	return []testCase{
		{name: "list", needs: []string{"GetSegments"}, live: true, run: func(e *env) {
			cl := e.f
			var got []Segment
			c := e.do(`GetSegments(ctx, "ANDROID")`, func(ctx context.Context) (err error) {
				got, err = cl.GetSegments(ctx, "ANDROID")
				return err
			})
			e.must(c)
			if e.live() {
				return
			}
			var g, want []string
			for _, s := range got {
				g = append(g, segmentKey(s.ID, s.Name, s.Type, s.UserCount))
			}
			for _, s := range e.srv.Tenant().Segments() {
				want = append(want, segmentKey(s.ID, s.Name, s.Type, s.UserCount))
			}
			if !slices.Equal(g, want) {
				e.errorf(c, "the fake's segments in its order (newest first), userCount null for connectors segments:\n  %v\ngot:\n  %v", want, g)
			}
		}},
		{name: "os-header", needs: []string{"GetSegments"}, live: true, run: func(e *env) {
			cl := e.f
			for _, os := range []string{"IOS", "ANDROID"} {
				c := e.do(fmt.Sprintf("GetSegments(ctx, %q)", os), func(ctx context.Context) error {
					_, err := cl.GetSegments(ctx, os)
					return err
				})
				if len(c.to("getSegments")) == 0 {
					e.errorf(c, "a GET %sgetSegments request", apiPath)
					return
				}
				if !e.wantOS(c, "getSegments", os) {
					return
				}
				e.must(c)
			}
		}},
		{name: "users-follow-nextPage", needs: []string{"GetSegmentUsers"}, opts: withBigSegment(), run: func(e *env) {
			cl := e.f
			var got []SegmentUser
			c := e.do(fmt.Sprintf("GetSegmentUsers(ctx, %d) of a segment of 1500 members", bigSegment), func(ctx context.Context) (err error) {
				got, err = cl.GetSegmentUsers(ctx, bigSegment)
				return err
			})
			e.must(c)
			_, page, _, _ := e.srv.Tenant().SegmentUsers(bigSegment, 0, len(got)+2000)
			want := map[string]state.SegmentMember{}
			for _, m := range page {
				want[m.ExtID] = m
			}
			seen := map[string]bool{}
			for _, u := range got {
				m, ok := want[u.ExtID]
				switch {
				case seen[u.ExtID]:
					e.errorf(c, "each member once; %q came twice", u.ExtID)
					return
				case !ok:
					e.errorf(c, "members of the segment only; %q is not one", u.ExtID)
					return
				case u.Email != m.Email || u.Msisdn != m.Msisdn:
					e.errorf(c, "member %q with email %q and msisdn %q; got %q and %q", u.ExtID, m.Email, m.Msisdn, u.Email, u.Msisdn)
					return
				}
				seen[u.ExtID] = true
			}
			if len(seen) != len(want) {
				e.errorf(c, "all %d members, following nextPage until a page has none (%d page(s) were fetched); got %d",
					len(want), len(c.to("getSegmentUsers")), len(seen))
			}
		}},
		{name: "users-os-header", needs: []string{"GetSegmentUsers"}, opts: withBigSegment(), run: func(e *env) {
			cl := e.f
			c := e.do(fmt.Sprintf("GetSegmentUsers(ctx, %d) of a segment of 1500 members", bigSegment), func(ctx context.Context) error {
				_, err := cl.GetSegmentUsers(ctx, bigSegment)
				return err
			})
			switch {
			case len(c.to("getSegmentUsers")) == 0:
				e.errorf(c, "GET %sgetSegmentUsers requests", apiPath)
			case e.wantOS(c, "getSegmentUsers", "IOS", "ANDROID"):
				e.must(c)
			}
		}},
		{name: "unknown-5042", needs: []string{"GetSegmentUsers"}, live: true, run: func(e *env) {
			cl := e.f
			const id = 8_999_999_999
			c := e.do(fmt.Sprintf("GetSegmentUsers(ctx, %d) of an unknown segment", id), func(ctx context.Context) error {
				_, err := cl.GetSegmentUsers(ctx, id)
				return err
			})
			e.wantAPIError(c, 5042)
		}},
	}
}
