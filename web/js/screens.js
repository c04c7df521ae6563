// screens.js - every screen of the web UI. Each draws what it needs from the
// API and nothing else; lists page on the server; writes show the server's
// refusal beside the field it names.
import { t, code, money, date, errorText } from './i18n.js';
import { get, post, call } from './api.js';
import { h, table, kv, field, values, clearErrors, showError, toast, reasonDialog, pagedList } from './ui.js';
import { loggedIn, session, rerender } from './app.js';
import { urls } from './early.js';
import { careScreens, careTiles, borrowerCare, expiringCard } from './care.js';

// Date fields start at the business date the server keeps the books on (the
// session says which), never at this browser's clock: money may not move after
// the business date, and a book served for a past day must offer that day.
export const TODAY = () => session.user.business_date;
export const card = (title, ...kids) => h('section', { class: 'card', 'aria-label': title }, h('h2', {}, title), ...kids);
export const link = (href, text) => h('a', { href }, text);
// The auditor's trust anchor: the SHA-256 fingerprint of the CA certificate
// they hold, entered by them and kept in this browser, never taken from the
// data it checks.
const ANCHOR_KEY = 'loandesk.caFingerprint';
const anchor = () => localStorage.getItem(ANCHOR_KEY) || '';
const withAnchor = (p) => `${p}${p.includes('?') ? '&' : '?'}ca_fingerprint=${encodeURIComponent(anchor())}`;
export const q = (o) => Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
const methods = (allowed) => (allowed || ['annuity', 'equal_principal', 'interest_only', 'bullet']).map((m) => [m, code(m)]);
// The application lists the workbench counts: a queue is a state and, for
// returned and referred files, the latest review step.
const QUEUES = { returned: { state: 'draft', returned: 'true' }, drafts: { state: 'draft', returned: 'false' }, referred: { state: 'rated', referred: 'true' }, toDecide: { state: 'rated', referred: 'false' } };
const queueOf = (name) => QUEUES[name] || { state: name };

// Runs fn for a form's submit, with the form's errors cleared first and the
// server's refusal shown after.
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const btn = form.querySelector('button[type=submit]');
    if (btn) btn.disabled = true;
    try { await fn(values(form)); } catch (e) { showError(form, e); } finally { if (btn) btn.disabled = false; }
  });
  return form;
}

const emptied = (el, ...kids) => { el.replaceChildren(...kids); return el; };

// The file's bytes as base64, as the documents route takes them.
const base64Of = (file) => new Promise((resolve, reject) => {
  const r = new FileReader();
  r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
  r.onerror = () => reject(r.error);
  r.readAsDataURL(file);
});

// An application's document checklist, item by item, and the officer's
// upload of a scan with the check of it (authentic, legal, valid).
async function drawChecklist(box, app) {
  const list = await get(`/documents?target=application&target_id=${app}`);
  const open = list.checklist.filter((i) => i.standing !== 'ok');
  const f = h('form', { class: 'card', 'aria-label': t('checklist') },
    h('h2', {}, t('checklist')),
    table(list.checklist, [['name_zh', (i) => code(i.type)], ['required', (i) => code(i.required)], ['standing', (i) => code(i.standing)]]),
    field('type', code('type'), { type: 'select', options: (open.length ? open : list.checklist).map((i) => [i.type, code(i.type)]) }),
    field('file', code('file'), { type: 'file', required: true }),
    field('authentic', code('authentic'), { type: 'checkbox' }), field('legal', code('legal'), { type: 'checkbox' }),
    field('valid', code('valid'), { type: 'checkbox' }), field('note', code('note')), field('expires', code('expires'), { type: 'date' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('uploadChecked'))));
  onSubmit(f, async (v) => {
    const file = f.querySelector('input[type=file]').files[0];
    const own = list.checklist.find((i) => i.type === v.type)?.belongs_to === 'borrower';
    const d = await post('/documents', { target: own ? 'borrower' : 'application', target_id: own ? list.borrower_id : app, type: v.type, expires: v.expires, file_name: file.name, file: await base64Of(file) });
    await post(`/documents/${d.id}/check`, { authentic: v.authentic, legal: v.legal, valid: v.valid, note: v.note });
    toast(t('added'));
    box.replaceChildren();
    drawChecklist(box, app);
  });
  box.replaceChildren(f);
}

export function later(container, promise, draw) {
  // Draws a part of a screen when its own request answers; the rest of the
  // screen does not wait for it.
  const slot = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  container.append(slot);
  promise.then((v) => slot.replaceChildren(draw(v))).catch((e) => slot.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e.problem))));
  return slot;
}

export function menu(role) {
  // Collection, complaints and the churn warning: every role that reads customers.
  const care = [['#/collection', 'collection'], ['#/complaints', 'complaints'], ['#/churn', 'churn']];
  const all = {
    officer: [['#/', 'workbench'], ['#/borrowers', 'borrowers'], ['#/new', 'newApplication'], ['#/loans', 'loans'], ['#/inspections', 'inspections'], ...care, ['#/reports', 'reports']],
    reviewer: [['#/', 'workbench'], ['#/borrowers', 'borrowers'], ['#/loans', 'loans'], ...care, ['#/reports', 'reports']],
    manager: [['#/', 'workbench'], ['#/borrowers', 'borrowers'], ['#/loans', 'loans'], ['#/inspections', 'inspections'], ...care, ['#/reports', 'reports'], ['#/audit', 'audit']],
    auditor: [['#/', 'workbench'], ['#/borrowers', 'borrowers'], ['#/loans', 'loans'], ...care, ['#/reports', 'reports'], ['#/audit', 'audit']],
    admin: [['#/', 'workbench'], ['#/admin', 'admin']],
  };
  return all[role] || [['#/', 'workbench']];
}

