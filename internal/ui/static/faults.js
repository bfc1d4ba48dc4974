// The Faults view: the app's fault rules, and a form for the common ones.
'use strict';

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
