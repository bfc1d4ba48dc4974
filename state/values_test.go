package state_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// long is a text of n characters; multi-byte letters, so that a length in
// bytes would be twice the length in characters.
func long(n int) string { return strings.Repeat("ş", n) }

// longList is a list of n texts.
func longList(n int, elem string) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = elem + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("y", i/26)
	}
	return out
}

// TestLimitsRefuse sends each write a value over one limit: each is refused
// with 2004 naming the field and the limit, and changes nothing.
func TestLimitsRefuse(t *testing.T) {
	overID, overTag, overName, overText := long(257), long(257), long(257), long(4097)
	tests := []struct {
		name    string
		call    func(tn *state.Tenant) error
		wantMsg string
	}{
		{name: "tag", call: func(tn *state.Tenant) error { return tn.TagUsers([]string{overTag}, []string{"u1"}) },
			wantMsg: "Field 'tag' should be a text of at most 256 characters, got 257"},
		{name: "one tag of a list", call: func(tn *state.Tenant) error { return tn.TagUsers([]string{"ok", overTag}, []string{"u1"}) },
			wantMsg: "Field 'tag' should be a list of texts of at most 256 characters each, got one of 257"},
		{name: "too many tags", call: func(tn *state.Tenant) error {
			tags := make([]string, 51)
			for i := range tags {
				tags[i] = long(i + 1)
			}
			return tn.TagUsers(tags, []string{"u1"})
		}, wantMsg: "Field 'tag' should be a list of at most 50 texts, got 51"},
		{name: "tag extId", call: func(tn *state.Tenant) error { return tn.TagUsers([]string{"x"}, []string{"u1", overID}) },
			wantMsg: "Field 'extIds' should be a list of texts of at most 256 characters each, got one of 257"},
		{name: "untag", call: func(tn *state.Tenant) error { _, err := tn.UntagUsers([]string{overTag}, []string{"u1"}); return err },
			wantMsg: "Field 'tag' should be a text of at most 256 characters, got 257"},
		{name: "delete", call: func(tn *state.Tenant) error { return tn.DeleteUsersPermanently([]string{"u1", overID}) },
			wantMsg: "Field 'extIds' should be a list of texts of at most 256 characters each, got one of 257"},
		{name: "set string", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"name": "Ann"}}, {ExtID: "u2", Values: map[string]any{"name": overText}}})
		}, wantMsg: "Field 'profile.name' should be a text of at most 4096 characters, got 4097"},
		{name: "set undefined key too", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"nobody": overText}}})
		}, wantMsg: "Field 'profile.nobody' should be a text of at most 4096 characters, got 4097"},
		{name: "set email", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{state.AttrEmail: strings.Repeat("a", 250) + "@x.io"}}})
		}, wantMsg: "Field 'profile.email' should be a text of at most 254 characters, got 255"},
		{name: "set msisdn", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{state.AttrMsisdn: "+" + strings.Repeat("9", 32)}}})
		}, wantMsg: "Field 'profile.msisdn' should be a text of at most 32 characters, got 33"},
		{name: "set key", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{overName: 1}}})
		}, wantMsg: "Field 'profile' should be an object of member names of at most 256 characters, got one of 257"},
		{name: "set the first bad key in order", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"b": overText, "a": overText, "c": overText}}})
		}, wantMsg: "Field 'profile.a' should be a text of at most 4096 characters, got 4097"},
		{name: "set array elements", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": longList(1001, "c")}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1001"},
		{name: "set array element", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{"a", overText}}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of texts of at most 4096 characters each, got one of 4097"},
		{name: "set array total", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{long(4000), long(4000) + "1", long(4000) + "2",
				long(4000) + "3", long(4000) + "4", long(4000) + "5", long(4000) + "6", long(4000) + "7", long(4000) + "8", long(4000) + "9",
				long(4000) + "10", long(4000) + "11", long(4000) + "12", long(4000) + "13", long(4000) + "14", long(4000) + "15", long(4000) + "16"}}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of at most 65536 characters in all, got 68023"},
		{name: "set by long token", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{DeviceToken: strings.Repeat("t", 4097), Values: map[string]any{"name": "x"}}})
		}, wantMsg: "Field 'deviceToken' should be a text of at most 4096 characters, got 4097"},
		{name: "set by long extId", call: func(tn *state.Tenant) error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: overID, Values: map[string]any{"name": "x"}}})
		}, wantMsg: "Field 'extId' should be a text of at most 256 characters, got 257"},
		{name: "unset key", call: func(tn *state.Tenant) error {
			return tn.UnsetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Keys: []string{"name", overName}}})
		}, wantMsg: "Field 'profile' should be a list of texts of at most 256 characters each, got one of 257"},
		{name: "pull value", call: func(tn *state.Tenant) error {
			return tn.PullProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{overText}}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of texts of at most 4096 characters each, got one of 4097"},
		{name: "push over the count", call: func(tn *state.Tenant) error {
			return tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": longList(999, "p")}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1001 after the push"},
		{name: "push over the count across entries", call: func(tn *state.Tenant) error {
			return tn.PushProfileAttributes([]state.ProfileEntry{
				{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": longList(500, "p")}},
				{DeviceToken: "tok1", Values: map[string]any{"lastVisitedCategories": longList(500, "q")}},
			})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1002 after the push"},
		{name: "a refused push defines nothing", call: func(tn *state.Tenant) error {
			return tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"aNewList": []any{"x"}, "lastVisitedCategories": longList(999, "p")}}})
		}, wantMsg: "Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1001 after the push"},
		{name: "delete value key", call: func(tn *state.Tenant) error {
			return tn.DeleteProfileAttributeValue([]state.AttributeValue{{Key: overName, Value: "x"}})
		}, wantMsg: "Field 'key' should be a text of at most 256 characters, got 257"},
		{name: "delete value", call: func(tn *state.Tenant) error {
			return tn.DeleteProfileAttributeValue([]state.AttributeValue{{Key: "name", Value: overText}})
		}, wantMsg: "Field 'value' should be a text of at most 4096 characters, got 4097"},
		{name: "category", call: func(tn *state.Tenant) error {
			return tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: "u1", Category: overName, Enable: boolp(true)}})
		}, wantMsg: "Field 'category' should be a text of at most 256 characters, got 257"},
		{name: "category channel", call: func(tn *state.Tenant) error {
			return tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: "u1", Category: catPromotions, Channel: overName, Enable: boolp(true)}})
		}, wantMsg: "Field 'channel' should be a text of at most 256 characters, got 257"},
		{name: "category extId", call: func(tn *state.Tenant) error {
			return tn.SetCategoryPreferences([]state.CategoryEntry{{ExtID: overID, Category: catPromotions, Enable: boolp(true)}})
		}, wantMsg: "Field 'extId' should be a text of at most 256 characters, got 257"},
		{name: "push permission extId", call: func(tn *state.Tenant) error { return tn.SetPush(overID, "", true) },
			wantMsg: "Field 'extId' should be a text of at most 256 characters, got 257"},
		{name: "push permission token", call: func(tn *state.Tenant) error { return tn.SetPush("", strings.Repeat("t", 5000), true) },
			wantMsg: "Field 'deviceToken' should be a text of at most 4096 characters, got 5000"},
		{name: "mail list", call: func(tn *state.Tenant) error {
			return tn.SetMailPermission(nil, []string{"ann@example.com", strings.Repeat("a", 300) + "@example.com"}, false)
		}, wantMsg: "Field 'emailList' should be a list of texts of at most 254 characters each, got one of 312"},
		{name: "mail extIds", call: func(tn *state.Tenant) error { return tn.SetMailPermission([]string{overID}, nil, false) },
			wantMsg: "Field 'extIds' should be a list of texts of at most 256 characters each, got one of 257"},
		{name: "sms list", call: func(tn *state.Tenant) error {
			return tn.SetSmsPermission(nil, []string{strings.Repeat("9", 40)}, false)
		},
			wantMsg: "Field 'msisdnList' should be a list of texts of at most 32 characters each, got one of 40"},
		{name: "update email", call: func(tn *state.Tenant) error { return tn.UpdateEmail("u1", strings.Repeat("a", 255)) },
			wantMsg: "Field 'email' should be a text of at most 254 characters, got 255"},
		{name: "update email extId", call: func(tn *state.Tenant) error { return tn.UpdateEmail(overID, "a@b.io") },
			wantMsg: "Field 'extId' should be a text of at most 256 characters, got 257"},
		{name: "update msisdn", call: func(tn *state.Tenant) error { return tn.UpdateMsisdn("u1", strings.Repeat("9", 33)) },
			wantMsg: "Field 'msisdn' should be a text of at most 32 characters, got 33"},
		{name: "an email upload", call: func(tn *state.Tenant) error {
			return tn.AddEmails([]string{"new@example.com", strings.Repeat("a", 250) + "@x.io"})
		}, wantMsg: "Field 'emailList' should be a list of texts of at most 254 characters each, got one of 255"},
		{name: "an MSISDN upload", call: func(tn *state.Tenant) error { return tn.AddMsisdns([]string{"+90555", strings.Repeat("9", 33)}) },
			wantMsg: "Field 'msisdnList' should be a list of texts of at most 32 characters each, got one of 33"},
		{name: "a WhatsApp number to enable", call: func(tn *state.Tenant) error {
			return tn.SetWhatsAppPermission(nil, []string{strings.Repeat("9", 33)}, true)
		}, wantMsg: "Field 'wpNumbers' should be a list of texts of at most 32 characters each, got one of 33"},
		{name: "a WhatsApp number to store", call: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("u1", []string{strings.Repeat("9", 33)}) },
			wantMsg: "Field 'wpNumbers' should be a list of texts of at most 32 characters each, got one of 33"},
		{name: "a WhatsApp extId", call: func(tn *state.Tenant) error { return tn.UpdateWhatsApp(overID, []string{"+90555"}) },
			wantMsg: "Field 'extId' should be a text of at most 256 characters, got 257"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
			before := tn.Export()
			err := tt.call(tn)
			MustCode(t, tt.name, err, state.CodeTypeMismatch, state.KindInvalid)
			var e *state.Error
			errors.As(err, &e)
			if e.Message != tt.wantMsg {
				t.Errorf("%s: message\n  %q\nwant\n  %q", tt.name, e.Message, tt.wantMsg)
			}
			MustUnchanged(t, tt.name, before, tn)
		})
	}
}

