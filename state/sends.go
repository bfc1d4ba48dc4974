package state

import (
	"encoding/json"
	"slices"
	"time"
)

// SendBulk accepts a sendBulkNotification request and returns the new
// notification's key. raw is the request as sent, kept in the capture.
//
// The request is checked whole before anything is kept: a missing message
// or target, an empty target (2020), an unknown platform, a malformed ttl,
// schedule or speed (2004), a web push without iconUrl (2020), a tag no
// user has (2009), an unknown segment (5042), a schedule in the past or an
// unknown category ID (2021), more unique IDs than the limit, or a live
// activity group already active (2021). A send with no schedule (or one
// due now) is resolved before SendBulk returns; one scheduled later, or
// waiting for approval (req.AwaitApproval, Settings.RequireApproval),
// when its time comes (see ProcessDue).
func (t *Tenant) SendBulk(req BulkSend, raw []byte) (int64, error) {
	if req.Message == nil {
		return 0, ErrMissing("message")
	}
	msg := *req.Message
	if req.Target == nil {
		return 0, ErrMissing("target")
	}
	if req.Target.empty() {
		return 0, Invalidf(CodeMissingParameter, "target must not be empty (sendToAll: true reaches everyone)")
	}
	kind := KindBulk
	switch req.Type {
	case "":
	case TypeLiveActivity:
		kind = KindLiveActivity
	default:
		return 0, Invalidf(CodeTypeMismatch, "Field 'type' should be %s", TypeLiveActivity)
	}
	sched, speed := req.Schedule, req.Speed
	if sched == nil {
		sched = msg.Schedule
	}
	if speed == nil {
		speed = msg.Speed
	}
	if speed != nil && (speed.IntervalMins < 0 || speed.PackageSize < 0) {
		return 0, Invalidf(CodeTypeMismatch, "Field 'speed' should hold positive intervalMins and packageSize")
	}
	ttl, err := parseTTL(msg.TTL)
	if err != nil {
		return 0, err
	}
	group, err := liveGroup(kind, msg)
	if err != nil {
		return 0, err
	}
	if err := idsOf(req.Target).check(t.Settings()); err != nil {
		return 0, err
	}

	t.mu.RLock()
	c, err := t.bulkContent(msg)
	var m *matcher
	if err == nil {
		m, err = t.compile(req.Target, compileOpts{strictSegments: true})
	}
	zone := t.nt.zone
	t.mu.RUnlock()
	if err != nil {
		return 0, err
	}
	var start int64
	if sched != nil && sched.StartTime != "" {
		if start, err = parseStartTime(sched.StartTime, zone); err != nil {
			return 0, err
		}
	}
	var tags []string
	req.Target.Tag.leaves(func(tag string) { tags = append(tags, tag) })
	if tag, missing := t.missingTag(tags); missing {
		return 0, Invalidf(CodeInvalidJSON, "Tag '%s' does not exist", tag)
	}

	t.lock()
	now := t.now()
	if start == 0 {
		start = now
	} else if start < now {
		t.mu.Unlock()
		return 0, Invalidf(CodeInvalidConfig, "Schedule start time %s is in the past", fmtMillis(start, zone))
	}
	if la := t.nt.lives[group]; group != "" && la != nil && la.rec.Status == LiveActivityActive {
		t.mu.Unlock()
		return 0, Invalidf(CodeInvalidConfig, "Live activity group '%s' is already active", group)
	}
	if req.AwaitApproval || t.settings.RequireApproval {
		if _, ok := t.newMessageID(); !ok {
			t.mu.Unlock()
			return 0, Invalidf(CodeQuotaExceeded, "No message ID is left for a send awaiting approval")
		}
	}
	n := t.newNotification(kind, t.newKey(), raw, c, req.Target.clone())
	n.match, n.startAt, n.extRef, n.liveGroup = m, start, req.ExtRef, group
	if speed != nil && speed.IntervalMins > 0 && speed.PackageSize > 0 {
		n.speed = *speed
	}
	if ttl > 0 {
		n.expiresAt = start + ttl
	}
	immediate := false
	switch {
	case req.AwaitApproval || t.settings.RequireApproval:
		n.status = StatusWaitingApproval
	case start > now:
		n.status = StatusScheduled
	default:
		n.status, n.resolving, immediate = StatusSending, true, true
	}
	t.register(n)
	if n.status == StatusWaitingApproval {
		t.awaitApproval(n)
	} else if n.status == StatusScheduled {
		t.schedule(dueEvent{at: start, n: n, start: true})
	}
	if group != "" {
		t.startLiveActivity(n, msg)
	}
	t.mu.Unlock()
	if immediate {
		t.resolve(n)
	}
	return n.key, nil
}