export const screens = {
  ...careScreens,
  login(m) {
    const form = h('form', { class: 'card', 'aria-labelledby': 'login-h' },
      h('h1', { id: 'login-h' }, t('login')),
      session.expired ? h('p', { class: 'error', role: 'alert' }, t('sessionEnded')) : null,
      field('username', t('username'), { required: true, autocomplete: 'username' }),
      field('password', t('password'), { type: 'password', required: true, autocomplete: 'current-password' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('login'))));
    onSubmit(form, async (v) => {
      try { await loggedIn(await post('/session', v)); session.expired = false; } catch (e) {
        if (e.problem?.status === 401) e.problem = { status: 401, detail: t('loginFailed') };
        throw e;
      }
    });
    m.replaceChildren(form);
    form.querySelector('input').focus();
  },

  password(m, forced) {
    const form = h('form', { class: 'card', 'aria-labelledby': 'pw-h' },
      h('h1', { id: 'pw-h' }, t('changePassword')), forced ? h('p', {}, t('mustChange')) : null,
      field('current_password', t('currentPassword'), { type: 'password', required: true, autocomplete: 'current-password' }),
      field('new_password', t('newPassword'), { type: 'password', required: true, autocomplete: 'new-password' }),
      field('confirm', t('confirmPassword'), { type: 'password', required: true, autocomplete: 'new-password' }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('save'))));
    onSubmit(form, async (v) => {
      if (v.new_password !== v.confirm) throw { problem: { status: 422, field: 'confirm', detail: t('mismatch') } };
      await post('/session/password', { current_password: v.current_password, new_password: v.new_password });
      await loggedIn(await get('/session'));
    });
    m.replaceChildren(form);
  },

  async home(m) {
    const role = session.user.role;
    const counts = h('div', { class: 'counts' });
    const tile = (key, href, promise) => {
      const n = h('strong', {}, '…');
      counts.append(h('a', { class: 'count', href }, n, t(key)));
      promise.then((v) => { n.textContent = String(v); }).catch(() => { n.textContent = '—'; });
    };
    const total = (p) => get(p).then((r) => r.total);
    m.replaceChildren(h('h1', {}, t('workbench')), counts);
    if (role === 'officer') {
      tile('drafts', '#/applications/drafts', total(`/applications?${q({ ...QUEUES.drafts, limit: 1 })}`));
      tile('returned', '#/applications/returned', total(`/applications?${q({ ...QUEUES.returned, limit: 1 })}`));
      tile('inspectionsDue', '#/inspections', get(urls.due()).then((r) => r.length));
      tile('overdue', '#/loans/overdue', total('/loans?min_dpd=1&limit=1'));
      careTiles(tile, role);
      m.append(expiringCard());
    } else if (role === 'reviewer') {
      tile('queue', '#/applications/submitted', total('/applications?state=submitted&limit=1'));
      tile('ratedToDecide', '#/applications/toDecide', total(`/applications?${q({ ...QUEUES.toDecide, limit: 1 })}`));
    } else if (role === 'manager') {
      tile('referrals', '#/applications/referred', total(`/applications?${q({ ...QUEUES.referred, limit: 1 })}`));
      tile('approvedToDisburse', '#/applications/approved', total('/applications?state=approved&limit=1'));
      tile('overdue', '#/loans/overdue', total('/loans?min_dpd=1&limit=1'));
      tile('inspectionsDue', '#/inspections', get(urls.due()).then((r) => r.length));
      careTiles(tile, role);
      const out = h('div', { 'aria-live': 'polite' });
      const f = h('form', { class: 'card', 'aria-label': t('cob') }, h('h2', {}, t('cob')),
        h('div', { class: 'grid' }, field('date', t('date'), { type: 'date', value: TODAY(), required: true })),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('cob'))), out);
      onSubmit(f, async (v) => { const r = await post('/cob', v); out.replaceChildren(h('div', { class: 'ok', role: 'status', id: 'cob-done' }, `${t('cob')} ${date(r.date)}`)); });
      m.append(f);
    } else if (role === 'auditor') {
      const v = anchor() ? get(withAnchor('/ledger/verify')) : Promise.reject(new Error(t('anchorMissing')));
      tile('entries', '#/audit', v.then((r) => r.entries));
      tile('checkpoints', '#/audit', v.then((r) => r.checkpoints));
    } else if (role === 'admin') {
      tile('users', '#/admin', get('/users').then((r) => r.length));
    }
  },

  async applications(m, state) {
    const list = h('div');
    const titles = { returned: t('returned'), drafts: t('drafts'), referred: t('referrals'), toDecide: t('ratedToDecide') };
    m.replaceChildren(h('h1', {}, `${t('applications')} · ${titles[state] || code(state)}`), list);
    pagedList(list, (after) => get(`/applications?${q({ ...queueOf(state), limit: 20, after })}`), [
      ['id', (r) => link(`#/application/${r.id}`, `#${r.id}`)], ['borrower'], ['product'], ['amount'], ['term_months'], ['method'], ['state'], ['step'], ['grade'], ['officer'], ['created_at']]);
  },

  async borrowers(m) {
    const list = h('div');
    const form = h('form', { class: 'card', role: 'search', 'aria-label': t('borrowerSearch') },
      h('div', { class: 'grid' }, field('name', t('name')), field('id_number', t('idNumber')), field('credit_code', t('creditCode'))),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('search'))));
    const cols = [['id', (r) => link(`#/borrower/${r.id}`, `#${r.id}`)], ['name', (r) => link(`#/borrower/${r.id}`, r.name)], ['kind'], ['id_number'], ['officer'], ['applications']];
    const run = (v) => pagedList(list, (after) => get(`/borrowers?${q({ ...v, limit: 20, after })}`), cols);
    onSubmit(form, async (v) => run(v));
    m.replaceChildren(h('h1', {}, t('borrowerSearch')), form, list);
    pagedList(list, (after) => get(after ? `/borrowers?${q({ limit: 20, after })}` : urls.borrowers()), cols);
  },

  async borrower(m, id) {
    const b = await get(urls.borrower(id));
    m.replaceChildren(h('h1', {}, `${b.name} · ${code(b.kind)}`));
    m.append(card(t('details'), kv(b, ['guarantees_given_total'])));
    m.append(card(t('statements'), table(b.financials || [], Object.keys((b.financials || [])[0] || { year: 0 }).map((k) => [k]))));
    m.append(card(t('applications'), table(b.applications || [], [['id', (r) => link(`#/application/${r.id}`, `#${r.id}`)], ['product'], ['amount'], ['term_months'], ['state']])));
    const loans = card(t('loans'));
    m.append(loans);
    later(loans, get(`/loans?${q({ borrower_id: id, limit: 100 })}`), (r) => {
      const mine = r.rows;
      const sum = mine.reduce((a, l) => a + BigInt(l.principal.replace('.', '')), 0n);
      const s = sum.toString().padStart(3, '0');
      return h('div', {}, table(mine, [['contract_no', (l) => link(`#/loan/${l.id}`, l.contract_no)], ['amount'], ['principal'], ['status'], ['category'], ['dpd'], ['matures_on']]),
        h('p', {}, `${t('exposure')}：`, h('strong', {}, money(`${s.slice(0, -2)}.${s.slice(-2)}`))));
    });
    m.append(card(t('guarantees'), table(b.guarantees || [], [['application_id', (g) => `#${g.application_id}`], ['state'], ['guarantee_type'], ['guaranteed_amount']]),
      h('p', {}, `${code('guarantees_given_total')}：`, h('strong', {}, money(b.guarantees_given_total || '0.00')))));
    borrowerCare(m, id);
    if (['manager', 'auditor', 'reviewer'].includes(session.user.role)) {
      const a = card(t('auditHistory'));
      m.append(a);
      later(a, get(`/audit?${q({ entity: 'borrower', entity_id: id, limit: 50 })}`), (r) => table(r.rows || r, [['at'], ['user'], ['action'], ['outcome']]));
    }
  },

  // The new-application wizard: each step writes to the server at once, so
  // the draft lives there between visits (its id kept in localStorage).
  async new(m, stepArg) {
    const steps = ['borrower', 'application', 'guarantors', 'collateral', 'investigation', 'schedule', 'submit'];
    const saved = JSON.parse(localStorage.getItem('loandesk.wizard') || '{}');
    const step = steps.includes(stepArg) ? stepArg : saved.step || 'borrower';
    const go = (s, extra = {}) => { localStorage.setItem('loandesk.wizard', JSON.stringify({ ...saved, ...extra, step: s })); location.hash = `#/new/${s}`; };
    const nav = h('ol', { class: 'steps', 'aria-label': t('newApplication') }, steps.map((s) => h('li', { 'aria-current': s === step ? 'step' : null }, t(`step_${s}`))));
    m.replaceChildren(h('h1', {}, `${t('newApplication')} · ${t(`step_${step}`)}`), nav);
    if (saved.app) m.append(h('p', { class: 'muted' }, t('draftKept'), ' ', link(`#/application/${saved.app}`, `#${saved.app}`)));
    const buttons = (...b) => h('div', { class: 'actions' }, ...b);
    const nextBtn = (s) => h('button', { type: 'button', onclick: () => go(s) }, t('next'));
    if (step === 'borrower') {
      const pick = h('form', { class: 'card', 'aria-label': t('chooseBorrower') }, h('h2', {}, t('chooseBorrower')), field('borrower_id', t('borrower')), buttons(h('button', { type: 'submit' }, t('next'))));
      onSubmit(pick, async (v) => { const b = await get(`/borrowers/${encodeURIComponent(v.borrower_id || '0')}`); go('application', { borrower: b.id, app: null }); });
      const nb = h('form', { class: 'card', 'aria-label': t('newBorrower') }, h('h2', {}, t('newBorrower')),
        h('div', { class: 'grid' }, field('kind', code('kind'), { type: 'select', options: [['enterprise', code('enterprise')], ['individual', code('individual')]] }),
          field('name', code('name'), { required: true }), field('credit_code', code('credit_code')), field('id_number', code('id_number')),
          field('phone', code('phone')), field('address', code('address')), field('industry', code('industry')),
          field('industry_risk_class', code('industry_risk_class'), { type: 'number' }), field('years_in_business', code('years_in_business'), { type: 'number' }),
          field('registered_capital', code('registered_capital'), { type: 'money' }), field('monthly_income', code('monthly_income'), { type: 'money' })),
        h('h3', {}, t('statements')),
        h('div', { class: 'grid' }, ['year', 'total_assets', 'total_liabilities', 'current_assets', 'current_liabilities', 'inventory', 'revenue', 'net_profit', 'operating_cash_flow']
          .map((k) => field(`fin_${k}`, code(k), { type: k === 'year' ? 'number' : 'money' }))),
        buttons(h('button', { type: 'submit' }, t('save'))));
      onSubmit(nb, async (v) => {
        const body = {};
        const fin = {};
        for (const [k, val] of Object.entries(v)) {
          if (k.startsWith('fin_')) fin[k.slice(4)] = k === 'fin_year' ? Number(val) : val;
          else body[k] = ['industry_risk_class', 'years_in_business'].includes(k) ? Number(val) : val;
        }
        if (Object.keys(fin).length) body.financials = [fin];
        const r = await post('/borrowers', body);
        go('application', { borrower: r.id, app: null });
      });
      m.append(pick, nb);
      if (saved.borrower) pick.querySelector('input').value = saved.borrower;
    } else if (step === 'application') {
      const en = document.documentElement.lang === 'en';
      const products = await get('/products').catch(() => []);
      const f = h('form', { class: 'card', 'aria-label': t('step_application') },
        h('div', { class: 'grid' }, field('borrower_id', code('borrower_id'), { type: 'number', value: saved.borrower, required: true }),
          products.length ? field('product', code('product'), { type: 'select', options: products.map((p) => [p.code, `${p.code} · ${en ? p.name_en : p.name_zh}`]) })
            : field('product', code('product'), { required: true }),
          field('amount', code('amount'), { type: 'money', required: true }),
          field('term_months', code('term_months'), { type: 'number', required: true }), field('method', code('method'), { type: 'select', options: methods(products[0]?.methods) }),
          field('purpose', code('purpose'), { required: true })),
        h('p', { class: 'muted', id: 'product-limits' }),
        buttons(h('button', { type: 'submit' }, t('next'))));
      // The chosen product's limits and methods, as the catalogue gives them.
      const limits = () => {
        const p = products.find((x) => x.code === f.querySelector('[name=product]').value);
        if (!p) return;
        f.querySelector('#product-limits').textContent = `${money(p.min_amount)} – ${money(p.max_amount)} · ${p.min_term_months}–${p.max_term_months} ${code('term_months')}`;
        const sel = f.querySelector('[name=method]');
        const keep = sel.value;
        sel.replaceChildren(...methods(p.methods).map(([v, l]) => h('option', { value: v }, l)));
        if (p.methods.includes(keep)) sel.value = keep;
      };
      if (products.length) { f.querySelector('[name=product]').addEventListener('change', limits); limits(); }
      onSubmit(f, async (v) => {
        v.borrower_id = Number(v.borrower_id); v.term_months = Number(v.term_months);
        if (saved.app) {
          const r = await fetch(`/api/v1/applications/${saved.app}`, { headers: { Accept: 'application/json' } });
          const etag = r.headers.get('ETag');
          const { borrower_id: _, ...rest } = v;
          await call('PATCH', `/applications/${saved.app}`, rest, { ifMatch: etag });
          go('guarantors');
        } else {
          const r = await post('/applications', v);
          go('guarantors', { app: r.id, amount: v.amount, term: v.term_months, method: v.method });
        }
      });
      m.append(f);
    } else if (step === 'guarantors') {
      const list = h('div');
      const f = h('form', { class: 'card', 'aria-label': t('step_guarantors') },
        h('div', { class: 'grid' }, field('kind', code('kind'), { type: 'select', options: [['enterprise', code('enterprise')], ['individual', code('individual')]] }),
          field('name', code('name'), { required: true }), field('id_number', code('id_number'), { required: true }),
          field('guarantee_type', code('guarantee_type'), { type: 'select', options: [['joint', code('joint')], ['general', code('general')]] }),
          field('guaranteed_amount', code('guaranteed_amount'), { type: 'money', required: true }), field('net_assets', code('net_assets'), { type: 'money' }),
          field('outstanding_guarantees', code('outstanding_guarantees'), { type: 'money' }), field('monthly_income', code('monthly_income'), { type: 'money' })),
        buttons(h('button', { type: 'submit' }, t('add')), nextBtn('collateral')));
      const draw = () => later(emptied(list), get(`/applications/${saved.app}/guarantors`), (r) => table(r, [['name'], ['kind'], ['guarantee_type'], ['guaranteed_amount'], ['capacity']]));
      onSubmit(f, async (v) => { await post(`/applications/${saved.app}/guarantors`, v); f.reset(); toast(t('added')); draw(); });
      m.append(f, card(t('step_guarantors'), list));
      draw();
    } else if (step === 'collateral') {
      const list = h('div');
      const types = ['real_estate', 'equipment', 'receivables', 'deposit', 'vehicle', 'land_use_right', 'inventory', 'securities'].map((c) => [c, code(c)]);
      const f = h('form', { class: 'card', 'aria-label': t('step_collateral') },
        h('div', { class: 'grid' }, field('type', code('type'), { type: 'select', options: types }),
          field('arrangement', code('arrangement'), { type: 'select', options: [['mortgage', code('mortgage')], ['pledge', code('pledge')]] }),
          field('owner_name', code('owner_name'), { required: true }), field('owner_is_borrower', code('owner_is_borrower'), { type: 'checkbox', value: true }),
          field('certificate_no', code('certificate_no'), { required: true }), field('appraised_value', code('appraised_value'), { type: 'money', required: true }),
          field('appraisal_date', code('appraisal_date'), { type: 'date', required: true }), field('appraiser', code('appraiser'), { required: true }),
          field('lien_rank', code('lien_rank'), { type: 'number', value: 1 }), field('registration_no', code('registration_no'))),
        buttons(h('button', { type: 'submit' }, t('add')), nextBtn('investigation')));
      const draw = () => later(emptied(list), get(`/applications/${saved.app}/file`), (r) => h('div', {},
        table(r.collateral || [], [['type'], ['arrangement'], ['appraised_value'], ['ltv_cap'], ['lendable_value']]),
        h('h3', {}, t('ltvVsCap')), kv(r.application.security || {})));
      onSubmit(f, async (v) => { v.lien_rank = Number(v.lien_rank || 1); await post(`/applications/${saved.app}/collateral`, v); f.reset(); toast(t('added')); draw(); });
      m.append(f, card(t('step_collateral'), list));
      draw();
    } else if (step === 'investigation') {
      const f = h('form', { class: 'card', 'aria-label': t('step_investigation') },
        field('site_visit_date', code('site_visit_date'), { type: 'date', required: true }),
        ...['operations', 'assets_liabilities', 'repayment_capacity', 'conclusion'].map((k) => field(k, code(k), { type: 'textarea', required: true })),
        buttons(h('button', { type: 'submit' }, t('save'))));
      onSubmit(f, async (v) => { await post(`/applications/${saved.app}/investigations`, v); go('schedule'); });
      m.append(f, buttons(nextBtn('schedule')));
    } else if (step === 'schedule') {
      const box = card(t('step_schedule'));
      m.append(box, buttons(h('button', { type: 'button', class: 'secondary', onclick: () => go('investigation') }, t('back')), nextBtn('submit')));
      // At the rate the policy gives this application (an indicative grade
      // before its rating), never a rate typed here.
      later(box, get(`/applications/${saved.app}/schedule?${q({ start: TODAY() })}`), (r) => h('div', {},
        h('dl', { class: 'kv', id: 'schedule-terms' }, h('dt', {}, code('principal')), h('dd', { class: 'num' }, money(r.principal)), h('dt', {}, code('term_months')), h('dd', {}, String(r.term_months)),
          h('dt', {}, code('rate')), h('dd', {}, r.rate), h('dt', {}, t('grade')), h('dd', {}, r.grade || '—'), h('dt', {}, t('rateSource')), h('dd', {}, code(r.rate_source))),
        table(r.installments || [], [['n'], ['due'], ['payment'], ['principal'], ['interest'], ['balance']])));
    } else {
      const a = await get(`/applications/${saved.app}/file`);
      const f = h('form', { class: 'card', 'aria-label': t('step_submit') }, kv(a.application, ['security']), buttons(h('button', { type: 'submit' }, t('submit'))));
      onSubmit(f, async () => { await post(`/applications/${saved.app}/submit`); localStorage.removeItem('loandesk.wizard'); location.hash = `#/application/${saved.app}`; });
      const docs = h('div', {});
      m.append(docs, f);
      drawChecklist(docs, saved.app);
    }
  },

  // One application: the whole file beside the rating report, with the
  // reviewer's and manager's actions.
  async application(m, id) {
    const file = await get(urls.file(id));
    const a = file.application;
    m.replaceChildren(h('h1', {}, `${t('applications')} #${a.id} · ${a.borrower} · ${code(a.state)}`));
    const left = card(t('wholeFile'), kv(a, ['security']), h('h3', {}, code('guarantors')), table(file.guarantors, [['name'], ['guarantee_type'], ['guaranteed_amount'], ['capacity']]),
      h('h3', {}, t('step_collateral')), table(file.collateral, [['type'], ['arrangement'], ['appraised_value'], ['ltv_cap'], ['lendable_value']]),
      h('h3', {}, t('ltvVsCap')), kv(a.security || {}), h('h3', {}, t('step_investigation')), table(file.investigations, [['site_visit_date'], ['conclusion'], ['recorded_by']]));
    const right = card(t('ratingReport'));
    m.append(h('div', { class: 'split' }, left, right));
    const acts = h('div', { class: 'actions' });
    right.append(acts);
    const role = session.user.role;
    const act = (label, fn, cls) => acts.append(h('button', { type: 'button', class: cls, onclick: fn }, label));
    const refresh = () => rerender();
    if (role === 'officer' && a.state === 'draft') act(t('submit'), async () => { try { await post(`/applications/${id}/submit`); refresh(); } catch (e) { showError(acts, e); } });
    if (['reviewer', 'manager'].includes(role) && a.state === 'submitted') act(t('rate'), async () => { try { await post(`/applications/${id}/rating`); refresh(); } catch (e) { showError(acts, e); } });
    if (['reviewer', 'manager'].includes(role) && ['rated', 'referred'].includes(a.state)) {
      act(t('approve'), () => reasonDialog(t('approve'), async (v) => { await post(`/applications/${id}/approve`, v); refresh(); }));
      act(t('reject'), () => reasonDialog(t('reject'), async (v) => { await post(`/applications/${id}/reject`, v); refresh(); }), 'danger');
      if (role === 'reviewer' && (file.decisions || []).at(-1)?.action !== 'app.refer') {
        act(t('refer'), () => reasonDialog(t('refer'), async (v) => { await post(`/applications/${id}/refer`, v); refresh(); }), 'secondary');
      }
      act(t('override'), () => reasonDialog(t('override'), async (v) => { await post(`/applications/${id}/rating/override`, v); refresh(); },
        [field('grade', t('grade'), { type: 'select', options: ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'].map((g) => [g, g]) })]), 'secondary');
    }
    if (['reviewer', 'manager'].includes(role) && ['submitted', 'rated'].includes(a.state)) {
      act(t('returnApp'), () => reasonDialog(t('returnApp'), async (v) => { await post(`/applications/${id}/return`, v); refresh(); }), 'secondary');
    }
    if (role === 'manager' && a.state === 'approved') act(t('disburse'), async () => { try { const l = await post(`/applications/${id}/loan`, { date: TODAY() }); location.hash = `#/loan/${l.id}`; } catch (e) { showError(acts, e); } });
    if (['draft', 'submitted'].includes(a.state)) { right.append(h('p', { class: 'muted' }, t('none'))); return; }
    if (file.rating) right.append(ratingReport(file.rating, a, file.authority));
    else later(right, get(`/applications/${id}/rating`), (r) => ratingReport(r, a, file.authority));
  },

  async loans(m, preset) {
    const list = h('div');
    const f = h('form', { class: 'card', role: 'search', 'aria-label': t('filter') },
      h('div', { class: 'grid' }, field('state', code('status'), { type: 'select', options: [['', '—'], ...['active', 'overdue', 'settled', 'written_off'].map((s) => [s, code(s)])] }),
        field('category', code('category'), { type: 'select', options: [['', '—'], ...['normal', 'special_mention', 'substandard', 'doubtful', 'loss'].map((s) => [s, code(s)])] }),
        field('min_dpd', t('minDpd'), { type: 'number', value: preset === 'overdue' ? 1 : '' }), field('officer', code('officer')), field('product', code('product')),
        field('maturing_before', t('maturingBefore'), { type: 'date' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('filter'))));
    const cols = [['contract_no', (r) => link(`#/loan/${r.id}`, r.contract_no)], ['borrower'], ['officer'], ['product'], ['amount'], ['principal'], ['status'], ['category'], ['dpd'], ['next_due'], ['matures_on']];
    const run = (v) => pagedList(list, (after) => get(`/loans?${q({ ...v, limit: 20, after })}`), cols);
    onSubmit(f, async (v) => run(v));
    m.replaceChildren(h('h1', {}, `${t('loans')}（${t('ledger')}）`), f, list);
    pagedList(list, (after) => get(after ? `/loans?${q({ ...(preset === 'overdue' ? { min_dpd: 1 } : {}), limit: 20, after })}` : urls.loans(preset)), cols);
  },

  async loan(m, id) {
    const l = await get(urls.loan(id));
    m.replaceChildren(h('h1', {}, `${t('loan')} ${l.contract_no} · ${code(l.status)} · ${code(l.category)}`));
    m.append(h('div', { class: 'split' }, card(t('details'), kv(l)), card(t('balances'), kv(l.balances || {}))));
    m.append(card(t('schedule'), table(l.schedule, [['n'], ['due'], ['principal'], ['paid_principal'], ['interest'], ['paid_interest'], ['penalty'], ['state']])));
    const reps = l.repayments || [];
    m.append(card(t('repayments'), table(reps, Object.keys(reps[0] || {}).filter((k) => typeof reps[0][k] !== 'object').map((k) => [k]))));
    if (l.accruals) m.append(card(t('accruals'), table(l.accruals, Object.keys(l.accruals[0] || {}).map((k) => [k]))));
    if (l.category_history) m.append(card(t('categoryHistory'), table(l.category_history, Object.keys(l.category_history[0] || {}).map((k) => [k]))));
    if (l.inspections) m.append(card(t('inspections'), table(l.inspections, Object.keys(l.inspections[0] || {}).map((k) => [k]))));
    if (['officer', 'manager'].includes(session.user.role) && l.status !== 'settled') {
      const f = h('form', { class: 'card', 'aria-label': t('recordRepayment') }, h('h2', {}, t('recordRepayment')),
        h('div', { class: 'grid' }, field('amount', t('amount'), { type: 'money', required: true }), field('date', t('date'), { type: 'date', value: TODAY(), required: true })),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('save'))));
      onSubmit(f, async (v) => { await post(`/loans/${id}/repayments`, v); toast(t('saved')); rerender(); });
      m.append(f);
      m.append(h('p', {}, link(`#/inspect/${id}`, t('inspectionForm'))));
    }
  },

  async inspections(m) {
    const box = card(t('inspectionsDue'));
    m.replaceChildren(h('h1', {}, t('inspections')), box);
    later(box, get(urls.due()), (r) => table(r, [['contract_no', (x) => link(`#/inspect/${x.loan_id}`, x.contract_no)], ['borrower'], ['officer'], ['category'], ['due'], ['days_overdue'], ['last_inspection']]));
  },

  async inspect(m, loanId) {
    const cats = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'].map((c) => [c, code(c)]);
    const f = h('form', { class: 'card', 'aria-label': t('inspectionForm') },
      h('div', { class: 'grid' }, field('kind', code('kind'), { type: 'select', options: ['first', 'routine', 'special'].map((k) => [k, code(k)]) }),
        field('date', t('date'), { type: 'date', value: TODAY(), required: true }), field('site_visit', code('site_visit'), { type: 'checkbox', value: true }),
        field('recommended_category', code('recommended_category'), { type: 'select', options: cats }), field('next_inspection', code('next_inspection'), { type: 'date' })),
      ...['operations', 'repayment_capacity', 'repayment_behaviour', 'findings', 'category_reason', 'measures'].map((k) => field(k, code(k), { type: 'textarea' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('recordInspection'))));
    onSubmit(f, async (v) => { v.risk_signals = []; await post(`/loans/${loanId}/inspections`, v); toast(t('saved')); location.hash = `#/loan/${loanId}`; });
    m.replaceChildren(h('h1', {}, `${t('inspectionForm')} · ${t('loan')} #${loanId}`), f);
  },

  async reports(m) {
    const out = h('div', { 'aria-live': 'polite' });
    const f = h('form', { class: 'card', 'aria-label': t('reports') },
      h('div', { class: 'grid' }, field('kind', code('report_kind'), { type: 'select', options: [['portfolio', code('portfolio')], ['ledger', code('loan_ledger')], ['rating', code('rating')], ['inspection', code('inspection')]] }),
        field('date', t('date'), { type: 'date', value: TODAY() }), field('application_id', code('id'), { type: 'number' }), field('loan_id', code('loan_id'), { type: 'number' }),
        field('key_password', t('keyPassword'), { type: 'password', autocomplete: 'current-password' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('generate'))));
    onSubmit(f, async (v) => {
      for (const k of ['application_id', 'loan_id']) if (v[k]) v[k] = Number(v[k]);
      if (v.kind !== 'portfolio') delete v.date;
      if (!v.key_password) v.no_sign = true;
      v.lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
      const r = await post('/reports', v);
      out.replaceChildren(h('div', { class: 'ok', role: 'status' }, r.file),
        h('p', {}, h('a', { href: r.download, download: r.file, id: 'dl-book' }, t('download')), ' ',
          r.signature_download ? h('a', { href: r.signature_download, download: `${r.file}.p7s`, id: 'dl-sig' }, t('downloadSig')) : null));
    });
    m.replaceChildren(h('h1', {}, t('reports')), f, out);
  },

  async audit(m) {
    m.replaceChildren(h('h1', {}, t('audit')));
    const af = h('form', { class: 'card', 'aria-label': t('trustAnchor') }, h('h2', {}, t('trustAnchor')),
      field('ca_fingerprint', t('caFingerprint'), { value: anchor(), required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('save'))));
    onSubmit(af, async (v) => { localStorage.setItem(ANCHOR_KEY, v.ca_fingerprint.trim().toLowerCase()); rerender(); });
    m.append(af);
    const st = card(t('ledgerStatus'));
    m.append(st);
    if (anchor()) later(st, get(withAnchor('/ledger/verify')), (r) => kv(r));
    else st.append(h('p', { role: 'status' }, t('anchorMissing')));
    const pf = h('form', { class: 'card', 'aria-label': t('inclusionProof') }, h('h2', {}, t('inclusionProof')), field('index', t('entryIndex'), { type: 'number', required: true, value: 1 }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('open'))));
    const proofOut = h('div');
    pf.append(proofOut);
    onSubmit(pf, async (v) => {
      const p = await get(`/ledger/proofs/inclusion?${q({ index: v.index })}`);
      const ok = await post(withAnchor('/ledger/proofs/verify'), p);
      proofOut.replaceChildren(h('div', { class: ok.holds ? 'ok' : 'error', role: 'status' }, `${code('holds')}: ${code(ok.holds)}`), kv(p));
    });
    const vf = h('form', { class: 'card', 'aria-label': t('verifyUpload') }, h('h2', {}, t('verifyUpload')),
      field('workbook', t('workbookFile'), { type: 'file', required: true }), field('signature', t('signatureFile'), { type: 'file', required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('verifyUpload'))));
    const vOut = h('div', { 'aria-live': 'polite' });
    vf.append(vOut);
    onSubmit(vf, async () => {
      vOut.replaceChildren();
      const b64 = async (input) => { const bytes = new Uint8Array(await input.files[0].arrayBuffer()); let s = ''; for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000)); return btoa(s); };
      const [wb, sig] = vf.querySelectorAll('input[type=file]');
      try {
        const r = await post(withAnchor('/workbooks/verify'), { workbook: await b64(wb), signature: await b64(sig) });
        vOut.replaceChildren(h('div', { class: 'ok', role: 'status', id: 'verify-result' }, t('verified')), kv(r));
      } catch (e) {
        vOut.replaceChildren(h('div', { class: 'error', role: 'alert', id: 'verify-result' }, `${t('verifyFailed')}: ${errorText(e.problem)}`));
      }
    });
    m.append(pf, vf);
    if (session.user.role === 'manager') {
      const cf = h('form', { class: 'card', 'aria-label': t('checkpoint') }, h('h2', {}, t('checkpoint')),
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('checkpoint'))));
      onSubmit(cf, async (v) => { const r = await post('/ledger/checkpoints', v); cf.append(h('div', { class: 'ok', role: 'status' }, `${t('checkpoint')}: ${r.size}`)); });
      m.append(cf);
    }
    const tb = card(t('auditHistory'));
    m.append(tb);
    later(tb, get('/audit?limit=50'), (r) => table(r.rows || r, [['at'], ['user'], ['action'], ['entity'], ['entity_id'], ['outcome']]));
  },

  async admin(m) {
    const users = card(t('users'));
    m.replaceChildren(h('h1', {}, t('admin')), users);
    const draw = () => later(emptied(users, h('h2', {}, t('users'))), get('/users'), (r) => table(r, [...Object.keys(r[0] || {}).filter((k) => typeof r[0][k] !== 'object').map((k) => (k === 'active' ? [k, null, t('active')] : [k])),
      ['actions', (u) => h('span', {}, h('button', { type: 'button', class: 'secondary', onclick: async () => { await post(`/users/${u.username}/unlock`); toast(t('saved')); draw(); } }, `${t('unlock')} ${u.username}`), ' ',
        h('button', { type: 'button', class: 'danger', onclick: () => reasonDialog(`${t('revoke')} ${u.username}`, async (v) => { await post(`/users/${u.username}/revoke`, v); draw(); }) }, `${t('revoke')} ${u.username}`))]]));
    draw();
    const out = h('div', { 'aria-live': 'polite' });
    const pf = h('form', { class: 'card', 'aria-label': t('policyCheck') }, h('h2', {}, `${t('policyCheck')} / ${t('policyLoad')}`),
      field('policy', t('policyFile'), { type: 'file', required: true }),
      h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'check' }, t('policyCheck')), h('button', { type: 'button', class: 'secondary', id: 'policy-load' }, t('policyLoad'))), out);
    const read = async () => JSON.parse(await pf.querySelector('input[type=file]').files[0].text());
    // The check's findings (lists) below its summary.
    const findings = (r) => h('div', {}, kv(r), ...Object.entries(r).filter(([, v]) => v && typeof v === 'object')
      .map(([k, v]) => h('div', {}, h('h3', {}, code(k)), h('ul', {}, (Array.isArray(v) ? v : [v]).map((x) => h('li', {}, typeof x === 'string' ? x : JSON.stringify(x)))))));
    onSubmit(pf, async () => { out.replaceChildren(findings(await post('/policy/check', await read()))); });
    pf.querySelector('#policy-load').addEventListener('click', async () => {
      clearErrors(pf);
      try { out.replaceChildren(h('div', { class: 'ok', role: 'status' }, t('saved')), kv(await post('/policy', { policy: await read() }))); } catch (e) { showError(pf, e); }
    });
    m.append(pf);
  },
};

