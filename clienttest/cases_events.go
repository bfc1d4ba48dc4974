package clienttest

import (
	"context"
	"fmt"
)

func eventCases() []testCase {
	return []testCase{
		{name: "fire", needs: []string{"FireEvents"}, run: func(e *env) {
			cl := e.f
			events := []Event{
				{ExtID: "id1", Name: "PurchaseEvent", Attributes: map[string]any{"amount": 42, "currency": "TRY"}},
				{ExtID: "id2", Name: "ShareEvent", Attributes: map[string]any{"itemId": "4234", "channel": "Facebook"}},
			}
			c := e.do(fmt.Sprintf("FireEvents(ctx, %+v)", events), func(ctx context.Context) error { return cl.FireEvents(ctx, events) })
			if !e.wantArrays(c, "fireEvents") {
				return
			}
			e.must(c)
			for _, ev := range events {
				if !e.fired(ev) {
					e.errorf(c, "user %q's %s stored in the fake with %s; the fake holds %s. "+
						"Netmera reads an event's attributes as members of the event object, beside \"extId\" and \"name\" "+
						"(an event without its mandatory attributes is dropped, and the request still answers 200)",
						ev.ExtID, ev.Name, showJSON(ev.Attributes), showJSON(e.srv.Events(ev.ExtID)))
					return
				}
			}
		}},
		{name: "batches-over-1000", needs: []string{"FireEvents"}, opts: []Option{WithUsers(1600)}, run: func(e *env) {
			cl, ids := e.f, e.batchIDs(1500)
			events := make([]Event, len(ids))
			for i, id := range ids {
				events[i] = Event{ExtID: id, Name: "LoginEvent"}
			}
			c := e.do(fmt.Sprintf("FireEvents(ctx, %d events [{ExtID:%s Name:LoginEvent} …])", len(events), ids[0]), func(ctx context.Context) error {
				return cl.FireEvents(ctx, events)
			})
			if !e.wantArrays(c, "fireEvents") || !e.wantBatches(c, "fireEvents", "extId", ids) {
				return
			}
			for _, id := range ids {
				if len(e.srv.Events(id)) != 1 {
					e.errorf(c, "one LoginEvent stored for each of the %d users in the fake; %q has %d", len(ids), id, len(e.srv.Events(id)))
					return
				}
			}
		}},
	}
}

// fired reports whether the fake stored ev for its user, with its
// attributes compared by value.
func (e *env) fired(ev Event) bool {
	for _, got := range e.srv.Events(ev.ExtID) {
		if got.Name != ev.Name || len(got.Attributes) != len(ev.Attributes) {
			continue
		}
		same := true
		for k, v := range ev.Attributes {
			same = same && sameValue(got.Attributes[k], v)
		}
		if same {
			return true
		}
	}
	return false
}
