package state

import (
	"math"
	"slices"
	"sort"
	"strconv"
)

// CountTarget counts the tracked users a target selects, with the same
// conditions a bulk send resolves (targeting/count). It is stricter than
// a send about what it is asked: a profile attribute the app does not
// define, a tag no user has, or a target naming users by ID is 2009
// ("Invalid targeting query"), an unknown segment 5042, an empty target
// 2020. It walks every user in chunks without holding the lock
// throughout.
func (t *Tenant) CountTarget(tg Target) (int, error) {
	if tg.empty() {
		return 0, Invalidf(CodeMissingParameter, "target must not be empty")
	}
	if tg.direct() {
		return 0, Invalidf(CodeInvalidJSON, "Invalid targeting query: targeting counts take conditions, not users by identifier")
	}
	t.mu.RLock()
	m, err := t.compile(&tg, compileOpts{strictSegments: true, strictAttrs: true})
	t.mu.RUnlock()
	if err != nil {
		return 0, err
	}
	var tags []string
	tg.Tag.leaves(func(tag string) { tags = append(tags, tag) })
	if tag, missing := t.missingTag(tags); missing {
		return 0, Invalidf(CodeInvalidJSON, "Tag '%s' does not exist", tag)
	}
	count := 0
	t.scanUsers(func(u *user) bool {
		if !u.untracked && m.user(u) {
			count++
		}
		return true
	}, nil)
	return count, nil
}

// CountBatchQuery is a targeting/count-batch request: one of Profile and
// Installation names the attribute to group by.
type CountBatchQuery struct {
	Profile      string // a profile attribute code
	Installation string // platform, deviceModel or pushPermitted
	// Buckets, for a numeric profile attribute, count users per [min, max]
	// range (inclusive) instead of per value; each is named "min-max".
	Buckets [][]float64
	// Values restricts the answer to these values (every one listed, zero
	// counts included).
	Values []string
}

// ValueCount is one line of a count-batch answer.
type ValueCount struct {
	Value string
	Count int
}

// MaxCountValues bounds the values of a count-batch request and answer.
const MaxCountValues = 10_000

// installationAttrs are the device attributes count-batch groups by.
var installationAttrs = []string{"platform", "deviceModel", "pushPermitted"}

// CountBatch counts distinct tracked users per value of one attribute
// (targeting/count-batch), highest count first (then by value), at most
// MaxCountValues. A user with several values (an array attribute, several
// devices) counts once for each. No groupBy attribute is a 2020; both, an
// unknown attribute, buckets on a non-numeric or installation attribute,
// a bucket that is not [min, max], or more than MaxCountValues values or
// buckets, a 2009. A user costs O(values × buckets).
func (t *Tenant) CountBatch(q CountBatchQuery) ([]ValueCount, error) {
	switch {
	case q.Profile == "" && q.Installation == "":
		return nil, Invalidf(CodeMissingParameter, "groupBy.profile or groupBy.installation is required")
	case q.Profile != "" && q.Installation != "":
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: groupBy takes profile or installation, not both")
	case len(q.Values) > MaxCountValues:
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: at most %d values, got %d", MaxCountValues, len(q.Values))
	case len(q.Buckets) > MaxCountValues:
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: at most %d buckets, got %d", MaxCountValues, len(q.Buckets))
	case q.Installation != "" && !slices.Contains(installationAttrs, q.Installation):
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: unknown installation attribute '%s' (want one of %v)", q.Installation, installationAttrs)
	case q.Installation != "" && len(q.Buckets) > 0:
		return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: buckets group numeric profile attributes")
	}
	var def AttributeDef
	if q.Profile != "" {
		t.mu.RLock()
		d, ok := t.attrs[q.Profile]
		t.mu.RUnlock()
		if !ok {
			return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: profile attribute '%s' is not defined", q.Profile)
		}
		def = d
	}
	names := make([]string, len(q.Buckets))
	for i, b := range q.Buckets {
		if len(b) != 2 || b[0] > b[1] || math.IsNaN(b[0]) || math.IsNaN(b[1]) {
			return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: bucket %v is not [min, max]", b)
		}
		if def.DataType != TypeInteger && def.DataType != TypeDouble && def.DataType != TypeDate {
			return nil, Invalidf(CodeInvalidJSON, "Invalid targeting query: buckets need a numeric attribute, '%s' is %s", def.Code, def.DataType)
		}
		names[i] = numText(b[0]) + "-" + numText(b[1])
	}
	counts := map[string]int{}
	// lastUser numbers the user who last counted each value: a user's
	// values are counted once each without a list of them to search.
	lastUser, userNo := map[string]int{}, 0
	t.scanUsers(func(u *user) bool {
		if u.untracked {
			return true
		}
		userNo++
		add := func(v string) {
			if lastUser[v] != userNo {
				lastUser[v] = userNo
				counts[v]++
			}
		}
		switch {
		case q.Installation != "":
			for _, dv := range u.devices {
				if !dv.rec.Uninstalled {
					add(installationValue(dv, q.Installation))
				}
			}
		default:
			v, ok := u.profile.get(q.Profile)
			if !ok {
				return true
			}
			vals, isList := v.([]any)
			if !isList {
				vals = []any{v}
			}
			for _, e := range vals {
				if len(q.Buckets) == 0 {
					s, _ := valueText(e)
					add(s)
					continue
				}
				f, _ := number(e)
				for i, b := range q.Buckets {
					if f >= b[0] && f <= b[1] {
						add(names[i])
					}
				}
			}
		}
		return true
	}, nil)
	var out []ValueCount
	listed := map[string]bool{} // the values of out not taken from counts
	if len(q.Values) > 0 {
		for _, v := range q.Values {
			if !listed[v] {
				listed[v] = true
				out = append(out, ValueCount{v, counts[v]})
			}
		}
	} else {
		for v, c := range counts {
			out = append(out, ValueCount{v, c})
		}
		for _, name := range names { // counted names are in out already
			if counts[name] == 0 && !listed[name] {
				listed[name] = true
				out = append(out, ValueCount{name, 0})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > MaxCountValues {
		out = out[:MaxCountValues]
	}
	if out == nil {
		out = []ValueCount{}
	}
	return out, nil
}

func installationValue(dv *device, attr string) string {
	switch attr {
	case "platform":
		return dv.rec.Platform
	case "deviceModel":
		return dv.rec.DeviceModel
	}
	return strconv.FormatBool(dv.rec.PushPermitted)
}

func numText(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
