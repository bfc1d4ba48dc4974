package state_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/state"
)

// modelUser is what the model knows of a random user.
type modelUser struct {
	id        string
	tags      []string
	untracked bool
	optedOut  bool // of Promotions on PUSH
	devices   []state.DeviceRecord
}

// expr is a random tag expression and the model's reading of it.
type expr struct {
	json any
	eval func(tags []string) bool
}

func randomExpr(rng *rand.Rand, depth int) expr {
	tags := []string{"A", "B", "C", "D"}
	if depth == 0 || rng.IntN(3) == 0 {
		tag := tags[rng.IntN(len(tags))]
		return expr{tag, func(ts []string) bool { return slices.Contains(ts, tag) }}
	}
	n := 1 + rng.IntN(3)
	args := make([]expr, n)
	js := make([]any, n)
	for i := range args {
		args[i] = randomExpr(rng, depth-1)
		js[i] = args[i].json
	}
	switch rng.IntN(4) {
	case 0:
		return expr{js, func(ts []string) bool { return slices.ContainsFunc(args, func(a expr) bool { return a.eval(ts) }) }}
	case 1:
		return expr{map[string]any{"$or": js}, func(ts []string) bool { return slices.ContainsFunc(args, func(a expr) bool { return a.eval(ts) }) }}
	case 2:
		return expr{map[string]any{"$and": js}, func(ts []string) bool {
			return !slices.ContainsFunc(args, func(a expr) bool { return !a.eval(ts) })
		}}
	}
	return expr{map[string]any{"$not": js}, func(ts []string) bool { return !slices.ContainsFunc(args, func(a expr) bool { return a.eval(ts) }) }}
}

// TestTargetingModel resolves random tag expressions over random users
// and compares every delivery with what a plain model of the rules says.
func TestTargetingModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	platforms := []string{state.PlatformIOS, state.PlatformAndroid, state.PlatformChrome}
	d := &state.Dataset{Attributes: smallAttributes(), Categories: []state.Category{{ID: 1, Name: catPromotions}}}
	var users []modelUser
	for i := range 300 {
		u := modelUser{id: fmt.Sprintf("m%d", i), untracked: rng.IntN(10) == 0, optedOut: rng.IntN(6) == 0}
		for _, tag := range []string{"A", "B", "C", "D"} {
			if rng.IntN(3) == 0 {
				u.tags = append(u.tags, tag)
			}
		}
		rec := state.UserRecord{ExtID: u.id, Tags: u.tags, Untracked: u.untracked}
		if u.optedOut {
			rec.Categories = []state.CategoryPref{{Category: catPromotions, Channel: "PUSH", Enabled: false}}
		}
		d.Users = append(d.Users, rec)
		for k := range rng.IntN(4) {
			dv := state.DeviceRecord{InstallationID: fmt.Sprintf("%s-%d", u.id, k), ExtID: u.id, Platform: platforms[rng.IntN(3)],
				PushPermitted: rng.IntN(4) != 0, Uninstalled: rng.IntN(8) == 0, InvalidToken: rng.IntN(10) == 0}
			if rng.IntN(10) != 0 {
				dv.Token = "tok-" + dv.InstallationID
			}
			u.devices = append(u.devices, dv)
			d.Devices = append(d.Devices, dv)
		}
		users = append(users, u)
	}
	for _, tag := range []string{"A", "B", "C", "D"} { // every tag exists
		d.Users = append(d.Users, state.UserRecord{ExtID: "has-" + tag, Tags: []string{tag}})
	}
	tn := MustTenant(t, d, state.Settings{})
	for round := range 60 {
		e := randomExpr(rng, 3)
		categories := ""
		withCat := round%2 == 0
		if withCat {
			categories = `,"categories":["Promotions"]`
		}
		target, _ := json.Marshal(map[string]any{"tag": e.json})
		body := `{"message":{"title":"T","text":"x","platforms":["IOS","ANDROID"]` + categories + `},"target":` + string(target) + `}`
		rec := MustNotification(t, tn, MustSend(t, tn, body))
		var want []string
		for _, u := range users {
			if !e.eval(u.tags) || u.untracked || (withCat && u.optedOut) {
				continue
			}
			for _, dv := range u.devices {
				if !dv.Uninstalled && dv.Platform != state.PlatformChrome && dv.Token != "" && dv.PushPermitted {
					s := u.id + "/" + dv.InstallationID
					if dv.InvalidToken {
						s += "!"
					}
					want = append(want, s)
				}
			}
		}
		sort.Strings(want)
		got := slices.DeleteFunc(reached(rec), func(s string) bool { return s[:4] == "has-" })
		if want == nil {
			want = []string{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d, target %s, categories %v: reached (-model +fake):\n%s", round, target, withCat, diff)
		}
	}
	MustConsistent(t, tn)
}
