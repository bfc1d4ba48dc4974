package mockserver_test

import (
	"fmt"

	"github.com/netmera-mock/netmera-mock/state"
)

// Sizes of testDataset, for counts and walks.
const (
	bulkUsers        = 250 // user-001 … user-250, all in segment 5883
	bulkDevices      = 49  // user-001 … user-049 have one device each
	namedUsers       = 6   // id1, id2, id_in_my_system_1, your_extId, your-extId, externalid
	namedDevices     = 8
	testUsers        = namedUsers + bulkUsers
	testDevices      = namedDevices + bulkDevices // 57
	bigSegmentID     = 5883
	bigSegmentSize   = 2 + bulkUsers // id1, id2 and the bulk users
	brandSegmentID   = 5884
	connectorsSegID  = 5885
	emptySegmentID   = 5886
	pendingMessageID = 0
)

// testDataset is a small tenant holding every ID the documentation's
// examples name (id1, id2, id_in_my_system_1, my_device_token, your_extId,
// your-extId, externalid, message 0, segment 5883) and enough bulk users and
// devices to page through. It is fresh on every call.
func testDataset() *state.Dataset {
	d := &state.Dataset{
		Version: state.CurrentVersion,
		Attributes: []state.AttributeDef{
			{Code: "name", DataType: state.TypeString, Standard: true},
			{Code: "surname", DataType: state.TypeString, Standard: true},
			{Code: "email", DataType: state.TypeString, Standard: true},
			{Code: "msisdn", DataType: state.TypeString, Standard: true},
			{Code: "dateOfBirth", DataType: state.TypeDate, Standard: true},
			{Code: "age", DataType: state.TypeInteger},
			{Code: "isSubscribed", DataType: state.TypeBoolean},
			{Code: "score", DataType: state.TypeDouble},
			{Code: "lastVisitedCategories", DataType: state.TypeString, IsArray: true},
			{Code: "lastVisitedProducts", DataType: state.TypeString, IsArray: true},
		},
		Categories: []state.Category{{ID: 1, Name: "Shopping"}, {ID: 2, Name: "Promotion"}, {ID: 3, Name: "Haftalık Bülten"}},
		Users: []state.UserRecord{
			{ExtID: "id1", Tags: []string{"VIP"}, EmailPermitted: true, Profile: map[string]any{
				"name": "John", "surname": "Brown", "dateOfBirth": int64(624315600000), "email": "john.brown@example.com",
				"age": int64(34), "isSubscribed": true, "score": 4.5,
				"lastVisitedCategories": []any{"shopping", "promotion"}, "lastVisitedProducts": []any{"shirt", "shoes"},
			}, Categories: []state.CategoryPref{{Category: "Promotion", Channel: "PUSH", Enabled: false}}},
			{ExtID: "id2", EmailPermitted: true, SmsPermitted: true, Profile: map[string]any{
				"name": "Jane", "age": int64(28), "email": "jane@example.com", "msisdn": "905312345678",
				"lastVisitedProducts": []any{"shirt"},
			}},
			{ExtID: "id_in_my_system_1", Profile: map[string]any{"name": "Ayşe"}},
			{ExtID: "your_extId", Profile: map[string]any{"email": "your@example.com", "msisdn": "905550000001"}},
			{ExtID: "your-extId", Profile: map[string]any{"msisdn": "905550000002"}},
			{ExtID: "externalid", Tags: []string{"Sport"}, Profile: map[string]any{"name": "Gone"}},
		},
		Devices: []state.DeviceRecord{
			{InstallationID: "inst-id1-android", ExtID: "id1", Platform: state.PlatformAndroid, Token: "a1b2c3d4e5f6g7", DeviceModel: "Pixel 5", PushPermitted: true},
			{InstallationID: "inst-id1-ios", ExtID: "id1", Platform: state.PlatformIOS, Token: "ios-token-id1", DeviceModel: "iPhone 13"},
			{InstallationID: "inst-id1-old", ExtID: "id1", Platform: state.PlatformAndroid, Token: "old-token-id1", DeviceModel: "Galaxy S9", PushPermitted: true, Uninstalled: true},
			{InstallationID: "inst-my-device", ExtID: "id_in_my_system_1", Platform: state.PlatformIOS, Token: "my_device_token", DeviceModel: "iPhone 15", PushPermitted: true},
			{InstallationID: "inst-id2-chrome", ExtID: "id2", Platform: state.PlatformChrome, Token: "chrome-token-id2", PushPermitted: true},
			{InstallationID: "inst-anon", Platform: state.PlatformAndroid, Token: "anon-token", DeviceModel: "Pixel 6"},
			{InstallationID: "inst-id2-notoken", ExtID: "id2", Platform: state.PlatformIOS, DeviceModel: "iPhone SE"},
			{InstallationID: "inst-externalid", ExtID: "externalid", Platform: state.PlatformAndroid, Token: "ext-token", DeviceModel: "Pixel 7", PushPermitted: true},
		},
		Segments: []state.SegmentRecord{
			{ID: bigSegmentID, Name: "segment", Type: state.SegmentProduct, CreatedAt: 1700000003000, Members: []string{"id1", "id2"}},
			{ID: brandSegmentID, Name: "brand", Type: state.SegmentStandard, CreatedAt: 1700000002000, Members: []string{"id1", "id2", "your_extId"}},
			{ID: connectorsSegID, Name: "connectors", Type: state.SegmentConnectors, CreatedAt: 1700000001000, Members: []string{"id1"}},
			{ID: emptySegmentID, Name: "empty", Type: state.SegmentStandard, CreatedAt: 1700000000000, Members: []string{}},
		},
		Messages: []state.MessageRecord{
			{MessageID: pendingMessageID, Title: "Approve me", Text: "Waiting", Platforms: []string{"IOS", "ANDROID"}, Status: state.MessageWaitingApproval},
			{MessageID: 7, Title: "Done", Text: "Sent", Platforms: []string{"ANDROID"}, Status: state.MessageApproved},
		},
	}
	for i := 1; i <= bulkUsers; i++ {
		id := fmt.Sprintf("user-%03d", i)
		u := state.UserRecord{ExtID: id, EmailPermitted: i%2 == 0, Profile: map[string]any{"email": id + "@example.com"}}
		if i%3 == 0 {
			u.Profile["msisdn"] = fmt.Sprintf("9055510%05d", i)
		}
		d.Users = append(d.Users, u)
		d.Segments[0].Members = append(d.Segments[0].Members, id)
	}
	for i := 1; i <= bulkDevices; i++ {
		id := fmt.Sprintf("user-%03d", i)
		platform, model := state.PlatformAndroid, "Pixel 8"
		if i%2 == 0 {
			platform, model = state.PlatformIOS, "iPhone 14"
		}
		d.Devices = append(d.Devices, state.DeviceRecord{InstallationID: "inst-" + id, ExtID: id, Platform: platform,
			Token: "tok-" + id, DeviceModel: model, PushPermitted: i%4 != 0})
	}
	return d
}

// bigDataset is a tenant of users users u-000000…, devices devices
// (device i belongs to user i mod users) and segment 1 holding the first
// segment users. It uses the default attribute definitions.
func bigDataset(users, devices, segment int) *state.Dataset {
	d := &state.Dataset{
		Version:  state.CurrentVersion,
		Users:    make([]state.UserRecord, users),
		Devices:  make([]state.DeviceRecord, devices),
		Segments: []state.SegmentRecord{{ID: 1, Name: "big", Type: state.SegmentStandard, Members: make([]string, segment)}},
	}
	for i := range users {
		d.Users[i] = state.UserRecord{ExtID: bigUser(i)}
	}
	for i := range devices {
		d.Devices[i] = state.DeviceRecord{InstallationID: fmt.Sprintf("dev-%07d", i), ExtID: bigUser(i % users),
			Platform: state.PlatformAndroid, Token: fmt.Sprintf("tok-%07d", i), DeviceModel: "Pixel", PushPermitted: i%2 == 0}
	}
	for i := range segment {
		d.Segments[0].Members[i] = bigUser(i)
	}
	return d
}

func bigUser(i int) string { return fmt.Sprintf("u-%06d", i) }
