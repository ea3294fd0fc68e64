/// <reference lib="dom" />
/**
 * The analysis room (分析研判室, /app) as a keyboard-only user and a screen reader meet it: axe-core, the maintained
 * accessibility engine, checks each main view in Debian's Chromium (driven by playwright-core, against the test hub:
 * real PostgreSQL, real HTTP through the gateway), and a keyboard walk opens a department's dispatches and a case and
 * comes back by Tab and Enter alone. Without Chromium this file fails: CI installs it (.ci/run).
 */
import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_MISSING, launchChromium } from '../scripts/lib/chromium.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { departmentToken, villagesOf } from './helpers/cases.ts';

const COUNTY = '623021';
const TOWNSHIP = `${COUNTY}200`;

let hub: TestHub;
let browser: Browser;
let launching: Promise<Browser> | undefined;
let origin: string;
let reader: string;
let department: string;
/** Every violation axe found, serious or not, by view: printed at the end for the record. */
const found: string[] = [];

beforeAll(async () => {
  if (!CHROMIUM) throw new Error(`${CHROMIUM_MISSING} The analysis room is tested in it.`);
  launching = launchChromium();
  launching.catch(() => {}); // awaited below; this only keeps a failure while the hub starts from being reported as unhandled
  hub = await startHub();
  origin = new URL(hub.gatewayUrl).origin;
  reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'report'], subject: 'a11y-reader' });
  department = await departmentToken(COUNTY, 'NATURAL_RESOURCES');
  browser = await launching;
  // The page's script is bundled on the first visit: done here, so the first view does not wait for esbuild.
  expect((await fetch(`${origin}/app/app.js`)).status).toBe(200);
}, 300_000);
afterAll(async () => {
  if (found.length) console.log(`axe-core, every violation found:\n${found.join('\n')}`);
  await (browser ?? (await launching?.catch(() => undefined)))?.close();
  await hub?.stop();
});

