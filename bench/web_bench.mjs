// web_bench.mjs - what each screen of the web UI costs on loopback: bytes
// transferred (every response of the screen's load, headers and bodies, cold
// cache) and the time to its first meaningful paint (navigation start to
// the screen's own content drawn: the main area no longer "loading", noted
// in the page by an observer installed before the page's scripts, at the
// animation frame after it is drawn),
// medians of 5 cold loads in headless chromium. The baseline, measured side
// by side on the same server: index.html alone with scripts off, its first
// contentful paint (the least a page can cost). Budget: 300 KB and 300 ms per screen.
//
// usage: node bench/web_bench.mjs [LOANDESK_BINARY] [SOURCE_DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(process.argv[3] || path.join(here, '..'));
const bin = path.resolve(process.argv[2] || path.join(src, 'build/loandesk'));
const require = createRequire(path.join(src, 'tests/web/package.json'));
const fixture = await import(path.join(src, 'tests/web/fixture.mjs'));
const { chromium, chromiumPath, makeBook, serve, USERS, ADMIN_PW } = fixture;
void require;

const book = makeBook(bin);
const server = await serve(bin, book, { webDir: path.join(src, 'web') });
const demo = (f) => JSON.parse(fs.readFileSync(path.join(src, 'scripts/demo', f), 'utf8'));

async function api(token, method, p, body) {
  const r = await fetch(`${server.url}/api/v1${p}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
  return r.json();
}
const token = async (u, pw) => (await api('', 'POST', '/session', { username: u, password: pw, mode: 'bearer' })).token;
const chen = await token('chen', USERS.chen[1]);
const zhao = await token('zhao', USERS.zhao[1]);
const b = await api(chen, 'POST', '/borrowers', demo('borrower-huaxin.json'));
const app = await api(chen, 'POST', '/applications', { ...demo('app-huaxin.json'), borrower_id: b.id });
// The papers the product's checklist requires, added and checked by the
// customer's officer, as the gates of submission, approval and disbursement ask.
const scan = Buffer.from('%PDF-1.4\n%bench document\n').toString('base64');
const papers = await api(chen, 'GET', `/documents?target=application&target_id=${app.id}`);
for (const item of papers.checklist) {
  if (item.required === 'none' || item.standing === 'ok') continue;
  const own = item.belongs_to === 'borrower';
  const d = await api(chen, 'POST', '/documents', { target: own ? 'borrower' : 'application', target_id: own ? papers.borrower_id : app.id, type: item.type, file: scan });
  await api(chen, 'POST', `/documents/${d.id}/check`, { authentic: true, legal: true, valid: true });
}
await api(chen, 'POST', `/applications/${app.id}/submit`);
await api(zhao, 'POST', `/applications/${app.id}/rating`);
await api(zhao, 'POST', `/applications/${app.id}/approve`, { reason: 'bench' });
const loan = await api(zhao, 'POST', `/applications/${app.id}/loan`, { date: fixture.TODAY });

const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
const screens = [
  ['login', null, '#/'],
  ['workbench (officer)', 'chen', '#/'], ['borrower search', 'chen', '#/borrowers'], ['borrower', 'chen', `#/borrower/${b.id}`],
  ['new application', 'chen', '#/new/borrower'], ['inspections due', 'chen', '#/inspections'], ['reports', 'chen', '#/reports'],
  ['workbench (manager)', 'zhao', '#/'], ['application review', 'zhao', `#/application/${app.id}`], ['loan ledger', 'zhao', '#/loans'],
  ['loan', 'zhao', `#/loan/${loan.id}`], ['audit', 'zhao', '#/audit'], ['administration', 'admin', '#/admin'],
];
const cookies = {};
async function cookieOf(user) {
  if (!user) return [];
  if (!cookies[user]) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('用户名').fill(user);
    await page.getByLabel('密码', { exact: true }).fill(user === 'admin' ? ADMIN_PW : USERS[user][1]);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('#logout:not([hidden])').waitFor();
    cookies[user] = await ctx.cookies();
    await ctx.close();
  }
  return cookies[user];
}

// One cold load: a new context (empty cache) holding the user's session.
async function load(user, hash, scripts = true) {
  const ctx = await browser.newContext({ javaScriptEnabled: scripts });
  await ctx.addCookies(await cookieOf(user));
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  // The moment the screen's content is drawn is taken in the page itself: a
  // MutationObserver installed before any script of the page runs notes the
  // first change after which the main area holds the screen (not "loading",
  // no count still "…"), and the next animation frame is when it is painted.
  // Polling from the driver would start only after the load event and count
  // the driver's own round trips.
  if (scripts) {
    await page.addInitScript(() => {
      const drawn = () => {
        const m = document.querySelector('#main');
        return m && m.children.length > 0 && !m.textContent.includes('加载中') && !m.querySelector('strong')?.textContent.includes('…');
      };
      const seen = new MutationObserver(() => {
        if (!drawn()) return;
        seen.disconnect();
        requestAnimationFrame(() => { window.__meaningfulPaint = performance.now(); });
      });
      seen.observe(document, { childList: true, subtree: true, characterData: true });
    });
  }
  await page.goto(`${server.url}/${scripts ? hash : 'index.html'}`);
  const ms = scripts
    ? await (await page.waitForFunction(() => window.__meaningfulPaint || false)).jsonValue()
    : await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.now());
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  await ctx.close();
  return { bytes, ms };
}
const median = (xs) => xs.slice().sort((a, c) => a - c)[Math.floor(xs.length / 2)];

async function measure(user, hash, scripts) {
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await load(user, hash, scripts));
  return { kb: median(runs.map((r) => r.bytes)) / 1024, ms: median(runs.map((r) => r.ms)) };
}

const loadAverage = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average before: ${loadAverage()} (${os.cpus().length} cores)`);
console.log('screen                    KB transferred   ms to meaningful paint   (baseline: index.html, scripts off)');
let over = 0;
for (const [name, user, hash] of screens) {
  const base = await measure(user, hash, false);
  const got = await measure(user, hash, true);
  const flag = got.kb > 300 || got.ms > 300 ? '  OVER BUDGET' : '';
  if (flag) over++;
  console.log(`${name.padEnd(25)} ${got.kb.toFixed(1).padStart(7)} (base ${base.kb.toFixed(1).padStart(5)})   ${got.ms.toFixed(0).padStart(5)} (base ${base.ms.toFixed(0).padStart(4)})${flag}`);
}
console.log(`budget: 300 KB and 300 ms per screen; ${over} screen(s) over; load average after: ${loadAverage()}`);
await browser.close();
await server.stop();
fs.rmSync(book.dir, { recursive: true, force: true });
