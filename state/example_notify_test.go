package state_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// A transactional definition sent to two users, and what each received.
func ExampleTenant_SendTransactional() {
	tn, _ := state.NewTenant(&state.Dataset{
		Users: []state.UserRecord{{ExtID: "ann", Profile: map[string]any{"name": "Ann"}}, {ExtID: "bob"}},
		Devices: []state.DeviceRecord{
			{InstallationID: "i1", ExtID: "ann", Platform: state.PlatformIOS, Token: "t1", PushPermitted: true},
			{InstallationID: "i2", ExtID: "bob", Platform: state.PlatformAndroid, Token: "t2"},
		},
	}, state.Settings{})
	tn.SetClock(time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), true)

	key, _ := tn.CreateNotificationDefinition(state.NotificationDefinition{Title: "Order", Message: "Your order shipped",
		PersonalizedMessage: "@{name}, order @{order} shipped", Platforms: []string{"IOS", "ANDROID"}}, nil)
	var req state.TransactionalSend
	body := fmt.Sprintf(`{"notificationKey":"%d","message":{"params":{"order":42}},"target":{"extId":["ann","bob"]}}`, key)
	_ = json.Unmarshal([]byte(body), &req)
	if err := tn.SendTransactional([]state.TransactionalSend{req}, []byte(body)); err != nil {
		fmt.Println(err)
	}

	for _, d := range tn.DeliveriesTo("ann") {
		fmt.Println(d.ExtID, d.Platform, d.Status, d.Text)
	}
	n := tn.Notifications(state.NotificationFilter{Key: key})[0]
	for _, x := range n.Exclusions {
		fmt.Println(x.ExtID, x.InstallationID, x.Reason)
	}
	// Output:
	// ann IOS SUCCESS Ann, order 42 shipped
	// bob i2 NO_PUSH_PERMISSION
}

// A scheduled bulk send delivers when the tenant's clock reaches it.
func ExampleTenant_AdvanceClock() {
	tn, _ := state.NewTenant(&state.Dataset{
		Users:   []state.UserRecord{{ExtID: "ann", Tags: []string{"VIP"}}},
		Devices: []state.DeviceRecord{{InstallationID: "i1", ExtID: "ann", Platform: state.PlatformIOS, Token: "t1", PushPermitted: true}},
	}, state.Settings{})
	tn.SetClock(time.Date(2024, 2, 1, 15, 0, 0, 0, time.UTC), true)

	var req state.BulkSend
	_ = json.Unmarshal([]byte(`{"message":{"title":"Sale","text":"Starts now","platforms":["IOS"]},"target":{"tag":"VIP"},
		"schedule":{"startTime":"2024-02-01T15:30:00"}}`), &req)
	key, _ := tn.SendBulk(req, nil)
	stats, _ := tn.PushStats(key)
	fmt.Println(stats.Status)

	_ = tn.AdvanceClock(30 * time.Minute)
	stats, _ = tn.PushStats(key)
	fmt.Println(stats.Status, stats.Stats[0].Platform, stats.Stats[0].Sent, time.UnixMilli(stats.StartDate).UTC().Format(time.Kitchen))
	// Output:
	// SCHEDULED
	// FINISHED IOS 1 3:30PM
}
