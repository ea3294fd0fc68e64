/**
 * 报到超时 and 反馈超时 of each dispatch: `Dispatch.acknowledgedLate` and `Dispatch.answeredLate` (true late, false on
 * time, null not yet due or withdrawn within the deadline), the `acknowledgedLate` / `answeredLate` filters of the
 * township's list and the department's inbox, and the statistics of the same period counting the same: the late ones
 * a list marks are answerDue − reportedOnTime and acknowledgeDue − acknowledgedOnTime, the on-time ones reportedOnTime
 * and acknowledgedOnTime, and `/reports/dispatches.csv` gives the same per department. The dispatches
 * made here are moved to May 2019, a month no other test dispatches in, so the figures are this file's alone. Cases
 * are reported in 卓尼县.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { asOwner, callersOf, departmentToken, dispatchedCase, mutate, ok, pageAll, townshipCaseOf, villagesOf, type Callers } from './helpers/cases.ts';

let hub: TestHub;
/** 藏巴哇镇 of 卓尼县. */
const TOWNSHIP = `${WRITE_COUNTY}104`;
const PERIOD = '201905';
const [START, END] = [Date.parse('2019-05-01T00:00:00+08:00'), Date.parse('2019-06-01T00:00:00+08:00')];
let callers: Callers;
let gridCode: string;

interface Late {
  id: string;
  departmentKind: string;
  dispatchedAt: string;
  acknowledgedLate: boolean | null;
  answeredLate: boolean | null;
}
const LATE = 'id departmentKind dispatchedAt acknowledgedLate answeredLate';
type Figures = { acknowledgedOnTime: number; reportedOnTime: number; answerDue: number; acknowledgeDue: number; onTimeRate: number };
type Stats = Figures & { byDepartment: (Figures & { departmentKind: string })[] };

/** One case escalated to the township, accepted there and dispatched to these departments. */
async function dispatched(kinds: string[]): Promise<{ id: string; by: Map<string, string> }> {
  const d = await dispatchedCase(hub, callers, { gridCode, category: 'LAND_HOMESTEAD', summary: '宅基地界址争议，需多部门核实' }, kinds);
  return { id: d.id, by: new Map(d.dispatches.map((x) => [x.departmentKind, x.id])) };
}

const act = async <T>(kind: string, m: string): Promise<T> =>
  Object.values(ok(await hub.queryAs<Record<string, T>>(await departmentToken(WRITE_COUNTY, kind), `mutation { ${m} }`), m))[0]!;
const past = (id: string, columns: string) => asOwner('township', (c) => c.query(`update dispatch set ${columns} where id = $1::int`, [id]));
const inPeriod = (d: { dispatchedAt: string }) => Date.parse(d.dispatchedAt) >= START && Date.parse(d.dispatchedAt) < END;

