package mockserver_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

const iosHeader = "X-netmera-os"

func TestGetSegments(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	r := h.Do(t, http.MethodGet, "/rest/3.0/getSegments", "", iosHeader, "IOS")
	want := `{"list":[{"id":5883,"name":"segment","userCount":252,"type":"PRODUCT_SEGMENT"},` +
		`{"id":5884,"name":"brand","userCount":3,"type":"STANDARD"},` +
		`{"id":5885,"name":"connectors","userCount":null,"type":"CONNECTORS_SEGMENT"},` +
		`{"id":5886,"name":"empty","userCount":0,"type":"STANDARD"}]}` + "\n"
	if r.Status != http.StatusOK || string(r.Body) != want {
		t.Errorf("GET getSegments = %v, want 200 %s", r, want)
	}

	// Counts follow deletions.
	wantOK(t, "deleteUsersPermanently id2", h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":["id2"]}`))
	r = h.Do(t, http.MethodGet, "/rest/3.0/getSegments", "", iosHeader, "ANDROID")
	if !strings.Contains(string(r.Body), `{"id":5884,"name":"brand","userCount":2,"type":"STANDARD"}`) {
		t.Errorf("GET getSegments after deleting id2 = %v, want brand with userCount 2", r)
	}
}

func TestOSHeader(t *testing.T) {
	t.Parallel()
	strict := MustHarness(t, mockserver.Options{})
	lenient := MustHarness(t, mockserver.Options{LenientOS: true})
	tests := []struct {
		name    string
		h       *harness
		headers []string
		want    *envelope // nil for 200
	}{
		{name: "IOS", h: strict, headers: []string{iosHeader, "IOS"}},
		{name: "ANDROID", h: strict, headers: []string{iosHeader, "ANDROID"}},
		{name: "header name case", h: strict, headers: []string{"x-NETMERA-os", "IOS"}},
		{name: "missing", h: strict, want: &envelope{Code: 2020, Error: "X-netmera-os is required"}},
		{name: "WINDOWS", h: strict, headers: []string{iosHeader, "WINDOWS"}, want: &envelope{Code: 2004, Error: "Header 'X-netmera-os' should be IOS or ANDROID"}},
		{name: "lower case value", h: strict, headers: []string{iosHeader, "ios"}, want: &envelope{Code: 2004, Error: "Header 'X-netmera-os' should be IOS or ANDROID"}},
		{name: "lenient missing", h: lenient},
		{name: "lenient WINDOWS", h: lenient, headers: []string{iosHeader, "WINDOWS"}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/rest/3.0/getSegments", "/rest/3.0/getSegmentUsers?id=5884"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				r := tt.h.Do(t, http.MethodGet, path, "", tt.headers...)
				call := fmt.Sprintf("GET %s with %v", path, tt.headers)
				if tt.want == nil {
					if r.Status != http.StatusOK || !strings.HasPrefix(string(r.Body), "{") {
						t.Errorf("%s = %v, want 200 with a JSON body", call, r)
					}
					return
				}
				wantError(t, call, r, http.StatusBadRequest, *tt.want)
			})
		}
	}
}

type segmentUsersPage struct {
	Name     string              `json:"name"`
	List     []map[string]string `json:"list"`
	NextPage *string             `json:"nextPage"`
}

func (h *harness) segmentUsersAt(tb testing.TB, target string) segmentUsersPage {
	tb.Helper()
	var p segmentUsersPage
	wantJSON(tb, "GET "+target, h.Do(tb, http.MethodGet, target, "", iosHeader, "IOS"), &p)
	return p
}