// The rating report: score, grade, PD, factor points as SVG bars (attributes
// only: the CSP allows no inline style), reason codes, proposed against
// requested terms, and the authority left.
function ratingReport(shown, a, authority) {
  const r = shown.model || shown;
  const en = document.documentElement.lang === 'en';
  const fs = r.factors || [];
  const rowH = 22, labelW = 190, barW = 260;
  const max = Math.max(1, ...fs.map((f) => f.best_points || 0));
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const s = (tag, attrs, text) => { const e = document.createElementNS('http://www.w3.org/2000/svg', tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; return e; };
  svg.setAttribute('viewBox', `0 0 ${labelW + barW + 70} ${fs.length * rowH + 4}`);
  svg.setAttribute('class', 'bars');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('factors'));
  fs.forEach((f, i) => {
    const y = i * rowH + 2;
    svg.append(s('text', { x: 0, y: y + 15 }, en ? f.en : f.zh),
      s('rect', { class: 'best', x: labelW, y, width: Math.round((barW * (f.best_points || 0)) / max), height: rowH - 6 }),
      s('rect', { class: 'got', x: labelW, y, width: Math.round((barW * Math.max(0, f.points)) / max), height: rowH - 6 }),
      s('text', { x: labelW + barW + 6, y: y + 15 }, `${f.points}/${f.best_points}`));
  });
  const reasons = [...(r.knockouts || []), ...(r.reasons || [])];
  // The authority as the server judges approval (the file's "authority").
  const au = authority || { limit: session.user.authority_limit, amount: a.amount, left: '', within: true };
  return h('div', {},
    h('dl', { class: 'kv' }, h('dt', {}, t('score')), h('dd', {}, String(r.score)), h('dt', {}, t('grade')), h('dd', {}, shown.effective_grade && shown.effective_grade !== r.grade ? `${shown.effective_grade}（${code('model')} ${r.grade}）` : r.grade),
      h('dt', {}, t('pd')), h('dd', {}, `${r.pd}%`), h('dt', {}, code('decision')), h('dd', {}, code(r.decision))),
    h('h3', {}, t('factors')), svg,
    h('table', { class: 'factors-table' }, h('caption', { class: 'muted' }, t('factors')), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, code('name')), h('th', { scope: 'col' }, t('bin')), h('th', { scope: 'col', class: 'num' }, t('score')))),
      h('tbody', {}, fs.map((f) => h('tr', {}, h('td', {}, en ? f.en : f.zh), h('td', {}, f.bin), h('td', { class: 'num' }, `${f.points}/${f.best_points}`))))),
    h('h3', {}, t('reasons')), reasons.length ? h('ul', {}, reasons.map((x) => h('li', {}, typeof x === 'string' ? x : `${x.code}：${(en ? x.en : x.zh) || ''}`))) : h('p', { class: 'muted' }, t('none')),
    h('h3', {}, `${t('proposed')} / ${t('requested')}`),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }), h('th', { scope: 'col', class: 'num' }, t('proposed')), h('th', { scope: 'col', class: 'num' }, t('requested')))),
      h('tbody', {}, h('tr', {}, h('th', { scope: 'row' }, code('amount')), h('td', { class: 'num' }, money(r.recommended_amount)), h('td', { class: 'num' }, money(a.amount))),
        h('tr', {}, h('th', { scope: 'row' }, code('term_months')), h('td', { class: 'num' }, String(r.recommended_term_months)), h('td', { class: 'num' }, String(a.term_months))),
        h('tr', {}, h('th', { scope: 'row' }, code('rate')), h('td', { class: 'num' }, r.rate), h('td', { class: 'num' }, '—')))),
    h('h3', {}, t('authorityLeft')),
    h('dl', { class: 'kv', id: 'authority' }, h('dt', {}, t('authorityLimit')), h('dd', { class: 'num' }, money(au.limit)),
      h('dt', {}, t('authorityAmount')), h('dd', { class: 'num' }, money(au.amount)),
      h('dt', {}, t('authorityLeft')), h('dd', { class: 'num' }, h('strong', {}, money(au.left)))),
    h('p', { class: au.within ? 'ok' : 'error' }, au.within ? t('withinAuthority') : t('beyondAuthority')),
    au.manager_required ? h('p', { class: 'muted' }, t('managerRequired')) : null,
    au.own_file ? h('p', { class: 'muted' }, t('ownFile')) : null,
    (shown.overrides || []).length ? h('div', {}, h('h3', {}, t('override')), table(shown.overrides, Object.keys(shown.overrides[0]).filter((k) => typeof shown.overrides[0][k] !== 'object').map((k) => [k]))) : null);
}
