package state_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestPushProfileAttributes(t *testing.T) {
	tests := []struct {
		name     string
		settings state.Settings
		entries  []state.ProfileEntry
		want     map[string]map[string]any
		wantErr  int
	}{
		{name: "set semantics", entries: []state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{"news", "toys", "toys", "shopping", "games"}}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"lastVisitedCategories": []any{"shopping", "news", "toys", "games"}}), u2Profile(), nil)},
		{name: "creates a missing attribute", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"luckyNumbers": []any{json.Number("3"), float64(4), 3}}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"luckyNumbers": []any{int64(3), int64(4)}})},
		{name: "an empty push creates an empty array", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"lastVisitedCategories": []any{}}}},
			want: profilesWith(u1Profile(), u2Profile(), map[string]any{"lastVisitedCategories": []any{}})},
		{name: "wrong types and undefined keys dropped", entries: []state.ProfileEntry{{ExtID: "u2", Values: map[string]any{
			"luckyNumbers": []any{8, "9"}, "lastVisitedCategories": "toys", "name": []any{"Bob"}, "age": []any{3}, "tags": []any{"x"}}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "keys are case-sensitive", entries: []state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"LuckyNumbers": []any{8}}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "by device token", entries: []state.ProfileEntry{{DeviceToken: "tok4", Values: map[string]any{"luckyNumbers": []any{8}}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": []any{int64(7), int64(8)}}), nil)},
		{name: "some malformed, others applied", entries: []state.ProfileEntry{{Malformed: true}, {ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{8}}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": []any{int64(7), int64(8)}}), nil)},
		{name: "every entry malformed", entries: []state.ProfileEntry{{Malformed: true}, {Values: map[string]any{"luckyNumbers": []any{8}}}},
			wantErr: state.CodeInvalidJSON},
		{name: "auto-define creates an array attribute", settings: state.Settings{AutoDefine: true},
			entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"sizes": []any{42, 42}, "scalar": 1}}},
			want:    profilesWith(u1Profile(), u2Profile(), map[string]any{"sizes": []any{int64(42)}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), tt.settings)
			before := tn.Export()
			err := tn.PushProfileAttributes(tt.entries)
			if tt.wantErr != 0 {
				MustCode(t, "PushProfileAttributes", err, tt.wantErr, state.KindInvalid)
				MustUnchanged(t, "a failing PushProfileAttributes", before, tn)
				return
			}
			MustOK(t, "PushProfileAttributes", err)
			if diff := cmp.Diff(tt.want, profiles(tn)); diff != "" {
				t.Errorf("profiles after PushProfileAttributes(%+v) (-want +got):\n%s", tt.entries, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

func TestPullProfileAttributes(t *testing.T) {
	tests := []struct {
		name    string
		entries []state.ProfileEntry
		want    map[string]map[string]any
		wantErr int
	}{
		{name: "values removed, absent ignored", entries: []state.ProfileEntry{{ExtID: "u1", Values: map[string]any{"lastVisitedCategories": []any{"news", "toys"}}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"lastVisitedCategories": []any{"shopping"}}), u2Profile(), nil)},
		{name: "last value leaves []", entries: []state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{json.Number("7")}}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": []any{}}), nil)},
		{name: "pulling from [] leaves []", entries: []state.ProfileEntry{
			{ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{7}}}, {ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{7}}}},
			want: profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": []any{}}), nil)},
		{name: "missing attribute not created", entries: []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"luckyNumbers": []any{7}}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "wrong-typed values dropped", entries: []state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{"7"}}}},
			want: profilesWith(u1Profile(), u2Profile(), nil)},
		{name: "by device token", entries: []state.ProfileEntry{{DeviceToken: "tok1", Values: map[string]any{"lastVisitedCategories": []any{"shopping"}}}},
			want: profilesWith(edited(u1Profile(), map[string]any{"lastVisitedCategories": []any{"news"}}), u2Profile(), nil)},
		{name: "every entry malformed", entries: []state.ProfileEntry{{Malformed: true, ExtID: "u2"}}, wantErr: state.CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), state.Settings{})
			before := tn.Export()
			err := tn.PullProfileAttributes(tt.entries)
			if tt.wantErr != 0 {
				MustCode(t, "PullProfileAttributes", err, tt.wantErr, state.KindInvalid)
				MustUnchanged(t, "a failing PullProfileAttributes", before, tn)
				return
			}
			MustOK(t, "PullProfileAttributes", err)
			if diff := cmp.Diff(tt.want, profiles(tn)); diff != "" {
				t.Errorf("profiles after PullProfileAttributes(%+v) (-want +got):\n%s", tt.entries, diff)
			}
			MustConsistent(t, tn)
		})
	}
}

