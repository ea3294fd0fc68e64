import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay } from '../domain/china-day.ts';
import { loadDirectory } from '../scripts/lib/setup.ts';
import { inject } from 'vitest';
import { startHub, type GraphQLResponse, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
let reportToken: string;
beforeAll(async () => {
  await loadDirectory(inject('dbs'), ['62']);
  hub = await startHub();
  reportToken = await hub.token({ jurisdiction: '62', scopes: ['report'] });
});
afterAll(() => hub?.stop());

/** A division's statistics as ALL selects them, field by field (numbers, and byTag, previous and yearAgo). */
type Figures = Record<'population' | 'forces' | 'patrolStats' | 'disputeStats', Record<string, unknown>>;
const ALL = `population { residents households floating houses addresses byTag { tag count } }
  forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups householdCoverage patrolTeams patrolMembers }
  patrolStats(period: "2026Q3") { patrols patrolHours hazardsFound hazardsRectified previous { patrols } yearAgo { patrols } }
  disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved resolutionRate open overdue onTimeRate resolvedOnTime satisfactionRate satisfied rated escalatedToTownship escalationRate previous { reported } yearAgo { reported } }`;

describe('flat tables by level', () => {
  it('every statistic of every county in 甘肃 costs a fixed number of statements (88 counties as cheap as 8)', async () => {
    const q = (w: string) => `{ counties(within: "${w}") { code name ${ALL} } }`;
    // Warm up: the first use of each pooled connection costs a session statement of its own.
    await hub.queryAs(reportToken, q('62'));
    await hub.queryAs(reportToken, q('6230'));
    type Counties = GraphQLResponse<{ counties: (Figures & { code: string; name: string })[] }>;
    let small: Counties | undefined;
    let large: Counties | undefined;
    const a = await hub.countStatements(async () => (small = await hub.queryAs(reportToken, q('6230'))));
    const b = await hub.countStatements(async () => (large = await hub.queryAs(reportToken, q('62'))));
    expect(small!.errors).toBeUndefined();
    expect(large!.errors).toBeUndefined();
    expect(large!.data!.counties).toHaveLength(88);
    expect(b).toBe(a);
    const lintan = large!.data!.counties.find((c) => c.code === '623021');
    expect(lintan!.population.residents).toBeGreaterThanOrEqual(140_000);
    expect(lintan!.disputeStats.reported).toBeGreaterThan(300);
  });

  it('adds up exactly from counties to the province, for every statistic', async () => {
    const r = await hub.queryAs<{ region: Figures; counties: Figures[] }>(reportToken, `{ region(code: "62") { ${ALL} } counties(within: "62") { ${ALL} } }`);
    expect(r.errors).toBeUndefined();
    const sum = (get: (x: Figures) => unknown) => r.data!.counties.reduce((s, c) => s + (get(c) as number), 0);
    const region = r.data!.region;
    for (const k of ['residents', 'households', 'floating', 'houses', 'addresses']) expect(region.population[k]).toBe(sum((c) => c.population[k]));
    for (const k of ['grids', 'gridWorkers', 'gridsFullyStaffed', 'jointDefenseGroups', 'householdsInGroups', 'patrolTeams', 'patrolMembers'])
      expect(region.forces[k]).toBe(sum((c) => c.forces[k]));
    for (const k of ['patrols', 'hazardsFound', 'hazardsRectified']) expect(region.patrolStats[k]).toBe(sum((c) => c.patrolStats[k]));
    expect(region.patrolStats.patrolHours).toBeCloseTo(
      sum((c) => c.patrolStats.patrolHours),
      6,
    );
    for (const k of ['reported', 'resolved', 'open', 'overdue', 'resolvedOnTime', 'satisfied', 'rated', 'escalatedToTownship'])
      expect(region.disputeStats[k]).toBe(sum((c) => c.disputeStats[k]));
    // Each rate is its numerator over its denominator, so a tool rolls a rate up by adding the counts.
    for (const d of [region, ...r.data!.counties].map((x) => x.disputeStats as Record<string, number>)) {
      expect(d.onTimeRate).toBeCloseTo(d.resolved ? d.resolvedOnTime! / d.resolved : 0, 12);
      expect(d.satisfactionRate).toBeCloseTo(d.rated ? d.satisfied! / d.rated : 0, 12);
      expect(d.escalationRate).toBeCloseTo(d.reported ? d.escalatedToTownship! / d.reported : 0, 12);
    }
    // The demo year has on-time, satisfied and escalated cases, so a numerator read from the wrong count would show.
    expect(region.disputeStats.resolvedOnTime).toBeGreaterThan(0);
    expect(region.disputeStats.resolvedOnTime).toBeLessThan(region.disputeStats.resolved as number);
    expect(region.disputeStats.satisfied).toBeGreaterThan(0);
    expect(region.disputeStats.escalatedToTownship).toBeGreaterThan(0);
  });

  it('one fragment on DivisionStatistics selects the same figures at every level as each type’s own fields do', async () => {
    const typed = await hub.queryAs<{ region: Figures; county: Figures & { townships: (Figures & { villages: Figures[] })[] } }>(
      reportToken,
      `{ region(code: "6230") { code name ${ALL} } county(code: "623021") { code name ${ALL} townships { code name ${ALL} villages { code name ${ALL} } } } }`,
    );
    const shared = await hub.queryAs<typeof typed.data>(
      reportToken,
      `fragment F on DivisionStatistics { code name ${ALL} }
       { region(code: "6230") { ...F } county(code: "623021") { ...F townships { ...F villages { ...F } } } }`,
    );
    expect(typed.errors).toBeUndefined();
    expect(shared.errors).toBeUndefined();
    expect(shared.data).toEqual(typed.data);
    // The names of a region and a county come from the county subgraph, which owns them.
    expect(shared.data!.region).toMatchObject({ code: '6230', name: '甘南藏族自治州' });
    expect(shared.data!.county).toMatchObject({ code: '623021', name: '临潭县' });
    expect(shared.data!.county.townships[0]!.villages.length).toBeGreaterThan(0);
  });

  it('compares a period with the previous one and a year before, without a second round trip', async () => {
    type Period = { from: string; to: string };
    type Compared = {
      q3: Period & { reported: number; previous: Period & { reported: number }; yearAgo: Period & { reported: number } };
      q2: { reported: number };
      m: Period & { patrols: number; previous: Period & { patrols: number } };
    };
    const r = await hub.queryAs<{ county: Compared }>(
      reportToken,
      `{ county(code: "623021") {
      q3: disputeStats(period: "2026Q3") { from to reported previous { from to reported } yearAgo { from to reported } }
      q2: disputeStats(from: "2026-04-01", to: "2026-06-30") { reported }
      m: patrolStats(period: "202609") { from to patrols previous { from to patrols } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.county;
    expect(c.q3).toMatchObject({
      from: '2026-07-01',
      to: '2026-09-30',
      previous: { from: '2026-04-01', to: '2026-06-30', reported: c.q2.reported },
      yearAgo: { from: '2025-07-01', to: '2025-09-30' },
    });
    expect(c.q3.yearAgo.reported).toBe(0); // the demo year starts 2025-10-01
    expect(c.m.previous).toMatchObject({ from: '2026-08-01', to: '2026-08-31' });
    // A month-to-date window is compared with the same days of the month before (and of the year before), and
    // its 环比 figure is that window's own figure.
    const mtd = await hub.queryAs<{ county: { d: Period & { previous: Period & { reported: number }; yearAgo: Period }; e: { reported: number } } }>(
      reportToken,
      `{ county(code: "623021") {
      d: disputeStats(from: "2026-09-01", to: "2026-09-12") { from to previous { from to reported } yearAgo { from to } }
      e: disputeStats(from: "2026-08-01", to: "2026-08-12") { reported } } }`,
    );
    expect(mtd.errors).toBeUndefined();
    expect(mtd.data!.county.d.previous).toEqual({ from: '2026-08-01', to: '2026-08-12', reported: mtd.data!.county.e.reported });
    expect(mtd.data!.county.d.yearAgo).toEqual({ from: '2025-09-01', to: '2025-09-12' });
    const bad = await hub.queryAs(reportToken, `{ county(code: "623021") { disputeStats(period: "2026Q9") { reported } } }`);
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describe('assessment (考核)', () => {
  it('shows which townships of 临潭县 miss the 95% resolution target over the demo year, matching disputeStats', async () => {
    type Assessed = {
      code: string;
      name: string;
      assessment: { indicator: string; target: number; actual: number; met: boolean }[];
      disputeStats: { resolutionRate: number; onTimeRate: number; satisfactionRate: number };
    };
    const r = await hub.queryAs<{ townships: Assessed[] }>(
      reportToken,
      `{ townships(within: "623021") { code name
      assessment(from: "2025-10-01", to: "2026-09-30") { indicator target actual met }
      disputeStats(from: "2025-10-01", to: "2026-09-30") { resolutionRate onTimeRate satisfactionRate } } }`,
    );
    expect(r.errors).toBeUndefined();
    let missed = 0;
    for (const t of r.data!.townships) {
      const res = t.assessment.find((a) => a.indicator === 'RESOLUTION_RATE')!;
      expect(res.target).toBe(0.95);
      expect(res.actual).toBe(t.disputeStats.resolutionRate);
      expect(res.met).toBe(t.disputeStats.resolutionRate >= 0.95);
      if (!res.met) missed++;
      expect(t.assessment.find((a) => a.indicator === 'ON_TIME_RATE')!.actual).toBe(t.disputeStats.onTimeRate);
    }
    expect(missed).toBeGreaterThan(0);
    expect(missed).toBeLessThan(r.data!.townships.length);
  });

  it('lets admins set a division’s target for a year, which the divisions under it then use (tests/targets.test.ts has the rules)', async () => {
    // 2030: a year no other test file assesses, so this target changes nobody else's figures.
    const admin = await hub.token({ jurisdiction: '*', scopes: ['admin', 'report'] });
    const notAdmin = await hub.queryAs(
      reportToken,
      `mutation { setAssessmentTarget(indicator: SATISFACTION_RATE, divisionCode: "6230", year: 2030, target: 0.5) { target } }`,
    );
    expect(notAdmin.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const bad = await hub.queryAs(
      admin,
      `mutation { setAssessmentTarget(indicator: SATISFACTION_RATE, divisionCode: "6230", year: 2030, target: 95) { target } }`,
    );
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const set = await hub.queryAs(
      admin,
      `mutation { setAssessmentTarget(indicator: GRID_STAFFING_RATE, divisionCode: "6230", year: 2030, target: 0.5) { divisionCode year indicator target updatedBy } }`,
    );
    expect(set.data!.setAssessmentTarget).toMatchObject({ divisionCode: '6230', year: 2030, indicator: 'GRID_STAFFING_RATE', target: 0.5 });
    type Applied = { target: number; targetSetBy: string | null };
    const applied = async (field: string, code: string, period: string): Promise<Applied> =>
      (
        await hub.queryAs<Record<string, { assessment: (Applied & { indicator: string })[] }>>(
          admin,
          `{ ${field}(code: "${code}") { assessment(period: "${period}") { indicator target targetSetBy } } }`,
        )
      ).data![field]!.assessment.find((a) => a.indicator === 'GRID_STAFFING_RATE')!;
    const end = Date.now() + 10_000;
    while ((await applied('region', '6230', '2030')).target !== 0.5 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(await applied('region', '6230', '2030')).toMatchObject({ target: 0.5, targetSetBy: '6230' });
    expect(await applied('county', '623021', '2030')).toMatchObject({ target: 0.5, targetSetBy: '6230' });
    expect(await applied('county', '623021', '2026')).toMatchObject({ target: 0.95, targetSetBy: null });
    expect(await applied('region', '62', '2030')).toMatchObject({ target: 0.95, targetSetBy: null });
  });
});

describe('CSV reports', () => {
  const get = (path: string, token?: string) => fetch(new URL(path, hub.gatewayUrl), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('serves one row per village of 临潭县 with a header, UTF-8 with BOM, for a report-only caller', async () => {
    const res = await get('/reports/disputes.csv?within=623021&level=village&from=2025-10-01&to=2026-09-30', reportToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(148);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 7)).toEqual(['level', 'code', 'name', 'province_code', 'prefecture_code', 'county_code', 'township_code']);
    // The reports declined at intake come after the figures they are kept out of, then what satisfaction_rate is a share
    // of, then the rates' numerators and the escalation rate, then the late contacts (added last, so earlier columns keep
    // their places).
    expect(header.slice(-6)).toEqual(['declined', 'rated', 'resolved_on_time', 'satisfied', 'escalation_rate', 'contact_late']);
    const row = lines.find((l) => l.includes('623021200201'))!.split(',');
    expect(row[2]).toBe('鹿儿台村村民委员会');
    expect(row.slice(3, 7)).toEqual(['62', '6230', '623021', '623021200']);
    const total = (column: string) => lines.slice(1).reduce((s, l) => s + Number(l.split(',')[header.indexOf(column)]), 0);
    const stats = await hub.queryAs<{ county: { disputeStats: { reported: number; resolvedOnTime: number; satisfied: number; contactLate: number } } }>(
      reportToken,
      `{ county(code: "623021") { disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolvedOnTime satisfied contactLate } } }`,
    );
    const county = stats.data!.county.disputeStats;
    expect(total('reported')).toBe(county.reported);
    // A county's on-time and satisfaction counts are its villages' rows added up.
    expect(total('resolved_on_time')).toBe(county.resolvedOnTime);
    expect(total('satisfied')).toBe(county.satisfied);
    expect(total('contact_late')).toBe(county.contactLate);
  });

  it('serves county rows for a province and population without a period, dated the day it counted them', async () => {
    const res = await get('/reports/population.csv?within=62&level=county', reportToken);
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(89);
    // The registry as it stands has no period: the day is the last column and in the file's name.
    const today = chinaDay();
    expect(lines[0]!.split(',').at(-1)).toBe('as_of');
    for (const line of lines.slice(1)) expect(line.split(',').at(-1)).toBe(today);
    expect(res.headers.get('content-disposition')).toContain(`population-county-62-${today}.csv`);
    // A period sent to it (as a tool sends one query string to every report) is refused saying why.
    for (const [query, argument] of [
      ['period=2026', 'period'],
      ['from=2026-01-01&to=2026-06-30', 'from'],
    ]) {
      const refused = await get(`/reports/forces.csv?within=62&level=county&${query}`, reportToken);
      expect(refused.status).toBe(400);
      const error = ((await refused.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors[0]!;
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(error.message).toMatch(/^力量报表是区划当前的实有数，不按期间统计/);
    }
  });

  it('counts the teams and members of every patrol kind (红袖标 first) in the forces report, as Forces.patrolByKind does', async () => {
    const res = await get('/reports/forces.csv?within=62&level=county', reportToken);
    const [header, ...rows] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    const kinds = ['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER'];
    expect(columns.slice(-11, -1)).toEqual(kinds.flatMap((k) => [`${k.toLowerCase()}_teams`, `${k.toLowerCase()}_members`]));
    const lintan = rows.map((r) => r.split(',')).find((r) => r.includes('623021'))!;
    const figures = await hub.queryAs<{ county: { forces: { patrolByKind: { kind: string; teams: number; members: number }[] } } }>(
      reportToken,
      `{ county(code: "623021") { forces { patrolByKind { kind teams members } } } }`,
    );
    const byKind = new Map(figures.data!.county.forces.patrolByKind.map((k) => [k.kind, k]));
    expect(lintan.slice(-11, -1).map(Number)).toEqual(kinds.flatMap((k) => [byKind.get(k)?.teams ?? 0, byKind.get(k)?.members ?? 0]));
    // The demo county has teams of several kinds, so a column taken from the wrong kind would show.
    expect(new Set(lintan.slice(-11, -1).filter((_, i) => i % 2 === 0)).size).toBeGreaterThan(2);
  });

  it('counts every source’s hazards in the hazards report, each village’s row as HazardStats gives it and adding up to the county', async () => {
    const res = await get('/reports/hazards.csv?within=623021&level=village&period=2026', reportToken);
    expect(res.status).toBe(200);
    const [header, ...lines] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    const sources = ['PATROL', 'GRID_WORKER', 'DRONE', 'CITIZEN'];
    expect(columns.slice(-8)).toEqual(sources.flatMap((s) => [`${s.toLowerCase()}_reported`, `${s.toLowerCase()}_open`]));
    const rows = lines.map((l) => l.split(','));
    const total = (column: string) => rows.reduce((x, r) => x + Number(r[columns.indexOf(column)]), 0);
    type H = { reported: number; open: number; verified: number; bySource: { source: string; reported: number; open: number }[] };
    const q = await hub.queryAs<{ county: { hazardStats: H }; village: { hazardStats: H } }>(
      reportToken,
      `{ county(code: "623021") { hazardStats(period: "2026") { reported open verified bySource { source reported open } } }
         village(code: "623021200201") { hazardStats(period: "2026") { reported open verified bySource { source reported open } } } }`,
    );
    expect(q.errors).toBeUndefined();
    const county = q.data!.county.hazardStats;
    for (const k of ['reported', 'open', 'verified']) expect(total(k), k).toBe(county[k as 'reported']);
    for (const b of county.bySource) expect(total(`${b.source.toLowerCase()}_reported`), b.source).toBe(b.reported);
    // The demo has hazards of patrols and of other sources: the report is not the patrols' figure under another name.
    expect(county.bySource.filter((b) => b.reported > 0).length).toBeGreaterThan(1);
    const village = rows.find((r) => r[1] === '623021200201')!;
    const v = q.data!.village.hazardStats;
    expect(Number(village[columns.indexOf('reported')])).toBe(v.reported);
    expect(Number(village[columns.indexOf('grid_worker_open')])).toBe(v.bySource.find((b) => b.source === 'GRID_WORKER')!.open);
  });

  it('refuses callers without the report or read scope (403), without a token (401), and bad parameters (400)', async () => {
    const writer = await hub.token({ jurisdiction: '62', scopes: ['write'] });
    expect((await get('/reports/disputes.csv?within=623021&level=village&period=2026', writer)).status).toBe(403);
    expect((await get('/reports/disputes.csv?within=623021&level=village&period=2026')).status).toBe(401);
    expect((await get('/reports/disputes.csv?within=623021&level=village', reportToken)).status).toBe(400);
    expect((await get('/reports/disputes.csv?within=623021&level=grid&period=2026', reportToken)).status).toBe(400);
    expect((await get('/reports/nope.csv?within=623021&level=village', reportToken)).status).toBe(404);
    const outside = await hub.token({ jurisdiction: '51', scopes: ['report'] });
    expect((await get('/reports/population.csv?within=623021&level=village', outside)).status).toBe(403);
  });
});

describe('special-population counts (byTag) of a report-only caller', () => {
  const get = (path: string, token: string) => fetch(new URL(path, hub.gatewayUrl), { headers: { authorization: `Bearer ${token}` } });
  type Pop = { population: { byTag: { tag: string; count: number }[]; byTagWithheld: boolean } };
  const POP = 'population { byTag { tag count } byTagWithheld }';
  const Q = `{ county(code: "623021") { ${POP} } township(code: "623021200") { ${POP} villages { code ${POP} } }
    village(code: "623021200201") { ${POP} grids { code ${POP} } } }`;
  type Answer = { county: Pop; township: Pop & { villages: (Pop & { code: string })[] }; village: Pop & { grids: (Pop & { code: string })[] } };
  const rows = (text: string) =>
    text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));

  it('are withheld at villages and grids (a count of 1 there points at a person), exact at the township and above', async () => {
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    const [shown, full] = await Promise.all([hub.queryAs<Answer>(reportToken, Q), hub.queryAs<Answer>(reader, Q)]);
    expect(shown.errors).toBeUndefined();
    expect(full.errors).toBeUndefined();
    const r = shown.data!;
    const f = full.data!;
    // A caller with `read` sees the people, and so every count; the demo has special populations in this village's grids.
    expect(f.village.population.byTagWithheld).toBe(false);
    expect(f.village.grids.some((g) => g.population.byTag.some((t) => t.count > 0))).toBe(true);
    expect(r.village.grids.length).toBeGreaterThan(1);
    for (const p of [r.village, ...r.village.grids, ...r.township.villages]) expect(p.population).toEqual({ byTag: [], byTagWithheld: true });
    // A township's and a county's are exact: what a provincial report needs, and nothing below them is shown to subtract from.
    expect(r.township.population).toEqual({ byTag: f.township.population.byTag, byTagWithheld: false });
    expect(r.county.population).toEqual({ byTag: f.county.population.byTag, byTagWithheld: false });
    expect(r.township.population.byTag.some((t) => t.count > 0)).toBe(true);
  });

  it('are empty cells in the population report of villages, and exact in its township rows', async () => {
    const villages = rows(await (await get('/reports/population.csv?within=623021200&level=village', reportToken)).text());
    const header = villages[0]!;
    const tagColumns = header.map((h, i) => [h, i] as const).filter(([h]) => h.startsWith('tag_'));
    expect(tagColumns).toHaveLength(12);
    expect(villages.length).toBeGreaterThan(2);
    for (const row of villages.slice(1)) for (const [, i] of tagColumns) expect(row[i], `${row[1]} ${header[i]}`).toBe('');
    // The residents and households of each village stay exact.
    expect(villages.slice(1).every((row) => Number(row[header.indexOf('residents')]) > 0)).toBe(true);

    const townships = rows(await (await get('/reports/population.csv?within=623021&level=township', reportToken)).text());
    const row = townships.find((t) => t[1] === '623021200')!;
    const q = await hub.queryAs<{ township: Pop }>(reportToken, `{ township(code: "623021200") { ${POP} } }`);
    expect(q.data!.township.population.byTag).toHaveLength(12);
    for (const t of q.data!.township.population.byTag) expect(Number(row[header.indexOf(`tag_${t.tag.toLowerCase()}`)]), t.tag).toBe(t.count);

    // A sheet for people says so rather than leaving the cell to be read as 0.
    const sheet = await get('/reports/population.xlsx?within=623021200&level=village', reportToken);
    expect(sheet.status).toBe(200);
  });

  it('are withheld at a township of a single village too, whose figure would be that village’s', async () => {
    // 甘肃农垦集团 (620102402) lists one village in the national directory (loaded for the province above).
    const q = `{ sole: township(code: "620102402") { villages { code } ${POP} } many: township(code: "623021200") { ${POP} } }`;
    const shown = await hub.queryAs<{ sole: Pop & { villages: { code: string }[] }; many: Pop }>(reportToken, q);
    expect(shown.errors).toBeUndefined();
    expect(shown.data!.sole.villages).toHaveLength(1);
    expect(shown.data!.sole.population).toEqual({ byTag: [], byTagWithheld: true });
    expect(shown.data!.many.population.byTagWithheld).toBe(false);
    const reader = await hub.token({ jurisdiction: '620102', scopes: ['read'] });
    const read = await hub.queryAs<{ sole: Pop }>(reader, `{ sole: township(code: "620102402") { ${POP} } }`);
    expect(read.data!.sole.population.byTagWithheld).toBe(false);

    const townships = rows(await (await get('/reports/population.csv?within=620102&level=township', reportToken)).text());
    const header = townships[0]!;
    const row = townships.find((t) => t[1] === '620102402')!;
    expect(row[header.indexOf('tag_community_correction')]).toBe('');
  });
});
