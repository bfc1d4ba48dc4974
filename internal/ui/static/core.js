// netmera-mock inspector: plain JavaScript, no build step, no dependency.
// Everything shown comes from the control API under /_mock/, with the
// app's API key in the X-netmera-api-key header (never in a URL) and the
// admin token, when the fake has one, as a bearer token. Data is written
// into the page with textContent, never as HTML.
//
// The page loads classic scripts in order, sharing their top-level names:
// core.js (helpers, the key, the stream, routing), then one file per
// view, then main.js, which starts.
'use strict';

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
