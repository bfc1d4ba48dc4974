package mockserver

import (
	"net/http"
	"slices"

	"github.com/netmera-mock/netmera-mock/state"
)

type extIDsRequest struct {
	ExtIDs *[]string `json:"extIds"`
}

func (s *Server) deleteUsersPermanently(r *http.Request, t *state.Tenant) (any, error) {
	var req extIDsRequest
	if err := decodeObject(r, &req); err != nil {
		return nil, err
	}
	if req.ExtIDs == nil {
		return nil, state.ErrMissing("extIds")
	}
	return nil, t.DeleteUsersPermanently(*req.ExtIDs)
}

type tagRequest struct {
	Tag            *stringList `json:"tag"`
	ExtIDs         *[]string   `json:"extIds"`
	CheckExistence bool        `json:"checkExistence"`
}

func (req *tagRequest) decode(r *http.Request) error {
	if err := decodeObject(r, req); err != nil {
		return err
	}
	if req.Tag == nil || len(*req.Tag) == 0 || slices.Contains(*req.Tag, "") {
		return state.ErrMissing("tag")
	}
	if req.ExtIDs == nil {
		return state.ErrMissing("extIds")
	}
	return nil
}

func (s *Server) tagUsers(r *http.Request, t *state.Tenant) (any, error) {
	var req tagRequest
	if err := req.decode(r); err != nil {
		return nil, err
	}
	return nil, t.TagUsers(*req.Tag, *req.ExtIDs)
}

// untagResponse is untagUsers' answer when checkExistence is set.
type untagResponse struct {
	NotExist []string `json:"notExist"`
}

func (s *Server) untagUsers(r *http.Request, t *state.Tenant) (any, error) {
	var req tagRequest
	if err := req.decode(r); err != nil {
		return nil, err
	}
	notExist, err := t.UntagUsers(*req.Tag, *req.ExtIDs)
	if err != nil || !req.CheckExistence {
		return nil, err
	}
	return untagResponse{NotExist: notExist}, nil
}

type categoryEntry struct {
	ExtID    string `json:"extId"`
	Category string `json:"category"`
	Channel  string `json:"channel"`
	Enable   *bool  `json:"enable"`
}

func (s *Server) setCategoryPreferences(r *http.Request, t *state.Tenant) (any, error) {
	raws, err := decodeArray(r, s.acceptsSingle(false))
	if err != nil {
		return nil, err
	}
	entries := make([]state.CategoryEntry, 0, len(raws))
	for _, raw := range raws {
		var e categoryEntry
		if err := unmarshal(raw, &e); err != nil {
			return nil, err
		}
		entries = append(entries, state.CategoryEntry{ExtID: e.ExtID, Category: e.Category, Channel: e.Channel, Enable: e.Enable})
	}
	return nil, t.SetCategoryPreferences(entries)
}

type categoryPreferencesResponse struct {
	CategoryPreferences map[string]bool `json:"categoryPreferences"`
}

func (s *Server) getCategoryPreferences(r *http.Request, t *state.Tenant) (any, error) {
	extID := r.URL.Query().Get("externalId")
	if extID == "" {
		return nil, state.ErrMissing("externalId")
	}
	prefs, _ := t.CategoryPreferences(extID, "")
	return categoryPreferencesResponse{CategoryPreferences: prefs}, nil
}

// acceptsSingle says whether an array-bodied endpoint takes a single object
// too; lenient marks the endpoints where the auto policy accepts it.
func (s *Server) acceptsSingle(lenient bool) bool {
	switch s.opts.SingleObject {
	case SingleObjectAccept:
		return true
	case SingleObjectReject:
		return false
	}
	return lenient
}

type approvalEntry struct {
	MessageID *int64 `json:"messageId"`
}

func (s *Server) sendPushApproval(r *http.Request, t *state.Tenant) (any, error) {
	raws, err := decodeArray(r, s.acceptsSingle(false))
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(raws))
	for _, raw := range raws {
		var e approvalEntry
		if err := unmarshal(raw, &e); err != nil {
			return nil, err
		}
		if e.MessageID == nil {
			return nil, state.ErrMissing("messageId")
		}
		ids = append(ids, *e.MessageID)
	}
	return nil, t.ApprovePushes(ids)
}
