package state

import "slices"

// A send is resolved once, when it starts: every user its target names is
// checked against the message's filters, in this order, and either gets
// deliveries or is recorded as excluded with the first reason that
// applies:
//
//  1. the target's conditions (a user named by ID who fails them is
//     NOT_TARGETED); untracked users are UNTRACKED;
//  2. push: an opt-out of one of the message's categories on PUSH
//     (CATEGORY_OPTED_OUT); no installed device (NO_DEVICE); then per
//     device: UNINSTALLED, PLATFORM_FILTERED, NO_TOKEN,
//     NO_PUSH_PERMISSION, OUT_OF_AREA (location targets); of the devices
//     left, lastActiveDevice keeps one (NOT_LAST_ACTIVE); past the
//     message's user limit, or its platform's, LIMIT;
//  3. email and SMS: no address, no permission, a category opt-out on
//     the channel.
//
// Each device reached gets one result: SUCCESS, or FAILED with
// INVALID_TOKEN for a token marked invalid. Results are then planned
// into packages (see plan) and released as the tenant's clock reaches
// them.

// resolver works out who one notification reaches. Its scratch and
// output belong to the goroutine resolving; commit moves the output into
// the notification under the write lock.
type resolver struct {
	n *notification
	c *content
	m *matcher

	push       [numPlats]bool
	anyPush    bool
	email, sms bool
	lastActive bool
	params     map[string]any

	reached, iosReached, androidReached int // users reached, for limits

	// Indexes into n.texts of the unpersonalized texts, per platform
	// class (see class).
	common [4]int32
	// The current user's personalized texts, as -(i+1) into local.
	cacheUser *user
	cache     [4]int32

	out   []result
	excl  []exclusion
	local []rendered
	cands []*device
}

// Text classes: a delivery's title may depend on its platform.
const (
	classDefault = iota
	classIOS
	classAndroid
	classEmail
)

func class(plat uint8) int {
	switch {
	case plat == 0:
		return classIOS
	case plat == 1:
		return classAndroid
	case plat == platEmail:
		return classEmail
	}
	return classDefault
}

// newResolver prepares the resolution of n; the caller holds the write
// lock (the common texts are stored in n).
func newResolver(n *notification) *resolver {
	r := &resolver{n: n, c: n.content, m: n.match, lastActive: n.lastActive, params: n.params}
	for _, p := range n.content.Platforms {
		if i, ok := platIndex(p); ok {
			switch i {
			case platEmail:
				r.email = true
			case platSMS:
				r.sms = true
			default:
				r.push[i], r.anyPush = true, true
			}
		}
	}
	if len(n.texts) == 0 {
		for cl := range r.common {
			n.texts = append(n.texts, r.variant(r.base(), cl))
		}
	}
	for cl := range r.common {
		r.common[cl] = int32(cl)
	}
	return r
}

// base is the message's default texts.
func (r *resolver) base() rendered {
	return rendered{title: r.c.Title, text: r.c.Text}
}

// variant is base as delivered to a platform class: the platform's own
// title, or for email the subject.
func (r *resolver) variant(b rendered, cl int) rendered {
	switch {
	case cl == classIOS && r.c.IOSTitle != "":
		b.title = r.c.IOSTitle
	case cl == classAndroid && r.c.AndroidTitle != "":
		b.title = r.c.AndroidTitle
	case cl == classEmail && r.c.Subject != "":
		b.title = r.c.Subject
	}
	return b
}

// textFor returns the text index of a delivery to u (nil for a device of
// nobody) on plat: the common texts, or u's own when the message is
// personalized. A field whose placeholders u cannot fill falls back to
// the default text, as the documentation says of users missing an
// attribute.
func (r *resolver) textFor(u *user, plat uint8) int32 {
	cl := class(plat)
	if !r.c.personalized {
		return r.common[cl]
	}
	if r.cacheUser != u || u == nil {
		r.cacheUser = u
		r.cache = [4]int32{-1, -1, -1, -1}
	}
	if r.cache[cl] != -1 {
		return r.cache[cl]
	}
	look := func(name string) (string, bool) {
		if v, ok := r.params[name]; ok {
			return valueText(v)
		}
		if u != nil {
			if v, ok := u.profile.get(name); ok {
				return valueText(v)
			}
		}
		return "", false
	}
	b := r.base()
	if s, ok := fill(r.c.PersonalizedTitle, look); ok && r.c.PersonalizedTitle != "" {
		b.title = s
	}
	if s, ok := fill(r.c.PersonalizedMessage, look); ok && r.c.PersonalizedMessage != "" {
		b.text = s
	}
	if s, ok := fill(r.c.PersonalizedSubText, look); ok {
		b.subText = s
	}
	v := r.variant(b, cl)
	if v == r.variant(r.base(), cl) {
		r.cache[cl] = r.common[cl]
	} else {
		r.local = append(r.local, v)
		r.cache[cl] = -int32(len(r.local))
	}
	return r.cache[cl]
}