// TestLimitsAtTheEdge stores values exactly at each limit: all are taken,
// and the state holding them exports and loads again.
func TestLimitsAtTheEdge(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	tags := make([]string, 50)
	for i := range tags {
		tags[i] = long(253) + fmt.Sprintf("%03d", i) // 256 characters
	}
	id := long(256)
	steps := []struct {
		name string
		call func() error
	}{
		{"put a user with a long ID", func() error { return tn.PutUser(state.UserRecord{ExtID: id}) }},
		{"50 tags of 256", func() error { return tn.TagUsers(tags, []string{"u1", id}) }},
		{"a text of 4096", func() error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: id, Values: map[string]any{"name": long(4096), "bio": long(4096)}}})
		}},
		{"an email of 254", func() error { return tn.UpdateEmail(id, strings.Repeat("a", 240)+"@example.com") }},
		{"an MSISDN of 32", func() error { return tn.UpdateMsisdn(id, "+"+strings.Repeat("9", 31)) }},
		{"a list of 1000", func() error {
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": longList(1000, "c")}}})
		}},
		{"a push to 1000", func() error {
			return tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"lastVisitedCategories": longList(1000, "c")}}})
		}},
		{"a list of 65536 characters", func() error {
			list := []any{}
			for i := range 16 {
				list = append(list, long(4095)+string(rune('a'+i)))
			}
			return tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"lastVisitedCategories": list}}})
		}},
		{"a device of long IDs", func() error {
			_, err := tn.PutDevice(state.DeviceRecord{InstallationID: long(256), ExtID: id, Platform: state.PlatformIOS, Token: strings.Repeat("t", 4096), DeviceModel: long(256)})
			return err
		}},
		{"a category of 256", func() error { _, err := tn.DefineCategory(state.Category{Name: long(256)}); return err }},
		{"a segment name of 256", func() error {
			_, err := tn.PutSegment(state.SegmentRecord{Name: long(256), Members: []string{id}})
			return err
		}},
		{"a message of 256 and 4096", func() error {
			_, err := tn.CreateMessage(state.MessageRecord{Title: long(256), Text: long(4096)})
			return err
		}},
	}
	for _, s := range steps {
		MustOK(t, s.name, s.call())
	}
	MustConsistent(t, tn)
	if err := tn.Verify(); err != nil {
		t.Fatalf("Verify after writes at the limits: %v", err)
	}
	d := tn.Export()
	again, err := state.NewTenant(d, state.Settings{})
	if err != nil {
		t.Fatalf("NewTenant(export of a state at the limits) = %v, want it to load", err)
	}
	if diff := cmp.Diff(d, again.Export()); diff != "" {
		t.Errorf("export, load, export differs (-first +second):\n%s", diff)
	}
}

