// The Notifications view: each delivery as a phone would show it.
'use strict';

const REASONS = {
  UNTRACKED: 'the user was removed (deleteUsers)',
  UNKNOWN_USER: 'no user has this extId',
  UNKNOWN_TOKEN: 'no device has this token or installation ID',
  UNKNOWN_ADDRESS: 'no user has this address',
  NOT_TARGETED: 'named, but outside the target’s conditions',
  CATEGORY_OPTED_OUT: 'opted out of the message’s category',
  NO_DEVICE: 'no installed device',
  UNINSTALLED: 'the app was uninstalled from this device',
  PLATFORM_FILTERED: 'platform not among the message’s',
  NO_TOKEN: 'the device has no push token',
  NO_PUSH_PERMISSION: 'push not permitted on this device',
  OUT_OF_AREA: 'outside the location target',
  NOT_LAST_ACTIVE: 'another device of the user was active last',
  LIMIT: 'over the message’s user limit',
  NO_EMAIL: 'no email address',
  NO_EMAIL_PERMISSION: 'email not permitted',
  NO_MSISDN: 'no phone number',
  NO_SMS_PERMISSION: 'SMS not permitted',
  TTL_EXPIRED: 'its time to live ran out before it was due',
};
const PLATFORMS = { IOS: 'iOS', ANDROID: 'Android', CHROME: 'Chrome', FIREFOX: 'Firefox', SAFARI: 'Safari', EDGE: 'Edge',
  OPERA: 'Opera', YANDEX: 'Yandex', EMAIL: 'Email', SMS: 'SMS' };

const Notifications = {
  stale: true,
  busy: false,
  again: false,
  defs: new Map(),

  show() { if (this.stale) this.load(); },

  async load() {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    try {
      do {
        this.again = false;
        this.stale = false;
        const q = new URLSearchParams({ limit: '50', max: '24' });
        const by = $('notif-by').value;
        const value = $('notif-value').value.trim();
        if (by && value) q.set(by, value);
        const r = await api('notifications?' + q);
        if (r.notifications.some((n) => n.kind === 'TRANSACTIONAL' && !this.defs.has(n.notificationKey))) {
          try {
            const d = await api('definitions');
            for (const def of d.definitions || []) this.defs.set(def.notificationKey, def);
          } catch { /* shown without the definition's looks */ }
        }
        this.render(r.notifications);
        $('notif-error').textContent = '';
      } while (this.again);
    } catch (err) {
      $('notif-error').textContent = err.kind === 'absent'
        ? 'This build of the fake captures no notifications yet.'
        : 'Notifications: ' + err.message;
    } finally {
      this.busy = false;
    }
  },

  render(list) {
    $('notif-count').textContent = list.length
      ? (list.length === 50 ? 'The 50 newest sends' : list.length + (list.length === 1 ? ' send' : ' sends')) + ', newest first'
      : '';
    const box = $('notif-list');
    if (!list.length) {
      box.replaceChildren(h('p', { class: 'muted', text: 'Nothing sent yet. Sends to sendBulkNotification, sendNotification or POST /_mock/notifications show up here as they arrive.' }));
      return;
    }
    box.replaceChildren(...list.map((n) => this.card(n)));
  },

  card(n) {
    const msg = messageOf(n, this.defs);
    const stats = (n.stats || []).filter((s) => s.sent || s.failed || s.clicked || s.total)
      .map((s) => h('span', { class: 'chip', text: (PLATFORMS[s.platform] || s.platform) + ': ' + statLine(s) }));
    const delivered = n.deliveries || [];
    const queued = n.queued || [];
    const excl = n.exclusions || [];
    const counts = Object.entries(n.exclusionCounts || {});
    return h('article', { class: 'notif', 'aria-labelledby': 'n-' + n.id },
      h('header', null,
        h('h3', { id: 'n-' + n.id, text: (n.message && (n.message.title || n.message.subject)) || 'Notification ' + n.notificationKey }),
        h('span', { class: 'chip', text: 'key ' + n.notificationKey }),
        h('span', { class: 'chip', text: n.kind }),
        h('span', { class: 'chip', text: n.status }),
        h('span', { class: 'muted', text: when(n.createdAt) })),
      h('p', null, h('strong', { text: 'Target: ' }), targetText(n)),
      stats.length ? h('p', null, stats) : null,
      h('h4', { text: delivered.length + (n.deliveriesOmitted ? ' of ' + (delivered.length + n.deliveriesOmitted) : '') + ' delivered' }),
      delivered.length ? h('div', { class: 'cards' }, delivered.map((d) => phone(n, msg, d))) : h('p', { class: 'muted', text: 'No delivery (yet).' }),
      n.deliveriesOmitted ? h('p', { class: 'muted more', text: n.deliveriesOmitted + ' more not drawn; GET /_mock/notifications/' + n.id + ' has them all.' }) : null,
      queued.length ? [h('h4', { text: queued.length + ' waiting for their time' }),
        h('div', { class: 'cards' }, queued.slice(0, 24).map((d) => phone(n, msg, d)))] : null,
      excl.length || counts.length ? [h('h4', { text: 'Left out' }), exclusions(excl, counts)] : null);
  },
};
views.notifications = Notifications;

