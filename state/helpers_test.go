package state_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// Category names of smallDataset.
const (
	catPromotions = "Promotions"
	catNewsletter = "Newsletter"
	catWeekly     = "Haftalık Bülten"
)

// smallAttributes are smallDataset's definitions: one of each type, two
// arrays, and the address attributes.
func smallAttributes() []state.AttributeDef {
	return []state.AttributeDef{
		{Code: "name", DataType: state.TypeString, Standard: true},
		{Code: state.AttrEmail, DataType: state.TypeString, Standard: true},
		{Code: state.AttrMsisdn, DataType: state.TypeString, Standard: true},
		{Code: "dateOfBirth", DataType: state.TypeDate, Standard: true},
		{Code: "age", DataType: state.TypeInteger},
		{Code: "score", DataType: state.TypeDouble},
		{Code: "isSubscribed", DataType: state.TypeBoolean},
		{Code: "lastVisitedCategories", DataType: state.TypeString, IsArray: true},
		{Code: "luckyNumbers", DataType: state.TypeInteger, IsArray: true},
	}
}

// smallDataset is a fresh hand-written tenant: u1 (two installed devices
// and an uninstalled one), u2, u3 (a device without token), u4 untracked,
// one device linked to nobody, three segments and three messages.
func smallDataset() *state.Dataset {
	return &state.Dataset{
		Version:    state.CurrentVersion,
		Attributes: smallAttributes(),
		Categories: []state.Category{{ID: 1, Name: catPromotions}, {ID: 3, Name: catWeekly}, {ID: 2, Name: catNewsletter}},
		Users: []state.UserRecord{
			{ExtID: "u1", Tags: []string{"Sport", "VIP"}, Profile: map[string]any{
				"name": "Ann", state.AttrEmail: "ann@example.com", state.AttrMsisdn: "+905551110001", "age": 34,
				"dateOfBirth": int64(624315600000), "lastVisitedCategories": []any{"shopping", "news"},
			}, Categories: []state.CategoryPref{{Category: catPromotions, Channel: "EMAIL", Enabled: false}},
				EmailPermitted: true, SmsPermitted: true},
			{ExtID: "u2", Tags: []string{"Sport"}, Profile: map[string]any{
				state.AttrEmail: "bob@example.com", state.AttrMsisdn: "+905551110002", "isSubscribed": true,
				"luckyNumbers": []any{7}, "score": 2.5,
			}},
			{ExtID: "u3"},
			{ExtID: "u4", Untracked: true, Profile: map[string]any{state.AttrEmail: "dan@example.com"}},
		},
		Devices: []state.DeviceRecord{
			{InstallationID: "i1", ExtID: "u1", Platform: state.PlatformIOS, Token: "tok1", DeviceModel: "iPhone 15", PushPermitted: true},
			{InstallationID: "i2", ExtID: "u1", Platform: state.PlatformAndroid, Token: "tok2", DeviceModel: "Pixel 6"},
			{InstallationID: "i3", ExtID: "u1", Platform: state.PlatformAndroid, Token: "tok3", PushPermitted: true, Uninstalled: true},
			{InstallationID: "i4", ExtID: "u2", Platform: state.PlatformChrome, Token: "tok4", PushPermitted: true},
			{InstallationID: "i5", Platform: state.PlatformAndroid, Token: "tok5", PushPermitted: true},
			{InstallationID: "i6", ExtID: "u3", Platform: state.PlatformIOS},
		},
		Segments: []state.SegmentRecord{
			{ID: 10, Name: "brand", Type: state.SegmentStandard, CreatedAt: 1000, Members: []string{"u1", "u2", "u3"}},
			{ID: 11, Name: "vip", Type: state.SegmentProduct, CreatedAt: 3000, Members: []string{"u1"}},
			{ID: 12, Name: "crm", Type: state.SegmentConnectors, CreatedAt: 2000, Members: []string{"u2"}},
		},
		Messages: []state.MessageRecord{
			{MessageID: 100, Title: "Sale", Text: "50% off", Platforms: []string{state.PlatformIOS}, Status: state.MessageWaitingApproval},
			{MessageID: 101, Title: "Hello", Text: "Welcome", Status: state.MessageApproved},
			{MessageID: 102, Title: "News", Text: "Weekly", Status: state.MessageWaitingApproval},
		},
	}
}

// bigDataset has n users "u0".."u<n-1>", each with an email "u<i>@example.com",
// an MSISDN "+90<i>" and one device with token "t<i>", all in segment 1.
func bigDataset(n int) *state.Dataset {
	d := &state.Dataset{
		Attributes: smallAttributes(),
		Categories: []state.Category{{ID: 1, Name: catPromotions}},
		Segments:   []state.SegmentRecord{{ID: 1, Name: "all", Type: state.SegmentStandard}},
	}
	for i := range n {
		id := fmt.Sprintf("u%d", i)
		d.Users = append(d.Users, state.UserRecord{ExtID: id, Profile: map[string]any{
			state.AttrEmail: id + "@example.com", state.AttrMsisdn: fmt.Sprintf("+90%d", i),
			"lastVisitedCategories": []any{"shopping"},
		}})
		d.Devices = append(d.Devices, state.DeviceRecord{InstallationID: "i" + id, ExtID: id,
			Platform: state.PlatformAndroid, Token: fmt.Sprintf("t%d", i), PushPermitted: true})
		d.Segments[0].Members = append(d.Segments[0].Members, id)
	}
	return d
}

// ids returns n external IDs "u<from>".."u<from+n-1>".
func ids(from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("u%d", from+i)
	}
	return out
}

// MustTenant loads d or fails the test.
func MustTenant(tb testing.TB, d *state.Dataset, s state.Settings) *state.Tenant {
	tb.Helper()
	tn, err := state.NewTenant(d, s)
	if err != nil {
		tb.Fatalf("NewTenant: %v", err)
	}
	return tn
}

// MustConsistent fails the test when the tenant's indexes disagree with
// its data.
func MustConsistent(tb testing.TB, tn *state.Tenant) {
	tb.Helper()
	if err := state.CheckInvariants(tn); err != nil {
		tb.Fatalf("tenant invariants: %v", err)
	}
}

// MustUser returns a user's record or fails the test.
func MustUser(tb testing.TB, tn *state.Tenant, extID string) state.UserRecord {
	tb.Helper()
	u, ok := tn.User(extID)
	if !ok {
		tb.Fatalf("User(%q): not found", extID)
	}
	return u
}

// MustUnchanged fails when the tenant's export differs from before.
func MustUnchanged(tb testing.TB, call string, before *state.Dataset, tn *state.Tenant) {
	tb.Helper()
	after := tn.Export()
	if reflect.DeepEqual(before, after) { // fast path; cmp explains a difference
		return
	}
	if diff := cmp.Diff(before, after); diff != "" {
		tb.Fatalf("%s changed the tenant (-before +after):\n%s", call, diff)
	}
}

// MustCode fails unless err is a *state.Error with code and kind.
func MustCode(tb testing.TB, call string, err error, code int, kind state.Kind) {
	tb.Helper()
	var e *state.Error
	if !errors.As(err, &e) {
		tb.Fatalf("%s = %v, want a *state.Error with code %d", call, err, code)
	}
	if e.Code != code || e.Kind != kind {
		tb.Fatalf("%s = code %d kind %d (%v), want code %d kind %d", call, e.Code, e.Kind, err, code, kind)
	}
}

// MustOK fails when err is not nil.
func MustOK(tb testing.TB, call string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s = %v, want no error", call, err)
	}
}

func boolp(b bool) *bool { return &b }
