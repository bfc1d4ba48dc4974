package mockserver_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// The fuzz targets below send one body to one endpoint of a family, through
// the whole server (decode, validate, apply), against a fresh tenant. The
// invariants: no panic, no 5xx; a refused request changes nothing; after
// an accepted one the tenant is consistent (Tenant.Verify) and what it
// holds loads again. `go test` runs the seeds; `make fuzz` runs each
// target for FUZZTIME.
//
// Each target takes (which, mode, body): which picks the endpoint of the
// family, mode the switches (bit 0 turns validation off, bit 1 defines
// attributes on first use, bit 2 accepts single objects).

// fuzzDataset is testDataset with ten of its bulk users: small, so that a
// fresh tenant per input is cheap.
func fuzzDataset() *state.Dataset {
	d := testDataset()
	keep := func(id string) bool { return !strings.HasPrefix(id, "user-") || id <= "user-010" }
	users := d.Users[:0]
	for _, u := range d.Users {
		if keep(u.ExtID) {
			users = append(users, u)
		}
	}
	d.Users = users
	devices := d.Devices[:0]
	for _, dv := range d.Devices {
		if keep(dv.ExtID) {
			devices = append(devices, dv)
		}
	}
	d.Devices = devices
	for i, s := range d.Segments {
		members := []string{}
		for _, m := range s.Members {
			if keep(m) {
				members = append(members, m)
			}
		}
		d.Segments[i].Members = members
	}
	d.EventDefinitions = fixtures.EventDefinitions()
	return d
}

// endpoint is one request line a fuzz target sends bodies to.
type endpoint struct{ method, path string }

func post(path string) endpoint { return endpoint{http.MethodPost, "/rest/3.0/" + path} }

// fuzzFamily runs a fuzz target over the endpoints of one family.
func fuzzFamily(f *testing.F, endpoints []endpoint, seeds []string) {
	for i, s := range seeds {
		for mode := range uint8(8) {
			f.Add(uint8(i), mode, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which, mode uint8, body []byte) {
		ep := endpoints[int(which)%len(endpoints)]
		fuzzOne(t, ep, mode, body)
	})
}

// fuzzOne sends body to ep on a fresh server and checks the invariants.
func fuzzOne(t *testing.T, ep endpoint, mode uint8, body []byte) {
	settings := state.Settings{AutoDefine: mode&2 != 0}
	opts := mockserver.Options{NoValidation: mode&1 != 0, JournalSize: -1}
	if mode&4 != 0 {
		opts.SingleObject = mockserver.SingleObjectAccept
	}
	store, err := state.NewStore(state.FromDataset(func() (*state.Dataset, error) { return fuzzDataset(), nil }), settings, testKey)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.New(store, opts)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := store.Lookup(testKey)
	if err != nil {
		t.Fatal(err)
	}
	before := tn.Export()
	req := httptest.NewRequest(ep.method, ep.path, bytes.NewReader(body))
	req.Header.Set("X-netmera-api-key", testKey)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)

	call := ep.method + " " + ep.path
	switch {
	case rec.Code >= 500:
		t.Fatalf("%s %q (mode %d) = %d %.300s, want no 5xx", call, body, mode, rec.Code, rec.Body)
	case rec.Code >= 300:
		// Netmera's envelope, but for the answers it documents in plain
		// text (removeEmail without extId, and the like).
		if strings.HasPrefix(ep.path, "/rest/") && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
			var e envelope
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == 0 || e.Error == "" {
				t.Fatalf("%s %q (mode %d) = %d %q, want Netmera's envelope", call, body, mode, rec.Code, rec.Body)
			}
		}
		if after := tn.Export(); !reflect.DeepEqual(before, after) {
			t.Fatalf("%s %q (mode %d) was refused (%d %.200s) but changed the tenant", call, body, mode, rec.Code, rec.Body)
		}
	default:
		if err := tn.Verify(); err != nil {
			t.Fatalf("%s %q (mode %d) = %d, and the tenant is inconsistent: %v", call, body, mode, rec.Code, err)
		}
		if _, err := state.NewTenant(tn.Export(), settings); err != nil {
			t.Fatalf("%s %q (mode %d) = %d, and the tenant's export does not load: %v", call, body, mode, rec.Code, err)
		}
	}
}

