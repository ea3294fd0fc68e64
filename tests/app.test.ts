/// <reference lib="dom" />
/**
 * The analysis room (分析研判室, /app) in a real browser: Debian's Chromium
 * driven by playwright-core, against the test hub (real PostgreSQL, real
 * HTTP through the gateway). Screenshots of each view go to
 * test-artifacts/app/ (git-ignored); the county view's load time is printed,
 * not asserted. Without Chromium this file fails: CI installs it (.ci/run).
 */
import { chinaDay } from '../domain/china-day.ts';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_MISSING, launchChromium } from '../scripts/lib/chromium.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { typecheck } from './helpers/typecheck.ts';
import {
  asOwner,
  callersOf,
  departmentToken,
  dispatchedCase,
  escalateToTownship,
  mutate,
  quietVillage,
  reportCase,
  villagesOf,
  waitFor,
} from './helpers/cases.ts';
import { WRITE_COUNTY } from './setup/global.ts';

const ARTIFACTS = 'test-artifacts/app';
const COUNTY = '623021';
const PROVINCE = '62';

let hub: TestHub;
let browser: Browser;
let launching: Promise<Browser> | undefined;
let origin: string;
let reader: string;
let reportOnly: string;
/** Requests the page made to anywhere but the hub: must stay empty (offline). */
const outside: string[] = [];
const pageErrors: string[] = [];
const missing: string[] = [];

beforeAll(async () => {
  if (!CHROMIUM) throw new Error(`${CHROMIUM_MISSING} The analysis room is tested in it.`);
  mkdirSync(ARTIFACTS, { recursive: true });
  // The browser starts while the hub does: neither needs the other until the first page.
  launching = launchChromium();
  launching.catch(() => {}); // awaited below; this only keeps a failure while the hub starts from being reported as unhandled
  hub = await startHub();
  origin = new URL(hub.gatewayUrl).origin;
  reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'report'], subject: 'app-reader' });
  reportOnly = await hub.token({ jurisdiction: PROVINCE, scopes: ['report'], subject: 'app-report' });
  browser = await launching;
  // The page's script is bundled on the first visit; done here so the load time below measures the page, not esbuild.
  const html = await fetch(`${origin}/app`);
  expect(html.status).toBe(200);
  expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await html.text()).not.toMatch(/https?:\/\//);
  const script = await fetch(`${origin}/app/app.js`);
  expect(script.status).toBe(200);
  expect(script.headers.get('content-type')).toContain('javascript');
  expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  expect((await fetch(`${origin}/app/nope.js`)).status).toBe(404);
}, 300_000);
afterAll(async () => {
  // The browser too when the hub failed to start before it was awaited.
  await (browser ?? (await launching?.catch(() => undefined)))?.close();
  await hub?.stop();
});

/** A new page signed in with `token`, its home division shown. */
async function signedIn(token: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage();
  await opened.page.goto(`${origin}/app#token=${token}`);
  await opened.page.waitForSelector('main h2', { timeout: 60_000 });
  return opened;
}

async function newPage(viewport = { width: 1440, height: 1000 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) outside.push(u);
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // A resource the page asks its own hub for and does not get (the browser logs each as a console error).
  page.on('response', (r) => {
    if (r.status() === 404) missing.push(r.url());
  });
  return { context, page };
}

/** Waits for a division's view (its figures rendered) and returns its level. */
async function viewOf(page: Page, code: string): Promise<string> {
  await page.waitForSelector(`main[data-code="${code}"] #figures`, { timeout: 60_000 });
  return (await page.getAttribute('main', 'data-view'))!;
}

const figuresOf = (page: Page) =>
  page.$$eval('[data-figure]', (cards) => Object.fromEntries(cards.map((c) => [(c as HTMLElement).dataset.figure!, Number((c as HTMLElement).dataset.value)])));

interface Head {
  population: { residents: number; byTag: { count: number }[] };
  forces: { gridsFullyStaffed: number; householdCoverage: number; patrolMembers: number };
  patrolStats: { patrols: number };
  hazardStats: { reported: number };
  disputeStats: { reported: number; resolved: number; resolutionRate: number; onTimeRate: number; satisfactionRate: number };
}
const HEAD = `population { residents byTag { count } } forces { gridsFullyStaffed householdCoverage patrolMembers }
  patrolStats(from: $from, to: $to) { patrols } hazardStats(from: $from, to: $to) { reported }
  disputeStats(from: $from, to: $to) { reported resolved resolutionRate onTimeRate satisfactionRate }`;

/** The same figures, straight from the gateway. */
async function apiFigures(token: string, field: 'county' | 'region', code: string, from: string, to: string): Promise<Record<string, number>> {
  const r = await hub.queryAs<Record<string, Head>>(token, `query($code: String!, $from: Date!, $to: Date!) { d: ${field}(code: $code) { ${HEAD} } }`, {
    code,
    from,
    to,
  });
  expect(r.errors).toBeUndefined();
  const h = r.data!.d!;
  return {
    residents: h.population.residents,
    special: h.population.byTag.reduce((s, t) => s + t.count, 0),
    gridsFullyStaffed: h.forces.gridsFullyStaffed,
    householdCoverage: h.forces.householdCoverage,
    patrolForces: h.forces.patrolMembers,
    patrols: h.patrolStats.patrols,
    hazards: h.hazardStats.reported,
    reported: h.disputeStats.reported,
    resolved: h.disputeStats.resolved,
    resolutionRate: h.disputeStats.resolutionRate,
    onTimeRate: h.disputeStats.onTimeRate,
    satisfactionRate: h.disputeStats.satisfactionRate,
  };
}

async function period(page: Page): Promise<{ from: string; to: string }> {
  return { from: (await page.getAttribute('#figures', 'data-from'))!, to: (await page.getAttribute('#figures', 'data-to'))! };
}

/** A county's or township's counts of due and on-time 报到 and 反馈 (its dispatchStats), from which its late ones follow. */
type DispatchLate = { acknowledgeDue: number; acknowledgedOnTime: number; answerDue: number; reportedOnTime: number };

/**
 * On a county's or township's page for the period from–to: each late figure of the 合计 row of 吹哨报到·分部门 (报到超时,
 * 反馈超时) is as its dispatchStats counts it, and links to every department's late dispatches, as many as the hub's
 * list across departments, in its order, each row naming its department; back returns to the table.
 */
