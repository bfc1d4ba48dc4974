package state_test

import (
	"testing"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// TestArrayEditsScale pushes, pulls and deletes 40,000 values of an
// array attribute of as many (limits raised to let them in): each edit
// costs the values it names and the array holds, not their product.
// Comparing every value with every other (as the edits did) took about
// 1.6·10⁹ comparisons per edit, seconds each; the budget is generous
// enough for a loaded machine and -race.
func TestArrayEditsScale(t *testing.T) {
	const n = 40_000
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
	start := time.Now()
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
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("four edits of %d values took %v", n, took)
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