func FuzzTags(f *testing.F) {
	fuzzFamily(f, []endpoint{post("tagUsers"), post("untagUsers"), post("deleteUsersPermanently")}, []string{
		`{"tag":"Sport","extIds":["id1","id2"]}`,
		`{"tag":["VIP","Gold"],"extIds":["id1","nobody"],"checkExistence":true}`,
		`{"extIds":["externalid"]}`,
		`{"tag":"","extIds":[]}`,
		`{"tag":5,"extIds":"id1"}`,
		`{"tag":null,"extIds":[null,"id1"]}`,
		`{"tag":"a","tag":"b","extIds":["id1"]}`,
		`{"tag":"` + strings.Repeat("t", 300) + `","extIds":["id1"]}`,
		`[[[[[[[[[[]]]]]]]]]]`,
		`{"tag":"x","extIds":["id1","id1","id2"],"checkExistence":"yes"}`,
	})
}

func FuzzProfile(f *testing.F) {
	fuzzFamily(f, []endpoint{post("setProfileAttributes"), post("unsetProfileAttributes"), post("pushProfileAttributes"),
		post("pullProfileAttributes"), post("deleteProfileAttributes"), post("deleteProfileAttributeValue")}, []string{
		`[{"extId":"id1","profile":{"name":"John","age":34,"lastVisitedCategories":["a","b"]}}]`,
		`[{"extId":"id1","profile":["name","age"]},{"deviceToken":"a1b2c3d4e5f6g7","profile":["email"]}]`,
		`[{"deviceToken":"my_device_token","profile":{"lastVisitedProducts":["shirt","shoes","shirt"]}}]`,
		`[{"extId":"id2","profile":{"lastVisitedProducts":["shirt"]}}]`,
		`[{"profile":["lastVisitedCategories","nothing"]}]`,
		`[{"key":"lastVisitedProducts","value":"shirt"},{"key":"age","value":34}]`,
		`{"key":"name","value":"John"}`,
		`[{"extId":"id1","profile":{"email":"new@example.com","msisdn":"905","newKey":[1,2],"score":1e308}}]`,
		`[{"extId":"id1","profile":{"age":1e400,"dateOfBirth":-9007199254740993,"isSubscribed":"yes"}}]`,
		`[null,1,"x",[],{"extId":"id2"}]`,
		`[{"extId":"id1","profile":{"lastVisitedCategories":` + numbered("c", 1001) + `}}]`,
	})
}

func FuzzCategories(f *testing.F) {
	fuzzFamily(f, []endpoint{post("setCategoryPreferences")}, []string{
		`[{"extId":"id1","category":"Shopping","enable":false},{"extId":"id2","category":"Haftalık Bülten","channel":"EMAIL","enable":true}]`,
		`[{"extId":"id1","category":"Nope","enable":true},{"extId":"nobody","category":"Shopping","enable":true}]`,
		`[{"extId":"id1","category":"Shopping","channel":"FAX","enable":true}]`,
		`[{"extId":"id1","category":"Shopping"}]`,
		`{"extId":"id1","category":"Shopping","enable":false}`,
		`[{"extId":1,"category":[],"enable":"no"}]`,
		`[null]`,
	})
}

func FuzzPush(f *testing.F) {
	fuzzFamily(f, []endpoint{post("enablePush"), post("disablePush")}, []string{
		`{"extId":"id1"}`,
		`{"deviceToken":"my_device_token"}`,
		`{"extId":"id1","deviceToken":"anon-token"}`,
		`{}`,
		`{"extId":5,"deviceToken":true}`,
		`{"extId":"","deviceToken":""}`,
	})
}

