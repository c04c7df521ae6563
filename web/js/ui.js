// ui.js - small helpers that build the DOM without inline style or script
// (the pages' CSP allows neither): elements, tables, labelled fields, server
// errors shown beside the field they name, and dialogs.
import { t, code, money, date, errorText } from './i18n.js';

export function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}

const MONEY = /^(amount|principal|interest|fee|penalty|payment|balance|paid_.*|.*_value|.*_amount|.*_assets|.*_liabilities|revenue|net_profit|operating_cash_flow|registered_capital|.*capacity|prior_claims|outstanding_guarantees|inventory|monthly_income|authority_limit|payoff|.*_due|.*_overdue|.*_accrued|compound|exposure|total|guaranteed|collateral_.*|max_amount|recommended_amount|overdue|prepaid|paid|recovered)$/;
const DATE = /(_on|_at|^at|date|^due|_due$|next_inspection|time|deadline|^since|^expires)$/;
// Fields whose values are codes to translate; other text is shown as it is.
const CODE = /^(state|status|kind|type|method|category|category_floor|role|arrangement|guarantee_type|decision|outcome|recommended_category|entity|period|fee_method|blocklisted|owner_is_borrower|site_visit|in_ledger|revocation_checked|holds|lending_allowed|short|channel)$/;
const text = (k, v) => (typeof v === 'boolean' || CODE.test(k) ? code(v) : v === null || v === undefined ? '' : String(v));
// A time as seconds since 1970, or an ISO text, as YYYY-MM-DD HH:MM (UTC).
const when = (v) => (typeof v === 'number' && v > 1e9 ? date(new Date(v * 1000).toISOString()) : date(v));
export const isMoney = (k, v) => typeof v === 'string' && MONEY.test(k) && /^-?\d+\.\d{2}$/.test(v);

export function cell(k, v) {
  if (isMoney(k, v)) return h('td', { class: 'num' }, money(v));
  if (DATE.test(k) && v) return h('td', { class: 'date' }, when(v));
  if (typeof v === 'number') return h('td', { class: 'num' }, String(v));
  if (v && typeof v === 'object') return h('td', {}, JSON.stringify(v));
  return h('td', {}, text(k, v));
}

// A table wider than its box scrolls sideways inside it (at 200 % zoom, say);
// the keyboard must reach that scroll too, so the box takes the focus then.
const overflow = new ResizeObserver((seen) => {
  for (const { target } of seen) {
    if (target.scrollWidth > target.clientWidth) target.setAttribute('tabindex', '0'); else target.removeAttribute('tabindex');
  }
});

// A table of rows with the columns given ([key], [key, render(row)] or
// [key, render, header]).
export function table(rows, cols, caption) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted' }, t('none'));
  const head = h('tr', {}, cols.map(([k, , label]) => h('th', { scope: 'col', class: MONEY.test(k) ? 'num' : null }, label ?? code(k))));
  const body = rows.map((r) => h('tr', {}, cols.map(([k, f]) => (f ? h('td', {}, f(r)) : cell(k, r[k])))));
  const wrap = h('div', { class: 'table-wrap' }, h('table', {}, caption ? h('caption', { class: 'muted' }, caption) : null, h('thead', {}, head), h('tbody', {}, body)));
  overflow.observe(wrap);
  return wrap;
}

// A definition list of an object's plain fields.
export function kv(obj, skip = []) {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(obj || {})) {
    if (skip.includes(k) || (v && typeof v === 'object')) continue;
    const shown = isMoney(k, v) ? money(v) : DATE.test(k) ? when(v) : text(k, v);
    dl.append(h('dt', {}, code(k)), h('dd', { class: isMoney(k, v) ? 'num' : null }, shown));
  }
  return dl;
}

