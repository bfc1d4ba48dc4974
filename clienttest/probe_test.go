package clienttest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Funcs has one field per method of the client interfaces, of the same
// name and type, besides AsAPIError and Close: the compiler checks an
// adapter against the interfaces through it.
func TestFuncsFieldsAreTheInterfaces(t *testing.T) {
	ft := reflect.TypeFor[Funcs]()
	fields := map[string]reflect.Type{}
	for i := range ft.NumField() {
		if f := ft.Field(i); f.Name != "AsAPIError" && f.Name != "Close" {
			fields[f.Name] = f.Type
		}
	}
	for _, it := range ifaces {
		for i := range it.NumMethod() {
			m := it.Method(i)
			got, ok := fields[m.Name]
			switch {
			case !ok:
				t.Errorf("Funcs has no field %s of %s", m.Name, it)
			case got != m.Type:
				t.Errorf("Funcs.%s is a %s, want %s as %s declares it", m.Name, got, m.Type, it)
			}
			delete(fields, m.Name)
		}
	}
	for name := range fields {
		t.Errorf("Funcs.%s is no method of a client interface", name)
	}
}

// Clients that nearly implement an interface.
type (
	mySegment    struct{ ID int64 }
	wrongResults struct{} // GetSegments returns its own type
	valueClient  struct{} // its methods have pointer receivers
	smsCaps      struct{} // EnableSMS where the interface says EnableSms
	someTags     struct{} // TagUsers, and nothing else of UserClient
	unrelated    struct{} // methods of no interface
	funcsPointer = *Funcs // a Funcs may be given by pointer
)

func (wrongResults) GetSegments(context.Context, string) ([]mySegment, error)      { return nil, nil }
func (wrongResults) GetSegmentUsers(context.Context, int64) ([]SegmentUser, error) { return nil, nil }
func (*valueClient) SendPushApproval(context.Context, []int64) error               { return nil }
func (smsCaps) EnableSMS(context.Context, []string) error                          { return nil }
func (someTags) TagUsers(context.Context, string, []string) error                  { return nil }
func (unrelated) Ping(context.Context) error                                       { return nil }

func TestAdaptSaysWhatTheCompilerWould(t *testing.T) {
	tests := []struct {
		name       string
		client     any
		wantReport string
		callable   []string
		failing    bool
	}{
		{name: "wrong result type", client: wrongResults{},
			wantReport: `
	clienttest.wrongResults does not implement clienttest.SegmentClient (wrong type for method GetSegments)
		have GetSegments(context.Context, string) ([]clienttest.mySegment, error)
		want GetSegments(context.Context, string) ([]clienttest.Segment, error)`,
			callable: []string{"GetSegmentUsers"}, failing: true},
		{name: "pointer receiver", client: valueClient{},
			wantReport: `
	clienttest.valueClient does not implement clienttest.ApprovalClient (method SendPushApproval has pointer receiver)`,
			failing: true},
		{name: "the pointer of that client", client: &valueClient{}, callable: []string{"SendPushApproval"}},
		{name: "name in another case", client: smsCaps{},
			wantReport: `
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method EnableMail)
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method DisableMail)
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method UpdateEmail)
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method EnableSms)
		have EnableSMS(context.Context, []string) error
		want EnableSms(context.Context, []string) error
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method DisableSms)
	clienttest.smsCaps does not implement clienttest.ChannelClient (missing method UpdateMsisdn)`,
			failing: true},
		{name: "missing methods only", client: someTags{},
			wantReport: `
	clienttest.someTags does not implement clienttest.UserClient (missing method UntagUsers)
	clienttest.someTags does not implement clienttest.UserClient (missing method DeleteUsersPermanently)`,
			callable: []string{"TagUsers"}},
		{name: "no method of any interface", client: unrelated{}},
		{name: "Funcs", client: Funcs{GetSegments: func(context.Context, string) ([]Segment, error) { return nil, nil }},
			callable: []string{"GetSegments"}},
		{name: "*Funcs", client: funcsPointer(&Funcs{EnablePush: func(context.Context, string) error { return nil }}),
			callable: []string{"EnablePush"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, sh := adapt(tt.client)
			if diff := cmp.Diff(tt.wantReport, sh.report()); diff != "" {
				t.Errorf("adapt(%T).report() (-want +got):\n%s", tt.client, diff)
			}
			var callable []string
			fv := reflect.ValueOf(f)
			for _, it := range ifaces {
				for i := range it.NumMethod() {
					n := it.Method(i).Name
					if sh.callable(n) {
						callable = append(callable, n)
					}
					if set := !fv.FieldByName(n).IsNil(); set != sh.callable(n) {
						t.Errorf("adapt(%T): Funcs.%s set %t, but callable %t", tt.client, n, set, sh.callable(n))
					}
				}
			}
			if diff := cmp.Diff(tt.callable, callable); diff != "" {
				t.Errorf("adapt(%T): callable methods (-want +got):\n%s", tt.client, diff)
			}
			if sh.failing() != tt.failing {
				t.Errorf("adapt(%T).failing() = %t, want %t", tt.client, sh.failing(), tt.failing)
			}
		})
	}
}

// plainError carries Netmera's code without implementing APIError.
type plainError struct{ code int }

func (e plainError) Error() string { return "plain" }

func TestAsAPIError(t *testing.T) {
	read := func(err error) (int, string, bool) {
		var p plainError
		if errors.As(err, &p) {
			return p.code, "text", true
		}
		return 0, "", false
	}
	f := Funcs{AsAPIError: read}
	ctxErr := f.asAPIError(context.Canceled)
	if ctxErr != context.Canceled {
		t.Errorf("asAPIError(context.Canceled) = %v, want it unchanged: AsAPIError finds no code in it", ctxErr)
	}
	var ae APIError
	err := f.asAPIError(plainError{code: 5016})
	if !errors.As(err, &ae) || ae.NetmeraCode() != 5016 || ae.NetmeraMessage() != "text" || !errors.As(err, new(plainError)) {
		t.Errorf("asAPIError(plainError{5016}) = %#v, want an APIError with code 5016 that unwraps to the plainError", err)
	}
	already := &apiError{err: plainError{code: 1}, code: 2, text: "mine"}
	if got := f.asAPIError(already); got != error(already) {
		t.Errorf("asAPIError of an APIError = %v, want it unchanged", got)
	}
	if got := (&Funcs{}).asAPIError(plainError{code: 3}); !strings.Contains(got.Error(), "plain") || errors.As(got, &ae) {
		t.Errorf("asAPIError without AsAPIError = %#v, want the error unchanged", got)
	}
}
