package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// failureLogEvery is how often the same save error is logged again while
// saves keep failing with it; each failure is still counted.
const failureLogEvery = time.Minute

// loadState loads -state-file into store, logs what it found, and
// forgets the kept tenants -forget-saved names.
func loadState(c *config, store *state.Store, log *slog.Logger) error {
	res, err := store.Load(c.stateFile)
	if err != nil {
		return err
	}
	log.Info("state file", "path", c.stateFile, "found", res.Found, "restored", res.Restored, "kept", res.Kept,
		"legacy_format", res.Legacy, "temp_files_removed", res.TempRemoved)
	if err := forgetSaved(c, store, log); err != nil {
		return err
	}
	kept := store.Kept()
	if len(kept) == 0 {
		return nil
	}
	ids := make([]string, len(kept))
	for i, k := range kept {
		ids[i] = k.ID
	}
	if c.anyKey {
		log.Info("saved apps wait for their keys: each is served again from the first request with its key",
			"count", len(kept), "ids", strings.Join(ids, ","))
		return nil
	}
	log.Warn("saved apps of keys that are not configured are kept in the state file but not served; "+
		"start with their key to serve them, or with -forget-saved ID to delete them",
		"count", len(kept), "ids", strings.Join(ids, ","))
	return nil
}

// forgetSaved drops the kept tenants -forget-saved names ("all": every
// one). An ID that names none is logged, not an error: the flag may stay
// set across restarts after its tenants are gone.
func forgetSaved(c *config, store *state.Store, log *slog.Logger) error {
	ids := c.forgetSaved
	if slices.Contains(ids, "all") {
		ids = nil
		for _, k := range store.Kept() {
			ids = append(ids, k.ID)
		}
	}
	for _, id := range ids {
		err := store.Forget(id)
		switch {
		case errors.Is(err, state.ErrNotKept):
			log.Warn("-forget-saved: no saved app with that ID is kept", "id", id)
		case err != nil:
			return fmt.Errorf("-forget-saved %s: %w", id, err)
		default:
			log.Warn("saved app forgotten: the next save drops it from the state file", "id", id)
		}
	}
	return nil
}

// saver saves the store to -state-file and logs how it went: every
// failure, but the same error again within quiet of its last log line is
// only counted, and said with the next line; and the first success after
// failures.
type saver struct {
	c     *config
	store *state.Store
	log   *slog.Logger
	quiet time.Duration

	mu         sync.Mutex
	failures   int       // in a row
	lastErr    string    // the last failure's text
	lastLogged time.Time // when a failure was last logged
	unlogged   int       // failures since then, not logged
}

// every saves every -save-interval while the server runs; the returned
// func stops it and waits for a save under way.
func (s *saver) every(ctx context.Context) (stop func()) {
	if s.c.stateFile == "" || s.c.saveInterval <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(s.c.saveInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = s.save(false) // logged by save
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// save saves now (final: even when nothing changed) and logs the outcome.
func (s *saver) save(final bool) error {
	if s.c.stateFile == "" {
		return nil
	}
	start := time.Now()
	res, err := s.store.Save(s.c.stateFile, final)
	s.report(start, time.Now(), res, err)
	return err
}

// report logs the outcome of a save that started at start and ended at
// now. A written save's line says how long it took: every write answered
// before it started is in the file.
func (s *saver) report(start, now time.Time, res state.SaveResult, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := s.c.stateFile
	if err == nil {
		if s.failures > 0 {
			s.log.Info("state saved again after failed saves", "path", path, "failures", s.failures,
				"tenants", res.Tenants, "bytes", res.Bytes, "written", res.Written, "duration", now.Sub(start))
		} else if res.Written {
			s.log.Info("state saved", "path", path, "tenants", res.Tenants, "bytes", res.Bytes, "duration", now.Sub(start))
		}
		s.failures, s.lastErr, s.unlogged = 0, "", 0
		return
	}
	s.failures++
	if msg := err.Error(); msg != s.lastErr || now.Sub(s.lastLogged) >= s.quiet {
		s.log.Error("saving state failed: writes since the last save are not in the file", "path", path,
			"err", err, "failures", s.failures, "not_logged", s.unlogged)
		s.lastErr, s.lastLogged, s.unlogged = msg, now, 0
		return
	}
	s.unlogged++
}
