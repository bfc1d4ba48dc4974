package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/netmera-mock/netmera-mock/internal/ui"
	"github.com/netmera-mock/netmera-mock/state"
)

// The inspector: its page under /_mock/ui/, and the control endpoints it
// reads besides those tests use (the stream is in control_stream.go).

// uiPrefix is where the inspector's page is served.
const uiPrefix = controlPrefix + "ui/"

// serveUI serves the inspector's page and its files. The page is open
// under -admin-token, as it holds no data: everything it shows it fetches
// with the token (controlAllowed).
func (s *Server) serveUI(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == controlPrefix+"ui" {
		http.Redirect(w, r, uiPrefix, http.StatusMovedPermanently)
		return
	}
	name := mux.Vars(r)["file"]
	if !ui.Has(name) {
		s.notFound(w, r)
		return
	}
	ui.Serve(w, r, name)
}

// isUI reports whether path is the inspector's page or one of its files.
func isUI(path string) bool {
	return path == controlPrefix+"ui" || len(path) >= len(uiPrefix) && path[:len(uiPrefix)] == uiPrefix
}

// listSegments lists the tenant's segments as getSegments does (newest
// first, at most state.MaxSegments, with their sizes), without the
// X-netmera-os header and without a journal entry: the names a user's
// segment IDs stand for.
func (s *Server) listSegments(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	list := t.Segments()
	out := make([]segmentView, len(list))
	for i, seg := range list {
		out[i] = segmentView{ID: seg.ID, Name: seg.Name, UserCount: seg.UserCount, Type: seg.Type}
	}
	return http.StatusOK, map[string]any{"segments": out}, nil
}

// userInbox is GET /_mock/inbox: the newest messages of one user's inbox
// and how many there are of each status.
type userInbox struct {
	Counts   map[string]int       `json:"counts"`
	Messages []state.InboxMessage `json:"messages"`
}

// getInbox shows a user's inbox, the newest first, at most ?max= messages
// (20 by default, 1000 at most), deleted ones included.
func (s *Server) getInbox(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	q := r.URL.Query()
	extID := q.Get("extId")
	if extID == "" {
		return 0, nil, errors.New("extId is required: GET /_mock/inbox?extId=…")
	}
	max := 0
	if v := q.Get("max"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, fmt.Errorf("max must be a positive integer, not %q", v)
		}
		max = n
	}
	page, err := t.Inbox(state.InboxQuery{ExtID: extID, Status: state.InboxRead | state.InboxUnread | state.InboxDeleted, Limit: max})
	if err != nil {
		return 0, nil, err
	}
	counts := map[string]int{}
	for bit, name := range map[int]string{state.InboxRead: "READ", state.InboxUnread: "UNREAD", state.InboxDeleted: "DELETED"} {
		counts[name] = page.Counts[bit]
	}
	return http.StatusOK, userInbox{Counts: counts, Messages: page.Messages}, nil
}
