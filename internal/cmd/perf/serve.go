package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"

	"github.com/netmera-mock/netmera-mock/fixtures"
	"github.com/netmera-mock/netmera-mock/mockserver"
	"github.com/netmera-mock/netmera-mock/state"
)

const apiKey = "perf-key"

// serveBoth is the child: the fake and the bare handler, each over its own
// tenant seeded alike, on two loopback listeners whose addresses it prints.
func serveBoth(users int) error {
	seeder, err := fixtures.NewSeeder(fixtures.Options{Seed: 1, Users: users})
	if err != nil {
		return err
	}
	fakeStore, err := state.NewStore(seeder.SeedFunc(), state.Settings{}, apiKey)
	if err != nil {
		return err
	}
	bareStore, err := state.NewStore(seeder.SeedFunc(), state.Settings{}, apiKey)
	if err != nil {
		return err
	}
	fake, err := mockserver.New(fakeStore, mockserver.Options{
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)), // the default level, as the command runs
		Seeder: seeder.Reseed,
	})
	if err != nil {
		return err
	}
	t, _ := bareStore.Tenant(apiKey)
	bareLn, err := listen()
	if err != nil {
		return err
	}
	fakeLn, err := listen()
	if err != nil {
		return err
	}
	fmt.Println(bareLn.Addr(), fakeLn.Addr())
	errc := make(chan error, 2)
	go func() { errc <- http.Serve(bareLn, bare{t}) }()
	go func() { errc <- http.Serve(fakeLn, fake) }()
	return <-errc
}

// bare is the ceiling: a hand-written handler doing the same state work as
// the fake for the measured endpoints, and nothing else (no key check, no
// validation, no journal, no fault rules).
type bare struct{ t *state.Tenant }

func (b bare) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/rest/3.0/tagUsers":
		var req struct {
			Tag    string   `json:"tag"`
			ExtIDs []string `json:"extIds"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := b.t.TagUsers([]string{req.Tag}, req.ExtIDs); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/rest/3.0/getProfileAttributes":
		extID := r.URL.Query().Get("extId")
		profile, _ := b.t.ProfileAttributes(extID, "")
		writeJSON(w, struct {
			ExtID   string         `json:"extId"`
			Profile map[string]any `json:"profile"`
		}{extID, profile})
	case "/rest/3.0/getDeviceTokens":
		q := r.URL.Query()
		size, _ := strconv.Atoi(q.Get("max"))
		offset, _ := strconv.Atoi(q.Get("offset"))
		page, next, total, more := b.t.DeviceTokensFrom(offset, size)
		type entry struct {
			InstallationID string `json:"installationId,omitempty"`
			Platform       string `json:"platform"`
			ExtID          string `json:"extId,omitempty"`
			DeviceToken    string `json:"deviceToken,omitempty"`
			Token          string `json:"token,omitempty"`
			DeviceModel    string `json:"deviceModel,omitempty"`
			PushPermitted  bool   `json:"pushPermitted"`
		}
		resp := struct {
			NextPage string  `json:"nextPage,omitempty"`
			Total    int     `json:"total"`
			Devices  []entry `json:"devices"`
		}{Total: total}
		for _, d := range page {
			resp.Devices = append(resp.Devices, entry{d.InstallationID, d.Platform, d.ExtID, d.Token, d.Token, d.DeviceModel, d.PushPermitted})
		}
		if more {
			resp.NextPage = "http://" + r.Host + r.URL.Path + "?offset=" + strconv.Itoa(next) + "&max=" + strconv.Itoa(size)
		}
		writeJSON(w, resp)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
