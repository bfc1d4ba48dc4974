package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

func (s *Server) setCategoryPreferences(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	entries := make([]state.CategoryEntry, 0, len(list))
	for _, v := range list {
		var e state.CategoryEntry
		if v != nil { // a null entry names nothing and is skipped
			o, ok := asObject(v)
			if !ok {
				return nil, state.ErrInvalidJSON()
			}
			if e, err = categoryEntry(o); err != nil {
				return nil, err
			}
		}
		entries = append(entries, e)
	}
	return nil, t.SetCategoryPreferences(entries)
}

func categoryEntry(o object) (state.CategoryEntry, error) {
	var e state.CategoryEntry
	var err error
	if e.ExtID, _, err = o.text("extId"); err != nil {
		return e, err
	}
	if e.Category, _, err = o.text("category"); err != nil {
		return e, err
	}
	if e.Channel, _, err = o.text("channel"); err != nil {
		return e, err
	}
	enable, present, err := o.boolean("enable")
	if present {
		e.Enable = &enable
	}
	return e, err
}

type categoryPreferencesResponse struct {
	CategoryPreferences map[string]bool `json:"categoryPreferences"`
}

func (s *Server) getCategoryPreferences(t *state.Tenant, c *call) (any, error) {
	extID := c.param("externalId")
	if extID == "" {
		return nil, state.ErrMissing("externalId")
	}
	prefs, _ := t.CategoryPreferences(extID, "")
	return categoryPreferencesResponse{CategoryPreferences: prefs}, nil
}
