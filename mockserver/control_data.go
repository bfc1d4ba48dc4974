package mockserver

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/netmera-mock/netmera-mock/state"
)

// The control API's data endpoints: export and import, reset and seed,
// and records put as the SDK or the panel would.

func (s *Server) exportState(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, t.Export(), nil
}

// importState replaces the caller's tenant with the posted state, in the
// format GET /_mock/state exports: an export imported again exports the same.
func (s *Server) importState(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var d state.Dataset
	if err := s.decodeControl(r, &d); err != nil {
		return 0, nil, err
	}
	if err := r.Context().Err(); err != nil {
		return 0, nil, err // the client left while its state was read: do not build it
	}
	before := t.Counts()
	if err := t.Replace(&d); err != nil {
		return 0, nil, err
	}
	s.released(before)
	return http.StatusOK, map[string]any{"status": "imported", "counts": t.Counts()}, nil
}

// resetParts names what POST /_mock/reset clears besides the data, as
// ?keep= names them to leave them alone.
var resetParts = []string{"requests", "faults"}

// resetKeep reads ?keep=requests,faults (or keep given twice).
func resetKeep(q url.Values) (map[string]bool, error) {
	keep := map[string]bool{}
	for _, v := range q["keep"] {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if !slices.Contains(resetParts, part) {
				return nil, fmt.Errorf("keep names what a reset leaves alone: %s; not %q", strings.Join(resetParts, ", "), part)
			}
			keep[part] = true
		}
	}
	return keep, nil
}

// reset puts the caller's tenant, or every tenant with ?all=true, back to
// its seeded state, and clears its request journal and its fault rules
// unless ?keep= names them, as WireMock's reset clears everything.
// Resetting every tenant needs a configured key: a tenant that
// AcceptAnyKey let in must not reset the others.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("all") == "true" {
		if !s.store.Configured(r.Header.Get(apiKeyHeader)) {
			writeProblem(w, r, http.StatusForbidden, "Resetting every tenant needs a key given with -api-key in X-netmera-api-key.")
			return
		}
		keep, err := resetKeep(r.URL.Query())
		if err != nil {
			writeProblem(w, r, http.StatusBadRequest, err.Error())
			return
		}
		before := s.store.Total()
		if err := s.store.ResetAll(); err != nil {
			s.log.Error("reset failed", "err", err)
			writeProblem(w, r, http.StatusInternalServerError, "Resetting every tenant failed: "+err.Error())
			return
		}
		s.released(before)
		cleared := s.clearParts(keep, s.journal.ClearAll, s.faults.ClearAll)
		s.watch.changedAll()
		writeJSON(w, http.StatusOK, map[string]any{"status": "reset", "counts": s.store.Total(), "cleared": cleared})
		return
	}
	tenantControl(func(s *Server, r *http.Request, t *state.Tenant, id string) (int, any, error) {
		keep, err := resetKeep(r.URL.Query())
		if err != nil {
			return 0, nil, err
		}
		before := t.Counts()
		if err := s.store.Reset(r.Header.Get(apiKeyHeader)); err != nil {
			return 0, nil, err
		}
		s.released(before)
		cleared := s.clearParts(keep, func() int { return s.journal.Clear(id) }, func() int { return s.faults.Clear(id) })
		return http.StatusOK, map[string]any{"status": "reset", "counts": t.Counts(), "cleared": cleared}, nil
	})(s, w, r)
}

// clearParts clears the journal and the fault rules through the given
// functions unless keep names them, and says how many entries and rules
// went. A journal turned off has nothing to clear.
func (s *Server) clearParts(keep map[string]bool, requests, faults func() int) map[string]int {
	cleared := map[string]int{}
	if !keep["requests"] && s.journal != nil {
		cleared["requests"] = requests()
	}
	if !keep["faults"] {
		cleared["faults"] = faults()
	}
	return cleared
}

// bigTenant is the size from which replacing a tenant's state hands the
// old state's memory back to the system at once.
const bigTenant = 100_000

// released runs after a tenant's state was replaced whole; c counts the
// old state, now garbage. Left to the collector, a server that resets a
// million users a few times grows to several times the memory it needs
// before it shrinks again, which a memory-limited container does not
// survive. Small states are left to the collector.
// Concurrent calls start one goroutine, which frees once more if more
// states were dropped while it ran.
func (s *Server) released(c state.Counts) {
	if c.Users+c.Devices < bigTenant {
		return
	}
	for {
		cur := s.freeing.Load()
		if cur == 2 {
			return // a pass is already due after the running one
		}
		if s.freeing.CompareAndSwap(cur, cur+1) {
			if cur == 0 {
				go s.freeMemory()
			}
			return
		}
	}
}

