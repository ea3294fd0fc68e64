/**
 * Province-scale reporting benchmark: the flat table of every statistic for
 * every county of 甘肃 through the gateway, against hand-written SQL computing
 * the same numbers in PostgreSQL (on the raw facts, and on the roll-ups);
 * checks that the numbers agree. Run by `npm run bench -- reports`.
 */
import pg from 'pg';
import { settingsOrExit } from '../../platform/settings.ts';
import { ownerUrl } from './db.ts';

const [gatewayUrl, token] = process.argv.slice(2);
const settings = settingsOrExit();
const FROM = '2025-10-01';
const TO = '2026-09-30';
const queryFor = (from: string) => `{ counties(within: "62") { code name
  population { residents households floating houses addresses byTag { tag count } }
  forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups householdCoverage patrolTeams patrolMembers }
  patrolStats(from: "${from}", to: "${TO}") { patrols patrolHours hazardsFound hazardsRectified }
  disputeStats(from: "${from}", to: "${TO}") { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue onTimeRate satisfactionRate } } }`;

const START = `'${FROM}T00:00:00+08:00'::timestamptz`;
const END = `'${TO}T00:00:00+08:00'::timestamptz + interval '1 day'`;
const RAW_SQL = `
  with c as (select distinct county_code as code from village where county_code like '62%'),
  p as (select county_code, count(*) as residents, count(*) filter (where residency = 'FLOATING') as floating from person where county_code like '62%' group by 1),
  h as (select county_code, count(*) as n from household where county_code like '62%' group by 1),
  o as (select county_code, count(*) as n from house where county_code like '62%' group by 1),
  a as (select county_code, count(*) as n from address where county_code like '62%' group by 1),
  g as (select county_code, count(*) as n from grid where county_code like '62%' group by 1),
  pa as (select county_code, count(*) as n from patrol where county_code like '62%' and started_at >= ${START} and started_at < ${END} group by 1),
  hz as (select county_code, count(*) as n from hazard where county_code like '62%' and source = 'PATROL' and reported_at >= ${START} and reported_at < ${END} group by 1),
  d as (select county_code, count(*) as reported, count(*) filter (where status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP')) as resolved
          from dispute where county_code like '62%' and reported_at >= ${START} and reported_at < ${END} group by 1)
  select c.code, coalesce(p.residents, 0) as residents, coalesce(h.n, 0) as households, coalesce(p.floating, 0) as floating, coalesce(o.n, 0) as houses,
         coalesce(a.n, 0) as addresses, coalesce(g.n, 0) as grids, coalesce(pa.n, 0) as patrols, coalesce(hz.n, 0) as hazards_found,
         coalesce(d.reported, 0) as reported, coalesce(d.resolved, 0) as resolved
    from c left join p on p.county_code = c.code left join h on h.county_code = c.code left join o on o.county_code = c.code
         left join a on a.county_code = c.code left join g on g.county_code = c.code left join pa on pa.county_code = c.code
         left join hz on hz.county_code = c.code left join d on d.county_code = c.code
   order by 1`;
const ROLLUP_SQL = `
  select left(r.village_code, 6) as code, sum(residents) as residents, sum(households) as households, sum(floating) as floating, sum(houses) as houses,
         sum(addresses) as addresses, sum(grids) as grids, coalesce(max(d.patrols), 0) as patrols, coalesce(max(d.found), 0) as hazards_found,
         coalesce(max(d.reported), 0) as reported, coalesce(max(d.resolved), 0) as resolved
    from village_rollup r
    left join (select left(village_code, 6) as k, sum(patrols) as patrols, sum(hazards_found) as found, sum(reported) as reported, sum(resolved) as resolved
                 from village_day_rollup where day between '${FROM}' and '${TO}' and village_code like '62%' group by 1) d on d.k = left(r.village_code, 6)
   where r.village_code like '62%' group by 1 order by 1`;

/** What the benchmark compares of each county the gateway returns. */
interface CountyFigures {
  code: string;
  population: { residents: number; households: number; floating: number; houses: number; addresses: number };
  forces: { grids: number };
  patrolStats: { patrols: number; hazardsFound: number };
  disputeStats: { reported: number; resolved: number };
}
/** One county of either SQL baseline (counts come back from pg as strings). */
type CountRow = Record<'code' | 'residents' | 'households' | 'floating' | 'houses' | 'addresses' | 'grids' | 'patrols' | 'hazards_found' | 'reported' | 'resolved', string>;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
async function time<T>(n: number, fn: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  const ms: number[] = [];
  let last!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    last = await fn();
    ms.push(performance.now() - t0);
  }
  return { ms, last };
}

