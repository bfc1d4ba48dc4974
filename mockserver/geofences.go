package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

// geofenceCreated is geofence/add's answer.
type geofenceCreated struct {
	ID int64 `json:"id"`
}

// addGeofence creates a geofence and answers its ID.
func (s *Server) addGeofence(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	var g state.GeofenceRecord
	var have [4]bool
	if g.Title, have[0], err = o.text("title"); err != nil {
		return nil, err
	}
	for i, f := range []struct {
		name string
		dst  *float64
	}{{"latitude", &g.Latitude}, {"longitude", &g.Longitude}, {"radius", &g.Radius}} {
		if *f.dst, have[i+1], err = o.number(f.name); err != nil {
			return nil, err
		}
	}
	if g.Unit, _, err = o.text("unit"); err != nil {
		return nil, err
	}
	if g.Groups, _, err = o.texts("groups"); err != nil {
		return nil, err
	}
	for i, name := range []string{"title", "latitude", "longitude", "radius"} {
		if !have[i] {
			return nil, state.ErrMissing(name)
		}
	}
	stored, err := t.AddGeofence(g)
	if err != nil {
		return nil, err
	}
	return geofenceCreated{ID: stored.ID}, nil
}
