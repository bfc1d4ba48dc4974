package state_test

import (
	"fmt"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestArrayEditsScale pushes, pulls and deletes 40,000 values of an
// array attribute of as many (limits raised to let them in) and checks
// what is kept. Each edit costs the values it names and the array holds,
// not their product: BenchmarkArrayEdits measures it at two sizes (the
// quadratic edits took seconds each here).
func TestArrayEditsScale(t *testing.T) {
	arrayEdits(t, 40_000)
}

// BenchmarkArrayEdits runs the four edits of TestArrayEditsScale on
// arrays of 4,000 and 40,000 values: linear edits take about ten times as
// long at the larger size, quadratic ones a hundred.
func BenchmarkArrayEdits(b *testing.B) {
	for _, n := range []int{4_000, 40_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				arrayEdits(b, n)
			}
		})
	}
}

// arrayEdits pushes n values twice, pulls half and deletes them all, on a
// fresh tenant, checking what is kept after each.
func arrayEdits(t testing.TB, n int) {
	t.Helper()
	tn := MustTenant(t, smallDataset(), state.Settings{Limits: state.Limits{ArrayValues: n}})
	nums := make([]any, n)
	dels := make([]state.AttributeValue, n)
	for i := range nums {
		nums[i] = int64(i)
		dels[i] = state.AttributeValue{Key: "luckyNumbers", Value: int64(i)}
	}
	entry := func(values []any) []state.ProfileEntry {
		return []state.ProfileEntry{{ExtID: "u3", Values: map[string]any{"luckyNumbers": values}}}
	}
	luckyNumbers := func() int {
		p, _ := tn.ProfileAttributes("u3", "")
		list, _ := p["luckyNumbers"].([]any)
		return len(list)
	}
	MustOK(t, "PushProfileAttributes", tn.PushProfileAttributes(entry(nums)))
	MustOK(t, "PushProfileAttributes", tn.PushProfileAttributes(entry(nums))) // every value there already
	if got := luckyNumbers(); got != n {
		t.Fatalf("after two pushes of %d values, %d kept", n, got)
	}
	MustOK(t, "PullProfileAttributes", tn.PullProfileAttributes(entry(nums[:n/2])))
	if got := luckyNumbers(); got != n/2 {
		t.Fatalf("after a pull of %d values of %d, %d kept", n/2, n, got)
	}
	MustOK(t, "DeleteProfileAttributeValue", tn.DeleteProfileAttributeValue(dels))
	if got := luckyNumbers(); got != 0 {
		t.Fatalf("after every value is deleted, %d kept", got)
	}
	MustConsistent(t, tn)
}

// TestDeleteProfileAttributeValueBound: a deleteProfileAttributeValue
// names at most Limits.ArrayValues values, or it is refused whole.
func TestDeleteProfileAttributeValueBound(t *testing.T) {
	values := func(n int) []state.AttributeValue {
		out := make([]state.AttributeValue, n)
		for i := range out {
			out[i] = state.AttributeValue{Key: "name", Value: "Ann"}
		}
		return out
	}
	for _, tt := range []struct {
		name     string
		settings state.Settings
		values   []state.AttributeValue
		refused  bool
	}{
		{"the default bound", state.Settings{}, values(state.DefaultArrayValues), false},
		{"past the default bound", state.Settings{}, values(state.DefaultArrayValues + 1), true},
		{"a bound of 2", state.Settings{Limits: state.Limits{ArrayValues: 2}}, values(2), false},
		{"past a bound of 2", state.Settings{Limits: state.Limits{ArrayValues: 2}}, values(3), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, smallDataset(), tt.settings)
			before := tn.Export()
			err := tn.DeleteProfileAttributeValue(tt.values)
			if !tt.refused {
				MustOK(t, "DeleteProfileAttributeValue", err)
				if _, has := MustUser(t, tn, "u1").Profile["name"]; has {
					t.Errorf("u1's name kept")
				}
				return
			}
			MustCode(t, "DeleteProfileAttributeValue", err, state.CodeTypeMismatch, state.KindInvalid)
			MustUnchanged(t, "a refused DeleteProfileAttributeValue", before, tn)
		})
	}
}