// bulkContent checks a bulk message and normalizes it; the caller holds
// the lock.
func (t *Tenant) bulkContent(msg BulkMessage) (*content, error) {
	if err := checkPlatforms(msg.Platforms, false); err != nil {
		return nil, err
	}
	if msg.Title == "" {
		return nil, ErrMissing("title")
	}
	if msg.Text == "" {
		return nil, ErrMissing("text")
	}
	// The title and text are held to the limits of the message that stands
	// for a send awaiting approval, so that it loads again from the state
	// file.
	if err := t.settings.limits().message(&MessageRecord{Title: msg.Title, Text: msg.Text, Platforms: msg.Platforms}); err != nil {
		return nil, err
	}
	if msg.IconURL == "" && (slices.Contains(msg.Platforms, PlatformChrome) || slices.Contains(msg.Platforms, PlatformFirefox)) {
		return nil, Invalidf(CodeMissingParameter, "iconUrl is required when platforms include CHROME or FIREFOX")
	}
	if msg.Limit < 0 {
		return nil, Invalidf(CodeTypeMismatch, "Field 'limit' should be a positive integer")
	}
	cats, err := t.categoryNames(msg.Categories, false)
	if err != nil {
		return nil, err
	}
	m := MessageContent{Title: msg.Title, Text: msg.Text, PersonalizedTitle: msg.PersonalizedTitle,
		PersonalizedMessage: msg.PersonalizedMessage, Platforms: slices.Clone(msg.Platforms), Categories: cats,
		Labels: slices.Clone([]string(msg.Labels)), ThreadID: msg.ThreadID, Inbox: msg.Inbox, DoNotNotify: msg.DoNotNotify,
		Limit: msg.Limit, TTL: msg.TTL, CustomJSON: cloneRaw(msg.CustomJSON)}
	if msg.Click != nil {
		m.Deeplink = msg.Click.Deeplink
	}
	if msg.IOS != nil {
		m.IOSTitle, m.IOSLimit = msg.IOS.Title, msg.IOS.Limit
	}
	if msg.Android != nil {
		m.AndroidTitle, m.AndroidLimit = msg.Android.Title, msg.Android.Limit
	}
	return newContent(m), nil
}

// idsOf counts the identifiers a target names against the request limit.
func idsOf(tgs ...*Target) *idLimit {
	l := newIDLimit()
	for _, tg := range tgs {
		if tg == nil {
			continue
		}
		l.add(idExt, tg.ExtID...).add(idToken, tg.DeviceToken...).add(idEmail, tg.Email...).add(idMsisdn, tg.Msisdn...)
		l.add(idIID, tg.IID...).add(idWhatsApp, tg.WpNumber...)
	}
	return l
}

func fmtMillis(ms int64, zone *time.Location) string {
	return time.UnixMilli(ms).In(zone).Format("2006-01-02T15:04:05")
}

// SendTransactional accepts a sendNotification request: one element per
// send of a definition (a single object is a one-element slice). raw is
// the request as sent; each element's own text is kept with its capture.
//
// The request is refused whole, before anything is kept, when an element
// names no definition (5003), has an empty target (2020) or a malformed
// ttl (2004), or the elements name more unique IDs together than the
// limit. Each element becomes one captured notification under the
// definition's key, resolved before SendTransactional returns.
func (t *Tenant) SendTransactional(reqs []TransactionalSend, raw []byte) error {
	if len(reqs) == 0 {
		return ErrMissing("notificationKey")
	}
	parts := splitArray(raw, len(reqs))
	t.lock()
	defs := make([]*definition, len(reqs))
	targets := make([]*Target, len(reqs))
	for i, r := range reqs {
		key, ok := parseKey(r.NotificationKey)
		if r.NotificationKey == "" {
			t.mu.Unlock()
			return ErrMissing("notificationKey")
		}
		if defs[i] = t.nt.defs[key]; !ok || defs[i] == nil {
			t.mu.Unlock()
			return &Error{Kind: KindNotFound, Code: CodeMessageNotFound,
				Message: "Notification definition with key '" + r.NotificationKey + "' could not be found"}
		}
		if r.Target.empty() {
			t.mu.Unlock()
			return Invalidf(CodeMissingParameter, "target must not be empty")
		}
		targets[i] = r.Target
		if _, err := parseTTL(r.Message.TTL); err != nil {
			t.mu.Unlock()
			return err
		}
	}
	if err := idsOf(targets...).check(t.settings); err != nil {
		t.mu.Unlock()
		return err
	}
	var later []*notification
	for i, r := range reqs {
		n := t.newNotification(KindTransactional, defs[i].key, parts[i], transactionalContent(defs[i].content, r.Message), r.Target.clone())
		n.params, n.lastActive = cloneParams(r.Message.Params), r.LastActiveDevice
		n.match, _ = t.compile(n.target, compileOpts{})
		if ttl, _ := parseTTL(n.content.TTL); ttl > 0 {
			n.expiresAt = n.startAt + ttl
		}
		n.status, n.resolving = StatusSending, true
		t.register(n)
		if n.target.direct() {
			t.resolveDirect(newResolver(n))
		} else {
			later = append(later, n)
		}
	}
	t.mu.Unlock()
	for _, n := range later {
		t.resolve(n)
	}
	return nil
}

