/**
 * Province-scale reporting benchmark: the flat table of every statistic for
 * every county of 甘肃 through the gateway, against hand-written SQL computing
 * the same numbers in PostgreSQL (on the raw facts, and on the roll-ups);
 * checks that the numbers agree. Run by `npm run bench -- reports`.
 */
import pg from 'pg';
import { settingsOrExit } from '../../subgraphs/shared/config.ts';
import { ownerUrl } from './db.ts';

const [gatewayUrl, token] = process.argv.slice(2);
const settings = settingsOrExit();
const FROM = '2025-10-01';
const TO = '2026-09-30';
const query = `{ counties(within: "62") { code name
  population { residents households floating houses addresses byTag { tag count } }
  forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups householdCoverage patrolTeams patrolMembers }
  patrolStats(from: "${FROM}", to: "${TO}") { patrols patrolHours hazardsFound hazardsRectified }
  disputeStats(from: "${FROM}", to: "${TO}") { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue onTimeRate satisfactionRate } } }`;

const START = `'${FROM}T00:00:00+08:00'::timestamptz`;
const END = `'${TO}T00:00:00+08:00'::timestamptz + interval '1 day'`;
const RAW_SQL = `
  select c.code,
    (select count(*) from person where county_code = c.code) as residents,
    (select count(*) from household where county_code = c.code) as households,
    (select count(*) from person where county_code = c.code and residency = 'FLOATING') as floating,
    (select count(*) from house where county_code = c.code) as houses,
    (select count(*) from address where county_code = c.code) as addresses,
    (select count(*) from grid where county_code = c.code) as grids,
    (select count(*) from patrol where county_code = c.code and started_at >= ${START} and started_at < ${END}) as patrols,
    (select count(*) from hazard where county_code = c.code and source = 'PATROL' and reported_at >= ${START} and reported_at < ${END}) as hazards_found,
    (select count(*) from dispute where county_code = c.code and reported_at >= ${START} and reported_at < ${END}) as reported,
    (select count(*) from dispute where county_code = c.code and reported_at >= ${START} and reported_at < ${END}
       and status in ('RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP')) as resolved
  from (select distinct county_code as code from village where county_code like '62%') c order by 1`;
const ROLLUP_SQL = `
  select left(r.village_code, 6) as code, sum(residents) as residents, sum(households) as households, sum(floating) as floating, sum(houses) as houses,
         sum(addresses) as addresses, sum(grids) as grids, coalesce(max(d.patrols), 0) as patrols, coalesce(max(d.found), 0) as hazards_found,
         coalesce(max(d.reported), 0) as reported, coalesce(max(d.resolved), 0) as resolved
    from village_rollup r
    left join (select left(village_code, 6) as k, sum(patrols) as patrols, sum(hazards_found) as found, sum(reported) as reported, sum(resolved) as resolved
                 from village_day_rollup where day between '${FROM}' and '${TO}' and village_code like '62%' group by 1) d on d.k = left(r.village_code, 6)
   where r.village_code like '62%' group by 1 order by 1`;

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

const gw = await time(15, async () => {
  const res = await fetch(gatewayUrl!, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.counties as any[];
});
const c = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
await c.connect();
const raw = await time(5, async () => (await c.query(RAW_SQL)).rows);
const rolled = await time(15, async () => (await c.query(ROLLUP_SQL)).rows);
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
console.log(`| hand-written SQL on the raw facts (fewer statistics) | ${raw.ms.length} | ${f(pct(raw.ms, 50))} | ${f(pct(raw.ms, 95))} | ${(pct(gw.ms, 95) / pct(raw.ms, 95)).toFixed(2)} |`);
console.log(`| hand-written SQL on the roll-ups (fewer statistics) | ${rolled.ms.length} | ${f(pct(rolled.ms, 50))} | ${f(pct(rolled.ms, 95))} | ${(pct(gw.ms, 95) / pct(rolled.ms, 95)).toFixed(2)} |`);
console.log(`\nNumbers agree between the gateway and both SQL baselines for ${gw.last.length} counties × 10 figures: ${disagree.length ? `NO — ${disagree.slice(0, 3).join('; ')}` : 'yes'}.`);
console.log('Repeat: npm run bench -- reports');
