/**
 * 隐患整改闭环 through the gateway: each step of a hazard's rectification with who took it and why, a failed check
 * (验收不合格) sending the hazard back with its reason, the rectification deadline (整改期限) and overdue hazards, and
 * another village's caller kept out.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { startHub, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';
import { asOwner } from './helpers/cases.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
}, 180_000);
afterAll(async () => {
  await hub?.stop();
});

const COUNTY = '623022';
const VILLAGE = '623022104205';
const GRID = `${VILLAGE}001`;
const RUN = Date.now().toString(36);
const DAY_MS = 86_400_000;

interface Step {
  action: string;
  statusFrom: string;
  status: string;
  actor: string;
  actorSubject: string;
  note: string | null;
  rectifyBy: string | null;
}
interface Hazard {
  id: string;
  status: string;
  version: number;
  rectifiedAt: string | null;
  rectifyBy: string | null;
  overdue: boolean;
  steps: Step[];
}
const FIELDS = 'id status version rectifiedAt rectifyBy overdue steps { action statusFrom status actor actorSubject note rectifyBy }';

type Errors = GraphQLResponse<Record<string, unknown>>;
const code = (r: Errors) => r.errors?.[0]?.extensions?.code;

async function report(token: string, description: string): Promise<Hazard> {
  const r = await hub.queryAs<{ reportHazard: Hazard }>(
    token,
    `mutation { reportHazard(input: { gridCode: "${GRID}", kind: FIRE, description: "${description}", source: GRID_WORKER }) { ${FIELDS} } }`,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.reportHazard;
}

/** A step (`mutation(args)`) as `token`'s caller; the hazard it answers. */
async function step(token: string, mutation: string, args: string): Promise<Hazard> {
  const r = await hub.queryAs<Record<string, Hazard>>(token, `mutation { ${mutation}(${args}) { ${FIELDS} } }`);
  expect(r.errors, mutation).toBeUndefined();
  return r.data![mutation]!;
}

