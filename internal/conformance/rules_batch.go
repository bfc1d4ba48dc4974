package conformance

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The rules about how a client splits identifiers into requests.

// Small batches: at least minRun consecutive requests of one operation,
// each naming at most a tenth of the limit, each within runGap of the one
// before.
const (
	minRun = 5
	runGap = time.Second
)

func (c *checker) idLimit() []Finding {
	return c.each(func(e *entry) string {
		n := e.idCount()
		shown := fmt.Sprintf("%d unique IDs (%s)", n, describeIDs(e.idSet()))
		if e.Cut {
			shown = fmt.Sprintf("at least %d unique IDs (%s, in the first bytes of the body the journal kept)", n, describeIDs(e.idSet()))
		}
		if env := e.envelope(); env != nil {
			if m := limitMessage.FindStringSubmatch(env.Error); m != nil {
				if got, _ := strconv.Atoi(m[2]); got > n {
					shown = m[2] + " unique IDs"
				}
				return shown + "; the fake refused it: " + e.answer()
			}
		}
		if n <= c.maxIDs {
			return ""
		}
		return fmt.Sprintf("%s; Netmera takes at most %d per request", shown, c.maxIDs)
	})
}

// batchRuns groups consecutive requests of one operation: each run is the
// requests, in order, that share a batchKey with no other request between
// them.
func (c *checker) batchRuns() [][]*entry {
	var runs [][]*entry
	var cur []*entry
	curKey := ""
	for _, e := range c.entries {
		key, ok := e.batchKey()
		if !ok || key != curKey {
			if len(cur) > 1 {
				runs = append(runs, cur)
			}
			cur, curKey = nil, ""
		}
		if ok {
			cur, curKey = append(cur, e), key
		}
	}
	if len(cur) > 1 {
		runs = append(runs, cur)
	}
	return runs
}

func (c *checker) smallBatches() []Finding {
	var out []Finding
	small := max(c.maxIDs/10, 1)
	for _, run := range c.batchRuns() {
		var seg []*entry
		for _, e := range run {
			fits := e.ok() && e.idCount() <= small
			if !fits || len(seg) > 0 && e.Time.Sub(seg[len(seg)-1].end()) > runGap {
				if len(seg) >= minRun {
					out = append(out, c.smallRun(seg))
				}
				seg = nil
			}
			if fits {
				seg = append(seg, e)
			}
		}
		if len(seg) >= minRun {
			out = append(out, c.smallRun(seg))
		}
	}
	return out
}

func (c *checker) smallRun(run []*entry) Finding {
	all := map[string]map[string]bool{}
	least, most := -1, 0
	for _, e := range run {
		n := e.idCount()
		if least < 0 || n < least {
			least = n
		}
		most = max(most, n)
		for kind, ids := range e.idSet() {
			if all[kind] == nil {
				all[kind] = map[string]bool{}
			}
			for id := range ids {
				all[kind][id] = true
			}
		}
	}
	total := 0
	for _, ids := range all {
		total += len(ids)
	}
	need := max((total+c.maxIDs-1)/c.maxIDs, 1)
	span := run[len(run)-1].end().Sub(run[0].Time)
	sizes := strconv.Itoa(least)
	if most != least {
		sizes += "–" + strconv.Itoa(most)
	}
	return finding(fmt.Sprintf("%d %s requests in %s naming %s IDs each, %d in all: %d request%s would do",
		len(run), run[0].name, seconds(span), sizes, total, need, plural(need)), run...)
}

func (c *checker) batchOverlap() []Finding {
	var out []Finding
	for _, run := range c.batchRuns() {
		for i := 1; i < len(run); i++ {
			a, b := run[i-1], run[i]
			if string(a.Body) == string(b.Body) {
				continue // the same request again: a retry or a repeat, not a split
			}
			common := shared(a.idSet(), b.idSet())
			if len(common) == 0 {
				continue
			}
			out = append(out, finding(fmt.Sprintf("%d ID%s of request %d again in the next %s batch: %s",
				len(common), plural(len(common)), a.Seq, a.name, quoteFew(common, 3)), a, b))
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// quoteFew quotes the first n strings of s, saying how many more.
func quoteFew(s []string, n int) string {
	var parts []string
	for _, x := range s[:min(n, len(s))] {
		parts = append(parts, strconv.Quote(x))
	}
	if len(s) > n {
		parts = append(parts, fmt.Sprintf("and %d more", len(s)-n))
	}
	return strings.Join(parts, ", ")
}