/** One query to the gateway as the report-only caller. */
const post = (query: string) =>
  fetch(gatewayUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });

async function report(from: string): Promise<CountyFigures[]> {
  const res = await post(queryFor(from));
  const body = (await res.json()) as { data?: { counties: CountyFigures[] }; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!.counties;
}
// This process's own HTTP client is made ready first: Node loads its fetch on the first call and opens the connection
// then, 30–110 ms here for a `{ __typename }`, which is this script's start-up, not the hub's work on a report.
await post('{ __typename }').then((r) => r.arrayBuffer());
// The first run computes every statistic (the subgraph keeps them until a write under a county); the rest are kept.
const gw = await time(15, () => report(FROM));
// A period starting on another day of September 2025 each run: no kept statistic serves it, so every run computes the
// patrol and dispute figures of 88 counties (population and forces do not depend on the period).
let day = 0;
const fresh = await time(15, () => report(`2025-09-${String(++day).padStart(2, '0')}`));
const c = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
await c.connect();
const raw = await time(5, async () => (await c.query<CountRow>(RAW_SQL)).rows);
const rolled = await time(15, async () => (await c.query<CountRow>(ROLLUP_SQL)).rows);
await c.end();

const fromGateway = new Map(gw.last.map((x) => [x.code, [x.population.residents, x.population.households, x.population.floating, x.population.houses, x.population.addresses, x.forces.grids, x.patrolStats.patrols, x.patrolStats.hazardsFound, x.disputeStats.reported, x.disputeStats.resolved]]));
const disagree: string[] = [];
for (const [label, rows] of [['raw', raw.last], ['roll-up', rolled.last]] as const) {
  for (const r of rows) {
    const want = [r.residents, r.households, r.floating, r.houses, r.addresses, r.grids, r.patrols, r.hazards_found, r.reported, r.resolved].map(Number);
    const got = fromGateway.get(r.code);
    if (!got || got.some((v, i) => v !== want[i])) disagree.push(`${label} ${r.code}: gateway ${JSON.stringify(got)} vs SQL ${JSON.stringify(want)}`);
  }
}
const residents = gw.last.reduce((s, x) => s + x.population.residents, 0);
const disputes = gw.last.reduce((s, x) => s + x.disputeStats.reported, 0);
const f = (n: number) => n.toFixed(1);
console.log(`### Reports at province scale: every statistic of every county of 甘肃 (${gw.last.length} counties, ${residents.toLocaleString('en')} residents, ${disputes.toLocaleString('en')} disputes in the demo year)\n`);
console.log('| variant | runs | p50 ms | p95 ms | gateway p95 / this p95 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| through the gateway (GraphQL, all statistics) | ${gw.ms.length} | ${f(pct(gw.ms, 50))} | ${f(pct(gw.ms, 95))} | 1.00 |`);
console.log(
  `| through the gateway, another period each run (nothing kept) | ${fresh.ms.length} | ${f(pct(fresh.ms, 50))} | ${f(pct(fresh.ms, 95))} | ${(pct(gw.ms, 95) / pct(fresh.ms, 95)).toFixed(2)} |`,
);
console.log(`| the first run alone | 1 | ${f(gw.ms[0]!)} | ${f(gw.ms[0]!)} | ${(pct(gw.ms, 95) / gw.ms[0]!).toFixed(2)} |`);
console.log(`| hand-written SQL on the raw facts (fewer statistics) | ${raw.ms.length} | ${f(pct(raw.ms, 50))} | ${f(pct(raw.ms, 95))} | ${(pct(gw.ms, 95) / pct(raw.ms, 95)).toFixed(2)} |`);
console.log(`| hand-written SQL on the roll-ups (fewer statistics) | ${rolled.ms.length} | ${f(pct(rolled.ms, 50))} | ${f(pct(rolled.ms, 95))} | ${(pct(gw.ms, 95) / pct(rolled.ms, 95)).toFixed(2)} |`);
console.log(`\nNumbers agree between the gateway and both SQL baselines for ${gw.last.length} counties × 10 figures: ${disagree.length ? `NO — ${disagree.slice(0, 3).join('; ')}` : 'yes'}.`);
console.log('Repeat: npm run bench -- reports');
