package clienttest

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// ifaces are the client interfaces, in the order the package documents
// them. Their methods are the fields of Funcs.
var ifaces = []reflect.Type{
	reflect.TypeFor[UserClient](),
	reflect.TypeFor[RegistrationClient](),
	reflect.TypeFor[ProfileClient](),
	reflect.TypeFor[CategoryClient](),
	reflect.TypeFor[DeviceClient](),
	reflect.TypeFor[SegmentClient](),
	reflect.TypeFor[ChannelClient](),
	reflect.TypeFor[AddressClient](),
	reflect.TypeFor[WhatsAppClient](),
	reflect.TypeFor[ApprovalClient](),
	reflect.TypeFor[NotificationClient](),
	reflect.TypeFor[PushResultClient](),
	reflect.TypeFor[InboxClient](),
	reflect.TypeFor[EventClient](),
}

// ifaceOf names the interface of each method: "TagUsers" →
// "clienttest.UserClient".
var ifaceOf = func() map[string]string {
	m := map[string]string{}
	for _, it := range ifaces {
		for i := range it.NumMethod() {
			m[it.Method(i).Name] = it.String()
		}
	}
	return m
}()

// methodsOf returns the methods of a client interface in the order the
// package declares them (the order of Funcs' fields), where reflect
// sorts them by name.
func methodsOf(it reflect.Type) []reflect.Method {
	var out []reflect.Method
	ft := reflect.TypeFor[Funcs]()
	for i := range ft.NumField() {
		if m, ok := it.MethodByName(ft.Field(i).Name); ok {
			out = append(out, m)
		}
	}
	return out
}

// status is what Run found of one method of the client interfaces.
type status int

const (
	absent   status = iota // the client does not have it
	callable               // the client has it with the interface's signature
	differs                // the client has it, or a near name, but not as the interface wants it
)

// problem is what the compiler would say of a client that nearly
// implements an interface: one method missing, of the wrong type, or
// with a pointer receiver.
type problem struct {
	iface, why string
	have, want string // signatures, for a wrong type or a near name
}

// shape is what Run found of a client: which methods of the client
// interfaces it can call, and what is wrong with the interfaces the
// client nearly implements (has at least one method name of).
type shape struct {
	client   string // the client's type, as %T prints it
	funcs    bool   // the client is a Funcs: an absent method is a nil field
	status   map[string]status
	problems []problem
}

// adapt makes a Funcs of any client: a Funcs as it is, any other value
// through those of its methods whose name and signature are the
// interfaces'. It says what it found.
func adapt(c any) (Funcs, *shape) {
	sh := &shape{client: fmt.Sprintf("%T", c), status: map[string]status{}}
	var f Funcs
	switch v := c.(type) {
	case Funcs:
		f, sh.funcs = v, true
	case *Funcs:
		if v != nil {
			f = *v
		}
		sh.funcs = true
	}
	fv := reflect.ValueOf(&f).Elem()
	if sh.funcs {
		for m := range ifaceOf {
			if !fv.FieldByName(m).IsNil() {
				sh.status[m] = callable
			}
		}
		return f, sh
	}

	v := reflect.ValueOf(c)
	for _, it := range ifaces {
		var found []problem
		near := false // the client has some of the interface's names
		for _, m := range methodsOf(it) {
			want := signature(m.Name, m.Type)
			if mv := v.MethodByName(m.Name); mv.IsValid() {
				near = true
				if mv.Type() == m.Type {
					sh.status[m.Name] = callable
					fv.FieldByName(m.Name).Set(mv)
					continue
				}
				sh.status[m.Name] = differs
				found = append(found, problem{iface: it.String(), why: "wrong type for method " + m.Name,
					have: signature(m.Name, mv.Type()), want: want})
				continue
			}
			if v.Kind() != reflect.Pointer {
				if _, ok := reflect.PointerTo(v.Type()).MethodByName(m.Name); ok {
					near = true
					sh.status[m.Name] = differs
					found = append(found, problem{iface: it.String(), why: "method " + m.Name + " has pointer receiver"})
					continue
				}
			}
			p := problem{iface: it.String(), why: "missing method " + m.Name}
			if name, ft, ok := nearName(v, m.Name); ok {
				near = true
				sh.status[m.Name] = differs
				p.have, p.want = signature(name, ft), want
			}
			found = append(found, p)
		}
		if near {
			sh.problems = append(sh.problems, found...)
		}
	}
	if cl, ok := c.(io.Closer); ok {
		f.Close = cl.Close
	}
	return f, sh
}

