// The Users view: one user found by extId, token, email or MSISDN.
'use strict';

const Users = {
  stale: false,
  query: null, // [by, value] of the user shown
  segments: null,

  show() { if (this.stale && this.query) this.load(); },

  find(by, value) {
    $('user-by').value = by;
    $('user-value').value = value;
    this.query = [by, value];
    go('users');
    this.load();
  },

  async load() {
    this.stale = false;
    if (!this.query) return;
    const [by, value] = this.query;
    const box = $('user-result');
    let u;
    try {
      u = await api('users?' + new URLSearchParams({ [by]: value }));
      $('user-error').textContent = '';
    } catch (err) {
      box.replaceChildren();
      $('user-error').textContent = err.status === 404 ? err.message : 'Users: ' + err.message;
      return;
    }
    const parts = await Promise.all([
      this.part('deliveries?' + new URLSearchParams({ extId: u.extId })),
      this.part('inbox?' + new URLSearchParams({ extId: u.extId, max: '20' })),
      this.part('events?' + new URLSearchParams({ extId: u.extId, limit: '50' })),
      this.segments ? Promise.resolve({ ok: this.segments }) : this.part('segments'),
    ]);
    if (parts[3].ok) this.segments = parts[3].ok;
    box.replaceChildren(this.render(u, parts));
  },

  // part fetches one section: {ok} with its data, {absent} when this
  // build has no such endpoint, {err} otherwise.
  async part(path) {
    try {
      return { ok: await api(path) };
    } catch (err) {
      return err.kind === 'absent' ? { absent: true } : { err: err.message };
    }
  },

  render(u, [deliveries, inbox, events, segments]) {
    const section = (title, body, cls) => h('section', { class: 'panel ' + (cls || ''), 'aria-label': title }, h('h3', { text: title }), body);
    const none = (text) => h('p', { class: 'muted', text });
    const unavailable = (p, what) => p.absent ? none(what + ' are not available in this build of the fake.') : p.err ? h('p', { class: 'error', text: p.err }) : null;
    const profile = Object.entries(u.profile || {}).sort(([a], [b]) => a.localeCompare(b));
    const names = new Map(((segments.ok && segments.ok.segments) || []).map((s) => [s.id, s.name]));
    const devices = u.devices || [];
    return h('div', { class: 'user-grid' },
      section('User ' + u.extId, [
        h('dl', { class: 'kv' },
          h('dt', { text: 'extId' }), h('dd', { class: 'mono', text: u.extId }),
          h('dt', { text: 'Email' }), h('dd', { text: u.emailPermitted ? 'permitted' : 'not permitted' }),
          h('dt', { text: 'SMS' }), h('dd', { text: u.smsPermitted ? 'permitted' : 'not permitted' }),
          u.wpNumbers || u.whatsAppPermitted ? [h('dt', { text: 'WhatsApp' }), h('dd', { text: (u.whatsAppPermitted ? 'permitted' : 'not permitted') + (u.wpNumbers && u.wpNumbers.length ? ' · ' + u.wpNumbers.join(', ') : '') })] : null,
          h('dt', { text: 'Push' }), h('dd', { text: devices.filter((d) => d.pushPermitted && !d.uninstalled).length + ' of ' + devices.length + ' devices permitted' }),
          u.untracked ? [h('dt', { text: 'Tracking' }), h('dd', { text: 'untracked (deleteUsers)' })] : null,
          u.sameAddress ? [h('dt', { text: 'Same address' }), h('dd', { class: 'mono', text: u.sameAddress.join(', ') })] : null),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'small', onclick: () => {
          $('req-ext').value = u.extId; $('req-path').value = ''; $('req-status').value = ''; go('requests'); Requests.apply();
        } }, 'Requests naming ' + u.extId)),
      ]),
      section('Tags', u.tags && u.tags.length ? h('p', null, u.tags.map((t) => h('span', { class: 'chip', text: t }))) : none('No tags.')),
      section('Profile', profile.length ? h('dl', { class: 'kv' }, profile.map(([k, v]) => [h('dt', { class: 'mono', text: k }), h('dd', { class: 'mono', text: typeof v === 'string' ? v : JSON.stringify(v) })])) : none('No profile attributes.')),
      section('Category preferences', u.categories && u.categories.length ? h('table', null,
        h('thead', null, h('tr', null, ['Category', 'Channel', 'Choice'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', null, u.categories.map((c) => h('tr', null, h('td', { text: c.category }), h('td', { text: c.channel }), h('td', { text: c.enabled ? 'opted in' : 'opted out' })))))
        : none('No preference set: every category is allowed.')),
      section('Devices', devices.length ? h('table', null,
        h('thead', null, h('tr', null, ['Platform', 'Model', 'Token', 'Push', 'State'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', null, devices.map((d) => h('tr', null,
          h('td', { text: PLATFORMS[d.platform] || d.platform }),
          h('td', { text: d.deviceModel || '' }),
          h('td', { class: 'mono', text: d.token || '(none)', title: 'installation ' + d.installationId }),
          h('td', { text: d.pushPermitted ? 'permitted' : 'not permitted' }),
          h('td', { text: [d.uninstalled ? 'uninstalled' : 'installed', d.invalidToken ? 'invalid token' : ''].filter(Boolean).join(', ') }))))) : none('No devices.'), 'span'),
      section('Segments', u.segments && u.segments.length ? h('ul', null, u.segments.map((id) => h('li', null, h('span', { class: 'mono', text: String(id) }), names.has(id) ? ' ' + names.get(id) : ''))) : none('In no segment.')),
      section('Deliveries', unavailable(deliveries, 'Deliveries') || ((deliveries.ok.deliveries || []).length ? h('table', null,
        h('thead', null, h('tr', null, ['Key', 'Platform', 'Title', 'Status'].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', null, deliveries.ok.deliveries.slice(-50).reverse().map((d) => h('tr', null,
          h('td', { text: d.notificationKey }), h('td', { text: PLATFORMS[d.platform] || d.platform }),
          h('td', { text: d.title || d.text || '' }), h('td', { text: d.status })))))
        : none('Nothing delivered to this user.')), 'span'),
      section('Inbox', unavailable(inbox, 'Inboxes') || ((inbox.ok.messages || []).length ? h('ul', null, inbox.ok.messages.map((m) =>
        h('li', null, h('strong', { text: m.title || '(no title)' }), ' ', m.message || '', ' ', h('span', { class: 'chip', text: m.status }))))
        : none('The inbox is empty.'))),
      section('Events', unavailable(events, 'Events') || ((events.ok.events || []).length ? h('ul', null, events.ok.events.map((e) =>
        h('li', null, h('code', { text: JSON.stringify(e) }))))
        : none('No events fired.'))));
  },
};
views.users = Users;

$('user-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const value = $('user-value').value.trim();
  if (!value) return;
  Users.query = [$('user-by').value, value];
  Users.load();
});
$('user-by').addEventListener('change', () => {
  $('user-value').placeholder = { extId: 'id1', token: 'my_device_token', email: 'ada@example.com', msisdn: '+905551234567' }[$('user-by').value];
});
