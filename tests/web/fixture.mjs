// fixture.mjs - what the browser tests and the web bench share: a fresh book
// made with the command line (init, one account per role, first passwords
// changed), a real `loandesk serve` on a free loopback port over it, and
// Debian's chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { chromium } = require('playwright-core');
export const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const ADMIN_PW = 'Admin2026pass';
// The CA custodians' passphrase: it protects the CA key, never a login.
export const CA_PASSPHRASE = 'Web-test-custodians-2026';
export const FIRST_PW = 'First-pass-2026';
export const USERS = {
  chen: ['officer', 'Chen2026pass', '陈晓'],
  liu: ['officer', 'Liu2026pass', '刘洋'],
  wang: ['reviewer', 'Wang2026pass', '王敏'],
  zhao: ['manager', 'Zhao2026pass', '赵强'],
  sun: ['auditor', 'Sun2026pass', '孙丽'],
};
// The server keeps the books by today's date, as the browser does.
export const TODAY = new Date().toISOString().slice(0, 10);
export const daysFromToday = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  throw new Error('chromium not found (apt-get install chromium)');
}

// A fresh book in a temporary folder: the admin, and one account per role
// whose first password is already changed (pass keepFirst to leave one
// account on its first password).
export function makeBook(bin, { keepFirst = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loandesk-web-'));
  const db = path.join(dir, 'loandesk.db');
  const env = { ...process.env, LOANDESK_DB: db, LOANDESK_CA_PASSPHRASE: CA_PASSPHRASE };
  delete env.LOANDESK_TODAY;
  delete env.LOANDESK_SESSION;
  const run = (extra, args) => execFileSync(bin, args, { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  run({ LOANDESK_PASSWORD: ADMIN_PW }, ['init', '--admin', 'admin', '--institution', '示范商业银行']);
  for (const [name, [role, pw, full]] of Object.entries(USERS)) {
    run({ LOANDESK_USER: 'admin', LOANDESK_PASSWORD: ADMIN_PW, LOANDESK_NEW_PASSWORD: FIRST_PW },
        ['user', 'add', '--username', name, '--name', full, '--role', role]);
    if (!keepFirst.includes(name))
      run({ LOANDESK_USER: name, LOANDESK_PASSWORD: FIRST_PW, LOANDESK_NEW_PASSWORD: pw }, ['user', 'passwd']);
  }
  // The auditor's trust anchor: the CA certificate's SHA-256 fingerprint.
  const pem = run({ LOANDESK_USER: 'admin', LOANDESK_PASSWORD: ADMIN_PW }, ['pki', 'ca-cert']).toString();
  const caFingerprint = new crypto.X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
  return { dir, db, caFingerprint };
}

// `loandesk serve` on a free port; resolves with { url, stop, skew }.
export function serve(bin, book, { webDir } = {}) {
  const clock = path.join(book.dir, 'clock-skew');
  fs.writeFileSync(clock, '0\n');
  const env = { ...process.env, LOANDESK_DB: book.db, LOANDESK_WALL_CLOCK_FILE: clock };
  delete env.LOANDESK_TODAY;
  const args = ['serve', '--listen', '127.0.0.1:0', '--threads', '4'];
  if (webDir) args.push('--web-dir', webDir);
  const log = fs.openSync(path.join(book.dir, 'server.log'), 'w');
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'pipe', log] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({
        url: m[1].replace('127.0.0.1', 'localhost'),
        skew: (s) => fs.writeFileSync(clock, `${s}\n`),
        stop: () => new Promise((r) => { proc.on('exit', r); proc.kill('SIGTERM'); }),
      });
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}