func TestGetSegmentUsers(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	p := h.segmentUsersAt(t, "/rest/3.0/getSegmentUsers?id=5884")
	want := segmentUsersPage{Name: "brand", List: []map[string]string{
		{"externalId": "id1", "email": "john.brown@example.com"},
		{"externalId": "id2", "email": "jane@example.com", "msisdn": "905312345678"},
		{"externalId": "your_extId", "email": "your@example.com", "msisdn": "905550000001"},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("GET getSegmentUsers?id=5884 mismatch (-want +got):\n%s", diff)
	}
	p = h.segmentUsersAt(t, fmt.Sprintf("/rest/3.0/getSegmentUsers?id=%d", emptySegmentID))
	if diff := cmp.Diff(segmentUsersPage{Name: "empty", List: []map[string]string{}}, p); diff != "" {
		t.Errorf("GET getSegmentUsers of an empty segment mismatch (-want +got):\n%s", diff)
	}
	// Follows updateEmail.
	wantOK(t, "updateEmail", h.Do(t, http.MethodPost, "/rest/3.0/updateEmail", `{"extId":"your_extId","email":"new@example.com"}`))
	p = h.segmentUsersAt(t, "/rest/3.0/getSegmentUsers?id=5884")
	if got := p.List[2]["email"]; got != "new@example.com" {
		t.Errorf("GET getSegmentUsers after updateEmail: email of your_extId %q, want new@example.com", got)
	}
}

func TestGetSegmentUsersPageSize(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	big := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1200, 0, 1100), nil }, state.Settings{}, mockserver.Options{}, testKey)
	tests := []struct {
		name  string
		h     *harness
		query string
		wantN int
		// wantMax is the max of nextPage; 0 for no nextPage.
		wantMax int
	}{
		{name: "default 100", h: h, query: "id=5883", wantN: 100, wantMax: 100},
		{name: "below minimum", h: h, query: "id=5883&max=10", wantN: 100, wantMax: 100},
		{name: "negative", h: h, query: "id=5883&max=-4", wantN: 100, wantMax: 100},
		{name: "within", h: h, query: "id=5883&max=150", wantN: 150, wantMax: 150},
		{name: "all of it", h: h, query: "id=5883&max=252", wantN: 252},
		{name: "above maximum", h: big, query: "id=1&max=5000", wantN: 1000, wantMax: 1000},
		{name: "maximum", h: big, query: "id=1&max=1000", wantN: 1000, wantMax: 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/rest/3.0/getSegmentUsers?" + tt.query
			p := tt.h.segmentUsersAt(t, target)
			if len(p.List) != tt.wantN {
				t.Errorf("GET %s: %d users, want %d", target, len(p.List), tt.wantN)
			}
			switch {
			case tt.wantMax == 0 && p.NextPage != nil:
				t.Errorf("GET %s: nextPage %q, want none", target, *p.NextPage)
			case tt.wantMax != 0 && p.NextPage == nil:
				t.Errorf("GET %s: no nextPage, want one", target)
			case tt.wantMax != 0:
				u, err := url.Parse(*p.NextPage)
				if err != nil || u.Query().Get("max") != strconv.Itoa(tt.wantMax) || !strings.HasPrefix(*p.NextPage, tt.h.URL+"/rest/3.0/getSegmentUsers?") {
					t.Errorf("GET %s: nextPage %q, want an absolute URL on %s with max=%d", target, *p.NextPage, tt.h.URL, tt.wantMax)
				}
			}
		})
	}
}

func TestGetSegmentUsersWalk(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	want := testDataset().Segments[0].Members
	for _, size := range []int{100, 101, 250, 252, 1000} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			var got []string
			next := fmt.Sprintf("%s/rest/3.0/getSegmentUsers?id=%d&max=%d", h.URL, bigSegmentID, size)
			for pages := 0; next != ""; pages++ {
				if pages > 10 {
					t.Fatalf("walking getSegmentUsers with max=%d: more than 10 pages", size)
				}
				p := h.segmentUsersAt(t, next)
				for _, m := range p.List {
					got = append(got, m["externalId"])
				}
				next = ""
				if p.NextPage != nil {
					next = *p.NextPage
					if strings.Contains(next, "offset="+strconv.Itoa(len(got))) {
						t.Errorf("nextPage %q carries a plain numeric offset, want an opaque token", next)
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("walking getSegmentUsers?id=%d&max=%d did not give every member once (-want +got):\n%s", bigSegmentID, size, diff)
			}
		})
	}
}