func (s *Server) freeMemory() {
	for {
		debug.FreeOSMemory()
		if s.freeing.Add(-1) == 0 {
			return
		}
	}
}

// seed regenerates the caller's tenant from a new seed and sizes, which
// later resets return to.
func (s *Server) seed(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var req struct {
		Seed     int64 `json:"seed"`
		Users    *int  `json:"users"`
		Segments int   `json:"segments"`
		Messages int   `json:"messages"`
	}
	if err := s.decodeControl(r, &req); err != nil {
		return 0, nil, err
	}
	spec := SeedSpec{Seed: req.Seed, Users: DefaultSeedUsers, Segments: req.Segments, Messages: req.Messages}
	if req.Users != nil {
		spec.Users = *req.Users
	}
	if spec.Users < 0 || spec.Users > s.opts.MaxSeedUsers { // named as the body names it
		return 0, nil, fmt.Errorf("users must be between 0 and %d (-max-seed-users, Options.MaxSeedUsers)", s.opts.MaxSeedUsers)
	}
	if s.opts.Seeder == nil {
		return 0, nil, notImplementedError("this server has no seeder: it was made without mockserver.Options.Seeder")
	}
	if err := r.Context().Err(); err != nil {
		return 0, nil, err // the client left: do not generate its data
	}
	before := t.Counts()
	if err := s.store.Reseed(r.Header.Get(apiKeyHeader), s.opts.Seeder(spec)); err != nil {
		return 0, nil, err
	}
	s.released(before)
	return http.StatusOK, map[string]any{"status": "seeded", "seed": spec, "counts": t.Counts()}, nil
}

func (s *Server) putUser(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var u state.UserRecord
	if err := s.decodeControl(r, &u); err != nil {
		return 0, nil, err
	}
	if err := t.PutUser(u); err != nil {
		return 0, nil, err
	}
	stored, _ := t.User(u.ExtID)
	return http.StatusOK, stored, nil
}

// userView is GET /_mock/users: the user, and, when it was found by an
// address other users share, their external IDs.
type userView struct {
	state.UserDetail
	SameAddress []string `json:"sameAddress,omitempty"`
}

// getUser shows one user, found by exactly one of extId, token (a device's
// push token), email or msisdn, each an index lookup. The key is a query
// parameter, not a path segment: IDs may hold "/" or be "..", which a path
// would not carry.
func (s *Server) getUser(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	q := r.URL.Query()
	var by, value string
	for _, name := range []string{"extId", "token", "email", "msisdn"} {
		if v := q.Get(name); v != "" {
			if by != "" {
				return 0, nil, fmt.Errorf("give one of extId, token, email and msisdn, not %s and %s", by, name)
			}
			by, value = name, v
		}
	}
	var id string
	var others []string
	switch by {
	case "":
		return 0, nil, errors.New("extId, token, email or msisdn is required: GET /_mock/users?extId=…")
	case "extId":
		id = value
	case "token":
		d, ok := t.DeviceByToken(value)
		if !ok {
			return 0, nil, notFound(fmt.Sprintf("no device has the token %q", value))
		}
		if d.ExtID == "" {
			return 0, nil, notFound(fmt.Sprintf("the device with the token %q (installation %q) belongs to no user", value, d.InstallationID))
		}
		id = d.ExtID
	default:
		attr := state.AttrEmail
		if by == "msisdn" {
			attr = state.AttrMsisdn
		}
		ids := t.UsersWithAddress(attr, value)
		if len(ids) == 0 {
			return 0, nil, notFound(fmt.Sprintf("no user has the %s %q", by, value))
		}
		slices.Sort(ids)
		id, others = ids[0], ids[1:]
	}
	d, ok := t.UserDetail(id)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no user %q", id))
	}
	return http.StatusOK, userView{UserDetail: d, SameAddress: others}, nil
}

