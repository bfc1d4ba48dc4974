package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
)

// orderedCounts reads count-batch's answer keeping the order of the
// members of "counts", which decoding into a map would lose.
func orderedCounts(c *Check, r *Response) ([]string, map[string]int, bool) {
	var counts map[string]int
	var wrapper struct{ Counts json.RawMessage }
	if !c.Decode(r, &wrapper) || json.Unmarshal(wrapper.Counts, &counts) != nil {
		c.Errorf("%s\n\twant {\"counts\": {value: count, …}}", r)
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(wrapper.Counts))
	var order []string
	if _, err := dec.Token(); err != nil { // {
		return nil, nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		order = append(order, tok.(string))
		if _, err := dec.Token(); err != nil { // the count
			return nil, nil, false
		}
	}
	return order, counts, true
}

// countOf answers targeting/count for a target.
func countOf(c *Check, target obj) (int, bool) {
	var got struct{ Count *int }
	r := c.Do(post, apiPath("targeting/count"), obj{"target": target})
	if !c.Decode(r, &got) || got.Count == nil {
		c.Errorf("%s\n\twant {\"count\": N}", r)
		return 0, false
	}
	return *got.Count, true
}

func targetingCases() []Case {
	return []Case{
		{
			Name: "targeting/refusals", Tags: []Tag{LiveSafe},
			Doc: "targeting/count refuses no target or an empty one (2020), a target of the wrong type (2004), users by ID, an undefined attribute (2009) and an unknown segment (5042); count-batch refuses no groupBy or one naming no attribute (2020, documented as 400), values that are not texts (2004) and an undefined attribute (2009).",
			Run: func(ctx context.Context, c *Check) {
				attr := c.ID("attr")
				undefined := "Invalid targeting query: profile attribute '" + attr + "' is not defined"
				c.refuseAll([]refusal{
					{name: "no target", method: post, path: apiPath("targeting/count"), body: obj{}, code: 2020, message: "target is required"},
					{name: "an empty target", method: post, path: apiPath("targeting/count"), body: obj{"target": obj{}}, code: 2020, message: "target must not be empty"},
					{name: "a target that is a list", method: post, path: apiPath("targeting/count"), body: obj{"target": arr{}}, code: 2004, message: "Field 'target' should be an object"},
					{name: "users by ID", method: post, path: apiPath("targeting/count"), body: obj{"target": obj{"extId": arr{c.ID("u1")}}},
						code: 2009, message: "Invalid targeting query: targeting counts take conditions, not users by identifier"},
					{name: "an undefined attribute", method: post, path: apiPath("targeting/count"), body: obj{"target": obj{"profile": obj{attr: arr{"1"}}}},
						code: 2009, message: undefined},
					{name: "an unknown segment", method: post, path: apiPath("targeting/count"), body: obj{"target": obj{"segment": 987654321}}, code: 5042, message: "Segment not found"},
					{name: "no groupBy", method: post, path: apiPath("targeting/count-batch"), body: obj{"values": arr{"1"}}, code: 2020, message: "groupBy is required"},
					{name: "an empty groupBy", method: post, path: apiPath("targeting/count-batch"), body: obj{"groupBy": obj{}},
						code: 2020, message: "groupBy.profile or groupBy.installation is required"},
					{name: "values of numbers", method: post, path: apiPath("targeting/count-batch"), body: obj{"groupBy": obj{"profile": attr}, "values": arr{1}},
						code: 2004, message: "Field 'values' should be a list of texts"},
					{name: "an undefined attribute to group by", method: post, path: apiPath("targeting/count-batch"), body: obj{"groupBy": obj{"profile": attr}},
						code: 2009, message: undefined},
				})
			},
		},
		{
			Name: "targeting/counts", Tags: []Tag{MockOnly},
			Doc: "targeting/count counts users whose array attribute holds a value or any of several; count-batch counts each value, highest first, zero counts for values asked and held by nobody, and agrees with targeting/count.",
			Why: "it writes array attribute values to the seeded users id1 and id2, and counts every user",
			Run: func(ctx context.Context, c *Check) {
				shirt, shoes, hat := c.ID("shirt"), c.ID("shoes"), c.ID("hat")
				c.Applied(c.Do(post, apiPath("pushProfileAttributes"), arr{
					obj{"extId": "id1", "profile": obj{"lastVisitedProducts": arr{shirt, shoes}}},
					obj{"extId": "id2", "profile": obj{"lastVisitedProducts": arr{shirt}}},
				}))
				for _, tc := range []struct {
					values arr
					want   int
				}{{arr{shirt}, 2}, {arr{shoes}, 1}, {arr{shoes, shirt}, 2}, {arr{hat}, 0}} {
					if n, ok := countOf(c, obj{"profile": obj{"lastVisitedProducts": tc.values}}); ok && n != tc.want {
						c.Errorf("targeting/count of lastVisitedProducts %v = %d, want %d", tc.values, n, tc.want)
					}
				}
				r := c.Do(post, apiPath("targeting/count-batch"), obj{"groupBy": obj{"profile": "lastVisitedProducts"}, "values": arr{hat, shoes, shirt}})
				if order, counts, ok := orderedCounts(c, r); ok {
					if !slices.Equal(order, []string{shirt, shoes, hat}) || counts[shirt] != 2 || counts[shoes] != 1 || counts[hat] != 0 {
						c.Errorf("%s\n\twant %s 2, %s 1, %s 0, in that order (highest first)", r, shirt, shoes, hat)
					}
				}
				// Every platform, highest first.
				r = c.Do(post, apiPath("targeting/count-batch"), obj{"groupBy": obj{"installation": "platform"}})
				if order, counts, ok := orderedCounts(c, r); ok {
					if len(order) == 0 || !slices.IsSortedFunc(order, func(a, b string) int { return counts[b] - counts[a] }) {
						c.Errorf("%s\n\twant the platforms of the app's devices, highest count first", r)
					}
				}
				// One bucket over every age counts whoever has one.
				withAge, ok := countOf(c, obj{"profile": obj{"age": obj{"$exists": true}}})
				r = c.Do(post, apiPath("targeting/count-batch"), obj{"groupBy": obj{"profile": "age", "buckets": arr{arr{0, 200}}}})
				if _, counts, ok2 := orderedCounts(c, r); ok && ok2 && (counts["0-200"] != withAge || withAge == 0) {
					c.Errorf("%s\n\twant the bucket 0-200 to count the %d users with an age", r, withAge)
				}
				c.Refused(c.Do(post, apiPath("targeting/count-batch"), obj{"groupBy": obj{"profile": "name", "buckets": arr{arr{0, 1}}}}),
					http.StatusBadRequest, 2009, "Invalid targeting query: buckets need a numeric attribute, 'name' is STRING")
			},
		},
	}
}
