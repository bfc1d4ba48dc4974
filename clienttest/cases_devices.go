package clienttest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// deviceUser returns a user of the fake with at least two installed
// devices holding tokens.
func (e *env) deviceUser() string {
	e.t.Helper()
	n := map[string]int{}
	for _, d := range e.srv.Export().Devices {
		if d.ExtID != "" && d.Token != "" && !d.Uninstalled {
			if n[d.ExtID]++; n[d.ExtID] == 2 {
				return d.ExtID
			}
		}
	}
	e.t.Fatalf("%s: the fake has no user with two devices", e.name)
	return ""
}

// deviceKeys describes devices as getDevices shows them, sorted.
func deviceKeys[D any](ds []D, key func(D) string) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = key(d)
	}
	slices.Sort(out)
	return out
}

func clientKey(d Device) string {
	return fmt.Sprintf("{%s %s %q permitted:%t}", d.Platform, d.Token, d.DeviceModel, d.PushPermitted)
}

func fakeKey(d state.DeviceRecord) string {
	return fmt.Sprintf("{%s %s %q permitted:%t}", d.Platform, d.Token, d.DeviceModel, d.PushPermitted)
}

// wantDevices checks GetDevices against the fake's devices of the user.
func (e *env) wantDevices(id string, only bool) {
	e.t.Helper()
	cl := e.f
	var got []Device
	c := e.do(fmt.Sprintf("GetDevices(ctx, %q, %t)", id, only), func(ctx context.Context) (err error) {
		got, err = cl.GetDevices(ctx, id, only)
		return err
	})
	e.must(c)
	want := deviceKeys(e.srv.Tenant().Devices(id, only), fakeKey)
	if g := deviceKeys(got, clientKey); !slices.Equal(g, want) {
		e.errorf(c, "the devices the fake holds, %v; got %v", want, g)
	}
}

// wantAllTokens checks that AllDeviceTokens returns every token of the
// fake exactly once.
func (e *env) wantAllTokens(minPages int) {
	e.t.Helper()
	cl := e.f
	var want []string
	for _, d := range e.srv.Export().Devices {
		if d.Token != "" {
			want = append(want, d.Token)
		}
	}
	var got []Device
	c := e.do(fmt.Sprintf("AllDeviceTokens(ctx) with %d installations holding a token", len(want)), func(ctx context.Context) (err error) {
		got, err = cl.AllDeviceTokens(ctx)
		return err
	})
	e.must(c)
	seen := map[string]int{}
	for _, d := range got {
		if d.Token != "" {
			seen[d.Token]++
		}
	}
	var missing, twice []string
	for _, tok := range want {
		if seen[tok] == 0 {
			missing = append(missing, tok)
		}
		if seen[tok] > 1 {
			twice = append(twice, tok)
		}
	}
	pages := c.to("getDeviceTokens")
	switch {
	case len(missing) > 0 && len(pages) < minPages:
		e.errorf(c, "every one of the fake's %d tokens, following nextPage until a page has none (%d page(s) were fetched, at least %d were needed); %d are missing, such as %q",
			len(want), len(pages), minPages, len(missing), missing[0])
	case len(missing) > 0:
		c.got = showDevices(got)
		e.errorf(c, "every one of the fake's %d tokens; %d are missing, such as %q, though the client fetched every page (%d)%s",
			len(want), len(missing), missing[0], len(pages), tokenFields(pages))
	case len(twice) > 0:
		e.errorf(c, "each token exactly once; %d came more than once, such as %q", len(twice), twice[0])
	case len(seen) != len(want):
		e.errorf(c, "only the fake's %d tokens; got %d distinct tokens", len(want), len(seen))
	}
}

func deviceCases() []testCase {
	return []testCase{
		{name: "get", needs: []string{"GetDevices"}, run: func(e *env) { e.wantDevices(e.deviceUser(), false) }},
		{name: "get-only-permitted", needs: []string{"GetDevices"}, run: func(e *env) {
			id := e.deviceUser()
			tok := e.srv.Devices(id)[0].Token
			if err := e.srv.Tenant().SetPush("", tok, false); err != nil {
				e.t.Fatalf("%s: setting up: %v", e.name, err)
			}
			e.wantDevices(id, true)
		}},
		{name: "enable-disable-push", needs: []string{"EnablePush", "DisablePush"}, run: func(e *env) {
			cl, id := e.f, e.deviceUser()
			for _, on := range []bool{false, true} {
				name, fn := "DisablePush", cl.DisablePush
				if on {
					name, fn = "EnablePush", cl.EnablePush
				}
				c := e.do(fmt.Sprintf("%s(ctx, %q)", name, id), func(ctx context.Context) error { return fn(ctx, id) })
				e.must(c)
				for _, d := range e.srv.Devices(id) {
					if d.PushPermitted != on {
						e.errorf(c, "every device of %q with push permitted=%t in the fake; %s is not", id, on, d.Token)
						return
					}
				}
			}
		}},
		{name: "all-tokens-follow-nextPage", needs: []string{"AllDeviceTokens"}, opts: []Option{WithUsers(1200)}, run: func(e *env) {
			n := e.srv.Tenant().Counts().Devices
			if n <= 1000 {
				e.t.Fatalf("%s: the fake has %d installations; the case needs more than one page of 1000", e.name, n)
			}
			e.wantAllTokens((n + 999) / 1000)
		}},
		{name: "all-tokens-legacy-shape", needs: []string{"AllDeviceTokens"}, opts: []Option{WithDeviceTokenShape(mockserver.ShapeLegacy)}, run: func(e *env) {
			e.wantAllTokens(1)
		}},
		{name: "all-tokens-current-shape", needs: []string{"AllDeviceTokens"}, opts: []Option{WithDeviceTokenShape(mockserver.ShapeCurrent)}, run: func(e *env) {
			e.wantAllTokens(1)
		}},
	}
}

// showDevices describes what AllDeviceTokens returned.
func showDevices(ds []Device) string {
	if len(ds) == 0 {
		return "no devices"
	}
	empty := 0
	for _, d := range ds {
		if d.Token == "" {
			empty++
		}
	}
	return fmt.Sprintf("%d devices, %d of them with an empty Token, the first %+v", len(ds), empty, ds[0])
}

// tokenFields says which of "token" and "deviceToken" the first device of
// the first getDeviceTokens answer carries.
func tokenFields(pages []Request) string {
	if len(pages) == 0 {
		return ""
	}
	var page struct {
		Devices []map[string]any `json:"devices"`
	}
	if json.Unmarshal(pages[0].Response, &page) != nil || len(page.Devices) == 0 {
		return ""
	}
	var has []string
	for _, f := range []string{"token", "deviceToken"} {
		if _, ok := page.Devices[0][f]; ok {
			has = append(has, fmt.Sprintf("%q", f))
		}
	}
	if len(has) != 1 {
		return ""
	}
	return fmt.Sprintf(".\n          The fake's answer carries each token in %s only: Device.Token must be whichever of \"token\" and \"deviceToken\" the answer has", has[0])
}
