package spec

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// quick is a request body schema compiled for the common case, a valid
// request: valid decides, without allocating, whether kin-openapi would
// accept a value, and only a value it refuses is handed to kin-openapi,
// whose first error becomes the answer. A schema that uses a keyword quick
// does not implement compiles to nil, and every value then goes to
// kin-openapi. TestQuickAgreesWithKin holds the two to the same verdicts.
type quick struct {
	types    openapi3.Types // nil or empty: any type
	props    map[string]*quick
	required []string
	noExtra  bool   // additionalProperties: false
	extra    *quick // additionalProperties as a schema
	items    *quick
	oneOf    []*quick
	anyOf    []*quick
	allOf    []*quick
	not      *quick
	enum     []any // strings, float64 and bools only

	min, max         *float64
	exclMin, exclMax bool
	minLen           uint64
	maxLen           *uint64
	pattern          *regexp.Regexp
	minItems         uint64
	maxItems         *uint64
	intRange         *[2]float64 // an integer format's bounds
}

// compileQuick compiles s, or returns nil when s (or a schema it holds)
// uses what quick does not implement. Recursive schemas are compiled once
// per schema.
func compileQuick(s *openapi3.Schema) *quick {
	c := quickCompiler{seen: map[*openapi3.Schema]*quick{}}
	q := c.compile(s)
	if c.unsupported {
		return nil
	}
	return q
}

type quickCompiler struct {
	seen        map[*openapi3.Schema]*quick
	unsupported bool
}

func (c *quickCompiler) compile(s *openapi3.Schema) *quick {
	if s == nil {
		c.unsupported = true
		return nil
	}
	if q, ok := c.seen[s]; ok {
		return q
	}
	q := &quick{}
	c.seen[s] = q
	if s.Discriminator != nil || s.ReadOnly || s.WriteOnly || s.UniqueItems || s.MultipleOf != nil ||
		s.MinProps != 0 || s.MaxProps != nil || s.Always != nil || len(s.PrefixItems) > 0 || s.Const != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || s.Contains != nil || s.PropertyNames != nil ||
		len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || s.UnevaluatedItems.Schema != nil ||
		s.UnevaluatedProperties.Schema != nil || s.UnevaluatedItems.Has != nil || s.UnevaluatedProperties.Has != nil {
		c.unsupported = true
		return q
	}
	if s.Type != nil {
		q.types = *s.Type
	}
	switch {
	case s.Format == "":
	case (s.Type.Is(openapi3.TypeInteger)) && s.Format == "int32":
		q.intRange = &[2]float64{math.MinInt32, math.MaxInt32}
	case (s.Type.Is(openapi3.TypeInteger)) && s.Format == "int64":
		q.intRange = &[2]float64{math.MinInt64, math.MaxInt64}
	case s.Type.Is(openapi3.TypeArray) || s.Type.Is(openapi3.TypeObject) || s.Type.Is(openapi3.TypeBoolean):
		// a format on these types is not checked by kin-openapi
	default:
		c.unsupported = true // string and number formats are user-definable
	}
	for _, v := range s.Enum {
		switch t := v.(type) {
		case string, bool:
			q.enum = append(q.enum, t)
		case float64:
			q.enum = append(q.enum, t)
		case int:
			q.enum = append(q.enum, float64(t))
		default:
			c.unsupported = true
		}
	}
	q.min, q.max = s.Min, s.Max
	if s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() {
		if s.ExclusiveMin.Value != nil || s.ExclusiveMax.Value != nil {
			c.unsupported = true // the 3.1 form
		}
		q.exclMin = s.ExclusiveMin.Bool != nil && *s.ExclusiveMin.Bool
		q.exclMax = s.ExclusiveMax.Bool != nil && *s.ExclusiveMax.Bool
	}
	q.minLen, q.maxLen = s.MinLength, s.MaxLength
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			c.unsupported = true
		}
		q.pattern = re
	}
	q.minItems, q.maxItems = s.MinItems, s.MaxItems
	if s.Items != nil {
		q.items = c.compile(s.Items.Value)
	}
	if len(s.Properties) > 0 {
		q.props = make(map[string]*quick, len(s.Properties))
		for name, ref := range s.Properties {
			q.props[name] = c.compile(ref.Value)
		}
	}
	q.required = s.Required
	if ap := s.AdditionalProperties; ap.Has != nil && !*ap.Has {
		q.noExtra = true
	} else if ap.Schema != nil {
		q.extra = c.compile(ap.Schema.Value)
	}
	for _, ref := range s.OneOf {
		q.oneOf = append(q.oneOf, c.compile(ref.Value))
	}
	for _, ref := range s.AnyOf {
		q.anyOf = append(q.anyOf, c.compile(ref.Value))
	}
	for _, ref := range s.AllOf {
		q.allOf = append(q.allOf, c.compile(ref.Value))
	}
	if s.Not != nil {
		q.not = c.compile(s.Not.Value)
	}
	return q
}

