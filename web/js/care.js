// care.js - the screens of collection (清收) and customer care: the
// officer's collection list and a case with its stages, actions, promises
// and recoveries; complaints (投诉) and the manager's overdue list; visits
// (走访) on the borrower view; the churn warning (流失预警); documents
// expiring soon on the workbench. Every rule is the server's: the forms send
// what was typed and show the refusal beside the field it names.
import { t, code } from './i18n.js';
import { get, post } from './api.js';
import { h, table, kv, field, formDialog, toast } from './ui.js';
import { session, rerender } from './app.js';
import { card, link, later, onSubmit, q, TODAY } from './screens.js';

const stage = (s) => (s ? t(`stage_${s}`) : '');
const can = (...roles) => roles.includes(session.user.role);
const caseLink = (r) => link(`#/case/${r.id}`, `#${r.id}`);
const borrowerLink = (r) => link(`#/borrower/${r.borrower_id}`, r.borrower);
const loanLink = (r) => link(`#/loan/${r.loan_id}`, r.contract_no ?? `#${r.loan_id}`);
const actions = (...b) => h('div', { class: 'actions' }, ...b);
const submit = (label) => actions(h('button', { type: 'submit' }, label));
// A small form card (its aria-label its title) whose values go to send:
// short fields side by side, texts below them at full width.
const recordForm = (title, fields, send) => {
  const long = (f) => f.querySelector('textarea') !== null;
  return onSubmit(h('form', { class: 'card', 'aria-label': title }, h('h2', {}, title),
    h('div', { class: 'grid' }, ...fields.filter((f) => !long(f))), ...fields.filter(long), submit(t('save'))), send);
};

// The choices of a select, each a code shown in the page's language.
const choices = (list) => list.map((c) => [c, code(c)]);
const ACTION_KINDS = ['call', 'sms', 'letter', 'visit', 'guarantor_demand', 'legal_filing'];
const CHANNELS = ['phone', 'counter', 'letter', 'online', 'regulator'];

// The documents lapsing within 30 days (or lapsed) of the customers the user
// may see: the officer renews them before they gate anything.
export function expiringCard() {
  const box = card(t('expiringDocs'));
  later(box, get('/archive/expiring?days=30'), (r) => table(r, [
    ['borrower_id', (d) => link(`#/borrower/${d.borrower_id}`, `#${d.borrower_id}`)], ['type'], ['file_name'], ['expires'],
    ['days_left', (d) => (d.lapsed ? h('span', { class: 'badge bad' }, t('lapsed')) : String(d.days_left))],
    ['application_id', (d) => (d.application_id ? link(`#/application/${d.application_id}`, `#${d.application_id}`) : '')], ['uploaded_by'], ['uploaded_at']]));
  return box;
}

// The borrower view's visits and complaints: lists and the forms to add.
// (The forms are offered to whom docs/care.md gives the operation; the
// server decides all the same.)
export function borrowerCare(m, id) {
  const visits = card(t('visits'));
  m.append(visits);
  later(visits, get(`/borrowers/${id}/visits`), (r) => table(r, [['date'], ['people', null, t('people')], ['purpose', null, t('visitPurpose')],
    ['findings', null, t('visitFindings')], ['follow_up', null, t('followUp')], ['recorded_by']]));
  if (can('officer')) {
    m.append(recordForm(t('addVisit'), [field('date', t('date'), { type: 'date', value: TODAY(), required: true }), field('people', t('people'), { required: true }),
      field('purpose', t('visitPurpose'), { type: 'textarea', required: true }), field('findings', t('visitFindings'), { type: 'textarea', required: true }),
      field('follow_up', t('followUp'), { type: 'textarea' })], async (v) => { await post(`/borrowers/${id}/visits`, v); toast(t('added')); rerender(); }));
    m.append(recordForm(t('addComplaint'), [field('channel', t('channel'), { type: 'select', options: choices(CHANNELS) }),
      field('received_on', t('received'), { type: 'date', value: TODAY() }), field('text', t('complaintText'), { type: 'textarea', required: true })],
    async (v) => { await post(`/borrowers/${id}/complaints`, v); toast(t('added')); location.hash = '#/complaints'; }));
  }
}

// A button opening a dialog of one text (labelled asking), posted to the
// complaint's route (assign, respond, close).
const complaintStep = (c, route, name, label, asking) => h('button', { type: 'button', class: 'secondary', 'aria-label': `${label} #${c.id}`,
  onclick: () => formDialog(`${label} #${c.id}`, [field(name, asking, { type: name === 'to' ? 'text' : 'textarea', required: true })],
    async (v) => { await post(`/complaints/${c.id}/${route}`, v); toast(t('saved')); rerender(); }) }, label);

