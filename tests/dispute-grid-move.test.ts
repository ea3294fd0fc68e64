/**
 * 改派网格: a case filed under the wrong grid of its village moves to the right one (`moveDisputeToGrid`), through the
 * gateway, in 卓尼县 (623022): its step and change-feed entries, the grids' lists and figures before and after (the
 * village's unchanged), the new grid's worker reading the whole story and the old one's nothing, the refusals, and a
 * move sent again after a lost answer.
 */
import { randomUUID } from 'node:crypto';
import { chinaDay } from '../domain/china-day.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Counted, type GraphQLResponse, type Paged, type TestHub } from './helpers/hub.ts';
import { callersOf, errorCode, escalateToTownship, inChinese, ok, type Callers } from './helpers/cases.ts';

let hub: TestHub;
let callers: Callers;
let village: { code: string; grids: string[] };
let otherVillageGrid: string;
let gridA: string;
let gridB: string;
let workerA: string;
let workerB: string;
beforeAll(async () => {
  hub = await startHub();
  const t = ok(
    await hub.query<{ townships: { code: string; villages: { code: string; grids: { code: string }[] }[] }[] }>(
      `{ townships(within: "623022") { code villages { code grids { code } } } }`,
    ),
  );
  const villages = t.townships.flatMap((x) => x.villages).map((v) => ({ code: v.code, grids: v.grids.map((g) => g.code) }));
  village = villages.filter((v) => v.grids.length >= 2).at(-1)!;
  otherVillageGrid = villages.find((v) => v.code !== village.code && v.grids.length)!.grids[0]!;
  [gridA, gridB] = village.grids as [string, string];
  callers = await callersOf(hub, village.code);
  workerA = await hub.token({ jurisdiction: gridA, scopes: ['read', 'write'], subject: `grid-worker-${gridA}` });
  workerB = await hub.token({ jurisdiction: gridB, scopes: ['read', 'write'], subject: `grid-worker-${gridB}` });
});
afterAll(() => hub?.stop());

const today = chinaDay();

interface Moved {
  id: string;
  caseNumber: string;
  version: number;
  status: string;
  grid: { code: string };
  village: { code: string };
  deadlines: { contactBy: string; settleBy: string };
  parties: { name: string }[];
  timeline: {
    action: string;
    note: string | null;
    seq: number | null;
    changes: { field: string; before: string | null; after: string | null }[] | null;
  }[];
}
const CASE = `id caseNumber version status grid { code } village { code } deadlines { contactBy settleBy } parties { name }
  timeline { action note seq changes { field before after } }`;

/** People read the refusals in Chinese: the requests ask for it. */
const asked = <T>(token: string, query: string, variables?: Record<string, unknown>) => inChinese<T>(hub, token, query, variables);

const REPORT = `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { ${CASE} } }`;
const reportInput = (gridCode: string) => ({
  gridCode,
  category: 'NEIGHBOUR',
  scale: 'ORDINARY',
  source: 'GRID_INSPECTION',
  summary: '两户因院墙排水沟发生争执，邻网格网格员代为登记',
  parties: [
    { name: '杨卓玛', role: 'APPLICANT' },
    { name: '李永福', role: 'RESPONDENT' },
  ],
});
const report = async (token: string, key: string, gridCode = gridA): Promise<Moved> =>
  ok(await asked<{ reportDispute: Moved }>(token, REPORT, { k: key, i: reportInput(gridCode) })).reportDispute;

const move = (token: string, id: string, version: number, gridCode: string, reason = '登记时网格选错，当事人住在本村第二网格') =>
  asked<{ moveDisputeToGrid: Moved }>(
    token,
    `mutation($g: String!, $r: String!) { moveDisputeToGrid(id: "${id}", version: ${version}, gridCode: $g, reason: $r) { ${CASE} } }`,
    { g: gridCode, r: reason },
  );

/** A grid's open cases as its list counts them, and the village's figures of today (which a move leaves alone). */
async function figures() {
  const r = ok(
    await hub.queryAs<{ a: { disputes: Counted }; b: { disputes: Counted }; village: { disputeStats: { reported: number; open: number } } }>(
      callers.county,
      `{ a: grid(code: "${gridA}") { disputes(first: 0) { totalCount } } b: grid(code: "${gridB}") { disputes(first: 0) { totalCount } }
         village(code: "${village.code}") { disputeStats(from: "${today}", to: "${today}") { reported open } } }`,
    ),
  );
  return { a: r.a.disputes.totalCount, b: r.b.disputes.totalCount, village: r.village.disputeStats };
}