func FuzzChannels(f *testing.F) {
	fuzzFamily(f, []endpoint{post("enableMail"), post("disableMail"), post("updateEmail"), post("enableSms"), post("disableSms"), post("updateMsisdn"),
		post("addEmail"), post("removeEmail"), post("addMsisdn"), post("removeMsisdn"),
		post("enableWhatsApp"), post("disableWhatsApp"), post("updateWhatsApp"), post("removeWhatsApp")}, []string{
		`{"extIds":["your_extId"],"emailList":["your@example.com"]}`,
		`{"extId":"your_extId","email":"new@example.com"}`,
		`{"extIds":["your-extId"],"msisdnList":["905550000002"]}`,
		`{"extId":"your_extId","msisdn":""}`,
		`{"emailList":["not an address"]}`,
		`{"extId":"id1","email":""}`,
		`{"extIds":null,"msisdnList":[5]}`,
		`{"emailList":["new@example.com","john.brown@example.com",""]}`,
		`{"msisdnList":["905312345678","+90 555 000 0009"]}`,
		`{"extId":"id1"}`,
		`{"extId":"id1","wpNumbers":["+905551112233","+905551112233"]}`,
		`{"extId":"id2","wpNumber":"+905551112233"}`,
		`{"extIds":["id1"],"wpNumbers":["+905551112233"]}`,
	})
}

func FuzzApproval(f *testing.F) {
	fuzzFamily(f, []endpoint{post("sendPushApproval")}, []string{
		`[{"messageId":0}]`,
		`[{"messageId":0},{"messageId":7},{"messageId":0}]`,
		`[{"messageId":99}]`,
		`[{"messageId":"0"},{}]`,
		`{"messageId":0}`,
		`[{"messageId":1e999}]`,
	})
}

func FuzzControl(f *testing.F) {
	fuzzFamily(f, []endpoint{
		{http.MethodPost, "/_mock/users"}, {http.MethodPost, "/_mock/devices"}, {http.MethodPost, "/_mock/segments"},
		{http.MethodPost, "/_mock/attributes"}, {http.MethodPost, "/_mock/categories"}, {http.MethodPost, "/_mock/messages"},
		{http.MethodPut, "/_mock/state"}, {http.MethodPost, "/_mock/faults"},
	}, []string{
		`{"extId":"u1","tags":["vip"],"profile":{"name":"Ada"},"emailPermitted":true}`,
		`{"extId":"u1","platform":"IOS","token":"t1","deviceModel":"iPhone 15","pushPermitted":true}`,
		`{"name":"VIPs","type":"STANDARD","members":["id1"]}`,
		`{"code":"tier","dataType":"STRING"}`,
		`{"name":"Deals"}`,
		`{"title":"Hi","text":"Sale","platforms":["IOS"]}`,
		`{"version":1,"attributes":[{"code":"name","dataType":"STRING"}],"users":[{"extId":"a","profile":{"name":"A"}}],"devices":[{"installationId":"i","extId":"a","platform":"IOS","token":"t"}],"segments":[{"id":1,"name":"s","type":"STANDARD","members":["a"]}],"messages":[{"messageId":0,"title":"t","text":"x","status":"WAITING_APPROVAL"}]}`,
		`{"method":"POST","path":"tagUsers","status":503,"body":"down","times":2}`,
		`{"extId":"id1","profile":{"lastVisitedCategories":[1]},"categories":[{"category":"Nope","channel":"PUSH","enabled":true}]}`,
		`{"version":1,"users":[{"extId":"a"},{"extId":"a"}]}`,
		`{"extId":"","platform":"WINDOWS"}`,
	})
}

