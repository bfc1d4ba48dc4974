package mockserver

import (
	"strconv"

	"github.com/netmera-mock/netmera-mock/state"
)

func (s *Server) setPush(enabled bool) apiFunc {
	return func(t *state.Tenant, c *call) (any, error) {
		o, err := c.object()
		if err != nil {
			return nil, err
		}
		extID, _, err := o.text("extId")
		if err != nil {
			return nil, err
		}
		token, _, err := o.text("deviceToken")
		if err != nil {
			return nil, err
		}
		return nil, t.SetPush(extID, token, enabled)
	}
}

// deviceView is a device as getDevices shows it.
type deviceView struct {
	Platform      string `json:"platform"`
	Token         string `json:"token,omitempty"`
	DeviceModel   string `json:"deviceModel,omitempty"`
	PushPermitted bool   `json:"pushPermitted"`
}

type devicesResponse struct {
	ExtID   string       `json:"extId"`
	Devices []deviceView `json:"devices"`
}

func (s *Server) getDevices(t *state.Tenant, c *call) (any, error) {
	extID := c.param("extId")
	if extID == "" {
		return nil, state.ErrMissing("extId")
	}
	only := false
	if v := c.param("pushPermitted"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, state.ErrWrongType("pushPermitted", "a boolean")
		}
		only = b
	}
	devs := t.Devices(extID, only)
	resp := devicesResponse{ExtID: extID, Devices: make([]deviceView, len(devs))}
	for i, d := range devs {
		resp.Devices[i] = deviceView{Platform: d.Platform, Token: d.Token, DeviceModel: d.DeviceModel, PushPermitted: d.PushPermitted}
	}
	return resp, nil
}

// tokenView is a getDeviceTokens entry. Older docs and netmera4j read
// token, deviceModel and pushPermitted; the newest reference lists
// installationId, extId and deviceToken. Options.DeviceTokenShape picks.
type tokenView struct {
	InstallationID string `json:"installationId,omitempty"`
	Platform       string `json:"platform"`
	ExtID          string `json:"extId,omitempty"`
	DeviceToken    string `json:"deviceToken,omitempty"`
	Token          string `json:"token,omitempty"`
	DeviceModel    string `json:"deviceModel,omitempty"`
	PushPermitted  *bool  `json:"pushPermitted,omitempty"`
}

type deviceTokensResponse struct {
	NextPage string      `json:"nextPage,omitempty"`
	Total    int         `json:"total"`
	Devices  []tokenView `json:"devices"`
}

// Page size bounds of getDeviceTokens.
const (
	defaultTokenPage = 10
	maxTokenPage     = 1000
)

func (s *Server) getDeviceTokens(t *state.Tenant, c *call) (any, error) {
	size, err := c.intParam("max", defaultTokenPage)
	if err != nil {
		return nil, err
	}
	offset, err := c.intParam("offset", 0)
	if err != nil {
		return nil, err
	}
	if size < 1 {
		return nil, state.Invalidf(state.CodeTypeMismatch, "Field 'max' should be a positive integer")
	}
	if offset < 0 {
		return nil, state.Invalidf(state.CodeTypeMismatch, "Field 'offset' should not be negative")
	}
	size = min(size, maxTokenPage)
	// The offset is a device number (state.DeviceTokensFrom): the rank
	// Netmera documents while nothing is removed, a cursor that misses no
	// device when some are.
	page, next, total, more := t.DeviceTokensFrom(offset, size)
	resp := deviceTokensResponse{Total: total, Devices: make([]tokenView, len(page))}
	for i, d := range page {
		resp.Devices[i] = s.tokenView(d)
	}
	if more {
		resp.NextPage = c.pageURL("offset=" + strconv.Itoa(next) + "&max=" + strconv.Itoa(size))
	}
	return resp, nil
}

func (s *Server) tokenView(d state.DeviceRecord) tokenView {
	v := tokenView{Platform: d.Platform}
	if s.opts.DeviceTokenShape != ShapeCurrent {
		permitted := d.PushPermitted
		v.Token, v.DeviceModel, v.PushPermitted = d.Token, d.DeviceModel, &permitted
	}
	if s.opts.DeviceTokenShape != ShapeLegacy {
		v.InstallationID, v.ExtID, v.DeviceToken = d.InstallationID, d.ExtID, d.Token
	}
	return v
}
