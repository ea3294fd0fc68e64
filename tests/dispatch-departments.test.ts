/**
 * 吹哨报到 figures per department, for the leaders who rank the county's
 * departments on how they answer the townships' dispatches:
 * `DispatchStats.byDepartment` of a township and of a county lists every
 * department of the county (zeros included, by kind), each with the figures
 * the owner counts in SQL, adding up to the division's totals; same access as
 * the totals; and `/reports/dispatches.csv|xlsx` gives the same rows. The
 * dispatches made here are moved to March 2019, a month no other test
 * dispatches in, so the figures are this file's alone. Cases are reported in 卓尼县.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_COUNTY } from './setup/global.ts';
import { DEPARTMENT_NAMES } from '../domain/departments.ts';
import { startHub, type TestHub } from './helpers/hub.ts';
import { asOwner, callersOf, departmentToken, dispatchedCase, errorCode, mutate, ok, townshipCaseOf, villagesOf, type Callers } from './helpers/cases.ts';

let hub: TestHub;
/** 藏巴哇镇 of 卓尼县. */
const TOWNSHIP = `${WRITE_COUNTY}104`;
const PERIOD = '201903';
const [FROM, TO] = ['2019-03-01', '2019-03-31'];
let callers: Callers;
let gridCode: string;

const FIGURES = [
  'dispatched',
  'acknowledged',
  'acknowledgedOnTime',
  'reported',
  'reportedOnTime',
  'overdue',
  'withdrawn',
  'answerDue',
  'acknowledgeDue',
] as const;
/** The report's figure columns in order: the rate after answer_due, then acknowledge_due (the late ones after it). */
const COLUMNS = [
  'dispatched',
  'acknowledged',
  'acknowledgedOnTime',
  'reported',
  'reportedOnTime',
  'overdue',
  'withdrawn',
  'answerDue',
  'onTimeRate',
  'acknowledgeDue',
] as const;
type Counts = Record<(typeof FIGURES)[number] | 'onTimeRate', number>;
type ByDepartment = Counts & { departmentKind: string; departmentName: string };
type Stats = Counts & { byDepartment: ByDepartment[]; previous: Counts & { byDepartment: ByDepartment[] } };
const SELECT = `${FIGURES.join(' ')} onTimeRate`;
// The total and each department's share selected by one fragment on their common interface.
const STATS = `dispatchStats(period: "${PERIOD}") { ...Counts byDepartment { departmentKind departmentName ...Counts }
  previous { ...Counts byDepartment { departmentKind ...Counts } } }`;
const COUNTS = `fragment Counts on DispatchCounts { ${SELECT} }`;

/** One case escalated to the township, accepted there and dispatched to these departments. */
const dispatched = (kinds: string[]) => dispatchedCase(hub, callers, { gridCode, category: 'LAND_HOMESTEAD', summary: '宅基地界址争议，需多部门核实' }, kinds);

/**
 * The figures of each department as the owner counts them in SQL, straight from the dispatch rows of a division (a
 * township's or a county's code) made in March 2019, China time; the rules spelled out here, not the store's.
 */
async function ownerFacts(code: string): Promise<Map<string, Counts>> {
  const column = code.length === 9 ? 'township_code' : 'left(township_code, 6)';
  const found = await asOwner('township', (c) =>
    c.query<Record<string, string>>(
      `select department_kind as kind, count(*) as dispatched, count(*) filter (where acknowledged_at is not null) as acknowledged,
         count(*) filter (where acknowledged_at <= acknowledge_by) as acknowledged_on_time,
         count(*) filter (where reported_at is not null) as reported, count(*) filter (where reported_at <= report_by) as reported_on_time,
         count(*) filter (where (status = 'DISPATCHED' and now() > acknowledge_by) or (status in ('DISPATCHED', 'ACKNOWLEDGED') and now() > report_by)) as overdue,
         count(*) filter (where status = 'WITHDRAWN') as withdrawn,
         count(*) filter (where status = 'REPORTED' or (now() > report_by and (withdrawn_at is null or withdrawn_at > report_by))) as answer_due,
         count(*) filter (where acknowledged_at is not null or (now() > acknowledge_by and (withdrawn_at is null or withdrawn_at > acknowledge_by))) as acknowledge_due
       from dispatch where ${column} = $1 and dispatched_at >= '2019-03-01T00:00:00+08:00' and dispatched_at < '2019-04-01T00:00:00+08:00'
       group by 1`,
      [code],
    ),
  );
  return new Map(
    found.rows.map((r) => {
      const n = (k: string) => Number(r[k]);
      const counts = {
        dispatched: n('dispatched'),
        acknowledged: n('acknowledged'),
        acknowledgedOnTime: n('acknowledged_on_time'),
        reported: n('reported'),
        reportedOnTime: n('reported_on_time'),
        overdue: n('overdue'),
        withdrawn: n('withdrawn'),
        answerDue: n('answer_due'),
        acknowledgeDue: n('acknowledge_due'),
      };
      return [r.kind!, { ...counts, onTimeRate: counts.answerDue ? counts.reportedOnTime / counts.answerDue : 0 }];
    }),
  );
}

