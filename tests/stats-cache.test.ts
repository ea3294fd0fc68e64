import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { numberedText, type Db } from '../platform/sql.ts';
import { disputeSums } from '../subgraphs/village/src/store/stats.ts';
import { startHub, type GraphQLResponse, type Nodes, type TestHub } from './helpers/hub.ts';
import { sample, scrape } from './helpers/metrics.ts';

/**
 * Cached statistics (docs/ARCHITECTURE.md, "Cached statistics"): figures are
 * kept by the village subgraph while the roll-up versions under their
 * division are unchanged, so a repeated read costs one version check, every
 * write is seen by the very next read at every level, and an entry serves
 * every caller allowed to see the division and no one else.
 */
let hub: TestHub;
let db: pg.Client;
beforeAll(async () => {
  hub = await startHub();
  db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
  await db.connect();
}, 180_000);
afterAll(async () => {
  await db?.end();
  await hub?.stop();
});

const COUNTY = '623022';
const TOWNSHIP = '623022104';
const VILLAGE = '623022104205';
// The cases and patrols of the test fall in this period, whatever the day it runs (periods span at most ten years).
const FROM = '2020-01-01';
const TO = '2029-12-31';

interface Figures {
  population: { residents: number; floating: number; byTag: { tag: string; count: number }[] };
  forces: { patrolTeams: number; gridWorkers: number };
  patrolStats: { patrols: number; patrolHours: number; hazardsFound: number };
  disputeStats: { reported: number; resolved: number; open: number; overdue: number };
}
interface Levels {
  village: Figures;
  township: Figures;
  county: Figures;
}

const FIGURES = `population { residents floating byTag { tag count } } forces { patrolTeams gridWorkers }
  patrolStats(from: $from, to: $to) { patrols patrolHours hazardsFound } disputeStats(from: $from, to: $to) { reported resolved open overdue }`;
const LEVELS = `query Levels($v: String!, $t: String!, $c: String!, $from: Date, $to: Date) {
  village(code: $v) { ${FIGURES} } township(code: $t) { ${FIGURES} } county(code: $c) { ${FIGURES} } }`;

async function levels(token: string, from = FROM, to = TO): Promise<GraphQLResponse<Levels>> {
  return hub.queryAs<Levels>(token, LEVELS, { v: VILLAGE, t: TOWNSHIP, c: COUNTY, from, to });
}

async function figures(token: string): Promise<Levels> {
  const r = await levels(token);
  expect(r.errors).toBeUndefined();
  return r.data!;
}

const tag = (f: Figures, t: string) => f.population.byTag.find((x) => x.tag === t)!.count;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
/** How a JSON plan (EXPLAIN (format json)) reads the index `name`: the node types of its scans on it. */
function scansOf(plan: unknown, name: string): string[] {
  const walk = (n: PlanNode): string[] => [...(n['Index Name'] === name ? [n['Node Type']] : []), ...(n.Plans ?? []).flatMap(walk)];
  return walk((plan as [{ Plan: PlanNode }])[0].Plan);
}

