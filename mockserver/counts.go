package mockserver

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/netmera-mock/netmera-mock/state"
)

// targetingCount is targeting/count: the tracked users a target selects,
// by the same conditions a bulk send resolves.
func (s *Server) targetingCount(t *state.Tenant, c *call) (any, error) {
	if _, err := c.object(); err != nil {
		return nil, err
	}
	var req struct {
		Target *state.Target `json:"target"`
	}
	if err := decodeJSON(c.raw, &req); err != nil {
		return nil, err
	}
	if req.Target == nil {
		return nil, state.ErrMissing("target")
	}
	n, err := t.CountTarget(*req.Target)
	if err != nil {
		return nil, err
	}
	return struct {
		Count int `json:"count"`
	}{n}, nil
}

// targetingCountBatch is targeting/count-batch: distinct users per value
// of one profile or installation attribute, highest count first.
func (s *Server) targetingCountBatch(t *state.Tenant, c *call) (any, error) {
	o, err := c.object()
	if err != nil {
		return nil, err
	}
	v, ok := o["groupBy"]
	if !ok || v == nil {
		return nil, state.ErrMissing("groupBy")
	}
	g, ok := asObject(v)
	if !ok {
		return nil, state.ErrWrongType("groupBy", "an object")
	}
	var q state.CountBatchQuery
	if q.Profile, _, err = g.text("profile"); err != nil {
		return nil, err
	}
	if q.Installation, _, err = g.text("installation"); err != nil {
		return nil, err
	}
	if q.Buckets, err = buckets(g); err != nil {
		return nil, err
	}
	if q.Values, _, err = o.texts("values"); err != nil {
		return nil, err
	}
	counts, err := t.CountBatch(q)
	if err != nil {
		return nil, err
	}
	return struct {
		Counts orderedCounts `json:"counts"`
	}{counts}, nil
}

// buckets reads groupBy.buckets: [min, max] pairs of numbers. Whether a
// pair is a range is the state's to say.
func buckets(g object) ([][]float64, error) {
	v, ok := g["buckets"]
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, state.ErrWrongType("buckets", "a list")
	}
	wrong := state.ErrWrongType("buckets", "a list of [min, max] pairs of numbers")
	out := make([][]float64, len(list))
	for i, b := range list {
		pair, ok := b.([]any)
		if !ok {
			return nil, wrong
		}
		for _, e := range pair {
			num, ok := e.(json.Number)
			if !ok {
				return nil, wrong
			}
			f, err := strconv.ParseFloat(string(num), 64)
			if err != nil {
				return nil, wrong
			}
			out[i] = append(out[i], f)
		}
	}
	return out, nil
}

// orderedCounts is count-batch's "counts" object, its members written in
// the order of the list (highest count first), which a Go map would lose.
type orderedCounts []state.ValueCount

// MarshalJSON writes {"value": count, …} in order.
func (oc orderedCounts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // as the answer's own encoder
	b.WriteByte('{')
	for i, vc := range oc {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := enc.Encode(vc.Value); err != nil {
			return nil, err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(vc.Count))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
