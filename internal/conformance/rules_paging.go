package conformance

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The rules about walks through paged listings, and about reading back
// what Netmera applies later.

// walk is what the answers of one listing (one endpoint and its
// parameters but offset and max) gave so far.
type walk struct {
	given  map[string]*entry // offsets a nextPage gave that no page answered yet, with that answer
	seen   map[string]bool   // every offset a nextPage gave
	last   *entry            // the last page answered
	lastNP string            // its nextPage offset, "" when it had none
	bad    []Finding         // pagination-offset
}

// walks follows every walk through a paged listing, in arrival order.
func (c *checker) walks() []*walk {
	byKey := map[string]*walk{}
	var order []*walk
	for _, e := range c.entries {
		if e.Method != http.MethodGet || !pagedEndpoints[e.name] {
			continue
		}
		rest := url.Values{}
		for k, v := range e.query {
			if k != "offset" && k != "max" {
				rest[k] = v
			}
		}
		key := e.Path + "?" + rest.Encode()
		w := byKey[key]
		if w == nil {
			w = &walk{given: map[string]*entry{}, seen: map[string]bool{}}
			byKey[key] = w
			order = append(order, w)
		}
		w.step(e)
	}
	return order
}

// step takes one request of the walk: a first page (no offset, or 0) or
// the next.
func (w *walk) step(e *entry) {
	off := e.query.Get("offset")
	if off != "" && off != "0" && w.last != nil && !w.seen[off] {
		d := fmt.Sprintf("offset=%s, which no nextPage gave", off)
		if w.lastNP == "" {
			d += fmt.Sprintf("; request %d's answer had no nextPage: it was the last page", w.last.Seq)
		} else {
			d += fmt.Sprintf("; request %d's answer gave offset=%s", w.last.Seq, w.lastNP)
		}
		w.bad = append(w.bad, finding(d, e, w.last))
	}
	if e.Status != http.StatusOK {
		return // the page is still to be had: the client may retry it
	}
	delete(w.given, off)
	w.last, w.lastNP = e, ""
	if np := e.nextPage(); np != "" {
		if u, err := url.Parse(np); err == nil {
			w.lastNP = u.Query().Get("offset")
			w.given[w.lastNP], w.seen[w.lastNP] = e, true
		}
	}
}

func (c *checker) paginationOffset() []Finding {
	var out []Finding
	for _, w := range c.walks() {
		out = append(out, w.bad...)
	}
	return out
}

func (c *checker) paginationStopped() []Finding {
	var out []Finding
	for _, w := range c.walks() {
		for _, off := range slices.Sorted(maps.Keys(w.given)) {
			e := w.given[off]
			out = append(out, finding(fmt.Sprintf("the answer gave nextPage offset=%s, and no page was read from it: the walk of %s stopped before its last page",
				off, e.name), e))
		}
	}
	return out
}

// maxReadBack bounds how many requests after a write are looked at for
// reads of what it wrote, so that a flood of writes costs linear time.
const maxReadBack = 1000

func (c *checker) asyncReadBack() []Finding {
	var out []Finding
	for i, w := range c.entries {
		why, async := asyncWrites[w.name]
		if !async || w.Method != http.MethodPost || !w.ok() {
			continue
		}
		ids := w.idSet()
		var reads []*entry
		var named []string
		for _, r := range c.entries[i+1 : min(i+1+maxReadBack, len(c.entries))] {
			if r.Time.Sub(w.end()) > c.window {
				break
			}
			if r.Method != http.MethodGet {
				continue
			}
			for _, p := range []string{"extId", "externalId", "deviceToken"} {
				if v := r.query.Get(p); v != "" && (ids["extId"][v] || ids["deviceToken"][v]) {
					reads = append(reads, r)
					named = append(named, fmt.Sprintf("%s?%s=%s after %s", r.name, p, v, seconds(r.Time.Sub(w.end()))))
					break
				}
			}
		}
		if len(reads) == 0 {
			continue
		}
		out = append(out, finding(fmt.Sprintf("%s read back right after it: %s. %s; the real API may still answer as before",
			w.name, strings.Join(named, ", "), why), append([]*entry{w}, reads...)...))
	}
	return out
}