describe('cached statistics', () => {
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    writer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'stats-writer' });
    reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read'], subject: 'stats-reader' });
  });

  it('a repeated read answers from the cache: fewer statements, same figures', async () => {
    // A period no other read has asked for: the first read computes, the second only checks versions.
    let first: GraphQLResponse<Levels> | undefined;
    let again: GraphQLResponse<Levels> | undefined;
    const cold = await hub.countStatements(async () => (first = await levels(reader, '2021-03-01', '2021-03-31')));
    const warm = await hub.countStatements(async () => (again = await levels(reader, '2021-03-01', '2021-03-31')));
    expect(first!.errors).toBeUndefined();
    expect(again!.data).toEqual(first!.data);
    // Another village alone (all its statements are the village subgraph's), never read before.
    const VILLAGE_ONLY = `query V($v: String!, $from: Date, $to: Date) { village(code: $v) { ${FIGURES} } }`;
    const vars = { v: '623022104206', from: '2021-04-01', to: '2021-04-30' };
    const villageCold = await hub.countStatements(() => hub.queryAs(reader, VILLAGE_ONLY, vars));
    const villageWarm = await hub.countStatements(() => hub.queryAs(reader, VILLAGE_ONLY, vars));
    console.log(`statements per read of three levels' statistics: ${cold} cold, ${warm} warm; of a village's: ${villageCold} cold, ${villageWarm} warm`);
    expect(villageWarm).toBeLessThan(villageCold);
    expect(warm).toBeLessThan(cold);
    // Only the version check is left of the statistics' statements (one per request, all divisions and kinds at once).
    expect(cold - warm).toBeGreaterThanOrEqual(6);
  });

  it('a write is visible in the very next read at village, township and county level', async () => {
    const q = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => hub.queryAs<T>(writer, query, variables);
    const village = await q<{ village: { grids: { code: string }[]; patrolTeams: Nodes<{ id: string; members: { id: string }[] }> } }>(
      `{ village(code: "${VILLAGE}") { grids { code } patrolTeams(first: 5) { nodes { id members { id } } } } }`,
    );
    expect(village.errors).toBeUndefined();
    const grid = village.data!.village.grids[0]!.code;
    const team = village.data!.village.patrolTeams.nodes.find((t) => t.members.length)!;
    expect(team).toBeDefined();

    // Warm the cache, twice (the second read is served from it).
    await figures(reader);
    let before = await figures(reader);

    const registered = await q(`mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: {
        name: '缓存测试',
        idNumber: makeCitizenId(COUNTY, '1980-08-08', 808),
        ethnicity: '汉族',
        residency: 'FLOATING',
        gridCode: grid,
        tags: ['EXTREME_POVERTY'],
      },
    });
    expect(registered.errors).toBeUndefined();
    let after = await figures(reader);
    for (const level of ['village', 'township', 'county'] as const) {
      expect(after[level].population.residents, level).toBe(before[level].population.residents + 1);
      expect(after[level].population.floating, level).toBe(before[level].population.floating + 1);
      expect(tag(after[level], 'EXTREME_POVERTY'), level).toBe(tag(before[level], 'EXTREME_POVERTY') + 1);
    }
    before = after;

    const patrol = await q(`mutation($i: PatrolInput!) { recordPatrol(input: $i) { id } }`, {
      i: {
        teamId: team.id,
        gridCode: grid,
        startedAt: '2026-06-02T20:00:00+08:00',
        endedAt: '2026-06-02T21:30:00+08:00',
        participantIds: [team.members[0]!.id],
        hazards: [{ kind: 'FIRE', description: '柴草堆放', gridCode: grid }],
      },
    });
    expect(patrol.errors).toBeUndefined();
    after = await figures(reader);
    for (const level of ['village', 'township', 'county'] as const) {
      expect(after[level].patrolStats.patrols, level).toBe(before[level].patrolStats.patrols + 1);
      expect(after[level].patrolStats.patrolHours, level).toBeCloseTo(before[level].patrolStats.patrolHours + 1.5, 6);
      expect(after[level].patrolStats.hazardsFound, level).toBe(before[level].patrolStats.hazardsFound + 1);
    }
    before = after;

    type Version = { id: string; version: number };
    const reported = await q<Record<string, Version>>(
      `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "stats-cache-${Date.now()}") { id version } }`,
      { i: { gridCode: grid, category: 'NEIGHBOUR', scale: 'ORDINARY', source: 'WALK_IN', summary: '邻里纠纷', parties: [{ name: '甲', role: 'APPLICANT' }] } },
    );
    expect(reported.errors).toBeUndefined();
    after = await figures(reader);
    for (const level of ['village', 'township', 'county'] as const) {
      expect(after[level].disputeStats.reported, level).toBe(before[level].disputeStats.reported + 1);
      expect(after[level].disputeStats.open, level).toBe(before[level].disputeStats.open + 1);
      expect(after[level].disputeStats.resolved, level).toBe(before[level].disputeStats.resolved);
    }
    before = after;

    let dv = reported.data!.reportDispute!;
    dv = (await q<Record<string, Version>>(`mutation { acceptDispute(id: "${dv.id}", version: ${dv.version}) { id version } }`)).data!.acceptDispute!;
    dv = (await q<Record<string, Version>>(`mutation { assignDispute(id: "${dv.id}", version: ${dv.version}, assignee: "调委会") { id version } }`)).data!
      .assignDispute!;
    const resolved = await q(`mutation { resolveDispute(id: "${dv.id}", version: ${dv.version}, outcome: AGREEMENT) { id } }`);
    expect(resolved.errors).toBeUndefined();
    after = await figures(reader);
    for (const level of ['village', 'township', 'county'] as const) {
      expect(after[level].disputeStats.reported, level).toBe(before[level].disputeStats.reported);
      expect(after[level].disputeStats.resolved, level).toBe(before[level].disputeStats.resolved + 1);
      expect(after[level].disputeStats.open, level).toBe(before[level].disputeStats.open - 1);
    }
  });

  it('a county drill-down reads only its county’s version row while nothing under the county changed, and sees a change at once', async () => {
    // A seed county no other test file writes to on purpose (the files share one database and run at once); their hubs'
    // background work still may (below).
    const county = '513328';
    const countyReader = await hub.token({ jurisdiction: county, scopes: ['read'], subject: 'stats-drill-reader' });
    const countyWriter = await hub.token({ jurisdiction: county, scopes: ['read', 'write'], subject: 'stats-drill-writer' });
    type Residents = { population: { residents: number } };
    type Drill = { county: Residents & { townships: (Residents & { code: string; villages: (Residents & { code: string })[] })[] } };
    const DRILL = `{ county(code: "${county}") { population { residents } townships { code population { residents } villages { code population { residents } } } } }`;
    const drill = async () => {
      const r = await hub.queryAs<Drill>(countyReader, DRILL);
      expect(r.errors).toBeUndefined();
      return r.data!.county;
    };
    const villagesOf = (d: Drill['county']) => d.townships.flatMap((t) => t.villages);
    // Statements of stats.versions (the village subgraph's SQL histogram) one drill-down sends.
    const versionStatements = async () => {
      const count = async () => sample(await scrape(hub.subgraphs.village.url), 'hub_sql_duration_seconds_count{statement="stats.versions"}') ?? 0;
      const before = await count();
      await drill();
      return (await count()) - before;
    };
    // Other test files share the database, and their hubs' background work (escalations, relays) may write in any
    // county at any moment, which rightly makes the next drill-down read again: a steady count is the fewest of a few.
    const fewest = async (tries: number) => {
      let least = Infinity;
      for (let i = 0; i < tries; i++) least = Math.min(least, await versionStatements());
      return least;
    };
    // The first drill-down of the county reads every division's versions; the gateway asks the village subgraph in
    // two requests (the county's figures, and its townships with their villages), each reading the county's row.
    // Test files share one process, and an earlier one may have drilled down this county already: a bump under the
    // county first makes whatever was kept of it stale, so this one is cold.
    const listed = await hub.queryAs<{ county: { townships: { villages: { code: string }[] }[] } }>(
      countyReader,
      `{ county(code: "${county}") { townships { villages { code } } } }`,
    );
    const anyVillage = listed.data!.county.townships.flatMap((t) => t.villages)[0]!.code;
    await db.query(`select hub_bump_stats_version(array['${anyVillage}'], 'counts')`);
    const cold = await versionStatements();
    const warm = await fewest(3);
    expect(warm).toBeLessThan(cold);
    expect(warm).toBeLessThanOrEqual(2);
    const before = await drill();
    expect(villagesOf(before).length).toBeGreaterThan(10);

    // Versions moved in another county (a write there): this county's row reads the same, so no more statements.
    await db.query(`select hub_bump_stats_version(array['623021200201'], 'counts')`);
    expect(await fewest(3)).toBe(warm);

    // Under this county: the county's row reads anew, and its townships' and villages' versions are read again with it.
    const township = before.townships.find((t) => t.villages.length > 1)!;
    const village = township.villages[0]!.code;
    await db.query(`select hub_bump_stats_version(array['${village}'], 'days')`);
    expect(await versionStatements()).toBeGreaterThan(warm);
    expect(await fewest(3)).toBe(warm);

    // A resident registered in the village shows at once at the village, its township and the county, and nowhere else.
    const grids = await hub.queryAs<{ village: { grids: { code: string }[] } }>(countyReader, `{ village(code: "${village}") { grids { code } } }`);
    const registered = await hub.queryAs(countyWriter, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: {
        name: '州县版本',
        idNumber: makeCitizenId(county, '1981-09-09', 909),
        ethnicity: '汉族',
        residency: 'REGISTERED',
        gridCode: grids.data!.village.grids[0]!.code,
      },
    });
    expect(registered.errors).toBeUndefined();
    const after = await drill();
    expect(after.population.residents).toBe(before.population.residents + 1);
    for (const t of after.townships)
      expect(t.population.residents, t.code).toBe(before.townships.find((x) => x.code === t.code)!.population.residents + (t.code === township.code ? 1 : 0));
    const was = new Map(villagesOf(before).map((v) => [v.code, v.population.residents]));
    for (const v of villagesOf(after)) expect(v.population.residents, v.code).toBe(was.get(v.code)! + (v.code === village ? 1 : 0));
  });

  it('a township’s patrol and dispute figures are its villages’ added up, and a drill-down sums the day rows once', async () => {
    // 临潭县 has cases and patrols in the demo year; a period start no other read asks for, so nothing is kept yet.
    const reader = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'stats-township-sums' });
    const D = 'reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open';
    const P = 'patrols patrolHours hazardsFound hazardsRectified';
    // With the previous period too: a township and one of its villages then come to that period's loader in one turn.
    const F = `disputeStats(from: "2025-10-17", to: "2026-09-30") { ${D} previous { reported } } patrolStats(from: "2025-10-17", to: "2026-09-30") { ${P} }`;
    type Day = Record<string, number> & { previous: { reported: number } };
    type Division = { code: string; disputeStats: Day; patrolStats: Day };
    type Drill = { county: { townships: (Division & { villages: Division[] })[] } };
    const sums = async (len: number) =>
      sample(await scrape(hub.subgraphs.village.url), `hub_sql_duration_seconds_count{statement="stats.disputes[${len}]"}`) ?? 0;
    const [townshipsBefore, villagesBefore] = [await sums(9), await sums(12)];
    const r = await hub.queryAs<Drill>(reader, `{ county(code: "623021") { townships { code ${F} villages { code ${F} } } } }`);
    expect(r.errors).toBeUndefined();
    // Summed per level, the townships' sums were a statement of their own over the same day rows as the villages'.
    expect(await sums(9)).toBe(townshipsBefore);
    expect(await sums(12)).toBe(villagesBefore + 2); // one per period

    const townships = r.data!.county.townships;
    expect(townships.length).toBeGreaterThan(10);
    const add = (vs: Division[], kind: 'disputeStats' | 'patrolStats', field: string) => vs.reduce((n, v) => n + v[kind][field]!, 0);
    let reported = 0;
    for (const t of townships) {
      for (const field of D.split(' ').filter((f) => f !== 'resolutionRate')) expect(t.disputeStats[field]).toBe(add(t.villages, 'disputeStats', field));
      for (const field of ['patrols', 'hazardsFound', 'hazardsRectified']) expect(t.patrolStats[field]).toBe(add(t.villages, 'patrolStats', field));
      expect(t.patrolStats.patrolHours).toBeCloseTo(add(t.villages, 'patrolStats', 'patrolHours'), 6);
      // The rate of the added counts, not an average of the villages' rates.
      const { reported: n, resolved } = t.disputeStats;
      expect(t.disputeStats.resolutionRate).toBe(n ? resolved! / n : 0);
      reported += n!;
    }
    expect(reported).toBeGreaterThan(0);
    for (const t of townships) expect(t.disputeStats.previous.reported).toBe(t.villages.reduce((n, v) => n + v.disputeStats.previous.reported, 0));
  });

  it('one entry serves a report-only and a read caller of the county alike; a caller of another county is refused', async () => {
    const report = await hub.token({ jurisdiction: COUNTY, scopes: ['report'], subject: 'stats-report' });
    const other = await hub.token({ jurisdiction: '632223', scopes: ['read', 'report'], subject: 'stats-other-county' });
    await figures(reader);
    // Every entry is fresh now: the reader's and the report-only caller's reads cost the version check alone, and agree.
    let byReader: Levels | undefined;
    let byReport: Levels | undefined;
    const readerStatements = await hub.countStatements(async () => (byReader = await figures(reader)));
    const reportStatements = await hub.countStatements(async () => (byReport = await figures(report)));
    // The same entry, save the village's special-population counts, which a report-only caller does not read.
    expect(byReport).toEqual({ ...byReader, village: { ...byReader!.village, population: { ...byReader!.village.population, byTag: [] } } });
    expect(reportStatements).toBe(readerStatements);

    const refused = await levels(other);
    expect(refused.data?.village ?? null).toBeNull();
    expect(refused.data?.township ?? null).toBeNull();
    expect(refused.data?.county ?? null).toBeNull();
    const codes = new Set((refused.errors ?? []).map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(['FORBIDDEN']));
    expect(refused.errors!.length).toBeGreaterThanOrEqual(1);
  });

  it('an import through the gateway is seen by the next read, and the versions cost it next to nothing', async () => {
    const before = await figures(reader);
    const village = await hub.queryAs<{ village: { grids: { code: string }[] } }>(reader, `{ village(code: "${VILLAGE}") { grids { code } } }`);
    const grid = village.data!.village.grids[0]!.code;
    const rows = 2_000;
    const lines = ['id_number,name,ethnicity,residency,tags,grid_code'];
    // ID numbers of an address code no other test file uses: the files share one database (import.test.ts counts 6591xx).
    for (let i = 0; i < rows; i++) {
      const born = `199${Math.floor(i / 900)}-01-01`;
      lines.push(`${makeCitizenId('659106', born, i % 900)},导入${i},汉族,${i % 4 ? 'REGISTERED' : 'FLOATING'},,${grid}`);
    }
    // A register loaded with ID numbers: a pii token (a caller without pii spends a lookup on each number).
    const token = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write', 'pii'], subject: 'stats-importer' });
    const url = new URL('/import/residents', new URL(hub.gatewayUrl).origin);
    url.searchParams.set('job', `stats-cache-${Date.now()}`);
    url.searchParams.set('format', 'csv');
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'accept-language': 'en' },
      body: `${lines.join('\n')}\n`,
    });
    const answer = await res.text();
    const seconds = (performance.now() - t0) / 1000;
    expect(res.status, answer).toBe(200);
    const done = answer
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; inserted?: number })
      .find((e) => e.type === 'done');
    expect(done?.inserted, answer).toBe(rows);
    const after = await figures(reader);
    for (const level of ['village', 'township', 'county'] as const) {
      expect(after[level].population.residents, level).toBe(before[level].population.residents + rows);
      expect(after[level].population.floating, level).toBe(before[level].population.floating + rows / 4);
    }

    // What the versions add to a write: one bump of every village of the county (more than a batch of an import touches); the best of five.
    let bumpMs = Infinity;
    for (let i = 0; i < 5; i++) {
      await db.query('begin');
      const t1 = performance.now();
      await db.query(`select hub_bump_stats_version(array(select code from village where county_code = $1), 'counts')`, [COUNTY]);
      bumpMs = Math.min(bumpMs, performance.now() - t1);
      await db.query('rollback');
    }
    console.log(
      `import of ${rows} residents: ${seconds.toFixed(2)} s (${Math.round(rows / seconds)} rows/s); one bump of a county's versions: ${bumpMs.toFixed(1)} ms`,
    );
    expect(bumpMs).toBeLessThan(seconds * 1000 * 0.05);
  });

  it('counts overdue from the cases only when asked, and then in the same round trip as the sums', async () => {
    const DISPUTES = `query D($v: String!, $from: Date, $to: Date) { village(code: $v) { disputeStats(from: $from, to: $to) { FIELDS } } }`;
    const ask = (fields: string, from: string) =>
      hub.countStatements(async () => {
        const r = await hub.queryAs(reader, DISPUTES.replace('FIELDS', fields), { v: VILLAGE, from, to: '2021-06-30' });
        expect(r.errors).toBeUndefined();
      });
    // Periods no other read has asked for: each is computed.
    const sums = await ask('reported resolved', '2021-06-01');
    const both = await ask('reported resolved overdue', '2021-06-02');
    // The sums of 06-01 are kept; its cases were never counted.
    const casesAlone = await ask('reported overdue rehandled', '2021-06-01');
    // One statement more, in the same transaction: no begin, settings and commit of its own.
    expect(both).toBe(sums + 1);
    expect(casesAlone).toBe(sums);
  });

  it('overdue follows the clock: kept until the deadline of a counted case passes, then counted with no write', async () => {
    const VILLAGE_DISPUTES = `query D($v: String!, $from: Date, $to: Date) { village(code: $v) { disputeStats(from: $from, to: $to) { open overdue } } }`;
    type Open = { village: { disputeStats: { open: number; overdue: number } } };
    const read = async () => {
      const r = await hub.queryAs<Open>(reader, VILLAGE_DISPUTES, { v: VILLAGE, from: FROM, to: TO });
      expect(r.errors).toBeUndefined();
      return r.data!.village.disputeStats;
    };
    const village = await hub.queryAs<{ village: { grids: { code: string }[] } }>(reader, `{ village(code: "${VILLAGE}") { grids { code } } }`);
    const summary = `时钟测试 ${Date.now()}`;
    const reported = await hub.queryAs(writer, `mutation($i: DisputeInput!) { reportDispute(input: $i, idempotencyKey: "clock-${Date.now()}") { id } }`, {
      i: {
        gridCode: village.data!.village.grids[0]!.code,
        category: 'NEIGHBOUR',
        scale: 'ORDINARY',
        source: 'WALK_IN',
        summary,
        parties: [{ name: '乙', role: 'APPLICANT' }],
      },
    });
    expect(reported.errors).toBeUndefined();
    // Its contact deadline a few seconds ahead (an update: a write, so the next read recomputes).
    await db.query(`update dispute set contact_by = now() + interval '4 seconds' where summary = $1`, [summary]);
    const before = await read();
    // Kept: the deadline is still ahead.
    let kept: Open['village']['disputeStats'] | undefined;
    const statements = await hub.countStatements(async () => (kept = await read()));
    expect(kept).toEqual(before);
    expect(statements).toBeLessThanOrEqual(4);
    await new Promise((r) => setTimeout(r, 5_000));
    // No write since: the deadline passed, and the next read counts the case as overdue.
    const after = await read();
    expect(after.open).toBe(before.open);
    expect(after.overdue).toBe(before.overdue + 1);
  });

  it('dispute figures read only the days that count a dispute, at village, township and county level', async () => {
    // The statements as the village subgraph sends them (MikroORM writes the values into the text).
    const platform = new PostgreSqlPlatform();
    const texts: string[] = [];
    const prepared: string[] = [];
    // No transaction: the statements come through `execute`, as `preparedRows` sends them when it has none.
    const capture = {
      getTransactionContext: () => undefined,
      execute: (text: string, values: unknown[]) => {
        texts.push(platform.formatQuery(text, values));
        prepared.push(numberedText(text).text);
        return Promise.resolve([]);
      },
    } as unknown as Db;
    await disputeSums(capture, 12, [VILLAGE], FROM, TO);
    await disputeSums(capture, 9, [TOWNSHIP], FROM, TO);
    await disputeSums(capture, 6, [COUNTY], FROM, TO);
    // Other test files write day rows before this one runs: pages not yet all-visible and statistics that moved make
    // the covering index's index-only scan look dearer than it is on a settled table (this failed once in a full run).
    await db.query('vacuum (analyze) county_day_rollup, village_day_rollup');
    await db.query('begin');
    try {
      // Small tables may be read whole; the plan that matters is the one for large ones.
      await db.query('set local enable_seqscan = off');
      for (const [i, text] of texts.entries()) {
        const plan = (await db.query(`explain (format json) ${text}`)).rows[0]['QUERY PLAN'];
        expect(scansOf(plan, i < 2 ? 'village_day_rollup_disputes' : 'county_day_rollup_pkey'), text).toEqual(['Index Only Scan']);
      }
      // As prepared, on the one generic plan the services use: the same index, read alone. The county roll-up is small
      // here, so for it this shows only that its generic plan can (table scans off); which index a county's full
      // roll-up gets is settled by its having one only (Migration…33CountyDayKey: with two on the same key, the
      // generic plans of 甘肃's roll-up took the one without the figures) ...
      const generic = async (text: string) => JSON.stringify((await db.query(`explain (generic_plan, format json) ${text}`)).rows[0]);
      const county = (await db.query(`explain (generic_plan, format json) ${prepared[2]!}`)).rows[0]['QUERY PLAN'];
      expect(scansOf(county, 'county_day_rollup_pkey'), prepared[2]).toEqual(['Index Only Scan']);
      const indexes = await db.query(`select indexrelid::regclass::text as name from pg_index where indrelid = 'county_day_rollup'::regclass`);
      expect(indexes.rows.map((r: { name: string }) => r.name)).toEqual(['county_day_rollup_pkey']);
      // ... and the villages' codes joined by hashing (hub_codes, Migration…28DivisionCodes), not by nested loops over
      // every pair of code and day row.
      await db.query('set local enable_seqscan = on');
      for (const text of prepared.slice(0, 2)) {
        const plan = await generic(text);
        expect(plan, text).toContain('village_day_rollup_disputes');
        expect(plan, text).toContain('"Node Type":"Hash Join"');
        expect(plan, text).not.toContain('"Node Type":"Nested Loop"');
      }
    } finally {
      await db.query('rollback');
    }
  });

  it('the day roll-up offers sums of a period no index that leads with the day (Migration…29DayIndexes)', async () => {
    // At province scale the generic plans of the dispute and patrol sums chose a (day, village_code) index over the
    // covering partial index and the primary key, at 2–5 times the cost. This data is too small to show that plan.
    const dayFirst = /USING btree \(day[,)]/;
    expect(dayFirst.test('CREATE INDEX village_day_rollup_day ON public.village_day_rollup USING btree (day, village_code)')).toBe(true);
    const indexes = await db.query<{ def: string }>(`select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = 'village_day_rollup'::regclass`);
    expect(indexes.rows.length).toBeGreaterThanOrEqual(3);
    expect(indexes.rows.map((r) => r.def).filter((d) => dayFirst.test(d))).toEqual([]);
  });

  it('a write refreshes its county’s day rows through an index under the generic plans the services force (Migration…30DayRefresh)', async () => {
    // Without it, every write read the whole day roll-up (a parallel table scan: 152 ms a write at province scale).
    const join = `join village_day_rollup r on left(r.village_code, 6) = x.c and r.day = x.d`;
    const fn = await db.query<{ def: string }>(`select pg_get_functiondef('refresh_day_pairs_unlocked(text[], date[])'::regprocedure) as def`);
    expect(fn.rows[0]!.def).toContain(join);
    const plan = JSON.stringify(
      (
        await db.query(
          `explain (generic_plan, format json) select x.c, x.d, sum(r.patrols) from (select distinct left(v, 6) as c, d from unnest($1::text[], $2::date[]) as x(v, d)) x ${join} group by 1, 2`,
        )
      ).rows[0],
    );
    expect(plan).toContain('village_day_rollup_county_day');
    expect(plan).not.toContain('Seq Scan');
  });

  it('the versions are readable by the services and written only by the owner', async () => {
    const grants = await db.query<{ privilege_type: string }>(
      `select privilege_type from information_schema.role_table_grants where table_name = 'stats_version' and grantee = 'hub_app' order by 1`,
    );
    expect(grants.rows.map((r) => r.privilege_type)).toEqual(['SELECT']);
  });
});

