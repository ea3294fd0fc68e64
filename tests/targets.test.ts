/**
 * Assessment targets (考核目标) belong to a division and a year
 * (docs/ARCHITECTURE.md "Assessment"): an admin sets them only within its
 * jurisdiction (a township admin cannot set its county's, its province's or
 * another township's), a division without its own target inherits the
 * nearest ancestor's and otherwise the national default, and every
 * division's assessment (village subgraph) follows the county's targets as
 * soon as their `target.set` events are delivered. The years used here
 * (2031, 2032) are this file's own, so other test files' assessments never
 * see its targets.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_TARGETS } from '../domain/assessment.ts';
import { WRITE_COUNTY } from './setup/global.ts';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';
import { asOwner, errorCode, ok, waitFor } from './helpers/cases.ts';

const YEAR = 2031;
const OTHER_YEAR = 2032;
const COUNTY = '623021';
const PREFECTURE = '6230';
const PROVINCE = '62';
const INDICATOR = 'HOUSEHOLD_COVERAGE';

let hub: TestHub;
/** Two townships of 临潭县 and villages under each; a village of the same prefecture's other county; one far away. */
let t1: string;
let t2: string;
let v1: string;
let v1b: string;
let v2: string;
let neighbour: string;
let elsewhere: string;
let countyAdmin: string;
let townshipAdmin: string;
let prefectureAdmin: string;

interface Assessed {
  indicator: string;
  year: number;
  target: number;
  targetSetBy: string | null;
  actual: number | null;
  met: boolean | null;
}

beforeAll(async () => {
  hub = await startHub();
  const villages = ok(
    await hub.query<{ villages: { code: string; forces: { householdCoverage: number } }[] }>(
      `{ villages(within: "${COUNTY}") { code forces { householdCoverage } } }`,
    ),
    'villages',
  ).villages;
  const inTownship = (t: string) => villages.filter((v) => v.code.startsWith(t)).map((v) => v.code);
  // v1 must be able to miss a strict target (0.9999) and meet a lenient one (0.01): its coverage lies between them.
  v1 = villages.find((v) => v.forces.householdCoverage >= 0.01 && v.forces.householdCoverage < 0.9999 && inTownship(v.code.slice(0, 9)).length >= 2)!.code;
  t1 = v1.slice(0, 9);
  v1b = inTownship(t1).find((c) => c !== v1)!;
  v2 = villages.find((v) => !v.code.startsWith(t1))!.code;
  t2 = v2.slice(0, 9);
  neighbour = ok(await hub.query<{ villages: { code: string }[] }>(`{ villages(within: "${WRITE_COUNTY}") { code } }`), 'neighbour').villages[0]!.code;
  elsewhere = ok(await hub.query<{ villages: { code: string }[] }>(`{ villages(within: "510311") { code } }`), 'elsewhere').villages[0]!.code;
  countyAdmin = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'admin'], subject: 'county-admin' });
  townshipAdmin = await hub.token({ jurisdiction: t1, scopes: ['read', 'admin'], subject: 'township-admin' });
  prefectureAdmin = await hub.token({ jurisdiction: PREFECTURE, scopes: ['report', 'admin'], subject: 'prefecture-admin' });
}, 180_000);
afterAll(() => hub?.stop());

const set = (token: string, divisionCode: string, target: number, year = YEAR, indicator = INDICATOR) =>
  hub.queryAs<{ setAssessmentTarget: { divisionCode: string; year: number; indicator: string; target: number; updatedAt: string; updatedBy: string } }>(
    token,
    `mutation($d: String!, $y: Int!, $t: Float!) { setAssessmentTarget(indicator: ${indicator}, divisionCode: $d, year: $y, target: $t) {
      divisionCode year indicator target updatedAt updatedBy } }`,
    { d: divisionCode, y: year, t: target },
  );
const clear = (token: string, divisionCode: string, year = YEAR) =>
  hub.queryAs<{ clearAssessmentTarget: boolean }>(
    token,
    `mutation($d: String!, $y: Int!) { clearAssessmentTarget(indicator: ${INDICATOR}, divisionCode: $d, year: $y) }`,
    { d: divisionCode, y: year },
  );