// transactionalContent is a definition's content with one call's
// overrides: inbox, doNotNotify, ttl, the click's deeplink, customJson.
func transactionalContent(def *content, m TransactionalMessage) *content {
	c := *def
	if m.Inbox != nil {
		c.Inbox = *m.Inbox
	}
	if m.DoNotNotify != nil {
		c.DoNotNotify = *m.DoNotNotify
	}
	if m.TTL != "" {
		c.TTL = m.TTL
	}
	if m.Click != nil && m.Click.Deeplink != "" {
		c.Deeplink = m.Click.Deeplink
	}
	if m.CustomJSON != nil {
		c.CustomJSON = cloneRaw(m.CustomJSON)
	}
	return &c
}

func cloneParams(p map[string]any) map[string]any {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		out[k] = cloneValue(v)
	}
	return out
}

// splitArray returns each element's text of a JSON array of n elements,
// or raw itself n times when it is not one.
func splitArray(raw []byte, n int) []json.RawMessage {
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil || len(elems) != n {
		elems = make([]json.RawMessage, n)
		for i := range elems {
			elems[i] = raw
		}
	}
	return elems
}

// SendEmailSms accepts a sendEmailAndSms request: it creates a definition
// of the email or SMS (returned as the notification key, as Netmera does)
// and sends it to the target at once. Platforms must be EMAIL or SMS
// (2004); an SMS without smsIysMessageType is refused with Netmera's own
// 2004 "Please add smsIysMessageType parameter into request!".
func (t *Tenant) SendEmailSms(req EmailSmsSend, raw []byte) (int64, error) {
	if err := checkPlatforms(req.Platforms, true); err != nil {
		return 0, err
	}
	for _, p := range req.Platforms {
		if p != PlatformEmail && p != PlatformSMS {
			return 0, Invalidf(CodeTypeMismatch, "Field 'platforms' should hold EMAIL or SMS, not '%s'", p)
		}
	}
	if slices.Contains(req.Platforms, PlatformSMS) && req.SmsIysMessageType == "" {
		return 0, Invalidf(CodeTypeMismatch, "Please add smsIysMessageType parameter into request!")
	}
	if req.Target == nil {
		return 0, ErrMissing("target")
	}
	if req.Target.empty() {
		return 0, Invalidf(CodeMissingParameter, "target must not be empty")
	}
	if err := idsOf(req.Target).check(t.Settings()); err != nil {
		return 0, err
	}
	c := newContent(MessageContent{Title: req.Title, Text: req.Message, Platforms: slices.Clone(req.Platforms),
		From: req.From, SenderName: req.SenderName, Subject: req.Subject, SmsHeader: req.SmsHeader,
		SmsIysMessageType: req.SmsIysMessageType, SmsIysRecipientType: req.SmsIysRecipientType})
	t.lock()
	m, err := t.compile(req.Target, compileOpts{strictSegments: true})
	if err != nil {
		t.mu.Unlock()
		return 0, err
	}
	def := &definition{key: t.newKey(), createdAt: t.now(), raw: cloneRaw(raw), content: c}
	t.addDefinition(def)
	n := t.newNotification(KindEmailSms, def.key, raw, c, req.Target.clone())
	n.match, n.status, n.resolving = m, StatusSending, true
	t.register(n)
	if n.target.direct() {
		t.resolveDirect(newResolver(n))
		t.mu.Unlock()
		return def.key, nil
	}
	t.mu.Unlock()
	t.resolve(n)
	return def.key, nil
}

// SendBulkEmail accepts a sendBulkEmail request: the email template is
// sent to every tracked user with an address and email permission, under
// a new key. The fake holds no templates: any emailTemplateId is taken,
// the subject is the delivery's title and its text is empty. sendToAll
// must be true (2020), the subject given (2020).
func (t *Tenant) SendBulkEmail(req BulkEmailSend, raw []byte) (int64, error) {
	if !req.SendToAll {
		return 0, Invalidf(CodeMissingParameter, "sendToAll is required")
	}
	if req.Subject == "" {
		return 0, ErrMissing("subject")
	}
	params, _ := json.Marshal(req.CustomParams)
	if req.CustomParams == nil {
		params = nil
	}
	c := newContent(MessageContent{Title: req.Subject, Subject: req.Subject, Platforms: []string{PlatformEmail}, CustomJSON: params})
	target := &Target{SendToAll: true}
	t.lock()
	m, _ := t.compile(target, compileOpts{})
	n := t.newNotification(KindBulkEmail, t.newKey(), raw, c, target)
	n.match, n.status, n.resolving = m, StatusSending, true
	t.register(n)
	t.mu.Unlock()
	t.resolve(n)
	return n.key, nil
}