// visit resolves one user; only, when set, restricts push to that device
// (a target by token or installation ID). named says the target named the
// user by identifier, so that failing its conditions is recorded.
func (r *resolver) visit(u *user, only *device, named bool) {
	if !r.m.user(u) {
		if named {
			r.excludeUser(u, ReasonNotTargeted)
		}
		return
	}
	if u.untracked {
		r.excludeUser(u, ReasonUntracked)
		return
	}
	if r.anyPush {
		r.pushTo(u, only)
	}
	if r.email {
		r.channelTo(u, AttrEmail, platEmail, "EMAIL", u.emailOK, ReasonNoEmail, ReasonNoEmailPerm)
	}
	if r.sms {
		r.channelTo(u, AttrMsisdn, platSMS, "SMS", u.smsOK, ReasonNoMsisdn, ReasonNoSmsPerm)
	}
}

// visitAnonymous resolves a device linked to no user, named by token or
// installation ID: only the device's own filters apply, and a target with
// user conditions does not match it.
func (r *resolver) visitAnonymous(dv *device) {
	if len(r.m.profile) > 0 || r.m.tag != nil || r.m.seg != nil {
		r.excludeDevice(nil, dv, ReasonNotTargeted)
		return
	}
	if !r.anyPush {
		r.excludeDevice(nil, dv, ReasonPlatform)
		return
	}
	if dv.rec.Uninstalled {
		r.excludeDevice(nil, dv, ReasonUninstalled)
		return
	}
	if reason := r.deviceReason(dv); reason != "" {
		r.excludeDevice(nil, dv, reason)
		return
	}
	r.deliver(nil, dv)
}

func (r *resolver) pushTo(u *user, only *device) {
	if r.optedOut(u, "PUSH") {
		r.excludeUser(u, ReasonCategoryOptedOut)
		return
	}
	devs := u.devices
	if only != nil {
		devs = []*device{only}
	}
	cands := r.cands[:0]
	installed := 0
	for _, dv := range devs {
		if dv.rec.Uninstalled {
			r.excludeDevice(u, dv, ReasonUninstalled)
			continue
		}
		installed++
		if reason := r.deviceReason(dv); reason != "" {
			r.excludeDevice(u, dv, reason)
			continue
		}
		cands = append(cands, dv)
	}
	r.cands = cands
	if installed == 0 && only == nil {
		r.excludeUser(u, ReasonNoDevice)
		return
	}
	if r.lastActive && len(cands) > 1 {
		best := cands[0]
		for _, dv := range cands[1:] {
			if dv.rec.LastActive >= best.rec.LastActive { // later registered wins ties
				best = dv
			}
		}
		for _, dv := range cands {
			if dv != best {
				r.excludeDevice(u, dv, ReasonNotLastActive)
			}
		}
		cands = append(cands[:0], best)
	}
	if len(cands) == 0 {
		return
	}
	if r.c.Limit > 0 && r.reached >= r.c.Limit {
		for _, dv := range cands {
			r.excludeDevice(u, dv, ReasonLimit)
		}
		return
	}
	ios, android := false, false
	kept := cands[:0]
	for _, dv := range cands {
		switch dv.rec.Platform {
		case PlatformIOS:
			if r.c.IOSLimit > 0 && r.iosReached >= r.c.IOSLimit {
				r.excludeDevice(u, dv, ReasonLimit)
				continue
			}
			ios = true
		case PlatformAndroid:
			if r.c.AndroidLimit > 0 && r.androidReached >= r.c.AndroidLimit {
				r.excludeDevice(u, dv, ReasonLimit)
				continue
			}
			android = true
		}
		kept = append(kept, dv)
	}
	if len(kept) == 0 {
		return
	}
	r.reached++
	if ios {
		r.iosReached++
	}
	if android {
		r.androidReached++
	}
	for _, dv := range kept {
		r.deliver(u, dv)
	}
}

// deviceReason is why an installed device gets no push, or "".
func (r *resolver) deviceReason(dv *device) string {
	p, _ := platIndex(dv.rec.Platform)
	switch {
	case !r.push[p]:
		return ReasonPlatform
	case dv.rec.Token == "":
		return ReasonNoToken
	case !dv.rec.PushPermitted:
		return ReasonNoPushPermission
	case r.m.loc != nil && !r.m.inArea(dv):
		return ReasonOutOfArea
	}
	return ""
}

// channelTo resolves an email or SMS delivery to u's address under attr.
func (r *resolver) channelTo(u *user, attr string, plat uint8, channel string, permitted bool, noAddr, noPerm string) {
	v, _ := u.profile.get(attr)
	addr := stringOf(v)
	switch {
	case addr == "":
		r.excl = append(r.excl, exclusion{extID: u.extID, plat: plat, reason: reasonOf(noAddr)})
	case !permitted:
		r.excl = append(r.excl, exclusion{extID: u.extID, addr: addr, plat: plat, reason: reasonOf(noPerm)})
	case r.optedOut(u, channel):
		r.excl = append(r.excl, exclusion{extID: u.extID, addr: addr, plat: plat, reason: reasonOf(ReasonCategoryOptedOut)})
	default:
		r.out = append(r.out, result{extID: u.extID, token: addr, plat: plat, text: r.textFor(u, plat)})
	}
}

