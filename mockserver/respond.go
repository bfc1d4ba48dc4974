package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/netmera-mock/netmera-mock/state"
)

// statusOf is the one table from an error's kind to its HTTP status.
func statusOf(e *state.Error, authStatus int) int {
	switch e.Kind {
	case state.KindInvalid, state.KindNotFound:
		return http.StatusBadRequest
	case state.KindUnauthorized:
		return authStatus
	default:
		return http.StatusInternalServerError
	}
}

// noContent is an endpoint's answer of 204 with no body at all, as
// inbox/get answers an unknown message.
type noContent struct{}

// envelope is Netmera's error body.
type envelope struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// errInternal is Netmera's answer to a failure of its own.
func errInternal() *state.Error {
	return &state.Error{Kind: state.KindInternal, Code: state.CodeInternal, Message: "An unexpected error occurred. Retry later."}
}

func writeError(w http.ResponseWriter, err error, authStatus int) {
	var pe *plainError
	if errors.As(err, &pe) {
		w.Header().Set("Content-Type", plainContentType)
		w.WriteHeader(pe.status)
		_, _ = w.Write([]byte(pe.text))
		return
	}
	var e *state.Error
	if !errors.As(err, &e) {
		e = errInternal()
	}
	writeJSON(w, statusOf(e, authStatus), envelope{Code: e.Code, Error: e.Message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONType(w, status, "application/json", v)
}

func writeJSONType(w http.ResponseWriter, status int, contentType string, v any) {
	buf := bytes.NewBuffer(make([]byte, 0, 512))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false) // nextPage URLs keep their "&"
	if err := enc.Encode(v); err != nil {
		status, contentType = http.StatusInternalServerError, "application/json"
		buf.Reset()
		buf.WriteString(`{"code":2001,"error":"An unexpected error occurred. Retry later."}` + "\n")
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	if x, ok := w.(*exchange); ok {
		x.writeOwned(buf.Bytes()) // the journal keeps the buffer: no copy
		return
	}
	_, _ = w.Write(buf.Bytes())
}

// problem is an RFC 9457 problem detail, the body of Netmera's framework
// errors (an unknown path, a wrong method).
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	writeJSONType(w, status, "application/problem+json", problem{
		Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Instance: r.URL.Path,
	})
}
