package state_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestGeofenceTarget: a location target may name a geofence made with
// geofence/add; its circle is the area, in the geofence's own unit. An
// unknown geofence refuses the send with 5018 and captures nothing.
func TestGeofenceTarget(t *testing.T) {
	t.Parallel()
	tn := notifyTenant(t, state.Settings{})
	city, err := tn.AddGeofence(state.GeofenceRecord{Title: "Istanbul", Latitude: 41.0, Longitude: 29.0, Radius: 50, Unit: state.UnitKM})
	if err != nil {
		t.Fatal(err)
	}
	tiny, err := tn.AddGeofence(state.GeofenceRecord{Title: "A street", Latitude: 41.0, Longitude: 29.0, Radius: 100, Unit: state.UnitMeters})
	if err != nil {
		t.Fatal(err)
	}
	send := func(id int64) state.NotificationRecord {
		t.Helper()
		body := `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"location":{"geofenceId":` + strconv.FormatInt(id, 10) + `}}}`
		return MustNotification(t, tn, MustSend(t, tn, body))
	}
	// alice's iPhone is in Istanbul, carol's phone in Ankara.
	if diff := cmp.Diff(list("alice/a-ios"), reached(send(city.ID))); diff != "" {
		t.Errorf("a send to the Istanbul geofence reached (-want +got):\n%s", diff)
	}
	if got := reached(send(tiny.ID)); len(got) != 0 {
		t.Errorf("a send to a 100 m geofence 2 km from alice's phone reached %q, want nobody", got)
	}
	before := len(tn.Notifications(state.NotificationFilter{}))
	req := mustJSON[state.BulkSend](t, `{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"location":{"geofenceId":424242}}}`)
	_, err = tn.SendBulk(req, nil)
	var e *state.Error
	if !errors.As(err, &e) || e.Code != state.CodeGeofenceNotFound {
		t.Errorf("a send to an unknown geofence = %v, want 5018", err)
	}
	if after := len(tn.Notifications(state.NotificationFilter{})); after != before {
		t.Errorf("a refused send captured %d notifications", after-before)
	}
}

// TestWhatsAppNumberTarget: a transactional target's wpNumber names the
// users with that WhatsApp number; a number nobody has is recorded as an
// unknown address.
func TestWhatsAppNumberTarget(t *testing.T) {
	t.Parallel()
	tn := notifyTenant(t, state.Settings{})
	if err := tn.UpdateWhatsApp("carol", []string{"+905551112233"}); err != nil {
		t.Fatal(err)
	}
	key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["ANDROID"]},"target":{"wpNumber":["+905551112233","+10000000000"]}}`)
	rec := MustNotification(t, tn, key)
	if diff := cmp.Diff(list("carol/c-and"), reached(rec)); diff != "" {
		t.Errorf("a send to carol's WhatsApp number reached (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(list("+10000000000:UNKNOWN_ADDRESS"), excluded(rec)); diff != "" {
		t.Errorf("exclusions (-want +got):\n%s", diff)
	}
}
