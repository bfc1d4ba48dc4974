package state_test

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestAddGeofence(t *testing.T) {
	t.Parallel()
	tn := MustTenant(t, smallDataset(), state.Settings{})
	steps := []struct {
		in   state.GeofenceRecord
		want state.GeofenceRecord
	}{
		{in: state.GeofenceRecord{Title: "Sample Geofence", Latitude: 38.43225, Longitude: 40.212421, Radius: 5, Groups: []string{"Sample Group"}},
			want: state.GeofenceRecord{ID: 1000, Title: "Sample Geofence", Latitude: 38.43225, Longitude: 40.212421, Radius: 5, Unit: "KM",
				RadiusMeters: 5000, Groups: []string{"Sample Group"}}},
		{in: state.GeofenceRecord{Title: "Miles", Radius: 2, Unit: "Miles"},
			want: state.GeofenceRecord{ID: 1001, Title: "Miles", Radius: 2, Unit: "Miles", RadiusMeters: 3218.688}},
		{in: state.GeofenceRecord{Title: "Meters", Latitude: -90, Longitude: 180, Radius: 150.5, Unit: "Meters"},
			want: state.GeofenceRecord{ID: 1002, Title: "Meters", Latitude: -90, Longitude: 180, Radius: 150.5, Unit: "Meters", RadiusMeters: 150.5}},
	}
	for _, st := range steps {
		got, err := tn.AddGeofence(st.in)
		MustOK(t, "AddGeofence("+st.in.Title+")", err)
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("AddGeofence(%s) (-want +got):\n%s", st.in.Title, diff)
		}
		if g, ok := tn.Geofence(st.want.ID); !ok || !cmp.Equal(g, st.want) {
			t.Errorf("Geofence(%d) = %+v, %t; want %+v", st.want.ID, g, ok, st.want)
		}
	}
	if _, ok := tn.Geofence(999); ok {
		t.Errorf("Geofence(999) found one")
	}
	if got := len(tn.Geofences()); got != 3 {
		t.Errorf("Geofences() has %d, want 3", got)
	}
	MustConsistent(t, tn)
}

func TestAddGeofenceRefuses(t *testing.T) {
	t.Parallel()
	ok := state.GeofenceRecord{Title: "Home", Latitude: 41, Longitude: 29, Radius: 1}
	with := func(f func(*state.GeofenceRecord)) state.GeofenceRecord {
		g := ok
		f(&g)
		return g
	}
	tests := []struct {
		name string
		in   state.GeofenceRecord
		code int
		msg  string
	}{
		{name: "no title", in: with(func(g *state.GeofenceRecord) { g.Title = "" }), code: state.CodeMissingParameter, msg: "title is required"},
		{name: "a unit in lower case", in: with(func(g *state.GeofenceRecord) { g.Unit = "km" }), code: state.CodeTypeMismatch,
			msg: "Field 'unit' should be KM, Miles or Meters, not 'km'"},
		{name: "latitude past 90", in: with(func(g *state.GeofenceRecord) { g.Latitude = 90.5 }), code: state.CodeTypeMismatch,
			msg: "Field 'latitude' should be between -90 and 90, not 90.5"},
		{name: "longitude past -180", in: with(func(g *state.GeofenceRecord) { g.Longitude = -181 }), code: state.CodeTypeMismatch,
			msg: "Field 'longitude' should be between -180 and 180, not -181"},
		{name: "a zero radius", in: with(func(g *state.GeofenceRecord) { g.Radius = 0 }), code: state.CodeTypeMismatch,
			msg: "Field 'radius' should be a number above 0, not 0"},
		{name: "an infinite radius", in: with(func(g *state.GeofenceRecord) { g.Radius = math.Inf(1) }), code: state.CodeTypeMismatch,
			msg: "Field 'radius' should be a number above 0, not +Inf"},
		{name: "a title in use", in: with(func(g *state.GeofenceRecord) { g.Title = "Taken" }), code: state.CodeGeofenceNameTaken,
			msg: "Geofence name must be unique: 'Taken' is taken by geofence 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tn := MustTenant(t, smallDataset(), state.Settings{})
			if _, err := tn.AddGeofence(state.GeofenceRecord{Title: "Taken", Radius: 1}); err != nil {
				t.Fatal(err)
			}
			before := tn.Export()
			_, err := tn.AddGeofence(tt.in)
			MustCode(t, "AddGeofence", err, tt.code, state.KindInvalid)
			if got := err.(*state.Error).Message; got != tt.msg {
				t.Errorf("AddGeofence: message %q, want %q", got, tt.msg)
			}
			MustUnchanged(t, "a refused AddGeofence", before, tn)
		})
	}
}

func TestGeofenceContains(t *testing.T) {
	t.Parallel()
	// Kadıköy pier and a point about 1.1 km east of it.
	g := state.GeofenceRecord{Latitude: 40.9909, Longitude: 29.0230, RadiusMeters: 1000}
	tests := []struct {
		name     string
		lat, lon float64
		want     bool
	}{
		{name: "the center", lat: 40.9909, lon: 29.0230, want: true},
		{name: "900 m north", lat: 40.9909 + 900/111_195.0, lon: 29.0230, want: true},
		{name: "1.1 km east", lat: 40.9909, lon: 29.0230 + 1100/(111_195.0*math.Cos(40.9909*math.Pi/180)), want: false},
		{name: "across the antimeridian", lat: 0, lon: -179.999, want: false},
	}
	for _, tt := range tests {
		if got := g.Contains(tt.lat, tt.lon); got != tt.want {
			t.Errorf("%s: Contains(%v, %v) = %t (distance %.1f m), want %t", tt.name, tt.lat, tt.lon, got, g.DistanceMeters(tt.lat, tt.lon), tt.want)
		}
	}
	near := state.GeofenceRecord{Latitude: 0, Longitude: 179.9995, RadiusMeters: 200}
	if !near.Contains(0, -179.9995) {
		t.Errorf("a point 111 m away across the antimeridian is outside a 200 m geofence (distance %.1f m)", near.DistanceMeters(0, -179.9995))
	}
}
