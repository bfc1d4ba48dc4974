package mockserver

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"

	"github.com/netmera-mock/netmera-mock/state"
)

type segmentView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	UserCount *int   `json:"userCount"`
	Type      string `json:"type"`
}

type segmentsResponse struct {
	List []segmentView `json:"list"`
}

func (s *Server) getSegments(t *state.Tenant, _ *call) (any, error) {
	segs := t.Segments()
	resp := segmentsResponse{List: make([]segmentView, len(segs))}
	for i, sg := range segs {
		resp.List[i] = segmentView{ID: sg.ID, Name: sg.Name, UserCount: sg.UserCount, Type: sg.Type}
	}
	return resp, nil
}

type segmentUserView struct {
	ExternalID string `json:"externalId"`
	Msisdn     string `json:"msisdn,omitempty"`
	Email      string `json:"email,omitempty"`
}

type segmentUsersResponse struct {
	Name     string            `json:"name"`
	List     []segmentUserView `json:"list"`
	NextPage string            `json:"nextPage,omitempty"`
}

// Page size bounds of getSegmentUsers; a max outside them is clamped.
const (
	minSegmentPage = 100
	maxSegmentPage = 1000
)

func (s *Server) getSegmentUsers(t *state.Tenant, c *call) (any, error) {
	if c.param("id") == "" {
		return nil, state.ErrMissing("id")
	}
	id, err := strconv.ParseInt(c.param("id"), 10, 64)
	if err != nil {
		return nil, state.ErrWrongType("id", "an integer")
	}
	size, err := c.intParam("max", minSegmentPage)
	if err != nil {
		return nil, err
	}
	size = min(max(size, minSegmentPage), maxSegmentPage)
	var from state.SegmentCursor
	if tok := c.param("offset"); tok != "" {
		if from, err = decodeSegmentOffset(tok, id); err != nil {
			return nil, err
		}
	}
	name, page, next, more, err := t.SegmentPage(id, from, size)
	if err != nil {
		return nil, err
	}
	resp := segmentUsersResponse{Name: name, List: make([]segmentUserView, len(page))}
	for i, m := range page {
		resp.List[i] = segmentUserView{ExternalID: m.ExtID, Msisdn: m.Msisdn, Email: m.Email}
	}
	if more {
		link := url.Values{}
		link.Set("id", strconv.FormatInt(id, 10))
		link.Set("max", strconv.Itoa(size))
		link.Set("offset", encodeSegmentOffset(id, next))
		resp.NextPage = c.pageURL(link.Encode())
	}
	return resp, nil
}

// Segment offsets are opaque to clients, as Netmera's are: they name the
// segment they belong to and where to resume (state.SegmentCursor), so
// that a walk through a segment misses no one when members before the
// page leave the segment between two requests.
func encodeSegmentOffset(id int64, c state.SegmentCursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("seg:%d:%d:%d:%d", id, c.Rev, c.Seq, c.Rank)))
}

func decodeSegmentOffset(tok string, id int64) (state.SegmentCursor, error) {
	bad := state.Invalidf(state.CodeTypeMismatch, "Field 'offset' is not a valid page token")
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return state.SegmentCursor{}, bad
	}
	var seg int64
	var c state.SegmentCursor
	if n, err := fmt.Sscanf(string(b), "seg:%d:%d:%d:%d", &seg, &c.Rev, &c.Seq, &c.Rank); err != nil || n != 4 ||
		seg != id || c.Rank < 0 || encodeSegmentOffset(seg, c) != tok {
		return state.SegmentCursor{}, bad
	}
	return c, nil
}
