package clienttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/clienttest"
	"github.com/netmera-mock/netmera-mock/state"
)

// post sends a JSON body to a Netmera endpoint of the fake, as the client
// under test would, and returns the answer.
func post(srv *clienttest.Server, endpoint, body string) string {
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/rest/3.0/"+endpoint, strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("X-netmera-api-key", srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("%s: %d %s", endpoint, resp.StatusCode, b)
	}
	return string(b)
}

// notificationKey reads {"notificationKey": 96}.
func notificationKey(answer string) int64 {
	var out struct{ NotificationKey int64 }
	if err := json.Unmarshal([]byte(answer), &out); err != nil {
		log.Fatal(err)
	}
	return out.NotificationKey
}

// A transactional push: the code under test creates a definition and
// sends it to two users; the test reads what each of them got, on which
// device, with the placeholders filled. Plain HTTP requests play the
// client here.
func ExampleServer_PushesTo() {
	t := &exampleT{} // in a test: the test's *testing.T
	defer t.finish()
	srv := clienttest.NewServer(t)

	key := notificationKey(post(srv, "createNotificationDefinition", `{"title": "Order update", "message": "Your order has shipped.",
		"personalizedTitle": "Order @{order}", "personalizedMessage": "@{name}, your order has shipped.", "platforms": ["IOS", "ANDROID"]}`))
	post(srv, "sendNotification", fmt.Sprintf(`{"notificationKey": "%d", "message": {"params": {"order": "A-1001"}},
		"target": {"extId": ["id1", "id2"]}}`, key))

	fmt.Println(srv.PushesTo("id1"))
	fmt.Println(srv.PushesTo("id2"))
	for _, d := range srv.DeliveriesTo("id1") {
		fmt.Println(d.NotificationKey == key, d.Token, d.InstallationID)
	}
	// Output:
	// [ANDROID SUCCESS "Order A-1001": John, your order has shipped.]
	// [ANDROID SUCCESS "Order A-1001": Jane, your order has shipped.]
	// true a1b2c3d4e5f6g7 example-installation-2
}

// A scheduled bulk send waits for its start on the app's clock; the test
// moves the clock instead of sleeping.
func ExampleServer_AdvanceClock() {
	t := &exampleT{}
	defer t.finish()
	srv := clienttest.NewServer(t)
	if err := srv.SetClock(time.Date(2031, 3, 1, 8, 0, 0, 0, time.UTC), true); err != nil { // 08:00 in the app's zone (UTC), standing still
		log.Fatal(err)
	}

	key := notificationKey(post(srv, "sendBulkNotification", `{"message": {"title": "Good morning", "text": "The sale starts now",
		"platforms": ["IOS", "ANDROID"]}, "target": {"extId": ["id1", "id_in_my_system_1"]}, "schedule": {"startTime": "2031-03-01T09:00:00"}}`))
	sent := srv.Notifications(state.NotificationFilter{Key: key})[0]
	fmt.Println(sent.Status, len(sent.Deliveries), srv.PushesTo("id1"))

	if err := srv.AdvanceClock(time.Hour); err != nil {
		log.Fatal(err)
	}
	sent = srv.Notifications(state.NotificationFilter{Key: key})[0]
	fmt.Println(sent.Status, len(sent.Deliveries), srv.Now().Format(time.Kitchen))
	fmt.Println(srv.PushesTo("id1"), srv.PushesTo("id_in_my_system_1"))
	// Output:
	// SCHEDULED 0 []
	// FINISHED 2 9:00AM
	// [ANDROID SUCCESS "Good morning": The sale starts now] [IOS SUCCESS "Good morning": The sale starts now]
}