const ZERO: Counts = {
  dispatched: 0,
  acknowledged: 0,
  acknowledgedOnTime: 0,
  reported: 0,
  reportedOnTime: 0,
  overdue: 0,
  withdrawn: 0,
  answerDue: 0,
  acknowledgeDue: 0,
  onTimeRate: 0,
};

/** 报到超时 and 反馈超时, the report's last two columns: the due ones not answered on time. */
const late = (d: Counts): [number, number] => [d.acknowledgeDue - d.acknowledgedOnTime, d.answerDue - d.reportedOnTime];

const countsOf = (d: Counts): Counts => ({ ...Object.fromEntries(FIGURES.map((f) => [f, d[f]])), onTimeRate: d.onTimeRate }) as Counts;

/** The division's departments agree with the owner's facts one by one, and add up to its totals. */
function expectSplit(stats: Counts & { byDepartment: ByDepartment[] }, facts: Map<string, Counts>, kinds: readonly string[]) {
  expect(stats.byDepartment.map((d) => d.departmentKind)).toEqual(kinds);
  for (const d of stats.byDepartment) expect(countsOf(d), d.departmentKind).toEqual(facts.get(d.departmentKind) ?? ZERO);
  for (const f of FIGURES)
    expect(
      stats.byDepartment.reduce((s, d) => s + d[f], 0),
      f,
    ).toBe(stats[f]);
}

let by: Map<string, string>;
let departments: { kind: string; name: string }[];
beforeAll(async () => {
  hub = await startHub();
  const [village] = await villagesOf(hub, TOWNSHIP);
  callers = await callersOf(hub, village!.code);
  gridCode = village!.grids[0]!;
  departments = ok(
    await hub.queryAs<{ county: { departments: { kind: string; name: string }[] } }>(
      callers.county,
      `{ county(code: "${WRITE_COUNTY}") { departments { kind name } } }`,
    ),
  ).county.departments;

  // Two cases: POLICE called on twice, HOUSING acknowledges, JUSTICE acknowledges and reports back, CIVIL_AFFAIRS is
  // withdrawn within its deadlines (called by mistake), the second POLICE dispatch withdrawn past them (it never answered).
  const a = await dispatched(['POLICE', 'HOUSING', 'JUSTICE']);
  const b = await dispatched(['POLICE', 'CIVIL_AFFAIRS']);
  by = new Map(a.dispatches.map((d) => [d.departmentKind, d.id]));
  const act = async (kind: string, m: string) => ok(await hub.queryAs(await departmentToken(WRITE_COUNTY, kind), `mutation { ${m} }`), m);
  await act('HOUSING', `acknowledgeDispatch(dispatchId: "${by.get('HOUSING')}") { status }`);
  await act('JUSTICE', `acknowledgeDispatch(dispatchId: "${by.get('JUSTICE')}") { status }`);
  await act('JUSTICE', `reportDispatch(dispatchId: "${by.get('JUSTICE')}", report: "已到场核实并反馈") { status }`);
  const civil = b.dispatches.find((d) => d.departmentKind === 'CIVIL_AFFAIRS')!.id;
  const { version } = await townshipCaseOf(hub, callers.township, b.id);
  const taken = await mutate<{ version: number }>(
    hub,
    callers.township,
    `withdrawDispatch(dispatchId: "${civil}", version: ${version}, reason: "派错部门") { version }`,
  );
  const silentPolice = b.dispatches.find((d) => d.departmentKind === 'POLICE')!.id;
  await asOwner('township', (c) =>
    c.query(`update dispatch set acknowledge_by = now() - interval '2 hours', report_by = now() - interval '1 hour' where id = $1::int`, [silentPolice]),
  );
  await mutate(hub, callers.township, `withdrawDispatch(dispatchId: "${silentPolice}", version: ${taken.version}, reason: "部门逾期未反馈") { version }`);

  const ids = [...a.dispatches, ...b.dispatches].map((d) => Number(d.id));
  await asOwner('township', async (c) => {
    // The first case's POLICE dispatch was never acknowledged and its acknowledge deadline has passed: overdue.
    await c.query(`update dispatch set acknowledge_by = now() - interval '1 hour' where id = $1::int`, [by.get('POLICE')]);
    // Made on 10 March 2019, China time (deadlines left as they are: the figures count answers against them).
    await c.query(
      `update dispatch set dispatched_at = '2019-03-10T10:00:00+08:00'::timestamptz + (id - $2::int) * interval '1 minute' where id = any($1::int[])`,
      [ids, Math.min(...ids)],
    );
  });
});
afterAll(() => hub?.stop());

