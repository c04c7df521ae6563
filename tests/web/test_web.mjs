// test_web.mjs - the web UI in a real browser (Debian's chromium, headless,
// driven by playwright-core) against a real `loandesk serve` on a fresh book:
// the whole journey from a new enterprise borrower to a verified signed
// workbook, the refusals as users see them, the English switch, session
// expiry, a tampered workbook, and axe-core on every screen. Writes a
// screenshot of each screen to the folder given (or a temporary one).
//
// usage: node tests/web/test_web.mjs LOANDESK_BINARY SOURCE_DIR [SHOT_DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, chromiumPath, AXE_SOURCE, makeBook, serve, USERS, ADMIN_PW, FIRST_PW, TODAY, daysFromToday } from './fixture.mjs';

const [bin, src, shotArg] = process.argv.slice(2);
const shots = shotArg || fs.mkdtempSync(path.join(os.tmpdir(), 'loandesk-shots-'));
fs.mkdirSync(shots, { recursive: true });
let checks = 0;
const failures = [];
// Whether the element is drawn within 30 s: screens draw their parts as the
// answers arrive, so a check waits for what it looks at.
function shown(locator) {
  return locator.waitFor({ state: 'visible', timeout: 30000 }).then(() => true, () => false);
}

function check(cond, what) {
  checks++;
  if (!cond) { failures.push(what); console.error('FAIL:', what); }
}

const book = makeBook(bin, { keepFirst: ['sun'] });
const server = await serve(bin, book, { webDir: path.join(src, 'web') });
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox'] });
const cspViolations = [];
const pages = [];
const pageErrors = [];