describe('hazard rectification (隐患整改闭环)', () => {
  let clerk: string;
  let worker: string;
  beforeAll(async () => {
    clerk = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `hz-clerk-${RUN}` });
    worker = await hub.token({ jurisdiction: GRID, scopes: ['read', 'write'], subject: `hz-worker-${RUN}` });
  });

  it('records each step with who took it and its note, in order, read for many hazards without a statement per hazard', async () => {
    const h = await report(worker, `柴草堆放靠近民房 ${RUN}`);
    expect(h.steps).toEqual([]);
    const s1 = await step(clerk, 'startHazardRectification', `id: "${h.id}", version: ${h.version}, note: "通知户主三日内清理"`);
    const s2 = await step(worker, 'rectifyHazard', `id: "${h.id}", version: ${s1.version}, note: "柴草已移至院外空地"`);
    const s3 = await step(clerk, 'verifyHazard', `id: "${h.id}", version: ${s2.version}`);
    expect(s3.status).toBe('VERIFIED');
    const by = (subject: string) => ({ actor: 'test caller', actorSubject: subject });
    expect(s3.steps).toEqual([
      { action: 'START', statusFrom: 'REPORTED', status: 'RECTIFYING', ...by(`hz-clerk-${RUN}`), note: '通知户主三日内清理', rectifyBy: null },
      { action: 'RECTIFY', statusFrom: 'RECTIFYING', status: 'RECTIFIED', ...by(`hz-worker-${RUN}`), note: '柴草已移至院外空地', rectifyBy: null },
      { action: 'VERIFY', statusFrom: 'RECTIFIED', status: 'VERIFIED', ...by(`hz-clerk-${RUN}`), note: null, rectifyBy: null },
    ]);
    // A note too long is refused naming it, in Chinese by its label.
    const other = await report(worker, `电线私拉 ${RUN}`);
    const long = await hub.query(`mutation { rectifyHazard(id: "${other.id}", version: 1, note: "${'很'.repeat(501)}") { id } }`, undefined, {
      'accept-language': 'zh-CN',
    });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    expect(long.errors?.[0]?.message).toBe('说明 须为 1–500 个字符。');

    // The steps of a page of hazards: one statement for all of them, whether the page holds 2 hazards or 20.
    const page = (first: number) => `{ village(code: "${VILLAGE}") { hazards(first: ${first}) { nodes { id steps { action actor } } } } }`;
    // Each asked before (its plan compiled, the directory read), so only the statements of the answer are counted.
    for (const n of [2, 20, 2, 20]) await hub.query(page(n));
    const few = await hub.countStatements(() => hub.query(page(2)));
    const many = await hub.countStatements(() => hub.query(page(20)));
    expect(many).toBe(few);
  });

  it('sends a hazard whose check failed back to rectifying with the reason, and the figures follow at once', async () => {
    const h = await report(worker, `液化气罐靠近灶台 ${RUN}`);
    const rectified = await step(worker, 'rectifyHazard', `id: "${h.id}", version: ${h.version}`);
    expect(rectified.rectifiedAt).not.toBeNull();

    // The reason is required: blank is refused, in Chinese by its label.
    const blank = await hub.queryAs(clerk, `mutation { sendBackHazard(id: "${h.id}", version: ${rectified.version}, reason: "  ") { id } }`);
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    const missing = await hub.queryAs(clerk, `mutation { sendBackHazard(id: "${h.id}", version: ${rectified.version}) { id } }`);
    expect(missing.errors?.[0]).toBeDefined();
    expect(missing.data ?? null).toBeNull();

    type Figures = { village: { hazardStats: { open: number; awaitingVerification: number } } };
    const FIG = `{ village(code: "${VILLAGE}") { hazardStats(from: "2020-01-01", to: "2029-12-31") { open awaitingVerification } } }`;
    const before = (await hub.queryAs<Figures>(clerk, FIG)).data!.village.hazardStats;

    const back = await step(clerk, 'sendBackHazard', `id: "${h.id}", version: ${rectified.version}, reason: "罐体仍在灶台一米内"`);
    expect(back).toMatchObject({ status: 'RECTIFYING', rectifiedAt: null, version: rectified.version + 1 });
    expect(back.steps.map((s) => [s.action, s.statusFrom, s.status, s.note])).toEqual([
      ['RECTIFY', 'REPORTED', 'RECTIFIED', null],
      ['SEND_BACK', 'RECTIFIED', 'RECTIFYING', '罐体仍在灶台一米内'],
    ]);
    // Awaiting verification no more: open again, on the very next read.
    const after = (await hub.queryAs<Figures>(clerk, FIG)).data!.village.hazardStats;
    expect(after).toEqual({ open: before.open + 1, awaitingVerification: before.awaitingVerification - 1 });

    // The same send-back after a lost answer answers the hazard as it is.
    const again = await hub.queryAs<{ sendBackHazard: Hazard }>(
      clerk,
      `mutation { sendBackHazard(id: "${h.id}", version: ${rectified.version}, reason: "罐体仍在灶台一米内") { status version } }`,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.sendBackHazard).toEqual({ status: 'RECTIFYING', version: back.version });
    // Sent by another caller from that version, it is a stale read: someone else sent the hazard back since.
    const theirs = await hub.queryAs(worker, `mutation { sendBackHazard(id: "${h.id}", version: ${rectified.version}, reason: "罐体仍在灶台一米内") { id } }`);
    expect(theirs.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: back.version });

    // From any status but rectified it is refused as a move the status does not allow, saying why in Chinese first.
    const wrong = await hub.queryAs(clerk, `mutation { sendBackHazard(id: "${h.id}", version: ${back.version}, reason: "再退") { id } }`);
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'RECTIFYING', to: 'RECTIFYING', action: 'SEND_BACK' });
    const wrongZh = await hub.query(`mutation { sendBackHazard(id: "${h.id}", version: ${back.version}, reason: "再退") { id } }`, undefined, {
      'accept-language': 'zh-CN',
    });
    expect(wrongZh.errors?.[0]?.message).toBe('整改中的隐患不能改为整改中；可改为：已整改。');
    const reported = await report(worker, `窨井盖缺失 ${RUN}`);
    expect(code(await hub.queryAs(clerk, `mutation { sendBackHazard(id: "${reported.id}", version: 1, reason: "未整改") { id } }`))).toBe('INVALID_TRANSITION');

    // Rectified again, it is verified; a verified hazard is closed and sent back no more.
    const again2 = await step(worker, 'rectifyHazard', `id: "${h.id}", version: ${back.version}, note: "罐体已移至室外专用柜"`);
    expect(again2.rectifiedAt).not.toBeNull();
    // A rectified hazard goes back to rectifying by a send-back only, not by starting rectification again.
    const restart = await hub.query(`mutation { startHazardRectification(id: "${h.id}", version: ${again2.version}) { id } }`, undefined, {
      'accept-language': 'zh-CN',
    });
    expect(restart.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    expect(restart.errors?.[0]?.message).toBe('已整改的隐患不能开始整改；改为整改中须验收不合格退回整改（sendBackHazard）。');
    const verified = await step(clerk, 'verifyHazard', `id: "${h.id}", version: ${again2.version}, note: "复查合格"`);
    const closed = await hub.query(`mutation { sendBackHazard(id: "${h.id}", version: ${verified.version}, reason: "再查") { id } }`, undefined, {
      'accept-language': 'zh-CN',
    });
    expect(closed.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TRANSITION', from: 'VERIFIED', allowed: [] });
    expect(closed.errors?.[0]?.message).toBe('已核查的隐患不能改为整改中；该隐患已闭环，不能再变更。');
    expect(verified.steps.map((s) => s.action)).toEqual(['RECTIFY', 'SEND_BACK', 'RECTIFY', 'VERIFY']);
  });

  it('takes a deadline when rectification starts, within a year from today, and lists the hazards overdue', async () => {
    const now = Date.now();
    const h = await report(worker, `山体落石 ${RUN}`);
    const past = chinaDay(now - DAY_MS);
    const early = await hub.query(`mutation { startHazardRectification(id: "${h.id}", version: 1, rectifyBy: "${past}") { id } }`, undefined, {
      'accept-language': 'zh-CN',
    });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'rectifyBy', rule: 'deadlinePast' });
    expect(early.errors?.[0]?.message).toMatch(/^整改期限 \d{4}-\d\d-\d\d 已经过去/);
    const far = chinaDay(now + 400 * DAY_MS);
    const late = await hub.query(`mutation { startHazardRectification(id: "${h.id}", version: 1, rectifyBy: "${far}") { id } }`);
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'rectifyBy', rule: 'deadlineTooFar' });

    const due = chinaDay(now + 7 * DAY_MS);
    const started = await step(clerk, 'startHazardRectification', `id: "${h.id}", version: 1, rectifyBy: "${due}", note: "设置警示牌，七日内清理"`);
    expect(started).toMatchObject({ status: 'RECTIFYING', rectifyBy: due, overdue: false });
    expect(started.steps[0]).toMatchObject({ action: 'START', rectifyBy: due });
    // Sent again after a lost answer it answers the hazard; with another deadline it is no retry but a stale read.
    const START = (day: string) =>
      `mutation { startHazardRectification(id: "${h.id}", version: 1, rectifyBy: "${day}", note: "设置警示牌，七日内清理") { version rectifyBy } }`;
    expect((await hub.queryAs(clerk, START(due))).data).toEqual({ startHazardRectification: { version: started.version, rectifyBy: due } });
    const otherDay = await hub.queryAs(clerk, START(chinaDay(now + 10 * DAY_MS)));
    expect(otherDay.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: started.version });
    // Due today is not yet overdue.
    const today = await report(worker, `路灯损坏 ${RUN}`);
    expect(await step(clerk, 'startHazardRectification', `id: "${today.id}", version: 1, rectifyBy: "${chinaDay(now)}"`)).toMatchObject({ overdue: false });

    // The deadline passes (moved back by the owner, as days passing would).
    await asOwner('village', (db) => db.query(`update hazard set rectify_by = $2 where id = $1`, [h.id, past]));
    const LIST = (overdue: boolean) =>
      `{ village(code: "${VILLAGE}") { hazards(overdue: ${overdue}, first: 100) { totalCount nodes { id overdue status rectifyBy } } } }`;
    type List = { village: { hazards: Nodes<{ id: string; overdue: boolean; status: string; rectifyBy: string | null }> & { totalCount: number } } };
    const overdue = (await hub.queryAs<List>(clerk, LIST(true))).data!.village.hazards;
    expect(overdue.nodes.map((x) => x.id)).toContain(h.id);
    expect(overdue.nodes.map((x) => x.id)).not.toContain(today.id);
    for (const x of overdue.nodes) expect(x).toMatchObject({ overdue: true, status: expect.stringMatching(/^(REPORTED|RECTIFYING)$/) });
    const onTime = (await hub.queryAs<List>(clerk, LIST(false))).data!.village.hazards;
    expect(onTime.nodes.map((x) => x.id)).not.toContain(h.id);
    for (const x of onTime.nodes) expect(x.overdue).toBe(false);
    // The two lists part the village's hazards: a hazard without a deadline is not overdue.
    const all = await hub.queryAs<{ village: { hazards: { totalCount: number } } }>(clerk, `{ village(code: "${VILLAGE}") { hazards { totalCount } } }`);
    expect(overdue.totalCount + onTime.totalCount).toBe(all.data!.village.hazards.totalCount);
    const read = await hub.queryAs<{ hazard: Hazard }>(clerk, `{ hazard(id: "${today.id}") { overdue } }`);
    expect(read.data!.hazard.overdue).toBe(false);

    // Rectified, late, it is overdue no more.
    const done = await step(worker, 'rectifyHazard', `id: "${h.id}", version: ${started.version}`);
    expect(done).toMatchObject({ status: 'RECTIFIED', overdue: false, rectifyBy: past });
    expect((await hub.queryAs<List>(clerk, LIST(true))).data!.village.hazards.nodes.map((x) => x.id)).not.toContain(h.id);

    // Its check fails after the deadline passed: sent back with a new deadline, it is not overdue at once; a new
    // deadline already past is refused as at the start.
    const SEND_BACK = (day: string) => `id: "${h.id}", version: ${done.version}, reason: "落石未清完", rectifyBy: "${day}"`;
    const stale = await hub.queryAs(clerk, `mutation { sendBackHazard(${SEND_BACK(past)}) { id } }`);
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'rectifyBy', rule: 'deadlinePast' });
    const back = await step(clerk, 'sendBackHazard', SEND_BACK(due));
    expect(back).toMatchObject({ status: 'RECTIFYING', rectifyBy: due, overdue: false });
    expect(back.steps.at(-1)).toMatchObject({ action: 'SEND_BACK', rectifyBy: due, note: '落石未清完' });
  });

  it('counts a grid’s hazards as its village’s: the grids’ figures add up to the village’s, a new hazard in both at once', async () => {
    const year = chinaDay().slice(0, 4);
    const FIG = `reported open awaitingVerification verified bySource { source reported open awaitingVerification verified }`;
    const KEYS = ['reported', 'open', 'awaitingVerification', 'verified'] as const;
    type Counts = Record<(typeof KEYS)[number], number>;
    type Figures = Counts & { bySource: (Counts & { source: string })[] };
    type Read = { village: { hazardStats: Figures; grids: { code: string; hazardStats: Figures }[] } };
    const read = async () => {
      const r = await hub.queryAs<Read>(
        clerk,
        `{ village(code: "${VILLAGE}") { hazardStats(period: "${year}") { ${FIG} } grids { code hazardStats(period: "${year}") { ${FIG} } } } }`,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.village;
    };
    const add = (all: Counts[]): Counts => Object.fromEntries(KEYS.map((k) => [k, all.reduce((n, f) => n + f[k], 0)])) as Counts;
    const sum = (all: Figures[]): Figures => ({
      ...add(all),
      bySource: all[0]!.bySource.map((s, i) => ({ source: s.source, ...add(all.map((f) => f.bySource[i]!)) })),
    });
    const before = await read();
    expect(before.grids.length).toBeGreaterThan(1);
    expect(before.hazardStats.reported).toBeGreaterThan(0);
    expect(sum(before.grids.map((g) => g.hazardStats))).toEqual(before.hazardStats);
    const grid = (v: Read['village']) => v.grids.find((g) => g.code === GRID)!.hazardStats;

    // A hazard reported now counts in its grid's figures and its village's alike, at once.
    await report(worker, `电线私拉乱接 ${RUN}`);
    const after = await read();
    expect(grid(after).reported).toBe(grid(before).reported + 1);
    expect(after.hazardStats.reported).toBe(before.hazardStats.reported + 1);
    expect(sum(after.grids.map((g) => g.hazardStats))).toEqual(after.hazardStats);

    // A grid worker's own token reads its grid's figures, and no other grid's.
    const own = await hub.queryAs<{ grid: { hazardStats: Figures } }>(worker, `{ grid(code: "${GRID}") { hazardStats(period: "${year}") { ${FIG} } } }`);
    expect(own.errors).toBeUndefined();
    expect(own.data!.grid.hazardStats).toEqual(grid(after));
    const other = after.grids.find((g) => g.code !== GRID)!.code;
    const refused = await hub.queryAs<{ grid: unknown }>(worker, `{ grid(code: "${other}") { hazardStats { reported } } }`);
    expect(refused.data?.grid ?? null).toBeNull();
  });

  it('refuses another village’s caller, whose connection sees none of the hazard’s steps', async () => {
    const h = await report(worker, `桥梁护栏缺损 ${RUN}`);
    const started = await step(clerk, 'startHazardRectification', `id: "${h.id}", version: 1, note: "联系交通站"`);
    const stranger = await hub.token({ jurisdiction: '623022104206', scopes: ['read', 'write'], subject: `hz-stranger-${RUN}` });
    for (const m of [
      `rectifyHazard(id: "${h.id}", version: ${started.version}, note: "已修")`,
      `sendBackHazard(id: "${h.id}", version: ${started.version}, reason: "不合格")`,
    ]) {
      const r = await hub.queryAs(stranger, `mutation { ${m} { id } }`);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'id' });
    }
    const read = await hub.queryAs<{ hazard: Hazard | null }>(stranger, `{ hazard(id: "${h.id}") { id steps { note } } }`);
    expect(read.data?.hazard ?? null).toBeNull();

    // Row-level security: the service's role sees the steps in the hazard's grid, and none from another village.
    const app = new pg.Client({ connectionString: inject('dbs').village.url });
    await app.connect();
    try {
      const count = async (jurisdiction: string) => {
        await app.query('begin');
        await app.query(`select set_config('hub.jurisdiction', $1, true)`, [jurisdiction]);
        const n = Number((await app.query<{ n: string }>(`select count(*) as n from hazard_step where hazard_id = $1`, [h.id])).rows[0]!.n);
        await app.query('commit');
        return n;
      };
      expect(await count(GRID)).toBe(1);
      expect(await count('623022104206')).toBe(0);
      expect(await count(COUNTY)).toBe(1);
    } finally {
      await app.end();
    }
  });
});

