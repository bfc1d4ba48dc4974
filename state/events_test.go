package state_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// testEvents are a standard purchase event, a custom event extending it,
// and a custom share event.
func testEvents() []state.EventDefinition {
	return []state.EventDefinition{
		{Code: "n:pr", Name: "PurchaseEvent", Standard: true, Attributes: []state.EventAttribute{
			{Name: "amount", DataType: state.TypeDouble, Mandatory: true},
			{Name: "itemCount", DataType: state.TypeInteger},
		}},
		{Code: "subpr", Name: "SubscriptionPurchase", BaseEvent: "n:pr", Attributes: []state.EventAttribute{
			{Name: "plan", DataType: state.TypeString, Mandatory: true},
		}},
		{Code: "shrev", Name: "ShareEvent", Attributes: []state.EventAttribute{
			{Name: "itemId", DataType: state.TypeString},
			{Name: "channel", DataType: state.TypeString, Mandatory: true},
			{Name: "tags", DataType: state.TypeString, IsArray: true},
		}},
	}
}

// eventTenant is smallDataset with testEvents, on a clock standing still.
func eventTenant(tb testing.TB, s state.Settings) *state.Tenant {
	tb.Helper()
	d := smallDataset()
	d.EventDefinitions = testEvents()
	tn := MustTenant(tb, d, s)
	mustSetClock(tb, tn, time.UnixMilli(1_700_000_000_000), true)
	return tn
}

