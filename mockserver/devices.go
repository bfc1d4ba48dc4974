package mockserver

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/netmera-mock/netmera-mock/state"
)

type pushRequest struct {
	ExtID       string `json:"extId"`
	DeviceToken string `json:"deviceToken"`
}

func (s *Server) setPush(enabled bool) apiFunc {
	return func(r *http.Request, t *state.Tenant) (any, error) {
		var req pushRequest
		if err := decodeObject(r, &req); err != nil {
			return nil, err
		}
		return nil, t.SetPush(req.ExtID, req.DeviceToken, enabled)
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

func (s *Server) getDevices(r *http.Request, t *state.Tenant) (any, error) {
	q := r.URL.Query()
	extID := q.Get("extId")
	if extID == "" {
		return nil, state.ErrMissing("extId")
	}
	only := false
	if v := q.Get("pushPermitted"); v != "" {
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

func (s *Server) getDeviceTokens(r *http.Request, t *state.Tenant) (any, error) {
	size, err := queryInt(r, "max", defaultTokenPage)
	if err != nil {
		return nil, err
	}
	offset, err := queryInt(r, "offset", 0)
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
	page, total, more := t.DeviceTokens(offset, size)
	resp := deviceTokensResponse{Total: total, Devices: make([]tokenView, len(page))}
	for i, d := range page {
		resp.Devices[i] = s.tokenView(d)
	}
	if more {
		resp.NextPage = absoluteURL(r, "offset="+strconv.Itoa(offset+len(page))+"&max="+strconv.Itoa(size))
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

// absoluteURL is the URL of this request's path with a new query, on the
// scheme and host the client used (X-Forwarded-Proto and X-Forwarded-Host
// win, for a fake behind a proxy).
func absoluteURL(r *http.Request, rawQuery string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		host = h
	}
	u := url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawQuery: rawQuery}
	return u.String()
}

// firstValue is the first of a comma-separated header's values, as proxies
// append theirs.
func firstValue(h string) string {
	first, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(first)
}