func FuzzNotifications(f *testing.F) {
	fuzzFamily(f, []endpoint{post("sendBulkNotification"), post("sendNotification"), post("createNotificationDefinition"),
		post("update-live-activity"), post("sendEmailAndSms"), post("sendBulkEmail"), {http.MethodPost, "/_mock/notifications"},
		{http.MethodPut, "/_mock/clock"}, {http.MethodPost, "/_mock/clock/advance"}}, []string{
		`{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":{"sendToAll":true}}`,
		`{"message":{"title":"T","text":"Hi {@name}","platforms":["IOS"],"personalizedMessage":"Hi {@name}"},"target":{"extId":["id1","id2"]}}`,
		`{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"segment":{"$and":[5883,{"$not":5884}]},"tag":"VIP"},"schedule":{"startTime":"2099-01-01T00:00:00"}}`,
		`{"notificationKey":1,"target":{"extId":"id1"}}`,
		`[{"notificationKey":"1","target":{"extId":"id1"}},{"notificationKey":2,"target":{"deviceToken":"my_device_token"}}]`,
		`{"title":"t","message":"m","platforms":["IOS"]}`,
		`{"message":{"title":"T","text":"x","platforms":["IOS"]},"target":{"profile":{"age":{"$gt":30},"$or":[{"name":"John"}]}}}`,
		`{"type":"LIVE_ACTIVITY","message":{"title":"T","text":"x","platforms":["IOS"],"liveActAttr":{"a":1}},"target":{"sendToAll":true}}`,
		`{"now":"2030-01-01T09:00:00Z","frozen":true}`,
		`{"by":"90m"}`,
		`{"ms":9223372036854775807}`,
		`{"target":{"msisdn":"905312345678"},"platforms":["SMS"],"title":"T","message":"x","smsIysMessageType":"BILGILENDIRME"}`,
		`{"emailTemplateId":5,"subject":"S","sendToAll":true,"customParams":{"a":"b"}}`,
	})
}

func FuzzInboxAndCounts(f *testing.F) {
	fuzzFamily(f, []endpoint{post("inbox/getAllInbox"), post("inbox/statusChange"), post("targeting/count"), post("targeting/count-batch")}, []string{
		`{"extId":"id1","status":2,"category":["Shopping"]}`,
		`{"extId":"id1","piids":[101,102],"st":1}`,
		`{"target":{"profile":{"name":"John"}}}`,
		`{"targets":[{"tag":"VIP"},{"segment":5883},{"sendToAll":true}]}`,
		`{"target":{"segment":{"$or":[5883,{"$and":[5884,{"$not":5885}]}]},"profile":{"age":{"$gte":18}}}}`,
		`{"extId":"id1","piids":[],"st":7}`,
		`{"target":{}}`,
	})
}

func FuzzAppData(f *testing.F) {
	fuzzFamily(f, []endpoint{post("registerUsers"), post("deleteUsers"), post("addTesters"), post("fireEvents"), post("geofence/add"),
		{http.MethodPost, "/_mock/events/definitions"}, {http.MethodPut, "/_mock/registrations"}}, []string{
		`[{"deviceToken":"n4j","platform":"ANDROID","extId":"id1","email":"a@example.com"}]`,
		`[{"extId":"new","msisdn":"905550000001","tags":["VIP"],"profile":{"name":"Ada","age":"x"}}]`,
		`[{"deviceToken":"a1b2c3d4e5f6g7","platform":"IOS"},{"extId":"id2","platform":"CHROME"}]`,
		`{"extIds":["id1","id2","nobody"]}`,
		`[{"extId":"id1"},{"email":"jane@example.com"},5,{}]`,
		`[{"extId":"id1","name":"PurchaseEvent","amount":42},{"extId":"id2","name":"shrev","channel":"x","Channel":"y"}]`,
		`{"title":"Home","latitude":41,"longitude":29,"radius":2,"unit":"Miles","groups":["g"]}`,
		`{"name":"Checkout","baseEvent":"n:pr","attributes":[{"name":"total","dataType":"DOUBLE","mandatory":true}]}`,
		`{"delayMs":1}`,
	})
}