// TestLimitsSettings raises and lowers limits through state.Settings.
func TestLimitsSettings(t *testing.T) {
	small := state.Settings{Limits: state.Limits{TagLength: 3, Tags: 2, IDLength: 2, TextLength: 5, ArrayValues: 2, ArrayLength: 6, TokenLength: 4}}
	tn := MustTenant(t, &state.Dataset{Attributes: smallAttributes(), Users: []state.UserRecord{{ExtID: "u1"}},
		Devices: []state.DeviceRecord{{InstallationID: "i1", ExtID: "u1", Platform: state.PlatformIOS, Token: "tok1"}}}, small)
	for _, c := range []struct {
		call    string
		err     error
		wantMsg string
	}{
		{"TagUsers(abcd)", tn.TagUsers([]string{"abcd"}, []string{"u1"}), "Field 'tag' should be a text of at most 3 characters, got 4"},
		{"TagUsers(3 tags)", tn.TagUsers([]string{"a", "b", "c"}, []string{"u1"}), "Field 'tag' should be a list of at most 2 texts, got 3"},
		{"TagUsers(u123)", tn.TagUsers([]string{"a"}, []string{"u123"}), "Field 'extIds' should be a list of texts of at most 2 characters each, got one of 4"},
		{"set name of 6", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"name": "Annabe"}}}),
			"Field 'profile.name' should be a text of at most 5 characters, got 6"},
		{"set 3 values", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"luckyNumbers": []any{1, 2, 3}}}}),
			"Field 'profile.luckyNumbers' should be a list of at most 2 values, got 3"},
		{"set 7 characters", tn.SetProfileAttributes([]state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{"abcd", "efg"}}}}),
			"Field 'profile.lastVisitedCategories' should be a list of at most 6 characters in all, got 7"},
		{"SetPush(token)", tn.SetPush("", "tok12", true), "Field 'deviceToken' should be a text of at most 4 characters, got 5"},
	} {
		var e *state.Error
		if !errors.As(c.err, &e) || e.Message != c.wantMsg {
			t.Errorf("%s with %+v = %v, want %q", c.call, small.Limits, c.err, c.wantMsg)
		}
	}
	// The small limits held for loading too: smallDataset's lastVisitedCategories
	// of u1 ("shopping", "news") is longer than 6 characters.
	if _, err := state.NewTenant(smallDataset(), state.Settings{Limits: state.Limits{ArrayLength: 6}}); err == nil ||
		err.Error() != `users[0]: user "u1": Field 'profile.lastVisitedCategories' should be a list of at most 6 characters in all, got 12` {
		t.Errorf("NewTenant(smallDataset) with ArrayLength 6 = %v, want users[0] refused", err)
	}
	big := state.Settings{Limits: state.Limits{TagLength: 10000}}
	tn = MustTenant(t, smallDataset(), big)
	MustOK(t, "TagUsers(a tag of 10000) with TagLength 10000", tn.TagUsers([]string{long(10000)}, []string{"u1"}))
	if got, want := (state.Limits{TagLength: 7}).Effective(), (state.Limits{IDLength: 256, TokenLength: 4096, TagLength: 7, Tags: 50, NameLength: 256,
		TextLength: 4096, ArrayValues: 1000, ArrayLength: 65536}); got != want {
		t.Errorf("Limits{TagLength: 7}.Effective() = %+v, want %+v", got, want)
	}
}