// optedOut reports whether u opted out of one of the message's categories
// on channel. A category never set counts as opted in.
func (r *resolver) optedOut(u *user, channel string) bool {
	for _, cat := range r.c.Categories {
		if on, set := u.cats.get(cat, channel); set && !on {
			return true
		}
	}
	return false
}

func (r *resolver) deliver(u *user, dv *device) {
	p, _ := platIndex(dv.rec.Platform)
	res := result{iid: dv.rec.InstallationID, token: dv.rec.Token, plat: p, failed: dv.rec.InvalidToken, text: r.textFor(u, p)}
	if u != nil {
		res.extID = u.extID
	}
	r.out = append(r.out, res)
}

func (r *resolver) excludeUser(u *user, reason string) {
	r.excl = append(r.excl, exclusion{extID: u.extID, plat: numPlats, reason: reasonOf(reason)})
}

func (r *resolver) excludeDevice(u *user, dv *device, reason string) {
	p, _ := platIndex(dv.rec.Platform)
	x := exclusion{iid: dv.rec.InstallationID, addr: dv.rec.Token, plat: p, reason: reasonOf(reason)}
	if u != nil {
		x.extID = u.extID
	}
	r.excl = append(r.excl, x)
}

func reasonOf(r string) uint8 {
	i, ok := reasonIndex(r)
	if !ok {
		panic("state: unknown exclusion reason " + r)
	}
	return i
}

// resolve resolves a notification whose start has come; the caller has
// marked it resolving and holds no lock. A target naming recipients is
// resolved under the write lock (it names at most the ID limit); any
// other walks every user in chunks under the read lock, committing each
// chunk's deliveries under the write lock in between, so that other
// requests go on meanwhile.
func (t *Tenant) resolve(n *notification) {
	t.lock()
	if n.era != t.nt.era {
		t.mu.Unlock()
		return
	}
	r := newResolver(n)
	if n.target.direct() {
		t.resolveDirect(r)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.scanUsers(func(u *user) bool {
		r.visit(u, nil, false)
		return true
	}, func() bool {
		t.lock()
		defer t.mu.Unlock()
		if n.era != t.nt.era {
			return false
		}
		t.commit(r)
		return true
	})
	t.lock()
	if n.era == t.nt.era {
		t.commit(r)
		t.finish(n)
	}
	t.mu.Unlock()
}

// resolveDirect resolves a target naming its recipients; the caller holds
// the write lock. A user named several ways is resolved once, and a
// device named by token is skipped when its user was named whole.
func (t *Tenant) resolveDirect(r *resolver) {
	tg := r.n.target
	whole := map[*user]bool{}
	seenDev := map[*device]bool{}
	named := func(u *user) {
		if !whole[u] {
			whole[u] = true
			r.visit(u, nil, true)
		}
	}
	for _, id := range tg.ExtID {
		if u := t.users[id]; u != nil {
			named(u)
		} else {
			r.excl = append(r.excl, exclusion{extID: id, plat: numPlats, reason: reasonOf(ReasonUnknownUser)})
		}
	}
	device := func(dv *device, id string) {
		switch {
		case dv == nil:
			r.excl = append(r.excl, exclusion{addr: id, plat: numPlats, reason: reasonOf(ReasonUnknownToken)})
		case dv.owner != nil && whole[dv.owner], seenDev[dv]:
		case dv.owner == nil:
			seenDev[dv] = true
			r.visitAnonymous(dv)
		default:
			seenDev[dv] = true
			r.visit(dv.owner, dv, true)
		}
	}
	for _, a := range []struct {
		key   string
		addrs []string
	}{{AttrEmail, tg.Email}, {AttrMsisdn, tg.Msisdn}} {
		if len(a.addrs) == 0 {
			continue
		}
		index := t.addressIndex(a.key)
		for _, addr := range a.addrs {
			users := index[addr]
			if len(users) == 0 {
				r.excl = append(r.excl, exclusion{addr: addr, plat: numPlats, reason: reasonOf(ReasonUnknownAddress)})
			}
			for _, u := range slices.Clone(users) {
				named(u)
			}
		}
	}
	if len(tg.WpNumber) > 0 {
		index := t.whatsAppIndex()
		for _, wp := range tg.WpNumber {
			users := index[wp]
			if len(users) == 0 {
				r.excl = append(r.excl, exclusion{addr: wp, plat: numPlats, reason: reasonOf(ReasonUnknownAddress)})
			}
			for _, u := range slices.Clone(users) {
				named(u)
			}
		}
	}
	// Devices last, once every user named whole is known: a device whose
	// user was also named by ID or address is not visited twice.
	for _, tok := range tg.DeviceToken {
		device(t.tokens[tok], tok)
	}
	for _, iid := range tg.IID {
		device(t.installations()[iid], iid)
	}
	t.commit(r)
	t.finish(r.n)
}