interface Change {
  op: string;
  recordId: string;
  version: number | null;
  grid: { code: string };
  step: string | null;
  stepNote: string | null;
}
const feedPosition = async () =>
  ok(await hub.queryAs<{ changes: Paged<{ cursor: string }> }>(callers.county, `{ changes(first: 0) { nodes { cursor } pageInfo { endCursor } } }`)).changes
    .pageInfo.endCursor;
const feedOf = async (token: string, within: string, after: string | null) =>
  ok(
    await hub.queryAs<{ changes: Paged<Change> }>(
      token,
      `query($a: String) { changes(after: $a, kinds: [DISPUTE], within: "${within}", first: 100) { nodes { op recordId version grid { code } step stepNote } } }`,
      { a: after },
    ),
  ).changes.nodes;

describe('改派网格: a case moves to another grid of its village', () => {
  it('moves the case, its timeline and parties to the new grid, on the feed, with the grids’ figures following and the village’s not', async () => {
    const reported = await report(workerA, `grid-move-${randomUUID()}`);
    expect(reported.grid.code).toBe(gridA);
    const before = await figures();
    const position = await feedPosition();

    const moved = ok(await move(callers.village, reported.id, reported.version, gridB)).moveDisputeToGrid;
    expect(moved).toMatchObject({ id: reported.id, caseNumber: reported.caseNumber, status: 'REPORTED', version: reported.version + 1 });
    expect(moved.grid.code).toBe(gridB);
    expect(moved.village.code).toBe(village.code);
    // Moving is not a new case: its deadlines run on.
    expect(moved.deadlines).toEqual(reported.deadlines);
    const step = moved.timeline.at(-1)!;
    expect(step).toMatchObject({ action: 'MOVE_GRID', seq: null, changes: [{ field: 'GRID', before: gridA, after: gridB }] });
    expect(step.note).toContain(`（${gridA}）改派至`);
    expect(step.note).toContain(`（${gridB}）。登记时网格选错`);

    // The figures follow: the old grid counts it no more, the new one does, the village's stay as they were.
    const after = await figures();
    expect(after).toEqual({ a: before.a - 1, b: before.b + 1, village: before.village });

    // The new grid's worker reads the case with its whole story (the report too); the old grid's reads nothing of it.
    const seenByB = ok(await hub.queryAs<{ dispute: Moved | null }>(workerB, `{ dispute(id: "${reported.id}") { ${CASE} } }`)).dispute;
    expect(seenByB?.timeline.map((s) => s.action)).toEqual(['REPORT', 'MOVE_GRID']);
    expect(seenByB?.parties.map((p) => p.name)).toEqual(['杨卓玛', '李永福']);
    expect(ok(await hub.queryAs<{ dispute: Moved | null }>(workerA, `{ dispute(id: "${reported.id}") { id } }`)).dispute).toBeNull();
    const listB = ok(
      await hub.queryAs<{ grid: { disputes: Paged<{ id: string }> } }>(workerB, `{ grid(code: "${gridB}") { disputes(first: 50) { nodes { id } } } }`),
    );
    expect(listB.grid.disputes.nodes.map((n) => n.id)).toContain(reported.id);

    // The feed: MOVED_OUT under the old grid (for whoever follows only it), the case's entry under the new one, both naming the step.
    const village_ = (await feedOf(callers.county, village.code, position)).filter((c) => c.recordId === reported.id);
    expect(village_.map((c) => [c.op, c.grid.code, c.version, c.step])).toEqual([
      ['MOVED_OUT', gridA, moved.version, 'MOVE_GRID'],
      ['UPDATED', gridB, moved.version, 'MOVE_GRID'],
    ]);
    expect(village_[1]!.stepNote).toBe(step.note);
    expect((await feedOf(workerA, gridA, position)).filter((c) => c.recordId === reported.id).map((c) => c.op)).toEqual(['MOVED_OUT']);
  });

  it('sent again after a lost answer answers the case as it is, moving it once; the report sent again still finds it', async () => {
    const key = `grid-move-retry-${randomUUID()}`;
    const reported = await report(callers.village, key);
    const first = ok(await move(callers.village, reported.id, reported.version, gridB)).moveDisputeToGrid;
    const again = ok(await move(callers.village, reported.id, reported.version, gridB)).moveDisputeToGrid;
    expect(again.version).toBe(first.version);
    expect(again.timeline.filter((s) => s.action === 'MOVE_GRID')).toHaveLength(1);
    // Another reason from the old version is another request, on a stale copy.
    expect(errorCode(await move(callers.village, reported.id, reported.version, gridB, '另一个理由'))).toBe('CONFLICT');
    // The grid worker's app sending the first report again (it names the grid it was filed under) gets the same case.
    const resent = await report(callers.village, key, gridA);
    expect(resent).toMatchObject({ id: reported.id, version: first.version });
    expect(resent.grid.code).toBe(gridB);
  });

  it('refuses another village’s grid, the grid it is in, an unknown grid, a stale version and a grid’s token; a township caller may move it', async () => {
    const d = await report(callers.village, `grid-move-refused-${randomUUID()}`);
    const refused = async (r: Promise<GraphQLResponse<unknown>>) => {
      const got = await r;
      return { code: errorCode(got), message: got.errors?.[0]?.message ?? '' };
    };
    const otherVillage = await refused(move(callers.county, d.id, d.version, otherVillageGrid));
    expect(otherVillage.code).toBe('BAD_USER_INPUT');
    expect(otherVillage.message).toContain(otherVillageGrid);
    expect(otherVillage.message).toContain('不属于案件所在的村');
    expect(await refused(move(callers.village, d.id, d.version, gridA))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('无需改派'),
    });
    expect(await refused(move(callers.village, d.id, d.version, `${village.code}999`))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining(`${village.code}999`),
    });
    expect(await refused(move(callers.village, d.id, d.version, '62302'))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await refused(move(callers.village, d.id, d.version - 1 || 99, gridB))).toMatchObject({ code: 'CONFLICT' });
    // A grid's token does not see the other grid: the village moves the case, whichever grid's worker asks.
    expect(await refused(move(workerA, d.id, d.version, gridB))).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('网格') });
    expect(await refused(move(workerB, d.id, d.version, gridB))).toMatchObject({ code: 'NOT_FOUND' });
    const readOnly = await hub.token({ jurisdiction: village.code, scopes: ['read'], subject: 'grid-move-reader' });
    expect(await refused(move(readOnly, d.id, d.version, gridB))).toMatchObject({ code: 'FORBIDDEN' });
    // Nothing moved.
    const still = ok(await hub.queryAs<{ dispute: Moved }>(callers.village, `{ dispute(id: "${d.id}") { ${CASE} } }`)).dispute;
    expect(still).toMatchObject({ version: d.version, grid: { code: gridA } });
    // A level above the village with write there moves it too.
    expect(ok(await move(callers.township, d.id, d.version, gridB)).moveDisputeToGrid.grid.code).toBe(gridB);
  });

  it('refuses an escalated case (the township’s) and a resolved one with INVALID_TRANSITION, whatever version', async () => {
    const { id } = await escalateToTownship(hub, callers, { gridCode: gridA });
    const escalated = ok(await hub.queryAs<{ dispute: Moved }>(callers.village, `{ dispute(id: "${id}") { version } }`)).dispute;
    for (const version of [escalated.version, escalated.version + 5]) {
      const r = await move(callers.village, id, version, gridB);
      expect(errorCode(r)).toBe('INVALID_TRANSITION');
      expect(r.errors?.[0]?.message).toContain('已上报乡镇');
    }
    let d: { id: string; version: number } = await report(callers.village, `grid-move-resolved-${randomUUID()}`);
    for (const [step, args] of [
      ['acceptDispute', ''],
      ['assignDispute', ', assignee: "村调委会"'],
      ['resolveDispute', ', outcome: AGREEMENT'],
    ] as const) {
      d = ok(
        await hub.queryAs<Record<string, { id: string; version: number }>>(
          callers.village,
          `mutation { ${step}(id: "${d.id}", version: ${d.version}${args}) { id version } }`,
        ),
      )[step]!;
    }
    const r = await move(callers.village, d.id, d.version, gridB);
    expect(errorCode(r)).toBe('INVALID_TRANSITION');
    expect(r.errors?.[0]?.message).toContain('已办结');
  });
});