async function newPage(viewport = { width: 1440, height: 1000 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  return { context, page: await context.newPage() };
}

/** Waits until the view's lists are in: nothing loading, nothing dimmed. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('main[aria-busy], main [aria-busy="true"]') && !/正在载入/.test(document.querySelector('main')?.textContent ?? ''),
    undefined,
    { timeout: 60_000 },
  );
}

/**
 * axe-core's violations on the page as shown, each as `impact rule-id: element…`. The engine is evaluated in the
 * page through the browser's debugging protocol, which the page's Content-Security-Policy (script-src 'self') does
 * not govern; the page itself loads nothing new.
 */
async function violations(page: Page, view: string): Promise<string[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  const all = result.violations.flatMap((v) => v.nodes.map((n) => `${n.impact ?? v.impact} ${v.id}: ${n.target.join(' ')} ${n.html.slice(0, 120)}`));
  found.push(...all.map((v) => `[${view}] ${v}`));
  return all.filter((v) => /^(serious|critical) /.test(v));
}

/** A page signed in with `token` on `hash` (a route of the room), its lists loaded. */
async function opened(
  token: string,
  hash: string,
  ready: string,
  viewport?: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page }> {
  const o = await newPage(viewport);
  await o.page.goto(`${origin}/app#token=${token}`);
  await o.page.waitForSelector('main h2', { timeout: 60_000 });
  await o.page.goto(`${origin}/app${hash}`);
  await o.page.waitForSelector(ready, { timeout: 60_000 });
  await settled(o.page);
  return o;
}

/**
 * Presses Tab until the focused element matches `selector` (and its text begins with `text`); the path's every stop is
 * returned, each marked when it shows no focus indicator.
 */
async function tabTo(page: Page, selector: string, max = 120, text = ''): Promise<string[]> {
  const path: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(
      ([sel, begins]) => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return { at: 'body', match: false, visible: true };
        const style = getComputedStyle(el);
        // A focus indicator: the outline the style sheet gives :focus-visible (or the browser's own ring).
        const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
        return {
          at: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${(el.textContent ?? '').trim().slice(0, 20)}`,
          match: el.matches(sel) && (el.textContent ?? '').trim().startsWith(begins),
          visible,
        };
      },
      [selector, text] as const,
    );
    path.push(stop.visible ? stop.at : `${stop.at} (no focus indicator)`);
    if (stop.match) return path;
  }
  throw new Error(`Tab did not reach ${selector} in ${max} presses: ${path.join(' → ')}`);
}

describe('the analysis room (分析研判室) for keyboards and screen readers', () => {
  it('has no serious or critical axe-core violation on its main views', async () => {
    const serious: Record<string, string[]> = {};
    // The sign-in: the room's one form.
    {
      const { context, page } = await newPage();
      await page.goto(`${origin}/app`);
      await page.waitForSelector('#sign-in-form');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      serious['sign-in'] = await violations(page, 'sign-in');
      // A token that cannot be read: the refusal is said (role=alert) beside the field.
      await page.fill('#token-input', 'not-a-token');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('.sign-in [role="alert"]');
      serious['sign-in (refused)'] = await violations(page, 'sign-in (refused)');
      await context.close();
    }
    const village = (await villagesOf(hub, TOWNSHIP))[0]!.code;
    const called = await hub.dataAs<{ township: { dispatches: { nodes: { departmentKind: string; townshipCase: { dispute: { id: string } } }[] } } }>(
      reader,
      `{ township(code: "${TOWNSHIP}") { dispatches(first: 1) { nodes { departmentKind townshipCase { dispute { id } } } } } }`,
    );
    const dispatch = called.township.dispatches.nodes[0]!;
    const phone = { width: 390, height: 844 };
    // A grid worker's first page: its grid's cases in hand and its open hazards.
    const grid = (await villagesOf(hub, TOWNSHIP))[0]!.grids[0]!;
    const gridWorker = await hub.token({ jurisdiction: grid, scopes: ['read'], subject: 'a11y-grid-worker' });
    const views: [string, string, string, string, { width: number; height: number }?][] = [
      ['county', reader, `#/division/${COUNTY}`, '#dispatch-table table'],
      ['township', reader, `#/division/${TOWNSHIP}`, '#dispatch-table table'],
      ['village', reader, `#/division/${village}`, '#in-hand'],
      ['case', reader, `#/case/${encodeURIComponent(dispatch.townshipCase.dispute.id)}`, 'main[data-view="case"]'],
      ['dispatch list', reader, `#/dispatches/${COUNTY}/${dispatch.departmentKind}`, 'main[data-view="dispatches"]'],
      ['hazards', reader, `#/hazards/${COUNTY}`, 'main[data-view="hazards"]'],
      ['inbox', department, '#/inbox', 'main[data-view="inbox"]'],
      ['grid', gridWorker, '#/', 'main[data-view="grid"]'],
      // Every department's late 报到 of the period, the 吹哨报到·分部门 合计 row's figure.
      ['dispatch list (all departments, late)', reader, `#/dispatches/${COUNTY}/all/ACKNOWLEDGED_LATE`, 'main[data-view="dispatches"]'],
      // A page the token may not open (another county), an address of no view, and an address's filter the view does
      // not know (said beside the list shown instead).
      ['refused', reader, '#/division/623022', 'main[data-view="refused"]'],
      ['unknown route', reader, '#/inbax', 'main[data-view="refused"]'],
      ['unknown filter', department, '#/inbox/DONE', '#inbox .unknown'],
      ['unknown late choice', reader, `#/dispatches/${COUNTY}/NATURAL_RESOURCES/LATE`, '#dispatch-list .unknown'],
      // Many read the room on a phone: a county's, a village's page, a case and the inbox at a phone's width, where wide tables scroll.
      ['county (phone)', reader, `#/division/${COUNTY}`, '#dispatch-table table', phone],
      ['inbox (phone)', department, '#/inbox', 'main[data-view="inbox"]', phone],
      ['village (phone)', reader, `#/division/${village}`, '#in-hand', phone],
      ['case (phone)', reader, `#/case/${encodeURIComponent(dispatch.townshipCase.dispute.id)}`, 'main[data-view="case"]', phone],
    ];
    for (const [view, token, hash, ready, viewport] of views) {
      const { context, page } = await opened(token, hash, ready, viewport);
      serious[view] = await violations(page, view);
      await context.close();
    }
    expect(serious).toEqual(Object.fromEntries(Object.keys(serious).map((k) => [k, []])));
  }, 600_000);

  it('makes a table’s scroller a Tab stop only while the table is wider than its box: on a phone, not on a desktop', async () => {
    const { context, page } = await opened(reader, `#/division/${COUNTY}`, '#dispatch-table table');
    await page.waitForSelector('#children tbody tr');
    // Every scroller as drawn: whether it holds a link or button, whether it scrolls, whether Tab stops on it.
    const scrollers = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('main .table-wrap'))
          .filter((w) => w.getClientRects().length > 0)
          .map((w) => ({
            table: w.querySelector('caption')?.textContent ?? w.closest('section')?.id ?? '',
            reachable: w.querySelector('a[href], button, select, input, textarea, summary') !== null,
            scrolls: w.scrollWidth > w.clientWidth + 1,
            stop: w.tabIndex >= 0 && w.getAttribute('role') === 'region',
          })),
      );
    const expected = (all: Awaited<ReturnType<typeof scrollers>>) => all.map((w) => ({ ...w, stop: !w.reachable && w.scrolls }));
    const desktop = await scrollers();
    expect(desktop).toEqual(expected(desktop));
    // A desktop's 考核 table fits: not a stop.
    expect(desktop.find((w) => w.table.includes('考核') || w.table === 'assessment')).toMatchObject({ scrolls: false, stop: false });
    // Narrowed to a phone's width, the same page's wide tables scroll, and those without a link become stops; widened again, no more.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.querySelector('main .table-wrap[role="region"]') !== null, undefined, { timeout: 10_000 });
    const phone = await scrollers();
    expect(phone).toEqual(expected(phone));
    expect(phone.some((w) => w.stop)).toBe(true);
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.waitForFunction(() => document.querySelector('main .table-wrap[role="region"]') === null, undefined, { timeout: 10_000 }).catch(() => {});
    const wide = await scrollers();
    expect(wide).toEqual(expected(wide));
    await context.close();
  }, 180_000);

  it('keeps the treemap out of the Tab order as one labelled image, its table beside it the way to each child', async () => {
    const { context, page } = await opened(reader, `#/division/${COUNTY}`, '#dispatch-table table');
    await page.waitForSelector('#children tbody tr');
    await page.waitForSelector('#treemap canvas');
    const treemap = await page.evaluate(() => {
      const el = document.getElementById('treemap')!;
      return {
        role: el.getAttribute('role'),
        label: el.getAttribute('aria-label') ?? '',
        stops: Array.from(el.querySelectorAll<HTMLElement>('*')).filter((e) => e.tabIndex >= 0).length + (el.tabIndex >= 0 ? 1 : 0),
      };
    });
    expect(treemap.role).toBe('img');
    expect(treemap.stops).toBe(0);
    // Its name says where the figures and the links are, and asks no click a keyboard cannot make.
    expect(treemap.label).toContain('表格');
    expect(treemap.label).not.toMatch(/点击/);
    // The table beside it opens every child the tiles show.
    const rows = await page.$$eval('#children-table tbody tr', (trs) => trs.length);
    const links = await page.$$eval('#children-table tbody a[href^="#/division/"]', (as) => as.length);
    expect(links).toBe(rows);
    await context.close();
  }, 180_000);

  it('opens a department’s dispatches and a case by Tab and Enter alone, focus always shown, and comes back', async () => {
    const { context, page } = await opened(reader, `#/division/${COUNTY}`, '#dispatch-table table');
    // From the top of the page as loaded: the skip link first, then the header's controls, the period (统计期) among them.
    await page.reload();
    await page.waitForSelector('#dispatch-table table', { timeout: 60_000 });
    await settled(page);
    const header = await tabTo(page, 'select#period', 10);
    expect(header[0]).toMatch(/^a 跳到正文/);
    // Into 吹哨报到·分部门: a department's name opens its dispatches of the period.
    const path = await tabTo(page, '#dispatch-table a[href^="#/dispatches/"]', 300);
    expect(path.filter((p) => p.endsWith('(no focus indicator)'))).toEqual([]);
    const name = (await page.evaluate(() => document.activeElement!.textContent))!;
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="dispatches"] tbody tr', { timeout: 60_000 });
    expect(await page.textContent('main h2')).toContain(name);
    // The new view starts at its content: the next Tab is inside it, not back at the page's top.
    await settled(page);
    const inList = await tabTo(page, 'main a[href^="#/case/"]', 10);
    expect(inList.filter((p) => p.endsWith('(no focus indicator)'))).toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="case"]', { timeout: 60_000 });
    await settled(page);
    // Back from the case by its own link (返回 its village), reached by Tab from the case's top.
    const back = await tabTo(page, 'main a[href^="#/division/"]', 60, '返回 ');
    expect(back.filter((p) => p.endsWith('(no focus indicator)'))).toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForSelector('main[data-view="village"] #figures', { timeout: 60_000 });
    await context.close();
  }, 300_000);
});
