package mockserver

import (
	"slices"

	"github.com/netmera-mock/netmera-mock/state"
)

// requiredTexts reads a required list of strings.
func requiredTexts(o object, name string) ([]string, error) {
	list, present, err := o.texts(name)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, state.ErrMissing(name)
	}
	return list, nil
}

// withExtIDs reads a body's required extIds and hands them to do, which
// answers nothing on success.
func withExtIDs(c *call, do func(extIDs []string) error) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	ids, err := requiredTexts(o, "extIds")
	if err != nil {
		return nil, err
	}
	return nil, do(ids)
}

func (s *Server) deleteUsersPermanently(t *state.Tenant, c *call) (any, error) {
	return withExtIDs(c, t.DeleteUsersPermanently)
}

// tagRequest is the body of tagUsers and untagUsers.
type tagRequest struct {
	tags           []string
	extIDs         []string
	checkExistence bool
}

func decodeTagRequest(c *call) (tagRequest, error) {
	var req tagRequest
	o, err := c.object()
	if err != nil {
		return req, err
	}
	// Types first, then what is missing, as Netmera's decoder reports.
	tags, _, err := o.textOrTexts("tag")
	if err != nil {
		return req, err
	}
	ids, haveIDs, err := o.texts("extIds")
	if err != nil {
		return req, err
	}
	if req.checkExistence, _, err = o.boolean("checkExistence"); err != nil {
		return req, err
	}
	if len(tags) == 0 || slices.Contains(tags, "") {
		return req, state.ErrMissing("tag")
	}
	if !haveIDs {
		return req, state.ErrMissing("extIds")
	}
	req.tags, req.extIDs = tags, ids
	return req, nil
}

func (s *Server) tagUsers(t *state.Tenant, c *call) (any, error) {
	req, err := decodeTagRequest(c)
	if err != nil {
		return nil, err
	}
	return nil, t.TagUsers(req.tags, req.extIDs)
}

// untagResponse is untagUsers' answer when checkExistence is set.
type untagResponse struct {
	NotExist []string `json:"notExist"`
}

func (s *Server) untagUsers(t *state.Tenant, c *call) (any, error) {
	req, err := decodeTagRequest(c)
	if err != nil {
		return nil, err
	}
	notExist, err := t.UntagUsers(req.tags, req.extIDs)
	if err != nil || !req.checkExistence {
		return nil, err
	}
	return untagResponse{NotExist: notExist}, nil
}