// getContact is GET /_mock/contacts?email=… (or ?msisdn=…): the contact
// addEmail or addMsisdn made of an address no user has.
func (s *Server) getContact(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	q := r.URL.Query()
	key, address := state.AttrEmail, q.Get("email")
	if m := q.Get("msisdn"); m != "" {
		key, address = state.AttrMsisdn, m
	}
	if address == "" || (q.Get("email") != "" && q.Get("msisdn") != "") {
		return 0, nil, errors.New("one of email and msisdn is required: GET /_mock/contacts?email=… or ?msisdn=…")
	}
	c, ok := t.Contact(key, address)
	if !ok {
		return 0, nil, notFound(fmt.Sprintf("no contact with %s %q", key, address))
	}
	return http.StatusOK, c, nil
}

func (s *Server) putDevice(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var d state.DeviceRecord
	if err := s.decodeControl(r, &d); err != nil {
		return 0, nil, err
	}
	stored, err := t.PutDevice(d)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

func (s *Server) putSegment(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var seg state.SegmentRecord
	if err := s.decodeControl(r, &seg); err != nil {
		return 0, nil, err
	}
	id, err := t.PutSegment(seg)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int64{"id": id}, nil
}

func (s *Server) defineAttribute(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var a state.AttributeDef
	if err := s.decodeControl(r, &a); err != nil {
		return 0, nil, err
	}
	if err := t.DefineAttribute(a); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *Server) defineCategory(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var c state.Category
	if err := s.decodeControl(r, &c); err != nil {
		return 0, nil, err
	}
	stored, err := t.DefineCategory(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

func (s *Server) createMessage(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var m state.MessageRecord
	if err := s.decodeControl(r, &m); err != nil {
		return 0, nil, err
	}
	stored, err := t.CreateMessage(m)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

// registrationsView is GET /_mock/registrations: the tenant's
// registration delay and the registerUsers requests waiting for it.
type registrationsView struct {
	Delay   string                       `json:"delay"`
	DelayMS int64                        `json:"delayMs"`
	Pending []state.PendingRegistrations `json:"pending"`
}

func registrations(t *state.Tenant) registrationsView {
	d := t.RegisterDelay()
	return registrationsView{Delay: d.String(), DelayMS: d.Milliseconds(), Pending: t.PendingRegistrations()}
}

func (s *Server) listRegistrations(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, registrations(t), nil
}

// setRegistrationDelay sets the tenant's registration delay from
// {"delayMs": 2000}, until the tenant is reset.
func (s *Server) setRegistrationDelay(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var req struct {
		DelayMS *int64 `json:"delayMs"`
	}
	if err := s.decodeControl(r, &req); err != nil {
		return 0, nil, err
	}
	if req.DelayMS == nil || *req.DelayMS < 0 || *req.DelayMS > maxRegisterDelay.Milliseconds() {
		return 0, nil, fmt.Errorf("delayMs is required: the registration delay in milliseconds, from 0 to %d", maxRegisterDelay.Milliseconds())
	}
	t.SetRegisterDelay(time.Duration(*req.DelayMS) * time.Millisecond)
	return http.StatusOK, registrations(t), nil
}

// maxRegisterDelay bounds a registration delay set through the control
// API: a day is longer than any test waits.
const maxRegisterDelay = 24 * time.Hour

// applyRegistrations applies every waiting registerUsers request now.
func (s *Server) applyRegistrations(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	n := t.ApplyRegistrations()
	return http.StatusOK, map[string]int{"applied": n}, nil
}

// defineEvent defines a custom event (or a standard one with
// "standard": true), or replaces the definition of the same name.
func (s *Server) defineEvent(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	var def state.EventDefinition
	if err := s.decodeControl(r, &def); err != nil {
		return 0, nil, err
	}
	stored, err := t.DefineEvent(def)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, stored, nil
}

// firedEvents is GET /_mock/events.
type firedEvents struct {
	Count  int                 `json:"count"`
	Events []state.EventRecord `json:"events"`
}

// listFiredEvents lists the events users fired, newest first, of one
// user (extId) and one event (name) when given, at most limit.
func (s *Server) listFiredEvents(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	q := r.URL.Query()
	f := state.EventFilter{ExtID: q.Get("extId"), Name: q.Get("name")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, nil, fmt.Errorf("limit must be a positive integer, not %q", v)
		}
		f.Limit = n
	}
	events := t.Events(f)
	return http.StatusOK, firedEvents{Count: len(events), Events: events}, nil
}

func (s *Server) listGeofences(r *http.Request, t *state.Tenant, _ string) (int, any, error) {
	return http.StatusOK, map[string][]state.GeofenceRecord{"geofences": t.Geofences()}, nil
}
