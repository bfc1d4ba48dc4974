package contracts

import (
	"context"
	"net/http"
	"net/url"
)

// wantEvents checks, through GET /_mock/events, the events a user fired,
// newest first, leaving out when each was received.
func wantEvents(c *Check, extID string, want arr) {
	var got struct{ Events []map[string]any }
	c.mock(http.MethodGet, "/_mock/events?extId="+url.QueryEscape(extID), nil, &got)
	for _, e := range got.Events {
		delete(e, "receivedAt")
	}
	w, _ := jsonOf(want)
	g, _ := jsonOf(got.Events)
	if d := diffValues(w, g); d != "" {
		c.Errorf("GET /_mock/events?extId=%s: the events of %q differ (-want +got):\n%s", extID, extID, d)
	}
}

func eventCases() []Case {
	return []Case{
		{
			Name: "events/unknown-users", Tags: []Tag{LiveSafe},
			Doc: "fireEvents answers 200 with no body whatever becomes of each event: the reference's ShareEvent for an unknown user, an unknown event, and one without its attributes.",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.Applied(c.Do(post, apiPath("fireEvents"), arr{
					obj{"extId": u, "name": "ShareEvent", "itemId": "4234", "channel": "Facebook"},
					obj{"extId": u, "name": c.ID("NoSuchEvent")},
					obj{"extId": u, "name": "ShareEvent"},
				}))
			},
		},
		{
			Name: "events/refusals", Tags: []Tag{LiveSafe},
			Doc: "fireEvents refuses a single object and an entry that is not an object (2009), an event without extId or name (2020), and a name that is not a text (2004).",
			Run: func(ctx context.Context, c *Check) {
				u := c.ID("u1")
				c.refuseAll([]refusal{
					{name: "single object", method: post, path: apiPath("fireEvents"), body: obj{"extId": u, "name": "ShareEvent"}, code: 2009, message: msgInvalidJSON},
					{name: "entry not an object", method: post, path: apiPath("fireEvents"), body: arr{"ShareEvent"}, code: 2009, message: msgInvalidJSON},
					{name: "no extId", method: post, path: apiPath("fireEvents"), body: arr{obj{"name": "ShareEvent"}}, code: 2020, message: "extId is required"},
					{name: "no name", method: post, path: apiPath("fireEvents"), body: arr{obj{"extId": u}}, code: 2020, message: "name is required"},
					{name: "name not a text", method: post, path: apiPath("fireEvents"), body: arr{obj{"extId": u, "name": 7}}, code: 2004, message: "Field 'name' should be a text"},
				})
			},
		},
		{
			Name: "events/read-back", Tags: []Tag{MockOnly},
			Doc: "Events fired as netmera4j sends them are stored per user, newest first; an unknown or miscased event, or one without a mandatory attribute, is dropped alone; attribute keys of another case are dropped.",
			Why: "Netmera has no endpoint that reads fired events: they are read through GET /_mock/events",
			Run: func(ctx context.Context, c *Check) {
				c.Applied(c.Do(post, apiPath("fireEvents"), arr{
					obj{"extId": "id_in_my_system_1", "name": "ShareEvent", "itemId": "4234", "channel": "Facebook"},
					obj{"extId": "id_in_my_system_1", "name": "shareEvent", "channel": "Twitter"},
					obj{"extId": "id_in_my_system_1", "name": "ShareEvent", "Channel": "Mail"},
					obj{"extId": "id_in_my_system_1", "name": "OrderCancelEvent", "paymentMethod": "Credit Card", "subTotal": 20.0,
						"itemCount": 4, "grandTotal": 35.0, "GrandTotal": 1},
				}))
				wantEvents(c, "id_in_my_system_1", arr{
					obj{"extId": "id_in_my_system_1", "name": "OrderCancelEvent", "code": "n:oc",
						"attributes": obj{"paymentMethod": "Credit Card", "subTotal": 20, "itemCount": 4, "grandTotal": 35}},
					obj{"extId": "id_in_my_system_1", "name": "ShareEvent", "code": "shrev", "attributes": obj{"itemId": "4234", "channel": "Facebook"}},
				})
			},
		},
	}
}

func geofenceCases() []Case {
	return []Case{
		{
			Name: "geofences/refusals", Tags: []Tag{LiveSafe},
			Doc: "geofence/add refuses a missing title, latitude, longitude or radius (2020), a member of the wrong type or an unknown unit (2004), and an array body (2009).",
			Run: func(ctx context.Context, c *Check) {
				title := c.ID("geofence")
				c.refuseAll([]refusal{
					{name: "no title", method: post, path: apiPath("geofence/add"), body: obj{"latitude": 41, "longitude": 29, "radius": 1}, code: 2020, message: "title is required"},
					{name: "no radius", method: post, path: apiPath("geofence/add"), body: obj{"title": title, "latitude": 41, "longitude": 29}, code: 2020, message: "radius is required"},
					{name: "latitude a text", method: post, path: apiPath("geofence/add"), body: obj{"title": title, "latitude": "41", "longitude": 29, "radius": 1},
						code: 2004, message: "Field 'latitude' should be a number"},
					{name: "unit in lower case", method: post, path: apiPath("geofence/add"), body: obj{"title": title, "latitude": 41, "longitude": 29, "radius": 1, "unit": "km"},
						code: 2004, message: "Field 'unit' should be KM, Miles or Meters, not 'km'"},
					{name: "array body", method: post, path: apiPath("geofence/add"), body: arr{obj{"title": title}}, code: 2009, message: msgInvalidJSON},
				})
			},
		},
		{
			Name: "geofences/add", Tags: []Tag{MockOnly},
			Doc: "geofence/add answers {\"id\": 1000} to the reference's sample and the next ID to netmera4j's request; a title in use answers 5024; GET /_mock/geofences lists them with their radius in meters.",
			Why: "a geofence made in a live app cannot be removed through the endpoints the fake serves",
			Run: func(ctx context.Context, c *Check) {
				c.Equal(c.Do(post, apiPath("geofence/add"), obj{"title": "Sample Geofence", "latitude": 38.43225, "longitude": 40.212421,
					"radius": 5, "unit": "KM", "groups": arr{"Sample Group"}}), obj{"id": 1000})
				c.Equal(c.Do(post, apiPath("geofence/add"), obj{"title": "Office", "latitude": 41.0766, "longitude": 29.0114,
					"radius": 2, "unit": "Miles"}), obj{"id": 1001})
				c.Refused(c.Do(post, apiPath("geofence/add"), obj{"title": "Office", "latitude": 1, "longitude": 2, "radius": 3}),
					http.StatusBadRequest, 5024, "Geofence name must be unique: 'Office' is taken by geofence 1001")
				var got struct{ Geofences []map[string]any }
				c.mock(http.MethodGet, "/_mock/geofences", nil, &got)
				w, _ := jsonOf(arr{
					obj{"id": 1000, "title": "Sample Geofence", "latitude": 38.43225, "longitude": 40.212421, "radius": 5, "unit": "KM",
						"radiusMeters": 5000, "groups": arr{"Sample Group"}},
					obj{"id": 1001, "title": "Office", "latitude": 41.0766, "longitude": 29.0114, "radius": 2, "unit": "Miles", "radiusMeters": 3218.688},
				})
				g, _ := jsonOf(got.Geofences)
				if d := diffValues(w, g); d != "" {
					c.Errorf("GET /_mock/geofences differs (-want +got):\n%s", d)
				}
			},
		},
	}
}