function statLine(s) {
  const parts = [];
  for (const k of ['total', 'sent', 'failed', 'clicked']) if (s[k]) parts.push(s[k] + ' ' + k);
  return parts.join(', ') || '0';
}

function targetText(n) {
  const t = n.target;
  if (!t) return n.kind === 'TRANSACTIONAL' ? 'the users of the request' : 'unknown';
  const parts = [];
  if (t.sendToAll) parts.push('everyone');
  for (const [k, label] of [['extId', 'extId'], ['deviceToken', 'token'], ['iid', 'installation'], ['email', 'email'], ['msisdn', 'MSISDN'], ['tag', 'tag'], ['segment', 'segment']]) {
    const v = t[k];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    const list = (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x)));
    parts.push(label + ' ' + (list.length > 5 ? list.slice(0, 5).join(', ') + ' … (' + list.length + ')' : list.join(', ')));
  }
  const rest = Object.keys(t).filter((k) => !['sendToAll', 'extId', 'deviceToken', 'iid', 'email', 'msisdn', 'tag', 'segment'].includes(k));
  const out = [parts.join('; ') || (rest.length ? '' : 'nobody named')];
  if (rest.length) {
    const o = {};
    for (const k of rest) o[k] = t[k];
    out.push(h('code', { text: (parts.length ? ' ' : '') + JSON.stringify(o) }));
  }
  return out;
}

// messageOf is what the push looks like beyond its texts (image,
// buttons, link), read from the request as sent and, for a
// transactional send, from its definition.
function messageOf(n, defs) {
  const out = {};
  const from = (req) => {
    if (!req || typeof req !== 'object' || Array.isArray(req)) return;
    if (req.message && typeof req.message === 'object') Object.assign(out, req.message);
    else {
      for (const [k, v] of Object.entries(req)) if (!['target', 'schedule', 'speed', 'notificationKey', 'message'].includes(k)) out[k] = v;
    }
  };
  if (n.kind === 'TRANSACTIONAL') {
    const def = defs.get(n.notificationKey);
    if (def) from(def.request);
  }
  from(n.request);
  return out;
}

function buttonsOf(msg) {
  const set = msg.buttonSet;
  if (!set || typeof set !== 'object') return [];
  if (set.setAttrOrTag && typeof set.setAttrOrTag === 'object') return Object.keys(set.setAttrOrTag);
  return Object.keys(set).filter((k) => k !== 'id');
}

const isURL = (s) => typeof s === 'string' && /^(https?:|data:image\/)/i.test(s);

