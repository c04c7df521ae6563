// api.js - the page's only way to the server: fetch on /api/v1 with the
// session cookie, the CSRF token on every write, and problems (RFC 9457)
// turned into thrown errors. A 401 hands over to the login screen.
import { takeEarly } from './early.js';

let csrf = '';
let onExpired = () => {};

export function setCsrf(token) { csrf = token || ''; }
export function whenExpired(fn) { onExpired = fn; }

export class Problem extends Error {
  constructor(p) { super(p?.detail || 'error'); this.problem = p; }
}

export async function call(method, path, body, { raw = false, ifMatch } = {}) {
  // The server words its refusals in the language the page shows.
  const headers = { Accept: 'application/json', 'Accept-Language': document.documentElement.lang === 'en' ? 'en' : 'zh-CN' };
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  // A first GET the page asked early (early.js) takes that answer, if it is one.
  const early = method === 'GET' && !raw && !ifMatch ? takeEarly(path) : null;
  if (early) { const answer = await early; if (answer?.ok) r = answer; }
  try {
    r ??= await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new Problem(null);
  }
  if (r.status === 401 && path !== '/session') {
    onExpired();
    throw new Problem({ status: 401 });
  }
  if (!r.ok) {
    let p = { status: r.status };
    try { p = await r.json(); } catch { /* not a problem document */ }
    throw new Problem(p);
  }
  if (raw) return r.blob();
  return r.status === 204 ? null : r.json();
}

export const get = (p) => call('GET', p);
export const post = (p, b = {}) => call('POST', p, b);