// TestLimitsLoad loads Datasets and makes control calls with values over
// the limits: each is refused, naming the record.
func TestLimitsLoad(t *testing.T) {
	over := long(257)
	tests := []struct {
		name string
		edit func(d *state.Dataset)
		want string
	}{
		{"user extId", func(d *state.Dataset) { d.Users[2].ExtID = over }, "users[2]: Field 'extId' should be a text of at most 256 characters, got 257"},
		{"tag", func(d *state.Dataset) { d.Users[1].Tags = []string{"a", over} },
			`users[1]: user "u2": Field 'tags' should be a list of texts of at most 256 characters each, got one of 257`},
		{"profile", func(d *state.Dataset) { d.Users[0].Profile["name"] = long(4097) },
			`users[0]: user "u1": Field 'profile.name' should be a text of at most 4096 characters, got 4097`},
		{"attribute code", func(d *state.Dataset) {
			d.Attributes = append(d.Attributes, state.AttributeDef{Code: over, DataType: state.TypeString})
		},
			"Field 'code' should be a text of at most 256 characters, got 257"},
		{"category", func(d *state.Dataset) { d.Categories[0].Name = over }, "category 1: Field 'name' should be a text of at most 256 characters, got 257"},
		{"device token", func(d *state.Dataset) { d.Devices[3].Token = strings.Repeat("t", 4097) },
			`devices[3]: installation "i4": Field 'token' should be a text of at most 4096 characters, got 4097`},
		{"device model", func(d *state.Dataset) { d.Devices[0].DeviceModel = over },
			`devices[0]: installation "i1": Field 'deviceModel' should be a text of at most 256 characters, got 257`},
		{"segment", func(d *state.Dataset) { d.Segments[1].Name = over },
			"segments[1]: segment 11: Field 'name' should be a text of at most 256 characters, got 257"},
		{"message", func(d *state.Dataset) { d.Messages[2].Text = long(4097) },
			"messages[2]: message 102: Field 'text' should be a text of at most 4096 characters, got 4097"},
		{"contact", func(d *state.Dataset) { d.Contacts = []state.ContactRecord{{Msisdn: strings.Repeat("9", 33)}} },
			"contacts[0]: Field 'msisdn' should be a text of at most 32 characters, got 33"},
		{"WhatsApp number", func(d *state.Dataset) { d.Users[2].WpNumbers = []string{strings.Repeat("9", 40)} },
			`users[2]: user "u3": Field 'wpNumbers' should be a list of texts of at most 32 characters each, got one of 40`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := smallDataset()
			tt.edit(d)
			_, err := state.NewTenant(d, state.Settings{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("NewTenant(dataset with a long %s) = %v, want %q", tt.name, err, tt.want)
			}
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			if err := tn.Replace(d); err == nil {
				t.Errorf("Replace(dataset with a long %s) = nil, want an error", tt.name)
			}
			MustUnchanged(t, "a refused Replace", before, tn)
		})
	}
}