describe('hazards of a township and a county (Township.hazards, County.hazards) and the orders of every hazard list', () => {
  const TOWNSHIP = VILLAGE.slice(0, 9);
  type Row = { id: string; status: string; rectifyBy: string | null; grid: { village: { code: string } } };
  type Page = { totalCount: number; nodes: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  const ROW = 'id status rectifyBy grid { village { code } }';
  const PAGE = `totalCount nodes { ${ROW} } pageInfo { hasNextPage endCursor }`;
  const FILTERS = ['', 'status: RECTIFYING', 'overdue: true', 'overdue: false, source: GRID_WORKER'];
  let clerk: string;
  let worker: string;
  let township: string;
  let county: string;

  /** Every page of `field`'s list (args, then `orderBy`, `first`, `after`) read in turn: the rows, and the first page's total. */
  async function all(token: string, root: string, args: string, order = 'OLDEST_FIRST', first = 500): Promise<{ total: number; rows: Row[] }> {
    const rows: Row[] = [];
    let after: string | null = null;
    let total = -1;
    for (;;) {
      const r: GraphQLResponse<Record<string, { hazards: Page }>> = await hub.queryAs(
        token,
        `query($after: String) { ${root} { hazards(${args ? `${args}, ` : ''}orderBy: ${order}, first: ${first}, after: $after) { ${PAGE} } } }`,
        { after },
      );
      expect(r.errors).toBeUndefined();
      const page = Object.values(r.data!)[0]!.hazards;
      if (total < 0) total = page.totalCount;
      rows.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return { total, rows };
      after = page.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    clerk = await hub.token({ jurisdiction: VILLAGE, scopes: ['read', 'write'], subject: `hz-list-clerk-${RUN}` });
    worker = await hub.token({ jurisdiction: GRID, scopes: ['read', 'write'], subject: `hz-list-worker-${RUN}` });
    township = await hub.token({ jurisdiction: TOWNSHIP, scopes: ['read'], subject: `hz-township-${RUN}` });
    county = await hub.token({ jurisdiction: COUNTY, scopes: ['read'], subject: `hz-county-${RUN}` });
    // Hazards due on different days, one of them overdue (its deadline moved back by the owner, as days passing would).
    const now = Date.now();
    const made: Hazard[] = [];
    for (const [i, days] of [9, 3, 5].entries()) {
      const h = await report(worker, `隐患排序 ${i} ${RUN}`);
      made.push(await step(clerk, 'startHazardRectification', `id: "${h.id}", version: 1, rectifyBy: "${chinaDay(now + days * DAY_MS)}"`));
    }
    await asOwner('village', (db) => db.query(`update hazard set rectify_by = $2 where id = $1`, [made[0]!.id, chinaDay(now - 2 * DAY_MS)]));
  });

  it('lists the union of the villages’ lists for the same filters, counts and ids alike, page by page', async () => {
    for (const filter of FILTERS) {
      type Villages = { villages: { code: string; hazards: { totalCount: number } }[] };
      const r = await hub.queryAs<Villages>(county, `{ villages(within: "${COUNTY}") { code hazards(${filter} first: 0) { totalCount } } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data!.villages.filter((v) => v.code.startsWith(TOWNSHIP)).length).toBeGreaterThan(1);
      const byVillage = new Map<string, string[]>();
      for (const v of r.data!.villages) {
        const ids = v.hazards.totalCount ? (await all(county, `village(code: "${v.code}")`, filter)).rows.map((h) => h.id) : [];
        expect(ids.length).toBe(v.hazards.totalCount);
        byVillage.set(v.code, ids);
      }
      const union = (prefix: string) => [...byVillage].filter(([c]) => c.startsWith(prefix)).flatMap(([, ids]) => ids);
      for (const [token, root, prefix] of [
        [township, `township(code: "${TOWNSHIP}")`, TOWNSHIP],
        [county, `county(code: "${COUNTY}")`, COUNTY],
      ] as const) {
        // Read in four or five pages, so that paging across villages is what is checked.
        const total = union(prefix).length;
        const list = await all(token, root, filter, 'OLDEST_FIRST', Math.max(2, Math.ceil(total / 4)));
        const ids = list.rows.map((h) => h.id);
        expect(list.total, `${root} ${filter}`).toBe(total);
        expect(ids.length).toBe(total);
        expect([...ids].sort(), `${root} ${filter}`).toEqual(union(prefix).sort());
        for (const h of list.rows) expect(h.grid.village.code.startsWith(prefix)).toBe(true);
      }
    }
  });

  it('orders oldest first by default, newest first, or by the running 整改期限 (overdue first, none last), at every level', async () => {
    const key = (h: Row) => (h.rectifyBy && (h.status === 'REPORTED' || h.status === 'RECTIFYING') ? h.rectifyBy : '9999-12-31');
    for (const [token, root] of [
      [clerk, `village(code: "${VILLAGE}")`],
      [clerk, `grid(code: "${GRID}")`],
      [township, `township(code: "${TOWNSHIP}")`],
      [county, `county(code: "${COUNTY}")`],
    ] as const) {
      const oldest = await all(token, root, '');
      const byId = (a: Row, b: Row) => Number(a.id) - Number(b.id);
      expect(oldest.rows, root).toEqual([...oldest.rows].sort(byId));
      // The default is unchanged: no orderBy lists as OLDEST_FIRST does.
      const plain = await hub.queryAs<Record<string, { hazards: Page }>>(token, `{ ${root} { hazards(first: 500) { ${PAGE} } } }`);
      expect(Object.values(plain.data!)[0]!.hazards.nodes.map((h) => h.id)).toEqual(oldest.rows.slice(0, 500).map((h) => h.id));
      const size = Math.max(2, Math.ceil(oldest.total / 4));
      const newest = await all(token, root, '', 'NEWEST_FIRST', size);
      expect(
        newest.rows.map((h) => h.id),
        root,
      ).toEqual([...oldest.rows].reverse().map((h) => h.id));
      const due = await all(token, root, '', 'DUE_FIRST', size);
      expect(due.total).toBe(oldest.total);
      const sorted = [...oldest.rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : byId(a, b)));
      expect(
        due.rows.map((h) => h.id),
        root,
      ).toEqual(sorted.map((h) => h.id));
      // Overdue first: the overdue hazards lead the list.
      const overdue = await all(token, root, 'overdue: true');
      expect(overdue.total).toBeGreaterThan(0);
      expect(new Set(due.rows.slice(0, overdue.total).map((h) => h.id))).toEqual(new Set(overdue.rows.map((h) => h.id)));
    }
    // A cursor is read only by the order that gave it.
    const first = await hub.queryAs<{ county: { hazards: Page } }>(
      county,
      `{ county(code: "${COUNTY}") { hazards(orderBy: DUE_FIRST, first: 1) { ${PAGE} } } }`,
    );
    const cursor = first.data!.county.hazards.pageInfo.endCursor!;
    const newestCursor = (
      await hub.queryAs<{ county: { hazards: Page } }>(county, `{ county(code: "${COUNTY}") { hazards(orderBy: NEWEST_FIRST, first: 1) { ${PAGE} } } }`)
    ).data!.county.hazards.pageInfo.endCursor!;
    for (const [order, after] of [
      ['OLDEST_FIRST', cursor],
      ['OLDEST_FIRST', newestCursor],
      ['DUE_FIRST', newestCursor],
    ] as const) {
      const r = await hub.queryAs(county, `{ county(code: "${COUNTY}") { hazards(orderBy: ${order}, first: 1, after: "${after}") { totalCount } } }`);
      expect(r.errors?.[0]?.extensions, order).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
  });

  it('refuses another county’s and another township’s hazards, and a village caller the township’s', async () => {
    const other = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: `hz-other-${RUN}` });
    expect(code(await hub.queryAs(other, `{ county(code: "${COUNTY}") { hazards { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(other, `{ township(code: "${TOWNSHIP}") { hazards { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(township, `{ county(code: "${COUNTY}") { hazards { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await hub.queryAs(clerk, `{ township(code: "${TOWNSHIP}") { hazards { totalCount } } }`))).toBe('FORBIDDEN');
  });
});

describe('the demo data’s hazards (seed/village/registry.ts)', () => {
  it('carry the steps and the 整改期限 that took them past 已上报, and some are overdue, as the API would have left them', async () => {
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: `hz-demo-${RUN}` });
    type Seeded = { id: string; status: string; rectifyBy: string | null; steps: (Step & { at: string })[] };
    const ROW = 'id status rectifyBy steps { at action statusFrom status actor actorSubject note rectifyBy }';
    const r = await hub.queryAs<{ county: Record<string, { totalCount: number; nodes: Seeded[] }> }>(
      reader,
      `{ county(code: "623021") {
          rectifying: hazards(status: RECTIFYING, first: 100) { totalCount nodes { ${ROW} } }
          verified: hazards(status: VERIFIED, first: 100) { totalCount nodes { ${ROW} } }
          overdue: hazards(overdue: true, first: 0) { totalCount nodes { id } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const { rectifying, verified, overdue } = r.data!.county;
    expect(rectifying!.nodes.length).toBeGreaterThan(0);
    expect(verified!.nodes.length).toBeGreaterThan(0);
    // The demo year ends before today, so a hazard still being rectified is past its deadline.
    expect(overdue!.totalCount).toBeGreaterThan(0);
    for (const h of [...rectifying!.nodes, ...verified!.nodes]) {
      const [start] = h.steps;
      expect(h.rectifyBy, h.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(start, h.id).toMatchObject({ action: 'START', statusFrom: 'REPORTED', status: 'RECTIFYING', rectifyBy: h.rectifyBy, actor: '村综治中心' });
      expect(h.steps.at(-1)!.status, h.id).toBe(h.status);
      const times = h.steps.map((s) => Date.parse(s.at));
      expect(times, h.id).toEqual([...times].sort((a, b) => a - b));
    }
    for (const h of verified!.nodes) expect(h.steps.map((s) => s.action)).toEqual(['START', 'RECTIFY', 'VERIFY']);
  });
});
