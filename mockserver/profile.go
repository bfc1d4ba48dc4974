package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

// profileEntries reads the body of set, unset, push and pull requests.
// Entries of the wrong shape are marked malformed rather than refused, as
// Netmera skips them; keys selects unset's list-of-keys payload.
func profileEntries(c *call, keys bool) ([]state.ProfileEntry, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	entries := make([]state.ProfileEntry, len(list))
	for i, v := range list {
		entries[i] = profileEntry(v, keys)
	}
	return entries, nil
}

func profileEntry(v any, keys bool) state.ProfileEntry {
	bad := state.ProfileEntry{Malformed: true}
	o, ok := asObject(v)
	if !ok {
		return bad
	}
	var e state.ProfileEntry
	var err1, err2 error
	e.ExtID, _, err1 = o.text("extId")
	e.DeviceToken, _, err2 = o.text("deviceToken")
	if err1 != nil || err2 != nil {
		return bad
	}
	payload := o["profile"]
	if payload == nil {
		return e
	}
	if keys {
		l, ok := payload.([]any)
		if !ok {
			return bad
		}
		if e.Keys, ok = stringsOf(l); !ok {
			return bad
		}
		return e
	}
	if e.Values, ok = payload.(map[string]any); !ok {
		return bad
	}
	return e
}

func (s *Server) setProfileAttributes(t *state.Tenant, c *call) (any, error) {
	entries, err := profileEntries(c, false)
	if err != nil {
		return nil, err
	}
	return nil, t.SetProfileAttributes(entries)
}

func (s *Server) unsetProfileAttributes(t *state.Tenant, c *call) (any, error) {
	entries, err := profileEntries(c, true)
	if err != nil {
		return nil, err
	}
	return nil, t.UnsetProfileAttributes(entries)
}

func (s *Server) pushProfileAttributes(t *state.Tenant, c *call) (any, error) {
	entries, err := profileEntries(c, false)
	if err != nil {
		return nil, err
	}
	return nil, t.PushProfileAttributes(entries)
}

func (s *Server) pullProfileAttributes(t *state.Tenant, c *call) (any, error) {
	entries, err := profileEntries(c, false)
	if err != nil {
		return nil, err
	}
	return nil, t.PullProfileAttributes(entries)
}

// deleteProfileAttributes does no validation, as Netmera documents: any
// well-formed JSON answers 200, and what names keys deletes them. (The
// chain has turned an accepted single object into a list.)
func (s *Server) deleteProfileAttributes(t *state.Tenant, c *call) (any, error) {
	list, _ := c.body.([]any)
	var keys []string
	for _, e := range list {
		o, _ := asObject(e)
		names, _ := o["profile"].([]any)
		for _, k := range names {
			if key, ok := k.(string); ok {
				keys = append(keys, key)
			}
		}
	}
	t.DeleteProfileAttributes(keys)
	return nil, nil
}

func (s *Server) deleteProfileAttributeValue(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	values := make([]state.AttributeValue, 0, len(list))
	for _, v := range list {
		o, ok := asObject(v)
		if !ok && v != nil {
			return nil, state.ErrInvalidJSON()
		}
		key, _, err := o.text("key")
		if err != nil {
			return nil, err
		}
		if key == "" {
			return nil, state.ErrMissing("key")
		}
		value := o["value"]
		if value == nil {
			return nil, state.ErrMissing("value")
		}
		values = append(values, state.AttributeValue{Key: key, Value: value})
	}
	return nil, t.DeleteProfileAttributeValue(values)
}

type profileResponse struct {
	ExtID   *string        `json:"extId"`
	Profile map[string]any `json:"profile"`
}

func (s *Server) getProfileAttributes(t *state.Tenant, c *call) (any, error) {
	extID, token := c.param("extId"), c.param("deviceToken")
	if extID == "" && token == "" {
		return nil, state.ErrMissing("extId")
	}
	profile, _ := t.ProfileAttributes(extID, token)
	resp := profileResponse{Profile: profile}
	if extID != "" {
		resp.ExtID = &extID
	}
	return resp, nil
}

type attributeDefinition struct {
	Code     string `json:"code"`
	DataType string `json:"dataType"`
	Name     string `json:"name"`
	IsArray  bool   `json:"isArray,omitempty"`
}

type attributeDefinitions struct {
	Standard []attributeDefinition `json:"standardProfileAttributes"`
	Custom   []attributeDefinition `json:"customProfileAttributes"`
}

func (s *Server) listProfileAttributes(t *state.Tenant, _ *call) (any, error) {
	out := attributeDefinitions{Standard: []attributeDefinition{}, Custom: []attributeDefinition{}}
	for _, a := range t.Attributes() {
		d := attributeDefinition{Code: a.Code, DataType: string(a.DataType), Name: a.Code, IsArray: a.IsArray}
		if a.Standard {
			out.Standard = append(out.Standard, d)
		} else {
			out.Custom = append(out.Custom, d)
		}
	}
	return out, nil
}
