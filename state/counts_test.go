package state_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestCountTarget(t *testing.T) {
	tests := []struct {
		name   string
		target string
		want   int
		code   int
	}{
		{"everyone tracked", `{"sendToAll":true}`, 5, 0},
		{"a value", `{"profile":{"name":"Alice"}}`, 1, 0},
		{"values are OR", `{"profile":{"age":[30,40,50]}}`, 2, 0},
		{"array attribute", `{"profile":{"lastVisitedCategories":["news"]}}`, 1, 0},
		{"$exists false leaves untracked dave out", `{"profile":{"surname":{"$exists":false}}}`, 3, 0},
		{"a tag", `{"tag":"Sport"}`, 2, 0},
		{"$not", `{"tag":{"$not":["Sport"]}}`, 3, 0},
		{"a segment", `{"segment":"churn"}`, 2, 0},
		{"a location", `{"location":{"latitude":39.9,"longitude":32.8,"radius":20}}`, 1, 0},
		{"an undefined attribute is an invalid query", `{"profile":{"favoriteFootballPlayers":["352481"]}}`, 0, state.CodeInvalidJSON},
		{"a tag nobody has", `{"tag":"test-users"}`, 0, state.CodeInvalidJSON},
		{"an unknown segment", `{"segment":"nope"}`, 0, state.CodeSegmentNotFound},
		{"users by ID", `{"extId":"alice"}`, 0, state.CodeInvalidJSON},
		{"empty", `{}`, 0, state.CodeMissingParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			got, err := tn.CountTarget(mustJSON[state.Target](t, tt.target))
			if tt.code != 0 {
				MustCode(t, "CountTarget("+tt.target+")", err, tt.code, kindOf(tt.code))
				return
			}
			MustOK(t, "CountTarget", err)
			if got != tt.want {
				t.Errorf("CountTarget(%s) = %d, want %d", tt.target, got, tt.want)
			}
		})
	}
}

func TestCountBatch(t *testing.T) {
	tests := []struct {
		name string
		q    state.CountBatchQuery
		want []state.ValueCount
		code int
	}{
		{"profile values, highest first", state.CountBatchQuery{Profile: "name"},
			[]state.ValueCount{{"Alice", 1}, {"Bob", 1}, {"Carol", 1}, {"Erin", 1}}, 0},
		{"array values count each user once per value", state.CountBatchQuery{Profile: "lastVisitedCategories"},
			[]state.ValueCount{{"news", 1}, {"shopping", 1}}, 0},
		{"values restrict and keep zeros", state.CountBatchQuery{Profile: "name", Values: []string{"Zed", "Bob"}},
			[]state.ValueCount{{"Bob", 1}, {"Zed", 0}}, 0},
		{"installation platform", state.CountBatchQuery{Installation: "platform"},
			[]state.ValueCount{{"ANDROID", 3}, {"IOS", 2}, {"CHROME", 1}}, 0},
		{"installation push permission", state.CountBatchQuery{Installation: "pushPermitted"},
			[]state.ValueCount{{"true", 4}, {"false", 1}}, 0},
		{"numeric buckets", state.CountBatchQuery{Profile: "age", Buckets: [][]float64{{18, 24}, {25, 34}, {35, 44}}},
			[]state.ValueCount{{"25-34", 1}, {"35-44", 1}, {"18-24", 0}}, 0},
		{"no groupBy", state.CountBatchQuery{}, nil, state.CodeMissingParameter},
		{"both", state.CountBatchQuery{Profile: "name", Installation: "platform"}, nil, state.CodeInvalidJSON},
		{"unknown attribute", state.CountBatchQuery{Profile: "team"}, nil, state.CodeInvalidJSON},
		{"unknown installation attribute", state.CountBatchQuery{Installation: "battery"}, nil, state.CodeInvalidJSON},
		{"buckets of text", state.CountBatchQuery{Profile: "name", Buckets: [][]float64{{1, 2}}}, nil, state.CodeInvalidJSON},
		{"a bucket backwards", state.CountBatchQuery{Profile: "age", Buckets: [][]float64{{30, 20}}}, nil, state.CodeInvalidJSON},
		{"too many values", state.CountBatchQuery{Profile: "name", Values: make([]string, 10_001)}, nil, state.CodeInvalidJSON},
		{"repeated values listed once", state.CountBatchQuery{Profile: "name", Values: []string{"Bob", "Zed", "Bob", "Zed"}},
			[]state.ValueCount{{"Bob", 1}, {"Zed", 0}}, 0},
		{"overlapping and repeated buckets", state.CountBatchQuery{Profile: "age", Buckets: [][]float64{{0, 35}, {30, 50}, {0, 35}, {90, 99}, {90, 99}}},
			[]state.ValueCount{{"30-50", 2}, {"0-35", 1}, {"90-99", 0}}, 0},
		{"too many buckets", state.CountBatchQuery{Profile: "age", Buckets: slices.Repeat([][]float64{{0, 200}}, state.MaxCountValues+1)}, nil, state.CodeInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := notifyTenant(t, state.Settings{})
			got, err := tn.CountBatch(tt.q)
			if tt.code != 0 {
				MustCode(t, "CountBatch", err, tt.code, state.KindInvalid)
				return
			}
			MustOK(t, "CountBatch", err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CountBatch(%+v) (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}