func TestFireEvents(t *testing.T) {
	t.Parallel()
	tn := eventTenant(t, state.Settings{})
	entries := []state.EventEntry{
		{ExtID: "u1", Name: "PurchaseEvent", Attributes: map[string]any{"amount": 42, "itemCount": 2}},
		{ExtID: "u1", Name: "purchaseEvent", Attributes: map[string]any{"amount": 1}},
		{ExtID: "u2", Name: "shrev", Attributes: map[string]any{"channel": "Facebook", "itemId": "4234", "Channel": "x", "color": "red"}},
		{ExtID: "u2", Name: "ShareEvent", Attributes: map[string]any{"Channel": "Facebook"}},
		{ExtID: "u2", Name: "PurchaseEvent", Attributes: map[string]any{"amount": "42"}},
		{ExtID: "u1", Name: "SubscriptionPurchase", Attributes: map[string]any{"plan": "gold", "amount": 9.5, "itemCount": "two"}},
		{ExtID: "u1", Name: "SubscriptionPurchase", Attributes: map[string]any{"plan": "gold"}},
		{ExtID: "ghost", Name: "PurchaseEvent", Attributes: map[string]any{"amount": 1}},
		{ExtID: "u3", Name: "ShareEvent", Attributes: map[string]any{"channel": "Mail", "tags": []any{"a", "b"}}},
	}
	got, err := tn.FireEvents(entries)
	MustOK(t, "FireEvents", err)
	MustConsistent(t, tn)
	want := []state.EventOutcome{
		{Index: 0, ExtID: "u1", Name: "PurchaseEvent", Accepted: true},
		{Index: 1, ExtID: "u1", Name: "purchaseEvent", Reason: `unknown event "purchaseEvent" (event names and codes are case-sensitive)`},
		{Index: 2, ExtID: "u2", Name: "shrev", Accepted: true, Reason: `dropped "Channel" (not an attribute of ShareEvent), "color" (not an attribute of ShareEvent)`},
		{Index: 3, ExtID: "u2", Name: "ShareEvent", Reason: `mandatory attribute "channel" is missing (attribute keys are case-sensitive)`},
		{Index: 4, ExtID: "u2", Name: "PurchaseEvent", Reason: `mandatory attribute "amount" should be a DOUBLE`},
		{Index: 5, ExtID: "u1", Name: "SubscriptionPurchase", Accepted: true, Reason: `dropped "itemCount" (not an INTEGER)`},
		{Index: 6, ExtID: "u1", Name: "SubscriptionPurchase", Reason: `mandatory attribute "amount" is missing (attribute keys are case-sensitive)`},
		{Index: 7, ExtID: "ghost", Name: "PurchaseEvent", Reason: `unknown user "ghost"`},
		{Index: 8, ExtID: "u3", Name: "ShareEvent", Accepted: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FireEvents outcomes (-want +got):\n%s", diff)
	}
	at := int64(1_700_000_000_000)
	wantU1 := []state.EventRecord{
		{ExtID: "u1", Name: "SubscriptionPurchase", Code: "subpr", Attributes: map[string]any{"plan": "gold", "amount": 9.5}, ReceivedAt: at},
		{ExtID: "u1", Name: "PurchaseEvent", Code: "n:pr", Attributes: map[string]any{"amount": 42.0, "itemCount": int64(2)}, ReceivedAt: at},
	}
	if diff := cmp.Diff(wantU1, tn.Events(state.EventFilter{ExtID: "u1"})); diff != "" {
		t.Errorf("Events(u1), newest first (-want +got):\n%s", diff)
	}
	if got := tn.Events(state.EventFilter{ExtID: "u1", Name: "PurchaseEvent"}); len(got) != 1 || got[0].Attributes["amount"] != 42.0 {
		t.Errorf("Events(u1, PurchaseEvent) = %+v, want the one with amount 42", got)
	}
	if got := tn.Events(state.EventFilter{Name: "ShareEvent"}); len(got) != 2 || got[0].ExtID != "u3" || got[1].ExtID != "u2" {
		t.Errorf("Events(ShareEvent) = %+v, want u3's then u2's", got)
	}
	if got := tn.Events(state.EventFilter{Limit: 1}); len(got) != 1 || got[0].ExtID != "u3" {
		t.Errorf("Events(limit 1) = %+v, want the newest, u3's", got)
	}
}

func TestFireEventsLimit(t *testing.T) {
	t.Parallel()
	tn := eventTenant(t, state.Settings{MaxIDs: 1})
	before := tn.Export()
	_, err := tn.FireEvents([]state.EventEntry{{ExtID: "u1", Name: "PurchaseEvent"}, {ExtID: "u2", Name: "PurchaseEvent"}})
	MustCode(t, "FireEvents", err, state.CodeInvalidJSON, state.KindInvalid)
	MustUnchanged(t, "a refused FireEvents", before, tn)
}

// The tenant keeps the newest MaxEvents events, and a user deleted for
// good takes their events along.
func TestEventsBound(t *testing.T) {
	t.Parallel()
	tn := eventTenant(t, state.Settings{MaxEvents: 3})
	for i := range 5 {
		user := []string{"u1", "u2"}[i%2]
		if _, err := tn.FireEvents([]state.EventEntry{{ExtID: user, Name: "PurchaseEvent", Attributes: map[string]any{"amount": i}}}); err != nil {
			t.Fatal(err)
		}
	}
	MustConsistent(t, tn)
	amounts := func(f state.EventFilter) []float64 {
		var out []float64
		for _, e := range tn.Events(f) {
			out = append(out, e.Attributes["amount"].(float64))
		}
		return out
	}
	if got, want := amounts(state.EventFilter{}), []float64{4, 3, 2}; !cmp.Equal(got, want) {
		t.Errorf("kept events' amounts %v, want %v", got, want)
	}
	if got, want := amounts(state.EventFilter{ExtID: "u1"}), []float64{4, 2}; !cmp.Equal(got, want) {
		t.Errorf("u1's amounts %v, want %v", got, want)
	}
	MustOK(t, "DeleteUsersPermanently", tn.DeleteUsersPermanently([]string{"u1"}))
	MustConsistent(t, tn)
	if got, want := amounts(state.EventFilter{}), []float64{3}; !cmp.Equal(got, want) {
		t.Errorf("after u1 is deleted, kept amounts %v, want %v", got, want)
	}
	for i := range 2000 { // past the compaction threshold, one user at a time
		if _, err := tn.FireEvents([]state.EventEntry{{ExtID: "u2", Name: "PurchaseEvent", Attributes: map[string]any{"amount": i}}}); err != nil {
			t.Fatal(err)
		}
	}
	MustConsistent(t, tn)
	if got, want := amounts(state.EventFilter{ExtID: "u2"}), []float64{1999, 1998, 1997}; !cmp.Equal(got, want) {
		t.Errorf("u2's amounts %v, want %v", got, want)
	}
}

func TestDefineEvent(t *testing.T) {
	t.Parallel()
	tn := eventTenant(t, state.Settings{})
	got, err := tn.DefineEvent(state.EventDefinition{Name: "Checkout", Attributes: []state.EventAttribute{{Name: "total", DataType: state.TypeDouble}}})
	MustOK(t, "DefineEvent(Checkout)", err)
	if got.Code != "Checkout" {
		t.Errorf("a definition without code got code %q, want its name", got.Code)
	}
	// A new definition of the same name replaces it and keeps its code.
	got, err = tn.DefineEvent(state.EventDefinition{Name: "ShareEvent", Attributes: []state.EventAttribute{{Name: "channel", DataType: state.TypeString}}})
	MustOK(t, "DefineEvent(ShareEvent again)", err)
	if got.Code != "shrev" || len(got.Attributes) != 1 {
		t.Errorf("redefined ShareEvent = %+v, want code shrev and one attribute", got)
	}
	// A standard event that others extend may gain attributes.
	_, err = tn.DefineEvent(state.EventDefinition{Name: "PurchaseEvent", Code: "n:pr", Standard: true, Attributes: []state.EventAttribute{
		{Name: "amount", DataType: state.TypeDouble}, {Name: "currency", DataType: state.TypeString}}})
	MustOK(t, "DefineEvent(PurchaseEvent again)", err)
	MustConsistent(t, tn)
	var names []string
	for _, d := range tn.EventDefinitions() {
		names = append(names, d.Name)
	}
	if want := []string{"PurchaseEvent", "SubscriptionPurchase", "ShareEvent", "Checkout"}; !cmp.Equal(names, want) {
		t.Errorf("EventDefinitions names %q, want %q", names, want)
	}
	sub := tn.EventCatalog()[1]
	wantAll := []state.EventAttribute{
		{Name: "amount", DataType: state.TypeDouble, Inherited: true},
		{Name: "currency", DataType: state.TypeString, Inherited: true},
		{Name: "plan", DataType: state.TypeString, Mandatory: true},
	}
	if diff := cmp.Diff(wantAll, sub.Attributes); diff != "" {
		t.Errorf("EventCatalog's SubscriptionPurchase attributes (-want +got):\n%s", diff)
	}
	if own := tn.EventDefinitions()[1].Attributes; len(own) != 1 {
		t.Errorf("EventDefinitions' SubscriptionPurchase has %d attributes, want its own one", len(own))
	}

	refusals := []struct {
		name string
		def  state.EventDefinition
		want string
	}{
		{name: "no name", def: state.EventDefinition{Code: "x"}, want: "name and code are required"},
		{name: "a taken code", def: state.EventDefinition{Name: "Other", Code: "shrev"}, want: `code "shrev" is taken by "ShareEvent"`},
		{name: "an unknown base", def: state.EventDefinition{Name: "Other", BaseEvent: "n:none"}, want: `base event "n:none" is not defined`},
		{name: "a custom base", def: state.EventDefinition{Name: "Other", BaseEvent: "shrev"}, want: `base event "shrev" is not a standard event`},
		{name: "an inherited attribute again", def: state.EventDefinition{Name: "Other", BaseEvent: "n:pr",
			Attributes: []state.EventAttribute{{Name: "amount", DataType: state.TypeDouble}}}, want: `attribute "amount" is empty, reserved`},
		{name: "a reserved attribute", def: state.EventDefinition{Name: "Other",
			Attributes: []state.EventAttribute{{Name: "extId", DataType: state.TypeString}}}, want: `attribute "extId" is empty, reserved`},
		{name: "an unknown type", def: state.EventDefinition{Name: "Other",
			Attributes: []state.EventAttribute{{Name: "x", DataType: "MONEY"}}}, want: `unknown dataType "MONEY"`},
		{name: "a new code for a known name", def: state.EventDefinition{Name: "ShareEvent", Code: "other"}, want: `a new definition keeps both`},
		{name: "a base that would clash", def: state.EventDefinition{Name: "PurchaseEvent", Code: "n:pr", Standard: true,
			Attributes: []state.EventAttribute{{Name: "plan", DataType: state.TypeString}}}, want: `"SubscriptionPurchase" extends "PurchaseEvent"`},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before := tn.Export()
			_, err := tn.DefineEvent(tt.def)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DefineEvent(%+v) = %v, want an error saying %q", tt.def, err, tt.want)
			}
			MustUnchanged(t, "a refused DefineEvent", before, tn)
		})
	}
}

