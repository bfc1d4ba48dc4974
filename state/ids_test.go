package state_test

import (
	"math"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestNextIDsRunOut: where the largest ID in use is the largest an ID can
// be, a call that leaves the ID to the fake is refused and changes nothing,
// instead of wrapping to a negative ID.
func TestNextIDsRunOut(t *testing.T) {
	d := smallDataset()
	d.Categories = append(d.Categories, state.Category{ID: math.MaxInt, Name: "last category"})
	d.Segments = append(d.Segments, state.SegmentRecord{ID: math.MaxInt64, Name: "last segment", Type: state.SegmentStandard})
	d.Geofences = append(d.Geofences, state.GeofenceRecord{ID: math.MaxInt64, Title: "Last", Latitude: 41, Longitude: 29,
		Radius: 1, Unit: state.UnitKM, Groups: []string{"g"}})
	tn := MustTenant(t, d, state.Settings{})
	before := tn.Export()
	if c, err := tn.DefineCategory(state.Category{Name: "next"}); err == nil {
		t.Errorf("DefineCategory after ID %d = %+v, want an error", math.MaxInt, c)
	}
	if id, err := tn.PutSegment(state.SegmentRecord{Name: "next"}); err == nil {
		t.Errorf("PutSegment after ID %d = %d, want an error", int64(math.MaxInt64), id)
	}
	_, err := tn.AddGeofence(state.GeofenceRecord{Title: "Next", Latitude: 41, Longitude: 29, Radius: 1, Groups: []string{"g"}})
	MustCode(t, "AddGeofence after the largest ID", err, state.CodeQuotaExceeded, state.KindInvalid)
	MustUnchanged(t, "refused calls", before, tn)
}

// TestMessageIDsRunOut: past the largest message ID, a send that would
// wait for approval is refused with 5022 before anything is captured, and
// the control API's CreateMessage without an ID is refused.
func TestMessageIDsRunOut(t *testing.T) {
	d := notifyDataset()
	d.Messages = append(d.Messages, state.MessageRecord{MessageID: math.MaxInt64, Title: "Last", Text: "x", Status: state.MessageApproved})
	tn := MustTenant(t, d, state.Settings{RequireApproval: true})
	mustSetClock(t, tn, t0, true)
	before := tn.Export()
	var req state.BulkSend
	MustOK(t, "decode", jsonDecode(laterSend, &req))
	_, err := tn.SendBulk(req, []byte(laterSend))
	MustCode(t, "SendBulk awaiting approval after the largest message ID", err, state.CodeQuotaExceeded, state.KindInvalid)
	if m, err := tn.CreateMessage(state.MessageRecord{Title: "next", Text: "x"}); err == nil {
		t.Errorf("CreateMessage after the largest message ID = %+v, want an error", m)
	}
	MustUnchanged(t, "refused calls", before, tn)
	MustNoNotifications(t, tn)
}
