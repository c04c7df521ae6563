// app.js - the web UI: hash routes, the session (login, forced password
// change, expiry that returns to the same place) and the navigation per
// role. Each screen lives in screens.js and draws from the API only.
import { t, code, getLang, setLang, errorText } from './i18n.js';
import { get, call, setCsrf, whenExpired } from './api.js';
import { h } from './ui.js';
import { screens, menu } from './screens.js';

export const session = { user: null };
const main = () => document.getElementById('main');

function chrome() {
  document.documentElement.lang = getLang() === 'en' ? 'en' : 'zh-CN';
  document.getElementById('lang').textContent = t('switchLang');
  document.getElementById('skip').textContent = t('skip');
  document.getElementById('nav').setAttribute('aria-label', t('nav'));
  const out = document.getElementById('logout');
  out.textContent = t('logout');
  out.hidden = !session.user;
  document.getElementById('who').textContent = session.user ? `${session.user.username} · ${code(session.user.role)}` : '';
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  if (!session.user || session.user.must_change_password) return;
  const here = `#/${(location.hash || '#/').split('/')[1] || ''}`;
  nav.append(h('ul', {}, menu(session.user.role).map(([href, key]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : null }, t(key))))));
}

// Each drawing of a screen has a number: a screen still awaiting its data
// when the user moved on (or the session ended) does not draw over the next.
let drawing = 0;

async function route() {
  const mine = ++drawing;
  chrome();
  // A fresh container per drawing: a stale screen draws into a detached one.
  const m = h('div', { class: 'view' });
  main().replaceChildren(m);
  if (!session.user) { screens.login(m); return; }
  if (session.user.must_change_password) { screens.password(m, true); return; }
  const [, name = '', ...args] = (location.hash || '#/').split('/');
  const screen = screens[name || 'home'] || screens.home;
  m.replaceChildren(h('p', { class: 'muted' }, t('loading')));
  const titles = { '': 'workbench', new: 'newApplication', borrower: 'borrower', application: 'applications', loan: 'loan', inspect: 'inspectionForm', case: 'collectionCase' };
  const title = t(titles[name] ?? name);
  document.title = `loandesk · ${title}`;
  try { await screen(m, ...args.map(decodeURIComponent)); } catch (e) {
    if (e?.problem?.status === 401 || mine !== drawing || !session.user) return;
    // A refusal is shown as the user's answer, not a blank page.
    if (!e?.problem) console.error(e);
    m.replaceChildren(h('h1', {}, title), h('div', { class: 'error', role: 'alert', id: 'screen-error' }, e?.problem !== undefined ? errorText(e.problem) : String(e)));
  }
}

export async function loggedIn(who) {
  session.user = who;
  setCsrf(who.csrf_token);
  const back = sessionStorage.getItem('loandesk.return');
  sessionStorage.removeItem('loandesk.return');
  if (back && back !== location.hash) location.hash = back; else await route();
}

whenExpired(() => {
  if (!session.user) return;
  sessionStorage.setItem('loandesk.return', location.hash || '#/');
  session.user = null;
  session.expired = true;
  route();
});

export function rerender() { route(); }

document.getElementById('lang').addEventListener('click', () => { setLang(getLang() === 'en' ? 'zh' : 'en'); route(); });
document.getElementById('logout').addEventListener('click', async () => {
  try { await call('DELETE', '/session'); } catch { /* ended already */ }
  session.user = null;
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);

(async () => {
  try { session.user = await get('/session'); setCsrf(session.user.csrf_token); } catch { session.user = null; }
  route();
})();
