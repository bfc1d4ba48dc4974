package mockserver_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

func TestGetPushCategories(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	type category struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	var got []category
	wantJSON(t, "GET getPushCategories", h.Do(t, http.MethodGet, "/rest/3.0/getPushCategories", ""), &got)
	want := []category{{1, "Shopping"}, {2, "Promotion"}, {3, "Haftalık Bülten"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("getPushCategories (-want +got):\n%s", diff)
	}
	if r := h.Do(t, http.MethodPost, "/_mock/categories", `{"name":"Deals"}`); r.Status != http.StatusOK {
		t.Fatalf("POST /_mock/categories = %v", r)
	}
	got = nil
	wantJSON(t, "GET getPushCategories", h.Do(t, http.MethodGet, "/rest/3.0/getPushCategories", ""), &got)
	if diff := cmp.Diff(append(want, category{4, "Deals"}), got); diff != "" {
		t.Errorf("getPushCategories after a category is defined (-want +got):\n%s", diff)
	}
}

// eventsView is app/events' answer.
type eventsView struct {
	Standard []eventView `json:"standardEvents"`
	Custom   []eventView `json:"customEvents"`
}

type eventView struct {
	Code       string                 `json:"code"`
	Name       string                 `json:"name"`
	Label      string                 `json:"label,omitempty"`
	BaseEvent  string                 `json:"baseEvent,omitempty"`
	Attributes []state.EventAttribute `json:"attributes"`
}

func (v eventsView) find(name string) (eventView, bool) {
	for _, e := range append(slices.Clone(v.Standard), v.Custom...) {
		if e.Name == name {
			return e, true
		}
	}
	return eventView{}, false
}

func TestAppEvents(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	var got eventsView
	wantJSON(t, "GET app/events", h.Do(t, http.MethodGet, "/rest/3.0/app/events", ""), &got)
	var std, custom []string
	for _, e := range got.Standard {
		std = append(std, e.Name)
	}
	for _, e := range got.Custom {
		custom = append(custom, e.Name)
	}
	if want := []string{"LoginEvent", "RegisterEvent", "ScreenViewEvent", "SearchEvent", "PurchaseEvent", "OrderCancelEvent"}; !cmp.Equal(std, want) {
		t.Errorf("standardEvents %q, want %q", std, want)
	}
	if want := []string{"ShareEvent", "AIQuerySubmitted", "AIConversionCompleted", "SubscriptionPurchase"}; !cmp.Equal(custom, want) {
		t.Errorf("customEvents %q, want %q", custom, want)
	}
	sub, _ := got.find("SubscriptionPurchase")
	want := eventView{Code: "subpr", Name: "SubscriptionPurchase", Label: "Subscription purchase", BaseEvent: "n:pr", Attributes: []state.EventAttribute{
		{Name: "amount", DataType: state.TypeDouble, Mandatory: true, Inherited: true},
		{Name: "currency", DataType: state.TypeString, Inherited: true},
		{Name: "itemCount", DataType: state.TypeInteger, Inherited: true},
		{Name: "paymentMethod", DataType: state.TypeString, Inherited: true},
		{Name: "plan", DataType: state.TypeString, Mandatory: true},
	}}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("SubscriptionPurchase (-want +got):\n%s", diff)
	}
	// Fields without a value are left out.
	r := h.Do(t, http.MethodGet, "/rest/3.0/app/events", "")
	if strings.Contains(string(r.Body), `"baseEvent":""`) || strings.Contains(string(r.Body), `"mandatory":false`) {
		t.Errorf("app/events sends empty fields: %.300s", r.Body)
	}

	// The control API defines a custom event.
	def := `{"name":"Checkout","code":"chkot","label":"Checkout","attributes":[{"name":"total","dataType":"DOUBLE","mandatory":true}]}`
	if r := h.Do(t, http.MethodPost, "/_mock/events/definitions", def); r.Status != http.StatusOK {
		t.Fatalf("POST /_mock/events/definitions = %v", r)
	}
	got = eventsView{}
	wantJSON(t, "GET app/events", h.Do(t, http.MethodGet, "/rest/3.0/app/events", ""), &got)
	if e, ok := got.find("Checkout"); !ok || e.Code != "chkot" || len(e.Attributes) != 1 || !e.Attributes[0].Mandatory {
		t.Errorf("after defining Checkout, app/events has %+v, %t", e, ok)
	}
	for _, bad := range []string{`{"code":"x"}`, `{"name":"Other","baseEvent":"nope"}`, `{"name":"Checkout","code":"other"}`, `{"name":"x","unknown":1}`} {
		if r := h.Do(t, http.MethodPost, "/_mock/events/definitions", bad); r.Status != http.StatusBadRequest || r.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("POST /_mock/events/definitions %s = %v, want a 400 problem", bad, r)
		}
	}
}