let uid = 0;
// A labelled input; type 'select' takes options [[value, label]], 'textarea' a text area.
export function field(name, label, { type = 'text', value = '', options, required, autocomplete, min } = {}) {
  const id = `f-${name}-${++uid}`;
  let input;
  if (type === 'select') {
    input = h('select', { id, name, required }, options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value) ? true : null }, l)));
  } else if (type === 'textarea') {
    input = h('textarea', { id, name, required });
    input.value = value ?? '';
  } else {
    // Dates are typed as YYYY-MM-DD whatever the browser's locale would
    // show in a date picker; money as decimal text (never a binary number).
    const kind = type === 'date' || type === 'money' ? 'text' : type;
    input = h('input', { id, name, type: kind, required, autocomplete, min, inputmode: type === 'money' ? 'decimal' : null,
      placeholder: type === 'date' ? 'YYYY-MM-DD' : null, pattern: type === 'date' ? '\\d{4}-\\d{2}-\\d{2}' : null });
    if (type === 'checkbox') input.checked = !!value; else input.value = value ?? '';
  }
  const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  input.setAttribute('aria-describedby', `${id}-err`);
  return h('div', { class: 'fld', 'data-field': name }, h('label', { for: id }, label), input, err);
}

// The form's values; checkboxes as booleans, empty fields left out.
export function values(form, numbers = []) {
  const out = {};
  for (const el of form.querySelectorAll('input[name],select[name],textarea[name]')) {
    if (el.type === 'checkbox') { out[el.name] = el.checked; continue; }
    if (el.value === '') continue;
    out[el.name] = numbers.includes(el.name) ? Number(el.value) : el.value;
  }
  return out;
}

export function clearErrors(root) {
  for (const e of root.querySelectorAll('.field-error')) { e.hidden = true; e.textContent = ''; }
  for (const e of root.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  for (const e of root.querySelectorAll('.error.form-error')) e.remove();
}

// Shows the server's refusal: beside the field it names when the form has
// it, else at the top of the form.
export function showError(root, err) {
  const p = err?.problem;
  const name = p?.field ? p.field.replace(/^.*\./, '').replace(/\[\d+\]$/, '') : null;
  const fld = name ? root.querySelector(`[data-field="${name}"]`) : null;
  if (fld) {
    const input = fld.querySelector('input,select,textarea');
    const e = fld.querySelector('.field-error');
    input.setAttribute('aria-invalid', 'true');
    e.textContent = errorText(p);
    e.hidden = false;
    input.focus();
    return;
  }
  root.prepend(h('div', { class: 'error form-error', role: 'alert' }, errorText(p)));
}

export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  setTimeout(() => { if (el.textContent === text) el.textContent = ''; }, 4000);
}

// A modal dialog of fields; resolves when onOk succeeds, shows the
// server's refusal in the dialog (beside the field it names) otherwise.
// precheck(values) may return a problem to show without asking the server.
export function formDialog(title, fields, onOk, precheck = () => null) {
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', {}, title), ...fields,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('submit')), h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close() }, t('cancel'))));
  const dlg = h('dialog', { 'aria-label': title }, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const v = values(form);
    const p = precheck(v);
    if (p) { showError(form, { problem: p }); return; }
    try { await onOk(v); dlg.close(); dlg.remove(); } catch (e) { showError(form, e); }
  });
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

// A modal dialog with a required reason (and more fields).
export function reasonDialog(title, onOk, extra = []) {
  return formDialog(title, [...extra, field('reason', t('reason'), { type: 'textarea', required: true })], onOk,
    (v) => (v.reason ? null : { status: 422, field: 'reason', detail: t('reasonRequired') }));
}

// A paged list: loads pages from the server with ?limit&after.
export function pagedList(container, load, cols) {
  const cursors = [];
  const show = async (after) => {
    container.replaceChildren(h('p', { class: 'muted' }, t('loading')));
    let page;
    try { page = await load(after); } catch (e) { container.replaceChildren(h('div', { class: 'error', role: 'alert' }, errorText(e.problem))); return; }
    const pager = h('div', { class: 'pager' }, h('span', {}, t('total', { n: page.total })));
    if (after) pager.append(h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.length = 0; show(null); } }, t('firstPage')));
    if (page.has_more) pager.append(h('button', { type: 'button', class: 'secondary', onclick: () => { cursors.push(after); show(page.next_after); } }, t('nextPage')));
    container.replaceChildren(table(page.rows, cols), pager);
  };
  show(null);
}
