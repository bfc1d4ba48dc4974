package state

// SetPush opts devices in (enabled) or out of push: all the devices of the
// user with extID, or else the one device with token. extID wins when both
// are given; unknown IDs are a silent no-op.
func (t *Tenant) SetPush(extID, token string, enabled bool) error {
	t.lock()
	defer t.mu.Unlock()
	lim := t.settings.limits()
	if err := text("extId", extID, lim.IDLength); err != nil {
		return err
	}
	if err := text("deviceToken", token, lim.TokenLength); err != nil {
		return err
	}
	switch {
	case extID != "":
		if u := t.users[extID]; u != nil {
			for _, dv := range u.devices {
				dv.rec.PushPermitted = enabled
			}
		}
	case token != "":
		if dv := t.tokens[token]; dv != nil {
			dv.rec.PushPermitted = enabled
		}
	default:
		return ErrMissing("extId or deviceToken")
	}
	return nil
}

// Devices returns the installed devices of a user, only the push-permitted
// ones when onlyPermitted is set. An unknown user has none.
func (t *Tenant) Devices(extID string, onlyPermitted bool) []DeviceRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := []DeviceRecord{}
	u := t.users[extID]
	if u == nil {
		return out
	}
	for _, dv := range u.devices {
		if dv.rec.Uninstalled || (onlyPermitted && !dv.rec.PushPermitted) {
			continue
		}
		out = append(out, dv.rec.clone())
	}
	return out
}

// DeviceTokens returns a page of every installation (uninstalled and
// push-disabled ones included, those of untracked users left out) in a
// stable order, starting at rank offset, the total, and whether more
// follow. Ranks shift when devices before offset are removed: walks use
// DeviceTokensFrom. It costs O(log n + max) while no user with devices is
// untracked, O(offset + max) otherwise. A max of 0 or less gives an empty
// page; a negative offset counts as 0.
func (t *Tenant) DeviceTokens(offset, max int) (page []DeviceRecord, total int, more bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	total = t.devList.Len() - t.hidden
	max = clampPage(max, total)
	page = make([]DeviceRecord, 0, max)
	if t.hidden == 0 {
		more = t.devList.Page(offset, max, func(dv *device) { page = append(page, dv.rec.clone()) })
		return page, total, more
	}
	skip := offset
	t.devList.from(0, func(dv *device) bool {
		switch {
		case hiddenDevice(dv):
		case skip > 0:
			skip--
		case len(page) == max:
			more = true
			return false
		default:
			page = append(page, dv.rec.clone())
		}
		return true
	})
	return page, total, more
}

// DeviceTokensFrom returns a page of every installation (uninstalled and
// push-disabled ones included, those of untracked users left out) in a
// stable order, starting at the device numbered from, the number to
// resume from, the total, and whether more follow. Devices are numbered
// in the order they were added, from 0; the numbers are never reused. A
// walk that starts at 0 and resumes each page from next returns every
// device that exists (and is not left out) for the whole walk exactly
// once, whatever is removed or added meanwhile (added ones come at the
// end). Until the first removal a device's number is its rank, so from is
// then an ordinary offset. It costs O(log n + n), plus the devices of
// untracked users it steps over, whatever from is. An n of 0 or less
// gives an empty page; a negative from counts as 0.
func (t *Tenant) DeviceTokensFrom(from, n int) (page []DeviceRecord, next, total int, more bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	from = max(from, 0)
	total = t.devList.Len() - t.hidden
	if uint64(from) >= uint64(t.devList.nextSeq) {
		return []DeviceRecord{}, from, total, false
	}
	rank := t.devList.afterSeq(uint32(from))
	n = clampPage(n, total)
	page = make([]DeviceRecord, 0, n)
	next = from
	t.devList.from(rank, func(dv *device) bool {
		switch {
		case hiddenDevice(dv):
		case len(page) == n:
			more = true
			return false
		default:
			page = append(page, dv.rec.clone())
			next = int(t.devList.seqAt(dv.slot)) + 1
		}
		return true
	})
	return page, next, total, more
}

// DeviceByToken returns the device holding a push token.
func (t *Tenant) DeviceByToken(token string) (DeviceRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	dv := t.tokens[token]
	if dv == nil {
		return DeviceRecord{}, false
	}
	return dv.rec.clone(), true
}

// clone returns r with its own copy of what it points to, so that a
// caller's record and the tenant's never share a location.
func (r DeviceRecord) clone() DeviceRecord {
	if r.Location != nil {
		loc := *r.Location
		r.Location = &loc
	}
	return r
}

// clampPage bounds a requested page size to [0, n]: a negative size is an
// empty page, not a panic.
func clampPage(size, n int) int { return max(0, min(size, n)) }