export const careScreens = {
  // Open cases, by days past due then the amount overdue (the server's order).
  async collection(m, scope) {
    const all = scope === 'all';
    const rows = await get(`/collection?${q({ all })}`);
    m.replaceChildren(h('h1', {}, `${t('collection')} · ${all ? t('includeClosed') : t('openCases')}`),
      h('p', {}, link(all ? '#/collection' : '#/collection/all', all ? t('openOnly') : t('includeClosed'))),
      table(rows, [['id', caseLink], ['contract_no', loanLink], ['borrower', borrowerLink], ['dpd'], ['overdue', null, t('overdueAmount')],
        ['stage', (r) => stage(r.stage)], ['stage_since'], ['promise_due', null, t('promiseDue')], ['officer'], ['opened_on'], ...(all ? [['outcome']] : [])]));
  },

  async case(m, id) {
    const c = await get(`/collection/${id}`);
    const open = !c.closed_on;
    m.replaceChildren(h('h1', {}, `${t('collectionCase')} #${c.id} · ${stage(c.stage)}${open ? '' : ` · ${code(c.outcome)}`}`),
      h('p', {}, link(`#/loan/${c.loan_id}`, `${t('loan')} ${c.contract_no}`), ' · ', link(`#/borrower/${c.borrower_id}`, c.borrower)));
    m.append(h('div', { class: 'split' }, card(t('details'), kv({ ...c, stage: stage(c.stage), overdue: undefined, overdue_amount: c.overdue }, ['borrower_id', 'loan_id', 'overdue'])),
      card(t('stageHistory'), table(c.stages, [['date'], ['stage', (r) => stage(r.stage)], ['dpd']]))));
    m.append(card(t('collectionActions'), table(c.actions, [['date'], ['kind'], ['outcome', (r) => r.outcome], ['next_step'], ['next_date'], ['recorded_by']])));
    m.append(card(t('promises'), table(c.promises, [['made_on'], ['amount'], ['due_on'], ['status'], ['paid', null, t('promisePaid')], ['settled_on']])));
    m.append(card(t('recoveries'), table(c.recoveries, [['date'], ['guarantor'], ['amount'], ['repayment_id']])));
    // The guarantors of the loan's application, with what was recovered from
    // each and the capacity left.
    const guarantors = h('div');
    m.append(guarantors);
    const file = get(`/loans/${c.loan_id}`).then((l) => (l.application_id ? get(`/applications/${l.application_id}/file`) : {}))
      .then((f) => f.guarantors || f.application?.guarantors || []);
    later(guarantors, file, (gs) => card(t('step_guarantors'), table(gs, [['name'], ['guarantee_type'], ['guaranteed_amount'], ['net_assets'], ['recovered'], ['capacity']])));
    if (!open) { m.append(h('p', { class: 'muted' }, t('caseClosed'))); return; }
    const send = (path) => async (v) => { await post(`/collection/${id}/${path}`, v); toast(t('saved')); rerender(); };
    if (can('officer')) m.append(h('div', { class: 'split' },
      recordForm(t('recordAction'), [field('kind', code('kind'), { type: 'select', options: choices(ACTION_KINDS) }), field('date', t('date'), { type: 'date', value: TODAY() }),
        field('outcome', code('outcome'), { type: 'textarea', required: true }), field('next_step', t('nextStep'), { type: 'textarea' }),
        field('next_date', t('nextDate'), { type: 'date' })], send('actions')),
      recordForm(t('recordPromise'), [field('amount', t('amount'), { type: 'money', required: true }), field('date', t('promiseDue'), { type: 'date', required: true })], send('promises'))));
    if (can('officer', 'manager')) {
      const rec = h('div');
      m.append(rec);
      later(rec, file, (gs) => recordForm(t('recordRecovery'), [field('guarantor_id', t('guarantorId'), { type: 'select', options: gs.map((g) => [g.id, g.name]) }),
        field('amount', t('amount'), { type: 'money', required: true }), field('date', t('date'), { type: 'date', value: TODAY(), required: true })], send('recoveries')));
    }
  },

  // Open complaints, soonest deadline first; 'overdue' is the manager's list.
  async complaints(m, which) {
    const params = { overdue: which === 'overdue' || null, all: which === 'all' || null };
    const rows = await get(`/complaints?${q(params)}`);
    const tabs = [['#/complaints', 'openComplaints'], ['#/complaints/overdue', 'overdueComplaints'], ['#/complaints/all', 'allComplaints']];
    const here = `#/complaints${which ? `/${which}` : ''}`;
    m.replaceChildren(h('h1', {}, `${t('complaints')} · ${t(tabs.find(([href]) => href === here)?.[1] || 'openComplaints')}`),
      h('nav', { 'aria-label': t('complaints') }, h('ul', { class: 'tabs' }, tabs.map(([href, key]) => h('li', {}, h('a', { href, 'aria-current': href === here ? 'page' : null }, t(key)))))),
      table(rows, [['id', (c) => `#${c.id}`], ['borrower', borrowerLink], ['channel'], ['received_on'], ['deadline'],
        ['past_deadline', (c) => (c.past_deadline ? h('span', { class: 'badge bad' }, t('pastDeadline')) : '')], ['assigned_to'],
        ['text', (c) => c.text, t('complaintText')], ['response'], ['feedback'], ['closed_on'],
        ['actions', (c) => (c.closed_on ? '' : h('span', { class: 'row-actions' },
          can('manager') ? complaintStep(c, 'assign', 'to', t('assign'), t('assignTo')) : null,
          c.response ? complaintStep(c, 'close', 'feedback', t('closeComplaint'), t('feedback')) : complaintStep(c, 'respond', 'response', t('respond'), t('response'))))]]));
  },

  async churn(m) {
    const rows = await get('/churn');
    m.replaceChildren(h('h1', {}, t('churn')), table(rows, [['borrower', borrowerLink], ['officer'], ['reason', (r) => t(`churn_${r.reason}`), code('reason')],
      ['since'], ['loan_id', (r) => (r.loan_id ? link(`#/loan/${r.loan_id}`, `#${r.loan_id}`) : '')], ['prepaid']]));
  },
};

// The workbench tiles of care: open cases and complaints past deadline.
export function careTiles(tile, role) {
  const count = (p) => get(p).then((r) => r.length);
  if (role === 'officer' || role === 'manager') tile('openCases', '#/collection', count('/collection'));
  if (role === 'manager') tile('overdueComplaints', '#/complaints/overdue', count('/complaints?overdue=true'));
  else if (role === 'officer') tile('openComplaints', '#/complaints', count('/complaints'));
}
