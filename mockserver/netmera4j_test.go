package mockserver_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
)

// netmera4j sends what Retrofit, Gson and OkHttp make of its request
// classes (S5: NetmeraApi.java, service/UserService.java,
// service/NotificationService.java, request/…): the key added by an
// interceptor in lower case, Gson's Content-Type, fields in declaration
// order, nulls left out.
var netmera4jHeaders = []string{"Content-Type", "application/json; charset=UTF-8", "User-Agent", "okhttp/3.14.9"}

func netmera4j(method, target, body string) sent {
	s := sent{method: method, target: target, body: body, header: netmera4jHeaders[2:]}
	if body != "" {
		s.contentType, s.header = "application/json; charset=UTF-8", netmera4jHeaders
	}
	return s
}

// An application using netmera4j the way its README shows gets the
// findings a reader of netmera4j's code expects, and no other:
// removeTagFromUsers posts to tagUsers, deleteProfileAttributeFromAllUsers
// sends one object where Netmera documents an array, a 5xx is sent again
// at once by the interceptor, getDeviceTokens returns one page for the
// caller to follow, registerUsers is read back at once, and its chunked
// sends post bulk messages, which carry no notificationKey, to
// sendNotification (refused: 2020 notificationKey is required).
func TestNetmera4jShapes(t *testing.T) {
	h := MustHarness(t, mockserver.Options{})
	for _, f := range []string{
		// registerUsers is stubbed as Netmera answers it: 200, no body.
		`{"method":"POST","path":"registerUsers","status":200}`,
		// One failure of enablePush. Netmera documents no Retry-After, but
		// with one the immediate retry is a finding however slow the
		// machine running this test.
		`{"method":"POST","path":"enablePush","status":503,"code":2001,"error":"An unexpected error occurred. Retry later.","retryAfter":5,"times":1}`,
	} {
		if r := h.Do(t, http.MethodPost, "/_mock/faults", f); r.Status != http.StatusCreated {
			t.Fatalf("POST /_mock/faults %s = %v", f, r)
		}
	}
	for _, s := range []sent{
		// 1-2. AddNewDevicesRequest, then GetProfileAttributesRequest.
		netmera4j("POST", "/rest/3.0/registerUsers", `[{"deviceToken":"n4j-token","platform":"ANDROID","extId":"n4j-user","email":"n4j@example.com"}]`),
		netmera4j("GET", "/rest/3.0/getProfileAttributes?extId=n4j-user", ""),
		// 3-4. AddTagToUsersRequest, then RemoveTagFromUsersRequest: both tagUsers.
		netmera4j("POST", "/rest/3.0/tagUsers", `{"tag":"VIP","extIds":["id1","id2"]}`),
		netmera4j("POST", "/rest/3.0/tagUsers", `{"tag":"VIP","extIds":["id1","id2"]}`),
		// 5-6. AddProfileAttributeRequest, UnsetProfileAttributesRequest.
		netmera4j("POST", "/rest/3.0/setProfileAttributes", `[{"extId":"id1","profile":{"age":30}}]`),
		netmera4j("POST", "/rest/3.0/unsetProfileAttributes", `[{"extId":"id1","profile":["age"]}]`),
		// 7. DeleteProfileAttributeFromAllUsersRequest: one object.
		netmera4j("POST", "/rest/3.0/deleteProfileAttributeValue", `{"key":"lastVisitedProducts","value":"shirt"}`),
		// 8. SetCategoryPreferenceRequest.
		netmera4j("POST", "/rest/3.0/setCategoryPreferences", `[{"extId":"id1","category":"Shopping","enable":true}]`),
		// 9. GetUserDevicesRequest.Builder("id1"): pushPermitted false.
		netmera4j("GET", "/rest/3.0/getDevices?extId=id1&pushPermitted=false", ""),
		// 10-11. EnablePushRequestWithExternalId: a 503, sent again at once.
		netmera4j("POST", "/rest/3.0/enablePush", `{"extId":"id1"}`),
		netmera4j("POST", "/rest/3.0/enablePush", `{"extId":"id1"}`),
		// 12. GetDeviceTokensRequest(10, 0): one page.
		netmera4j("GET", "/rest/3.0/getDeviceTokens?max=10&offset=0", ""),
		// 13. SendTransactionalNotificationRequest: the key is a String.
		netmera4j("POST", "/rest/3.0/sendNotification", `{"notificationKey":"106","message":{"params":{"name":"Ada"}},"target":{"extId":"id1"}}`),
		// 14. FireEventsRequest: SingleEventBuilder puts "extId" and
		// "name" in a HashMap, then each parameter.
		netmera4j("POST", "/rest/3.0/fireEvents", `[{"extId":"id1","name":"ShareEvent","itemId":"1234","channel":"Facebook"}]`),
		// 15. sendRequest(List<SendBulkNotificationRequest>): bulk sends, no
		// notificationKey, posted to sendNotification.
		netmera4j("POST", "/rest/3.0/sendNotification", `[{"message":{"title":"Hi","text":"Sale","platforms":["ANDROID"],"interactionRequired":false},"target":{"sendToAll":false,"extId":"id1"}}]`),
	} {
		h.send(t, testKey, s)
	}
	got := every(h.mustConformance(t, testKey, ""))
	want := []string{
		"document-refused [15]",
		"lenient-shape [7]",
		"retry-backoff [10 11]",
		"repeated-write [3 4]",
		"pagination-stopped [12]",
		"async-read-back [1 2]",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("findings of netmera4j's requests (-got +want):\n%s", diff)
	}
}