func TestAddTesters(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	body := `[{"extId":"id1"},{"email":"jane@example.com"},{"extId":"nobody"},{},"x",{"extId":5},{"email":["a"]}]`
	wantOK(t, "POST addTesters", h.Do(t, http.MethodPost, "/rest/3.0/addTesters", body))
	var testers []string
	for _, d := range h.MustDataset(t, testKey).Devices {
		if d.Tester {
			testers = append(testers, d.InstallationID)
		}
	}
	want := []string{"inst-id1-android", "inst-id1-ios", "inst-id1-old", "inst-id2-chrome", "inst-id2-notoken"}
	if !cmp.Equal(testers, want) {
		t.Errorf("test devices %q, want every device of id1, and of id2 by email: %q", testers, want)
	}
	wantOK(t, "POST addTesters with a single object", h.Do(t, http.MethodPost, "/rest/3.0/addTesters", `{"extId":"externalid"}`))
	var detail struct {
		Devices []state.DeviceRecord `json:"devices"`
	}
	wantJSON(t, "GET /_mock/users", h.Do(t, http.MethodGet, "/_mock/users?extId=externalid", ""), &detail)
	if len(detail.Devices) != 1 || !detail.Devices[0].Tester {
		t.Errorf("externalid's devices = %+v, want its device a tester", detail.Devices)
	}
}

func TestAddTestersRefusals(t *testing.T) {
	t.Parallel()
	wantRefusals(t, state.Settings{MaxIDs: 1}, []refusal{
		{name: "not JSON", path: "addTesters", body: `[{"extId":`, want: invalidJSON},
		{name: "a string", path: "addTesters", body: `"id1"`, want: invalidJSON},
		{name: "over the limit", path: "addTesters", body: `[{"extId":"id1"},{"extId":"id2"},{"email":"jane@example.com"}]`,
			want: envelope{Code: 2009, Error: "Maximum 1 unique external IDs or device tokens per request, got 2"}},
	})
}

