package state_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestBulkTargeting sends one iOS+Android push per target and checks who
// got it and who was named but left out, and why.
func TestBulkTargeting(t *testing.T) {
	// The users every sendToAll names besides those it reaches.
	allExcluded := list("bob/b-ios:NO_PUSH_PERMISSION", "dave:UNTRACKED", "erin:NO_DEVICE",
		"frank/f-ios:UNINSTALLED", "frank/f-web:PLATFORM_FILTERED")
	tests := []struct {
		name         string
		target       string
		wantReached  []string
		wantExcluded []string
	}{
		{"sendToAll", `{"sendToAll":true}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!", "carol/c-and"), allExcluded},
		{"one tag", `{"tag":"Sport"}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION", "dave:UNTRACKED")},
		{"tag list is OR", `{"tag":["VIP","Casual"]}`,
			list("alice/a-and", "alice/a-ios", "carol/c-and"), list("erin:NO_DEVICE")},
		{"tag $or", `{"tag":{"$or":["VIP","Casual"]}}`,
			list("alice/a-and", "alice/a-ios", "carol/c-and"), list("erin:NO_DEVICE")},
		{"tag $and", `{"tag":{"$and":["Sport","VIP"]}}`, list("alice/a-and", "alice/a-ios"), list()},
		{"tag $not: none of them", `{"tag":{"$not":["Sport","VIP"]}}`,
			list("carol/c-and"), list("frank/f-ios:UNINSTALLED", "frank/f-web:PLATFORM_FILTERED")},
		{"tag nested", `{"tag":{"$and":["Sport",{"$not":["VIP"]}]}}`,
			list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION", "dave:UNTRACKED")},
		{"segment by name", `{"segment":"frequent_users"}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!", "carol/c-and"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"segment by ID", `{"segment":10}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!", "carol/c-and"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"segment by ID text", `{"segment":"11"}`, list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION", "erin:NO_DEVICE")},
		{"segment list is OR", `{"segment":["churn","vip"]}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION", "erin:NO_DEVICE")},
		{"segment $and", `{"segment":{"$and":["frequent_users","churn"]}}`, list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"segment $not", `{"segment":{"$not":["frequent_users","churn"]}}`,
			list(), list("dave:UNTRACKED", "frank/f-ios:UNINSTALLED", "frank/f-web:PLATFORM_FILTERED")},
		{"segment nested trees", `{"segment":{"$or":[{"$and":[10,11]},{"$and":["vip",{"$not":["churn"]}]}]}}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"several operators in one object are AND", `{"segment":{"$or":["frequent_users"],"$not":["vip"]}}`,
			list("bob/b-and!", "carol/c-and"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"profile value", `{"profile":{"name":"Carol"}}`, list("carol/c-and"), list()},
		{"profile list is OR", `{"profile":{"age":[30,40]}}`,
			list("alice/a-and", "alice/a-ios", "bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"profile keys are AND", `{"profile":{"age":[30,40],"name":"Bob"}}`, list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"profile array attribute matches any element", `{"profile":{"lastVisitedCategories":["news","sports"]}}`,
			list("alice/a-and", "alice/a-ios"), list()},
		{"profile $exists false", `{"profile":{"surname":{"$exists":false}}}`,
			list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION", "dave:UNTRACKED", "erin:NO_DEVICE",
				"frank/f-ios:UNINSTALLED", "frank/f-web:PLATFORM_FILTERED")},
		{"profile $exists true", `{"profile":{"surname":{"$exists":true}}}`,
			list("alice/a-and", "alice/a-ios", "carol/c-and"), list()},
		{"profile $or group", `{"profile":{"$or":{"name":"Carol","age":40}}}`,
			list("bob/b-and!", "carol/c-and"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"profile $or of objects with AND inside", `{"profile":{"$or":[{"name":"Alice","age":31},{"name":"Bob","age":40}]}}`,
			list("bob/b-and!"), list("bob/b-ios:NO_PUSH_PERMISSION")},
		{"profile $or beside a key", `{"profile":{"$or":{"age":[30,40]},"surname":{"$exists":true}}}`,
			list("alice/a-and", "alice/a-ios"), list()},
		{"profile $not", `{"profile":{"$not":{"name":["Alice","Bob"]},"surname":{"$exists":true}}}`, list("carol/c-and"), list()},
		{"profile number for a text attribute", `{"profile":{"name":5}}`, list(), list()},
		{"profile attribute not defined matches nobody", `{"profile":{"kvkkTest":true}}`, list(), list()},
		{"location", `{"location":{"latitude":41.0,"longitude":29.0,"radius":50}}`,
			list("alice/a-ios"), list("alice/a-and:OUT_OF_AREA")},
		{"location far from everyone", `{"location":{"latitude":0,"longitude":0,"radius":100}}`, list(), list()},
		{"conditions are AND", `{"tag":"Sport","profile":{"age":30}}`, list("alice/a-and", "alice/a-ios"), list()},
		{"sendToAll with a tag is the tag", `{"sendToAll":true,"tag":"Casual"}`, list("carol/c-and"), list()},
		{"extIds in a bulk target", `{"extId":["carol","nobody","dave"]}`,
			list("carol/c-and"), list("dave:UNTRACKED", "nobody:UNKNOWN_USER")},
		{"extIds with a condition", `{"extId":["alice","carol"],"tag":"Casual"}`, list("carol/c-and"), list("alice:NOT_TARGETED")},
		{"device token of nobody", `{"deviceToken":["tok-anon","tok-none"]}`, list("/anon"), list("tok-none:UNKNOWN_TOKEN")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			key := MustSend(t, tn, `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]},"target":`+tt.target+`}`)
			rec := MustNotification(t, tn, key)
			if diff := cmp.Diff(tt.wantReached, reached(rec)); diff != "" {
				t.Errorf("target %s reached (-want +got):\n%s", tt.target, diff)
			}
			if diff := cmp.Diff(tt.wantExcluded, excluded(rec)); diff != "" {
				t.Errorf("target %s excluded (-want +got):\n%s", tt.target, diff)
			}
			if rec.Status != state.StatusFinished {
				t.Errorf("status %s, want FINISHED", rec.Status)
			}
			MustConsistent(t, tn)
		})
	}
}
