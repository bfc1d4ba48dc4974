// netmera-mock inspector: plain JavaScript, no build step, no dependency.
// Everything shown comes from the control API under /_mock/, with the
// app's API key in the X-netmera-api-key header (never in a URL) and the
// admin token, when the fake has one, as a bearer token. Data is written
// into the page with textContent, never as HTML.
'use strict';

(() => {
  const KEY = 'netmera-mock.key';
  const ADMIN = 'netmera-mock.admin';
  const ROW = 34; // px: the height of a request row, as in app.css
  const KEEP = 50000; // the most requests the page keeps

  // ---- small helpers ----------------------------------------------------

  const $ = (id) => document.getElementById(id);

  // h builds an element: props set attributes ("text" the text, "on…"
  // listeners, "class" the class); children are nodes or strings.
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function debounce(fn, ms) {
    let t = 0;
    return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  }

  function pad(n, w = 2) { return String(n).padStart(w, '0'); }
  function clock(d) { return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()); }
  function timeOf(v) { // an RFC 3339 text or epoch ms
    const d = new Date(v);
    return isNaN(d) ? String(v) : d;
  }
  function when(v) {
    const d = timeOf(v);
    return d instanceof Date ? d.toLocaleString() : d;
  }
  function ms(v) { return v < 10 ? v.toFixed(2) + ' ms' : v < 1000 ? v.toFixed(1) + ' ms' : (v / 1000).toFixed(2) + ' s'; }
  function pretty(v) {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    return JSON.stringify(v, null, 2);
  }
  function statusClass(s) { return 'badge s' + String(s).charAt(0); }

  let toastTimer = 0;
  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.classList.add('show');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => t.classList.remove('show'), 2500);
  }

  // ---- the session: key and admin token, this tab only ------------------

  const session = {
    get key() { return sessionStorage.getItem(KEY) || ''; },
    get admin() { return sessionStorage.getItem(ADMIN) || ''; },
    save(key, admin) {
      sessionStorage.setItem(KEY, key);
      if (admin) sessionStorage.setItem(ADMIN, admin); else sessionStorage.removeItem(ADMIN);
    },
    forget() { sessionStorage.removeItem(KEY); },
  };

  function headers(extra) {
    const hd = { 'X-netmera-api-key': session.key };
    if (session.admin) hd.Authorization = 'Bearer ' + session.admin;
    return Object.assign(hd, extra || {});
  }

  // ApiError is a refusal of the control API. kind says what it means for
  // the page: "key" (the key names no app), "admin" (the admin token is
  // missing or wrong), "absent" (this build has no such endpoint), "off"
  // (-no-control), or "" for any other error.
  class ApiError extends Error {
    constructor(status, message, kind) { super(message); this.status = status; this.kind = kind; }
  }

  function errorOf(res, data) {
    const detail = (data && typeof data === 'object' && (data.detail || data.error)) || res.statusText || 'error';
    let kind = '';
    if (data && data.code === 2010) kind = 'key';
    else if (res.status === 401) kind = 'admin';
    else if (res.status === 404 && /^No static resource/.test(detail)) kind = 'absent';
    else if (res.status === 404 && /turned off/.test(detail)) kind = 'off';
    return new ApiError(res.status, detail, kind);
  }

  async function api(path, opts = {}) {
    const init = { method: opts.method || 'GET', headers: headers(), cache: 'no-store', credentials: 'omit' };
    if (opts.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.body);
    }
    const res = await fetch('/_mock/' + path, init);
    const text = await res.text();
    let data = null;
    if (text) { try { data = JSON.parse(text); } catch { data = text; } }
    if (!res.ok) {
      const err = errorOf(res, data);
      if (err.kind === 'key' || err.kind === 'admin') needAuth(err);
      throw err;
    }
    return data;
  }

  // ---- connecting ----------------------------------------------------------

  function setConn(state, text) {
    const c = $('conn');
    c.classList.toggle('live', state === 'live');
    c.classList.toggle('retry', state === 'retry');
    $('conn-text').textContent = text;
  }

  let authShown = false;
  function needAuth(err) {
    stopStream();
    authShown = true;
    const admin = err.kind === 'admin';
    if (admin) $('admin-field').hidden = false;
    $('connect-error').textContent = admin
      ? (session.admin ? 'The admin token was refused.' : 'This fake needs its admin token for the control API.')
      : 'The fake does not know this API key.';
    setConn('', 'Not connected');
    showConnect();
  }

  function showConnect() {
    for (const v of document.querySelectorAll('.view')) v.hidden = true;
    $('connect').hidden = false;
    $('change-app').hidden = true;
    $('key-input').value = '';
    $('admin-input').value = session.admin;
    $('key-input').focus();
  }

  async function connect() {
    try {
      await api('clock'); // cheap, and it checks the key and the token
    } catch (err) {
      if (err.kind === 'off') {
        $('connect-error').textContent = 'The control API is turned off on this fake (-no-control).';
        showConnect();
      } else if (!authShown) {
        $('connect-error').textContent = 'The fake did not answer: ' + err.message;
        showConnect();
      }
      return;
    }
    authShown = false;
    $('connect').hidden = true;
    $('change-app').hidden = false;
    // Another app may have been open: nothing of it stays.
    Requests.reset();
    Notifications.stale = true;
    Notifications.defs.clear();
    $('notif-list').replaceChildren();
    Users.query = null;
    Users.segments = null;
    $('user-result').replaceChildren();
    Object.assign(seen, { first: 0, last: 0, generation: -1 });
    route();
    startStream();
  }

  $('connect-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = $('key-input').value.trim();
    if (!key) return;
    $('connect-error').textContent = '';
    session.save(key, $('admin-input').value.trim());
    connect();
  });
  $('change-app').addEventListener('click', () => {
    stopStream();
    session.forget();
    $('connect-error').textContent = '';
    setConn('', 'Not connected');
    showConnect();
  });

  // ---- the stream: the fake says when the app changed ----------------------
  // EventSource cannot send headers, so the stream is read with fetch:
  // the key stays in its header. Events are coalesced by the fake.

  let streamCtl = null;
  const seen = { first: 0, last: 0, generation: -1 };

  function stopStream() {
    if (streamCtl) streamCtl.abort();
    streamCtl = null;
  }

  async function startStream() {
    stopStream();
    const ctl = new AbortController();
    streamCtl = ctl;
    let delay = 1000;
    while (!ctl.signal.aborted) {
      let watchdog = 0;
      try {
        const res = await fetch('/_mock/stream', { headers: headers(), signal: ctl.signal, cache: 'no-store', credentials: 'omit' });
        if (!res.ok) {
          const text = await res.text();
          let data = null;
          try { data = JSON.parse(text); } catch { /* not JSON */ }
          const err = errorOf(res, data);
          if (err.kind === 'key' || err.kind === 'admin') { needAuth(err); return; }
          throw err;
        }
        setConn('live', 'Live');
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const arm = () => { clearTimeout(watchdog); watchdog = setTimeout(() => ctl.abort(), 45000); };
        arm();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          arm();
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let event = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            onEvent(event, data ? JSON.parse(data) : null);
          }
        }
      } catch (err) {
        if (streamCtl !== ctl) return; // replaced or stopped
      } finally {
        clearTimeout(watchdog);
      }
      if (streamCtl !== ctl) return;
      if (ctl.signal.aborted) { // the watchdog: start again
        startStream();
        return;
      }
      setConn('retry', 'Reconnecting…');
      await sleep(delay);
      delay = Math.min(delay * 2, 15000);
    }
  }

  function onEvent(event, data) {
    if (event === 'change' && data) {
      const moved = data.last !== seen.last || data.first !== seen.first;
      const changed = data.generation !== seen.generation;
      Object.assign(seen, data);
      if (moved) { Requests.stale = true; Faults.stale = true; } // a rule's hits count up
      if (changed) { Notifications.stale = true; Users.stale = true; Faults.stale = true; }
      if (moved || changed) refreshCurrent();
    } else if (event === 'ping') {
      // A running clock may have delivered a scheduled send meanwhile.
      if (current === 'notifications') Notifications.load();
    }
  }

  // ---- views and routing ------------------------------------------------

  let current = '';
  const views = {};

  function route() {
    if (!session.key) { showConnect(); return; }
    let name = location.hash.replace(/^#/, '').split('?')[0];
    if (!views[name]) name = 'notifications';
    current = name;
    $('connect').hidden = true;
    for (const [n] of Object.entries(views)) $('view-' + n).hidden = n !== name;
    for (const a of document.querySelectorAll('nav a')) {
      if (a.dataset.view === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    views[name].show();
  }

  function refreshCurrent() {
    const v = views[current];
    if (v && v.stale) v.load();
  }

  function go(name) {
    if (location.hash === '#' + name) route(); else location.hash = name;
  }

  window.addEventListener('hashchange', () => {
    route();
    $('main').focus({ preventScroll: true });
  });

  // ---- Requests: the journal, live, in a windowed list --------------------

  const Requests = {
    all: [], // summaries, oldest first
    last: 0,
    shown: [], // filtered, newest first
    selected: 0,
    stale: true,
    busy: false,
    again: false,
    details: new Map(),

    reset() {
      this.all = []; this.last = 0; this.shown = []; this.selected = 0; this.details.clear(); this.stale = true;
      $('req-detail').replaceChildren(h('p', { class: 'muted', text: 'Select a request to see its headers, body and answer.' }));
    },

    show() { if (this.stale) this.load(); else this.apply(); },

    async load() {
      if (this.busy) { this.again = true; return; }
      this.busy = true;
      try {
        do {
          this.again = false;
          this.stale = false;
          const r = await api('requests?summary=true&after=' + this.last);
          for (const e of r.requests) if (e.seq > this.last) { this.all.push(e); this.last = e.seq; }
          this.last = Math.max(this.last, r.last);
          this.trim();
          $('req-error').textContent = '';
        } while (this.again);
      } catch (err) {
        $('req-error').textContent = err.kind === 'absent' ? 'This fake keeps no journal.' : 'Requests: ' + err.message;
      } finally {
        this.busy = false;
      }
      this.apply();
    },

    // trim drops what the fake no longer holds (cleared, or evicted by
    // the journal's bounds) and what is past the page's own bound.
    trim() {
      let from = 0;
      while (from < this.all.length && this.all[from].seq < seen.first) from++;
      from = Math.max(from, this.all.length - KEEP);
      if (from > 0) this.all = this.all.slice(from);
    },

    filters() {
      const status = $('req-status').value.trim().toLowerCase();
      return { path: $('req-path').value.trim().toLowerCase(), status, ext: $('req-ext').value.trim() };
    },

    match(e, f) {
      if (f.path && !e.path.toLowerCase().includes(f.path) && !(e.method + ' ' + e.path).toLowerCase().includes(f.path)) return false;
      if (f.status) {
        const s = String(e.status);
        if (/^[0-9]xx$/.test(f.status)) { if (s.charAt(0) !== f.status.charAt(0) || s.length !== 3) return false; }
        else if (s !== f.status) return false;
      }
      if (f.ext && !(e.extIds || []).includes(f.ext)) return false;
      return true;
    },

    apply() {
      const f = this.filters();
      const box = $('req-rows');
      const before = this.shown.length;
      const out = [];
      for (let i = this.all.length - 1; i >= 0; i--) if (this.match(this.all[i], f)) out.push(this.all[i]);
      // New rows come in at the top: one scrolled down keeps its place.
      const added = before && out.length && this.shown.length && out[0] !== this.shown[0]
        ? out.findIndex((e) => e === this.shown[0]) : 0;
      this.shown = out;
      if (added > 0 && box.scrollTop > 0) box.scrollTop += added * ROW;
      const total = this.all.length;
      $('req-count').textContent = out.length === total
        ? total + (total === 1 ? ' request' : ' requests')
        : out.length + ' of ' + total + ' requests';
      this.render();
    },

    render() {
      const box = $('req-rows');
      $('req-spacer').style.height = (this.shown.length * ROW) + 'px';
      const top = box.scrollTop;
      const start = Math.max(0, Math.floor(top / ROW) - 8);
      const end = Math.min(this.shown.length, Math.ceil((top + box.clientHeight) / ROW) + 8);
      const win = $('req-window');
      win.style.transform = 'translateY(' + (start * ROW) + 'px)';
      const rows = [];
      for (let i = start; i < end; i++) rows.push(this.row(this.shown[i]));
      win.replaceChildren(...rows);
      const sel = this.shown.some((e) => e.seq === this.selected) && document.getElementById('req-' + this.selected);
      if (sel) box.setAttribute('aria-activedescendant', sel.id); else box.removeAttribute('aria-activedescendant');
    },

    row(e) {
      const status = e.status === 0 ? 'dropped' : e.status;
      return h('div', {
        class: 'row', role: 'option', id: 'req-' + e.seq, 'aria-selected': e.seq === this.selected ? 'true' : 'false',
        'aria-label': e.method + ' ' + e.path + ', ' + status + (e.fault ? ' from fault rule ' + e.fault : '') + ', ' + ms(e.durationMs),
        onclick: () => { this.select(e.seq); $('req-rows').focus({ preventScroll: true }); if (matchMedia('(max-width: 760px)').matches) $('req-detail').scrollIntoView(); },
      },
      h('span', { class: 'time', text: clock(new Date(e.time)) }),
      h('span', { class: 'method', text: e.method }),
      h('span', { class: 'path mono', text: e.path.replace(/^\/rest\/3\.0\//, '') + (e.query ? '?' + e.query : ''), title: e.path }),
      h('span', null, h('span', { class: statusClass(e.status) + (e.fault ? ' fault' : ''), text: status, title: e.fault ? 'answered by fault rule ' + e.fault : null })),
      h('span', { class: 'dur', text: ms(e.durationMs) }));
    },

    move(delta) {
      if (!this.shown.length) return;
      let i = this.shown.findIndex((e) => e.seq === this.selected);
      i = i < 0 ? 0 : Math.max(0, Math.min(this.shown.length - 1, i + delta));
      this.select(this.shown[i].seq);
      const box = $('req-rows');
      const y = i * ROW;
      if (y < box.scrollTop) box.scrollTop = y;
      else if (y + ROW > box.scrollTop + box.clientHeight) box.scrollTop = y + ROW - box.clientHeight;
      this.render();
    },

    select(seq) {
      this.selected = seq;
      this.render();
      this.showDetail(seq);
    },

    showDetail: debounce(async function (seq) {
      const pane = $('req-detail');
      let e = Requests.details.get(seq);
      if (!e) {
        try {
          e = await api('requests/' + seq);
        } catch (err) {
          if (Requests.selected === seq) pane.replaceChildren(h('p', { class: 'error', text: 'Request ' + seq + ': ' + err.message }));
          return;
        }
        Requests.details.set(seq, e);
        if (Requests.details.size > 300) Requests.details.delete(Requests.details.keys().next().value);
      }
      if (Requests.selected === seq) pane.replaceChildren(h('div', null, Requests.detail(e)));
    }, 60),

    detail(e) {
      const headerRows = Object.entries(e.headers || {}).sort(([a], [b]) => a.localeCompare(b))
        .map(([k, vs]) => h('tr', null, h('th', { scope: 'row', text: k }), h('td', { class: 'mono', text: vs.join(', ') })));
      const curl = curlOf(e);
      return [
        h('h3', null, h('span', { class: 'method', text: e.method }), h('span', { class: 'mono', text: e.path + (e.query ? '?' + e.query : '') }),
          h('span', { class: statusClass(e.status), text: e.status === 0 ? 'dropped' : e.status })),
        h('dl', { class: 'kv' },
          h('dt', { text: 'At' }), h('dd', { text: when(e.time) }),
          h('dt', { text: 'Took' }), h('dd', { text: ms(e.durationMs) }),
          h('dt', { text: 'Number' }), h('dd', { text: '#' + e.seq }),
          e.fault ? [h('dt', { text: 'Answered by' }), h('dd', { text: 'fault rule ' + e.fault })] : null,
          e.nextPage ? [h('dt', { text: 'Next page' }), h('dd', { class: 'mono', text: e.nextPage })] : null,
          e.extIds && e.extIds.length ? [h('dt', { text: 'extIds' }), h('dd', { class: 'mono', text: e.extIds.join(', ') })] : null),
        e.notes && e.notes.length ? [h('h4', { text: 'Noticed' }), h('ul', { class: 'notes' }, e.notes.map((n) => h('li', { text: n })))] : null,
        e.truncated && e.truncated.length ? h('p', { class: 'muted', text: 'Cut to fit the journal: ' + e.truncated.join(', ') }) : null,
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'small', onclick: () => copy(curl, 'curl command copied') }, 'Copy as curl'),
          e.extIds && e.extIds.length ? h('button', { type: 'button', class: 'small', onclick: () => Users.find('extId', e.extIds[0]) }, 'Open user ' + e.extIds[0]) : null),
        h('h4', { text: 'Headers (keys masked)' }),
        h('table', null, h('tbody', null, headerRows)),
        h('h4', { text: 'Body' }),
        e.body === undefined ? h('p', { class: 'muted', text: 'none' }) : h('pre', { class: 'json', tabindex: '0', 'aria-label': 'Request body', text: pretty(e.body) }),
        h('h4', { text: 'Answer' }),
        e.response === undefined ? h('p', { class: 'muted', text: 'none' }) : h('pre', { class: 'json', tabindex: '0', 'aria-label': 'Answer body', text: pretty(e.response) }),
        h('details', null, h('summary', { text: 'curl' }), h('pre', { class: 'json', text: curl })),
      ];
    },
  };
  views.requests = Requests;

  // curlOf writes a journal entry as a curl command. The key is written
  // as $NETMERA_API_KEY: the journal never holds it, and the page does not
  // copy it anywhere.
  function curlOf(e) {
    const q = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
    const skip = /^(x-netmera-api-key|authorization|proxy-authorization|cookie|host|content-length|connection|accept-encoding|user-agent)$/i;
    const parts = [(e.method === 'GET' ? 'curl ' : 'curl -X ' + e.method + ' ') + q(location.origin + e.path + (e.query ? '?' + e.query : ''))];
    parts.push('-H "X-netmera-api-key: $NETMERA_API_KEY"');
    for (const [k, vs] of Object.entries(e.headers || {})) {
      if (skip.test(k)) continue;
      for (const v of vs) parts.push('-H ' + q(k + ': ' + v));
    }
    let body = e.body;
    if (body && typeof body === 'object' && body.truncated === true && 'prefix' in body) body = body.prefix; // cut by the journal
    if (body !== undefined && body !== null) parts.push('--data-raw ' + q(typeof body === 'string' ? body : JSON.stringify(body)));
    return parts.join(' \\\n  ');
  }

  async function copy(text, done) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const ta = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' });
      ta.value = text;
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
    }
    toast(done);
  }

  const reFilter = debounce(() => Requests.apply(), 80);
  for (const id of ['req-path', 'req-status', 'req-ext']) $(id).addEventListener('input', reFilter);
  $('req-filter').addEventListener('submit', (ev) => ev.preventDefault());
  $('req-rows').addEventListener('scroll', () => requestAnimationFrame(() => Requests.render()), { passive: true });
  window.addEventListener('resize', debounce(() => { if (current === 'requests') Requests.render(); }, 100));
  $('req-rows').addEventListener('keydown', (ev) => {
    const page = Math.max(1, Math.floor($('req-rows').clientHeight / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (ev.key in moves) {
      ev.preventDefault();
      const d = moves[ev.key];
      Requests.move(d === Infinity ? Requests.shown.length : d === -Infinity ? -Requests.shown.length : d);
    }
  });
  $('req-clear').addEventListener('click', async () => {
    if (!confirm('Remove every request of this app from the journal?')) return;
    try {
      await api('requests', { method: 'DELETE' });
      Requests.reset();
      Requests.load();
    } catch (err) {
      $('req-error').textContent = 'Clearing: ' + err.message;
    }
  });

  // ---- Notifications: each delivery as a phone would show it --------------

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

  // ---- Users ----------------------------------------------------------------

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

  // ---- Faults -----------------------------------------------------------------

  const Faults = {
    stale: true,
    show() { this.load(); },

    async load() {
      this.stale = false;
      try {
        const r = await api('faults');
        this.render(r.faults || []);
        $('fault-error').textContent = '';
      } catch (err) {
        $('fault-error').textContent = 'Faults: ' + err.message;
      }
    },

    render(rules) {
      const box = $('fault-list');
      $('fault-clear').disabled = !rules.length;
      if (!rules.length) {
        box.replaceChildren(h('p', { class: 'muted', text: 'No rule: every request is served by the fake.' }));
        return;
      }
      box.replaceChildren(h('table', null,
        h('thead', null, h('tr', null, ['Rule', 'Matches', 'Does', 'When', 'Hits', ''].map((t) => h('th', { scope: 'col', text: t })))),
        h('tbody', null, rules.map((r) => h('tr', null,
          h('td', { class: 'mono', text: r.id + ' (priority ' + (r.priority || 5) + ')' }),
          h('td', { class: 'mono', text: (r.method || 'any') + ' ' + r.path + (r.extId ? ' naming ' + r.extId : '') }),
          h('td', { text: doesOf(r) }),
          h('td', { text: [r.probability && r.probability < 1 ? Math.round(r.probability * 100) + '% of the time' : 'always',
            r.times ? (r.remaining ?? 0) + ' of ' + r.times + ' left' : ''].filter(Boolean).join(', ') }),
          h('td', { text: r.hits }),
          h('td', null, h('button', { type: 'button', class: 'small', 'aria-label': 'Remove rule ' + r.id, onclick: () => this.remove(r.id) }, 'Remove')))))));
    },

    async remove(id) {
      try {
        await api('faults/' + encodeURIComponent(id), { method: 'DELETE' });
        toast('Rule ' + id + ' removed');
      } catch (err) {
        $('fault-error').textContent = 'Removing ' + id + ': ' + err.message;
      }
      this.load();
    },
  };
  views.faults = Faults;

  function doesOf(r) {
    const parts = [];
    if (r.latencyMs) parts.push('waits ' + r.latencyMs + ' ms');
    if (r.drop) parts.push('drops the connection');
    if (r.status) parts.push('answers ' + r.status + (r.code ? ' code ' + r.code : '') + (r.error ? ' “' + r.error + '”' : r.body ? ' with a body' : ''));
    if (!parts.length) parts.push('nothing');
    return parts.join(', then ');
  }

  function faultKind() { return document.querySelector('input[name="kind"]:checked').value; }
  function showKind() {
    const kind = faultKind();
    for (const el of document.querySelectorAll('[data-kind]')) el.hidden = el.dataset.kind !== kind;
  }
  for (const r of document.querySelectorAll('input[name="kind"]')) r.addEventListener('change', showKind);
  showKind();

  $('fault-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const num = (k) => Number(f.get(k) || 0);
    const rule = { path: String(f.get('path')).trim() };
    if (f.get('method')) rule.method = f.get('method');
    if (String(f.get('extId')).trim()) rule.extId = String(f.get('extId')).trim();
    const kind = faultKind();
    if (kind === 'error') {
      rule.status = num('status');
      if (num('code')) rule.code = num('code');
      if (String(f.get('error')).trim()) rule.error = String(f.get('error')).trim();
    } else if (kind === 'drop') {
      rule.drop = true;
    }
    if (num('latencyMs')) rule.latencyMs = num('latencyMs');
    if (num('probability') > 0 && num('probability') < 1) rule.probability = num('probability');
    if (num('times')) rule.times = num('times');
    if (num('priority') && num('priority') !== 5) rule.priority = num('priority');
    try {
      const stored = await api('faults', { method: 'POST', body: rule });
      toast('Rule ' + stored.id + ' added');
      $('fault-error').textContent = '';
    } catch (err) {
      $('fault-error').textContent = 'Adding the rule: ' + err.message;
    }
    Faults.load();
  });
  $('fault-clear').addEventListener('click', async () => {
    if (!confirm('Remove every fault rule of this app?')) return;
    try {
      await api('faults', { method: 'DELETE' });
    } catch (err) {
      $('fault-error').textContent = 'Removing the rules: ' + err.message;
    }
    Faults.load();
  });

  // ---- start ----------------------------------------------------------------

  if (session.key) connect(); else showConnect();
})();