describe('吹哨报到 per department', () => {
  it('lists every department of the county for a township and the county, each as the owner counts it, adding up to the totals', async () => {
    const r = ok(
      await hub.queryAs<{ township: { dispatchStats: Stats }; county: { dispatchStats: Stats } }>(
        callers.county,
        `{ township(code: "${TOWNSHIP}") { ${STATS} } county(code: "${WRITE_COUNTY}") { ${STATS} } } ${COUNTS}`,
      ),
    );
    const kinds = departments.map((d) => d.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(16);
    const township = r.township.dispatchStats;
    expectSplit(township, await ownerFacts(TOWNSHIP), kinds);
    expectSplit(r.county.dispatchStats, await ownerFacts(WRITE_COUNTY), kinds);
    // Named as the county lists its departments.
    expect(township.byDepartment.map((d) => d.departmentName)).toEqual(departments.map((d) => d.name));
    const of = (kind: string) => township.byDepartment.find((d) => d.departmentKind === kind)!;
    // The overdue dispatch is its department's: POLICE, called on twice, has the one never acknowledged in time.
    expect(of('POLICE')).toMatchObject({ dispatched: 2, acknowledged: 0, overdue: 1 });
    // Withdrawn past its report deadline, the second POLICE dispatch counts against the rate (not reported on time).
    expect(of('HOUSING')).toMatchObject({ dispatched: 1, acknowledged: 1, acknowledgedOnTime: 1, reported: 0, overdue: 0 });
    expect(of('JUSTICE')).toMatchObject({ dispatched: 1, reported: 1, reportedOnTime: 1, answerDue: 1, onTimeRate: 1 });
    expect(of('POLICE')).toMatchObject({ withdrawn: 1, answerDue: 1, reportedOnTime: 0, onTimeRate: 0 });
    // Withdrawn within its deadlines (the wrong department), a dispatch never fell due: it is in neither side of the
    // rate, as one still open within its deadline is not; and a withdrawn dispatch is never overdue.
    expect(of('CIVIL_AFFAIRS')).toMatchObject({ dispatched: 1, withdrawn: 1, overdue: 0, answerDue: 0, onTimeRate: 0 });
    expect(of('EDUCATION')).toMatchObject(ZERO);
    expect(township.dispatched).toBe(5);
    expect(township.overdue).toBe(1);
    // The month before: the same split of its own figures.
    expect(township.previous.byDepartment.map((d) => d.departmentKind)).toEqual(kinds);
    for (const f of FIGURES)
      expect(
        township.previous.byDepartment.reduce((s, d) => s + d[f], 0),
        f,
      ).toBe(township.previous[f]);
  });

  it('costs the same statements for every township of the county as for one (set-based, no query per department or township)', async () => {
    const q = (within: string) =>
      `{ townships(within: "${within}") { code dispatchStats(period: "${PERIOD}") { dispatched byDepartment { departmentKind overdue } } } }`;
    await hub.queryAs(callers.county, q(TOWNSHIP));
    let many: { townships: { code: string; dispatchStats: { dispatched: number; byDepartment: unknown[] } }[] } | undefined;
    const one = await hub.countStatements(async () => ok(await hub.queryAs(callers.county, q(TOWNSHIP))));
    const all = await hub.countStatements(async () => (many = ok(await hub.queryAs(callers.county, q(WRITE_COUNTY)))));
    expect(many!.townships.length).toBeGreaterThan(5);
    expect(all).toBe(one);
  });

  it('keeps the totals’ access rules: a township sees its own, not its neighbour’s or the county’s; another county and a caller without read or report get FORBIDDEN', async () => {
    const field = `dispatchStats(period: "${PERIOD}") { byDepartment { departmentKind dispatched } }`;
    const own = ok(await hub.queryAs<{ township: { dispatchStats: Stats } }>(callers.township, `{ township(code: "${TOWNSHIP}") { ${field} } }`));
    expect(own.township.dispatchStats.byDepartment.find((d) => d.departmentKind === 'POLICE')!.dispatched).toBe(2);
    const neighbour = `${WRITE_COUNTY}100`;
    expect(errorCode(await hub.queryAs(callers.township, `{ township(code: "${neighbour}") { ${field} } }`))).toBe('FORBIDDEN');
    expect(errorCode(await hub.queryAs(callers.township, `{ county(code: "${WRITE_COUNTY}") { ${field} } }`))).toBe('FORBIDDEN');
    const lintan = await hub.token({ jurisdiction: '623021', scopes: ['read', 'report'] });
    expect(errorCode(await hub.queryAs(lintan, `{ county(code: "${WRITE_COUNTY}") { ${field} } }`))).toBe('FORBIDDEN');
    expect(errorCode(await hub.queryAs(lintan, `{ township(code: "${TOWNSHIP}") { ${field} } }`))).toBe('FORBIDDEN');
    const writer = await hub.token({ jurisdiction: WRITE_COUNTY, scopes: ['write'] });
    expect(errorCode(await hub.queryAs(writer, `{ county(code: "${WRITE_COUNTY}") { ${field} } }`))).toBe('FORBIDDEN');
  });
});

describe('the dispatches report', () => {
  const get = (path: string, token: string) => fetch(new URL(path, hub.gatewayUrl), { headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });

  it('gives a row per township and department (CSV) equal to the API, and the county’s rows in a sheet with Chinese headers', async () => {
    const res = await get(`/reports/dispatches.csv?within=${WRITE_COUNTY}&level=township&period=${PERIOD}`, callers.county);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`dispatches-township-${WRITE_COUNTY}-${FROM}-${TO}.csv`);
    const [header, ...lines] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header).toEqual([
      'level',
      'code',
      'name',
      'province_code',
      'prefecture_code',
      'county_code',
      'township_code',
      'from',
      'to',
      'department_kind',
      'department_name',
      'dispatched',
      'acknowledged',
      'acknowledged_on_time',
      'reported',
      'reported_on_time',
      'overdue',
      'withdrawn',
      'answer_due',
      'on_time_rate',
      'acknowledge_due',
      'acknowledged_late',
      'answered_late',
    ]);
    const api = ok(
      await hub.queryAs<{ townships: { code: string; dispatchStats: { byDepartment: ByDepartment[] } }[] }>(
        callers.county,
        `{ townships(within: "${WRITE_COUNTY}") { code dispatchStats(period: "${PERIOD}") { byDepartment { departmentKind departmentName ${SELECT} } } } }`,
      ),
    );
    const expected = api.townships.flatMap((t) =>
      t.dispatchStats.byDepartment.map((d) => [
        t.code,
        FROM,
        TO,
        d.departmentKind,
        d.departmentName,
        ...COLUMNS.map((k) => String(d[k])),
        ...late(d).map(String),
      ]),
    );
    expect(lines.map((l) => [l[1], ...l.slice(7)])).toEqual(expected);
    expect(lines.filter((l) => l[1] === TOWNSHIP)).toHaveLength(departments.length);

    const sheet = await get(`/reports/dispatches.xlsx?within=${WRITE_COUNTY}&level=county&period=${PERIOD}`, callers.county);
    expect(sheet.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await sheet.arrayBuffer());
    const ws = book.worksheets[0]!;
    expect(ws.name).toBe('吹哨报到');
    const cells = (i: number) => (ws.getRow(i).values as unknown[]).slice(1);
    expect(cells(1).slice(9)).toEqual([
      '部门类别',
      '部门名称',
      '吹哨',
      '报到',
      '按时报到',
      '反馈',
      '按时反馈',
      '超期',
      '撤回',
      '应反馈',
      '按时反馈率',
      '应报到',
      '报到超时',
      '反馈超时',
    ]);
    const county = ok(await hub.queryAs<{ county: { dispatchStats: Stats } }>(callers.county, `{ county(code: "${WRITE_COUNTY}") { ${STATS} } } ${COUNTS}`))
      .county.dispatchStats;
    const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => cells(i + 2));
    expect(rows).toHaveLength(county.byDepartment.length);
    for (const [i, d] of county.byDepartment.entries()) {
      const row = rows[i]!;
      expect(row.slice(0, 2)).toEqual(['县（市、区）', WRITE_COUNTY]);
      // A department with no answer due has no rate: a dash for people, not 0%.
      // The kind in words for people (自然资源局); the CSV above keeps its code.
      expect(row.slice(9)).toEqual([
        DEPARTMENT_NAMES.get(d.departmentKind),
        d.departmentName,
        ...COLUMNS.map((f) => (f === 'onTimeRate' && !d.answerDue ? '—' : d[f])),
        ...late(d),
      ]);
    }
  });

  it('gives each department’s late 报到 and late 反馈 (the last two columns) as the owner counts them in the dispatch rows', async () => {
    const res = await get(`/reports/dispatches.csv?within=${WRITE_COUNTY}&level=township&period=${PERIOD}`, callers.county);
    expect(res.status).toBe(200);
    const [header, ...lines] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    expect(header!.slice(-2)).toEqual(['acknowledged_late', 'answered_late']);
    // Late: answered after the deadline, or not answered and the deadline passed while the dispatch was still open.
    const found = await asOwner('township', (c) =>
      c.query<{ kind: string; acknowledged_late: string; answered_late: string }>(
        `select department_kind as kind,
           count(*) filter (where acknowledged_at > acknowledge_by
             or (acknowledged_at is null and now() > acknowledge_by and (withdrawn_at is null or withdrawn_at > acknowledge_by))) as acknowledged_late,
           count(*) filter (where reported_at > report_by
             or (reported_at is null and now() > report_by and (withdrawn_at is null or withdrawn_at > report_by))) as answered_late
         from dispatch where township_code = $1 and dispatched_at >= '2019-03-01T00:00:00+08:00' and dispatched_at < '2019-04-01T00:00:00+08:00'
         group by 1`,
        [TOWNSHIP],
      ),
    );
    const facts = new Map(found.rows.map((r) => [r.kind, [Number(r.acknowledged_late), Number(r.answered_late)]]));
    const rows = lines.filter((l) => l[1] === TOWNSHIP);
    expect(rows).toHaveLength(departments.length);
    expect(rows.map((l) => [l[9], ...l.slice(-2).map(Number)])).toEqual(departments.map((d) => [d.kind, ...(facts.get(d.kind) ?? [0, 0])]));
    // POLICE: one never acknowledged past its deadline, one withdrawn past both (late 报到 twice, late 反馈 once).
    expect(facts.get('POLICE')).toEqual([2, 1]);
  });

  it('refuses a village level (400), a division outside the caller’s jurisdiction (403) and a report without a period (400)', async () => {
    const village = await get(`/reports/dispatches.csv?within=${WRITE_COUNTY}&level=village&period=${PERIOD}`, callers.county);
    expect(village.status).toBe(400);
    const error = ((await village.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'level' });
    expect(error.message).toContain('county or township');
    expect((await get(`/reports/dispatches.csv?within=${WRITE_COUNTY}&level=township&period=${PERIOD}`, callers.township)).status).toBe(403);
    expect((await get(`/reports/dispatches.csv?within=${WRITE_COUNTY}&level=township`, callers.county)).status).toBe(400);
    const own = await get(`/reports/dispatches.csv?within=${TOWNSHIP}&level=township&period=${PERIOD}`, callers.township);
    expect(own.status).toBe(200);
    expect((await own.text()).trim().split('\r\n')).toHaveLength(1 + departments.length);
  });
});