// Event definitions, fired events and geofences survive an export and a
// load, and a dataset with bad ones does not load.
func TestAppDataRoundTrip(t *testing.T) {
	t.Parallel()
	tn := eventTenant(t, state.Settings{})
	if _, err := tn.FireEvents([]state.EventEntry{{ExtID: "u1", Name: "ShareEvent", Attributes: map[string]any{"channel": "x", "tags": []any{"a"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddGeofence(state.GeofenceRecord{Title: "Home", Latitude: 41, Longitude: 29, Radius: 2, Groups: []string{"g"}}); err != nil {
		t.Fatal(err)
	}
	MustOK(t, "AddTesters", tn.AddTesters([]state.TesterEntry{{ExtID: "u2"}}))
	first := tn.Export()
	second := MustTenant(t, first, state.Settings{}).Export()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("export, load, export differs (-first +second):\n%s", diff)
	}

	bad := []struct {
		name   string
		modify func(d *state.Dataset)
		want   string
	}{
		{name: "an event of an unknown user", modify: func(d *state.Dataset) { d.Events[0].ExtID = "ghost" }, want: `events[0]: user "ghost" does not exist`},
		{name: "an event never defined", modify: func(d *state.Dataset) { d.Events[0].Name = "Nope" }, want: `events[0]: event "Nope"`},
		{name: "an attribute not defined", modify: func(d *state.Dataset) { d.Events[0].Attributes["x"] = 1 }, want: `"x" is not an attribute of ShareEvent`},
		{name: "an attribute of the wrong type", modify: func(d *state.Dataset) { d.Events[0].Attributes["channel"] = 1 }, want: `attribute "channel": 1 is not a STRING`},
		{name: "a definition twice", modify: func(d *state.Dataset) { d.EventDefinitions = append(d.EventDefinitions, d.EventDefinitions[0]) }, want: "defined twice"},
		{name: "geofence IDs out of order", modify: func(d *state.Dataset) { d.Geofences = append(d.Geofences, d.Geofences[0]) }, want: "IDs must ascend"},
		{name: "a geofence of a bad unit", modify: func(d *state.Dataset) { d.Geofences[0].Unit = "km" }, want: "Field 'unit' should be KM, Miles or Meters"},
		{name: "a geofence's meters wrong", modify: func(d *state.Dataset) { d.Geofences[0].RadiusMeters = 5 }, want: "radiusMeters 5 is not 2 KM"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			d := tn.Export()
			tt.modify(d)
			if _, err := state.NewTenant(d, state.Settings{}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewTenant = %v, want an error saying %q", err, tt.want)
			}
		})
	}
}
