package state_test

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// whatsApp is a user's WhatsApp state.
type whatsApp struct {
	Numbers   []string
	Permitted bool
}

func whatsAppOf(tn *state.Tenant) map[string]whatsApp {
	out := map[string]whatsApp{}
	for _, u := range tn.Export().Users {
		if len(u.WpNumbers) > 0 || u.WhatsAppPermitted {
			out[u.ExtID] = whatsApp{u.WpNumbers, u.WhatsAppPermitted}
		}
	}
	return out
}

// whatsAppDataset is smallDataset where u1 has two WhatsApp numbers and
// permission, and u2 one number.
func whatsAppDataset() *state.Dataset {
	d := smallDataset()
	d.Users[0].WpNumbers, d.Users[0].WhatsAppPermitted = []string{"+901", "+902"}, true
	d.Users[1].WpNumbers = []string{"+903"}
	return d
}

func TestWhatsApp(t *testing.T) {
	initial := map[string]whatsApp{"u1": {[]string{"+901", "+902"}, true}, "u2": {[]string{"+903"}, false}}
	with := func(changes map[string]whatsApp) map[string]whatsApp {
		out := map[string]whatsApp{}
		for k, v := range initial {
			out[k] = v
		}
		for k, v := range changes {
			if v.Numbers == nil && !v.Permitted {
				delete(out, k)
				continue
			}
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		do   func(tn *state.Tenant) error
		want map[string]whatsApp
	}{
		{name: "enable by extId", do: func(tn *state.Tenant) error {
			return tn.SetWhatsAppPermission([]string{"u2", "u3", "ghost"}, nil, true)
		},
			want: with(map[string]whatsApp{"u2": {[]string{"+903"}, true}, "u3": {nil, true}})},
		{name: "disable by number", do: func(tn *state.Tenant) error { return tn.SetWhatsAppPermission(nil, []string{"+902", "+999"}, false) },
			want: with(map[string]whatsApp{"u1": {[]string{"+901", "+902"}, false}})},
		{name: "enable by both", do: func(tn *state.Tenant) error { return tn.SetWhatsAppPermission([]string{"u3"}, []string{"+903"}, true) },
			want: with(map[string]whatsApp{"u2": {[]string{"+903"}, true}, "u3": {nil, true}})},
		{name: "update replaces the numbers, keeps the permission", do: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("u1", []string{"+905"}) },
			want: with(map[string]whatsApp{"u1": {[]string{"+905"}, true}})},
		{name: "update drops repeats, keeps the order", do: func(tn *state.Tenant) error {
			return tn.UpdateWhatsApp("u3", []string{"+907", "+906", "+907"})
		}, want: with(map[string]whatsApp{"u3": {[]string{"+907", "+906"}, false}})},
		{name: "an empty value is stored as empty", do: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("u2", []string{""}) },
			want: with(map[string]whatsApp{"u2": {[]string{""}, false}})},
		{name: "no number at all is the empty value", do: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("u1", []string{}) },
			want: with(map[string]whatsApp{"u1": {[]string{""}, true}})},
		{name: "a number another user has moves", do: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("u3", []string{"+902", "+903"}) },
			want: with(map[string]whatsApp{"u1": {[]string{"+901"}, true}, "u2": {}, "u3": {[]string{"+902", "+903"}, false}})},
		{name: "update of an unknown user", do: func(tn *state.Tenant) error { return tn.UpdateWhatsApp("ghost", []string{"+901"}) },
			want: initial},
		{name: "remove clears the numbers, keeps the permission", do: func(tn *state.Tenant) error { tn.RemoveWhatsApp("u1"); return nil },
			want: with(map[string]whatsApp{"u1": {nil, true}})},
		{name: "remove of a user without numbers", do: func(tn *state.Tenant) error { tn.RemoveWhatsApp("u3"); return nil },
			want: initial},
		{name: "the old number reaches nobody after an update", do: func(tn *state.Tenant) error {
			if err := tn.UpdateWhatsApp("u2", []string{"+904"}); err != nil {
				return err
			}
			return tn.SetWhatsAppPermission(nil, []string{"+903"}, true)
		}, want: with(map[string]whatsApp{"u2": {[]string{"+904"}, false}})},
		{name: "a deleted user's number reaches nobody", do: func(tn *state.Tenant) error {
			if err := tn.SetWhatsAppPermission(nil, []string{"x"}, true); err != nil { // builds the index
				return err
			}
			if err := tn.DeleteUsersPermanently([]string{"u2"}); err != nil {
				return err
			}
			return tn.UpdateWhatsApp("u3", []string{"+903"})
		}, want: map[string]whatsApp{"u1": initial["u1"], "u3": {[]string{"+903"}, false}}},
		{name: "a user put again through the control API", do: func(tn *state.Tenant) error {
			if err := tn.SetWhatsAppPermission(nil, []string{"x"}, true); err != nil {
				return err
			}
			if err := tn.PutUser(state.UserRecord{ExtID: "u1", WpNumbers: []string{"+908", "+908"}}); err != nil {
				return err
			}
			return tn.SetWhatsAppPermission(nil, []string{"+901", "+908"}, true)
		}, want: with(map[string]whatsApp{"u1": {[]string{"+908"}, true}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := MustTenant(t, whatsAppDataset(), state.Settings{})
			MustOK(t, tt.name, tt.do(tn))
			if diff := cmp.Diff(tt.want, whatsAppOf(tn)); diff != "" {
				t.Errorf("WhatsApp numbers and permissions (-want +got):\n%s", diff)
			}
			MustConsistent(t, tn)
			d := tn.Export()
			if again := MustTenant(t, d, state.Settings{}).Export(); !reflect.DeepEqual(d, again) {
				t.Errorf("the export does not load back to itself:\n%s", cmp.Diff(d, again))
			}
		})
	}
}
