package state

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// TestStoredScalarAgreesWithScalar: the fast path that takes a value as
// already stored (loading generated data) accepts exactly the values that
// scalar accepts and returns unchanged, so that it can never let in what
// the slow path refuses: a rounded integer, NaN, a number for a string.
func TestStoredScalarAgreesWithScalar(t *testing.T) {
	values := []any{"", "x", true, false, int64(0), int64(-7), int64(maxExactInt), int64(maxExactInt + 1),
		int64(-maxExactInt - 1), math.MaxInt64, 1.5, 0.0, math.NaN(), math.Inf(1), math.Inf(-1), int(3),
		json.Number("12"), json.Number("1.5"), nil, []any{"a"}, map[string]any{}}
	for _, typ := range []AttributeType{TypeString, TypeInteger, TypeDouble, TypeBoolean, TypeDate} {
		for _, v := range values {
			got := storedScalar(typ, v)
			n, ok := scalar(typ, v)
			want := ok && sameValue(n, v)
			if got != want {
				t.Errorf("storedScalar(%s, %#v) = %v; scalar gives (%#v, %v), so want %v", typ, v, got, n, ok, want)
			}
			if got && !fits(AttributeDef{DataType: typ}, v) {
				t.Errorf("fits(%s, %#v) = false for a stored value", typ, v)
			}
			if fits(AttributeDef{DataType: typ}, v) != ok {
				t.Errorf("fits(%s, %#v) = %v, scalar ok = %v", typ, v, !ok, ok)
			}
		}
	}
}

// sameValue reports whether a and b are the same value of the same type.
func sameValue(a, b any) bool {
	return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b) && a == b
}