/** Waits until the county has delivered every target event of this file's years to the village subgraph (the outbox says so). */
async function delivered(): Promise<void> {
  await waitFor(
    () =>
      asOwner('county', async (c) => {
        const r = await c.query<{ n: string }>(
          `select count(*) as n from hub_outbox where type = 'target.set' and delivered_at is null and (payload->>'year')::int in ($1, $2)`,
          [YEAR, OTHER_YEAR],
        );
        return Number(r.rows[0]!.n) === 0;
      }),
    30_000,
    'target events to be delivered',
  );
}

/** A division's assessment of one indicator for a year, read once through the gateway. */
async function assessed(code: string, year = YEAR, indicator = INDICATOR): Promise<Assessed> {
  const field = code.length === 12 ? 'village' : code.length === 9 ? 'township' : code.length === 6 ? 'county' : 'region';
  const r = await hub.query<Record<string, { assessment: Assessed[] }>>(
    `{ ${field}(code: "${code}") { assessment(period: "${year}") { indicator year target targetSetBy actual met } } }`,
  );
  const a = ok(r, `assessment of ${code}`)[field]!.assessment.find((x) => x.indicator === indicator)!;
  expect(a.met).toBe(a.actual === null ? null : a.actual >= a.target);
  expect(a.year).toBe(year);
  return a;
}

const code = (r: GraphQLResponse<unknown>) => errorCode(r);

describe('who may set a target', () => {
  it('a township admin cannot set its county’s, prefecture’s or province’s target, nor another township’s (FORBIDDEN)', async () => {
    for (const d of [COUNTY, PREFECTURE, PROVINCE, t2, v2]) {
      const r = await set(townshipAdmin, d, 0.5);
      expect(code(r), d).toBe('FORBIDDEN');
      expect(r.data).toBeNull();
    }
    // Nor clear them.
    expect(code(await clear(townshipAdmin, COUNTY))).toBe('FORBIDDEN');
    const stored = await asOwner('county', (c) =>
      c.query(`select 1 from assessment_target where year = $1 and division_code = any($2)`, [YEAR, [COUNTY, PREFECTURE, PROVINCE, t2, v2]]),
    );
    expect(stored.rowCount).toBe(0);
  });

  it('needs the admin scope: a county reader with read and write is FORBIDDEN', async () => {
    const reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'report'] });
    expect(code(await set(reader, COUNTY, 0.5))).toBe('FORBIDDEN');
    expect(code(await clear(reader, COUNTY))).toBe('FORBIDDEN');
  });

  it('refuses an out-of-range year or rate and a code that is not a division (BAD_USER_INPUT)', async () => {
    for (const [d, t, y] of [
      [COUNTY, 1.5, YEAR],
      [COUNTY, -0.01, YEAR],
      [COUNTY, 0.5, 1899],
      [COUNTY, 0.5, 2101],
      [COUNTY, 0.5, 0],
      ['62302', 0.5, YEAR],
      [`${v1}001`, 0.5, YEAR],
      ['62302x', 0.5, YEAR],
    ] as const) {
      expect(code(await set(countyAdmin, d, t, y)), `${d} ${t} ${y}`).toBe('BAD_USER_INPUT');
    }
    expect(code(await clear(countyAdmin, COUNTY, 99_999))).toBe('BAD_USER_INPUT');
    // Well formed, but no division has the code: NOT_FOUND, not a target stored for no one.
    for (const d of [`${COUNTY}999`, `${COUNTY}200999`]) expect(code(await set(countyAdmin, d, 0.9)), d).toBe('NOT_FOUND');
    const list = await hub.queryAs(countyAdmin, `{ assessmentTargets(within: "${COUNTY}", year: 1800) { totalCount } }`);
    expect(code(list)).toBe('BAD_USER_INPUT');
  });
});