async function totalRowLateLinks(page: Page, code: string, from: string, to: string): Promise<void> {
  const field = code.length === 6 ? 'county' : 'township';
  await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
  for (const [key, zh, filter, figure] of [
    ['ACKNOWLEDGED_LATE', '报到超时', 'acknowledgedLate: true', (s: DispatchLate) => s.acknowledgeDue - s.acknowledgedOnTime],
    ['ANSWERED_LATE', '反馈超时', 'answeredLate: true', (s: DispatchLate) => s.answerDue - s.reportedOnTime],
  ] as const) {
    const api = await hub.dataAs<
      Record<string, { dispatchStats: DispatchLate; dispatches: { totalCount: number; nodes: { id: string; departmentName: string }[] } }>
    >(
      reader,
      `{ ${field}(code: "${code}") { dispatchStats(from: "${from}", to: "${to}") { acknowledgeDue acknowledgedOnTime answerDue reportedOnTime } dispatches(filter: { from: "${from}", to: "${to}", ${filter} }, first: 100) { totalCount nodes { id departmentName } } } }`,
    );
    const { dispatchStats, dispatches } = api[field]!;
    const total = dispatches.totalCount;
    expect(total).toBe(figure(dispatchStats));
    expect(total).toBeGreaterThan(0);
    const cell = await page.$eval(`#dispatch-table tfoot td[data-late="${key}"]`, (td) => ({
      text: td.textContent,
      href: td.querySelector('a')?.getAttribute('href') ?? null,
      label: td.querySelector('a')?.getAttribute('aria-label') ?? null,
    }));
    expect(cell).toEqual({
      text: total.toLocaleString('zh-CN'),
      href: `#/dispatches/${code}/all/${key}`,
      label: `各部门合计${zh} ${total.toLocaleString('zh-CN')} 件`,
    });
    await page.click(`#dispatch-table tfoot td[data-late="${key}"] a`);
    await page.waitForSelector(`main[data-view="dispatches"] #dispatch-list[data-total="${total}"] tbody tr`, { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('period')).toBe('2026Q3');
    expect(await page.inputValue('#dispatch-late')).toBe(key);
    expect(await page.textContent('main h2')).toContain('各部门');
    const heads = await page.$$eval('table.dispatch-list thead th', (ths) => ths.map((th) => th.textContent));
    expect(heads).toContain('部门');
    const rows = await page.$$eval('table.dispatch-list tbody tr', (trs) =>
      trs.map((tr) => ({ id: (tr as HTMLElement).dataset.id, department: tr.querySelector('td.department')?.textContent })),
    );
    expect(rows).toEqual(dispatches.nodes.map((n) => ({ id: n.id, department: n.departmentName })));
    await page.goBack();
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
  }
}

/** WCAG contrast of every visible text's colour against the background it sits on. */
const contrastFailures = (page: Page) =>
  page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const failures: string[] = [];
    const seen = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || !n.textContent?.trim() || !el.checkVisibility() || el.closest('.visually-hidden, .skip')) continue;
      const fg = rgb(getComputedStyle(el).color).slice(0, 3);
      const bg = background(el);
      const key = `${fg}/${bg}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      const ratio = (a! + 0.05) / (b! + 0.05);
      if (ratio < 4.5) failures.push(`${ratio.toFixed(2)}:1 rgb(${fg}) on rgb(${bg}) at "${n.textContent.trim().slice(0, 20)}"`);
    }
    return { failures, pairs: seen.size };
  });

/** Controls without an accessible name (label, aria-label or text). */
const unlabelled = (page: Page) =>
  page.$$eval('button, select, input, textarea, a[href]', (els) =>
    els
      .filter((el) => {
        const e = el as HTMLInputElement;
        const labelled = e.getAttribute('aria-label') || e.labels?.length || e.textContent?.trim() || e.getAttribute('title');
        return !labelled;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );

/**
 * Controls smaller than 24×24 CSS px (WCAG 2.2 target size, minimum), on a touch screen too. A link inside a sentence
 * (a paragraph's text) is exempt, as the criterion exempts inline targets.
 */
const smallTargets = (page: Page) =>
  page.$$eval('button, select, input, textarea, a[href], summary', (els) =>
    els
      .filter((el) => (el as HTMLElement).checkVisibility() && !el.closest('.visually-hidden') && !(el.tagName === 'A' && el.closest('p')))
      .map((el) => ({ el, box: el.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 24 || box.height < 24)
      .map(({ el, box }) => `${Math.round(box.width)}×${Math.round(box.height)} ${el.outerHTML.slice(0, 60)}`),
  );

/**
 * The comparison part of the 受理纠纷 card's note (环比 … · 同比 …), without the reports declined at intake it names
 * after it when the period has some: other tests of the suite decline reports in the county, so the tests that read
 * the comparison do not depend on them (the declined part has a test of its own).
 */
const comparison = (note: string | null): string | null => note?.replace(/ · 另不予受理 [\d,]+ 件，不计入$/, '') ?? null;

describe('the analysis room (分析研判室) in Chromium', () => {
  it('signs in from the link npm start prints, keeps the token out of the address bar, and shows the county as the API counts it', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    expect(await viewOf(page, COUNTY)).toBe('county');
    expect(page.url()).not.toContain(reader);
    expect(page.url()).toBe(`${origin}/app#/division/${COUNTY}`);
    expect(await page.evaluate(() => sessionStorage.getItem('hub.token'))).toBe(reader);
    // Who is signed in, in words: the jurisdiction by name and the scopes as permissions, not the token's codes.
    expect(await page.textContent('#who')).toMatch(/（临潭县；查阅、统计报表）$/);

    const { from, to } = await period(page);
    const shown = await figuresOf(page);
    expect(shown).toEqual(await apiFigures(reader, 'county', COUNTY, from, to));
    expect(shown.residents).toBeGreaterThan(0);
    expect(shown.reported).toBeGreaterThan(0);
    // 近12个月 compares with a year ago only: its previous period is a year ago itself.
    expect(comparison(await page.textContent('[data-figure="reported"] .note'))).toMatch(/^同比 [^·]*$/);
    // The figure as printed is the API's number with Chinese digit grouping.
    expect((await page.textContent('[data-figure="residents"] .value'))!.replace(/,/g, '')).toBe(String(shown.residents));

    // Assessment: every indicator with its target, actual and met/unmet.
    const assessed = await page.$$eval('#assessment tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.met));
    expect(assessed.length).toBe(5);
    expect(await page.textContent('#assessment tbody')).toMatch(/达标/);
    // The trend: 12 months with 同比 and 环比 columns.
    expect(await page.$$eval('#trend tbody tr', (rows) => rows.length)).toBe(12);
    expect(await page.textContent('#trend thead')).toMatch(/环比.*同比/);

    // 吹哨报到·分部门: every department of the county, each figure as the API counts the period's dispatches, and the
    // report of them among the downloads (its rows are the county's townships by department).
    await page.waitForSelector('#dispatch-table table', { timeout: 60_000 });
    const dispatchRows = await page.$$eval('#dispatch-table tbody tr', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.kind, ...Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)]),
    );
    type DepartmentFigures = Record<
      | 'dispatched'
      | 'acknowledged'
      | 'acknowledgedOnTime'
      | 'reported'
      | 'reportedOnTime'
      | 'overdue'
      | 'withdrawn'
      | 'onTimeRate'
      | 'answerDue'
      | 'acknowledgeDue',
      number
    > & {
      departmentKind: string;
    };
    const dispatchApi = await hub.queryAs<{ county: { dispatchStats: { byDepartment: DepartmentFigures[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { byDepartment { departmentKind dispatched acknowledged acknowledgedOnTime reported reportedOnTime overdue withdrawn onTimeRate answerDue acknowledgeDue } } } }`,
    );
    expect(dispatchApi.errors).toBeUndefined();
    const departments = dispatchApi.data!.county.dispatchStats.byDepartment;
    expect(departments.length).toBeGreaterThan(0);
    expect(dispatchRows).toEqual(
      departments.map((x) => [
        x.departmentKind,
        ...[x.dispatched, x.acknowledged, x.acknowledgedOnTime, x.reported, x.reportedOnTime, x.overdue, x.withdrawn].map((n) => n.toLocaleString('zh-CN')),
        x.answerDue ? `${(x.onTimeRate * 100).toFixed(1)}%` : '—',
        x.acknowledgeDue.toLocaleString('zh-CN'),
        // 报到超时 and 反馈超时: the late ones of 应报到 and 应反馈.
        (x.acknowledgeDue - x.acknowledgedOnTime).toLocaleString('zh-CN'),
        (x.answerDue - x.reportedOnTime).toLocaleString('zh-CN'),
      ]),
    );
    expect(await page.$$('button[aria-label="下载下辖乡镇吹哨报到（分部门）表：CSV 数据"]')).toHaveLength(1);

    // 近12个月 is the trend's twelve months, this month so far among them, and the label, the chart and the figures say
    // so alike: the figures are the sum of the trend's months.
    const monthOf = (day: string) => `${day.slice(0, 4)}年${Number(day.slice(5, 7))}月`;
    expect(await page.$eval('#period', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('近12个月（含本月）');
    expect(await page.textContent('main h2.title')).toContain(`统计期 近12个月（含本月），${from} 至 ${to}`);
    // The chart's description for screen readers (ECharts' aria-label) names the same months and reads out all twelve.
    const described = (await page.getAttribute('#trend-chart', 'aria-label'))!;
    expect(described).toMatch(/^近12个月（含本月）受理、化解件数与化解率：/);
    expect(described).toMatch(new RegExp(`：${monthOf(from)}受理 \\d+ 件，化解 \\d+ 件，(化解率 \\d+(\\.\\d)?%|无化解率)；`));
    expect(described).toMatch(new RegExp(`；${monthOf(to)}受理 \\d+ 件，化解 \\d+ 件，(化解率 \\d+(\\.\\d)?%|无化解率)。$`));
    expect(described.split('；')).toHaveLength(12);
    expect(described).not.toMatch(/NaN|undefined|0\.\d{3}/);
    expect(await page.textContent('#trend-title')).toContain('近12个月（含本月）');
    const trendMonths = await page.$$eval('#trend tbody th', (ths) => ths.map((th) => th.textContent));
    expect(from.slice(8)).toBe('01');
    expect(trendMonths[0]).toBe(monthOf(from));
    expect(trendMonths[11]).toBe(`${monthOf(to)}（至今）`);
    expect(await page.$$eval('#period optgroup[label="月份"] option', (os) => os.filter((o) => o.textContent!.endsWith('（至今）')).length)).toBe(1);
    const trendReported = await page.$$eval('#trend tbody td:nth-child(2)', (tds) => tds.reduce((n, td) => n + Number(td.textContent!.replace(/,/g, '')), 0));
    expect(trendReported).toBe(shown.reported);
    // This month so far: its card and its row of the trend compare the same days, of last month (环比) and of the
    // month a year ago (同比), so they say the same.
    const running = `${monthOf(to)}（至今）`;
    await page.selectOption('#period', { label: running });
    await page.waitForFunction((label) => document.querySelector('main h2.title')?.textContent?.includes(`统计期 ${label}`), running, { timeout: 60_000 });
    const lastRow = await page.$$eval('#trend tbody tr:last-child td', (tds) => tds.map((td) => td.textContent));
    expect(comparison(await page.textContent('[data-figure="reported"] .note'))).toBe(`环比 ${lastRow[3]} · 同比 ${lastRow[4]}`);
    // A past month: people and forces are counted as they stand today, and their cards say so; the cases listed are
    // every overdue or supervised case, whatever the period, and the list says so too.
    expect(await page.textContent('[data-figure="gridsFullyStaffed"] .note')).not.toContain('现状');
    await page.selectOption('#period', { label: trendMonths[10]! });
    await page.waitForFunction((label) => document.querySelector('main h2.title')?.textContent?.includes(`统计期 ${label}`), trendMonths[10]!, {
      timeout: 60_000,
    });
    for (const key of ['residents', 'gridsFullyStaffed', 'householdCoverage']) {
      expect(await page.textContent(`[data-figure="${key}"] .note`), key).toMatch(/· 现状，不随统计期$/);
    }
    expect(await page.textContent('[data-figure="reported"] .note')).not.toContain('现状');
    expect(await page.textContent('#cases-title')).toContain('不限统计期');
    await page.selectOption('#period', { label: '近12个月（含本月）' });
    await page.waitForFunction(() => document.querySelector('main h2.title')?.textContent?.includes('统计期 近12个月'), undefined, { timeout: 60_000 });

    // The caller has `read`: overdue and supervised cases, each linking to its timeline.
    await page.waitForSelector('#cases table.cases tbody tr a', { timeout: 60_000 });
    const caseCount = await page.$$eval('#cases tbody tr', (rows) => rows.length);
    expect(caseCount).toBeGreaterThan(0);
    expect(await page.textContent('#cases tbody')).toMatch(/超期|督办/);
    // Every open case under a 督办 order is counted, however old: they are asked for as such, not picked from the newest.
    const supervised = await hub.queryAs<{ county: { disputes: { totalCount: number } } }>(
      reader,
      `{ county(code: "${COUNTY}") { disputes(first: 0, filter: { underSupervision: true, status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }) { totalCount } } }`,
    );
    expect(Number(await page.getAttribute('#cases-supervised', 'data-total'))).toBe(supervised.data!.county.disputes.totalCount);
    expect(await page.$$eval('#cases-supervised tbody tr', (rows) => rows.every((r) => r.textContent?.includes('督办')))).toBe(true);
    // 苗头预警 from the riskSignals API, for the same period.
    await page.waitForSelector('#risk:not([hidden]) #risk-list > *', { timeout: 60_000 });
    expect(await page.textContent('#risk-title')).toMatch(/^苗头预警（\d+）$/);
    await page.screenshot({ path: `${ARTIFACTS}/county.png`, fullPage: true });

    await page.click('#cases tbody tr a');
    await page.waitForSelector('main[data-view="case"] ol.timeline li', { timeout: 60_000 });
    expect(await page.$$eval('ol.timeline li', (li) => li.length)).toBeGreaterThan(0);
    // Who the parties are, who handles it and its deadlines, in words: no English code reaches the page.
    const facts = await page.$eval('dl.case-facts', (dl) => dl.textContent ?? '');
    expect(facts).toMatch(/当事人.*(申请人|被申请人|第三人)：/);
    // Every time on the page in one form, China's wall clock to the minute.
    expect(facts).toMatch(/办理时限联系当事人 \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 化解 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await page.textContent('main')).toMatch(/登记于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await page.textContent('main')).not.toMatch(/\d{4}\/\d{1,2}\/\d{1,2}|\d:\d{2}:\d{2}/);
    expect(await page.$eval('main', (m) => m.textContent ?? '')).not.toMatch(/APPLICANT|RESPONDENT|GRID_INSPECTION|DISSATISFIED/);
    expect(await page.textContent('main')).toMatch(/登记/);

    // A case the township called departments on (吹哨报到): each department, its status and its report, in Chinese.
    const called = await hub.queryAs<{ township: { dispatches: { nodes: { townshipCase: { dispute: { id: string } } }[] } } }>(
      reader,
      `{ township(code: "${COUNTY}200") { dispatches(first: 1) { nodes { townshipCase { dispute { id } } } } } }`,
    );
    const id = called.data!.township.dispatches.nodes[0]!.townshipCase.dispute.id;
    const dispatched = await hub.queryAs<{ dispute: { townshipCase: { dispatches: { departmentName: string; report: string | null }[] } } }>(
      reader,
      `{ dispute(id: "${id}") { townshipCase { dispatches { departmentName report } } } }`,
    );
    const expected = dispatched.data!.dispute.townshipCase.dispatches;
    await page.goto(`${origin}/app#/case/${id}`);
    await page.waitForSelector('#dispatch-title', { timeout: 60_000 });
    const rows = await page.$$eval('section[aria-labelledby="dispatch-title"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? '')),
    );
    expect(rows.map((r) => r[0])).toEqual(expected.map((d) => d.departmentName));
    for (const r of rows) expect(r[1]).toMatch(/^(已吹哨|已报到|已反馈)/);
    expect(rows.map((r) => r[5])).toEqual(expected.map((d) => d.report ?? '—'));
    // How it ended and how the parties rated it, in words, and where it lies from the county down.
    const story = (
      await hub.queryAs<{ dispute: { outcome: string | null; rating: string | null; village: { name: string; township: { name: string } } } }>(
        reader,
        `{ dispute(id: "${id}") { outcome rating village { name township { name } } } }`,
      )
    ).data!.dispute;
    const caseFacts = await page.$eval('dl.case-facts', (dl) => dl.textContent ?? '');
    expect(caseFacts).toMatch(story.outcome ? /化解(调解达成协议|引导诉讼|引导仲裁|撤回)（(村|乡镇|县)级/ : /化解尚未化解/);
    expect(caseFacts).toMatch(story.rating ? /群众评价(满意|基本满意|不满意)/ : /群众评价尚未评价/);
    expect(await page.textContent('main')).not.toMatch(/AGREEMENT|WITHDRAWN|LITIGATION|SATISFIED/);
    const crumbs = (await page.textContent('#crumbs')) ?? '';
    for (const name of ['临潭县', story.village.township.name, story.village.name]) expect(crumbs).toContain(name);
    await page.screenshot({ path: `${ARTIFACTS}/case.png`, fullPage: true });
    await context.close();
  }, 240_000);

  it('totals 吹哨报到·分部门 in every column, each the API’s count for the division and period', async () => {
    const { context, page } = await signedIn(reader);
    await viewOf(page, COUNTY);
    const { from, to } = await period(page);
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    const total = await page.$$eval('#dispatch-table tfoot td', (tds) => tds.map((td) => td.textContent));
    type Counts = Record<
      | 'dispatched'
      | 'acknowledged'
      | 'acknowledgedOnTime'
      | 'reported'
      | 'reportedOnTime'
      | 'overdue'
      | 'withdrawn'
      | 'answerDue'
      | 'onTimeRate'
      | 'acknowledgeDue',
      number
    >;
    const api = await hub.queryAs<{ county: { dispatchStats: Counts } }>(
      reader,
      `{ county(code: "${COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { dispatched acknowledged acknowledgedOnTime reported reportedOnTime overdue withdrawn answerDue onTimeRate acknowledgeDue } } }`,
    );
    expect(api.errors).toBeUndefined();
    const s = api.data!.county.dispatchStats;
    expect(s.acknowledged).toBeGreaterThan(0);
    expect(total).toEqual([
      ...[s.dispatched, s.acknowledged, s.acknowledgedOnTime, s.reported, s.reportedOnTime, s.overdue, s.withdrawn].map((n) => n.toLocaleString('zh-CN')),
      s.answerDue ? `${(s.onTimeRate * 100).toFixed(1)}%` : '—',
      s.acknowledgeDue.toLocaleString('zh-CN'),
      (s.acknowledgeDue - s.acknowledgedOnTime).toLocaleString('zh-CN'),
      (s.answerDue - s.reportedOnTime).toLocaleString('zh-CN'),
    ]);
    // The total row is the departments' rows added up, column by column.
    const rows = await page.$$eval('#dispatch-table tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => Number(td.textContent!.replace(/,/g, '')))),
    );
    const sums = rows[0]!.slice(0, 7).map((_, i) => rows.reduce((sum, r) => sum + r[i]!, 0));
    expect(sums.map((n) => n.toLocaleString('zh-CN'))).toEqual(total.slice(0, 7));
    // 应报到 (after the rate) adds up too.
    expect(rows.reduce((sum, r) => sum + r[8]!, 0).toLocaleString('zh-CN')).toBe(total[8]);
    await context.close();
  });

  it('shows 应报到 in 吹哨报到·分部门, in the CSV’s place (after 按时反馈率), each department’s and the total the API’s acknowledgeDue', async () => {
    const { context, page } = await signedIn(reader);
    await viewOf(page, COUNTY);
    const { from, to } = await period(page);
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    const heads = await page.$$eval('#dispatch-table thead th', (ths) => ths.map((th) => th.textContent));
    expect(heads).toEqual(['部门', '吹哨', '报到', '按时报到', '反馈', '按时反馈', '超期', '撤回', '按时反馈率', '应报到', '报到超时', '反馈超时']);
    // The column read by its header, as a person reads it: the department's row and the total.
    const column = heads.indexOf('应报到');
    const read = (sel: string) => page.$$eval(sel, (trs, i) => trs.map((tr) => [(tr as HTMLElement).dataset.kind ?? '', tr.children[i]!.textContent]), column);
    const api = await hub.queryAs<{
      county: { dispatchStats: { acknowledgeDue: number; byDepartment: { departmentKind: string; acknowledgeDue: number }[] } };
    }>(
      reader,
      `{ county(code: "${COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { acknowledgeDue byDepartment { departmentKind acknowledgeDue } } } }`,
    );
    expect(api.errors).toBeUndefined();
    const s = api.data!.county.dispatchStats;
    expect(s.acknowledgeDue).toBeGreaterThan(0);
    expect(await read('#dispatch-table tbody tr')).toEqual(s.byDepartment.map((d) => [d.departmentKind, d.acknowledgeDue.toLocaleString('zh-CN')]));
    expect(await read('#dispatch-table tfoot tr')).toEqual([['', s.acknowledgeDue.toLocaleString('zh-CN')]]);
    await context.close();
  });

  it('opens a department’s dispatches from 吹哨报到·分部门: the API’s list of the period, paged, late ones marked, each row opening its case', async () => {
    const { context, page } = await signedIn(reader);
    // A quarter of the demo data's, named in the address: the list keeps it, and pages of 2 show paging.
    await page.goto(`${origin}/app?period=2026Q3&pageSize=2#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    const { from, to } = await period(page);
    expect([from, to]).toEqual(['2026-07-01', '2026-09-30']);
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    type Figures = { departmentKind: string; dispatched: number; acknowledgeDue: number; acknowledgedOnTime: number };
    const stats = await hub.dataAs<{ county: { dispatchStats: { byDepartment: Figures[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { byDepartment { departmentKind dispatched acknowledgeDue acknowledgedOnTime } } } }`,
    );
    // The department with the most late 报到, so both the whole list and the late one have rows.
    const row = [...stats.county.dispatchStats.byDepartment].sort(
      (a, b) => b.acknowledgeDue - b.acknowledgedOnTime - (a.acknowledgeDue - a.acknowledgedOnTime) || b.dispatched - a.dispatched,
    )[0]!;
    expect(row.dispatched).toBeGreaterThan(2);
    expect(row.acknowledgeDue - row.acknowledgedOnTime).toBeGreaterThan(0);
    type Node = { id: string; acknowledgedLate: boolean | null; answeredLate: boolean | null; townshipCase: { dispute: { id: string } } };
    /** The API's list of the row's department and period, every page of it. */
    const apiList = async (late: string) => {
      const nodes: Node[] = [];
      for (let after: string | null = null; ;) {
        const r: { county: { dispatches: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] } } } =
          await hub.dataAs(
            reader,
            `query($after: String) { county(code: "${COUNTY}") { dispatches(filter: { from: "${from}", to: "${to}", departmentKind: "${row.departmentKind}"${late} },
              first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id acknowledgedLate answeredLate townshipCase { dispute { id } } } } } }`,
            { after },
          );
        nodes.push(...r.county.dispatches.nodes);
        if (!r.county.dispatches.pageInfo.hasNextPage) return { totalCount: r.county.dispatches.totalCount, nodes };
        after = r.county.dispatches.pageInfo.endCursor;
      }
    };
    const listRows = () =>
      page.$$eval('table.dispatch-list tbody tr', (trs) =>
        trs.map((tr) => ({
          id: (tr as HTMLElement).dataset.id!,
          href: tr.querySelector('th a')?.getAttribute('href') ?? '',
          ack: (tr.querySelector('td.ack') as HTMLElement).dataset.late!,
          answer: (tr.querySelector('td.answer') as HTMLElement).dataset.late!,
          marks: Array.from(tr.querySelectorAll('.badge'), (b) => b.textContent),
        })),
      );
    const loadAll = async () => {
      while (await page.isVisible('#dispatch-list p.more button')) {
        const before = (await listRows()).length;
        await page.click('#dispatch-list p.more button');
        await page.waitForFunction((n) => document.querySelectorAll('table.dispatch-list tbody tr').length > n, before, { timeout: 60_000 });
      }
    };
    const expected = (nodes: Node[]) =>
      nodes.map((n) => ({
        id: n.id,
        href: `#/case/${encodeURIComponent(n.townshipCase.dispute.id)}`,
        ack: n.acknowledgedLate == null ? '' : String(n.acknowledgedLate),
        answer: n.answeredLate == null ? '' : String(n.answeredLate),
        marks: [...(n.acknowledgedLate ? ['报到超时'] : []), ...(n.answeredLate ? ['反馈超时'] : [])],
      }));

    // The department's name opens its list, the period and the page size kept in the address.
    await page.click(`#dispatch-table tbody tr[data-kind="${row.departmentKind}"] th a`);
    await page.waitForSelector('main[data-view="dispatches"] table.dispatch-list tbody tr', { timeout: 60_000 });
    const url = new URL(page.url());
    expect(url.hash).toBe(`#/dispatches/${COUNTY}/${row.departmentKind}`);
    expect(url.searchParams.get('period')).toBe('2026Q3');
    const all = await apiList('');
    expect(all.totalCount).toBe(row.dispatched);
    expect(Number(await page.getAttribute('#dispatch-list', 'data-total'))).toBe(row.dispatched);
    expect((await listRows()).length).toBe(2);
    await loadAll();
    expect(await listRows()).toEqual(expected(all.nodes));

    // 报到超时 only: as many as 应报到 − 按时报到 of the row, the API's late ones.
    await page.selectOption('#dispatch-late', 'ACKNOWLEDGED_LATE');
    await page.waitForURL(`**?period=2026Q3&pageSize=2#/dispatches/${COUNTY}/${row.departmentKind}/ACKNOWLEDGED_LATE`, { timeout: 60_000 });
    await page.waitForSelector(`#dispatch-list[data-total="${row.acknowledgeDue - row.acknowledgedOnTime}"]`, { timeout: 60_000 });
    await loadAll();
    const late = await apiList(', acknowledgedLate: true');
    expect(await listRows()).toEqual(expected(late.nodes));
    expect((await listRows()).every((r) => r.marks.includes('报到超时'))).toBe(true);

    // A row opens its case.
    const first = (await listRows())[0]!;
    await page.click(`table.dispatch-list tbody tr[data-id="${first.id}"] th a`);
    await page.waitForSelector('main[data-view="case"]', { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe(first.href);
    await context.close();
  }, 240_000);

  it('lists a county’s overdue cases with their total, a page at a time by 加载更多, in the API’s order across pages', async () => {
    // The demo data ends 2026-09-30: the county's open cases are overdue, a dozen of them; pages of 5 (the address's
    // ?pageSize=, the page's own is 50) make three pages of them.
    const P = 5;
    type Listed = {
      id: string;
      overdueSince: string;
      status: string;
      handlingLevel: string;
      townshipCase: { status: string } | null;
      countyCase: { status: string } | null;
    };
    type CasePage = { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Listed[] };
    const pageOf = async (after: string | null) => {
      const r = await hub.queryAs<{ county: { disputes: CasePage } }>(
        reader,
        `query($code: String!, $first: Int!, $after: String) { county(code: $code) { disputes(filter: { overdue: true }, orderBy: DUE_FIRST, first: $first, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { id overdueSince status handlingLevel townshipCase { status } countyCase { status } } } } }`,
        { code: COUNTY, first: P, after },
      );
      expect(r.errors).toBeUndefined();
      return r.data!.county.disputes;
    };
    const first = await pageOf(null);
    expect(first.totalCount).toBeGreaterThan(P);
    const second = await pageOf(first.pageInfo.endCursor);
    const { context, page } = await signedIn(reader);
    expect(await viewOf(page, COUNTY)).toBe('county');
    await page.goto(`${origin}/app?pageSize=${P}#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    // The address keeps the page size beside the period it names.
    expect(new URL(page.url()).searchParams.get('pageSize')).toBe(String(P));
    await page.waitForSelector('#cases-overdue table.cases tbody tr', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#cases-overdue', 'data-total'))).toBe(first.totalCount);
    expect(await page.textContent('#cases-overdue-title')).toContain(`共 ${first.totalCount.toLocaleString('zh-CN')} 件`);
    const ids = () => page.$$eval('#cases-overdue tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.id!));
    expect(await ids()).toEqual(first.nodes.map((c) => c.id));
    const more = page.getByRole('button', { name: '加载更多' }).and(page.locator('#cases-overdue button'));
    expect(await more.isVisible()).toBe(true);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('#cases-overdue tbody tr').length > n, first.nodes.length, { timeout: 60_000 });
    // The second page follows the first as the API pages it: the longest overdue first across both.
    expect(await ids()).toEqual([...first.nodes, ...second.nodes].map((c) => c.id));
    const days = await page.$$eval('#cases-overdue tbody td.days', (tds) => tds.map((td) => Number((td as HTMLElement).dataset.days)));
    expect(days.every((n) => n > 0)).toBe(true);
    expect(days).toEqual(days.slice().sort((a, b) => b - a));
    expect(await page.textContent('#cases-overdue p.more .note')).toBe(
      `已显示 ${(first.nodes.length + second.nodes.length).toLocaleString('zh-CN')} 件，共 ${first.totalCount.toLocaleString('zh-CN')} 件`,
    );
    expect(await page.isHidden('#cases-overdue p.more')).toBe(!second.pageInfo.hasNextPage);
    // A case escalated (已上报) shows the status at the level handling it, as that level's case has it.
    const HERE: Record<string, string> = {
      RECEIVED: '已接收',
      ACCEPTED: '已受理',
      ASSIGNED: '已分流',
      MEDIATING: '调解中',
      ESCALATED: '已上报',
      RESOLVED: '已化解',
    };
    const shown = new Map(
      await page.$$eval('#cases-overdue tbody tr', (trs) =>
        trs.map((tr) => [(tr as HTMLElement).dataset.id!, tr.querySelectorAll('td')[2]!.textContent!] as const),
      ),
    );
    const upper = [...first.nodes, ...second.nodes].filter((c) => c.status === 'ESCALATED');
    expect(upper.length, 'the demo county has overdue cases handled above the village').toBeGreaterThan(0);
    for (const c of upper) {
      const held = c.handlingLevel === 'COUNTY' ? c.countyCase : c.townshipCase;
      expect(shown.get(c.id), c.id).toBe(HERE[held!.status]);
    }
    await context.close();
  });

  /** A village's (its disputes) or a township's (its inbox) cases in hand (在办) as the API lists them, in its DUE_FIRST order. */
  async function inHandOf(
    token: string,
    level: 'village' | 'township',
    code: string,
    statuses: string[],
  ): Promise<{ totalCount: number; ids: string[]; statuses: string[] }> {
    const node = level === 'village' ? 'id status' : 'status dispute { id }';
    const type = level === 'village' ? 'DisputeStatus' : 'TownshipCaseStatus';
    const r = await hub.queryAs<
      Record<string, { disputes: { totalCount: number; nodes: ({ id: string; status: string } | { status: string; dispute: { id: string } })[] } }>
    >(
      token,
      `query($code: String!, $s: [${type}!]) { d: ${level}(code: $code) { disputes(filter: { status: $s }, orderBy: DUE_FIRST, first: 100) { totalCount nodes { ${node} } } } }`,
      { code, s: statuses },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.d!.disputes;
    expect(c.totalCount).toBeLessThanOrEqual(100);
    return { totalCount: c.totalCount, ids: c.nodes.map((n) => ('dispute' in n ? n.dispute.id : n.id)), statuses: c.nodes.map((n) => n.status) };
  }
  const VILLAGE_IN_HAND = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED'];
  const TOWNSHIP_IN_HAND = ['RECEIVED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING'];
  /** The 在办 list's rows as shown: id, status code and the cells after the case number. */
  const inHandRows = (page: Page) =>
    page.$$eval('#in-hand tbody tr', (trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.id!,
        status: (tr as HTMLElement).dataset.status!,
        href: tr.querySelector('th a')!.getAttribute('href'),
        cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent!.trim()),
      })),
    );
  /** Clicks the 在办 list's 加载更多 until every page is shown. */
  async function loadAllInHand(page: Page): Promise<void> {
    while (await page.isVisible('#in-hand p.more button')) {
      const before = (await inHandRows(page)).length;
      await page.click('#in-hand p.more button');
      await page.waitForFunction((n) => document.querySelectorAll('#in-hand tbody tr').length > n, before, { timeout: 60_000 });
    }
  }

  it('lists a village’s cases in hand (在办) for its desk: a case just registered, with its status, as the API counts and orders them, by page and by status', async () => {
    const village = await quietVillage(hub);
    const callers = await callersOf(hub, village.code);
    const fresh = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, summary: '两户因宅基地界桩发生争执，刚登记' });
    const accepted = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, summary: '邻里因牲畜践踏青苗发生争执' });
    await mutate(hub, callers.village, `acceptDispute(id: "${accepted.id}", version: ${accepted.version}) { id }`);
    const { id: up } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '跨村草场边界纠纷，需乡镇协调' });
    const api = await inHandOf(callers.village, 'village', village.code, VILLAGE_IN_HAND);
    expect(api.ids).toEqual(expect.arrayContaining([fresh.id, accepted.id, up]));
    expect(api.totalCount).toBe(api.ids.length);

    const { context, page } = await newPage();
    await page.goto(`${origin}/app?pageSize=2#token=${callers.village}`);
    await page.waitForSelector('#in-hand table.in-hand tbody tr', { timeout: 60_000 });
    expect(await page.getAttribute('main', 'data-code')).toBe(village.code);
    expect(Number(await page.getAttribute('#in-hand', 'data-total'))).toBe(api.totalCount);
    expect(await page.textContent('#in-hand-title')).toContain(`在办案件 · 共 ${api.totalCount} 件`);
    // A page of two in the API's order, then the rest by 加载更多, the order holding across pages.
    expect((await inHandRows(page)).map((r) => r.id)).toEqual(api.ids.slice(0, 2));
    expect(await page.textContent('#in-hand p.more .note')).toBe(`已显示 2 件，共 ${api.totalCount} 件`);
    await loadAllInHand(page);
    const rows = await inHandRows(page);
    expect(rows.map((r) => r.id)).toEqual(api.ids);
    expect(rows.map((r) => r.status)).toEqual(api.statuses);
    const byId = new Map(rows.map((r) => [r.id, r]));
    // The case just registered waits for 受理 by its contact deadline; the escalated one reads as the township has it.
    expect(byId.get(fresh.id)!.cells.slice(0, 2)).toEqual(['已登记', '村']);
    expect(byId.get(fresh.id)!.cells[2]).toMatch(/^联系 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(byId.get(accepted.id)!.cells[0]).toBe('已受理');
    expect(byId.get(accepted.id)!.cells[2]).toMatch(/^化解 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(byId.get(up)!.cells.slice(0, 2)).toEqual(['已接收', '乡镇']);
    expect(byId.get(fresh.id)!.href).toBe(`#/case/${encodeURIComponent(fresh.id)}`);

    // A status chosen: the API's list of it, the filter kept in the address.
    const reported = await inHandOf(callers.village, 'village', village.code, ['REPORTED']);
    expect(reported.totalCount).toBeGreaterThan(0);
    expect(reported.totalCount).toBeLessThan(api.totalCount);
    await page.selectOption('#in-hand-filter', 'REPORTED');
    await page.waitForURL(`**#/division/${village.code}/REPORTED`, { timeout: 60_000 });
    await page.waitForSelector('#in-hand[data-status="REPORTED"] tbody tr', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#in-hand', 'data-total'))).toBe(reported.totalCount);
    expect(await page.textContent('#in-hand-title')).toContain(`共 ${reported.totalCount} 件`);
    await loadAllInHand(page);
    expect((await inHandRows(page)).map((r) => r.id)).toEqual(reported.ids);
    expect((await inHandRows(page)).every((r) => r.status === 'REPORTED')).toBe(true);
    // The address opens the same list.
    await page.reload();
    await page.waitForSelector('#in-hand[data-status="REPORTED"] tbody tr', { timeout: 60_000 });
    expect(await page.inputValue('#in-hand-filter')).toBe('REPORTED');
    expect(Number(await page.getAttribute('#in-hand', 'data-total'))).toBe(reported.totalCount);
    // Each row opens its case.
    await page.click(`#in-hand tr[data-id="${fresh.id}"] th a`);
    await page.waitForSelector('main[data-view="case"]', { timeout: 60_000 });
    expect(await page.textContent('main h2')).toContain('已登记');
    await context.close();
  });

  it('lists a township’s cases in hand (在办): its 综治中心’s inbox not yet settled, escalated or returned, named as the township has them', async () => {
    const village = await quietVillage(hub);
    const callers = await callersOf(hub, village.code);
    const { id: received } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '两村因灌溉水渠分水发生争执' });
    const other = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '承包地流转租金纠纷' });
    await mutate(hub, callers.township, `acceptTownshipCase(disputeId: "${other.id}", version: ${other.township.version}) { version }`);
    const desk = await hub.token({ jurisdiction: village.township, scopes: ['read'], subject: 'app-township-in-hand' });
    const api = await inHandOf(desk, 'township', village.township, TOWNSHIP_IN_HAND);
    expect(api.ids).toEqual(expect.arrayContaining([received, other.id]));

    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${desk}`);
    await page.waitForSelector('#in-hand table.in-hand tbody tr', { timeout: 60_000 });
    expect(await page.getAttribute('main', 'data-code')).toBe(village.township);
    expect(Number(await page.getAttribute('#in-hand', 'data-total'))).toBe(api.totalCount);
    expect(await page.textContent('#in-hand-title')).toContain(`共 ${api.totalCount} 件`);
    await loadAllInHand(page);
    const rows = await inHandRows(page);
    expect(rows.map((r) => r.id)).toEqual(api.ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(received)!.cells[0]).toBe('已接收');
    expect(byId.get(received)!.cells[1]).toMatch(/^联系 /);
    expect(byId.get(other.id)!.cells[0]).toBe('已受理');
    expect(byId.get(other.id)!.cells[1]).toMatch(/^化解 /);
    // The township's own statuses to choose from; a village's 已登记 is none of them.
    expect(await page.$$eval('#in-hand-filter option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', ...TOWNSHIP_IN_HAND]);
    const acceptedOnly = await inHandOf(desk, 'township', village.township, ['ACCEPTED']);
    await page.selectOption('#in-hand-filter', 'ACCEPTED');
    await page.waitForURL(`**#/division/${village.township}/ACCEPTED`, { timeout: 60_000 });
    await page.waitForSelector('#in-hand[data-status="ACCEPTED"] tbody tr', { timeout: 60_000 });
    await loadAllInHand(page);
    expect((await inHandRows(page)).map((r) => r.id)).toEqual(acceptedOnly.ids);
    expect(Number(await page.getAttribute('#in-hand', 'data-total'))).toBe(acceptedOnly.totalCount);
    // A status the township does not have, named in the address, gives the whole list and leaves the address.
    await page.goto(`${origin}/app#/division/${village.township}/REPORTED`);
    await page.waitForSelector('#in-hand[data-status=""] tbody tr', { timeout: 60_000 });
    expect(await page.inputValue('#in-hand-filter')).toBe('');
    expect(new URL(page.url()).hash).toBe(`#/division/${village.township}`);
    await context.close();
  });

  it('leads a township desk back from a case opened from its 在办 list to that list as it left it, and a case opened by its address to its village', async () => {
    const village = await quietVillage(hub);
    const callers = await callersOf(hub, village.code);
    const { id } = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '宅基地边界纠纷' });
    const accepted = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '邻里排水沟堵塞纠纷' });
    await mutate(hub, callers.township, `acceptTownshipCase(disputeId: "${accepted.id}", version: ${accepted.township.version}) { version }`);
    const desk = await hub.token({ jurisdiction: village.township, scopes: ['read'], subject: 'app-township-back' });
    const names = await hub.dataAs<{ township: { name: string }; village: { name: string } }>(
      desk,
      `{ township(code: "${village.township}") { name } village(code: "${village.code}") { name } }`,
    );
    const backLinks = (page: Page) => page.$$eval('main .timeline ~ p a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
    const caseShown = (page: Page, caseId: string) =>
      page.waitForSelector(`main[data-view="case"] .timeline`, { timeout: 60_000 }).then(() => expect(new URL(page.url()).hash).toBe(`#/case/${caseId}`));

    const { context, page } = await newPage();
    await page.goto(`${origin}/app?pageSize=100#token=${desk}`);
    await page.waitForSelector(`main[data-code="${village.township}"] #in-hand table.in-hand tbody tr`, { timeout: 60_000 });
    await loadAllInHand(page);
    await page.click(`#in-hand tr[data-id="${id}"] th a`);
    await caseShown(page, id);
    expect(await backLinks(page)).toEqual([[`返回 ${names.township.name}`, `#/division/${village.township}`]]);
    // Reloaded, the case still leads back to the list it was opened from.
    await page.reload();
    await caseShown(page, id);
    expect(await backLinks(page)).toEqual([[`返回 ${names.township.name}`, `#/division/${village.township}`]]);
    await page.click('main .timeline ~ p a');
    await page.waitForSelector(`main[data-code="${village.township}"] #in-hand table.in-hand tbody tr`, { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe(`#/division/${village.township}`);

    // From the list narrowed to one status: back to it, the status kept.
    await page.selectOption('#in-hand-filter', 'ACCEPTED');
    await page.waitForSelector('#in-hand[data-status="ACCEPTED"] tbody tr', { timeout: 60_000 });
    await loadAllInHand(page);
    await page.click(`#in-hand tr[data-id="${accepted.id}"] th a`);
    await caseShown(page, accepted.id);
    expect(await backLinks(page)).toEqual([[`返回 ${names.township.name}`, `#/division/${village.township}/ACCEPTED`]]);
    await page.click('main .timeline ~ p a');
    await page.waitForSelector(`main[data-code="${village.township}"] #in-hand[data-status="ACCEPTED"] tbody tr`, { timeout: 60_000 });
    expect(await page.inputValue('#in-hand-filter')).toBe('ACCEPTED');

    // Opened by its address, from no list: back to its village, as ever.
    await page.goto('about:blank');
    await page.goto(`${origin}/app#/case/${id}`);
    await caseShown(page, id);
    expect(await backLinks(page)).toEqual([[`返回 ${names.village.name}`, `#/division/${village.code}`]]);
    await context.close();
  }, 240_000);

  it('fits a village’s cases in hand in a phone’s window, and lists none on a county’s page', async () => {
    const village = await quietVillage(hub);
    const callers = await callersOf(hub, village.code);
    const { context, page } = await newPage({ width: 390, height: 844 });
    await page.goto(`${origin}/app#token=${callers.village}`);
    await page.waitForSelector('#in-hand table.in-hand tbody tr', { timeout: 60_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.isVisible('#in-hand tbody tr:first-child th a')).toBe(true);
    expect(await page.isVisible('#in-hand-filter')).toBe(true);
    expect(await smallTargets(page)).toEqual([]);
    expect(await unlabelled(page)).toEqual([]);
    expect((await contrastFailures(page)).failures).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/village-in-hand-phone.png`, fullPage: true });
    await context.close();
    // A county's page keeps its 超期 and 督办 lists: its cases in hand are its townships' and villages'.
    const county = await signedIn(reader);
    await viewOf(county.page, COUNTY);
    await county.page.waitForSelector('#cases-overdue', { timeout: 60_000 });
    expect(await county.page.$('#in-hand')).toBeNull();
    await county.context.close();
  });

  it('marks a case settled after its deadline 逾期 beside when it was settled, and one settled in time not', async () => {
    type Settled = { id: string; caseNumber: string; resolvedAt: string | null; deadlines: { settleBy: string } };
    const r = await hub.queryAs<{ county: { disputes: { nodes: Settled[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { disputes(filter: { status: [RESOLVED, RATED, CLOSED, FOLLOWED_UP] }, first: 100) { nodes { id caseNumber resolvedAt deadlines { settleBy } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const settled = r.data!.county.disputes.nodes.filter((n) => n.resolvedAt);
    const late = settled.find((n) => new Date(n.resolvedAt!) > new Date(n.deadlines.settleBy));
    const inTime = settled.find((n) => new Date(n.resolvedAt!) <= new Date(n.deadlines.settleBy));
    expect(late, 'the demo county has a case settled late').toBeDefined();
    expect(inTime, 'the demo county has a case settled in time').toBeDefined();
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    for (const [c, marked] of [
      [late!, true],
      [inTime!, false],
    ] as const) {
      await page.goto(`${origin}/app#/case/${c.id}`);
      await page.waitForFunction((n) => document.querySelector('main[data-view="case"] h2.title')?.textContent?.includes(n), c.caseNumber, { timeout: 60_000 });
      const settledLine = await page.$eval(
        'dl.case-facts',
        (dl) => Array.from(dl.querySelectorAll('dt')).find((dt) => dt.textContent === '化解')!.nextElementSibling!.textContent,
      );
      expect(settledLine?.endsWith('逾期'), `${c.caseNumber}: ${settledLine}`).toBe(marked);
    }
    await context.close();
  }, 240_000);

  it('titles a finished case with the level that resolved it (县级化解), not the village that closes it (村级办理)', async () => {
    type Finished = { id: string; caseNumber: string; handlingLevel: string; resolvedLevel: string | null };
    const r = await hub.queryAs<{ county: { disputes: { nodes: Finished[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { disputes(filter: { status: [FOLLOWED_UP] }, first: 500) { nodes { id caseNumber handlingLevel resolvedLevel } } } }`,
    );
    expect(r.errors).toBeUndefined();
    // A visited (回访) case is the village's to finish (handlingLevel), whichever level settled it.
    const byCounty = r.data!.county.disputes.nodes.find((n) => n.resolvedLevel === 'COUNTY');
    expect(byCounty, 'the demo county has a visited case settled at the county').toMatchObject({ handlingLevel: 'VILLAGE' });
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    await page.goto(`${origin}/app#/case/${byCounty!.id}`);
    await page.waitForFunction((n) => document.querySelector('main[data-view="case"] h2.title')?.textContent?.includes(n), byCounty!.caseNumber, {
      timeout: 60_000,
    });
    expect(await page.textContent('main h2.title small')).toMatch(/ · 已回访 · 县级化解$/);
    await context.close();
  }, 240_000);

  it('marks the contact deadline 逾期 for a case accepted after it, and not for one accepted in time', async () => {
    const [, , village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const accepted = async (lateBy: boolean) => {
      const d = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, summary: '两户因院墙排水沟发生争执' });
      // An hour passing without contact, as the contact deadline moved back makes it.
      if (lateBy) await asOwner('village', (db) => db.query(`update dispute set contact_by = now() - interval '2 hours' where id = $1`, [d.id]));
      return mutate<{ id: string; caseNumber: string }>(hub, callers.village, `acceptDispute(id: "${d.id}", version: ${d.version}) { id caseNumber }`);
    };
    const late = await accepted(true);
    const inTime = await accepted(false);
    const { context, page } = await signedIn(callers.village);
    for (const [c, marked] of [
      [late, true],
      [inTime, false],
    ] as const) {
      await page.goto(`${origin}/app#/case/${c.id}`);
      await page.waitForFunction((n) => document.querySelector('main[data-view="case"] h2.title')?.textContent?.includes(n), c.caseNumber, { timeout: 60_000 });
      const deadlines = await page.$eval(
        'dl.case-facts',
        (dl) => Array.from(dl.querySelectorAll('dt')).find((dt) => dt.textContent === '办理时限')!.nextElementSibling!.textContent,
      );
      expect(deadlines, c.caseNumber).toMatch(marked ? /^联系当事人 \S+ \S+逾期 · 化解 / : /^联系当事人 \S+ \S+ · 化解 /);
    }
    await context.close();
  });

  it('shows a dispatch the township withdrew (撤回) as withdrawn, with when and why, and no deadline left to meet', async () => {
    // A case of 卓尼县 (the suite's write county), in a township (阿子滩镇) the other files do not write in.
    const [village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const { id, ...called } = await dispatchedCase(
      hub,
      callers,
      {
        gridCode: village!.grids[0]!,
        category: 'FOREST_GRASSLAND',
        scale: 'ORDINARY',
        summary: '草场界线争议',
      },
      ['NATURAL_RESOURCES', 'FORESTRY_GRASSLAND'],
    );
    const silent = called.dispatches.find((d) => d.departmentKind === 'FORESTRY_GRASSLAND')!;
    await mutate(hub, callers.township, `withdrawDispatch(dispatchId: "${silent.id}", version: ${called.version}, reason: "部门逾期未报到") { version }`);

    const { context, page } = await signedIn(callers.township);
    await page.goto(`${origin}/app#/case/${id}`);
    await page.waitForSelector('#dispatch-title', { timeout: 60_000 });
    const rows = await page.$$eval('section[aria-labelledby="dispatch-title"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? '')),
    );
    const byName = new Map(rows.map((r) => [r[0]!, r]));
    const withdrawn = byName.get('卓尼县林业和草原局')!;
    expect(withdrawn[1]).toBe('已撤回');
    expect(withdrawn[3]).toBe('—');
    expect(withdrawn[4]).toBe('—');
    expect(withdrawn[5]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 撤回：部门逾期未报到$/);
    const waiting = byName.get('卓尼县自然资源局')!;
    expect(waiting[1]).toMatch(/^已吹哨/);
    expect(waiting[3]).toMatch(/^时限 /);
    // The timeline names the step in Chinese.
    await page.waitForFunction(() => document.querySelector('main')?.textContent?.includes('撤回吹哨'), undefined, { timeout: 60_000 });
    // The title gives the status where the case is handled (the township has dispatched it: 已分流), not the village's 已上报.
    expect(await page.textContent('main h2.title small')).toBe('山林草场 · 已分流 · 乡镇级办理');
    await context.close();
  });

  it('marks 逾期 each 报到 and 反馈 the API counts late, one withdrawn after its deadlines too, as 吹哨报到·分部门 counts them', async () => {
    // A township of the seed county whose desk withdrew a dispatch only after both its deadlines had passed: the
    // figures count it among the late 报到 (应报到 − 按时报到) and the late 反馈, and its case says so.
    type Called = {
      departmentName: string;
      status: string;
      acknowledgedLate: boolean | null;
      answeredLate: boolean | null;
      townshipCase: { dispute: { id: string } };
    };
    const townships = (await hub.queryAs<{ county: { townships: { code: string }[] } }>(reader, `{ county(code: "${COUNTY}") { townships { code } } }`)).data!
      .county.townships;
    let found: Called | undefined;
    for (const t of townships) {
      const r = await hub.queryAs<{ township: { dispatches: { nodes: Called[] } } }>(
        reader,
        `{ township(code: "${t.code}") { dispatches(filter: { status: [WITHDRAWN], acknowledgedLate: true }, first: 1) { nodes { departmentName status acknowledgedLate answeredLate townshipCase { dispute { id } } } } } }`,
      );
      expect(r.errors).toBeUndefined();
      found = r.data!.township.dispatches.nodes[0];
      if (found) break;
    }
    expect(found, 'a dispatch withdrawn after its 报到 deadline in the seed county').toBeDefined();
    const id = found!.townshipCase.dispute.id;
    const api = await hub.queryAs<{ dispute: { townshipCase: { dispatches: Called[] } } }>(
      reader,
      `{ dispute(id: "${id}") { townshipCase { dispatches { departmentName status acknowledgedLate answeredLate townshipCase { dispute { id } } } } } }`,
    );
    expect(api.errors).toBeUndefined();
    const { context, page } = await signedIn(reader);
    await page.goto(`${origin}/app#/case/${id}`);
    await page.waitForSelector('#dispatch-title', { timeout: 60_000 });
    const rows = await page.$$eval('section[aria-labelledby="dispatch-title"] tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? '')),
    );
    expect(rows.map((r) => [r[0], r[3]!.endsWith('逾期'), r[4]!.endsWith('逾期')])).toEqual(
      api.data!.dispute.townshipCase.dispatches.map((d) => [d.departmentName, d.acknowledgedLate === true, d.answeredLate === true]),
    );
    const withdrawn = rows.find((r) => r[0] === found!.departmentName && r[1] === '已撤回')!;
    expect(withdrawn[3]).toBe('未报到逾期');
    expect(withdrawn[4]).toBe(found!.answeredLate ? '未反馈逾期' : '—');
    await context.close();
  });

  it('shows a 不满意 rating that reopened a case as the earlier round’s until the new resolution is rated', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    type Case = { id: string; version: number; status: string };
    const step = (m: string) => mutate<Case>(hub, callers.village, `${m} { id version status }`);
    let d = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, category: 'FAMILY', summary: '赡养费分担纠纷' });
    d = await step(`acceptDispute(id: "${d.id}", version: ${d.version})`);
    d = await step(`assignDispute(id: "${d.id}", version: ${d.version}, assignee: "村调委会")`);
    d = await step(`resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT)`);
    d = await step(`rateDispute(id: "${d.id}", version: ${d.version}, rating: DISSATISFIED, note: "调解协议未履行")`);
    d = await step(`resolveDispute(id: "${d.id}", version: ${d.version}, outcome: AGREEMENT)`);
    expect(d.status).toBe('RESOLVED');

    const { context, page } = await signedIn(callers.village);
    const facts = async () => {
      await page.goto(`${origin}/app#/case/${d.id}`);
      await page.waitForFunction((id) => document.querySelector('main h2')?.textContent?.includes('案件') && location.hash.endsWith(id), d.id, {
        timeout: 60_000,
      });
      await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
      return page.$eval('dl.case-facts', (dl) => dl.textContent ?? '');
    };
    expect(await facts()).toContain('群众评价不满意（对上一次化解的评价，已重新办理；本次尚未评价）');
    // The timeline says the rating of the step it reopened the case with, beside the clerk's note.
    const steps = await page.$$eval('ol.timeline li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(steps.filter((s) => s.includes('重新办理'))).toEqual([expect.stringMatching(/村 · 重新办理 .*：不满意；调解协议未履行$/)]);
    // Rated again: the rating is the case's own.
    d = await step(`rateDispute(id: "${d.id}", version: ${d.version}, rating: SATISFIED)`);
    expect(d.status).toBe('RATED');
    // Away to the village's view, and it drawn, so the case's view below is drawn anew (not the one still showing).
    await page.goto(`${origin}/app#/division/${village!.code}`);
    await viewOf(page, village!.code);
    const after = await facts();
    expect(after).toContain('群众评价满意');
    expect(after).not.toContain('上一次化解');
    await context.close();
  });

  it('shows what a correction (更正) replaced in the timeline: each field before and after, in Chinese', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const d = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, category: 'NEIGHBOUR', summary: '两户因院墙排水沟发生争执' });
    await mutate(
      hub,
      callers.village,
      `correctDispute(id: "${d.id}", version: ${d.version}, input: $i, reason: "类别录错") { version }`,
      { i: { category: 'LAND_HOMESTEAD', parties: [{ name: '杨卓玛', role: 'APPLICANT' }] } },
      '($i: DisputeCorrection!)',
    );
    const { context, page } = await signedIn(callers.village);
    await page.goto(`${origin}/app#/case/${d.id}`);
    await page.waitForSelector('.timeline ul.changes', { timeout: 60_000 });
    expect(await page.$$eval('.timeline ul.changes li', (lis) => lis.map((li) => li.textContent))).toEqual([
      '类别：原 邻里，改为 土地宅基地',
      '当事人：原 杨卓玛（申请人）、李永福（被申请人），改为 杨卓玛（申请人）',
    ]);
    await context.close();
  });

  it('opens a case by its case number (案件编号) as clerks know it, and says a number it cannot see is none', async () => {
    const desk = await hub.token({ jurisdiction: `${COUNTY}200`, scopes: ['read'], subject: 'app-township-number' });
    const r = await hub.queryAs<{ township: { villageDisputes: { nodes: { id: string; caseNumber: string }[] } } }>(
      desk,
      `{ township(code: "${COUNTY}200") { villageDisputes(first: 1) { nodes { id caseNumber } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.township.villageDisputes.nodes[0]!;
    // One of 卓尼县, which a township of 临潭县 does not see.
    const [village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const other = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, summary: '邻里因建房采光发生争执' });
    const otherNumber = (await hub.queryAs<{ dispute: { caseNumber: string } }>(callers.village, `{ dispute(id: "${other.id}") { caseNumber } }`)).data!.dispute
      .caseNumber;
    const { context, page } = await newPage();
    const opens = async (number: string, id: string) => {
      await page.goto(`${origin}/app#/case/${number}`);
      await page.waitForFunction((n) => document.querySelector('main[data-view="case"] h2.title')?.textContent?.includes(n), number, { timeout: 60_000 });
      expect(page.url()).toBe(`${origin}/app#/case/${id}`);
    };
    const refused = async (number: string) => {
      await page.goto(`${origin}/app#/case/${number}`);
      await page.waitForSelector('main[data-view="refused"] p.error', { timeout: 60_000 });
      return { state: await page.textContent('main h2.title small'), message: await page.textContent('main p.error') };
    };
    // A county's caller, a township's and a village's: each finds it in its own division's list.
    for (const token of [reader, desk]) {
      await page.goto(`${origin}/app#token=${token}`);
      await page.waitForSelector('main h2', { timeout: 60_000 });
      await opens(c.caseNumber, c.id);
      expect(await refused(`${COUNTY}-2026-999999`)).toEqual({
        state: '不存在或无权查看',
        message: `没有案件编号为“${COUNTY}-2026-999999”的案件，或您无权查看。`,
      });
    }
    expect((await refused(otherNumber)).state).toBe('不存在或无权查看');
    await page.goto(`${origin}/app#token=${callers.village}`);
    await page.waitForSelector('main h2', { timeout: 60_000 });
    await opens(otherNumber, other.id);
    await context.close();
  }, 240_000);

  it('shows a case’s scale (规模), source (来源) and occurrence time (发生时间) in words', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const d = await mutate<{ id: string }>(
      hub,
      callers.village,
      `reportDispute(input: $i, idempotencyKey: $k) { id }`,
      {
        k: `app-facts-${Date.now()}`,
        i: {
          gridCode: village!.grids[0]!,
          category: 'LAND_HOMESTEAD',
          scale: 'MASS',
          source: 'GRID_INSPECTION',
          occurredAt: '2026-11-30T09:30:00.000+08:00',
          summary: '十余户村民因宅基地界址发生争执',
          parties: [{ name: '马成林', role: 'APPLICANT' }],
        },
      },
      '($i: DisputeInput!, $k: String!)',
    );
    const { context, page } = await signedIn(callers.village);
    await page.goto(`${origin}/app#/case/${d.id}`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    const facts = await page.$eval('dl.case-facts', (dl) =>
      Object.fromEntries(Array.from(dl.querySelectorAll('dt'), (dt) => [dt.textContent, dt.nextElementSibling!.textContent])),
    );
    expect(facts).toMatchObject({ 规模: '群体性', 来源: '网格巡查', 发生时间: '2026-11-30 09:30' });
    await context.close();
  });

  it('shows a case declined at intake (不予受理) as declined, with its reason, and no deadline running', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const d = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, summary: '咨询低保申请办理流程' });
    await mutate(
      hub,
      callers.village,
      `declineDispute(id: "${d.id}", version: ${d.version}, reason: NOT_A_DISPUTE, note: "属政策咨询，已告知民政办") { version }`,
    );
    const { context, page } = await signedIn(callers.village);
    await page.goto(`${origin}/app#/case/${d.id}`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    const facts = await page.$eval('dl.case-facts', (dl) =>
      Object.fromEntries(Array.from(dl.querySelectorAll('dt'), (dt) => [dt.textContent, dt.nextElementSibling!.textContent])),
    );
    expect(facts['不予受理']).toMatch(/^不属于矛盾纠纷。属政策咨询，已告知民政办（\d{4}-\d{2}-\d{2} \d{2}:\d{2}，村级/);
    expect(facts['办理时限']).toBe('不予受理，不再计时');
    expect(Object.keys(facts)).not.toContain('化解');
    expect(Object.keys(facts)).not.toContain('群众评价');
    expect(await page.textContent('dl.case-facts')).not.toMatch(/联系当事人 \d|尚未化解|尚未评价|NOT_A_DISPUTE/);
    // The village's figures for this month count it in no figure, and say so beside the disputes taken in.
    const month = chinaDay().slice(0, 7).replace('-', '');
    await page.goto(`${origin}/app?period=${month}#/division/${village!.code}`);
    await viewOf(page, village!.code);
    const { from, to } = await period(page);
    const api = await hub.queryAs<{ village: { disputeStats: { reported: number; declined: number } } }>(
      callers.village,
      `{ village(code: "${village!.code}") { disputeStats(from: "${from}", to: "${to}") { reported declined } } }`,
    );
    expect(api.errors).toBeUndefined();
    const { reported, declined } = api.data!.village.disputeStats;
    expect(declined).toBeGreaterThan(0);
    expect((await figuresOf(page)).reported).toBe(reported);
    expect(await page.textContent('[data-figure="reported"] .note')).toContain(`另不予受理 ${declined.toLocaleString('zh-CN')} 件，不计入`);
    await context.close();
  });

  it('shows a case’s 督办: the county’s order, the time left to reply, then the holding level’s reply', async () => {
    const [, , village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const d = await reportCase(hub, callers.village, { gridCode: village!.grids[0]!, scale: 'MAJOR', summary: '多户因灌溉水渠改道发生争执' });
    await mutate(hub, callers.county, `superviseDispute(id: "${d.id}", note: "重大纠纷，请两日内报告进展", replyWithinDays: 2) { version }`);
    const factsOf = (page: Page) =>
      page.$eval('dl.case-facts', (dl) =>
        Object.fromEntries(Array.from(dl.querySelectorAll('dt'), (dt) => [dt.textContent, dt.nextElementSibling!.textContent])),
      );
    const { context, page } = await signedIn(callers.county);
    await page.goto(`${origin}/app#/case/${d.id}`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    let facts = await factsOf(page);
    expect(facts['督办']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} .*：重大纠纷，请两日内报告进展$/);
    expect(facts['督办回复']).toMatch(/^尚未回复（回复时限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/);

    // The village holds the case and replies; the page read again shows the reply in place of the time left.
    await mutate(hub, callers.village, `replySupervision(id: "${d.id}", reply: "已组织双方现场勘界，明日调解") { version }`);
    await page.reload();
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    facts = await factsOf(page);
    expect(facts['督办回复']).toMatch(/^村级 .*于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 回复：已组织双方现场勘界，明日调解$/);
    expect(await page.textContent('dl.case-facts')).not.toMatch(/回复超期|SUPERVISION|VILLAGE/);
    await context.close();
  });

  it('shows a township’s inbox case hours late in its first day (超期 N 小时), as the API counts them, and days after it', async () => {
    const villages = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const village = villages[4] ?? villages.at(-1)!;
    const callers = await callersOf(hub, village.code);
    // Past the township's settle deadline by 2 hours 30 minutes (3 hours begun), and by 2 days 1 hour (3 days begun).
    const hours = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '两户因牲畜圈舍占道发生争执' });
    const days = await escalateToTownship(hub, callers, { gridCode: village.grids[0]!, summary: '邻里因房屋滴水发生争执' });
    await asOwner('township', async (db) => {
      await db.query(`update township_case set settle_by = now() - interval '2 hours 30 minutes' where dispute_id = $1`, [hours.id]);
      await db.query(`update township_case set settle_by = now() - interval '2 days 1 hour' where dispute_id = $1`, [days.id]);
    });
    const { context, page } = await signedIn(callers.township);
    const township = village.code.slice(0, 9);
    expect(await viewOf(page, township)).toBe('township');
    await page.waitForSelector('#cases-inbox[data-total]', { timeout: 60_000 });
    for (const id of [hours.id, days.id]) {
      while (!(await page.$(`#cases-inbox tr[data-id="${id}"]`))) {
        const shown = await page.$$eval('#cases-inbox tbody tr', (trs) => trs.length);
        await page.click('#cases-inbox p.more button');
        await page.waitForFunction((n) => document.querySelectorAll('#cases-inbox tbody tr').length > n, shown, { timeout: 60_000 });
      }
    }
    const cell = (id: string) =>
      page.$eval(`#cases-inbox tr[data-id="${id}"] td.days`, (td) => ({
        text: td.textContent,
        days: (td as HTMLElement).dataset.days,
        hours: (td as HTMLElement).dataset.hours,
      }));
    expect(await cell(hours.id)).toEqual({ text: '超期 3 小时', days: '1', hours: '3' });
    expect(await cell(days.id)).toEqual({ text: '超期 3 天', days: '3', hours: undefined });
    await context.close();
  });

  it('shows how many days each overdue case is late, the latest first, and a village’s and its county’s open hazards with their 整改期限 and steps', async () => {
    const DAY = 86_400_000;
    const villages = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const village = villages[3] ?? villages.at(-1)!;
    const callers = await callersOf(hub, village.code);
    // A case made overdue: its contact deadline moved back (as days passing would), past by 2 days and 20 hours: 超期 3 天.
    const d = await reportCase(hub, callers.village, { gridCode: village.grids[0]!, summary: '两户因宅基地界桩移位发生争执' });
    await asOwner('village', (db) =>
      db.query(`update dispute set contact_by = now() - interval '2 days 20 hours', settle_by = now() - interval '1 day' where id = $1`, [d.id]),
    );
    // A hazard made overdue: rectification started with a deadline a week on, then the deadline moved to 3 days ago.
    const h = await mutate<{ id: string; version: number }>(
      hub,
      callers.village,
      `reportHazard(input: { gridCode: "${village.grids[0]}", kind: GAS, description: "液化气罐放在灶台旁", location: "村委会东侧食堂", source: GRID_WORKER }) { id version }`,
    );
    await mutate(
      hub,
      callers.village,
      `startHazardRectification(id: "${h.id}", version: ${h.version}, rectifyBy: "${chinaDay(Date.now() + 7 * DAY)}", note: "通知食堂三日内移出罐体") { version }`,
    );
    const due = chinaDay(Date.now() - 3 * DAY);
    await asOwner('village', (db) => db.query(`update hazard set rectify_by = $2 where id = $1`, [h.id, due]));

    type Listed = {
      id: string;
      status: string;
      overdue: boolean;
      overdueSince: string | null;
      deadlines: { contactBy: string; settleBy: string; replyBy: string | null };
    };
    type Hazard = { id: string; rectifyBy: string | null; overdue: boolean; steps: { actor: string; note: string | null }[] };
    const api = await hub.queryAs<{
      village: {
        overdue: { totalCount: number; nodes: Listed[] };
        supervised: { totalCount: number; nodes: Listed[] };
        o: { totalCount: number; nodes: Hazard[] };
        r: { totalCount: number };
        s: { totalCount: number };
      };
    }>(
      callers.village,
      `query($code: String!) { village(code: $code) {
        overdue: disputes(filter: { overdue: true }, first: 100) { totalCount nodes { id status overdue overdueSince deadlines { contactBy settleBy replyBy } } }
        supervised: disputes(filter: { underSupervision: true, status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 200) { totalCount nodes { id status overdue overdueSince deadlines { contactBy settleBy replyBy } } }
        o: hazards(overdue: true, first: 100) { totalCount nodes { id rectifyBy overdue steps { actor note } } }
        r: hazards(status: RECTIFYING, overdue: false, first: 0) { totalCount }
        s: hazards(status: REPORTED, overdue: false, first: 0) { totalCount } } }`,
      { code: village.code },
    );
    expect(api.errors).toBeUndefined();
    const v = api.data!.village;
    const mine = v.overdue.nodes.find((c) => c.id === d.id)!;
    // A case not yet accepted is overdue since its contact deadline (the API names it, so the page need not know the rule).
    expect(mine).toMatchObject({ status: 'REPORTED', overdue: true, overdueSince: mine.deadlines.contactBy });
    for (const c of [...v.overdue.nodes, ...v.supervised.nodes]) expect(c.overdueSince !== null, c.id).toBe(c.overdue);
    const hazard = v.o.nodes.find((x) => x.id === h.id)!;
    expect(hazard).toMatchObject({ overdue: true, rectifyBy: due });

    const { context, page } = await signedIn(callers.village);
    expect(await viewOf(page, village.code)).toBe('village');
    await page.waitForSelector('#cases-overdue table.cases tbody tr', { timeout: 60_000 });
    // Each list counted as the API counts it, a page at a time: 加载更多 until the case made overdue is shown.
    expect(Number(await page.getAttribute('#cases-overdue', 'data-total'))).toBe(v.overdue.totalCount);
    expect(Number(await page.getAttribute('#cases-supervised', 'data-total'))).toBe(v.supervised.totalCount);
    while (!(await page.$(`#cases-overdue tr[data-id="${d.id}"]`))) {
      const shown = await page.$$eval('#cases-overdue tbody tr', (trs) => trs.length);
      await page.click('#cases-overdue p.more button');
      await page.waitForFunction((n) => document.querySelectorAll('#cases-overdue tbody tr').length > n, shown, { timeout: 60_000 });
    }
    const rowsOf = (part: string) =>
      page.$$eval(`#cases-${part} tbody tr`, (trs) =>
        trs.map((tr) => ({
          id: (tr as HTMLElement).dataset.id!,
          days: tr.querySelector<HTMLElement>('td.days')!.dataset.days!,
          text: tr.querySelector('td.days')!.textContent,
        })),
      );
    const rows = await rowsOf('overdue');
    // Every case the API calls overdue shows its days past the deadline the API says it missed, the latest first; a
    // case only under 督办 shows none.
    const listed = new Map([...v.overdue.nodes, ...v.supervised.nodes].map((c) => [c.id, c]));
    for (const r of [...rows, ...(await rowsOf('supervised'))]) {
      const c = listed.get(r.id);
      if (!c) continue;
      expect(r.days !== '', r.id).toBe(c.overdue);
      if (c.overdueSince) expect(Number(r.days), r.id).toBe(Math.ceil((Date.now() - Date.parse(c.overdueSince)) / DAY));
    }
    expect(rows.every((r) => r.days !== '')).toBe(true);
    expect(rows.find((r) => r.id === d.id)).toMatchObject({ days: '3', text: '超期 3 天' });
    const days = rows.map((r) => Number(r.days || 0));
    expect(days).toEqual(days.slice().sort((a, b) => b - a));

    // The hazard card leads to the village's open hazards: the overdue first, then those being rectified, then those
    // only reported, each part counted as the API counts it.
    await page.click('[data-figure="hazards"] a');
    await page.waitForSelector('main[data-view="hazards"] #hazards-overdue[data-total]', { timeout: 60_000 });
    expect(page.url()).toBe(`${origin}/app#/hazards/${village.code}`);
    // The tab says whose hazards these are, as every other view's tab names its division.
    const villageName = (await page.textContent('main h2.title'))!.split(' ')[0];
    expect(await page.title()).toBe(`${villageName}隐患整改 · 分析研判室`);
    const totals = await page.$$eval('section.hazards', (ss) => ss.map((s) => [(s as HTMLElement).dataset.part, Number((s as HTMLElement).dataset.total)]));
    expect(totals).toEqual([
      ['overdue', v.o.totalCount],
      ['rectifying', v.r.totalCount],
      ['reported', v.s.totalCount],
    ]);
    // Its page at a time: 加载更多 until the hazard is shown.
    const mark = `#hazards-overdue tr[data-id="${h.id}"]`;
    while (!(await page.$(mark))) {
      const shown = await page.$$eval('#hazards-overdue tbody tr', (trs) => trs.length);
      await page.click('#hazards-overdue p.more button');
      await page.waitForFunction((n) => document.querySelectorAll('#hazards-overdue tbody tr').length > n, shown, { timeout: 60_000 });
    }
    const cells = await page.$$eval(`${mark} > *`, (cs) => cs.map((c) => c.textContent));
    expect(cells.slice(1, 8)).toEqual([
      '燃气',
      '液化气罐放在灶台旁村委会东侧食堂',
      expect.any(String),
      expect.stringMatching(/^网格员/),
      '整改中',
      due,
      '超期 3 天',
    ]);
    await page.click(`${mark} details summary`);
    const steps = (await page.textContent(`${mark} details ol`))!;
    expect(steps).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 开始整改 /);
    expect(steps).toContain(`${hazard.steps[0]!.actor}：${hazard.steps[0]!.note}`);
    expect(await page.textContent('main')).not.toMatch(/RECTIFYING|GRID_WORKER|GAS|START/);
    await page.screenshot({ path: `${ARTIFACTS}/hazards.png`, fullPage: true });
    await context.close();

    // The county's hazard card leads to the same page for every village of the county: each part counted as the API
    // counts it, the most overdue first, each hazard naming its village.
    const countyCode = village.code.slice(0, 6);
    type Count = { totalCount: number };
    const wide = await hub.queryAs<{ county: { o: Count; r: Count; s: Count } }>(
      callers.county,
      `query($code: String!) { county(code: $code) {
        o: hazards(overdue: true, first: 0) { totalCount }
        r: hazards(status: RECTIFYING, overdue: false, first: 0) { totalCount }
        s: hazards(status: REPORTED, overdue: false, first: 0) { totalCount } } }`,
      { code: countyCode },
    );
    expect(wide.errors).toBeUndefined();
    const c = wide.data!.county;
    expect(c.o.totalCount).toBeGreaterThan(0);
    const atCounty = await signedIn(callers.county);
    expect(await viewOf(atCounty.page, countyCode)).toBe('county');
    await atCounty.page.click('[data-figure="hazards"] a');
    await atCounty.page.waitForSelector(`main[data-view="hazards"][data-code="${countyCode}"] #hazards-overdue[data-total]`, { timeout: 60_000 });
    expect(atCounty.page.url()).toBe(`${origin}/app#/hazards/${countyCode}`);
    expect(
      await atCounty.page.$$eval('section.hazards', (ss) => ss.map((s) => [(s as HTMLElement).dataset.part, Number((s as HTMLElement).dataset.total)])),
    ).toEqual([
      ['overdue', c.o.totalCount],
      ['rectifying', c.r.totalCount],
      ['reported', c.s.totalCount],
    ]);
    const overdueRows = await atCounty.page.$$eval('#hazards-overdue tbody tr', (trs) =>
      trs.map((tr) => ({ village: tr.querySelector('td.village')?.textContent ?? '', due: tr.children[7]!.textContent! })),
    );
    expect(overdueRows.length).toBeGreaterThan(0);
    for (const r of overdueRows) expect(r.village).not.toBe('');
    expect(overdueRows.map((r) => r.due)).toEqual(overdueRows.map((r) => r.due).sort());
    await atCounty.context.close();
  });

  it('shows a county department its county’s figures without the case lists or hazard records it may not read, leading it to its inbox', async () => {
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const { context, page } = await signedIn(department);
    await page.goto(`${origin}/app#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    // The hub refuses a department the county's case lists and hazard records: the page offers neither, and no refusal.
    expect(await page.$('#cases')).toBeNull();
    expect(await page.$(`a[href^="#/hazards/"]`)).toBeNull();
    expect(await page.$('main .error')).toBeNull();
    expect(await page.textContent('#cases-note')).toBe('县直部门只能查看派给本部门的吹哨任务及其案件：见部门待办。');
    await page.click('#cases-note a[href="#/inbox"]');
    await page.waitForSelector('main[data-view="inbox"]', { timeout: 60_000 });
    await context.close();
  });

  it('names the division of a hazards view refused to a county department, as its county’s page named it, in words', async () => {
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const { context, page } = await signedIn(department);
    await page.goto(`${origin}/app#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    // No link leads there; an address typed or kept from before still does, and is told in words that the records are the 综治中心's.
    await page.goto(`${origin}/app#/hazards/${COUNTY}`);
    await page.waitForSelector('main .error', { timeout: 60_000 });
    expect(await page.textContent('main h2')).toContain('临潭县隐患整改');
    expect(await page.textContent('#crumbs')).toContain('临潭县隐患整改 · 无权查看');
    expect(await page.textContent('main')).not.toContain(`区划 ${COUNTY}`);
    const said = (await page.textContent('main .error'))!;
    expect(said).toBe('无权查看：县直部门只能查看派给本部门的吹哨任务及其案件；隐患记录由综治中心和村（社区）查看。');
    expect(said).not.toMatch(/hazards|NATURAL_RESOURCES|[A-Za-z]{6,}/);
    await context.close();
  });

  it('opens a county department’s own case by its number, and no other', async () => {
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const inbox = await hub.queryAs<{ departmentInbox: { nodes: { townshipCase: { caseNumber: string; dispute: { id: string } } }[] } }>(
      department,
      `{ departmentInbox(first: 1) { nodes { townshipCase { caseNumber dispute { id } } } } }`,
    );
    expect(inbox.errors).toBeUndefined();
    const own = inbox.data!.departmentInbox.nodes[0]!.townshipCase;
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${department}`);
    await page.waitForSelector('main h2', { timeout: 60_000 });
    // A clerk knows the case by the number the township called it with: the page finds it among the department's dispatches.
    await page.goto(`${origin}/app#/case/${own.caseNumber}`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe(`#/case/${own.dispute.id}`);
    expect(await page.textContent('main h2')).toContain(own.caseNumber);
    await page.screenshot({ path: `${ARTIFACTS}/department-case.png`, fullPage: true });
    // A case no dispatch of the department carries reads as every case the caller cannot see does.
    const other = await hub.queryAs<{ county: { disputes: { nodes: { caseNumber: string; id: string }[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { disputes(filter: { handlingLevel: VILLAGE, category: FAMILY }, first: 1) { nodes { caseNumber id } } } }`,
    );
    const theirs = other.data!.county.disputes.nodes[0]!;
    await page.goto(`${origin}/app#/case/${theirs.caseNumber}`);
    await page.waitForSelector('main .error', { timeout: 60_000 });
    expect(await page.textContent('main .error')).toBe(`没有案件编号为“${theirs.caseNumber}”的案件，或您无权查看。`);
    await context.close();
  });

  /** The department's dispatches as the API lists them for its inbox (DUE_FIRST), all of them. */
  async function inboxOf(token: string, filter = '{}') {
    const r = await hub.queryAs<{
      departmentInbox: {
        totalCount: number;
        nodes: {
          id: string;
          status: string;
          overdue: boolean;
          townshipCase: { caseNumber: string; dispute: { id: string; village: { township: { name: string } } } };
        }[];
      };
    }>(
      token,
      `{ departmentInbox(filter: ${filter}, orderBy: DUE_FIRST, first: 100) { totalCount nodes { id status overdue townshipCase { caseNumber dispute { id village { township { name } } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.departmentInbox;
  }
  const inboxRows = (page: Page) =>
    page.$$eval('table.inbox tbody tr', (trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.id!,
        cells: Array.from(tr.querySelectorAll('th, td'), (c) => c.textContent ?? ''),
        href: tr.querySelector('a')?.getAttribute('href') ?? '',
      })),
    );

  it('lands a county department on its inbox (部门待办): the API’s departmentInbox, in its order and count, each row opening its case', async () => {
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const api = await inboxOf(department);
    expect(api.totalCount).toBeGreaterThan(0);
    expect(api.totalCount).toBeLessThanOrEqual(100);
    expect(api.totalCount).toBeLessThanOrEqual(100);
    const { context, page } = await newPage();
    await page.goto(`${origin}/app?pageSize=100#token=${department}`);
    await page.waitForSelector('main[data-view="inbox"] #inbox', { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe('#/inbox');
    expect(await page.isVisible('#inbox-link')).toBe(true);
    expect(await page.textContent('#inbox-title')).toContain(`共 ${api.totalCount.toLocaleString('zh-CN')} 件`);
    const rows = await inboxRows(page);
    expect(rows.map((r) => r.id)).toEqual(api.nodes.map((n) => n.id));
    const STATUS: Record<string, string> = { DISPATCHED: '已吹哨', ACKNOWLEDGED: '已报到', REPORTED: '已反馈' };
    rows.forEach((r, i) => {
      const n = api.nodes[i]!;
      expect(r.cells[0]).toBe(n.townshipCase.caseNumber);
      expect(r.href).toBe(`#/case/${n.townshipCase.dispute.id}`);
      expect(r.cells[1]).toBe(`${STATUS[n.status]}${n.overdue ? '超期' : ''}`);
      // An overdue dispatch says by how many days, as the case lists do; no other does.
      if (n.overdue) expect(r.cells[3]).toMatch(/^超期 \d+ 天$/);
      else expect(r.cells[3]).toBe('');
      expect(r.cells[4]).toBe(n.townshipCase.dispute.village.township.name);
    });
    // Read-only: no control that would change a dispatch.
    expect(await page.$$eval('main button', (bs) => bs.map((b) => b.textContent).filter((t) => t !== '加载更多'))).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/department-inbox.png`, fullPage: true });
    // A row opens its case, which the department may read.
    await page.click(`table.inbox tbody tr:first-child a`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe(`#/case/${api.nodes[0]!.townshipCase.dispute.id}`);
    expect(await page.textContent('main h2')).toContain(api.nodes[0]!.townshipCase.caseNumber);
    // The way back under the case is the inbox it was opened from, not the village's page, which lists no case for it.
    expect(await page.$$eval('main .timeline ~ p a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([['返回 部门待办', '#/inbox']]);
    // The header leads back to it from every view.
    await page.click('#inbox-link');
    await page.waitForSelector('main[data-view="inbox"] #inbox', { timeout: 60_000 });
    await context.close();
  });

  it('pages a department’s inbox by 加载更多 in the API’s order, open ones before those reported, and filters it by status', async () => {
    // Cases of 卓尼县 (the suite's write county) called on its 交通运输局, which no other test calls: one waits for its
    // 报到, one for its 反馈, one it has reported on.
    const [village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const department = await departmentToken(WRITE_COUNTY, 'TRANSPORT');
    const called: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id, township } = await escalateToTownship(hub, callers, { gridCode: village!.grids[0]!, category: 'OTHER', summary: `通村道路占地纠纷 ${i}` });
      const accepted = await mutate<{ version: number }>(
        hub,
        callers.township,
        `acceptTownshipCase(disputeId: "${id}", version: ${township.version}) { version }`,
      );
      const sent = await mutate<{ dispatches: { id: string }[] }>(
        hub,
        callers.township,
        `dispatchToDepartments(disputeId: "${id}", version: ${accepted.version}, departments: ["TRANSPORT"]) { dispatches { id } }`,
      );
      called.push(sent.dispatches[0]!.id);
    }
    // The first has missed its 报到 deadline by two days and an hour: 超期 3 天, a day begun counted whole.
    await asOwner('township', (c) => c.query(`update dispatch set acknowledge_by = now() - interval '2 days 1 hour' where id = $1::int`, [called[0]]));
    await mutate(hub, department, `acknowledgeDispatch(dispatchId: "${called[1]}") { status }`);
    await mutate(hub, department, `acknowledgeDispatch(dispatchId: "${called[2]}") { status }`);
    await mutate(hub, department, `reportDispatch(dispatchId: "${called[2]}", report: "已现场核实道路红线") { status }`);
    const api = await inboxOf(department);
    expect(api.totalCount).toBeGreaterThanOrEqual(3);
    expect(api.totalCount).toBeLessThanOrEqual(100);
    // What the department still owes comes before what it has reported on.
    const statuses = api.nodes.map((n) => n.status);
    expect(statuses.lastIndexOf('DISPATCHED')).toBeLessThan(statuses.indexOf('REPORTED'));
    expect(statuses.lastIndexOf('ACKNOWLEDGED')).toBeLessThan(statuses.indexOf('REPORTED'));

    const { context, page } = await newPage();
    await page.goto(`${origin}/app?pageSize=2#token=${department}`);
    await page.waitForSelector('main[data-view="inbox"] table.inbox tbody tr', { timeout: 60_000 });
    expect((await inboxRows(page)).map((r) => r.id)).toEqual(api.nodes.slice(0, 2).map((n) => n.id));
    expect(await page.textContent('#inbox p.more .note')).toBe(`已显示 2 件，共 ${api.totalCount} 件`);
    await page.click('#inbox p.more button');
    await page.waitForFunction(() => document.querySelectorAll('table.inbox tbody tr').length > 2, undefined, { timeout: 60_000 });
    const shown = Math.min(4, api.totalCount);
    expect((await inboxRows(page)).map((r) => r.id)).toEqual(api.nodes.slice(0, shown).map((n) => n.id));
    expect(await page.textContent('#inbox p.more .note')).toBe(`已显示 ${shown} 件，共 ${api.totalCount} 件`);
    // 加载更多 to the end: every dispatch once, in the API's order across pages.
    while (await page.isVisible('#inbox p.more button')) {
      const before = (await inboxRows(page)).length;
      await page.click('#inbox p.more button');
      await page.waitForFunction((n) => document.querySelectorAll('table.inbox tbody tr').length > n, before, { timeout: 60_000 });
    }
    const all = await inboxRows(page);
    expect(all.map((r) => r.id)).toEqual(api.nodes.map((n) => n.id));
    // Each row names the deadline it answers next: 报到 until acknowledged, then 反馈; the reported one, when.
    const byId = new Map(all.map((r) => [r.id, r.cells]));
    const expected: Record<string, RegExp> = {
      DISPATCHED: /^报到 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
      ACKNOWLEDGED: /^反馈 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
      REPORTED: /^已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 反馈$/,
    };
    for (const n of api.nodes) expect(byId.get(n.id)![2]).toMatch(expected[n.status]!);
    // Overdue above all, and said by how many days, as the case lists say it.
    expect(api.nodes[0]!.overdue).toBe(true);
    const late = byId.get(called[0]!)!;
    expect(late[1]).toBe('已吹哨超期');
    expect(late[3]).toBe('超期 3 天');
    for (const n of api.nodes.filter((n) => !n.overdue)) expect(byId.get(n.id)![3]).toBe('');
    // A status the department chooses: the API's list of it, the filter kept in the address.
    const filtered = await inboxOf(department, '{ status: [ACKNOWLEDGED] }');
    expect(filtered.totalCount).toBeGreaterThan(0);
    await page.selectOption('#inbox-filter', 'ACKNOWLEDGED');
    await page.waitForURL('**#/inbox/ACKNOWLEDGED', { timeout: 60_000 });
    await page.waitForFunction((n) => document.querySelector('main[data-view="inbox"] #inbox')?.getAttribute('data-total') === String(n), filtered.totalCount, {
      timeout: 60_000,
    });
    expect((await inboxRows(page)).map((r) => r.id)).toEqual(filtered.nodes.slice(0, 2).map((n) => n.id));
    expect(await page.inputValue('#inbox-filter')).toBe('ACKNOWLEDGED');
    await context.close();
  });

  it('fits a department’s inbox in a phone’s window', async () => {
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const { context, page } = await newPage({ width: 390, height: 844 });
    await page.goto(`${origin}/app#token=${department}`);
    await page.waitForSelector('main[data-view="inbox"] table.inbox tbody tr', { timeout: 60_000 });
    // The page does not scroll sideways; the table scrolls within its own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.isVisible('#inbox-link')).toBe(true);
    expect(await page.isVisible('table.inbox tbody tr:first-child a')).toBe(true);
    expect(await smallTargets(page)).toEqual([]);
    expect(await unlabelled(page)).toEqual([]);
    expect((await contrastFailures(page)).failures).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/department-inbox-phone.png`, fullPage: true });
    await context.close();
  });

  it('shows a township’s or a county’s token no department inbox: no link to it, and its address says whose page it is', async () => {
    const desk = await hub.token({ jurisdiction: `${COUNTY}200`, scopes: ['read'], subject: 'app-township-inbox' });
    for (const [token, home] of [
      [desk, `${COUNTY}200`],
      [reader, COUNTY],
    ] as const) {
      const { context, page } = await signedIn(token);
      await viewOf(page, home);
      expect(await page.isVisible('#inbox-link')).toBe(false);
      expect(await page.$('a[href^="#/inbox"]:visible')).toBeNull();
      await page.goto(`${origin}/app#/inbox`);
      await page.waitForSelector('main .error', { timeout: 60_000 });
      expect(await page.textContent('main .error')).toBe('部门待办是县直部门的页面：只有县直部门的令牌可以打开。');
      expect(await page.$('table.inbox')).toBeNull();
      await context.close();
    }
  });

  it('names divisions above a case outside the caller’s jurisdiction without linking them', async () => {
    const desk = await hub.token({ jurisdiction: `${COUNTY}200`, scopes: ['read'], subject: 'app-township-desk' });
    const one = await hub.queryAs<{ township: { villages: { disputes: { nodes: { id: string }[] } }[] } }>(
      desk,
      `{ township(code: "${COUNTY}200") { villages { disputes(first: 1) { nodes { id } } } } }`,
    );
    expect(one.errors).toBeUndefined();
    const id = one.data!.township.villages.flatMap((v) => v.disputes.nodes)[0]!.id;
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${desk}`);
    await viewOf(page, `${COUNTY}200`);
    await page.goto(`${origin}/app#/case/${id}`);
    await page.waitForSelector('dl.case-facts', { timeout: 60_000 });
    const links = await page.$$eval('#crumbs a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).not.toContain(`#/division/${COUNTY}`);
    expect(links).toContain(`#/division/${COUNTY}200`);
    expect(await page.textContent('#crumbs')).toContain('临潭县');
    await context.close();
  });

  it('names the division whose assessment target applies, not its code', async () => {
    // A township of the write county no other test sets targets for; the room's default period ends this year.
    const township = `${WRITE_COUNTY}104`;
    const year = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    const admin = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['read', 'admin'], subject: 'app-targets' });
    const village = (await villagesOf(hub, township))[0]!.code;
    const set = await hub.queryAs(
      admin,
      `mutation { setAssessmentTarget(indicator: ON_TIME_RATE, divisionCode: "${township}", year: ${year}, target: 0.85) { target } }`,
    );
    expect(set.errors).toBeUndefined();
    try {
      // Targets reach the village subgraph by event: wait for the village to read the township's.
      const applied = async () => {
        const r = await hub.queryAs<{ village: { assessment: { indicator: string; targetSetBy: string | null }[] } }>(
          admin,
          `{ village(code: "${village}") { assessment(period: "${year}") { indicator targetSetBy } } }`,
        );
        return r.data?.village.assessment.find((a) => a.indicator === 'ON_TIME_RATE')?.targetSetBy;
      };
      await expect.poll(applied, { timeout: 60_000, interval: 500 }).toBe(township);
      const { context, page } = await newPage();
      await page.goto(`${origin}/app#token=${admin}`);
      await page.goto(`${origin}/app#/division/${village}`);
      await viewOf(page, village);
      const name = await page.textContent(`#crumbs a[href="#/division/${township}"]`);
      expect(name).toBeTruthy();
      expect(await page.textContent('#assessment tr[data-indicator="ON_TIME_RATE"] td:last-child')).toBe(`${name}（${year}年度）`);
      await context.close();
    } finally {
      await hub.queryAs(admin, `mutation { clearAssessmentTarget(indicator: ON_TIME_RATE, divisionCode: "${township}", year: ${year}) }`);
    }
  }, 180_000);

  it('tells a token it cannot read from an expired one at sign-in', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=garbage.token.here`);
    await page.waitForSelector('#token-input');
    expect(await page.textContent('.sign-in [role="alert"]')).toMatch(/^这不是有效的访问令牌/);
    // The page reads a token's claims (the hub checks its signature): one whose exp has passed reads as expired.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const expired = `${part({ alg: 'ES256' })}.${part({ sub: 'app-expired', jurisdiction: COUNTY, scopes: ['read'], exp: Math.floor(Date.now() / 1000) - 60 })}.c2ln`;
    await page.goto(`${origin}/app#token=${expired}`);
    await page.waitForFunction(() => document.querySelector('.sign-in [role="alert"]')?.textContent?.startsWith('令牌已过期'), undefined, { timeout: 60_000 });
    await context.close();
  });

  it('after signing in opens the view the sign-in interrupted, takes a token pasted with “Bearer ”, and names no caller the hub refused', async () => {
    const { context, page } = await newPage();
    const township = `${COUNTY}100`;
    await page.goto(`${origin}/app#/division/${township}`);
    await page.waitForSelector('#token-input');
    await page.fill('#token-input', `Bearer ${reader}`);
    await page.click('#sign-in-form button[type="submit"]');
    expect(await viewOf(page, township)).toBe('township');
    expect(page.url()).toBe(`${origin}/app#/division/${township}`);

    // A token whose claims were changed after signing: the page reads them, the hub refuses the signature.
    const [head, payload, signature] = reader.split('.');
    const claims = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), name: '伪造令牌' };
    const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await page.evaluate((t) => sessionStorage.setItem('hub.token', t), forged);
    await page.goto(`${origin}/app#/division/${COUNTY}`);
    await page.waitForSelector('.sign-in [role="alert"]', { timeout: 60_000 });
    const said = (await page.textContent('.sign-in [role="alert"]'))!;
    expect(said).toMatch(/请用有效的令牌重新登录。$/);
    expect(said).not.toMatch(/令牌无效或已过期：令牌/);
    expect(await page.textContent('#who')).toBe('');
    await context.close();
  }, 180_000);

  it('keeps the view on screen, dimmed, while the next loads, and says an unreachable hub in Chinese with a way to try again', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    const township = `${COUNTY}100`;
    // A slow answer: the county stays on screen, marked busy, until the township's view replaces it.
    /** Each slowed request's answer, read to its end (or its failure). */
    const slowed: Promise<unknown>[] = [];
    await page.route('**/graphql', async (r) => {
      slowed.push(
        r
          .request()
          .response()
          .then((res) => res?.finished())
          .catch(() => {}),
      );
      await new Promise((done) => setTimeout(done, 1500));
      await r.continue().catch(() => {});
    });
    await page.click(`#children-table a[href="#/division/${township}"]`);
    await page.waitForSelector('main[aria-busy="true"]', { timeout: 10_000 });
    expect(await page.getAttribute('main', 'data-code')).toBe(COUNTY);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('main')!, '::before').content)).toBe('"正在载入…"');
    expect(await viewOf(page, township)).toBe('township');
    expect(await page.getAttribute('main', 'aria-busy')).toBeNull();
    // A view still loading does not land over a refusal the address asked for meanwhile.
    await page.evaluate((h) => (location.hash = h), `#/division/${COUNTY}`);
    await page.waitForSelector('main[aria-busy="true"]', { timeout: 10_000 });
    await page.evaluate(() => (location.hash = '#/division/1234567'));
    await page.waitForSelector('main[data-view="refused"]', { timeout: 10_000 });
    // Once every slowed answer (those a late one led to as well) has arrived and the page has had its turns to show it.
    for (let seen = -1; seen !== slowed.length;) {
      seen = slowed.length;
      await Promise.all(slowed);
      for (let turn = 0; turn < 3; turn++) await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    }
    expect(await page.getAttribute('main', 'data-view')).toBe('refused');
    await page.unroute('**/graphql');

    // The network gone: the browser's own "Failed to fetch" is not what a person reads.
    await page.route('**/graphql', (r) => r.abort('internetdisconnected'));
    await page.goto(`${origin}/app#/division/${COUNTY}`);
    await page.waitForSelector('main > .error[role="alert"]', { timeout: 60_000 });
    expect(await page.textContent('main > .error')).toBe('载入失败：无法连接到数据枢纽：请检查网络连接后重试。');
    await page.unroute('**/graphql');
    await page.click('#retry');
    expect(await viewOf(page, COUNTY)).toBe('county');
    await context.close();
  }, 180_000);

  it('offers last year and the quarters, and carries the period in the address, so a link opens the same figures', async () => {
    const { context, page } = await newPage();
    // The demo year's last quarter, from a link: the room opens on it, its figures the API's for that quarter.
    await page.goto(`${origin}/app?period=2026Q3#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await page.textContent('main h2.title')).toContain('统计期 2026年第三季度');
    expect(await period(page)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    const api = await hub.queryAs<{ county: { disputeStats: { reported: number } } }>(
      reader,
      `{ county(code: "${COUNTY}") { disputeStats(period: "2026Q3") { reported } } }`,
    );
    expect((await figuresOf(page)).reported).toBe(api.data!.county.disputeStats.reported);
    expect(api.data!.county.disputeStats.reported).toBeGreaterThan(0);
    // Last year whole, chosen from the list: the address follows, and drilling down keeps it.
    const lastYear = String(Number(chinaDay().slice(0, 4)) - 1);
    await page.selectOption('#period', { label: `${lastYear}年度` });
    await page.waitForFunction((y) => document.querySelector('main h2.title')?.textContent?.includes(`统计期 ${y}年度`), lastYear, { timeout: 60_000 });
    expect(new URL(page.url()).search).toBe(`?period=${lastYear}`);
    expect(await period(page)).toEqual({ from: `${lastYear}-01-01`, to: `${lastYear}-12-31` });
    const groups = await page.$$eval('#period optgroup', (gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
    expect(groups).toEqual(['年度', '季度', '月份']);
    const township = `${COUNTY}100`;
    await page.click(`#children-table a[href="#/division/${township}"]`);
    await viewOf(page, township);
    expect(new URL(page.url()).search).toBe(`?period=${lastYear}`);
    // A month older than the list reaches, from an address: shown, and listed at the head as the link's.
    await page.goto(`${origin}/app?period=202409#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    expect(await period(page)).toEqual({ from: '2024-09-01', to: '2024-09-30' });
    expect(await page.$eval('#period', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('2024年9月');
    // Back to the default: the address names no period.
    await page.selectOption('#period', { label: '近12个月（含本月）' });
    await page.waitForFunction(() => document.querySelector('main h2.title')?.textContent?.includes('统计期 近12个月'), undefined, { timeout: 60_000 });
    expect(new URL(page.url()).search).toBe('');
    await context.close();
  }, 180_000);

  it('keeps the address’s period and page size through the sign-in link, so the address names what is shown', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app?period=2026Q3&pageSize=3#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await period(page)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    // The token leaves the address; the settings stay, so a bookmark or a reload opens the same figures.
    const url = new URL(page.url());
    expect(url.hash).toBe(`#/division/${COUNTY}`);
    expect(url.searchParams.get('period')).toBe('2026Q3');
    expect(url.searchParams.get('pageSize')).toBe('3');
    await page.waitForSelector('#cases-overdue[data-total]', { timeout: 60_000 });
    expect(Number(await page.getAttribute('#cases-overdue', 'data-total'))).toBeGreaterThan(3);
    expect(await page.$$eval('#cases-overdue tbody tr', (trs) => trs.length)).toBe(3);
    await page.reload();
    await viewOf(page, COUNTY);
    expect(await period(page)).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    await context.close();
  }, 120_000);

  it('counts the new day in a page left open past midnight, untouched too, and its new month in the period list', async () => {
    const { context, page } = await newPage();
    await page.clock.install({ time: new Date('2026-11-30T23:30:00+08:00') });
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await page.textContent('main h2.title')).toContain('2025-12-01 至 2026-11-30');
    // Untouched, the view moves on by itself (a wall screen's).
    await page.clock.fastForward('01:00:00');
    await page.waitForFunction(() => document.querySelector('main h2.title')?.textContent?.includes('2026-01-01 至 2026-12-01'), undefined, {
      timeout: 60_000,
    });
    const township = `${COUNTY}100`;
    await page.click(`#children-table a[href="#/division/${township}"]`);
    await viewOf(page, township);
    expect(await page.textContent('main h2.title')).toContain('2026-01-01 至 2026-12-01');
    const options = await page.$$eval('#period option', (os) => os.map((o) => o.textContent));
    expect(options).toContain('2026年12月（至今）');
    expect(options).toContain('2026年11月');
    expect(options).not.toContain('2026年11月（至今）');
    await context.close();
  }, 180_000);

  it('says why an address opens nothing: text that is no case id or number, a code of no division level, another grid', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    const refusal = async (hash: string) => {
      await page.goto(`${origin}/app${hash}`);
      await page.waitForSelector('main[data-view="refused"] p.error');
      return { state: await page.textContent('main h2.title small'), message: await page.textContent('main p.error') };
    };
    expect(await refusal(`#/case/${COUNTY}-2026-1`)).toMatchObject({ state: '不存在', message: expect.stringContaining('不是纠纷编号或案件编号') });
    expect(await refusal(`#/division/${COUNTY}1`)).toMatchObject({ state: '无法打开', message: expect.stringContaining('不是区划代码') });
    expect(await refusal(`#/division/${COUNTY}200201001`)).toMatchObject({ state: '无法打开', message: expect.stringContaining('网格的数据见所属村') });
    // A grid worker's own token opens its grid's page; another grid's address stays refused.
    const grid = await hub.token({ jurisdiction: `${COUNTY}200201001`, scopes: ['read'], subject: 'app-grid-worker' });
    await page.goto(`${origin}/app#token=${grid}`);
    await page.waitForSelector('main[data-view="grid"] p.note');
    expect(await page.textContent('main p.note')).toContain('网格员的令牌只能查看本网格');
    expect(await refusal(`#/division/${COUNTY}200201002`)).toMatchObject({ state: '无法打开', message: expect.stringContaining('网格的数据见所属村') });
    await context.close();
  });

  it('says what an address names that the page does not know, beside what it shows instead: an inbox filter, a list’s late choice, a status, a period, a route', async () => {
    // A department's inbox with a filter it does not offer: the whole inbox, said so, the address what is shown.
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const all = await inboxOf(department);
    let { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${department}`);
    await page.waitForSelector('main[data-view="inbox"] #inbox', { timeout: 60_000 });
    await page.goto(`${origin}/app#/inbox/DONE`);
    await page.waitForSelector('main[data-view="inbox"] #inbox .unknown', { timeout: 60_000 });
    expect(await page.textContent('#inbox .unknown')).toBe('未知的筛选：DONE，已显示全部');
    expect(await page.getAttribute('#inbox', 'data-total')).toBe(String(all.totalCount));
    expect(await page.inputValue('#inbox-filter')).toBe('');
    expect(new URL(page.url()).hash).toBe('#/inbox');
    // A filter it knows says nothing of the kind.
    await page.goto(`${origin}/app#/inbox/OVERDUE`);
    await page.waitForSelector('main[data-view="inbox"] #inbox', { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#inbox-filter')?.value === 'OVERDUE', undefined, { timeout: 60_000 });
    expect(await page.$('#inbox .unknown')).toBeNull();
    await context.close();

    ({ context, page } = await newPage());
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    // A dispatch list's late choice it does not know: every dispatch of the department, said so.
    await page.goto(`${origin}/app#/dispatches/${COUNTY}/NATURAL_RESOURCES/LATE`);
    await page.waitForSelector('main[data-view="dispatches"] #dispatch-list .unknown', { timeout: 60_000 });
    expect(await page.textContent('#dispatch-list .unknown')).toBe('未知的筛选：LATE，已显示全部');
    expect(new URL(page.url()).hash).toBe(`#/dispatches/${COUNTY}/NATURAL_RESOURCES`);
    // A 在办 status a county's page has no list for: its page, said so.
    await page.goto(`${origin}/app#/division/${COUNTY}/DONE`);
    await page.waitForSelector(`main[data-view="county"][data-code="${COUNTY}"] .unknown`, { timeout: 60_000 });
    expect(await page.textContent('main .unknown')).toContain('未知的状态：DONE');
    expect(new URL(page.url()).hash).toBe(`#/division/${COUNTY}`);
    // A route of no view: refused in words, not replaced by the start page.
    await page.goto(`${origin}/app#/inbax`);
    await page.waitForSelector('main[data-view="refused"] p.error', { timeout: 60_000 });
    expect(await page.textContent('main p.error')).toContain('无法识别的地址“#/inbax”');
    await context.close();

    // A period that is none: the default period, said beside the period list.
    ({ context, page } = await newPage());
    await page.goto(`${origin}/app?period=2026Q5#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await page.isVisible('#period-note')).toBe(true);
    expect(await page.textContent('#period-note')).toBe('未知的统计期：2026Q5，已显示近12个月（含本月）');
    expect(await page.inputValue('#period')).toBe('last12');
    await context.close();
  }, 180_000);

  it('shows markup an address names as text, never as the page’s own: an inbox filter, a late choice, a status, a route, a period, a hazards path', async () => {
    const payload = '<img src=x onerror=alert(1)><b>x</b>';
    const dialogs: string[] = [];
    /** Whether the page made an element of the address's markup anywhere (an img or b of its own) or opened a dialog. */
    const injected = (page: Page) => page.evaluate(() => document.querySelectorAll('img[src="x"], main b, #crumbs b, #period-note b, header b').length);
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    let { context, page } = await newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${origin}/app#token=${department}`);
    await page.waitForSelector('main[data-view="inbox"] #inbox', { timeout: 60_000 });
    await page.goto(`${origin}/app#/inbox/${encodeURIComponent(payload)}`);
    await page.waitForSelector('main[data-view="inbox"] #inbox .unknown', { timeout: 60_000 });
    expect(await page.textContent('#inbox .unknown')).toBe(`未知的筛选：${payload}，已显示全部`);
    expect(await injected(page)).toBe(0);
    await context.close();

    ({ context, page } = await newPage());
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${origin}/app?period=${encodeURIComponent('<script>alert(2)</script>' + payload)}#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await page.textContent('#period-note')).toContain(`<script>alert(2)</script>${payload}`);
    expect(await injected(page)).toBe(0);
    await page.goto(`${origin}/app#/dispatches/${COUNTY}/NATURAL_RESOURCES/${encodeURIComponent(payload)}`);
    await page.waitForSelector('main[data-view="dispatches"] #dispatch-list .unknown', { timeout: 60_000 });
    expect(await page.textContent('#dispatch-list .unknown')).toBe(`未知的筛选：${payload}，已显示全部`);
    expect(await injected(page)).toBe(0);
    // A 在办 status of other characters than A–Z and _ is no address of a division's page: refused, as a route of no view.
    for (const hash of [
      `#/${payload}`,
      `#/hazards/${encodeURIComponent(payload)}`,
      `#/division/${encodeURIComponent(payload)}`,
      `#/division/${COUNTY}/${encodeURIComponent(payload)}`,
      `#/case/${encodeURIComponent(payload)}`,
    ]) {
      await page.goto(`${origin}/app${hash}`);
      await page.waitForSelector('main[data-view="refused"] p.error', { timeout: 60_000 });
      expect(await page.textContent('main'), hash).toContain(payload);
      expect(await injected(page), hash).toBe(0);
    }
    await context.close();
    expect(dialogs).toEqual([]);
  }, 180_000);

  it('opens a department’s late 报到 and late 反馈 from their figures in 吹哨报到·分部门: as many rows as the figure says', async () => {
    const { context, page } = await signedIn(reader);
    await page.goto(`${origin}/app?period=2026Q3&pageSize=100#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    const { from, to } = await period(page);
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    type Figures = {
      departmentKind: string;
      departmentName: string;
      acknowledgeDue: number;
      acknowledgedOnTime: number;
      answerDue: number;
      reportedOnTime: number;
    };
    const stats = await hub.dataAs<{ county: { dispatchStats: { byDepartment: Figures[] } } }>(
      reader,
      `{ county(code: "${COUNTY}") { dispatchStats(from: "${from}", to: "${to}") { byDepartment { departmentKind departmentName acknowledgeDue acknowledgedOnTime answerDue reportedOnTime } } } }`,
    );
    const heads = await page.$$eval('#dispatch-table thead th', (ths) => ths.map((th) => th.textContent));
    expect(heads.slice(-2)).toEqual(['报到超时', '反馈超时']);
    for (const [key, zh, late] of [
      ['ACKNOWLEDGED_LATE', '报到超时', (f: Figures) => f.acknowledgeDue - f.acknowledgedOnTime],
      ['ANSWERED_LATE', '反馈超时', (f: Figures) => f.answerDue - f.reportedOnTime],
    ] as const) {
      const rows = stats.county.dispatchStats.byDepartment;
      // Each department's figure as the API counts it, a link only above 0, named by what it counts.
      const cells = await page.$$eval(`#dispatch-table tbody td[data-late="${key}"]`, (tds) =>
        tds.map((td) => ({
          text: td.textContent,
          href: td.querySelector('a')?.getAttribute('href') ?? null,
          label: td.querySelector('a')?.getAttribute('aria-label') ?? null,
        })),
      );
      expect(cells.map((c) => c.text)).toEqual(rows.map((f) => late(f).toLocaleString('zh-CN')));
      rows.forEach((f, i) =>
        expect(cells[i]).toMatchObject(
          late(f) > 0
            ? { href: `#/dispatches/${COUNTY}/${f.departmentKind}/${key}`, label: `${f.departmentName}${zh} ${late(f).toLocaleString('zh-CN')} 件` }
            : { href: null },
        ),
      );
      const row = [...rows].sort((a, b) => late(b) - late(a))[0]!;
      expect(late(row)).toBeGreaterThan(0);
      await page.click(`#dispatch-table tbody tr[data-kind="${row.departmentKind}"] td[data-late="${key}"] a`);
      await page.waitForSelector(`main[data-view="dispatches"] #dispatch-list[data-total="${late(row)}"]`, { timeout: 60_000 });
      expect(new URL(page.url()).searchParams.get('period')).toBe('2026Q3');
      expect(await page.inputValue('#dispatch-late')).toBe(key);
      const shown = await page.$$eval('table.dispatch-list tbody tr', (trs) => trs.map((tr) => tr.querySelector(`.badge`)?.parentElement?.className ?? ''));
      expect(shown).toHaveLength(late(row));
      const marked = await page.$$eval(`table.dispatch-list tbody td.${key === 'ACKNOWLEDGED_LATE' ? 'ack' : 'answer'}`, (tds) =>
        tds.map((td) => (td as HTMLElement).dataset.late),
      );
      expect(marked.every((l) => l === 'true')).toBe(true);
      await page.goBack();
      await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    }
    await context.close();
  }, 240_000);

  it('opens every department’s late 报到 and late 反馈 from the 合计 row of 吹哨报到·分部门: the county’s list across departments, as many as the total says', async () => {
    const { context, page } = await signedIn(reader);
    await page.goto(`${origin}/app?period=2026Q3&pageSize=100#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    const { from, to } = await period(page);
    await totalRowLateLinks(page, COUNTY, from, to);
    await context.close();

    // A department's own caller reads its own dispatches only: no 合计 link, and the address across departments is refused in words.
    const department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
    const d = await newPage();
    await d.page.goto(`${origin}/app#token=${department}`);
    await d.page.waitForSelector('main[data-view="inbox"]', { timeout: 60_000 });
    await d.page.goto(`${origin}/app?period=2026Q3#/division/${COUNTY}`);
    await d.page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    expect(await d.page.$('#dispatch-table tfoot a')).toBeNull();
    await d.page.goto(`${origin}/app#/dispatches/${COUNTY}/all/ACKNOWLEDGED_LATE`);
    await d.page.waitForSelector('main[data-view="refused"] p.error', { timeout: 60_000 });
    expect(await d.page.textContent('main p.error')).toContain('部门待办');
    await d.context.close();
  }, 240_000);

  it('opens every department’s late 报到 and late 反馈 from the 合计 row of a township’s 吹哨报到·分部门: the township’s list across departments, as many as its figures say', async () => {
    const towns = await hub.dataAs<{ county: { townships: { code: string; dispatchStats: DispatchLate }[] } }>(
      reader,
      `{ county(code: "${COUNTY}") { townships { code dispatchStats(period: "2026Q3") { acknowledgeDue acknowledgedOnTime answerDue reportedOnTime } } } }`,
    );
    const lateOf = (s: DispatchLate) => Math.min(s.acknowledgeDue - s.acknowledgedOnTime, s.answerDue - s.reportedOnTime);
    // The township with the most of both kinds of late ones in the period.
    const township = [...towns.county.townships].sort((a, b) => lateOf(b.dispatchStats) - lateOf(a.dispatchStats))[0]!;
    expect(lateOf(township.dispatchStats)).toBeGreaterThan(0);
    const { context, page } = await signedIn(reader);
    await page.goto(`${origin}/app?period=2026Q3&pageSize=100#/division/${township.code}`);
    await viewOf(page, township.code);
    const { from, to } = await period(page);
    await totalRowLateLinks(page, township.code, from, to);
    await context.close();
  }, 240_000);

  it('names a department sent nothing in the period by its name, not its kind code, on its 吹哨任务 page: title, breadcrumb and the empty list', async () => {
    const { context, page } = await signedIn(reader);
    const township = '623021200';
    for (const code of [township, COUNTY]) {
      await page.goto(`${origin}/app#/division/${code}`);
      await viewOf(page, code);
      const { from, to } = await period(page);
      const field = code === COUNTY ? 'county' : 'township';
      const stats = await hub.dataAs<
        Record<string, { dispatchStats: { byDepartment: { departmentKind: string; departmentName: string; dispatched: number }[] } }>
      >(reader, `{ ${field}(code: "${code}") { dispatchStats(from: "${from}", to: "${to}") { byDepartment { departmentKind departmentName dispatched } } } }`);
      const idle = stats[field]!.dispatchStats.byDepartment.find((f) => f.dispatched === 0);
      expect(idle, `a department of ${code} sent nothing in ${from}–${to}`).toBeDefined();
      // Opened from its name in 吹哨报到·分部门, as a desk does.
      await page.click(`#dispatch-table tbody a[href="#/dispatches/${code}/${idle!.departmentKind}"]`);
      await page.waitForSelector(`main[data-view="dispatches"][data-code="${code}"] #dispatch-list[data-total="0"]`, { timeout: 60_000 });
      const [title, crumbs, list] = await Promise.all([page.textContent('main h2'), page.textContent('#crumbs'), page.textContent('#dispatch-list')]);
      expect(title).toContain(`· ${idle!.departmentName} 吹哨任务`);
      expect(crumbs).toContain(`${idle!.departmentName} · 吹哨任务`);
      expect(list).toContain(`没有派给${idle!.departmentName}的吹哨任务。`);
      expect([title, crumbs, list].join(' ')).not.toContain(idle!.departmentKind);
    }
    await context.close();
  }, 240_000);

  it('refuses a 吹哨任务 address naming a department kind the county has none of in words, as 不存在 with no 重试', async () => {
    const { context, page } = await signedIn(reader);
    for (const code of ['623021200', COUNTY]) {
      await page.goto(`${origin}/app#/dispatches/${code}/FOO/ACKNOWLEDGED_LATE`);
      await page.waitForSelector('main[data-view="refused"] p.error', { timeout: 60_000 });
      expect(await page.textContent('main p.error')).toBe('没有类别为“FOO”的县直部门。');
      expect(await page.textContent('main h2')).toContain('不存在');
      expect(await page.$('#retry')).toBeNull();
    }
    await context.close();
  }, 120_000);

  it('lists a county department its own dispatch withdrawn after its deadline without a link to the case it may no longer read', async () => {
    // A case of 卓尼县 (the suite's write county) called on its 市场监督管理局, which no other test calls, and on its
    // 自然资源局: the township withdraws the first only after its 报到 deadline passed, so it is late and in the
    // department's late list, but its case is no longer the department's (NOT_FOUND to it).
    const [village] = await villagesOf(hub, `${WRITE_COUNTY}107`);
    const callers = await callersOf(hub, village!.code);
    const { id, ...called } = await dispatchedCase(hub, callers, { gridCode: village!.grids[0]!, category: 'OTHER', summary: '商铺占道经营引发纠纷' }, [
      'MARKET_REGULATION',
      'NATURAL_RESOURCES',
    ]);
    const silent = called.dispatches.find((d) => d.departmentKind === 'MARKET_REGULATION')!;
    await asOwner('township', (c) => c.query(`update dispatch set acknowledge_by = now() - interval '1 hour' where id = $1::int`, [silent.id]));
    await mutate(hub, callers.township, `withdrawDispatch(dispatchId: "${silent.id}", version: ${called.version}, reason: "部门逾期未报到") { version }`);
    const department = await departmentToken(WRITE_COUNTY, 'MARKET_REGULATION');
    // The API: once the withdrawal reaches the village's record of the case, the department reads no case by its id.
    await waitFor(
      async () => (await hub.queryAs<{ dispute: unknown }>(department, `{ dispute(id: "${id}") { id } }`)).data?.dispute === null,
      20_000,
      'the case closed to the department it was withdrawn from',
    );

    const { context, page } = await signedIn(department);
    await page.goto(`${origin}/app#/dispatches/${WRITE_COUNTY}/MARKET_REGULATION/ACKNOWLEDGED_LATE`);
    await page.waitForSelector(`table.dispatch-list tbody tr[data-id="${silent.id}"]`, { timeout: 60_000 });
    const row = `table.dispatch-list tbody tr[data-id="${silent.id}"]`;
    expect(await page.getAttribute(row, 'data-status')).toBe('WITHDRAWN');
    // The case number as text, no link to a page that would only refuse it; the row says it was withdrawn, and when.
    expect(await page.$(`${row} a`)).toBeNull();
    expect(await page.$(`table.dispatch-list a[href="#/case/${id}"]`)).toBeNull();
    expect(await page.textContent(`${row} th`)).toMatch(/\S/);
    expect(await page.textContent(`${row} td:nth-of-type(1)`)).toMatch(/^已撤回 于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await page.getAttribute(`${row} td.ack`, 'data-late')).toBe('true');
    await context.close();

    // The county's desk reads the case: its row keeps the link.
    const desk = await signedIn(callers.county);
    await desk.page.goto(`${origin}/app#/dispatches/${WRITE_COUNTY}/MARKET_REGULATION/ACKNOWLEDGED_LATE`);
    await desk.page.waitForSelector(`table.dispatch-list tbody tr[data-id="${silent.id}"]`, { timeout: 60_000 });
    expect(await desk.page.getAttribute(`table.dispatch-list tbody tr[data-id="${silent.id}"] th a`, 'href')).toBe(`#/case/${id}`);
    await desk.context.close();
  }, 240_000);

  it('lists a grid worker’s cases in hand on its first page, a page at a time, each opening its case, and leads to its open hazards', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}104`);
    const [grid, other] = village!.grids;
    const callers = await callersOf(hub, village!.code);
    const a = await reportCase(hub, callers.village, { gridCode: grid!, summary: '两户因柴草堆放占道发生争执' });
    const b = await reportCase(hub, callers.village, { gridCode: grid!, summary: '邻里因自来水管漏水发生争执' });
    const elsewhere = await reportCase(hub, callers.village, { gridCode: other!, summary: '邻网格两户因围墙发生争执' });
    await mutate(
      hub,
      callers.village,
      `reportHazard(input: { gridCode: "${grid}", kind: GAS, description: "网格内液化气罐露天存放", location: "村口小卖部", source: GRID_WORKER }) { id version }`,
    );
    const token = await hub.token({ jurisdiction: grid!, scopes: ['read'], subject: `app-grid-in-hand-${grid}` });
    type Open = { grid: { disputes: { totalCount: number; nodes: { id: string }[] }; r: { totalCount: number }; g: { totalCount: number } } };
    const api = await hub.dataAs<Open>(
      token,
      `{ grid(code: "${grid}") { disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, orderBy: DUE_FIRST, first: 100) { totalCount nodes { id } }
         r: hazards(status: REPORTED, first: 1) { totalCount } g: hazards(status: RECTIFYING, first: 1) { totalCount } } }`,
    );
    const open = api.grid.disputes;
    expect(open.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const { context, page } = await newPage();
    await page.goto(`${origin}/app?pageSize=1#token=${token}`);
    await page.waitForSelector('main[data-view="grid"] #in-hand table.in-hand tbody tr', { timeout: 60_000 });
    expect(await page.getAttribute('#in-hand', 'data-total')).toBe(String(open.totalCount));
    const ids = () => page.$$eval('#in-hand tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.id));
    while (await page.isVisible('#in-hand p.more button')) {
      const n = (await ids()).length;
      await page.click('#in-hand p.more button');
      await page.waitForFunction((n) => document.querySelectorAll('#in-hand tbody tr').length > n, n, { timeout: 60_000 });
    }
    expect(await ids()).toEqual(open.nodes.map((n) => n.id));
    expect(await ids()).not.toContain(elsewhere.id);
    // Its open hazards: counted, and their list opens for the grid worker.
    const hazards = api.grid.r.totalCount + api.grid.g.totalCount;
    expect(hazards).toBeGreaterThan(0);
    expect(await page.getAttribute('#grid-hazards', 'data-total')).toBe(String(hazards));
    await page.click(`#grid-hazards a[href="#/hazards/${grid}"]`);
    await page.waitForSelector(`main[data-view="hazards"][data-code="${grid}"] table.hazards tbody tr`, { timeout: 60_000 });
    expect(await page.$eval('main', (m) => m.textContent)).toContain('网格内液化气罐露天存放');
    // A case's row opens its case.
    await page.goBack();
    await page.waitForSelector(`main[data-view="grid"] #in-hand tbody tr[data-id="${a.id}"] th a`, { timeout: 60_000 });
    await page.click(`#in-hand tbody tr[data-id="${a.id}"] th a`);
    await page.waitForSelector('main[data-view="case"] .timeline', { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe(`#/case/${encodeURIComponent(a.id)}`);
    await context.close();
  }, 240_000);

  it('shows a grid worker its own grid’s early warnings, and another grid’s worker of the village none of them', async () => {
    // A village of a township of the write county whose cases no other test here reports.
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}104`);
    const [mine, other] = village!.grids;
    expect(other).toBeDefined();
    const callers = await callersOf(hub, village!.code);
    const mass = await reportCase(hub, callers.village, { gridCode: mine!, scale: 'MASS', summary: '多户因牧道占用发生争执' });
    const warningsOf = async (grid: string) => {
      const { context, page } = await newPage();
      await page.goto(`${origin}/app#token=${await hub.token({ jurisdiction: grid, scopes: ['read'], subject: `app-grid-${grid}` })}`);
      await page.waitForSelector('main[data-view="grid"] #risk:not([hidden]) #risk-list > *', { timeout: 60_000 });
      return { context, page };
    };
    let { context, page } = await warningsOf(mine!);
    expect(await page.textContent('main h2.title small')).toContain(`网格 · ${mine}`);
    const signal = await page.$('#risk [data-kind="MASS_OR_TWICE_ESCALATED"]');
    expect(signal).not.toBeNull();
    expect(await signal!.$(`a[href="#/case/${mass.id}"]`)).not.toBeNull();
    // The signal is about the village, whose page a grid worker may not open: named, not linked.
    expect(await page.$('#risk a[href^="#/division/"]')).toBeNull();
    await context.close();

    ({ context, page } = await warningsOf(other!));
    expect(await page.$('#risk [data-kind="MASS_OR_TWICE_ESCALATED"]')).toBeNull();
    expect(await page.$(`#risk a[href="#/case/${mass.id}"]`)).toBeNull();
    expect(await page.textContent('#risk-list')).toContain('本期没有苗头预警');
    await context.close();
  }, 180_000);

  it('leads a grid worker back from its grid’s case to its grid, not to the village it may not open, and opens its own grid’s hazards only', async () => {
    const [, village] = await villagesOf(hub, `${WRITE_COUNTY}104`);
    const grid = village!.grids[0]!;
    const callers = await callersOf(hub, village!.code);
    const d = await reportCase(hub, callers.village, { gridCode: grid, summary: '两户因院坝积水排放发生争执' });
    const { context, page } = await newPage({ width: 390, height: 844 });
    await page.goto(`${origin}/app#token=${await hub.token({ jurisdiction: grid, scopes: ['read'], subject: `app-grid-back-${grid}` })}`);
    await page.waitForSelector('main[data-view="grid"] p.note', { timeout: 60_000 });
    await page.goto(`${origin}/app#/case/${d.id}`);
    await page.waitForSelector('main[data-view="case"] .timeline', { timeout: 60_000 });
    // The village lies outside a grid's jurisdiction: no link to it, in the breadcrumb or under the timeline.
    expect(await page.$(`main a[href="#/division/${village!.code}"], #crumbs a[href="#/division/${village!.code}"]`)).toBeNull();
    const back = await page.$(`main a[href="#/division/${grid}"]`);
    expect(back).not.toBeNull();
    expect(await back!.textContent()).toMatch(/^返回 .*网格/);
    await back!.click();
    await page.waitForSelector(`main[data-view="grid"][data-code="${grid}"]`, { timeout: 60_000 });
    // Its own grid's hazards open for it; another grid's are refused in words, not from a page it cannot open.
    await page.goto(`${origin}/app#/hazards/${grid}`);
    await page.waitForSelector(`main[data-view="hazards"][data-code="${grid}"]`, { timeout: 60_000 });
    await page.goto(`${origin}/app#/hazards/${village!.grids[1]}`);
    await page.waitForSelector('main[data-view="refused"] p.error');
    const message = await page.textContent('main p.error');
    expect(message).toContain('本网格的网格员');
    expect(message).not.toContain('上报隐患');
    await context.close();
  }, 180_000);

  it('on a refusal names the refused place in the breadcrumb and leads back to the last place shown, not the view before', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    expect(await page.textContent('#crumbs [aria-current="page"]')).toBe('临潭县');
    /** The refusal's message, and the breadcrumb: its current item and its links. */
    const refusal = async () => {
      await page.waitForSelector('main > .error[role="alert"]', { timeout: 60_000 });
      return {
        message: (await page.textContent('main > .error'))!,
        current: await page.$eval('#crumbs', (nav) => nav.querySelector('[aria-current="page"]')?.textContent ?? null),
        links: await page.$$eval('#crumbs a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')])),
      };
    };
    const backTo = async (code: string) => {
      await page.click('#crumbs a');
      await viewOf(page, code);
      expect(await page.textContent('#crumbs [aria-current="page"]')).toBe('临潭县');
    };

    // The province above the caller's county: FORBIDDEN. Named by the name the county's breadcrumb showed.
    await page.goto(`${origin}/app#/division/${PROVINCE}`);
    expect(await refusal()).toEqual({
      // Every field of the view is refused on its own; the page says it once, with no count of the others.
      message: expect.stringMatching(/^无权查看：[^（]*不在您的辖区（\d+）内。$/),
      current: '甘肃省 · 无权查看',
      links: [['返回 临潭县', `#/division/${COUNTY}`]],
    });
    expect(await page.getAttribute('main', 'data-view')).toBe('refused');
    await backTo(COUNTY);

    // A case the hub does not give (outside the jurisdiction looks the same as missing).
    await page.goto(`${origin}/app#/case/00000000-0000-4000-8000-000000000000`);
    expect(await refusal()).toEqual({
      message: '没有这个案件，或您无权查看。',
      current: '所请求的案件 · 不存在或无权查看',
      links: [['返回 临潭县', `#/division/${COUNTY}`]],
    });
    await backTo(COUNTY);

    // Opened straight at a refused place, with nothing shown before: the way back is the caller's own division.
    await page.goto('about:blank');
    await page.goto(`${origin}/app#/division/${PROVINCE}`);
    expect(await refusal()).toEqual({
      message: expect.stringMatching(/^无权查看：/),
      current: `区划 ${PROVINCE} · 无权查看`,
      links: [['返回 本辖区', '#/']],
    });
    await page.screenshot({ path: `${ARTIFACTS}/refused.png`, fullPage: true });
    await backTo(COUNTY);
    await context.close();
  }, 240_000);

  it('shows no 十户联防 coverage (—) for a division with no households yet, as its assessment does, not 0.0%', async () => {
    // 当雄县 (拉萨市): a county loaded from the directory with no registry yet, as `npm run load-divisions` loads it.
    const empty = '540122';
    await loadDirectory(inject('dbs'), [empty]);
    const token = await hub.token({ jurisdiction: empty, scopes: ['read'] });
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${token}`);
    await viewOf(page, empty);
    expect(await page.textContent('[data-figure="householdCoverage"] .value')).toBe('—');
    expect(await page.textContent('[data-figure="householdCoverage"] .note')).toBe('辖区暂无登记的户');
    const column = (await page.$$eval('#children thead th', (ths) => ths.map((th) => th.textContent))).indexOf('联防覆盖率');
    expect(column).toBeGreaterThan(0);
    const cells = await page.$$eval('#children tbody tr', (rows, i) => rows.map((r) => r.children[i]?.textContent), column);
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells)).toEqual(new Set(['—']));
    await context.close();
  }, 240_000);

  it('measures the county view: navigation start to figures rendered (reported, not asserted)', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank');
      await page.goto(`${origin}/app#/division/${COUNTY}`);
      await viewOf(page, COUNTY);
      times.push(await page.evaluate(() => performance.getEntriesByName('hub:figures')[0]!.startTime));
    }
    console.log(`[app] county view ${COUNTY}, navigation start to figures rendered: ${times.map((t) => `${Math.round(t)} ms`).join(', ')} (three loads)`);
    expect(times.every((t) => t > 0)).toBe(true);
    await context.close();
  }, 240_000);

  it('drills down from the county to a township (treemap click) and a village (table link), and sorts the table', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    const townships = await page.$$eval('#children tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.code!));
    expect(townships.length).toBeGreaterThan(1);

    // Sorting: by 实有人口, descending first; a second click turns it ascending.
    const residents = () => page.$$eval('#children tbody tr td:nth-child(2)', (tds) => tds.map((td) => Number(td.textContent!.replace(/,/g, ''))));
    const desc = await residents();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.click('button[data-sort="residents"]');
    const asc = await residents();
    expect(asc).toEqual([...desc].sort((a, b) => a - b));
    expect(await page.getAttribute('button[data-sort="residents"] >> xpath=..', 'aria-sort')).toBe('ascending');

    // The treemap: a click on a tile opens that township.
    // 苗头预警 and the case list load after the figures and change the page's height; wait for them so that the
    // click is aimed at where the tile stays. ECharts lays the tiles out with an animation; on a busy machine a first
    // click can land before a tile is there, so click again. The locator scrolls the canvas into view and checks
    // that the point hits it.
    await page.waitForSelector('#risk:not([hidden]) #risk-list > *', { timeout: 60_000 });
    await page.waitForSelector('#case-list:not([role]) > *', { timeout: 60_000 });
    const canvas = page.locator('#treemap canvas');
    for (let attempt = 1; ; attempt++) {
      const b = (await canvas.boundingBox())!;
      const at = { x: b.width / 4, y: b.height / 4 };
      const clicked = await canvas
        .click({ position: at, timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      const opened =
        clicked &&
        (await page
          .waitForFunction(() => document.querySelector('main')?.dataset.view === 'township', undefined, { timeout: 5_000 })
          .then(() => true)
          .catch(() => false));
      if (opened) break;
      if (attempt === 8) {
        // What the page shows instead, to tell a click that missed from a township view that failed.
        await page.screenshot({ path: `${ARTIFACTS}/treemap-click-failed.png`, fullPage: true });
        const box = (await canvas.boundingBox())!;
        const shown = await page.evaluate(
          ([x, y]) => {
            const hit = document.elementFromPoint(x!, y!);
            return {
              view: document.querySelector('main')?.dataset.view,
              hash: location.hash,
              scroll: [scrollX, scrollY, innerWidth, innerHeight],
              hit: hit ? `${hit.tagName}#${hit.id}.${hit.className}` : null,
              text: document.querySelector('main')?.textContent?.slice(0, 300),
            };
          },
          [box.x + box.width / 4, box.y + box.height / 4],
        );
        throw new Error(`a click on the treemap did not open a township in 8 tries: ${JSON.stringify({ clicked, box, ...shown })}`);
      }
    }
    const township = (await page.getAttribute('main', 'data-code'))!;
    expect(townships).toContain(township);
    await viewOf(page, township);
    await page.waitForSelector('#children tbody tr');
    // The township's overdue cases include those still at its villages, not only its own inbox.
    const overdue = await hub.queryAs<{ villages: { disputes: { totalCount: number } }[] }>(
      reader,
      'query($code: String!) { villages(within: $code) { disputes(filter: { overdue: true }) { totalCount } } }',
      { code: township },
    );
    const atVillages = overdue.data!.villages.reduce((s, v) => s + v.disputes.totalCount, 0);
    await page.waitForSelector('#case-list:not([role]) > *', { timeout: 60_000 });
    const marked = await page.$$eval('#cases tbody tr', (rows) => rows.filter((r) => /超期|督办/.test(r.textContent ?? '')).length);
    expect(marked).toBe(await page.$$eval('#cases tbody tr', (rows) => rows.length));
    if (atVillages) expect(marked).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}/township.png`, fullPage: true });

    // The table: a village's link.
    const village = (await page.getAttribute('#children tbody tr', 'data-code'))!;
    await page.click(`#children tbody tr[data-code="${village}"] a`);
    expect(await viewOf(page, village)).toBe('village');
    expect(village.startsWith(township)).toBe(true);
    expect(await page.textContent('#crumbs')).toContain('临潭县');
    await page.waitForSelector('#cases');
    await page.screenshot({ path: `${ARTIFACTS}/village.png`, fullPage: true });
    await context.close();
  }, 240_000);

  it('downloads the children table as XLSX and CSV through the report routes', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reader}`);
    await viewOf(page, COUNTY);
    const [xlsx] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('button[aria-label="下载下辖乡镇人口表：XLSX 表格"]')]);
    expect(xlsx.suggestedFilename()).toBe(`population-township-${COUNTY}-${chinaDay()}.xlsx`);
    const book = readFileSync((await xlsx.path())!);
    expect(book.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(book.toString('latin1')).toContain('xl/worksheets/');

    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('button[aria-label="下载下辖乡镇矛盾纠纷表：CSV 数据"]')]);
    const { from, to } = await period(page);
    expect(csv.suggestedFilename()).toBe(`disputes-township-${COUNTY}-${from}-${to}.csv`);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.startsWith('\uFEFFlevel,code,name')).toBe(true);
    expect(text.trim().split('\r\n').length - 1).toBe(await page.$$eval('#children tbody tr', (rows) => rows.length));
    await context.close();
  }, 240_000);

  it('downloads a township’s own 吹哨报到·分部门 from its table: the rows the table shows, for the period shown', async () => {
    // A township's desk: its page lists villages, which have no 吹哨报到, so the table's own download is the one there is.
    const township = `${COUNTY}200`;
    const desk = await hub.token({ jurisdiction: township, scopes: ['read', 'report'], subject: 'app-township-desk' });
    const { context, page } = await signedIn(desk);
    await viewOf(page, township);
    await page.waitForSelector('#dispatch-table tfoot tr', { timeout: 60_000 });
    const { from, to } = await period(page);
    const button = '#dispatches button[aria-label="下载术布乡吹哨报到（分部门）表：CSV 数据"]';
    expect(await page.$$(button)).toHaveLength(1);
    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click(button)]);
    expect(csv.suggestedFilename()).toBe(`dispatches-township-${township}-${from}-${to}.csv`);
    const [head, ...lines] = readFileSync((await csv.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = head!.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])));
    // Each department's row as the table shows it, every column: 吹哨, 报到, 按时报到 … 按时反馈率, 应报到, 报到超时, 反馈超时.
    const shown = await page.$$eval('#dispatch-table tbody tr', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset.kind, ...Array.from(tr.querySelectorAll('td'), (td) => td.textContent)]),
    );
    const heads = await page.$$eval('#dispatch-table thead th', (ths) => ths.map((th) => th.textContent));
    expect(heads.slice(-3)).toEqual(['应报到', '报到超时', '反馈超时']);
    const figures = ['dispatched', 'acknowledged', 'acknowledged_on_time', 'reported', 'reported_on_time', 'overdue', 'withdrawn'];
    const count = (v: string | undefined) => Number(v).toLocaleString('zh-CN');
    // A rate of nothing (no answer due) is a dash in the table and 0 in the CSV.
    const rate = (r: Record<string, string>) => (Number(r.answer_due) ? `${(Number(r.on_time_rate) * 100).toFixed(1)}%` : '—');
    expect(
      rows.map((r) => [
        r.department_kind,
        ...figures.map((f) => count(r[f])),
        rate(r),
        ...['acknowledge_due', 'acknowledged_late', 'answered_late'].map((f) => count(r[f])),
      ]),
    ).toEqual(shown);
    expect(columns.slice(-3)).toEqual(['acknowledge_due', 'acknowledged_late', 'answered_late']);
    expect(rows.every((r) => r.code === township && r.from === from && r.to === to)).toBe(true);
    await context.close();
  }, 240_000);

  it('shows a report-only caller figures only, no case list, from the province down', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app#token=${reportOnly}`);
    expect(await viewOf(page, PROVINCE)).toBe('province');
    const { from, to } = await period(page);
    expect(await figuresOf(page)).toEqual(await apiFigures(reportOnly, 'region', PROVINCE, from, to));
    expect(await page.$('#cases')).toBeNull();
    expect(await page.textContent('#cases-note')).toContain('只有统计权限');
    // Early warnings as figures only: no case numbers, no signal about special-population parties.
    await page.waitForSelector('#risk:not([hidden]) #risk-list > *', { timeout: 60_000 });
    expect(await page.$('#risk .cases-of-signal, #risk a[href^="#/case/"]')).toBeNull();
    expect(await page.$('#risk [data-kind="SPECIAL_POPULATION_PARTY"]')).toBeNull();
    await page.waitForSelector('#children tbody tr');
    await page.screenshot({ path: `${ARTIFACTS}/province.png`, fullPage: true });

    await page.goto(`${origin}/app#/division/${COUNTY}`);
    await viewOf(page, COUNTY);
    await page.waitForSelector('#children tbody tr');
    expect(await page.$('#cases')).toBeNull();
    expect(await page.$('a[href^="#/case/"]')).toBeNull();
    // A case is a record: refused to a report-only caller, and the breadcrumb says so.
    await page.goto(`${origin}/app#/case/00000000-0000-4000-8000-000000000000`);
    await page.waitForSelector('main > .error[role="alert"]', { timeout: 60_000 });
    // The scope named by the word the header shows, its code beside it: 需要“查阅”（read）权限；…为：“统计报表”（report）。
    expect(await page.textContent('main > .error')).toMatch(/^无权查看：.*需要“查阅”（read）权限；当前调用方的权限为：“统计报表”（report）。$/);
    expect(await page.$eval('#crumbs', (nav) => nav.querySelector('[aria-current="page"]')?.textContent ?? null)).toBe('所请求的案件 · 无权查看');
    expect(await page.$$eval('#crumbs a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([['返回 临潭县', `#/division/${COUNTY}`]]);
    await context.close();
  }, 240_000);

  it('is usable by keyboard, labels every control and keeps text contrast at 4.5:1 or more', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app`);
    await page.waitForSelector('#token-input');
    expect(await unlabelled(page)).toEqual([]);
    // Sign in by keyboard: the labelled field, then Enter on the button.
    await page.getByLabel('访问令牌').fill(reader);
    await page.getByRole('button', { name: '进入' }).press('Enter');
    await viewOf(page, COUNTY);
    await page.waitForSelector('#cases table, #cases p');
    expect(await unlabelled(page)).toEqual([]);
    const contrast = await contrastFailures(page);
    expect(contrast.failures).toEqual([]);
    expect(contrast.pairs).toBeGreaterThan(3);

    // Drill down by keyboard: from the last column header, Tab reaches the first child's link; Enter opens it.
    await page.focus('button[data-sort="overdue"]');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    expect(focused).toMatch(/^#\/division\/\d{9}$/);
    await page.keyboard.press('Enter');
    const township = focused!.slice('#/division/'.length);
    expect(await viewOf(page, township)).toBe('township');
    expect((await contrastFailures(page)).failures).toEqual([]);
    // The new view starts at its content, and the tab is titled by it.
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    const name = await page.textContent('#crumbs [aria-current="page"]');
    expect(await page.title()).toBe(`${name} · 分析研判室`);
    // The skip link moves focus to the content and leaves the view where it is.
    await page.focus('a.skip');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    expect(new URL(page.url()).hash).toBe(`#/division/${township}`);
    expect(await page.getAttribute('main', 'data-code')).toBe(township);
    // 名称 sorts by the names, in Chinese order.
    await page.click('button[data-sort="name"]');
    const names = await page.$$eval('#children tbody tr td:first-child', (tds) => tds.map((td) => td.textContent!.trim()));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'zh-Hans-CN')));

    // Phone and wall screen: the county view lays out without sideways scrolling of the page.
    for (const [name, viewport] of [
      ['county-phone', { width: 390, height: 844 }],
      ['county-wall', { width: 1920, height: 1080 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.goto(`${origin}/app#/division/${COUNTY}`);
      await viewOf(page, COUNTY);
      await page.waitForSelector('#children tbody tr');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await page.waitForSelector('#cases table, #cases p');
      expect(await smallTargets(page)).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: name === 'county-phone' });
    }
    await context.close();
  }, 240_000);

  it('sends a browser opening the hub’s root to the analysis room; a GraphQL client there is still asked for a token', async () => {
    const browserVisit = await fetch(`${origin}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' });
    expect(browserVisit.status).toBe(302);
    expect(browserVisit.headers.get('location')).toBe('/app');
    const client = await fetch(`${origin}/`, { headers: { accept: 'application/graphql-response+json' } });
    expect(client.status).toBe(401);
    expect(((await client.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    // A query in the address is a GraphQL GET, whoever sends it.
    expect((await fetch(`${origin}/?query=%7B__typename%7D`, { headers: { accept: 'text/html' }, redirect: 'manual' })).status).toBe(401);
  });

  it('serves the explorer (GraphiQL) under a content security policy that still lets it run a query, and keeps the token to the tab', async () => {
    const { context, page } = await newPage();
    const refused: string[] = [];
    page.on('console', (m) => m.text().includes('Content Security Policy') && refused.push(m.text()));
    const opened = await page.goto(`${origin}/explorer#token=${reader}`);
    expect(opened!.headers()['content-security-policy']).toMatch(/default-src 'none'; script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 60_000 });
    expect(page.url()).toBe(`${origin}/explorer`);
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('甘南藏族自治州'), undefined, { timeout: 60_000 });
    expect(refused).toEqual([]);
    // GraphiQL's history holds each query's headers: the token must not outlive the tab.
    expect(await page.evaluate(() => Object.values(localStorage).some((v) => v.includes('Bearer')))).toBe(false);
    expect(await page.evaluate(() => Object.values(sessionStorage).some((v) => v.includes('Bearer')))).toBe(true);
    await context.close();
  }, 120_000);

  it('type-checks: the page and its generated client (app/tsconfig.json, with the DOM library)', async () => {
    const r = await typecheck('app');
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 600_000);

  it('loaded nothing from outside the hub, got every file it asked for (its icon too) and raised no script errors', () => {
    expect(outside).toEqual([]);
    expect(missing).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
