package state_test

import (
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// Registrations, fired events, event definitions and geofences are held to
// the tenant's Limits: over one, the request is refused whole with 2004
// and nothing changes.
func TestAppDataLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	tests := []struct {
		name string
		call func(tn *state.Tenant) error
		msg  string
	}{
		{name: "a registration's tag", call: func(tn *state.Tenant) error {
			return tn.RegisterUsers([]state.Registration{{ExtID: "a", Msisdn: "+1"}, {ExtID: "b", Msisdn: "+1", Tags: []string{long}}})
		}, msg: "Invalid registration at index 1: Field 'tags' should be a list of texts of at most 256 characters each, got one of 300"},
		{name: "a registration's email", call: func(tn *state.Tenant) error {
			return tn.RegisterUsers([]state.Registration{{ExtID: "a", Msisdn: "+1", Email: long}})
		}, msg: "Invalid registration at index 0: Field 'email' should be a text of at most 254 characters, got 300"},
		{name: "a registration's profile value", call: func(tn *state.Tenant) error {
			return tn.RegisterUsers([]state.Registration{{ExtID: "a", Msisdn: "+1", Profile: map[string]any{"name": strings.Repeat("y", 5000)}}})
		}, msg: "Invalid registration at index 0: Field 'profile.name' should be a text of at most 4096 characters, got 5000"},
		{name: "a fired event's attribute", call: func(tn *state.Tenant) error {
			_, err := tn.FireEvents([]state.EventEntry{{ExtID: "u1", Name: "ShareEvent", Attributes: map[string]any{"channel": strings.Repeat("y", 5000)}}})
			return err
		}, msg: "Field 'channel' should be a text of at most 4096 characters, got 5000"},
		{name: "a fired event's name", call: func(tn *state.Tenant) error {
			_, err := tn.FireEvents([]state.EventEntry{{ExtID: "u1", Name: long}})
			return err
		}, msg: "Field 'name' should be a text of at most 256 characters, got 300"},
		{name: "a geofence's groups", call: func(tn *state.Tenant) error {
			_, err := tn.AddGeofence(state.GeofenceRecord{Title: "Home", Radius: 1, Groups: []string{long}})
			return err
		}, msg: "Field 'groups' should be a list of texts of at most 256 characters each, got one of 300"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := eventTenant(t, state.Settings{})
			before := tn.Export()
			err := tt.call(tn)
			MustCode(t, tt.name, err, state.CodeTypeMismatch, state.KindInvalid)
			if got := err.(*state.Error).Message; got != tt.msg {
				t.Errorf("%s: message %q, want %q", tt.name, got, tt.msg)
			}
			MustUnchanged(t, tt.name, before, tn)
		})
	}
	tn := eventTenant(t, state.Settings{})
	if _, err := tn.DefineEvent(state.EventDefinition{Name: long}); err == nil || !strings.Contains(err.Error(), "at most 256 characters") {
		t.Errorf("DefineEvent of a 300-character name = %v, want it refused over the name limit", err)
	}
	d := tn.Export()
	d.Events = []state.EventRecord{{ExtID: "u1", Name: "ShareEvent", Code: "shrev", Attributes: map[string]any{"channel": strings.Repeat("y", 5000)}}}
	if _, err := state.NewTenant(d, state.Settings{}); err == nil || !strings.Contains(err.Error(), "events[0]") {
		t.Errorf("loading an event over the limits = %v, want events[0] refused", err)
	}
}