// TestEmptyArrayIsNotNull checks an emptied array reads back as [] from
// every accessor, never as a nil slice (which JSON encodes as null).
func TestEmptyArrayIsNotNull(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	pull := []state.ProfileEntry{{ExtID: "u2", Values: map[string]any{"luckyNumbers": []any{7}}}}
	MustOK(t, "PullProfileAttributes", tn.PullProfileAttributes(pull))
	MustOK(t, "PullProfileAttributes", tn.PullProfileAttributes(pull))
	MustOK(t, "PushProfileAttributes", tn.PushProfileAttributes([]state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"luckyNumbers": []any{}}}}))
	for _, id := range []string{"u2", "u3"} {
		p, _ := tn.ProfileAttributes(id, "")
		b, err := json.Marshal(p["luckyNumbers"])
		MustOK(t, "json.Marshal", err)
		if string(b) != "[]" {
			t.Errorf("ProfileAttributes(%s)[luckyNumbers] encodes as %s, want []", id, b)
		}
		b, err = json.Marshal(MustUser(t, tn, id).Profile["luckyNumbers"])
		MustOK(t, "json.Marshal", err)
		if string(b) != "[]" {
			t.Errorf("User(%s).Profile[luckyNumbers] encodes as %s, want []", id, b)
		}
	}
}

func TestDeleteProfileAttributeValue(t *testing.T) {
	d := smallDataset()
	d.Users[1].Profile["lastVisitedCategories"] = []any{"news", "toys"}
	d.Users[2].Profile = map[string]any{"name": "Ann", "luckyNumbers": []any{7, 8, 7}}
	tests := []struct {
		name   string
		values []state.AttributeValue
		want   func() map[string]map[string]any
	}{
		{name: "array value from every user", values: []state.AttributeValue{{Key: "lastVisitedCategories", Value: "news"}},
			want: func() map[string]map[string]any {
				return profilesWith(edited(u1Profile(), map[string]any{"lastVisitedCategories": []any{"shopping"}}),
					edited(u2Profile(), map[string]any{"lastVisitedCategories": []any{"toys"}}), map[string]any{"name": "Ann", "luckyNumbers": []any{int64(7), int64(8), int64(7)}})
			}},
		{name: "every occurrence, number from JSON", values: []state.AttributeValue{{Key: "luckyNumbers", Value: json.Number("7")}},
			want: func() map[string]map[string]any {
				return profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"luckyNumbers": []any{}, "lastVisitedCategories": []any{"news", "toys"}}),
					map[string]any{"name": "Ann", "luckyNumbers": []any{int64(8)}})
			}},
		{name: "equal scalar removed, others kept", values: []state.AttributeValue{{Key: "name", Value: "Ann"}, {Key: "age", Value: 35}},
			want: func() map[string]map[string]any {
				return profilesWith(edited(u1Profile(), map[string]any{"name": nil}), edited(u2Profile(), map[string]any{"lastVisitedCategories": []any{"news", "toys"}}),
					map[string]any{"luckyNumbers": []any{int64(7), int64(8), int64(7)}})
			}},
		{name: "email value unindexed", values: []state.AttributeValue{{Key: state.AttrEmail, Value: "bob@example.com"}},
			want: func() map[string]map[string]any {
				return profilesWith(u1Profile(), edited(u2Profile(), map[string]any{state.AttrEmail: nil, "lastVisitedCategories": []any{"news", "toys"}}),
					map[string]any{"name": "Ann", "luckyNumbers": []any{int64(7), int64(8), int64(7)}})
			}},
		{name: "wrong type and undefined key ignored", values: []state.AttributeValue{{Key: "luckyNumbers", Value: "7"}, {Key: "shoeSize", Value: 42}, {Key: "age", Value: 34.5}},
			want: func() map[string]map[string]any {
				return profilesWith(u1Profile(), edited(u2Profile(), map[string]any{"lastVisitedCategories": []any{"news", "toys"}}),
					map[string]any{"name": "Ann", "luckyNumbers": []any{int64(7), int64(8), int64(7)}})
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, d, state.Settings{})
			tn.DeleteProfileAttributeValue(tt.values)
			if diff := cmp.Diff(tt.want(), profiles(tn)); diff != "" {
				t.Errorf("profiles after DeleteProfileAttributeValue(%+v) (-want +got):\n%s", tt.values, diff)
			}
			MustConsistent(t, tn)
		})
	}
}
