package state

import (
	"errors"
	"fmt"
)

// Kind classifies an Error for the transport layer, which alone decides the
// HTTP status that goes with it.
type Kind int

const (
	// KindInvalid is a request the API refuses as malformed or over a limit.
	KindInvalid Kind = iota + 1
	// KindNotFound is a request naming a resource that does not exist and
	// that the API reports as an error (most unknown IDs are silent no-ops).
	KindNotFound
	// KindUnauthorized is a missing or unknown API key.
	KindUnauthorized
	// KindInternal is an error Netmera reports as its own failure.
	KindInternal
)

// Netmera's error codes, as they appear in the "code" field of its error
// envelope.
const (
	CodeInternal          = 2001 // internal server error (also seen with HTTP 400)
	CodeTypeMismatch      = 2004 // field type mismatch
	CodeInvalidJSON       = 2009 // invalid JSON
	CodeInvalidAPIKey     = 2010 // API key is invalid
	CodeMissingParameter  = 2020 // missing required parameter
	CodeInvalidConfig     = 2021 // invalid configuration
	CodeInboxStatus       = 2001 // what inbox calls answer to a status out of range, with HTTP 400
	CodeMessageSize       = 2101 // message size exceeds the limit
	CodeMessageNotFound   = 5003 // message with given messageId could not be found (also: unknown notificationKey)
	CodeUserNotFound      = 5016 // the user with given identifier is not found
	CodeQuotaExceeded     = 5022 // service usage quota is exceeded
	CodeGeofenceNotFound  = 5018 // the geofence with given id could not be found
	CodeGeofenceNameTaken = 5024 // geofence name must be unique
	CodeSegmentNotFound   = 5042 // segment not found
)

// Error is a failure the Netmera API reports to its client: a numeric code
// and the text of the "error" field, which follows Netmera's wording.
type Error struct {
	Kind    Kind
	Code    int
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("netmera error %d: %s", e.Code, e.Message) }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, &Error{Code: CodeUserNotFound}) matches any such error.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) || t == nil {
		return false
	}
	return t.Code == e.Code
}

// Invalidf returns a KindInvalid error with the given code.
func Invalidf(code int, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrInvalidJSON is the answer to a body that is not the JSON the endpoint takes.
func ErrInvalidJSON() *Error { return Invalidf(CodeInvalidJSON, "Invalid JSON") }

// ErrMissing is the answer to a request without a required parameter.
func ErrMissing(name string) *Error { return Invalidf(CodeMissingParameter, "%s is required", name) }

// ErrWrongType is the answer to a field of the wrong JSON type; want is
// Netmera's word for the expected type ("a text", "a list", …).
func ErrWrongType(field, want string) *Error {
	return Invalidf(CodeTypeMismatch, "Field '%s' should be %s", field, want)
}

// ErrAPIKey is the answer to a missing or unknown API key.
func ErrAPIKey() *Error {
	return &Error{Kind: KindUnauthorized, Code: CodeInvalidAPIKey, Message: "API key is invalid"}
}
