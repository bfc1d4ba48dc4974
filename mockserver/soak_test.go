package mockserver_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

// TestModelSoak runs many clients at once, each writing only its own users
// (tags, profile set/unset/push/pull, category preferences, push
// permission, permanent deletes, users and devices put through the control
// API) and walking getDeviceTokens and getSegmentUsers while the others
// write. Each client keeps a model of what it did, exact because no other
// client touches its users; at the end of each epoch the fake's state must
// equal the models, the tenant must be consistent, and every walk must
// have returned each of the client's devices and segment members exactly
// once.
//
// It runs one short epoch by default; NETMERA_MOCK_SOAK_DURATION=10m (make
// soak SOAK_DURATION=10m) runs epochs until the duration is over.
// NETMERA_MOCK_SOAK_SEED picks the random seed.
func TestModelSoak(t *testing.T) {
	t.Parallel()
	const clients, usersEach = 8, 12
	duration, seed := soakSettings(t)
	h := MustHarnessWith(t, func() (*state.Dataset, error) { return soakDataset(clients, usersEach), nil }, state.Settings{},
		mockserver.Options{JournalSize: 200}, testKey)
	models := make([]*soakClient, clients)
	for c := range models {
		models[c] = newSoakClient(h, c, usersEach, seed)
	}
	opsPerEpoch := 60
	if testing.Short() {
		opsPerEpoch = 30
	}
	start := time.Now()
	for epoch := 0; ; epoch++ {
		var wg sync.WaitGroup
		for _, m := range models {
			wg.Go(func() {
				for range opsPerEpoch {
					m.step(t)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		compareSoak(t, h, models, epoch)
		if t.Failed() || time.Since(start) >= duration {
			total := 0
			for _, m := range models {
				total += m.ops
			}
			t.Logf("%d epochs, %d clients, %d requests in %v (seed %d)", epoch+1, clients, total, time.Since(start).Round(time.Millisecond), seed)
			return
		}
	}
}

// soakSettings reads the duration and seed of a long run.
func soakSettings(t *testing.T) (time.Duration, uint64) {
	var d time.Duration
	if v := os.Getenv("NETMERA_MOCK_SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			t.Fatalf("NETMERA_MOCK_SOAK_DURATION=%q: %v", v, err)
		}
	}
	seed := uint64(1)
	if v := os.Getenv("NETMERA_MOCK_SOAK_SEED"); v != "" {
		if _, err := fmt.Sscan(v, &seed); err != nil {
			t.Fatalf("NETMERA_MOCK_SOAK_SEED=%q: %v", v, err)
		}
	}
	return d, seed
}

// Channels and categories of the soak tenant.
var (
	soakCategories = []string{"Shopping", "Promotion"}
	soakChannels   = []string{"PUSH", "EMAIL", "SMS"}
)

// soakSegment holds every user at the start.
const soakSegment = 1

func soakUser(c, u int) string { return fmt.Sprintf("c%d-u%02d", c, u) }

// soakDataset gives each client its users, two devices each, all in one
// segment.
func soakDataset(clients, usersEach int) *state.Dataset {
	d := &state.Dataset{Version: state.CurrentVersion,
		Categories: []state.Category{{ID: 1, Name: soakCategories[0]}, {ID: 2, Name: soakCategories[1]}},
		Segments:   []state.SegmentRecord{{ID: soakSegment, Name: "everyone", Type: state.SegmentStandard}}}
	for c := range clients {
		for u := range usersEach {
			id := soakUser(c, u)
			d.Users = append(d.Users, state.UserRecord{ExtID: id})
			d.Segments[0].Members = append(d.Segments[0].Members, id)
			for k := range 2 {
				d.Devices = append(d.Devices, state.DeviceRecord{InstallationID: fmt.Sprintf("%s-i%d", id, k), ExtID: id,
					Platform: state.PlatformAndroid, Token: fmt.Sprintf("%s-t%d", id, k), PushPermitted: k == 0})
			}
		}
	}
	return d
}

// modelUser is what a client believes one of its users is.
type modelUser struct {
	exists    bool
	inSegment bool
	tags      map[string]bool
	profile   map[string]any // name (string), age (int), lastVisitedCategories, lastVisitedProducts ([]string)
	prefs     map[[2]string]bool
	devices   map[string]*modelDevice // by installation ID
}

type modelDevice struct {
	token     string
	permitted bool
}

// soakClient is one client and its model.
type soakClient struct {
	h       *harness
	id      int
	rng     *rand.Rand
	users   []*modelUser
	ops     int
	devSeq  int
	session map[string]int // what the last walks saw of other clients, for the exactly-once check
}

func newSoakClient(h *harness, c, usersEach int, seed uint64) *soakClient {
	m := &soakClient{h: h, id: c, rng: rand.New(rand.NewPCG(seed, uint64(c)))}
	for u := range usersEach {
		id := soakUser(c, u)
		mu := &modelUser{exists: true, inSegment: true, tags: map[string]bool{}, profile: map[string]any{},
			prefs: map[[2]string]bool{}, devices: map[string]*modelDevice{}}
		for k := range 2 {
			mu.devices[fmt.Sprintf("%s-i%d", id, k)] = &modelDevice{token: fmt.Sprintf("%s-t%d", id, k), permitted: k == 0}
		}
		m.users = append(m.users, mu)
	}
	return m
}

// pick returns a few of the client's user indexes, maybe repeated.
func (m *soakClient) pick(max int) []int {
	n := 1 + m.rng.IntN(max)
	out := make([]int, n)
	for i := range out {
		out[i] = m.rng.IntN(len(m.users))
	}
	return out
}

func (m *soakClient) ids(idx []int) []string {
	out := make([]string, len(idx))
	for i, u := range idx {
		out[i] = soakUser(m.id, u)
	}
	return out
}

// word is a small random value, so that writes often repeat and undo
// each other.
func (m *soakClient) word(prefix string) string { return fmt.Sprintf("%s%d", prefix, m.rng.IntN(4)) }

// send makes one request and returns its status and body.
func (m *soakClient) send(t *testing.T, method, path, body string) (int, []byte) {
	m.ops++
	target := path
	if !strings.HasPrefix(target, "http") {
		target = m.h.URL + path
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Errorf("client %d: %v", m.id, err)
		return 0, nil
	}
	req.Header.Set("X-netmera-api-key", testKey)
	req.Header.Set("X-netmera-os", "ANDROID")
	resp, err := m.h.client.Do(req)
	if err != nil {
		t.Errorf("client %d: %s %s: %v", m.id, method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// write sends a write that must succeed.
func (m *soakClient) write(t *testing.T, method, path, body string) {
	if status, b := m.send(t, method, path, body); status != http.StatusOK {
		t.Errorf("client %d: %s %s %s = %d %s, want 200", m.id, method, path, body, status, b)
	}
}

// step makes one random request and applies it to the model.
func (m *soakClient) step(t *testing.T) {
	switch op := m.rng.IntN(13); op {
	case 0, 1: // tagUsers, untagUsers
		tags := []string{m.word("tag")}
		if m.rng.IntN(3) == 0 {
			tags = append(tags, m.word("tag"))
		}
		idx := m.pick(4)
		path := "/rest/3.0/tagUsers"
		if op == 1 {
			path = "/rest/3.0/untagUsers"
		}
		m.write(t, http.MethodPost, path, `{"tag":`+jsonList(tags)+`,"extIds":`+jsonList(m.ids(idx))+`}`)
		for _, u := range idx {
			if mu := m.users[u]; mu.exists {
				for _, tag := range tags {
					if op == 0 {
						mu.tags[tag] = true
					} else {
						delete(mu.tags, tag)
					}
				}
			}
		}
	case 2: // setProfileAttributes
		idx := m.pick(3)
		var entries []string
		for _, u := range idx {
			name, age, cats := m.word("name"), m.rng.IntN(90), []string{m.word("c"), m.word("c")}
			entries = append(entries, fmt.Sprintf(`{"extId":%q,"profile":{"name":%q,"age":%d,"lastVisitedCategories":%s}}`, soakUser(m.id, u), name, age, jsonList(cats)))
			if mu := m.users[u]; mu.exists {
				mu.profile["name"], mu.profile["age"], mu.profile["lastVisitedCategories"] = name, age, cats
			}
		}
		m.write(t, http.MethodPost, "/rest/3.0/setProfileAttributes", "["+strings.Join(entries, ",")+"]")
	case 3: // unsetProfileAttributes
		u := m.rng.IntN(len(m.users))
		keys := []string{[]string{"name", "age", "lastVisitedCategories", "lastVisitedProducts"}[m.rng.IntN(4)]}
		m.write(t, http.MethodPost, "/rest/3.0/unsetProfileAttributes", fmt.Sprintf(`[{"extId":%q,"profile":%s}]`, soakUser(m.id, u), jsonList(keys)))
		if mu := m.users[u]; mu.exists {
			delete(mu.profile, keys[0])
		}
	case 4, 5: // pushProfileAttributes, pullProfileAttributes
		u := m.rng.IntN(len(m.users))
		values := []string{m.word("p"), m.word("p")}
		path := "/rest/3.0/pushProfileAttributes"
		if op == 5 {
			path = "/rest/3.0/pullProfileAttributes"
		}
		m.write(t, http.MethodPost, path, fmt.Sprintf(`[{"extId":%q,"profile":{"lastVisitedProducts":%s}}]`, soakUser(m.id, u), jsonList(values)))
		mu := m.users[u]
		if !mu.exists {
			break
		}
		old, had := mu.profile["lastVisitedProducts"].([]string)
		switch {
		case op == 4:
			list := slices.Clone(old)
			for _, v := range values {
				if !slices.Contains(list, v) {
					list = append(list, v)
				}
			}
			if list == nil {
				list = []string{}
			}
			mu.profile["lastVisitedProducts"] = list
		case had:
			mu.profile["lastVisitedProducts"] = slices.DeleteFunc(slices.Clone(old), func(v string) bool { return slices.Contains(values, v) })
		}
	case 6: // setCategoryPreferences
		u := m.rng.IntN(len(m.users))
		cat, enable := soakCategories[m.rng.IntN(2)], m.rng.IntN(2) == 0
		channels := soakChannels
		entry := fmt.Sprintf(`{"extId":%q,"category":%q,"enable":%v}`, soakUser(m.id, u), cat, enable)
		if m.rng.IntN(2) == 0 {
			ch := soakChannels[m.rng.IntN(3)]
			channels = []string{ch}
			entry = fmt.Sprintf(`{"extId":%q,"category":%q,"channel":%q,"enable":%v}`, soakUser(m.id, u), cat, ch, enable)
		}
		m.write(t, http.MethodPost, "/rest/3.0/setCategoryPreferences", "["+entry+"]")
		if mu := m.users[u]; mu.exists {
			for _, ch := range channels {
				mu.prefs[[2]string{cat, ch}] = enable
			}
		}
	case 7: // enablePush, disablePush: by user or by token
		u := m.rng.IntN(len(m.users))
		mu, enable := m.users[u], m.rng.IntN(2) == 0
		path := "/rest/3.0/disablePush"
		if enable {
			path = "/rest/3.0/enablePush"
		}
		if iid := m.anyDevice(mu); iid != "" && m.rng.IntN(2) == 0 {
			m.write(t, http.MethodPost, path, fmt.Sprintf(`{"deviceToken":%q}`, mu.devices[iid].token))
			mu.devices[iid].permitted = enable
			break
		}
		m.write(t, http.MethodPost, path, fmt.Sprintf(`{"extId":%q}`, soakUser(m.id, u)))
		if mu.exists {
			for _, dv := range mu.devices {
				dv.permitted = enable
			}
		}
	case 8: // deleteUsersPermanently, of users that exist
		var idx []int
		for _, u := range m.pick(2) {
			if m.users[u].exists {
				idx = append(idx, u)
			}
		}
		if len(idx) == 0 {
			break
		}
		m.write(t, http.MethodPost, "/rest/3.0/deleteUsersPermanently", `{"extIds":`+jsonList(m.ids(idx))+`}`)
		for _, u := range idx {
			m.users[u] = &modelUser{tags: map[string]bool{}, profile: map[string]any{}, prefs: map[[2]string]bool{}, devices: map[string]*modelDevice{}}
		}
	case 9: // the control API puts a user whole
		u := m.rng.IntN(len(m.users))
		mu := m.users[u]
		tags, name := []string{m.word("tag")}, m.word("name")
		m.write(t, http.MethodPost, "/_mock/users", fmt.Sprintf(`{"extId":%q,"tags":%s,"profile":{"name":%q},"categories":[{"category":"Promotion","channel":"SMS","enabled":false}]}`,
			soakUser(m.id, u), jsonList(tags), name))
		if !mu.exists {
			mu.exists = true // a new user: no devices, in no segment
		}
		mu.tags = map[string]bool{tags[0]: true}
		mu.profile = map[string]any{"name": name}
		mu.prefs = map[[2]string]bool{{"Promotion", "SMS"}: false}
	case 10: // the control API puts a device: a new one, or an update of one
		u := m.rng.IntN(len(m.users))
		mu := m.users[u]
		if !mu.exists {
			break
		}
		iid := m.anyDevice(mu)
		if iid == "" || m.rng.IntN(2) == 0 {
			iid = fmt.Sprintf("%s-n%d", soakUser(m.id, u), m.devSeq)
		}
		m.devSeq++
		token, permitted := fmt.Sprintf("%s-nt%d", soakUser(m.id, u), m.devSeq), m.rng.IntN(2) == 0
		m.write(t, http.MethodPost, "/_mock/devices", fmt.Sprintf(`{"installationId":%q,"extId":%q,"platform":"IOS","token":%q,"pushPermitted":%v}`,
			iid, soakUser(m.id, u), token, permitted))
		mu.devices[iid] = &modelDevice{token: token, permitted: permitted}
	case 11:
		m.walkTokens(t)
	case 12:
		m.walkSegment(t)
	}
}

// anyDevice returns one of the user's installation IDs, or "".
func (m *soakClient) anyDevice(mu *modelUser) string {
	if len(mu.devices) == 0 {
		return ""
	}
	ids := make([]string, 0, len(mu.devices))
	for id := range mu.devices {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids[m.rng.IntN(len(ids))]
}

// walkTokens follows getDeviceTokens' nextPage to the end while the other
// clients write: every device of this client (which nobody else touches)
// comes exactly once, and no token comes twice.
func (m *soakClient) walkTokens(t *testing.T) {
	want := map[string]bool{}
	for _, mu := range m.users {
		for _, dv := range mu.devices {
			want[dv.token] = true
		}
	}
	seen := map[string]int{}
	next := fmt.Sprintf("/rest/3.0/getDeviceTokens?max=%d", 5+m.rng.IntN(20))
	for pages := 0; next != ""; pages++ {
		status, b := m.send(t, http.MethodGet, next, "")
		var page struct {
			NextPage string `json:"nextPage"`
			Devices  []struct {
				Token string `json:"deviceToken"`
			} `json:"devices"`
		}
		if status != http.StatusOK || json.Unmarshal(b, &page) != nil || pages > 10000 {
			t.Errorf("client %d: GET %s = %d %.200s, want a page", m.id, next, status, b)
			return
		}
		for _, d := range page.Devices {
			seen[d.Token]++
		}
		next = page.NextPage
	}
	for tok, n := range seen {
		if n > 1 {
			t.Errorf("client %d: a getDeviceTokens walk returned %s %d times", m.id, tok, n)
		}
	}
	for tok := range want {
		if seen[tok] != 1 {
			t.Errorf("client %d: a getDeviceTokens walk returned its device %s %d times, want once", m.id, tok, seen[tok])
		}
	}
}

// walkSegment follows getSegmentUsers' nextPage through the segment every
// user started in: this client's users still in it come exactly once.
func (m *soakClient) walkSegment(t *testing.T) {
	seen := map[string]int{}
	next := fmt.Sprintf("/rest/3.0/getSegmentUsers?id=%d&max=100", soakSegment)
	for pages := 0; next != ""; pages++ {
		status, b := m.send(t, http.MethodGet, next, "")
		var page struct {
			NextPage string `json:"nextPage"`
			List     []struct {
				ExternalID string `json:"externalId"`
			} `json:"list"`
		}
		if status != http.StatusOK || json.Unmarshal(b, &page) != nil || pages > 10000 {
			t.Errorf("client %d: GET %s = %d %.200s, want a page", m.id, next, status, b)
			return
		}
		for _, u := range page.List {
			seen[u.ExternalID]++
		}
		next = page.NextPage
	}
	for u, mu := range m.users {
		id, want := soakUser(m.id, u), 0
		if mu.inSegment && mu.exists {
			want = 1
		}
		if seen[id] != want {
			t.Errorf("client %d: a getSegmentUsers walk returned %s %d times, want %d", m.id, id, seen[id], want)
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("client %d: a getSegmentUsers walk returned %s %d times", m.id, id, n)
		}
	}
}

// compareSoak checks the fake's state against every client's model.
func compareSoak(t *testing.T, h *harness, models []*soakClient, epoch int) {
	t.Helper()
	tn, err := h.Store.Lookup(testKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.Verify(); err != nil {
		t.Fatalf("epoch %d: the tenant is inconsistent: %v", epoch, err)
	}
	d := h.MustDataset(t, testKey)
	got := map[string]string{}
	for _, u := range d.Users {
		got[u.ExtID] = describeUser(u.Tags, u.Profile, u.Categories)
	}
	devices := map[string][]string{}
	for _, dv := range d.Devices {
		devices[dv.ExtID] = append(devices[dv.ExtID], fmt.Sprintf("%s %s %v", dv.InstallationID, dv.Token, dv.PushPermitted))
	}
	members := map[string]bool{}
	for _, s := range d.Segments {
		if s.ID == soakSegment {
			for _, id := range s.Members {
				members[id] = true
			}
		}
	}
	for _, m := range models {
		for u, mu := range m.users {
			id := soakUser(m.id, u)
			want, wantDevices := "", []string(nil)
			if mu.exists {
				var prefs []state.CategoryPref
				for k, on := range mu.prefs {
					prefs = append(prefs, state.CategoryPref{Category: k[0], Channel: k[1], Enabled: on})
				}
				want = describeUser(sortedSet(mu.tags), mu.profile, prefs)
				for iid, dv := range mu.devices {
					wantDevices = append(wantDevices, fmt.Sprintf("%s %s %v", iid, dv.token, dv.permitted))
				}
			}
			if diff := cmp.Diff(want, got[id]); diff != "" {
				t.Errorf("epoch %d: user %s differs from client %d's model (-model +fake):\n%s", epoch, id, m.id, diff)
			}
			slices.Sort(wantDevices)
			slices.Sort(devices[id])
			if diff := cmp.Diff(wantDevices, devices[id]); diff != "" {
				t.Errorf("epoch %d: devices of %s differ from client %d's model (-model +fake):\n%s", epoch, id, m.id, diff)
			}
			if inSeg := mu.exists && mu.inSegment; members[id] != inSeg {
				t.Errorf("epoch %d: %s in the segment: %v, model says %v", epoch, id, members[id], inSeg)
			}
		}
	}
}

// describeUser is a user's tags, profile and preferences as one
// comparable text; numbers and lists are compared as JSON.
func describeUser(tags []string, profile map[string]any, prefs []state.CategoryPref) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tags %q\n", tags)
	keys := make([]string, 0, len(profile))
	for k := range profile {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(profile[k])
		fmt.Fprintf(&b, "%s = %s\n", k, v)
	}
	sort.Slice(prefs, func(i, j int) bool {
		return prefs[i].Category+" "+prefs[i].Channel < prefs[j].Category+" "+prefs[j].Channel
	})
	for _, p := range prefs {
		fmt.Fprintf(&b, "pref %s %s %v\n", p.Category, p.Channel, p.Enabled)
	}
	return b.String()
}

func sortedSet(set map[string]bool) []string {
	out := []string{}
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
