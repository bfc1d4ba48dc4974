package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

// pushCategory is one entry of getPushCategories.
type pushCategory struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// getPushCategories lists the app's push categories, one object per
// category, by ID.
func (s *Server) getPushCategories(t *state.Tenant, _ *call) (any, error) {
	out := []pushCategory{}
	for _, c := range t.Categories() {
		out = append(out, pushCategory{ID: c.ID, Name: c.Name})
	}
	return out, nil
}

// eventDefinitions is app/events' answer.
type eventDefinitions struct {
	Standard []eventDefinition `json:"standardEvents"`
	Custom   []eventDefinition `json:"customEvents"`
}

// eventDefinition is one event of app/events: fields without a value are
// left out, attributes inherited from the base event come first.
type eventDefinition struct {
	Code       string                 `json:"code"`
	Name       string                 `json:"name"`
	Label      string                 `json:"label,omitempty"`
	BaseEvent  string                 `json:"baseEvent,omitempty"`
	Attributes []state.EventAttribute `json:"attributes"`
}

// listEvents lists the app's standard and custom event definitions.
func (s *Server) listEvents(t *state.Tenant, _ *call) (any, error) {
	out := eventDefinitions{Standard: []eventDefinition{}, Custom: []eventDefinition{}}
	for _, d := range t.EventCatalog() {
		e := eventDefinition{Code: d.Code, Name: d.Name, Label: d.Label, BaseEvent: d.BaseEvent, Attributes: d.Attributes}
		if d.Standard {
			out.Standard = append(out.Standard, e)
		} else {
			out.Custom = append(out.Custom, e)
		}
	}
	return out, nil
}

// addTesters makes every device of each user named a test device. As
// Netmera answers 200 in every case, an entry that is not an object, or
// whose extId or email is not a text, names nobody and is ignored.
func (s *Server) addTesters(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	entries := make([]state.TesterEntry, 0, len(list))
	for _, v := range list {
		o, ok := asObject(v)
		if !ok {
			continue
		}
		var e state.TesterEntry
		e.ExtID, _, _ = o.text("extId")
		e.Email, _, _ = o.text("email")
		entries = append(entries, e)
	}
	return nil, t.AddTesters(entries)
}
