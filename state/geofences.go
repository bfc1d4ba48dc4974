package state

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Geofence radius units, as geofence/add spells them.
const (
	UnitKM     = "KM"
	UnitMiles  = "Miles"
	UnitMeters = "Meters"
)

// metersPer converts a radius unit to meters.
var metersPer = map[string]float64{UnitKM: 1000, UnitMiles: 1609.344, UnitMeters: 1}

// FirstGeofenceID is the ID of an app's first geofence: the reference's
// sample answer is {"id": 1000}.
const FirstGeofenceID = 1000

// GeofenceRecord is a geofence of the app: a circle around a center, its
// radius as given in Unit and in meters, and the groups it belongs to.
type GeofenceRecord struct {
	ID           int64    `json:"id"`
	Title        string   `json:"title"`
	Latitude     float64  `json:"latitude"`
	Longitude    float64  `json:"longitude"`
	Radius       float64  `json:"radius"`
	Unit         string   `json:"unit"`
	RadiusMeters float64  `json:"radiusMeters"`
	Groups       []string `json:"groups,omitempty"`
}

// earthRadiusMeters is the mean radius of the Earth.
const earthRadiusMeters = 6_371_008.8

// DistanceMeters is the great-circle distance from the geofence's center
// to a point, in meters (haversine, on a spherical Earth).
func (g GeofenceRecord) DistanceMeters(latitude, longitude float64) float64 {
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLon := rad(latitude-g.Latitude), rad(longitude-g.Longitude)
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(rad(g.Latitude))*math.Cos(rad(latitude))*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusMeters * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Contains reports whether a point lies in the geofence (its border
// included).
func (g GeofenceRecord) Contains(latitude, longitude float64) bool {
	return g.DistanceMeters(latitude, longitude) <= g.RadiusMeters
}

// checkGeofence reports what is wrong with g on its own, and fills in its
// unit (KM when empty) and radius in meters.
func checkGeofence(g *GeofenceRecord) error {
	if g.Unit == "" {
		g.Unit = UnitKM
	}
	per, ok := metersPer[g.Unit]
	switch {
	case g.Title == "":
		return ErrMissing("title")
	case !ok:
		return Invalidf(CodeTypeMismatch, "Field 'unit' should be KM, Miles or Meters, not '%s'", g.Unit)
	case !(g.Latitude >= -90 && g.Latitude <= 90):
		return Invalidf(CodeTypeMismatch, "Field 'latitude' should be between -90 and 90, not %v", g.Latitude)
	case !(g.Longitude >= -180 && g.Longitude <= 180):
		return Invalidf(CodeTypeMismatch, "Field 'longitude' should be between -180 and 180, not %v", g.Longitude)
	case !(g.Radius > 0) || math.IsInf(g.Radius, 0):
		return Invalidf(CodeTypeMismatch, "Field 'radius' should be a number above 0, not %v", g.Radius)
	}
	g.RadiusMeters = g.Radius * per
	return nil
}

// AddGeofence creates a geofence from g's title, center, radius, unit
// (KM when empty) and groups, and returns it as stored, with its ID: the
// next after the largest in use, FirstGeofenceID for the app's first.
// A title already in use answers 5024.
func (t *Tenant) AddGeofence(g GeofenceRecord) (GeofenceRecord, error) {
	t.lock()
	defer t.mu.Unlock()
	if err := checkGeofence(&g); err != nil {
		return g, err
	}
	if err := t.settings.limits().geofence(&g); err != nil {
		return g, err
	}
	for _, other := range t.geofences {
		if other.Title == g.Title {
			return g, Invalidf(CodeGeofenceNameTaken, "Geofence name must be unique: '%s' is taken by geofence %d", g.Title, other.ID)
		}
	}
	g.ID = FirstGeofenceID
	if n := len(t.geofences); n > 0 {
		last := t.geofences[n-1].ID
		if last == math.MaxInt64 {
			return g, Invalidf(CodeQuotaExceeded, "No geofence ID is left after %d", last)
		}
		g.ID = last + 1
	}
	g.Groups = slices.Clone(g.Groups)
	t.geofences = append(t.geofences, g)
	return cloneGeofence(g), nil
}

// loadGeofence adds a geofence of a dataset, keeping its ID; IDs must
// ascend.
func (t *Tenant) loadGeofence(g GeofenceRecord) error {
	given := g.RadiusMeters
	if err := checkGeofence(&g); err != nil {
		return fmt.Errorf("geofence %d: %s", g.ID, err.(*Error).Message)
	}
	if given != 0 && math.Abs(given-g.RadiusMeters) > 1e-6*g.RadiusMeters {
		return fmt.Errorf("geofence %d: radiusMeters %v is not %v %s", g.ID, given, g.Radius, g.Unit)
	}
	if n := len(t.geofences); n > 0 && t.geofences[n-1].ID >= g.ID {
		return fmt.Errorf("geofence %d: IDs must ascend (after %d)", g.ID, t.geofences[n-1].ID)
	}
	for _, other := range t.geofences {
		if other.Title == g.Title {
			return fmt.Errorf("geofence %d: title %q is taken by geofence %d", g.ID, g.Title, other.ID)
		}
	}
	if err := t.settings.limits().geofence(&g); err != nil {
		return fmt.Errorf("geofence %d: %w", g.ID, plain(err))
	}
	g.Groups = slices.Clone(g.Groups)
	t.geofences = append(t.geofences, g)
	return nil
}

func cloneGeofence(g GeofenceRecord) GeofenceRecord {
	g.Groups = slices.Clone(g.Groups)
	return g
}

// Geofence returns the geofence with an ID, for location targets.
func (t *Tenant) Geofence(id int64) (GeofenceRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	g, ok := t.geofenceByID(id)
	return cloneGeofence(g), ok
}

// Geofences returns the app's geofences by ascending ID.
func (t *Tenant) Geofences() []GeofenceRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]GeofenceRecord, len(t.geofences))
	for i, g := range t.geofences {
		out[i] = cloneGeofence(g)
	}
	return out
}

// geofenceByID finds a geofence; the caller holds the lock.
func (t *Tenant) geofenceByID(id int64) (GeofenceRecord, bool) {
	i, ok := slices.BinarySearchFunc(t.geofences, id, func(g GeofenceRecord, id int64) int { return cmp.Compare(g.ID, id) })
	if !ok {
		return GeofenceRecord{}, false
	}
	return t.geofences[i], true
}