// valid reports whether kin-openapi accepts v, a value of a parsed body
// without nulls (bodies with nulls go to kin-openapi).
func (q *quick) valid(v any) bool {
	if q.not != nil && q.not.valid(v) {
		return false
	}
	if len(q.oneOf) > 0 {
		n := 0
		for _, alt := range q.oneOf {
			if alt.valid(v) {
				n++
			}
		}
		if n != 1 {
			return false
		}
	}
	if len(q.anyOf) > 0 {
		ok := false
		for _, alt := range q.anyOf {
			if alt.valid(v) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, alt := range q.allOf {
		if !alt.valid(v) {
			return false
		}
	}
	if len(q.enum) > 0 && !q.inEnum(v) {
		return false
	}
	switch t := v.(type) {
	case bool:
		return q.permits(openapi3.TypeBoolean)
	case json.Number:
		return q.number(t)
	case string:
		return q.string(t)
	case []any:
		return q.array(t)
	case map[string]any:
		return q.object(t)
	}
	return false
}

func (q *quick) permits(typ string) bool {
	return len(q.types) == 0 || q.types.Permits(typ)
}

func (q *quick) inEnum(v any) bool {
	var f float64
	isNum := false
	if n, ok := v.(json.Number); ok {
		x, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return false
		}
		f, isNum = x, true
	}
	for _, e := range q.enum {
		if x, ok := e.(float64); ok {
			if isNum && x == f {
				return true
			}
			continue
		}
		if e == v {
			return true
		}
	}
	return false
}

func (q *quick) number(n json.Number) bool {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return false // kin-openapi reports these
	}
	switch {
	case len(q.types) == 0:
	case q.types.Permits(openapi3.TypeInteger) && !q.types.Permits(openapi3.TypeNumber):
		if f != math.Trunc(f) {
			return false
		}
		if r := q.intRange; r != nil && !(f >= r[0] && f <= r[1]) && f != float64(math.MaxInt64) {
			return false
		}
	case !q.types.Permits(openapi3.TypeNumber) && !q.types.Permits(openapi3.TypeInteger):
		return false
	}
	if q.min != nil && (f < *q.min || q.exclMin && f == *q.min) {
		return false
	}
	if q.max != nil && (f > *q.max || q.exclMax && f == *q.max) {
		return false
	}
	return true
}

func (q *quick) string(s string) bool {
	if !q.permits(openapi3.TypeString) {
		return false
	}
	if q.minLen != 0 || q.maxLen != nil {
		var n uint64 // in UTF-16 units, as JSON Schema counts
		for _, r := range s {
			if utf16.RuneLen(r) == 2 {
				n += 2
			} else {
				n++
			}
		}
		if n < q.minLen || q.maxLen != nil && n > *q.maxLen {
			return false
		}
	}
	return q.pattern == nil || q.pattern.MatchString(s)
}

func (q *quick) array(a []any) bool {
	if !q.permits(openapi3.TypeArray) {
		return false
	}
	n := uint64(len(a))
	if n < q.minItems || q.maxItems != nil && n > *q.maxItems {
		return false
	}
	if q.items != nil {
		for _, e := range a {
			if !q.items.valid(e) {
				return false
			}
		}
	}
	return true
}

func (q *quick) object(m map[string]any) bool {
	if !q.permits(openapi3.TypeObject) {
		return false
	}
	for k, e := range m {
		if p, ok := q.props[k]; ok {
			if !p.valid(e) {
				return false
			}
			continue
		}
		if q.noExtra {
			return false
		}
		if q.extra != nil && !q.extra.valid(e) {
			return false
		}
	}
	for _, k := range q.required {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}