describe('inheritance: own, else the nearest ancestor’s, else the national default', () => {
  it('a county admin sets the county’s target and a township’s override; a township admin sets its own village’s', async () => {
    const county = await set(countyAdmin, COUNTY, 0.01);
    expect(county.errors).toBeUndefined();
    expect(county.data!.setAssessmentTarget).toMatchObject({ divisionCode: COUNTY, year: YEAR, indicator: INDICATOR, target: 0.01, updatedBy: 'county-admin' });
    expect(county.data!.setAssessmentTarget.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    expect(ok(await set(countyAdmin, t1, 0.9999), 'township override').setAssessmentTarget.target).toBe(0.9999);
    expect(ok(await set(townshipAdmin, v1b, 0.42), 'own village').setAssessmentTarget).toMatchObject({
      divisionCode: v1b,
      target: 0.42,
      updatedBy: 'township-admin',
    });
    // The same division's target set again replaces it.
    expect(ok(await set(townshipAdmin, v1b, 0.43), 'own village again').setAssessmentTarget.target).toBe(0.43);
    // A prefecture admin sets the prefecture's: the county keeps its own, the prefecture's other county inherits it.
    expect(ok(await set(prefectureAdmin, PREFECTURE, 0.77), 'prefecture').setAssessmentTarget.divisionCode).toBe(PREFECTURE);
    await delivered();

    // In the very next read after delivery, each division is assessed against the target that applies to it.
    const a1 = await assessed(v1);
    expect(a1).toMatchObject({ target: 0.9999, targetSetBy: t1, met: false });
    expect(await assessed(v1b)).toMatchObject({ target: 0.43, targetSetBy: v1b });
    expect(await assessed(t1)).toMatchObject({ target: 0.9999, targetSetBy: t1 });
    const a2 = await assessed(v2);
    expect(a2).toMatchObject({ target: 0.01, targetSetBy: COUNTY });
    expect(await assessed(t2)).toMatchObject({ target: 0.01, targetSetBy: COUNTY });
    expect(await assessed(COUNTY)).toMatchObject({ target: 0.01, targetSetBy: COUNTY });
    expect(await assessed(neighbour)).toMatchObject({ target: 0.77, targetSetBy: PREFECTURE });
    expect(await assessed(PREFECTURE)).toMatchObject({ target: 0.77, targetSetBy: PREFECTURE });
    expect(await assessed(PROVINCE)).toMatchObject({ target: DEFAULT_TARGETS[INDICATOR], targetSetBy: null });
    expect(await assessed(elsewhere)).toMatchObject({ target: DEFAULT_TARGETS[INDICATOR], targetSetBy: null });
    // Other indicators of a division with targets set keep the default.
    expect(await assessed(v1, YEAR, 'RESOLUTION_RATE')).toMatchObject({ target: DEFAULT_TARGETS.RESOLUTION_RATE, targetSetBy: null });
  });

  it('the village subgraph’s copy equals the county’s targets once delivered', async () => {
    const q = `select division_code, indicator, target::text, updated_by from assessment_target where year = $1 order by 1, 2`;
    const county = await asOwner('county', (c) => c.query(q, [YEAR]));
    const village = await asOwner('village', (c) => c.query(q, [YEAR]));
    expect(village.rows).toEqual(county.rows);
    expect(county.rows.map((r: { division_code: string }) => r.division_code)).toEqual([PREFECTURE, COUNTY, t1, v1b].sort());
  });

  it('targets of a year are separate from another year’s', async () => {
    expect(await assessed(v1, OTHER_YEAR)).toMatchObject({ target: DEFAULT_TARGETS[INDICATOR], targetSetBy: null });
    ok(await set(countyAdmin, t1, 0.02, OTHER_YEAR), 'other year');
    await delivered();
    expect(await assessed(v1, OTHER_YEAR)).toMatchObject({ target: 0.02, targetSetBy: t1, met: true });
    expect(await assessed(v1)).toMatchObject({ target: 0.9999, targetSetBy: t1, met: false });
    expect(ok(await clear(countyAdmin, t1, OTHER_YEAR), 'clear other year').clearAssessmentTarget).toBe(true);
  });

  it('clearing a target falls back to the nearest ancestor’s; clearing again changes nothing', async () => {
    const cleared = await clear(countyAdmin, t1);
    expect(cleared.errors).toBeUndefined();
    expect(cleared.data!.clearAssessmentTarget).toBe(true);
    await delivered();
    expect(await assessed(v1)).toMatchObject({ target: 0.01, targetSetBy: COUNTY, met: true });
    expect(await assessed(t1)).toMatchObject({ target: 0.01, targetSetBy: COUNTY });
    expect(ok(await clear(countyAdmin, t1), 'clear again').clearAssessmentTarget).toBe(false);
    // The township admin clears its own village's target: it inherits the county's.
    expect(ok(await clear(townshipAdmin, v1b), 'own village').clearAssessmentTarget).toBe(true);
    // Clearing the county's leaves its villages the prefecture's.
    expect(ok(await clear(countyAdmin, COUNTY), 'county').clearAssessmentTarget).toBe(true);
    await delivered();
    expect(await assessed(v1b)).toMatchObject({ target: 0.77, targetSetBy: PREFECTURE });
    expect(await assessed(v2)).toMatchObject({ target: 0.77, targetSetBy: PREFECTURE });
    // Put the county's back for the listing below.
    ok(await set(countyAdmin, COUNTY, 0.01), 'county again');
    await delivered();
  });
});

describe('listing targets', () => {
  type Listed = {
    assessmentTargets: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: { divisionCode: string } }[];
      nodes: { divisionCode: string; year: number; target: number }[];
    };
  };
  const list = (token: string, args: string) =>
    hub.queryAs<Listed>(
      token,
      `{ assessmentTargets(${args}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { divisionCode } } nodes { divisionCode year indicator target } } }`,
    );

  it('lists the targets set within a division of the caller’s jurisdiction, paged, and refuses one outside it', async () => {
    ok(await set(countyAdmin, v2, 0.3), 'a village');
    ok(await set(countyAdmin, v2, 0.31, OTHER_YEAR), 'a village, other year');
    const all = ok(await list(countyAdmin, `within: "${COUNTY}", year: ${YEAR}`), 'list').assessmentTargets;
    expect(all.nodes.map((n) => n.divisionCode)).toEqual([COUNTY, v2]);
    expect(all.totalCount).toBe(2);
    // Paging: one at a time, in order, each exactly once.
    const first = ok(await list(countyAdmin, `within: "${COUNTY}", year: ${YEAR}, first: 1`), 'page 1').assessmentTargets;
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges).toEqual([{ cursor: first.pageInfo.endCursor, node: { divisionCode: COUNTY } }]);
    const second = ok(
      await list(countyAdmin, `within: "${COUNTY}", year: ${YEAR}, first: 1, after: "${first.pageInfo.endCursor}"`),
      'page 2',
    ).assessmentTargets;
    expect([...first.nodes, ...second.nodes].map((n) => n.divisionCode)).toEqual([COUNTY, v2]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    // Without a year, every year's.
    const years = ok(await list(countyAdmin, `within: "${v2.slice(0, 9)}"`), 'every year').assessmentTargets.nodes;
    expect(years.map((n) => `${n.divisionCode} ${n.year}`)).toEqual(expect.arrayContaining([`${v2} ${YEAR}`, `${v2} ${OTHER_YEAR}`]));
    // A township admin lists within its township (its own targets), never its county's.
    expect(code(await list(townshipAdmin, `within: "${COUNTY}"`))).toBe('FORBIDDEN');
    expect(ok(await list(townshipAdmin, `within: "${t1}", year: ${YEAR}`), 'township').assessmentTargets.totalCount).toBe(0);
    expect(code(await list(countyAdmin, `within: "${COUNTY}", after: "bm9wZQ"`))).toBe('BAD_USER_INPUT');
    await delivered();
  });
});

