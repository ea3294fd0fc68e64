/**
 * `npm run bench -- peers`: the hub's gateway beside Hive Gateway (Rust query planner) and Grafbase, all three in
 * front of the same running subgraphs (the bench's hub), on the village dashboard, the county drill-down and a
 * single-subgraph query, 20 connections, in alternating rounds and two modes:
 * - unique: every request differs (a random village or county of the seed counties, a random list size or period
 *   start), so no router can serve many clients with one deduplicated fetch;
 * - identical: every client sends the same request.
 * The peers are installed on demand into a cache folder (scripts/lib/peers.ts) and configured from deploy/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importPrivateKey, mintCallerToken } from '../../platform/auth.ts';
import type { Settings, SubgraphName } from '../../platform/settings.ts';
import { installPeers, PEER_PACKAGES, startGrafbase, startHiveGateway, type RunningPeer } from '../lib/peers.ts';
import { loadKeys } from '../lib/keys.ts';
import { CPU_PROCESSES, treeCpu, type CpuProbe } from './cpu.ts';
import { ownerUrl } from './db.ts';
import { closedLoop, day, merge, pct, post, type Req, type Run } from './load.ts';

export interface PeersBench {
  say: (line?: string) => void;
  /** Seconds per router, per query and mode, split into alternating rounds. */
  seconds: number;
  settings: Settings;
  gatewayUrl: string;
  subgraphUrl: (name: SubgraphName) => string;
  free: () => Promise<number>;
  /** The hub's processes (scripts/bench/cpu.ts): its gateway, and the subgraphs and PostgreSQL every router shares. */
  cpu: CpuProbe;
}


const CONNECTIONS = 20;
/** Even, as scripts/bench.ts `compare`'s: each router's rounds then sit, on average, at the same point of any drift. */
const ROUNDS = 4;
const HUB = 'hub gateway';

