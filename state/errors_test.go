package state_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/netmera-mock/netmera-mock/state"
)

func TestErrorIs(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{name: "same code", err: state.ErrInvalidJSON(), target: &state.Error{Code: state.CodeInvalidJSON}, want: true},
		{name: "same code, other kind and text", err: state.Invalidf(state.CodeUserNotFound, "x"),
			target: &state.Error{Kind: state.KindNotFound, Code: state.CodeUserNotFound, Message: "y"}, want: true},
		{name: "wrapped", err: fmt.Errorf("tag users: %w", state.ErrMissing("extIds")), target: &state.Error{Code: state.CodeMissingParameter}, want: true},
		{name: "other code", err: state.ErrInvalidJSON(), target: &state.Error{Code: state.CodeMissingParameter}, want: false},
		{name: "not an Error", err: state.ErrAPIKey(), target: errors.New("API key is invalid"), want: false},
		{name: "typed nil target", err: state.ErrAPIKey(), target: (*state.Error)(nil), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
}

func TestErrorConstructors(t *testing.T) {
	tests := []struct {
		name     string
		err      *state.Error
		wantKind state.Kind
		wantCode int
		wantText string
	}{
		{name: "invalid JSON", err: state.ErrInvalidJSON(), wantKind: state.KindInvalid, wantCode: 2009, wantText: "netmera error 2009: Invalid JSON"},
		{name: "missing", err: state.ErrMissing("extId"), wantKind: state.KindInvalid, wantCode: 2020, wantText: "netmera error 2020: extId is required"},
		{name: "wrong type", err: state.ErrWrongType("notificationKey", "a text"), wantKind: state.KindInvalid, wantCode: 2004,
			wantText: "netmera error 2004: Field 'notificationKey' should be a text"},
		{name: "API key", err: state.ErrAPIKey(), wantKind: state.KindUnauthorized, wantCode: 2010, wantText: "netmera error 2010: API key is invalid"},
		{name: "Invalidf", err: state.Invalidf(2021, "Your IP %s is not allowed", "1.2.3.4"), wantKind: state.KindInvalid, wantCode: 2021,
			wantText: "netmera error 2021: Your IP 1.2.3.4 is not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Kind != tt.wantKind || tt.err.Code != tt.wantCode || tt.err.Error() != tt.wantText {
				t.Errorf("got kind %d code %d text %q, want kind %d code %d text %q",
					tt.err.Kind, tt.err.Code, tt.err.Error(), tt.wantKind, tt.wantCode, tt.wantText)
			}
		})
	}
}

func TestOperationErrorsText(t *testing.T) {
	tn := MustTenant(t, smallDataset(), state.Settings{})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "permanent delete of an unknown user", err: tn.DeleteUsersPermanently([]string{"ghost"}),
			want: "netmera error 5016: User with external id 'ghost' does not exist or has already been permanently deleted"},
		{name: "approval of an unknown message", err: tn.ApprovePushes([]int64{9}),
			want: "netmera error 5003: Message with given messageId could not be found"},
		{name: "SetPush without IDs", err: tn.SetPush("", "", true), want: "netmera error 2020: extId or deviceToken is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || tt.err.Error() != tt.want {
				t.Errorf("error = %v, want %q", tt.err, tt.want)
			}
		})
	}
	_, _, _, err := tn.SegmentUsers(99, 0, 10)
	if want := "netmera error 5042: Segment not found"; err == nil || err.Error() != want {
		t.Errorf("SegmentUsers(99) error = %v, want %q", err, want)
	}
	_, _, _, err = tn.SegmentUsers(12, 0, 10)
	if want := "netmera error 2001: An unexpected error occurred. Retry later."; err == nil || err.Error() != want {
		t.Errorf("SegmentUsers(12) of a connectors segment error = %v, want %q", err, want)
	}
}