/** The township's dispatches made in May 2019 under the filter, every page. */
async function townshipList(filter: string): Promise<Late[]> {
  const all = await pageAll<Late>(async (after) => {
    const r = ok(
      await hub.queryAs<{ township: { dispatches: { nodes: Late[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>(
        callers.township,
        `query($after: String) { township(code: "${TOWNSHIP}") { dispatches(filter: { ${filter} }, first: 200, after: $after) { nodes { ${LATE} } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      ),
    );
    return r.township.dispatches;
  });
  return all.nodes.filter(inPeriod);
}

let a: Awaited<ReturnType<typeof dispatched>>;
let b: Awaited<ReturnType<typeof dispatched>>;
const reported: Record<string, Partial<Late>> = {};
beforeAll(async () => {
  hub = await startHub();
  const [village] = await villagesOf(hub, TOWNSHIP);
  callers = await callersOf(hub, village!.code);
  gridCode = village!.grids[0]!;
  // POLICE acknowledges and reports back, both past their deadlines; HOUSING both in time; EDUCATION acknowledges in
  // time and lets its report deadline pass; JUSTICE has time left for both; NATURAL_RESOURCES never answers and both
  // deadlines pass; CIVIL_AFFAIRS is withdrawn within its deadlines (called by mistake); HEALTH is withdrawn past them.
  a = await dispatched(['POLICE', 'HOUSING', 'EDUCATION', 'JUSTICE']);
  b = await dispatched(['NATURAL_RESOURCES', 'CIVIL_AFFAIRS', 'HEALTH']);
  const id = (kind: string) => a.by.get(kind) ?? b.by.get(kind)!;
  await past(id('POLICE'), `acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour'`);
  reported.ack = await act<Partial<Late>>('POLICE', `acknowledgeDispatch(dispatchId: "${id('POLICE')}") { acknowledgedLate answeredLate }`);
  reported.report = await act<Partial<Late>>(
    'POLICE',
    `reportDispatch(dispatchId: "${id('POLICE')}", report: "逾期到场核实") { acknowledgedLate answeredLate }`,
  );
  await act('HOUSING', `acknowledgeDispatch(dispatchId: "${id('HOUSING')}") { status }`);
  await act('HOUSING', `reportDispatch(dispatchId: "${id('HOUSING')}", report: "已到场核实并反馈") { status }`);
  reported.onTime = await act<Partial<Late>>('EDUCATION', `acknowledgeDispatch(dispatchId: "${id('EDUCATION')}") { acknowledgedLate answeredLate }`);
  await past(id('EDUCATION'), `report_by = now() - interval '1 minute'`);
  await past(id('NATURAL_RESOURCES'), `acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour'`);
  const { version } = await townshipCaseOf(hub, callers.township, b.id);
  const taken = await mutate<{ version: number; acknowledgedLate: boolean | null }>(
    hub,
    callers.township,
    `withdrawDispatch(dispatchId: "${id('CIVIL_AFFAIRS')}", version: ${version}, reason: "派错部门") { version }`,
  );
  await past(id('HEALTH'), `acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour'`);
  await mutate(hub, callers.township, `withdrawDispatch(dispatchId: "${id('HEALTH')}", version: ${taken.version}, reason: "部门逾期未反馈") { version }`);
  const ids = [...a.by.values(), ...b.by.values()].map(Number);
  await asOwner('township', (c) =>
    c.query(`update dispatch set dispatched_at = '2019-05-10T10:00:00+08:00'::timestamptz + (id - $2::int) * interval '1 minute' where id = any($1::int[])`, [
      ids,
      Math.min(...ids),
    ]),
  );
});
afterAll(() => hub?.stop());

describe('报到超时 and 反馈超时 of each dispatch', () => {
  it('marks each dispatch late, on time, or neither (not yet due, or withdrawn within its deadline), as the mutations answer', async () => {
    expect(reported.ack).toEqual({ acknowledgedLate: true, answeredLate: true });
    expect(reported.report).toEqual({ acknowledgedLate: true, answeredLate: true });
    expect(reported.onTime).toEqual({ acknowledgedLate: false, answeredLate: null });
    const r = ok(
      await hub.queryAs<Record<string, { townshipCase: { dispatches: Late[] } }>>(
        callers.township,
        `{ a: dispute(id: "${a.id}") { townshipCase { dispatches { ${LATE} } } } b: dispute(id: "${b.id}") { townshipCase { dispatches { ${LATE} } } } }`,
      ),
    );
    const of = Object.fromEntries(
      [...r.a!.townshipCase.dispatches, ...r.b!.townshipCase.dispatches].map((d) => [d.departmentKind, [d.acknowledgedLate, d.answeredLate]]),
    );
    expect(of).toEqual({
      POLICE: [true, true],
      HOUSING: [false, false],
      EDUCATION: [false, true],
      JUSTICE: [null, null],
      NATURAL_RESOURCES: [true, true],
      CIVIL_AFFAIRS: [null, null],
      HEALTH: [true, true],
    });
  });

  it('lists as many late and on-time dispatches as the statistics of the same period count, for the township and for each department', async () => {
    const stats = ok(
      await hub.queryAs<{ township: { dispatchStats: Stats } }>(
        callers.township,
        `{ township(code: "${TOWNSHIP}") { dispatchStats(period: "${PERIOD}") { acknowledgedOnTime reportedOnTime answerDue acknowledgeDue onTimeRate
            byDepartment { departmentKind acknowledgedOnTime reportedOnTime answerDue acknowledgeDue onTimeRate } } } }`,
      ),
    ).township.dispatchStats;
    const answeredLate = await townshipList('answeredLate: true');
    const answeredOnTime = await townshipList('answeredLate: false');
    const acknowledgedOnTime = await townshipList('acknowledgedLate: false');
    const acknowledgedLate = await townshipList('acknowledgedLate: true');
    expect(answeredLate.map((d) => d.departmentKind).sort()).toEqual(['EDUCATION', 'HEALTH', 'NATURAL_RESOURCES', 'POLICE']);
    expect(answeredLate.every((d) => d.answeredLate === true)).toBe(true);
    expect(answeredLate.length).toBe(stats.answerDue - stats.reportedOnTime);
    expect(answeredOnTime.length).toBe(stats.reportedOnTime);
    expect(stats.onTimeRate).toBeCloseTo(answeredOnTime.length / (answeredOnTime.length + answeredLate.length));
    expect(acknowledgedOnTime.length).toBe(stats.acknowledgedOnTime);
    expect(acknowledgedLate.map((d) => d.departmentKind).sort()).toEqual(['HEALTH', 'NATURAL_RESOURCES', 'POLICE']);
    expect(acknowledgedLate.every((d) => d.acknowledgedLate === true)).toBe(true);
    expect(acknowledgedLate.length).toBe(stats.acknowledgeDue - stats.acknowledgedOnTime);
    // JUSTICE has time left and CIVIL_AFFAIRS was withdrawn within its deadline: their 报到 is not due.
    expect(stats.acknowledgeDue).toBe(acknowledgedOnTime.length + acknowledgedLate.length);
    expect(stats.acknowledgeDue).toBe(5);
    const lateOf = (list: Late[], kind: string) => list.filter((d) => d.departmentKind === kind).length;
    for (const d of stats.byDepartment) expect(lateOf(acknowledgedLate, d.departmentKind), d.departmentKind).toBe(d.acknowledgeDue - d.acknowledgedOnTime);
    // Each department's inbox under the same filter: as many as its share of the statistics counts.
    for (const kind of ['POLICE', 'EDUCATION', 'HOUSING', 'NATURAL_RESOURCES']) {
      const inbox = ok(
        await hub.queryAs<{ departmentInbox: { nodes: Late[] } }>(
          await departmentToken(WRITE_COUNTY, kind),
          `{ departmentInbox(filter: { answeredLate: true }, first: 200) { nodes { ${LATE} } } }`,
        ),
      ).departmentInbox.nodes.filter(inPeriod);
      const share = stats.byDepartment.find((d) => d.departmentKind === kind)!;
      expect(inbox.length, kind).toBe(share.answerDue - share.reportedOnTime);
      expect(inbox.length, kind).toBe(kind === 'HOUSING' ? 0 : 1);
      const unacknowledged = ok(
        await hub.queryAs<{ departmentInbox: { nodes: Late[] } }>(
          await departmentToken(WRITE_COUNTY, kind),
          `{ departmentInbox(filter: { acknowledgedLate: true }, first: 200) { nodes { ${LATE} } } }`,
        ),
      ).departmentInbox.nodes.filter(inPeriod);
      expect(unacknowledged.length, kind).toBe(share.acknowledgeDue - share.acknowledgedOnTime);
      expect(unacknowledged.length, kind).toBe(['POLICE', 'NATURAL_RESOURCES'].includes(kind) ? 1 : 0);
    }
    // The report's rows, one per department: its 应报到 column is the API's, and its last two columns, 报到超时 and
    // 反馈超时, are 应报到 − 按时报到 and 应反馈 − 按时反馈: as many as the lists mark late.
    const res = await fetch(new URL(`/reports/dispatches.csv?within=${TOWNSHIP}&level=township&period=${PERIOD}`, hub.gatewayUrl), {
      headers: { authorization: `Bearer ${callers.township}` },
    });
    expect(res.status).toBe(200);
    const [header, ...lines] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const at = (key: string) => header!.indexOf(key);
    expect(header!.slice(-3)).toEqual(['acknowledge_due', 'acknowledged_late', 'answered_late']);
    const rows = lines.map((l) => ({
      departmentKind: l[at('department_kind')]!,
      acknowledgeDue: Number(l[at('acknowledge_due')]),
      acknowledgedOnTime: Number(l[at('acknowledged_on_time')]),
      acknowledgedLate: Number(l[at('acknowledged_late')]),
      answeredLate: Number(l[at('answered_late')]),
    }));
    expect(rows).toEqual(
      stats.byDepartment.map((d) => ({
        departmentKind: d.departmentKind,
        acknowledgeDue: d.acknowledgeDue,
        acknowledgedOnTime: d.acknowledgedOnTime,
        acknowledgedLate: d.acknowledgeDue - d.acknowledgedOnTime,
        answeredLate: d.answerDue - d.reportedOnTime,
      })),
    );
    for (const r of rows) {
      expect(lateOf(acknowledgedLate, r.departmentKind), r.departmentKind).toBe(r.acknowledgedLate);
      expect(lateOf(answeredLate, r.departmentKind), r.departmentKind).toBe(r.answeredLate);
    }
    expect(rows.reduce((n, r) => n + r.acknowledgedLate, 0)).toBe(3);
    expect(rows.reduce((n, r) => n + r.answeredLate, 0)).toBe(4);
  });

  it('reads the marks with the list’s own statements (no query per dispatch)', async () => {
    const q = (fields: string) => `{ township(code: "${TOWNSHIP}") { dispatches(first: 100) { nodes { id ${fields} } } } }`;
    await hub.queryAs(callers.township, q(''));
    const without = await hub.countStatements(async () => ok(await hub.queryAs(callers.township, q(''))));
    const marked = await hub.countStatements(async () => ok(await hub.queryAs(callers.township, q('acknowledgedLate answeredLate'))));
    expect(marked).toBe(without);
  });
});

describe("a department reads a case's dispatches", () => {
  it('as its own only: never another department of the same case, its report or whether it was late', async () => {
    // POLICE, HOUSING, EDUCATION and JUSTICE were all called on case a; POLICE reported back past its deadlines.
    type Seen = { departmentInbox: { nodes: { id: string; townshipCase: { dispatches: (Late & { report: string | null })[] } }[] } };
    for (const kind of ['POLICE', 'HOUSING']) {
      const nodes = ok(
        await hub.queryAs<Seen>(
          await departmentToken(WRITE_COUNTY, kind),
          `{ departmentInbox(first: 200) { nodes { id townshipCase { dispatches { ${LATE} report } } } } }`,
        ),
      ).departmentInbox.nodes;
      const own = nodes.find((n) => n.id === a.by.get(kind));
      expect(own, kind).toBeDefined();
      expect(
        own!.townshipCase.dispatches.map((d) => d.departmentKind),
        kind,
      ).toEqual([kind]);
      expect(
        nodes.flatMap((n) => n.townshipCase.dispatches).every((d) => d.departmentKind === kind),
        kind,
      ).toBe(true);
    }
    // The township's desk still reads every department it called.
    const all = ok(
      await hub.queryAs<{ dispute: { townshipCase: { dispatches: Late[] } } }>(
        callers.township,
        `{ dispute(id: "${a.id}") { townshipCase { dispatches { ${LATE} } } } }`,
      ),
    ).dispute.townshipCase.dispatches;
    expect(all.map((d) => d.departmentKind).sort()).toEqual(['EDUCATION', 'HOUSING', 'JUSTICE', 'POLICE']);
  });
});

describe('a department’s lists reach the dispatches withdrawn from it when the filter asks', () => {
  type Listed = { id: string; status: string; acknowledgedLate: boolean | null; answeredLate: boolean | null; dispatchedAt: string };
  const ROW = 'id status acknowledgedLate answeredLate dispatchedAt';
  const inbox = async (kind: string, filter: string) =>
    ok(
      await hub.queryAs<{ departmentInbox: { nodes: Listed[] } }>(
        await departmentToken(WRITE_COUNTY, kind),
        `{ departmentInbox(${filter ? `filter: { ${filter} }, ` : ''}first: 200) { nodes { ${ROW} } } }`,
      ),
    ).departmentInbox.nodes.filter(inPeriod);
  const county = async (kind: string, filter: string) =>
    ok(
      await hub.queryAs<{ county: { dispatches: { totalCount: number; nodes: Listed[] } } }>(
        await departmentToken(WRITE_COUNTY, kind),
        `{ county(code: "${WRITE_COUNTY}") { dispatches(filter: { period: "${PERIOD}"${filter ? `, ${filter}` : ''} }, first: 200) { totalCount nodes { ${ROW} } } } }`,
      ),
    ).county.dispatches;

  it('its late ones as its own byDepartment row counts them (withdrawn after the deadline included), its withdrawn ones by status; the inbox alone omits them', async () => {
    const stats = ok(
      await hub.queryAs<{ county: { dispatchStats: { byDepartment: (Figures & { departmentKind: string; withdrawn: number })[] } } }>(
        await departmentToken(WRITE_COUNTY, 'HEALTH'),
        `{ county(code: "${WRITE_COUNTY}") { dispatchStats(period: "${PERIOD}") { byDepartment { departmentKind withdrawn acknowledgeDue acknowledgedOnTime answerDue reportedOnTime } } } }`,
      ),
    ).county.dispatchStats.byDepartment;
    // HEALTH was withdrawn past both deadlines (due and late in the figures); CIVIL_AFFAIRS within them (neither).
    const health = b.by.get('HEALTH')!;
    const civil = b.by.get('CIVIL_AFFAIRS')!;
    for (const [kind, id, late] of [
      ['HEALTH', health, 1],
      ['CIVIL_AFFAIRS', civil, 0],
    ] as const) {
      const row = stats.find((d) => d.departmentKind === kind)!;
      expect(row.withdrawn, kind).toBe(1);
      expect(row.acknowledgeDue - row.acknowledgedOnTime, kind).toBe(late);
      expect(row.answerDue - row.reportedOnTime, kind).toBe(late);
      const acknowledgedLate = await county(kind, 'acknowledgedLate: true');
      expect(acknowledgedLate.totalCount, kind).toBe(row.acknowledgeDue - row.acknowledgedOnTime);
      expect((await county(kind, 'answeredLate: true')).totalCount, kind).toBe(row.answerDue - row.reportedOnTime);
      expect(
        (await inbox(kind, 'acknowledgedLate: true')).map((d) => d.id),
        kind,
      ).toEqual(late ? [id] : []);
      expect(
        (await inbox(kind, 'answeredLate: true')).map((d) => d.id),
        kind,
      ).toEqual(late ? [id] : []);
      if (late)
        expect(
          acknowledgedLate.nodes.map((d) => [d.id, d.status, d.acknowledgedLate]),
          kind,
        ).toEqual([[id, 'WITHDRAWN', true]]);
      // Asked by status, the withdrawn one is listed, as the figures' 撤回 counts it.
      const withdrawn = await county(kind, 'status: [WITHDRAWN]');
      expect(withdrawn.totalCount, kind).toBe(row.withdrawn);
      expect(
        withdrawn.nodes.map((d) => [d.id, d.status]),
        kind,
      ).toEqual([[id, 'WITHDRAWN']]);
      expect(
        (await inbox(kind, 'status: [WITHDRAWN, DISPATCHED]')).map((d) => d.id),
        kind,
      ).toEqual([id]);
      // With no filter, or one that asks neither a status nor lateness, the inbox and the list leave it out.
      expect(
        (await inbox(kind, '')).map((d) => d.id),
        kind,
      ).not.toContain(id);
      expect(
        (await inbox(kind, 'overdue: false')).map((d) => d.id),
        kind,
      ).not.toContain(id);
      expect((await county(kind, '')).totalCount, kind).toBe(0);
    }
  });

  it('reads a withdrawn one’s township and case number, never the case the township took back (as the room lists it)', async () => {
    const token = await departmentToken(WRITE_COUNTY, 'HEALTH');
    const listed = ok(
      await hub.queryAs<{
        county: {
          dispatches: { nodes: { id: string; township: { code: string; name: string }; townshipCase: { caseNumber: string; dispute: { id: string } } }[] };
        };
      }>(
        token,
        `{ county(code: "${WRITE_COUNTY}") { dispatches(filter: { period: "${PERIOD}", acknowledgedLate: true }) { nodes { id township { code name } townshipCase { caseNumber dispute { id } } } } } }`,
      ),
    ).county.dispatches.nodes;
    expect(listed.map((d) => [d.id, d.township.code, d.townshipCase.dispute.id])).toEqual([[b.by.get('HEALTH')!, TOWNSHIP, b.id]]);
    expect(listed[0]!.township.name).toMatch(/[\u4e00-\u9fff]/);
    const read = ok(await hub.queryAs<{ dispute: unknown }>(token, `{ dispute(id: "${b.id}") { id category } }`));
    expect(read.dispute).toBeNull();
  });
});