async function newPage() {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  ctx.setDefaultTimeout(30000); // generous: the machine may be busy
  const page = await ctx.newPage();
  pages.push(page);
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

// axe-core on the screen as it stands: no serious or critical violation.
async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`));
  check(result.length === 0, `axe on ${name}: ${result.join('; ')}`);
}

let shotN = 0;
async function screen(page, name) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('#main .muted')?.textContent.includes('…'));
  await page.screenshot({ path: path.join(shots, `${String(++shotN).padStart(2, '0')}-${name}.png`), fullPage: true });
  await axe(page, name);
}

async function login(page, user, password = USERS[user]?.[1] ?? ADMIN_PW) {
  await page.goto(`${server.url}/`);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#logout:not([hidden])').waitFor();
}

const go = async (page, hash) => { await page.goto(`${server.url}/${hash}`); await page.waitForLoadState('networkidle'); };
const fill = async (scope, pairs) => { for (const [label, value] of pairs) await scope.getByLabel(label, { exact: true }).fill(value); };

try {
  // ---- the officer: login, workbench, a new enterprise borrower through the wizard ----
  const chen = await newPage();
  await chen.goto(`${server.url}/`);
  await screen(chen, 'login');
  check(await chen.locator('html').getAttribute('lang') === 'zh-CN', 'Chinese by default');
  await login(chen, 'chen');
  await screen(chen, 'officer-workbench');
  check(await shown(chen.getByText('草稿申请')), 'the officer workbench counts drafts');

  await go(chen, '#/new/borrower');
  const nb = chen.locator('form[aria-label="登记新客户"]');
  await nb.getByLabel('类型').selectOption('enterprise');
  await fill(nb, [['名称', '苏州华鑫精密机械有限公司'], ['统一社会信用代码', '91320500MA1M111112'], ['电话', '0512-66881234'],
    ['地址', '江苏省苏州市工业园区星湖街328号'], ['行业', '通用设备制造'], ['行业风险等级', '2'], ['经营年限', '12'], ['注册资本', '20000000.00'],
    ['年度', '2025'], ['总资产', '93000000.00'], ['总负债', '43500000.00'], ['流动资产', '43000000.00'], ['流动负债', '27500000.00'],
    ['存货', '12500000.00'], ['营业收入', '134000000.00'], ['净利润', '9900000.00'], ['经营现金流', '12600000.00']]);
  await screen(chen, 'wizard-borrower');
  await nb.getByRole('button', { name: '保存' }).click();
  await chen.waitForURL(/#\/new\/application/);

  // a field the server refuses is shown beside that field
  const af = chen.locator('form[aria-label="申请"]');
  // the product is chosen from the catalogue in force, with its limits
  await af.getByLabel('产品', { exact: true }).selectOption('SWC');
  check((await af.locator('#product-limits').textContent()).includes('–'), 'the product\'s limits are shown');
  await fill(af, [['金额', 'lots'], ['期限（月）', '12'], ['用途', '采购原材料（钢材、轴承）']]);
  await af.getByLabel('还款方式').selectOption('interest_only');
  await af.getByRole('button', { name: '下一步' }).click();
  const amountErr = af.locator('[data-field="amount"] .field-error');
  await amountErr.waitFor();
  check(await af.getByLabel('金额', { exact: true }).getAttribute('aria-invalid') === 'true', 'the refused amount is marked invalid in place');
  await screen(chen, 'wizard-application-error');
  await fill(af, [['金额', '5000000.00']]);
  await af.getByRole('button', { name: '下一步' }).click();
  await chen.waitForURL(/#\/new\/guarantors/);

  const gf = chen.locator('form[aria-label="担保人"]');
  await gf.getByLabel('类型').selectOption('enterprise');
  await fill(gf, [['名称', '深圳宏达投资担保有限公司'], ['证件号码', '91440300MA5D12345W'], ['担保金额', '3000000.00'], ['净资产', '80000000.00'], ['对外担保余额', '45000000.00']]);
  await gf.getByRole('button', { name: '添加' }).click();
  await chen.getByRole('cell', { name: '深圳宏达投资担保有限公司' }).waitFor();
  await screen(chen, 'wizard-guarantors');
  await chen.getByRole('button', { name: '下一步' }).click();
  await chen.waitForURL(/#\/new\/collateral/);

  const cf = chen.locator('form[aria-label="抵质押物"]');
  await cf.getByLabel('类型').selectOption('equipment');
  await cf.getByLabel('担保方式').selectOption('mortgage');
  await fill(cf, [['所有权人', '苏州华鑫精密机械有限公司'], ['权证号', '设备清单HX-2025-017'], ['评估价值', '6000000.00'],
    ['评估日期', daysFromToday(-20)], ['评估机构', '江苏天元资产评估有限公司'], ['登记号', '苏园动产抵2026-0456']]);
  await cf.getByRole('button', { name: '添加' }).click();
  await chen.getByRole('cell', { name: '设备', exact: true }).waitFor();
  await screen(chen, 'wizard-collateral');
  check(await shown(chen.getByText('抵押率 %')), 'LTV is shown beside its cap');
  await chen.getByRole('button', { name: '下一步' }).click();

  const inv = chen.locator('form[aria-label="贷前调查"]');
  await fill(inv, [['实地走访日期', daysFromToday(-10)], ['经营情况', '订单饱满，产能利用率约85%。'], ['资产负债情况', '资产负债率约47%，流动比率1.56。'],
    ['还款能力', '经营性现金流1260万元，足以覆盖利息并按期还本。'], ['调查结论', '经营稳健，担保与抵质押充足，同意申报。']]);
  await screen(chen, 'wizard-investigation');
  await inv.getByRole('button', { name: '保存' }).click();
  await chen.waitForURL(/#\/new\/schedule/);
  await chen.getByRole('cell', { name: '12', exact: true }).first().waitFor();
  // the rate is the policy's for an indicative grade of the draft, not a fixed one
  const terms = await chen.locator('#schedule-terms').textContent();
  check(terms.includes('预估') && !terms.includes('4.35'), `the schedule is priced by the policy: ${terms}`);
  await screen(chen, 'wizard-schedule');
  // the draft is kept between visits: a fresh load comes back to the same step
  await chen.reload();
  await chen.waitForURL(/#\/new\/schedule/);
  check(await shown(chen.getByText('草稿已保存在服务器')), 'the draft is kept between visits');
  await chen.getByRole('button', { name: '下一步' }).click();
  await chen.waitForURL(/#\/new\/submit/);
  // the checklist's papers: a scan each, checked as authentic, legal and valid
  const docs = chen.locator('form[aria-label="资料清单"]');
  await docs.waitFor();
  check(await shown(docs.getByRole('cell', { name: '缺少' }).first()), 'the checklist shows what is missing');
  for (const type of ['business_licence', 'articles', 'financial_statements', 'bank_statements', 'signed_contract']) {
    const form = chen.locator('form[aria-label="资料清单"]');
    await form.getByLabel('类型').selectOption(type);
    await form.getByLabel('文件').setInputFiles({ name: `${type}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n%${type}\n`) });
    for (const box of ['真实', '合法', '有效']) await form.getByLabel(box, { exact: true }).check();
    // the licence lapses in 60 days: it comes up on the officer's workbench later
    if (type === 'business_licence') await form.getByLabel('有效期至').fill(daysFromToday(60));
    await form.getByRole('button', { name: '上传并登记核验' }).click();
    await chen.locator('form[aria-label="资料清单"]').getByLabel('类型').locator(`option[value="${type}"]`).waitFor({ state: 'detached' });
  }
  await screen(chen, 'wizard-submit');
  await chen.getByRole('button', { name: '提交' }).click();
  await chen.waitForURL(/#\/application\/\d+/);
  const appId = chen.url().match(/#\/application\/(\d+)/)[1];
  check(await chen.getByRole('heading', { level: 1 }).textContent().then((x) => x.includes('已提交')), 'the application is submitted');

  await go(chen, '#/borrowers');
  await chen.getByLabel('名称', { exact: true }).fill('华鑫');
  await chen.getByRole('button', { name: '查询' }).click();
  await chen.getByRole('link', { name: '苏州华鑫精密机械有限公司' }).click();
  await chen.waitForURL(/#\/borrower\/\d+/);
  const borrowerId = chen.url().match(/#\/borrower\/(\d+)/)[1];
  await screen(chen, 'borrower');

  // ---- refusals as users see them ----
  const liu = await newPage();
  await login(liu, 'liu');
  await go(liu, '#/borrower/1');
  await liu.locator('#screen-error').waitFor();
  check((await liu.locator('#screen-error').textContent()).includes('无权'), 'another officer\'s customer is refused, in Chinese');
  await screen(liu, 'refused-customer');
  const forged = await chen.evaluate(async () => (await fetch('/api/v1/borrowers', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'f'.repeat(64) }, body: '{"kind":"individual","name":"伪造"}' })).status);
  check(forged === 403, `a forged CSRF token is refused: ${forged}`);

  // ---- the reviewer: rates, cannot approve beyond authority; the manager approves ----
  const wang = await newPage();
  await login(wang, 'wang');
  await screen(wang, 'reviewer-workbench');
  await go(wang, `#/application/${appId}`);
  await wang.getByRole('button', { name: '评级' }).click();
  await wang.locator('svg.bars rect.got').first().waitFor();
  await screen(wang, 'review');
  check(await shown(wang.getByText('超出您的审批权限')), 'the reviewer sees the amount is beyond authority');
  await wang.getByRole('button', { name: '批准' }).click();
  const dlg = wang.locator('dialog[open]');
  await dlg.getByRole('button', { name: '提交' }).click();
  check(await shown(dlg.locator('.field-error')), 'a reason is required');
  await dlg.getByLabel('理由').fill('符合政策');
  await dlg.getByRole('button', { name: '提交' }).click();
  await dlg.locator('.error').waitFor();
  check((await dlg.locator('.error').textContent()).includes('无权'), 'approval beyond authority is refused in the dialog');
  await screen(wang, 'review-refused');
  await dlg.getByRole('button', { name: '取消' }).click();
  // four eyes: who moved the grade does not approve on it
  await wang.getByRole('button', { name: '调整等级' }).click();
  const od = wang.locator('dialog[open]');
  await od.getByLabel('等级').selectOption('BBB');
  await od.getByLabel('理由').fill('担保充足，上调一级');
  await od.getByRole('button', { name: '提交' }).click();
  await od.waitFor({ state: 'detached' });
  await wang.locator('svg.bars').waitFor();
  await wang.getByRole('button', { name: '批准' }).click();
  const own = wang.locator('dialog[open]');
  await own.getByLabel('理由').fill('同意');
  await own.getByRole('button', { name: '提交' }).click();
  await own.locator('.error').waitFor();
  check((await own.locator('.error').textContent()).includes('调整过'), `approving on one's own override is refused, in Chinese: ${await own.locator('.error').textContent()}`);
  await own.getByRole('button', { name: '取消' }).click();
  // the reviewer refers it to a manager, with a reason
  await wang.getByRole('button', { name: '提交审批经理' }).click();
  const rd = wang.locator('dialog[open]');
  await rd.getByLabel('理由').fill('超出审查人权限，提请审批经理审批');
  await rd.getByRole('button', { name: '提交' }).click();
  await rd.waitFor({ state: 'detached' });

  const zhao = await newPage();
  await login(zhao, 'zhao');
  await zhao.locator('a.count', { hasText: '提交审批的申请' }).locator('strong', { hasText: /^\d+$/ }).waitFor();
  check((await zhao.locator('a.count', { hasText: '提交审批的申请' }).locator('strong').textContent()) === '1', 'the manager counts the one referral');
  await screen(zhao, 'manager-workbench');
  await zhao.locator('a.count', { hasText: '提交审批的申请' }).click();
  await zhao.getByRole('link', { name: `#${appId}` }).waitFor();
  await go(zhao, `#/application/${appId}`);
  // keyboard alone: Tab to the approve button, Enter opens the dialog
  for (let i = 0; i < 40 && !(await zhao.evaluate(() => document.activeElement?.textContent === '批准')); i++) await zhao.keyboard.press('Tab');
  await zhao.keyboard.press('Enter');
  check(await zhao.locator('dialog[open]').count() === 1, 'the approve dialog opens from the keyboard');
  await zhao.keyboard.press('Escape');
  await zhao.getByRole('button', { name: '批准' }).click();
  await zhao.locator('dialog[open]').getByLabel('理由').fill('在授权范围内，同意');
  await zhao.locator('dialog[open]').getByRole('button', { name: '提交' }).click();
  await zhao.getByRole('heading', { name: /已批准/ }).waitFor();
  await zhao.getByRole('button', { name: '放款' }).click();
  await zhao.waitForURL(/#\/loan\/\d+/);
  const loanId = zhao.url().match(/#\/loan\/(\d+)/)[1];
  await screen(zhao, 'loan');
  {
    // Date fields start at the business date the server keeps the books on,
    // not at the browser's clock: a browser 40 days ahead still offers it.
    const ahead = await newPage();
    await ahead.clock.setFixedTime(new Date(Date.now() + 40 * 86400000));
    await login(ahead, 'zhao');
    await go(ahead, `#/loan/${loanId}`);
    const offered = await ahead.locator('form[aria-label="录入还款"]').getByLabel('日期', { exact: true }).inputValue();
    const business = new Date().toISOString().slice(0, 10);
    check(offered === business, `the repayment form offers the business date ${business}, not the browser's (${offered})`);
    await ahead.context().close();
  }
  const rf = zhao.locator('form[aria-label="录入还款"]');
  await rf.getByLabel('金额', { exact: true }).fill('1000.00');
  await rf.getByRole('button', { name: '保存' }).click();
  await zhao.getByRole('cell', { name: '1,000.00' }).first().waitFor();
  check(await shown(zhao.locator('.num', { hasText: '5,000,000.00' }).first()), 'money with thousands separators, right-aligned');
  await go(zhao, '#/');
  const cob = zhao.locator('form[aria-label="日终处理"]');
  await cob.getByRole('button', { name: '日终处理' }).click();
  await zhao.locator('#cob-done').waitFor();
  await go(zhao, '#/loans');
  await zhao.getByRole('link', { name: /^HT/ }).first().waitFor();
  await screen(zhao, 'loan-ledger');
  // readable at 200 % zoom: half the width, no sideways scrolling of the page
  await zhao.setViewportSize({ width: 640, height: 800 });
  for (const hash of ['#/', '#/loans', `#/loan/${loanId}`, `#/application/${appId}`]) {
    await go(zhao, hash);
    await zhao.locator('#main h1').waitFor();
    const wide = await zhao.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 640, `${hash} fits at 200 % zoom: ${wide}px wide`);
  }
  await screen(zhao, 'loan-zoom-200');
  await zhao.setViewportSize({ width: 1280, height: 800 });

  // ---- the officer records an inspection ----
  await go(chen, '#/inspections');
  await screen(chen, 'inspections-due');
  await go(chen, `#/inspect/${loanId}`);
  const ins = chen.locator('form[aria-label="检查记录"]');
  await ins.getByLabel('类型').selectOption('first');
  await fill(ins, [['经营情况', '订单饱满，经营正常。'], ['还款能力', '现金流覆盖利息。'], ['还款表现', '按期付息'], ['检查发现', '资金用途与申请一致。'],
    ['分类理由', '按期履约，无风险信号'], ['后续措施', '按季度例行检查'], ['下次检查', daysFromToday(90)]]);
  await screen(chen, 'inspection-form');
  await ins.getByRole('button', { name: '保存检查' }).click();
  await chen.waitForURL(new RegExp(`#/loan/${loanId}`));

  // ---- a signed workbook, downloaded, verified on the auditor's page ----
  await go(zhao, '#/reports');
  const rep = zhao.locator('form[aria-label="报表"]');
  await rep.getByLabel('报表类型').selectOption('portfolio');
  await rep.getByLabel('签名私钥密码').fill(USERS.zhao[1]);
  await rep.getByRole('button', { name: '生成' }).click();
  await zhao.locator('#dl-sig').waitFor();
  await screen(zhao, 'reports');
  const dlBook = zhao.waitForEvent('download');
  await zhao.locator('#dl-book').click();
  const bookPath = path.join(book.dir, 'book.xlsx');
  await (await dlBook).saveAs(bookPath);
  const dlSig = zhao.waitForEvent('download');
  await zhao.locator('#dl-sig').click();
  const sigPath = path.join(book.dir, 'book.xlsx.p7s');
  await (await dlSig).saveAs(sigPath);
  check(fs.readFileSync(bookPath).subarray(0, 2).toString() === 'PK', 'the workbook downloaded');

  // the auditor: first password changed first, then the audit page
  const sun = await newPage();
  await sun.goto(`${server.url}/#/audit`);
  await sun.getByLabel('用户名').fill('sun');
  await sun.getByLabel('密码', { exact: true }).fill(FIRST_PW);
  await sun.getByRole('button', { name: '登录' }).click();
  await sun.getByRole('heading', { name: '修改密码' }).waitFor();
  await screen(sun, 'forced-password-change');
  await fill(sun, [['当前密码', FIRST_PW], ['新密码', USERS.sun[1]], ['确认新密码', USERS.sun[1]]]);
  await sun.getByRole('button', { name: '保存' }).click();
  await sun.locator('#logout:not([hidden])').waitFor();
  await go(sun, '#/');
  await screen(sun, 'auditor-workbench');
  await go(sun, '#/audit');
  // The auditor enters the fingerprint of the CA certificate they hold.
  const anchorForm = sun.locator('form[aria-label="信任锚"]');
  await anchorForm.getByLabel('CA 证书指纹 (SHA-256)').fill(book.caFingerprint);
  await anchorForm.getByRole('button', { name: '保存' }).click();
  await go(sun, '#/audit');
  const vf = sun.locator('form[aria-label="校验上传的工作簿"]');
  await vf.getByLabel('工作簿 (.xlsx)').setInputFiles(bookPath);
  await vf.getByLabel('签名 (.p7s)').setInputFiles(sigPath);
  await vf.getByRole('button', { name: '校验上传的工作簿' }).click();
  await sun.locator('#verify-result').waitFor();
  check(await sun.locator('#verify-result.ok').count() === 1, `the signed workbook verifies: ${await sun.locator('#verify-result').textContent()}`);
  await sun.locator('form[aria-label="包含证明"]').getByRole('button', { name: '打开' }).click();
  await sun.getByText('证明成立').waitFor();
  await screen(sun, 'audit');
  const tampered = fs.readFileSync(bookPath);
  tampered[tampered.length - 10] ^= 0x55;
  const tamperedPath = path.join(book.dir, 'tampered.xlsx');
  fs.writeFileSync(tamperedPath, tampered);
  await vf.getByLabel('工作簿 (.xlsx)').setInputFiles(tamperedPath);
  await vf.getByRole('button', { name: '校验上传的工作簿' }).click();
  await sun.locator('#verify-result.error').waitFor();
  check((await sun.locator('#verify-result').textContent()).includes('校验失败'), 'a tampered workbook is refused');
  await screen(sun, 'audit-tampered');

  // ---- administration ----
  const admin = await newPage();
  await login(admin, 'admin', ADMIN_PW);
  await go(admin, '#/admin');
  await admin.getByRole('cell', { name: 'chen', exact: true }).waitFor();
  await admin.getByLabel('政策文件 (JSON)').setInputFiles(path.join(src, 'tests/data/policy-core.json'));
  await admin.getByRole('button', { name: '检查政策' }).click();
  await admin.waitForLoadState('networkidle');
  await screen(admin, 'admin');

  // ---- the English switch, remembered ----
  await chen.getByRole('button', { name: 'English' }).click();
  await chen.getByRole('link', { name: 'Workbench' }).waitFor();
  await go(chen, `#/loan/${loanId}`);
  await chen.reload();
  await chen.getByRole('link', { name: 'Loan ledger' }).waitFor();
  check(await chen.locator('html').getAttribute('lang') === 'en', 'English remembered across a reload');
  // The loan view draws its parts as their answers arrive: wait for the category.
  check(await shown(chen.getByText('normal', { exact: true }).first()), 'code values in English');
  await screen(chen, 'loan-english');
  await chen.getByRole('button', { name: '中文' }).click();

  // ---- session expiry returns the user where they were ----
  server.skew(31 * 60);
  await go(chen, '#/loans');
  await chen.getByText('会话已过期').waitFor();
  await screen(chen, 'session-expired');
  server.skew(0);
  await chen.getByLabel('用户名').fill('chen');
  await chen.getByLabel('密码', { exact: true }).fill(USERS.chen[1]);
  await chen.getByRole('button', { name: '登录' }).click();
  await chen.getByRole('heading', { name: /贷款台账/ }).waitFor();
  check(chen.url().endsWith('#/loans'), `back where the user was: ${chen.url()}`);

  // ---- customer care: a visit and a complaint from the borrower view ----
  await go(chen, `#/borrower/${borrowerId}`);
  const visit = () => chen.locator('form[aria-label="登记走访"]');
  await fill(visit(), [['日期', daysFromToday(3)], ['走访对象', '总经理 李建国、财务总监 周敏'], ['走访目的', '了解二季度订单与新产线投产情况'],
    ['走访发现', '新增两条数控产线已投产，订单排到年底，应收账款回笼正常。'], ['后续跟进', '三个月后回访，核对产线贷款用途']]);
  await visit().getByRole('button', { name: '保存' }).click();
  const dateErr = visit().locator('[data-field="date"] .field-error');
  await dateErr.waitFor();
  check((await dateErr.textContent()).length > 0 && await visit().getByLabel('日期', { exact: true }).getAttribute('aria-invalid') === 'true',
    `a visit dated after today is refused beside its date: ${await dateErr.textContent()}`);
  await screen(chen, 'visit-refused');
  await fill(visit(), [['日期', TODAY]]);
  await visit().getByRole('button', { name: '保存' }).click();
  await chen.getByRole('cell', { name: '总经理 李建国、财务总监 周敏' }).waitFor();
  await screen(chen, 'borrower-visits');
  const cmp = chen.locator('form[aria-label="登记投诉"]');
  await cmp.getByLabel('渠道').selectOption('phone');
  await fill(cmp, [['投诉内容', '客户来电反映：放款后还款提醒短信每天重复发送三次，要求停止重复发送。']]);
  await cmp.getByRole('button', { name: '保存' }).click();
  await chen.waitForURL(/#\/complaints$/);
  await chen.getByRole('cell', { name: /重复发送三次/ }).waitFor();
  await screen(chen, 'complaints');

  // ---- forty days on: the loan falls past due, the complaint passes its deadline ----
  server.skew(40 * 86400);
  const later40 = daysFromToday(40);
  await login(zhao, 'zhao');
  await go(zhao, '#/');
  const cob40 = zhao.locator('form[aria-label="日终处理"]');
  await cob40.getByLabel('日期').fill(later40);
  await cob40.getByRole('button', { name: '日终处理' }).click();
  await zhao.locator('#cob-done').waitFor();
  // the manager's overdue complaints: assigned (a refusal beside the field first), answered, closed
  await go(zhao, '#/complaints/overdue');
  await zhao.getByRole('cell', { name: /重复发送三次/ }).waitFor();
  check(await shown(zhao.locator('.badge', { hasText: '已超期' })), 'the complaint is marked past its deadline');
  await screen(zhao, 'complaints-overdue');
  await zhao.getByRole('button', { name: /^转交 #/ }).click();
  const asg = zhao.locator('dialog[open]');
  await asg.getByLabel('转交给（用户名）').fill('nobody');
  await asg.getByRole('button', { name: '提交' }).click();
  const toErr = asg.locator('[data-field="to"] .field-error');
  await toErr.waitFor();
  check((await toErr.textContent()).includes('nobody'), `an unknown assignee is refused beside the field: ${await toErr.textContent()}`);
  await screen(zhao, 'complaint-assign-refused');
  await asg.getByLabel('转交给（用户名）').fill('liu');
  await asg.getByRole('button', { name: '提交' }).click();
  await asg.waitFor({ state: 'detached' });
  await zhao.getByRole('cell', { name: 'liu', exact: true }).waitFor();
  // the officer it was given to finds it on their own list, answers and closes it
  await login(liu, 'liu');
  await go(liu, '#/complaints');
  await liu.getByRole('cell', { name: /重复发送三次/ }).waitFor();
  await liu.getByRole('button', { name: /^答复 #/ }).click();
  const rsp = liu.locator('dialog[open]');
  await rsp.getByLabel('答复内容').fill('已核查短信平台，重复发送系模板配置错误，已修正并致电客户致歉。');
  await rsp.getByRole('button', { name: '提交' }).click();
  await rsp.waitFor({ state: 'detached' });
  await liu.getByRole('button', { name: /^结案 #/ }).click();
  const cls = liu.locator('dialog[open]');
  await cls.getByLabel('客户反馈').fill('客户表示满意，短信已恢复正常。');
  await screen(liu, 'complaint-close-dialog');
  await cls.getByRole('button', { name: '提交' }).click();
  await cls.waitFor({ state: 'detached' });
  await liu.getByRole('cell', { name: /重复发送三次/ }).waitFor({ state: 'detached' });
  await go(zhao, '#/complaints/all');
  await zhao.getByRole('cell', { name: '客户表示满意，短信已恢复正常。' }).waitFor();
  check(await zhao.getByRole('button', { name: /^(答复|结案) #/ }).count() === 0, 'a closed complaint takes no more steps');
  await screen(zhao, 'complaints-all');

  // ---- the officer: the expiring licence, the collection list, a case ----
  await login(chen, 'chen');
  await go(chen, '#/');
  await chen.locator('section[aria-label="即将到期的资料"]').getByRole('cell', { name: '营业执照' }).waitFor();
  check(await shown(chen.locator('section[aria-label="即将到期的资料"]').getByRole('cell', { name: 'business_licence.pdf' })),
    'the lapsing licence is listed under the name it was uploaded with');
  await screen(chen, 'officer-workbench-care');
  await go(chen, '#/collection');
  await chen.getByRole('link', { name: /^HT/ }).first().waitFor();
  check(await shown(chen.getByRole('cell', { name: '催收提醒' })), 'the case opened at the reminder stage');
  await screen(chen, 'collection-list');
  await chen.getByRole('link', { name: /^#\d+$/ }).first().click();
  await chen.waitForURL(/#\/case\/\d+/);
  const caseHash = `#/case/${chen.url().match(/#\/case\/(\d+)/)[1]}`;
  const prm = () => chen.locator('form[aria-label="登记还款承诺"]');
  await fill(prm(), [['金额', '20000.00'], ['承诺还款日', later40]]);
  await prm().getByRole('button', { name: '保存' }).click();
  const dueErr = prm().locator('[data-field="date"] .field-error');
  await dueErr.waitFor();
  check((await dueErr.textContent()).length > 0, `a promise due today is refused beside its date: ${await dueErr.textContent()}`);
  await fill(prm(), [['承诺还款日', daysFromToday(45)]]);
  await prm().getByRole('button', { name: '保存' }).click();
  await chen.locator('section[aria-label="还款承诺"]').getByRole('cell', { name: '20,000.00' }).waitFor();
  const act = chen.locator('form[aria-label="登记催收"]');
  await act.getByLabel('类型').selectOption('call');
  await fill(act, [['日期', later40], ['结果', '客户接听，称货款延迟到账，承诺五日内还款'], ['下一步安排', '承诺到期日电话确认到账'], ['下次跟进日', daysFromToday(45)]]);
  await act.getByRole('button', { name: '保存' }).click();
  await chen.getByRole('cell', { name: '客户接听，称货款延迟到账，承诺五日内还款' }).waitFor();
  // the guarantor pays 100.00: their row keeps its net assets, the capacity falls
  const rec = chen.locator('form[aria-label="登记担保人代偿"]');
  await fill(rec, [['金额', '100.00'], ['日期', later40]]);
  await rec.getByRole('button', { name: '保存' }).click();
  await chen.locator('section[aria-label="担保人代偿"]').getByRole('cell', { name: '100.00' }).waitFor();
  const gRow = chen.locator('section[aria-label="担保人"]').getByRole('row', { name: /深圳宏达/ });
  await gRow.waitFor();
  const gText = await gRow.textContent();
  check(gText.includes('80,000,000.00') && gText.includes('34,999,900.00'), `the guarantor keeps net assets, capacity less the recovery: ${gText}`);
  await screen(chen, 'collection-case');
  // the auditor reads the case, its guarantors included, and is offered no form
  await login(sun, 'sun');
  await go(sun, caseHash);
  await sun.locator('section[aria-label="担保人"]').getByRole('cell', { name: '34,999,900.00' }).waitFor();
  check(await sun.locator('form[aria-label="登记催收"], form[aria-label="登记担保人代偿"]').count() === 0, 'the auditor is offered no collection form');
  await screen(sun, 'collection-case-auditor');
  await go(chen, '#/churn');
  await chen.getByRole('heading', { name: '流失预警' }).waitFor();
  await screen(chen, 'churn');
  // the new screens at 200 % zoom: no sideways scrolling of the page
  await chen.setViewportSize({ width: 640, height: 800 });
  for (const hash of ['#/collection', '#/complaints/all', `#/borrower/${borrowerId}`, caseHash]) {
    await go(chen, hash);
    await chen.locator('#main h1').waitFor();
    const wide = await chen.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 640, `${hash} fits at 200 % zoom: ${wide}px wide`);
  }
  await screen(chen, 'collection-case-zoom-200');
  await chen.setViewportSize({ width: 1280, height: 800 });
  await chen.getByRole('button', { name: 'English' }).click();
  await go(chen, caseHash);
  await chen.getByRole('heading', { name: /Collection case/ }).waitFor();
  await screen(chen, 'collection-case-english');
  await chen.getByRole('button', { name: '中文' }).click();
  server.skew(0);
} catch (e) {
  failures.push(`journey stopped: ${e.message.split('\n')[0]}`);
  console.error(e);
  for (const [i, p] of pages.entries()) await p.screenshot({ path: path.join(shots, `failed-${i}.png`), fullPage: true }).catch(() => {});
} finally {
  check(cspViolations.length === 0, `no CSP violation: ${cspViolations.join(' | ')}`);
  check(pageErrors.length === 0, `no script error: ${pageErrors.join(' | ')}`);
  await browser.close();
  await server.stop();
}
console.log(`web: ${checks - failures.length} passed, ${failures.length} failed; screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