func TestFireEvents(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	// netmera4j's request: each event a map, in no particular order.
	body := `[{"name":"ShareEvent","extId":"id1","itemId":"1234","channel":"Facebook"},` +
		`{"channel":"Instagram","itemId":"12345","extId":"id1","name":"ShareEvent"}]`
	wantOK(t, "POST fireEvents (netmera4j)", h.Do(t, http.MethodPost, "/rest/3.0/fireEvents", body))
	body = `[{"extId":"id2","name":"PurchaseEvent","amount":42,"currency":"TRY"},` +
		`{"extId":"id2","name":"purchaseEvent","amount":1},` +
		`{"extId":"id2","name":"PurchaseEvent","Amount":2},` +
		`{"extId":"id2","name":"n:pr","amount":3,"Currency":"x"}]`
	wantOK(t, "POST fireEvents (mixed)", h.Do(t, http.MethodPost, "/rest/3.0/fireEvents", body))

	var view struct {
		Count  int                 `json:"count"`
		Events []state.EventRecord `json:"events"`
	}
	dec := func(r reply) {
		view.Count, view.Events = 0, nil
		if r.Status != http.StatusOK {
			t.Fatalf("GET /_mock/events = %v", r)
		}
		if err := json.Unmarshal(r.Body, &view); err != nil {
			t.Fatal(err)
		}
	}
	dec(h.Do(t, http.MethodGet, "/_mock/events?extId=id2", ""))
	if view.Count != 2 || view.Events[0].Attributes["amount"] != 3.0 || view.Events[1].Attributes["amount"] != 42.0 || view.Events[1].Attributes["currency"] != "TRY" {
		t.Errorf("GET /_mock/events?extId=id2 = %+v, want the amount 3 event, then the amount 42 one", view)
	}
	dec(h.Do(t, http.MethodGet, "/_mock/events?extId=id1&name=ShareEvent&limit=1", ""))
	if view.Count != 1 || view.Events[0].Attributes["channel"] != "Instagram" {
		t.Errorf("GET /_mock/events?extId=id1&name=ShareEvent&limit=1 = %+v, want the newest, Instagram", view)
	}
	dec(h.Do(t, http.MethodGet, "/_mock/events", ""))
	if view.Count != 4 {
		t.Errorf("GET /_mock/events counts %d, want 4", view.Count)
	}
	if r := h.Do(t, http.MethodGet, "/_mock/events?limit=0", ""); r.Status != http.StatusBadRequest {
		t.Errorf("GET /_mock/events?limit=0 = %v, want 400", r)
	}

	var journal struct {
		Requests []struct{ Notes []string } `json:"requests"`
	}
	wantJSON(t, "GET /_mock/requests", h.Do(t, http.MethodGet, "/_mock/requests?path=fireEvents", ""), &journal)
	if len(journal.Requests) != 2 {
		t.Fatalf("the journal has %d fireEvents requests, want 2", len(journal.Requests))
	}
	want := []string{
		`outcome: event 0 ("PurchaseEvent" of "id2") accepted`,
		`outcome: event 1 ("purchaseEvent" of "id2") rejected: unknown event "purchaseEvent" (event names and codes are case-sensitive)`,
		`outcome: event 2 ("PurchaseEvent" of "id2") rejected: mandatory attribute "amount" is missing (attribute keys are case-sensitive)`,
		`outcome: event 3 ("n:pr" of "id2") accepted, dropped "Currency" (not an attribute of PurchaseEvent)`,
	}
	notes := journal.Requests[0].Notes
	if strings.Contains(strings.Join(notes, "\n"), "ShareEvent") {
		notes = journal.Requests[1].Notes
	}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("the journal's notes of the mixed request (-want +got):\n%s", diff)
	}
}

func TestFireEventsRefusals(t *testing.T) {
	t.Parallel()
	wantRefusals(t, state.Settings{MaxIDs: 1}, []refusal{
		{name: "a single object", path: "fireEvents", body: `{"extId":"id1","name":"LoginEvent"}`, want: invalidJSON},
		{name: "an entry not an object", path: "fireEvents", body: `[{"extId":"id1","name":"LoginEvent"},5]`, want: invalidJSON},
		{name: "no extId", path: "fireEvents", body: `[{"name":"LoginEvent"}]`, want: missing("extId")},
		{name: "no name", path: "fireEvents", body: `[{"extId":"id1"}]`, want: missing("name")},
		{name: "name a number", path: "fireEvents", body: `[{"extId":"id1","name":5}]`, want: wrongType("name", "a text")},
		{name: "extId a list", path: "fireEvents", body: `[{"extId":["id1"],"name":"LoginEvent"}]`, want: wrongType("extId", "a text")},
		{name: "over the limit", path: "fireEvents", body: `[{"extId":"id1","name":"LoginEvent"},{"extId":"id2","name":"LoginEvent"}]`,
			want: envelope{Code: 2009, Error: "Maximum 1 unique external IDs or device tokens per request, got 2"}},
	})
}