func TestGetSegmentUsersOffsetTokens(t *testing.T) {
	t.Parallel()
	h := MustHarness(t, mockserver.Options{})
	first := h.segmentUsersAt(t, "/rest/3.0/getSegmentUsers?id=5883")
	if first.NextPage == nil {
		t.Fatalf("GET getSegmentUsers?id=5883: no nextPage")
	}
	u, err := url.Parse(*first.NextPage)
	if err != nil {
		t.Fatalf("nextPage %q: %v", *first.NextPage, err)
	}
	token := u.Query().Get("offset")
	bad := envelope{Code: 2004, Error: "Field 'offset' is not a valid page token"}
	tests := []struct {
		name, query string
		want        envelope
	}{
		{name: "garbage", query: "id=5883&offset=!!!", want: bad},
		{name: "numeric", query: "id=5883&offset=100", want: bad},
		{name: "token of another segment", query: "id=5884&offset=" + url.QueryEscape(token), want: bad},
		{name: "padded token", query: "id=5883&offset=" + url.QueryEscape(token+"="), want: bad},
		{name: "unknown segment", query: "id=9999", want: envelope{Code: 5042, Error: "Segment not found"}},
		// 400, not the error table's 500 for 2001: docs/fidelity.md says why.
		{name: "connectors segment", query: "id=5885", want: envelope{Code: 2001, Error: "An unexpected error occurred. Retry later."}},
		{name: "missing id", query: "max=100", want: envelope{Code: 2020, Error: "id is required"}},
		{name: "non-integer id", query: "id=SEGMENT_ID", want: envelope{Code: 2004, Error: "Field 'id' should be an integer"}},
		{name: "non-integer max", query: "id=5883&max=ten", want: envelope{Code: 2004, Error: "Field 'max' should be an integer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/rest/3.0/getSegmentUsers?" + tt.query
			wantError(t, "GET "+target, h.Do(t, http.MethodGet, target, "", iosHeader, "IOS"), http.StatusBadRequest, tt.want)
		})
	}
	// The token works on its own segment.
	p := h.segmentUsersAt(t, "/rest/3.0/getSegmentUsers?id=5883&offset="+url.QueryEscape(token))
	if len(p.List) != 100 || p.List[0]["externalId"] != "user-099" {
		t.Errorf("GET the page after the first: %d users starting %v, want 100 starting user-099", len(p.List), p.List[0])
	}
}

// TestSegmentWalkSurvivesRemovals: the opaque offset of getSegmentUsers
// resumes after the last member returned, so users removed from the
// segment while a client walks it (before the page, on it, or ahead of it)
// make it miss no one and see no one twice.
func TestSegmentWalkSurvivesRemovals(t *testing.T) {
	t.Parallel()
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return bigDataset(1000, 0, 1000), nil }, state.Settings{}, mockserver.Options{}, testKey)
	removed := map[string]bool{}
	remove := func(ids ...string) {
		var fresh []string
		for _, id := range ids {
			if !removed[id] && !slices.Contains(fresh, id) {
				fresh = append(fresh, id)
			}
			removed[id] = true
		}
		body := `{"extIds":["` + strings.Join(fresh, `","`) + `"]}`
		wantOK(t, "deleteUsersPermanently", h.Do(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", body))
	}
	seen := map[string]int{}
	next, pages := "/rest/3.0/getSegmentUsers?id=1&max=100", 0
	for next != "" {
		p := h.segmentUsersAt(t, strings.TrimPrefix(next, h.URL))
		for _, m := range p.List {
			seen[m["externalId"]]++
		}
		next = ""
		if p.NextPage != nil {
			next = *p.NextPage
		}
		pages++
		// Remove members already returned (the first, one in the middle
		// and the last of this page) and one ahead of the walk.
		last := p.List[len(p.List)-1]["externalId"]
		remove(p.List[0]["externalId"], p.List[len(p.List)/2]["externalId"], last, bigUser(min(pages*100+50, 999)))
	}
	for i := range 1000 {
		id := bigUser(i)
		switch want := 1; {
		case removed[id] && seen[id] == 0: // removed before the walk reached it
		case seen[id] != want:
			t.Errorf("%s returned %d times, want %d (removed during the walk: %v)", id, seen[id], want, removed[id])
		}
	}
	if pages < 9 {
		t.Errorf("walked %d pages of 100 over 1000 members less the ones removed ahead, want at least 9", pages)
	}
}