describe('row-level security on the targets (both subgraphs)', () => {
  /** Runs `fn` in a transaction of the services' role (hub_app) scoped to `jurisdiction`, then rolls it back. */
  async function asApp<T>(name: 'county' | 'village', jurisdiction: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: inject('dbs')[name].url });
    await c.connect();
    try {
      await c.query('begin');
      await c.query(`select set_config('hub.jurisdiction', $1, true)`, [jurisdiction]);
      return await fn(c);
    } finally {
      await c.query('rollback').catch(() => undefined);
      await c.end();
    }
  }

  it.each(['county', 'village'] as const)('%s: a township reads its county’s target but cannot write or remove it; it writes its own', async (name) => {
    await asApp(name, t1, async (c) => {
      const seen = await c.query(`select division_code from assessment_target where year = $1 and division_code = $2`, [YEAR, COUNTY]);
      expect(seen.rowCount).toBe(1);
      expect((await c.query(`update assessment_target set target = 0.5 where year = $1 and division_code = $2`, [YEAR, COUNTY])).rowCount).toBe(0);
      expect((await c.query(`delete from assessment_target where year = $1 and division_code = $2`, [YEAR, COUNTY])).rowCount).toBe(0);
      await c.query(`insert into assessment_target (year, division_code, indicator, target, updated_by) values ($1, $2, 'ON_TIME_RATE', 0.5, 'rls')`, [
        YEAR,
        t1,
      ]);
      await expect(
        c.query(`insert into assessment_target (year, division_code, indicator, target, updated_by) values ($1, $2, 'ON_TIME_RATE', 0.5, 'rls')`, [
          YEAR,
          COUNTY,
        ]),
      ).rejects.toThrow(/row-level security/);
    });
    // Another county's transaction does not see 临潭县's targets at all.
    expect((await asApp(name, '510311', (c) => c.query(`select 1 from assessment_target where year = $1`, [YEAR]))).rowCount).toBe(0);
  });
});

