package mockserver

import (
	"github.com/netmera-mock/netmera-mock/state"
)

func (s *Server) sendPushApproval(t *state.Tenant, c *call) (any, error) {
	list, err := c.array()
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, v := range list {
		o, ok := asObject(v)
		if !ok && v != nil {
			return nil, state.ErrInvalidJSON()
		}
		id, present, err := o.integer("messageId")
		if err != nil {
			return nil, err
		}
		if !present {
			return nil, state.ErrMissing("messageId")
		}
		ids = append(ids, id)
	}
	return nil, t.ApprovePushes(ids)
}