describe('hazard figures', () => {
  type Counts = { reported: number; open: number; awaitingVerification: number; verified: number };
  type Stats = Counts & { rectificationRate: number; bySource: (Counts & { source: string })[]; previous: { from: string; reported: number } };
  type Division = { hazardStats: Stats; patrolStats: { hazardsFound: number } };
  const H = `hazardStats(from: $from, to: $to) { reported open awaitingVerification verified rectificationRate
    bySource { source reported open awaitingVerification verified } previous { from reported } } patrolStats(from: $from, to: $to) { hazardsFound }`;
  const Q = `query H($v: String!, $t: String!, $c: String!, $from: Date, $to: Date) { village(code: $v) { ${H} } township(code: $t) { ${H} } county(code: $c) { ${H} } }`;
  type Read = { village: Division; township: Division; county: Division };
  const LEVELS = { village: VILLAGE, township: TOWNSHIP, county: COUNTY } as const;
  const read = async (token: string): Promise<Read> => {
    const r = await hub.queryAs<Read>(token, Q, { v: VILLAGE, t: TOWNSHIP, c: COUNTY, from: FROM, to: TO });
    expect(r.errors).toBeUndefined();
    return r.data!;
  };
  const source = (s: Stats, name: string) => s.bySource.find((x) => x.source === name)!;

  it('count every source’s hazards as the facts do, at village, township and county level, and follow each step of a hazard at once', async () => {
    const writer = await hub.token({ jurisdiction: COUNTY, scopes: ['read', 'write'], subject: 'hazard-stats-writer' });
    const reader = await hub.token({ jurisdiction: COUNTY, scopes: ['read'], subject: 'hazard-stats-reader' });
    const before = await read(reader);

    // The facts, counted by the owner: every level's figures are its hazards of the period by source and status.
    const facts = await db.query<{ code: string; source: string; status: string; n: string }>(
      `select c.code, h.source, h.status, count(*) as n from hazard h join unnest($1::text[]) c(code) on h.village_code like c.code || '%'
        where h.reported_at >= $2 and h.reported_at < $3 group by 1, 2, 3`,
      [Object.values(LEVELS), '2019-12-31T16:00:00Z', '2029-12-31T16:00:00Z'],
    );
    for (const [level, code] of Object.entries(LEVELS) as [keyof Read, string][]) {
      const s = before[level].hazardStats;
      const n = (src: string, statuses: string[]) =>
        facts.rows.filter((r) => r.code === code && r.source === src && statuses.includes(r.status)).reduce((x, r) => x + Number(r.n), 0);
      for (const src of ['PATROL', 'GRID_WORKER', 'DRONE', 'CITIZEN']) {
        expect(source(s, src), `${level} ${src}`).toEqual({
          source: src,
          reported: n(src, ['REPORTED', 'RECTIFYING', 'RECTIFIED', 'VERIFIED']),
          open: n(src, ['REPORTED', 'RECTIFYING']),
          awaitingVerification: n(src, ['RECTIFIED']),
          verified: n(src, ['VERIFIED']),
        });
      }
      expect(s.reported, level).toBe(s.bySource.reduce((x, b) => x + b.reported, 0));
      expect(s.rectificationRate, level).toBeCloseTo(s.reported ? (s.awaitingVerification + s.verified) / s.reported : 0, 9);
      // The patrol figure counts only what patrols found; the hazard figures count every source.
      expect(s.reported, level).toBeGreaterThan(before[level].patrolStats.hazardsFound);
      expect(s.previous.from, level).toBe('2010-01-01');
    }

    const grid = `${VILLAGE}001`;
    type Step = { id: string; version: number };
    const reported = await hub.queryAs<{ reportHazard: Step }>(
      writer,
      `mutation { reportHazard(input: { gridCode: "${grid}", kind: GAS, description: "液化气罐存放在灶台旁", source: GRID_WORKER }) { id version } }`,
    );
    expect(reported.errors).toBeUndefined();
    let after = await read(reader);
    for (const level of Object.keys(LEVELS) as (keyof Read)[]) {
      const [b, a] = [before[level].hazardStats, after[level].hazardStats];
      expect(a.reported, level).toBe(b.reported + 1);
      expect(a.open, level).toBe(b.open + 1);
      expect(source(a, 'GRID_WORKER').open, level).toBe(source(b, 'GRID_WORKER').open + 1);
      expect(after[level].patrolStats.hazardsFound, level).toBe(before[level].patrolStats.hazardsFound);
    }

    const h = reported.data!.reportHazard;
    const rectified = await hub.queryAs<{ rectifyHazard: Step }>(writer, `mutation { rectifyHazard(id: "${h.id}", version: ${h.version}) { id version } }`);
    expect(rectified.errors).toBeUndefined();
    const mid = await read(reader);
    for (const level of Object.keys(LEVELS) as (keyof Read)[]) {
      expect(mid[level].hazardStats.open, level).toBe(after[level].hazardStats.open - 1);
      expect(mid[level].hazardStats.awaitingVerification, level).toBe(after[level].hazardStats.awaitingVerification + 1);
    }
    after = mid;
    const r = rectified.data!.rectifyHazard;
    expect((await hub.queryAs(writer, `mutation { verifyHazard(id: "${r.id}", version: ${r.version}) { id } }`)).errors).toBeUndefined();
    const last = await read(reader);
    for (const level of Object.keys(LEVELS) as (keyof Read)[]) {
      expect(last[level].hazardStats.awaitingVerification, level).toBe(after[level].hazardStats.awaitingVerification - 1);
      expect(source(last[level].hazardStats, 'GRID_WORKER').verified, level).toBe(source(after[level].hazardStats, 'GRID_WORKER').verified + 1);
    }
  });

  it('are refused to a caller of another county, and to a grid worker for its village', async () => {
    const other = await hub.token({ jurisdiction: '623021', scopes: ['read'], subject: 'hazard-stats-other' });
    const r = await hub.queryAs(other, `{ county(code: "${COUNTY}") { hazardStats(period: "2026") { reported } } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const worker = await hub.token({ jurisdiction: `${VILLAGE}001`, scopes: ['read'], subject: 'hazard-stats-grid' });
    const w = await hub.queryAs(worker, `{ village(code: "${VILLAGE}") { hazardStats(period: "2026") { reported } } }`);
    expect(w.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a grid’s population', () => {
  type Pop = { residents: number; floating: number; households: number; houses: number; addresses: number; byTag: { tag: string; count: number }[] };
  const POP = 'population { residents floating households houses addresses byTag { tag count } }';
  const add = (ps: Pop[]): Pop => ({
    residents: ps.reduce((n, p) => n + p.residents, 0),
    floating: ps.reduce((n, p) => n + p.floating, 0),
    households: ps.reduce((n, p) => n + p.households, 0),
    houses: ps.reduce((n, p) => n + p.houses, 0),
    addresses: ps.reduce((n, p) => n + p.addresses, 0),
    byTag: ps[0]!.byTag.map((t, i) => ({ tag: t.tag, count: ps.reduce((n, p) => n + p.byTag[i]!.count, 0) })),
  });

  it('adds up to its village’s; a grid worker’s token reads its own grid’s, and a write there the next read', async () => {
    const reader = await hub.token({ jurisdiction: VILLAGE, scopes: ['read'], subject: 'grid-pop-village' });
    type Village = { village: { population: Pop; grids: { code: string; population: Pop }[] } };
    const v = await hub.queryAs<Village>(reader, `{ village(code: "${VILLAGE}") { ${POP} grids { code ${POP} } } }`);
    expect(v.errors).toBeUndefined();
    const { population, grids } = v.data!.village;
    expect(grids.length).toBeGreaterThan(1);
    expect(add(grids.map((g) => g.population))).toEqual(population);
    expect(population.residents).toBeGreaterThan(0);

    // The grid worker of the first grid: its figures, the same as the village's caller reads; another grid's are refused.
    const [mine, theirs] = grids;
    const worker = await hub.token({ jurisdiction: mine!.code, scopes: ['read', 'write'], subject: 'grid-pop-worker' });
    const own = await hub.queryAs<{ grid: { population: Pop } }>(worker, `{ grid(code: "${mine!.code}") { ${POP} } }`);
    expect(own.errors).toBeUndefined();
    expect(own.data!.grid.population).toEqual(mine!.population);
    const other = await hub.queryAs(worker, `{ grid(code: "${theirs!.code}") { population { residents } } }`);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const report = await hub.token({ jurisdiction: COUNTY, scopes: ['report'], subject: 'grid-pop-report' });
    const byReport = await hub.queryAs<{ grid: { population: Pop } }>(report, `{ grid(code: "${mine!.code}") { ${POP} } }`);
    expect(byReport.data!.grid.population).toEqual({ ...mine!.population, byTag: [] });

    const born = await hub.queryAs(worker, `mutation($i: PersonInput!) { registerPerson(input: $i) { id } }`, {
      i: { name: '网格统计新生', ethnicity: '汉族', residency: 'FLOATING', idNumber: makeCitizenId('110101', '2026-01-02', 777), gridCode: mine!.code },
    });
    expect(born.errors).toBeUndefined();
    const after = await hub.queryAs<{ grid: { population: Pop } }>(worker, `{ grid(code: "${mine!.code}") { ${POP} } }`);
    expect(after.data!.grid.population).toMatchObject({ residents: mine!.population.residents + 1, floating: mine!.population.floating + 1 });
  });
});