func TestAddGeofence(t *testing.T) {
	t.Parallel()
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	steps := []struct{ name, body, want string }{
		{"the reference's sample", `{"title":"Sample Geofence","latitude":38.43225,"longitude":40.212421,"radius":5,"unit":"KM","groups":["Sample Group"]}`, `{"id":1000}`},
		// netmera4j: Gson writes an Integer radius and leaves out a null unit.
		{"netmera4j, no unit", `{"title":"Office","latitude":41.0766,"longitude":29.0114,"radius":300,"groups":["Istanbul"]}`, `{"id":1001}`},
		{"meters", `{"title":"Pier","latitude":40.99,"longitude":29.02,"radius":250.5,"unit":"Meters"}`, `{"id":1002}`},
	}
	for _, st := range steps {
		r := h.Do(t, http.MethodPost, "/rest/3.0/geofence/add", st.body)
		if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != st.want || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("POST geofence/add (%s) = %v, want 200 %s", st.name, r, st.want)
		}
	}
	var view struct {
		Geofences []state.GeofenceRecord `json:"geofences"`
	}
	wantJSON(t, "GET /_mock/geofences", h.Do(t, http.MethodGet, "/_mock/geofences", ""), &view)
	want := []state.GeofenceRecord{
		{ID: 1000, Title: "Sample Geofence", Latitude: 38.43225, Longitude: 40.212421, Radius: 5, Unit: "KM", RadiusMeters: 5000, Groups: []string{"Sample Group"}},
		{ID: 1001, Title: "Office", Latitude: 41.0766, Longitude: 29.0114, Radius: 300, Unit: "KM", RadiusMeters: 300000, Groups: []string{"Istanbul"}},
		{ID: 1002, Title: "Pier", Latitude: 40.99, Longitude: 29.02, Radius: 250.5, Unit: "Meters", RadiusMeters: 250.5},
	}
	if diff := cmp.Diff(want, view.Geofences); diff != "" {
		t.Errorf("GET /_mock/geofences (-want +got):\n%s", diff)
	}
}

func TestAddGeofenceRefusals(t *testing.T) {
	t.Parallel()
	ok := `"title":"Home","latitude":41,"longitude":29,"radius":1`
	wantRefusals(t, state.Settings{}, []refusal{
		{name: "an array body", path: "geofence/add", body: `[{` + ok + `}]`, want: invalidJSON},
		{name: "no title", path: "geofence/add", body: `{"latitude":41,"longitude":29,"radius":1}`, want: missing("title")},
		{name: "no radius", path: "geofence/add", body: `{"title":"Home","latitude":41,"longitude":29}`, want: missing("radius")},
		{name: "latitude a string", path: "geofence/add", body: `{"title":"Home","latitude":"41","longitude":29,"radius":1}`, want: wrongType("latitude", "a number")},
		{name: "title a number", path: "geofence/add", body: `{"title":5,"latitude":41,"longitude":29,"radius":1}`, want: wrongType("title", "a text")},
		{name: "groups a string", path: "geofence/add", body: `{` + ok + `,"groups":"g"}`, want: wrongType("groups", "a list")},
		{name: "a unit in lower case", path: "geofence/add", body: `{` + ok + `,"unit":"km"}`,
			want: envelope{Code: 2004, Error: "Field 'unit' should be KM, Miles or Meters, not 'km'"}},
		{name: "latitude 91", path: "geofence/add", body: `{"title":"Home","latitude":91,"longitude":29,"radius":1}`,
			want: envelope{Code: 2004, Error: "Field 'latitude' should be between -90 and 90, not 91"}},
		{name: "a negative radius", path: "geofence/add", body: `{"title":"Home","latitude":41,"longitude":29,"radius":-1}`,
			want: envelope{Code: 2004, Error: "Field 'radius' should be a number above 0, not -1"}},
	})
	// A title in use.
	h := appHarness(t, state.Settings{}, mockserver.Options{})
	if r := h.Do(t, http.MethodPost, "/rest/3.0/geofence/add", `{`+ok+`}`); r.Status != http.StatusOK {
		t.Fatalf("POST geofence/add = %v", r)
	}
	before := h.MustState(t, testKey)
	wantError(t, "POST geofence/add again", h.Do(t, http.MethodPost, "/rest/3.0/geofence/add", `{`+ok+`}`), http.StatusBadRequest,
		envelope{Code: 5024, Error: "Geofence name must be unique: 'Home' is taken by geofence 1000"})
	h.wantUnchanged(t, "a refused geofence/add", before)
}