// TestLimitsControl refuses control calls over the limits.
func TestLimitsControl(t *testing.T) {
	over := long(257)
	tests := []struct {
		name string
		call func(tn *state.Tenant) error
		want string
	}{
		{"PutUser tag", func(tn *state.Tenant) error { return tn.PutUser(state.UserRecord{ExtID: "u1", Tags: []string{over}}) },
			`user "u1": Field 'tags' should be a list of texts of at most 256 characters each, got one of 257`},
		{"PutUser extId", func(tn *state.Tenant) error { return tn.PutUser(state.UserRecord{ExtID: over}) },
			"Field 'extId' should be a text of at most 256 characters, got 257"},
		{"PutUser profile", func(tn *state.Tenant) error {
			return tn.PutUser(state.UserRecord{ExtID: "u9", Profile: map[string]any{"lastVisitedCategories": longList(1001, "z")}})
		}, `user "u9": Field 'profile.lastVisitedCategories' should be a list of at most 1000 values, got 1001`},
		{"PutDevice token", func(tn *state.Tenant) error {
			_, err := tn.PutDevice(state.DeviceRecord{InstallationID: "i1", Platform: state.PlatformIOS, Token: strings.Repeat("t", 4097)})
			return err
		}, "Field 'token' should be a text of at most 4096 characters, got 4097"},
		{"PutDevice new user", func(tn *state.Tenant) error {
			_, err := tn.PutDevice(state.DeviceRecord{ExtID: over, Platform: state.PlatformIOS})
			return err
		}, "Field 'extId' should be a text of at most 256 characters, got 257"},
		{"DefineAttribute", func(tn *state.Tenant) error {
			return tn.DefineAttribute(state.AttributeDef{Code: over, DataType: state.TypeString})
		},
			"Field 'code' should be a text of at most 256 characters, got 257"},
		{"DefineCategory", func(tn *state.Tenant) error { _, err := tn.DefineCategory(state.Category{Name: over}); return err },
			"category 4: Field 'name' should be a text of at most 256 characters, got 257"},
		{"PutSegment", func(tn *state.Tenant) error {
			_, err := tn.PutSegment(state.SegmentRecord{ID: 10, Name: over})
			return err
		},
			"segment 10: Field 'name' should be a text of at most 256 characters, got 257"},
		{"CreateMessage", func(tn *state.Tenant) error { _, err := tn.CreateMessage(state.MessageRecord{Title: over}); return err },
			"message 103: Field 'title' should be a text of at most 256 characters, got 257"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			err := tt.call(tn)
			if err == nil || err.Error() != tt.want {
				t.Errorf("%s = %v, want %q", tt.name, err, tt.want)
			}
			MustUnchanged(t, tt.name, before, tn)
		})
	}
}