function phone(n, msg, d) {
  const plat = d.platform || '';
  const own = plat === 'IOS' ? msg.ios : plat === 'ANDROID' ? msg.android : null;
  const pl = own && typeof own === 'object' ? own : {};
  const image = pl.mediaUrl || pl.thumbnailUrl || msg.wpChromeImage || msg.mediaUrl || msg.image || msg.imageUrl;
  const icon = msg.iconUrl;
  const click = msg.click && typeof msg.click === 'object' ? msg.click : {};
  const link = click.deeplink || click.url || (n.message && n.message.deeplink);
  const failed = d.status === 'FAILED';
  const email = plat === 'EMAIL';
  const sms = plat === 'SMS';
  const who = d.extId ? d.extId : '(no user)';
  const to = d.token ? 'token ' + d.token : d.address ? d.address : d.installationId ? 'installation ' + d.installationId : '';
  const title = email ? (n.message && n.message.subject) || d.title : d.title;
  return h('div', { class: 'phone ' + plat + (failed ? ' failed' : ''), role: 'group',
    'aria-label': (PLATFORMS[plat] || plat) + ' notification to ' + who + ': ' + d.status },
  h('div', { class: 'p-head' },
    h('span', { class: 'p-icon', 'aria-hidden': 'true' }, isURL(icon) ? h('img', { src: icon, alt: '', referrerpolicy: 'no-referrer' }) : 'N'),
    h('span', { text: PLATFORMS[plat] || plat || 'push' }),
    email && n.message && n.message.from ? h('span', { text: '· ' + n.message.from }) : null,
    h('span', { class: 'p-when', text: d.timeStamp ? clock(new Date(d.timeStamp)) : '' })),
  title ? h('div', { class: 'p-title', text: title }) : null,
  pl.subtitle || d.subText ? h('div', { class: 'p-sub', text: pl.subtitle || d.subText }) : null,
  d.text ? h('div', { class: 'p-text', text: d.text }) : null,
  !sms && image ? (isURL(image)
    ? h('img', { class: 'p-img', src: image, alt: 'The notification’s image', loading: 'lazy', referrerpolicy: 'no-referrer',
      onerror: (ev) => ev.target.replaceWith(h('div', { class: 'p-noimg', text: 'Image not loaded: ' + image })) })
    : h('div', { class: 'p-noimg', text: 'Image: ' + image })) : null,
  buttonsOf(msg).length ? h('div', { class: 'p-buttons' }, buttonsOf(msg).map((b) => h('span', { class: 'p-button', text: b }))) : null,
  link ? h('div', { class: 'p-link' }, 'Opens ', h('code', { text: link })) : null,
  h('div', { class: 'p-meta' }, who + (to ? ' · ' + to : '') + ' · ', h('strong', { text: d.status }),
    d.errorCode ? ' · ' + d.errorCode + (d.errorMsg ? ': ' + d.errorMsg : '') : ''));
}

function exclusions(list, counts) {
  const rows = list.slice(0, 200).map((x) => h('tr', null,
    h('td', { class: 'mono', text: x.extId || '' }),
    h('td', { class: 'mono', text: x.token || x.installationId || '' }),
    h('td', { text: PLATFORMS[x.platform] || x.platform || '' }),
    h('td', null, h('span', { text: REASONS[x.reason] || x.reason }), ' ', h('code', { class: 'muted', text: x.reason }))));
  return [
    list.length ? h('table', null,
      h('thead', null, h('tr', null, ['User', 'Device or address', 'Platform', 'Why'].map((t) => h('th', { scope: 'col', text: t })))),
      h('tbody', null, rows)) : null,
    list.length > 200 ? h('p', { class: 'muted', text: (list.length - 200) + ' more' }) : null,
    counts.length ? h('p', null, 'Not counted one by one: ', counts.map(([r, c]) => h('span', { class: 'chip', text: c + ' × ' + (REASONS[r] || r) }))) : null,
  ];
}

$('notif-filter').addEventListener('submit', (ev) => { ev.preventDefault(); Notifications.load(); });
$('notif-by').addEventListener('change', () => Notifications.load());
$('notif-value').addEventListener('input', debounce(() => Notifications.load(), 300));
