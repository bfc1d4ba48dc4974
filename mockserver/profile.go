package mockserver

import (
	"encoding/json"
	"net/http"

	"github.com/netmera-mock/netmera-mock/state"
)

// profileEntries decodes the body of set, unset, push and pull requests.
// Entries of the wrong shape are marked malformed rather than refused, as
// Netmera skips them; keys selects unset's list-of-keys payload.
func (s *Server) profileEntries(r *http.Request, keys bool) ([]state.ProfileEntry, error) {
	raws, err := decodeArray(r, s.acceptsSingle(false))
	if err != nil {
		return nil, err
	}
	entries := make([]state.ProfileEntry, len(raws))
	for i, raw := range raws {
		entries[i] = profileEntry(raw, keys)
	}
	return entries, nil
}

func profileEntry(raw json.RawMessage, keys bool) state.ProfileEntry {
	bad := state.ProfileEntry{Malformed: true}
	m, ok := entryObject(raw)
	if !ok {
		return bad
	}
	var e state.ProfileEntry
	var ok1, ok2 bool
	e.ExtID, ok1 = optString(m, "extId")
	e.DeviceToken, ok2 = optString(m, "deviceToken")
	if !ok1 || !ok2 {
		return bad
	}
	payload, present := m["profile"]
	if !present || string(payload) == "null" {
		return e
	}
	if keys {
		var list []string
		if err := json.Unmarshal(payload, &list); err != nil {
			return bad
		}
		e.Keys = list
		return e
	}
	var values map[string]any
	if err := decodeValue(payload, &values); err != nil {
		return bad
	}
	e.Values = values
	return e
}

func (s *Server) setProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	entries, err := s.profileEntries(r, false)
	if err != nil {
		return nil, err
	}
	return nil, t.SetProfileAttributes(entries)
}

func (s *Server) unsetProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	entries, err := s.profileEntries(r, true)
	if err != nil {
		return nil, err
	}
	return nil, t.UnsetProfileAttributes(entries)
}

func (s *Server) pushProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	entries, err := s.profileEntries(r, false)
	if err != nil {
		return nil, err
	}
	return nil, t.PushProfileAttributes(entries)
}

func (s *Server) pullProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	entries, err := s.profileEntries(r, false)
	if err != nil {
		return nil, err
	}
	return nil, t.PullProfileAttributes(entries)
}

// deleteProfileAttributes does no validation, as Netmera documents: any
// well-formed JSON answers 200, and what names keys deletes them.
func (s *Server) deleteProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	b, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var body any
	if err := unmarshal(b, &body); err != nil {
		return nil, err
	}
	var elems []any
	switch v := body.(type) {
	case []any:
		elems = v
	case map[string]any:
		if !s.acceptsSingle(true) {
			return nil, state.ErrInvalidJSON()
		}
		elems = []any{v}
	}
	var keys []string
	for _, e := range elems {
		m, _ := e.(map[string]any)
		list, _ := m["profile"].([]any)
		for _, k := range list {
			if key, ok := k.(string); ok {
				keys = append(keys, key)
			}
		}
	}
	t.DeleteProfileAttributes(keys)
	return nil, nil
}

type attributeValueEntry struct {
	Key   *string `json:"key"`
	Value any     `json:"value"`
}

func (s *Server) deleteProfileAttributeValue(r *http.Request, t *state.Tenant) (any, error) {
	raws, err := decodeArray(r, s.acceptsSingle(true))
	if err != nil {
		return nil, err
	}
	values := make([]state.AttributeValue, 0, len(raws))
	for _, raw := range raws {
		var e attributeValueEntry
		if err := unmarshal(raw, &e); err != nil {
			return nil, err
		}
		if e.Key == nil || *e.Key == "" {
			return nil, state.ErrMissing("key")
		}
		if e.Value == nil {
			return nil, state.ErrMissing("value")
		}
		values = append(values, state.AttributeValue{Key: *e.Key, Value: e.Value})
	}
	t.DeleteProfileAttributeValue(values)
	return nil, nil
}

type profileResponse struct {
	ExtID   *string        `json:"extId"`
	Profile map[string]any `json:"profile"`
}

func (s *Server) getProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
	q := r.URL.Query()
	extID, token := q.Get("extId"), q.Get("deviceToken")
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

func (s *Server) listProfileAttributes(r *http.Request, t *state.Tenant) (any, error) {
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