// TestDeleteProfileAttributesTakesAnyKey: deleteProfileAttributes is not
// validated, as Netmera documents; a key over the limits names nothing.
func TestDeleteProfileAttributesTakesAnyKey(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	before := tn.Export()
	tn.DeleteProfileAttributes([]string{long(100_000)})
	MustUnchanged(t, "DeleteProfileAttributes(a long key)", before, tn)
}

// TestPushWholeEqualsOneByOne: a push of several entries, worked out
// before it is stored, ends as the same pushes made one entry at a time.
func TestPushWholeEqualsOneByOne(t *testing.T) {
	entries := []state.ProfileEntry{
		{ExtID: "u3", Values: map[string]any{"sizes": []any{42, 43}, "lastVisitedCategories": []any{"a"}}},
		{DeviceToken: "tok1", Values: map[string]any{"lastVisitedCategories": []any{"news", "b"}, "colors": []any{"red"}}},
		{ExtID: "u3", Values: map[string]any{"sizes": []any{43, 44}, "colors": []any{true}, "scalar": 1}},
		{ExtID: "u1", Values: map[string]any{"colors": []any{"blue", "red"}, "luckyNumbers": []any{1}}},
		{Malformed: true},
		{ExtID: "ghost", Values: map[string]any{"ghostList": []any{"x"}}},
	}
	whole := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	MustOK(t, "PushProfileAttributes(all)", whole.PushProfileAttributes(entries))
	byOne := MustTenant(t, smallDataset(), state.Settings{AutoDefine: true})
	for _, e := range entries {
		if !e.Malformed {
			MustOK(t, "PushProfileAttributes(one)", byOne.PushProfileAttributes([]state.ProfileEntry{e}))
		}
	}
	if diff := cmp.Diff(byOne.Export(), whole.Export()); diff != "" {
		t.Errorf("one push of every entry differs from a push per entry (-by one +whole):\n%s", diff)
	}
	MustConsistent(t, whole)
}