describe('one statement for many divisions', () => {
  it('the assessment of every village of a county costs as many statements as a township’s', async () => {
    const q = (w: string) => `{ villages(within: "${w}") { code assessment(period: "${YEAR}") { indicator target targetSetBy met } } }`;
    await hub.query(q(t1));
    await hub.query(q(COUNTY));
    let many: GraphQLResponse<{ villages: { code: string; assessment: Assessed[] }[] }> | undefined;
    const few = await hub.countStatements(() => hub.query(q(t1)));
    const all = await hub.countStatements(async () => (many = await hub.query(q(COUNTY))));
    expect(all).toBe(few);
    const villages = ok(many!, 'villages').villages;
    expect(villages.length).toBeGreaterThan(100);
    const of = (c: string) => villages.find((v) => v.code === c)!.assessment.find((a) => a.indicator === INDICATOR)!;
    expect(of(v2)).toMatchObject({ target: 0.3, targetSetBy: v2 });
    expect(of(v1)).toMatchObject({ target: 0.01, targetSetBy: COUNTY });
  });
});

describe('what an assessment measures', () => {
  type Row = { indicator: string; actual: number | null; met: boolean | null; basis: number };
  const assessment = async (period: string) =>
    ok(
      await hub.query<{ village: { assessment: Row[] } }>(`{ village(code: "${v1}") { assessment(period: "${period}") { indicator actual met basis } } }`),
      `assessment of ${v1} for ${period}`,
    ).village.assessment;
  const of = (rows: Row[], indicator: string) => rows.find((r) => r.indicator === indicator)!;

  it('leaves a rate with nothing to count over unmeasured (不参与考核), not failed at 0', async () => {
    // No case is reported in this file's own year: none was resolved or rated either.
    const rows = await assessment(String(YEAR));
    for (const indicator of ['RESOLUTION_RATE', 'ON_TIME_RATE', 'SATISFACTION_RATE']) {
      expect(of(rows, indicator)).toEqual({ indicator, actual: null, met: null, basis: 0 });
    }
    // The village has households and grids: those rates are measured, against what they count over.
    const coverage = of(rows, 'HOUSEHOLD_COVERAGE');
    expect(coverage.basis).toBeGreaterThan(0);
    expect(coverage.actual).toBeGreaterThanOrEqual(0);
    expect(typeof coverage.met).toBe('boolean');
  });

  it('does not measure a past period by today’s registry (the forces rates keep no history)', async () => {
    const rows = await assessment('2020');
    for (const indicator of ['HOUSEHOLD_COVERAGE', 'GRID_STAFFING_RATE']) {
      const r = of(rows, indicator);
      expect(r.actual).toBeNull();
      expect(r.met).toBeNull();
      expect(r.basis).toBeGreaterThan(0);
    }
  });
});