// nearName finds a method of v whose name differs from name only in
// case ("EnableSMS" for "EnableSms"), and returns it with its signature.
func nearName(v reflect.Value, name string) (string, reflect.Type, bool) {
	for i := range v.NumMethod() {
		if n := v.Type().Method(i).Name; strings.EqualFold(n, name) {
			return n, v.Method(i).Type(), true
		}
	}
	return "", nil, false
}

// signature writes a method as the compiler does in have/want lines:
// GetSegments(context.Context, string) ([]clienttest.Segment, error).
func signature(name string, ft reflect.Type) string {
	return name + strings.ReplaceAll(strings.TrimPrefix(ft.String(), "func"), "interface {}", "any")
}

// callable reports whether every method of names can be called; none
// given means any one.
func (sh *shape) callable(names ...string) bool {
	if len(names) == 0 {
		return sh.any()
	}
	for _, n := range names {
		if sh.status[n] != callable {
			return false
		}
	}
	return true
}

func (sh *shape) any() bool {
	for _, s := range sh.status {
		if s == callable {
			return true
		}
	}
	return false
}

// failing reports whether a method has the wrong shape: the run fails.
func (sh *shape) failing() bool {
	for _, s := range sh.status {
		if s == differs {
			return true
		}
	}
	return false
}

// why says why a case (or a group) that calls the methods names cannot
// run.
func (sh *shape) why(names []string) string {
	var lack, bad []string
	for _, n := range names {
		switch sh.status[n] {
		case absent:
			lack = append(lack, n)
		case differs:
			bad = append(bad, n)
		}
	}
	var parts []string
	if len(lack) > 0 && sh.funcs {
		parts = append(parts, fmt.Sprintf("%s, nil in the %s", methodList(lack), sh.client))
	} else if len(lack) > 0 {
		parts = append(parts, fmt.Sprintf("%s, which %s does not have", methodList(lack), sh.client))
	}
	if len(bad) > 0 {
		parts = append(parts, fmt.Sprintf("%s, which %s has with another signature (the run's failure says how)", methodList(bad), sh.client))
	}
	return "it calls " + strings.Join(parts, "; and ")
}

// methodList names methods with their interfaces:
// "clienttest.DeviceClient's EnablePush and DisablePush".
func methodList(names []string) string {
	var order []string
	by := map[string][]string{}
	for _, n := range names {
		it := ifaceOf[n]
		if by[it] == nil {
			order = append(order, it)
		}
		by[it] = append(by[it], n)
	}
	out := make([]string, len(order))
	for i, it := range order {
		ms := by[it]
		list := ms[0]
		if len(ms) > 1 {
			list = strings.Join(ms[:len(ms)-1], ", ") + " and " + ms[len(ms)-1]
		}
		out[i] = it + "'s " + list
	}
	return strings.Join(out, ", ")
}

// report says, as the compiler would, what keeps the client from
// implementing the interfaces it nearly implements; one line per
// method, each followed by have/want lines where the compiler gives them.
func (sh *shape) report() string {
	var b strings.Builder
	for _, p := range sh.problems {
		fmt.Fprintf(&b, "\n\t%s does not implement %s (%s)", sh.client, p.iface, p.why)
		if p.have != "" {
			fmt.Fprintf(&b, "\n\t\thave %s\n\t\twant %s", p.have, p.want)
		}
	}
	return b.String()
}

// summary says which interfaces the client implements, in part or not
// at all, for the run's log.
func (sh *shape) summary() string {
	var full, part, none []string
	for _, it := range ifaces {
		var have, lack []string
		for _, m := range methodsOf(it) {
			if n := m.Name; sh.status[n] == callable {
				have = append(have, n)
			} else {
				lack = append(lack, n)
			}
		}
		switch {
		case len(lack) == 0:
			full = append(full, it.String())
		case len(have) == 0:
			none = append(none, it.String())
		default:
			part = append(part, fmt.Sprintf("%s (%s; not %s)", it.String(), strings.Join(have, ", "), strings.Join(lack, ", ")))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "client %s: the suite calls it as %s", sh.client, orNone(full))
	if len(part) > 0 {
		fmt.Fprintf(&b, "; in part as %s", strings.Join(part, ", "))
	}
	if len(none) > 0 {
		fmt.Fprintf(&b, "; not as %s", strings.Join(none, ", "))
	}
	b.WriteString(". The cases of the methods it cannot call are skipped.")
	return b.String()
}

// adaptHint tells how to make the suite see a client's methods.
const adaptHint = `To test a client whose methods differ, return a clienttest.Funcs from the factory, with a field for each method the client has (see the package doc). Beside a client meant to implement an interface, a line such as
	var _ clienttest.SegmentClient = (*Client)(nil)
makes the compiler say this at build time.`