function drive(url: string, next: () => Req, connections: number, seconds: number): Promise<Run> {
  return closedLoop(() => post(url, next()), connections, seconds);
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** The bench's queries (scripts/bench.ts: dashboard, drill-down, overhead) with what varies as variables. */
const DASHBOARD = `query Dashboard($code: String!, $first: Int!, $from: Date!, $to: Date!) { village(code: $code) { name township { name }
  grids { code name fullyStaffed } population { residents households floating byTag { tag count } }
  forces { grids gridWorkers jointDefenseGroups householdCoverage patrolTeams }
  disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: $first) { totalCount nodes { caseNumber status overdue } }
  patrols(from: $from, to: $to) { totalCount nodes { startedAt hours } } } }`;
const DRILLDOWN = `query DrillDown($code: String!, $from: Date!, $to: Date!) { county(code: $code) { name townships { code name
  population { residents households } forces { grids jointDefenseGroups } disputeStats(from: $from, to: $to) { reported resolved resolutionRate }
  villages { code name population { residents } forces { grids householdCoverage } disputeStats(from: $from, to: $to) { reported resolved } } } } }`;
const SINGLE = `query Village($code: String!) { village(code: $code) { code name kind grids { code name } } }`;

/** A router's rounds, and the CPU ms they cost in the router itself and behind it (the subgraphs and PostgreSQL). */
interface Measured {
  runs: Run[];
  router: number;
  behind: number;
}

/** CPU ms so far of the router and of the shared processes behind it. */
function cpuNow(probe: CpuProbe, routerPid: number | undefined): { router: number; behind: number } {
  const hub = probe.sample();
  const behind = CPU_PROCESSES.filter((p) => p !== 'gateway').reduce((sum, p) => sum + hub[p], 0);
  return { router: routerPid === undefined ? hub.gateway : treeCpu(routerPid), behind };
}

interface Query {
  name: string;
  unique: () => Req;
  identical: Req;
}

export async function benchPeers(b: PeersBench): Promise<void> {
  const peers = await installPeers();
  const keys = await loadKeys(b.settings);
  const routerSecret = keys.routerSecrets[0];
  if (!routerSecret) throw new Error('The bench hub has no router secret (HUB_ROUTER_SECRETS or HUB_DATA_DIR/keys).');
  if (!keys.caller.privateKey) throw new Error('The peers bench mints callers with the development caller key (HUB_DATA_DIR/keys).');
  const callerKey = await importPrivateKey(keys.caller.privateKey);

  // The seed counties' villages; each request goes as a caller of its own county (read scope).
  const c = new pg.Client({ connectionString: ownerUrl(b.settings, 'village') });
  await c.connect();
  // Villages with grids: the seeded ones (a directory load adds villages with no registry).
  const villages = (await c.query<{ code: string }>(`select code from village v where exists (select 1 from grid g where g.village_code = v.code) order by code`)).rows.map(
    (r) => r.code,
  );
  await c.end();
  const counties = [...new Set(villages.map((v) => v.slice(0, 6)))];
  const tokens = new Map<string, Record<string, string>>();
  for (const county of counties) {
    const t = await mintCallerToken(callerKey, { subject: `bench-peers-${county}`, name: 'bench (peers)', jurisdiction: county, scopes: ['read'], ttl: 4 * 3600 });
    // The client asks for compressed answers, as a browser does (fetch: gzip, deflate, br, zstd). Each router does what
    // it does by default: the hub's gateway gzips answers over 1 KB (level 1), Grafbase compresses, Hive Gateway does not.
    tokens.set(county, { authorization: `Bearer ${t}` });
  }
  const as = (code: string) => tokens.get(code.slice(0, 6))!;
  const req = (query: string, variables: Record<string, unknown>, code: string): Req => ({ headers: as(code), body: JSON.stringify({ query, variables }) });

  const demo = b.settings.demoDate;
  const month = `${demo.slice(0, 8)}01`;
  const yearStart = day(demo, -364);
  const queries: Query[] = [
    {
      name: 'village dashboard',
      unique: () => {
        const code = pick(villages);
        return req(DASHBOARD, { code, first: int(10, 30), from: month, to: demo }, code);
      },
      identical: req(DASHBOARD, { code: '623021200201', first: 20, from: month, to: demo }, '623021200201'),
    },
    {
      name: 'county drill-down',
      unique: () => {
        const code = pick(counties);
        return req(DRILLDOWN, { code, from: day(yearStart, int(0, 180)), to: demo }, code);
      },
      identical: req(DRILLDOWN, { code: '623021', from: yearStart, to: demo }, '623021'),
    },
    {
      name: 'single-subgraph query',
      unique: () => {
        const code = pick(villages);
        return req(SINGLE, { code }, code);
      },
      identical: req(SINGLE, { code: '623021200201' }, '623021200201'),
    },
  ];

  const warmSeconds = Math.max(2, b.seconds / ROUNDS);
  const work = mkdtempSync(join(tmpdir(), 'hub-bench-peers-'));
  const subgraphUrls = { county: b.subgraphUrl('county'), township: b.subgraphUrl('township'), village: b.subgraphUrl('village') };
  const running: RunningPeer[] = [];
  try {
    running.push(await startHiveGateway(peers, { subgraphUrls, routerSecret, port: await b.free(), workDir: join(work, 'hive') }));
    running.push(await startGrafbase(peers, { subgraphUrls, routerSecret, port: await b.free(), workDir: join(work, 'grafbase') }));
    const routers: { name: string; url: string; pid?: number }[] = [{ name: HUB, url: b.gatewayUrl }, ...running.map((p) => ({ name: p.name, url: p.url, pid: p.child.pid }))];

    // The same answer from every router, before any timing.
    const differing: string[] = [];
    for (const q of queries) {
      const answers = await Promise.all(
        routers.map(async (r) => {
          const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json', ...q.identical.headers }, body: q.identical.body });
          return JSON.stringify(await res.json());
        }),
      );
      if (!answers.every((a) => a === answers[0])) differing.push(q.name);
    }

    b.say(`\n### Peers: the hub's gateway, Hive Gateway ${PEER_PACKAGES['@graphql-hive/gateway']} (Rust query planner) and Grafbase ${PEER_PACKAGES['@grafbase/cli-x86_64-unknown-linux-musl']}, same subgraphs, ${CONNECTIONS} connections\n`);
    b.say(
      `Installed on demand in ${peers.dir}. ${ROUNDS} alternating rounds per query and mode, ${f1(b.seconds / ROUNDS)} s each, after an untimed round of ${f1(warmSeconds)} s each. ` +
        `Unique: a random village or county of the ${counties.length} seed counties, a random list size or period start per request; ` +
        `the client accepts compressed answers (gzip, br, zstd), as a browser does; ` +
        `identical: one request from every client. Answers of the three routers: ${differing.length ? `DIFFER for ${differing.join(', ')}` : 'identical'}.\n`,
    );
    b.say(
      'CPU ms per request (utime + stime from /proc, summed over alternating rounds): the router\'s own process (and any it forked), and the subgraphs and PostgreSQL behind it, which the three routers share.\n',
    );
    b.say('| query | requests | router | requests/s | p50 ms | p95 ms | p97.5 ms | errors | router CPU ms | subgraphs + PostgreSQL CPU ms |');
    b.say('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const ratios: string[] = [];
    for (const mode of ['unique', 'identical'] as const) {
      for (const q of queries) {
        const next = mode === 'unique' ? q.unique : () => q.identical;
        const measured = new Map<string, Measured>(routers.map((r) => [r.name, { runs: [], router: 0, behind: 0 }]));
        // An untimed round first, as long as a timed one: the subgraphs' caches the routers share (statistics kept per
        // village and period, compiled query shapes) fill during the first seconds of unique requests, and after a
        // 1 s warm-up the router listed first (the hub's) took the coldest timed slot every time: behind it the
        // subgraphs and PostgreSQL spent 10-20% more CPU per unique dashboard than behind Grafbase (Runs BT, BU, BY).
        for (const r of routers) await drive(r.url, next, CONNECTIONS, warmSeconds);
        for (let i = 0; i < ROUNDS; i++) {
          for (const r of i % 2 ? [...routers].reverse() : routers) {
            const m = measured.get(r.name)!;
            const before = cpuNow(b.cpu, r.pid);
            m.runs.push(await drive(r.url, next, CONNECTIONS, b.seconds / ROUNDS));
            const after = cpuNow(b.cpu, r.pid);
            m.router += after.router - before.router;
            m.behind += after.behind - before.behind;
          }
        }
        const rps = new Map<string, number>();
        for (const r of routers) {
          const m = measured.get(r.name)!;
          const all = merge(m.runs);
          const n = Math.max(1, all.requests);
          rps.set(r.name, all.requests / all.seconds);
          b.say(
            `| ${q.name} | ${mode} | ${r.name} | ${f1(all.requests / all.seconds)} | ${f1(pct(all.latencies, 50))} | ${f1(pct(all.latencies, 95))} | ${f1(pct(all.latencies, 97.5))} | ${all.errors} | ${f2(m.router / n)} | ${f2(m.behind / n)} |`,
          );
        }
        const [fastest, best] = [...rps].filter(([n]) => n !== HUB).sort((x, y) => y[1] - x[1])[0]!;
        // The same ratio within each round (the two routers' slots of one round lie seconds apart): how far
        // the machine's speed moved it. When the rounds straddle 1.0, this run cannot tell the routers apart.
        const rate = (run: Run) => run.requests / Math.max(1e-9, run.seconds);
        const hubRuns = measured.get(HUB)!.runs;
        const perRound = measured.get(fastest)!.runs.map((peer, i) => rate(hubRuns[i]!) / Math.max(1e-9, rate(peer)));
        ratios.push(
          `| ${q.name} | ${mode} | ${f1(rps.get(HUB)!)} | ${fastest} (${f1(best)}) | ${f2(rps.get(HUB)! / best)} | ${f2(Math.min(...perRound))}–${f2(Math.max(...perRound))} |`,
        );
      }
    }
    b.say('\n| query | requests | hub gateway requests/s | fastest peer (requests/s) | hub ÷ fastest peer | the same within each round |');
    b.say('| --- | --- | ---: | --- | ---: | ---: |');
    for (const line of ratios) b.say(line);
  } finally {
    await Promise.all(running.map((p) => p.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}
