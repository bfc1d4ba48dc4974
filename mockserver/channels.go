package mockserver

import (
	"net/http"

	"github.com/netmera-mock/netmera-mock/state"
)

type mailRequest struct {
	ExtIDs    *[]string `json:"extIds"`
	EmailList *[]string `json:"emailList"`
}

func (s *Server) setMail(enabled bool) apiFunc {
	return func(r *http.Request, t *state.Tenant) (any, error) {
		var req mailRequest
		if err := decodeObject(r, &req); err != nil {
			return nil, err
		}
		if req.ExtIDs == nil && req.EmailList == nil {
			return nil, state.ErrMissing("extIds or emailList")
		}
		return nil, t.SetMailPermission(deref(req.ExtIDs), deref(req.EmailList), enabled)
	}
}

type smsRequest struct {
	ExtIDs     *[]string `json:"extIds"`
	MsisdnList *[]string `json:"msisdnList"`
}

func (s *Server) setSms(enabled bool) apiFunc {
	return func(r *http.Request, t *state.Tenant) (any, error) {
		var req smsRequest
		if err := decodeObject(r, &req); err != nil {
			return nil, err
		}
		if req.ExtIDs == nil && req.MsisdnList == nil {
			return nil, state.ErrMissing("extIds or msisdnList")
		}
		return nil, t.SetSmsPermission(deref(req.ExtIDs), deref(req.MsisdnList), enabled)
	}
}

type updateEmailRequest struct {
	ExtID *string `json:"extId"`
	Email *string `json:"email"`
}

func (s *Server) updateEmail(r *http.Request, t *state.Tenant) (any, error) {
	var req updateEmailRequest
	if err := decodeObject(r, &req); err != nil {
		return nil, err
	}
	if req.ExtID == nil || *req.ExtID == "" {
		return nil, state.ErrMissing("extId")
	}
	if req.Email == nil {
		return nil, state.ErrMissing("email")
	}
	t.UpdateEmail(*req.ExtID, *req.Email)
	return nil, nil
}

type updateMsisdnRequest struct {
	ExtID  *string `json:"extId"`
	Msisdn *string `json:"msisdn"`
}

func (s *Server) updateMsisdn(r *http.Request, t *state.Tenant) (any, error) {
	var req updateMsisdnRequest
	if err := decodeObject(r, &req); err != nil {
		return nil, err
	}
	if req.ExtID == nil || *req.ExtID == "" {
		return nil, state.ErrMissing("extId")
	}
	if req.Msisdn == nil {
		return nil, state.ErrMissing("msisdn")
	}
	t.UpdateMsisdn(*req.ExtID, *req.Msisdn)
	return nil, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
