// The Requests view: the journal, live, in a windowed list.
'use strict';

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
