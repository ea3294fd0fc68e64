/**
 * npm run bench [-- <scenario> ...] [--seconds 30] [--province]
 * Starts the hub on its embedded database (demo data; province scale for the
 * reports scenario), drives it from this process with a closed-loop load
 * generator (N connections, each sending its next request when the last one
 * answered), and prints a markdown table per scenario. Each baseline is
 * measured in the same run, alternating with what it is compared to.
 * Scenarios: dashboard, entity, overhead, drilldown, fanout, writes, bulk, reports, lookup, soak (default: all),
 * and peers (only when named: the hub's gateway beside Hive Gateway and Grafbase, scripts/bench/peers.ts).
 * `--against DIR` also starts the hub of another checkout and measures it beside this one in the
 * dashboard and drill-down rounds (before/after ratios in one run).
 * `soak` drives the dashboard and the drill-down for --soak seconds (default
 * 300) and samples every process's memory as it goes.
 * `lookup` finds residents of 临潭县 (the seeds' 140,400) as its county caller: by ID number, by
 * name prefix (a surname) and by phone, each a different resident every request.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { commandArgs, userPath } from './lib/args.ts';
import pg from 'pg';
import { chinaDay } from '../domain/china-day.ts';
import { nthCitizenId } from '../domain/citizen-id.ts';
import { importPrivateKey, mintCallerToken, ROUTER_HEADER } from '../platform/auth.ts';
import { hugePages } from './lib/huge-pages.ts';
import { childrenOf, descendantsOf, processInfo, processTable } from './lib/processes.ts';
import { loadKeys } from './lib/keys.ts';
import { settingsOrExit } from '../platform/settings.ts';
import { dataVolume, embeddedOwnerUrl, ownerUrl } from './bench/db.ts';
import { closedLoop, day, merge, pct, post, postWithFetch, type Run } from './bench/load.ts';
import { addCpu, cpuProbe, CPU_PROCESSES, perRequest, serviceOf, totalCpu, zeroCpu, type CpuProbe, type CpuProcess } from './bench/cpu.ts';
import { floorTarget } from './bench/floor.ts';

const { values, positionals } = commandArgs(
  'npm run bench',
  'npm run bench [-- <scenario> ...] [--seconds 12] [--soak 300] [--province] [--against DIR]\n' +
    'scenarios: dashboard, entity, overhead, drilldown, fanout, writes, bulk, reports, lookup, soak (default: all), peers',
  {
    against: { type: 'string' },
    seconds: { type: 'string', default: '12' },
    soak: { type: 'string', default: '300' },
    province: { type: 'boolean', default: false },
  },
  true,
);
const ALL = ['dashboard', 'entity', 'overhead', 'drilldown', 'fanout', 'writes', 'bulk', 'reports', 'lookup', 'soak'];
const scenarios = positionals.length ? positionals : ALL;
const SECONDS = Number(values.seconds);
const settings = settingsOrExit();
const node = process.execPath;
const out: string[] = [];
const say = (s = '') => {
  console.log(s);
  out.push(s);
};

// ---------- the load generator ----------
/** An HTTP request, or (`send`) any other call that answers true when it succeeded (e.g. one SQL statement). */
type Target = { url: string; headers: Record<string, string>; body: () => string; send?: () => Promise<boolean>; cpu?: CpuProbe };

function drive(t: Target, connections: number, seconds: number): Promise<Run> {
  return closedLoop(t.send ?? (() => post(t.url, { headers: t.headers, body: t.body() })), connections, seconds);
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/** The value of the first series of metric `name` a service on `port` reports at /metrics; NaN when it has none. */
async function metricValue(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
}

async function sqlTotal(): Promise<number> {
  let total = 0;
  for (const port of Object.values(ports.subgraphs)) total += (await metricValue(port, 'hub_sql_request_statements_total')) || 0;
  return total;
}

interface Row {
  name: string;
  run: Run;
  sql: number;
  /** CPU ms per request of each of the hub's processes (scripts/bench/cpu.ts). */
  cpu: Record<CpuProcess, number>;
  /** CPU ms per request of the bench process itself, the load generator (not the hub's, so in no total). */
  client: number;
}
/**
 * Measures candidates alternately in rounds, so drift on a shared machine hits them alike. Every other round runs them
 * in reverse order, and the rounds are even in number: with an odd number the first candidate runs earlier on average,
 * which under a steady drift (a cache filling, the machine warming) is a bias, not noise.
 */
async function compare(targets: { name: string; target: Target }[], connections: number, rounds = 4): Promise<Row[]> {
  const acc = new Map<string, { runs: Run[]; sql: number; cpu: Record<CpuProcess, number>; client: number }>(
    targets.map((t) => [t.name, { runs: [], sql: 0, cpu: zeroCpu(), client: 0 }]),
  );
  for (const t of targets) await drive(t.target, connections, 1); // warm-up
  for (let i = 0; i < rounds; i++) {
    for (const t of i % 2 ? [...targets].reverse() : targets) {
      const before = await sqlTotal();
      // A variant served by another hub (--against) is charged to that hub's processes.
      const probe = t.target.cpu ?? cpu;
      const cpuBefore = probe.sample();
      const clientBefore = process.cpuUsage();
      const run = await drive(t.target, connections, SECONDS / rounds);
      const client = process.cpuUsage(clientBefore);
      const cpuAfter = probe.sample();
      const a = acc.get(t.name)!;
      a.runs.push(run);
      a.client += (client.user + client.system) / 1000;
      a.sql += (await sqlTotal()) - before;
      addCpu(a.cpu, perRequest(cpuBefore, cpuAfter, 1));
    }
  }
  return targets.map((t) => {
    const a = acc.get(t.name)!;
    const run = merge(a.runs);
    const n = Math.max(1, run.requests);
    return {
      name: t.name,
      run,
      sql: a.sql / n,
      cpu: Object.fromEntries(CPU_PROCESSES.map((p) => [p, a.cpu[p] / n])) as Record<CpuProcess, number>,
      client: a.client / n,
    };
  });
}

function table(title: string, rows: Row[], baseline?: string) {
  say(`\n### ${title}\n`);
  say('| variant | requests/s | p50 ms | p95 ms | p99 ms | errors | SQL statements / request | ratio vs baseline |');
  say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const base = rows.find((r) => r.name === baseline);
  for (const r of rows) {
    const rps = r.run.requests / r.run.seconds;
    const ratio = base ? rps / (base.run.requests / base.run.seconds) : NaN;
    say(
      `| ${r.name} | ${f1(rps)} | ${f1(pct(r.run.latencies, 50))} | ${f1(pct(r.run.latencies, 95))} | ${f1(pct(r.run.latencies, 99))} | ${r.run.errors} | ${f1(r.sql)} | ${base ? (r === base ? 'baseline' : f2(ratio)) : '–'} |`,
    );
  }
}

/** CPU ms per second of each of the hub's processes with no load (the outbox relays' polling, timers): a low request rate carries it. */
async function idleCpu(probe: CpuProbe): Promise<string> {
  const before = probe.sample();
  await new Promise((r) => setTimeout(r, 3000));
  const ms = perRequest(before, probe.sample(), 3);
  return CPU_PROCESSES.map((p) => `${p} ${f2(ms[p])}`).join(', ');
}

/** CPU ms per request of each process (scripts/bench/cpu.ts), per variant; `floor` names the variant the others are a multiple of. */
function cpuTable(title: string, rows: Row[], floor?: string) {
  say(`\n#### ${title}: CPU ms per request, per process\n`);
  say(`| variant | ${CPU_PROCESSES.join(' | ')} | total |${floor ? ' × floor |' : ''} bench client (not in total) |`);
  say(`| --- | ${CPU_PROCESSES.map(() => '---:').join(' | ')} | ---: |${floor ? ' ---: |' : ''} ---: |`);
  const base = rows.find((r) => r.name === floor);
  for (const r of rows) {
    const total = totalCpu(r.cpu);
    const times = base ? (r === base ? 'floor' : f1(total / totalCpu(base.cpu))) : '';
    say(`| ${r.name} | ${CPU_PROCESSES.map((p) => f2(r.cpu[p])).join(' | ')} | ${f2(total)} |${floor ? ` ${times} |` : ''} ${f2(r.client)} |`);
  }
}

// ---------- the hub ----------
const free = async () => {
  const { createServer } = await import('node:net');
  return new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
};
const ports = { gateway: await free(), subgraphs: { county: await free(), township: await free(), village: await free() }, stock: await free() };
const hubEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GATEWAY_PORT: String(ports.gateway),
  COUNTY_PORT: String(ports.subgraphs.county),
  TOWNSHIP_PORT: String(ports.subgraphs.township),
  VILLAGE_PORT: String(ports.subgraphs.village),
  HUB_LOG_LEVEL: 'warn',
  // The bench's own whole-country caller, for requests sent straight to subgraphs.
  HUB_NATIONAL_SUBJECTS: [process.env.HUB_NATIONAL_SUBJECTS, 'bench'].filter(Boolean).join(','),
  // The lookups scenario is one caller looking people up thousands of times a second: its quota is spent as a
  // person's would be (the same statement per request), but never runs out.
  HUB_LOOKUPS_PER_MINUTE: '1000000000',
  HUB_LOOKUPS_PER_DAY: '1000000000',
};
if (values.province || scenarios.includes('reports')) {
  console.log('Loading 甘肃 (62) at province scale (idempotent; minutes the first time)...');
  const r = spawnSync(node, ['scripts/load-province.ts', '62'], { env: hubEnv, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('load-province failed');
}
const children: ChildProcess[] = [];
async function startProcess(args: string[], ready: string, env = hubEnv, cwd?: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(node, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (c) => (text += c));
  child.stderr!.on('data', (c) => (text += c));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => text.includes(ready) && (clearInterval(timer), resolve()), 100);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}:\n${text}`)));
  });
  return { child, output: () => text };
}
process.on('exit', () => children.forEach((c) => c.kill('SIGTERM')));

const hub = await startProcess(['scripts/start.ts'], 'Press Ctrl-C');
const cpu = cpuProbe(hub.child.pid!, settings.embedded ? join(settings.dataDir, 'pg', 'postmaster.pid') : null);
/**
 * `--against DIR`: a second hub from another checkout (e.g. `git worktree add ../before <commit>`, then `npm ci`
 * there), on its own ports and its own embedded database, measured in the same rounds as this one.
 */
async function startAgainst(dir: string): Promise<{ url: string; villageDb?: string; headers: Record<string, string>; cpu: CpuProbe }> {
  // The same settings as this checkout's hub (the lookup quota that never runs out among them), on ports of its own.
  const env = {
    ...hubEnv,
    GATEWAY_PORT: String(await free()),
    COUNTY_PORT: String(await free()),
    TOWNSHIP_PORT: String(await free()),
    VILLAGE_PORT: String(await free()),
    HUB_PG_PORT: String(await free()),
    HUB_DATA_DIR: join(dir, '.data'),
    HUB_LOG_LEVEL: 'warn',
  };
  const other = await startProcess([join(dir, 'scripts/start.ts')], 'Press Ctrl-C', env, dir);
  const token = /administrator[^\n]*\n\s+(\S+)/.exec(other.output())![1]!;
  return {
    url: `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`,
    // On external databases both hubs read the same ones.
    villageDb: settings.embedded ? embeddedOwnerUrl(env.HUB_DATA_DIR, Number(env.HUB_PG_PORT), 'village') : undefined,
    headers: { authorization: `Bearer ${token}` },
    cpu: cpuProbe(other.child.pid!, settings.embedded ? join(env.HUB_DATA_DIR, 'pg', 'postmaster.pid') : null),
  };
}
const againstLabel = values.against ? `other checkout (${values.against})` : '';
const against = values.against ? await startAgainst(userPath(values.against)) : undefined;
const admin = /administrator[^\n]*\n\s+(\S+)/.exec(hub.output())![1]!;
const report = /report-only tool[^\n]*\n\s+(\S+)/.exec(hub.output())![1]!;
const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
const subgraphUrl = (n: keyof typeof ports.subgraphs) => `http://127.0.0.1:${ports.subgraphs[n]}/graphql`;
// Straight to a subgraph the way a router goes (docs/ARCHITECTURE.md §2): a caller's own token and the router secret.
const benchKeys = await loadKeys(settings);
const benchSigner = await importPrivateKey(benchKeys.caller.privateKey);
const benchCaller = (scopes: ('read' | 'write' | 'report' | 'pii' | 'admin')[]) =>
  mintCallerToken(benchSigner, { subject: 'bench', name: 'bench', jurisdiction: '*', scopes, ttl: 12 * 3600 });
const asRouter = { authorization: `Bearer ${await benchCaller(['read', 'write', 'report', 'pii', 'admin'])}`, [ROUTER_HEADER]: benchKeys.routerSecrets[0]! };
const asAdmin = { authorization: `Bearer ${admin}` };
const gql = (query: string, variables?: unknown) => () => JSON.stringify({ query, variables });
/** The `code` column of a statement on the village database (as its owner): the codes a scenario's requests vary over. */
async function villageCodes(text: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
  await c.connect();
  try {
    return (await c.query<{ code: string }>(text)).rows.map((r) => r.code);
  } finally {
    await c.end();
  }
}

/** RSS in MiB of each of the hub's services, with the processes under it (the gateway's workers). */
function rss(): Record<string, number> {
  const table = processTable();
  const out: Record<string, number> = {};
  for (const pid of childrenOf(hub.child.pid!, table)) {
    const name = serviceOf(pid) ?? 'other';
    // A service's workers count with it; PostgreSQL's backends (under "other") share its buffers: each one's RSS counts them again.
    const tree = name === 'other' ? [pid] : [pid, ...descendantsOf(pid, table)];
    out[name] = (out[name] ?? 0) + Math.round(tree.reduce((kb, p) => kb + (table.get(p)?.rssKb ?? 0), 0) / 1024);
  }
  return out;
}
const rssStart = rss();
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
say(`# Benchmark results\n`);
say(`- date: ${new Date().toISOString()}`);
say(
  `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; all processes on this one machine`,
);
say(`- commit: ${commit}`);
say(
  `- command: npm run bench -- ${scenarios.join(' ')} --seconds ${SECONDS}${scenarios.includes('soak') ? ` --soak ${values.soak}` : ''}${values.against ? ` --against ${values.against}` : ''}`,
);
say(`- load: closed loop from the bench process; ${SECONDS} s per variant in alternating rounds, after a 1 s warm-up`);
say(
  `- data (village database): ${await dataVolume(ownerUrl(settings, 'village'))}${against?.villageDb ? `; ${againstLabel}: ${await dataVolume(against.villageDb)}` : ''}`,
);
const huge = await hugePages(ownerUrl(settings, 'village'));
say(`- PostgreSQL's shared buffers in huge pages: ${huge === undefined ? 'unknown' : huge.on ? 'yes' : 'no'}`);

const today = chinaDay();
const month = today.slice(0, 8);

if (scenarios.includes('dashboard')) {
  const q = `query Dashboard { village(code: "623021200201") { name township { name } grids { code name fullyStaffed }
    population { residents households floating byTag { tag count } } forces { grids gridWorkers jointDefenseGroups householdCoverage patrolTeams }
    disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) { totalCount nodes { caseNumber status overdue } }
    patrols(from: "${month}01", to: "${today}") { totalCount nodes { startedAt hours } } } }`;
  // The physical limit: the same figures from one hand-written statement on the village database (scripts/bench/floor.ts).
  const floor = await floorTarget(ownerUrl(settings, 'village'), 20, '623021200201', `${month}01`, today);
  {
    // The floor must compute what the hub answers: the same counts, once, before timing either.
    const hubAnswer = (await (await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...asAdmin }, body: gql(q)() })).json())
      .data.village;
    const f = await floor.first();
    const pick = (v: typeof f) => [v.name, v.grids.length, v.population.residents, v.disputes.totalCount, v.patrols.totalCount].join(' / ');
    if (pick(f) !== pick(hubAnswer)) say(`\n> The floor statement's answer differs from the hub's: ${pick(f)} vs ${pick(hubAnswer)}.`);
  }
  // Unique requests: a different village of 临潭县 every request, so neither a shared fetch nor a kept statistic can serve two.
  const villages = await villageCodes(`select distinct village_code as code from grid where village_code like '623021%' order by 1`);
  let turn = 0;
  const unique = () => JSON.stringify({ query: q.replace('623021200201', villages[turn++ % villages.length]!) });
  const dashboardRows = await compare(
    [
      { name: 'gateway', target: { url: gatewayUrl, headers: asAdmin, body: gql(q) } },
      ...(against ? [{ name: againstLabel, target: { url: against.url, headers: against.headers, body: gql(q), cpu: against.cpu } }] : []),
      { name: 'gateway, a different village each request', target: { url: gatewayUrl, headers: asAdmin, body: unique } },
      {
        // The load generator's own cost shows in the hub's figures on 2 cores: the same requests sent with fetch.
        name: 'the same, sent with fetch',
        target: { url: gatewayUrl, headers: asAdmin, body: unique, send: () => postWithFetch(gatewayUrl, { headers: asAdmin, body: unique() }) },
      },
      ...(against
        ? [
            {
              name: `${againstLabel}, a different village each request`,
              target: { url: against.url, headers: against.headers, body: unique, cpu: against.cpu },
            },
          ]
        : []),
      { name: 'floor: one SQL statement', target: floor.target },
    ],
    20,
  );
  await floor.close();
  table(
    'Village dashboard (grids, population, forces, open disputes, this month’s patrols; one village for every request, or a different one of 临潭县’s each request), 20 connections',
    dashboardRows,
    against ? againstLabel : undefined,
  );
  cpuTable('Village dashboard', dashboardRows, 'floor: one SQL statement');
}

if (scenarios.includes('entity')) {
  // A trivial entity lookup across two subgraphs: the village subgraph resolves the village, the township subgraph one name.
  const codes = await villageCodes(`select code from village where code like '623021%' order by code`);
  let i = 0;
  const q = `query($c: String!) { village(code: $c) { township { name } } }`;
  const body = () => JSON.stringify({ query: q, variables: { c: codes[i++ % codes.length] } });
  const rows = await compare(
    [
      { name: 'village(code) { township { name } }', target: { url: gatewayUrl, headers: asAdmin, body } },
      ...(against ? [{ name: againstLabel, target: { url: against.url, headers: against.headers, body, cpu: against.cpu } }] : []),
    ],
    20,
  );
  table('Entity lookup: a village’s township name (a different village each request), 20 connections', rows, against ? againstLabel : undefined);
  cpuTable('Entity lookup', rows);
  say(`\nCPU ms per second with no load: ${await idleCpu(cpu)}${against ? `; ${againstLabel}: ${await idleCpu(against.cpu)}` : ''}.`);
}

if (scenarios.includes('overhead')) {
  const q = `{ village(code: "623021200201") { code name kind grids { code name } } }`;
  table(
    'Single-subgraph query: through the gateway vs straight to the village subgraph, 20 connections',
    await compare(
      [
        {
          name: 'straight to subgraph',
          target: {
            url: subgraphUrl('village'),
            get headers() {
              return asRouter;
            },
            body: gql(q),
          },
        },
        { name: 'through gateway', target: { url: gatewayUrl, headers: asAdmin, body: gql(q) } },
      ],
      20,
    ),
    'straight to subgraph',
  );
}

if (scenarios.includes('drilldown')) {
  const env = { ...hubEnv, BENCH_CALLER_TOKEN: await benchCaller(['read', 'report']), BENCH_ROUTER_SECRET: benchKeys.routerSecrets[0]! };
  await startProcess(
    ['scripts/bench/stock-gateway.ts', String(ports.stock), subgraphUrl('county'), subgraphUrl('township'), subgraphUrl('village')],
    'stock gateway ready',
    env,
  );
  const q = `{ county(code: "623021") { name townships { code name population { residents households } forces { grids jointDefenseGroups }
    disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved resolutionRate }
    villages { code name population { residents } forces { grids householdCoverage } disputeStats(from: "2025-10-01", to: "2026-09-30") { reported resolved } } } } }`;
  // Unique requests: a different period start each request (as the peers scenario's), so the dispute figures of
  // every division are computed, not kept: 181 starts × 163 divisions outrun the statistics cache in this rotation.
  let start = 0;
  const uniqueDrill = () =>
    JSON.stringify({
      query: q.replaceAll('2025-10-01', day('2025-10-01', start++ % 181)),
    });
  const drillRows = await compare(
    [
      { name: 'stock @apollo/gateway', target: { url: `http://127.0.0.1:${ports.stock}/`, headers: {}, body: gql(q) } },
      { name: 'our gateway', target: { url: gatewayUrl, headers: asAdmin, body: gql(q) } },
      { name: 'our gateway, a different period each request', target: { url: gatewayUrl, headers: asAdmin, body: uniqueDrill } },
      // A provincial reporting tool (report scope only), whose answers the gateway may serve again for HUB_REPORT_CACHE_SECONDS.
      { name: 'our gateway, report-only caller (cached)', target: { url: gatewayUrl, headers: { authorization: `Bearer ${report}` }, body: gql(q) } },
      ...(against
        ? [
            { name: `${againstLabel}, its gateway`, target: { url: against.url, headers: against.headers, body: gql(q), cpu: against.cpu } },
            {
              name: `${againstLabel}, a different period each request`,
              target: { url: against.url, headers: against.headers, body: uniqueDrill, cpu: against.cpu },
            },
          ]
        : []),
    ],
    20,
  );
  table('County drill-down (临潭县 → 16 townships → 147 villages with statistics), 20 connections', drillRows, 'stock @apollo/gateway');
  // The stock gateway is not one of the hub's processes: its row's gateway column is the hub's idle gateway.
  cpuTable('County drill-down', drillRows);
}

if (scenarios.includes('fanout')) {
  const codes = await villageCodes(`select code from village order by code limit 1000`);
  const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Village { code name grids { code } population { residents } } } }`;
  const t = (n: number) => ({
    name: `${n} representation${n > 1 ? 's' : ''}`,
    target: {
      url: subgraphUrl('village'),
      get headers() {
        return asRouter;
      },
      body: gql(q, { r: codes.slice(0, n).map((code) => ({ __typename: 'Village', code })) }),
    },
  });
  table(
    'Entity fan-out: _entities on the village subgraph (SQL statements must not grow), 4 connections',
    await compare([t(1), t(100), t(1000)], 4),
    '1 representation',
  );
}

if (scenarios.includes('writes')) {
  let i = 0;
  const run = Date.now();
  const q = `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`;
  // Spread over the grids of 临潭县, as a county's case desks report, except the dashboard village's: the cases stay
  // (a case's timeline is append-only); in the dashboard's village they piled up as open cases run after run (5,054
  // after a few runs), and all in one village they made each write recount that village's day of thousands of cases.
  const grids = await villageCodes(`select code from grid where county_code = '623021' and village_code <> '623021200201' order by 1`);
  const body = () =>
    JSON.stringify({
      query: q,
      variables: {
        k: `bench-${run}-${i}`,
        i: {
          gridCode: grids[i++ % grids.length],
          category: 'NEIGHBOUR',
          scale: 'ORDINARY',
          source: 'HOTLINE',
          summary: 'bench',
          parties: [{ name: '甲', role: 'APPLICANT' }],
        },
      },
    });
  // The creates a grid worker's phone sends (write.ts `once`): a hazard without a key (a lock, the sweep and read of
  // the caller's recent creates, the fingerprint written), with a new key (a lock, the key read, hub_write_key_held,
  // the key written), and sent again with a key already answered (a lock and the key read: the record as it stands,
  // nothing written); and a resident registered with a key. Every input differs, so no keyless create is the same
  // write as another (sameWrite, CONFLICT): such a refusal would be an error of the bench, and counts as one.
  const HAZARD = '（性能测试）';
  // ID numbers under an address code of their own (nthCitizenId), as the bulk scenario's imports use 659201: they
  // clash with no resident of the demo data or of that scenario, and the run removes them at its end.
  const ID_COUNTY = '659202';
  /** Removes the hazards and residents the scenario wrote, with their change-log entries and kept keys: how many of each. */
  const removeWritten = async (url = ownerUrl(settings, 'village')) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('begin');
    await c.query(`set local hub.skip_changes = 'on'`);
    const removed = { hazard: 0, person: 0, change_log: 0, write_key: 0 };
    // Their change-log entries and kept keys (with a key or without) go with them, or runs would pile them up.
    for (const [table, kind, mutation, where, arg] of [
      ['hazard', 'HAZARD', 'reportHazard', 'starts_with(description, $1)', HAZARD],
      ['person', 'RESIDENT', 'registerPerson', 'id_number like $1', `${ID_COUNTY}%`],
    ] as const) {
      const ids = `select id from ${table} where ${where}`;
      removed.change_log +=
        (await c.query(`delete from change_log where kind = '${kind}' and record_id in (select id::text from (${ids}) w)`, [arg])).rowCount ?? 0;
      removed.write_key += (await c.query(`delete from write_key where mutation = '${mutation}' and record_id in (${ids})`, [arg])).rowCount ?? 0;
      removed[table] += (await c.query(`delete from ${table} where ${where}`, [arg])).rowCount ?? 0;
    }
    await c.query('commit');
    await c.query('vacuum (analyze) hazard, person, change_log, write_key');
    await c.end();
    return `${removed.hazard} hazards and ${removed.person} residents, with ${removed.change_log} change-log entries and ${removed.write_key} kept keys`;
  };
  const left = await removeWritten(); // left by an interrupted run
  // With --against, the other checkout's hub registers residents and reports hazards too, in its own database.
  const otherDb = against?.villageDb;
  if (otherDb) await removeWritten(otherDb);
  let h = 0;
  const hazard = (key: boolean) => {
    const n = h++;
    return JSON.stringify({
      query: `mutation($i: HazardInput!, $k: String) { reportHazard(input: $i, idempotencyKey: $k) { id } }`,
      variables: {
        k: key ? `bench-${run}-h${n}` : null,
        i: {
          gridCode: grids[n % grids.length],
          kind: 'FIRE',
          description: `${HAZARD}楼道堆放杂物 ${run}-${n}`,
          location: `${(n % 30) + 1}号楼`,
          source: 'GRID_WORKER',
        },
      },
    });
  };
  // The keyed hazards answered so far: the retries send them again, each as it was first sent.
  const answered: string[] = [];
  let retry = 0;
  let p = 0;
  const person = () => {
    const n = p++;
    return JSON.stringify({
      query: `mutation($i: PersonInput!, $k: String!) { registerPerson(input: $i, idempotencyKey: $k) { id } }`,
      variables: {
        k: `bench-${run}-p${n}`,
        i: {
          name: '测试居民',
          idNumber: nthCitizenId(ID_COUNTY, n, n % 2 === 0).idNumber,
          ethnicity: '汉族',
          residency: 'REGISTERED',
          gridCode: grids[n % grids.length],
        },
      },
    });
  };
  const writeRows = await compare(
    [
      { name: 'reportDispute', target: { url: gatewayUrl, headers: asAdmin, body } },
      { name: 'reportHazard, no key', target: { url: gatewayUrl, headers: asAdmin, body: () => hazard(false) } },
      {
        name: 'reportHazard, a new key each',
        target: {
          url: gatewayUrl,
          headers: asAdmin,
          body: () => hazard(true),
          send: async () => {
            const b = hazard(true);
            const ok = await post(gatewayUrl, { headers: asAdmin, body: b });
            if (ok) answered.push(b);
            return ok;
          },
        },
      },
      {
        name: 'reportHazard, a retry of an answered key (nothing written)',
        target: {
          url: gatewayUrl,
          headers: asAdmin,
          body: () => {
            if (!answered.length) throw new Error('no keyed hazard answered yet to retry');
            return answered[retry++ % answered.length]!;
          },
        },
      },
      { name: 'registerPerson (keyed)', target: { url: gatewayUrl, headers: asAdmin, body: person } },
      ...(against
        ? [
            {
              name: `reportHazard, no key, ${againstLabel}`,
              target: { url: against.url, headers: against.headers, body: () => hazard(false), cpu: against.cpu },
            },
            { name: `registerPerson (keyed), ${againstLabel}`, target: { url: against.url, headers: against.headers, body: person, cpu: against.cpu } },
          ]
        : []),
    ],
    8,
    2,
  );
  table('Writes: creates per second (a different grid of 临潭县 each request, outside the dashboard village), 8 connections', writeRows);
  cpuTable('Writes', writeRows);
  // As many hazards and residents as the rows' requests without errors wrote (the warm-up's too; retries wrote none).
  say(
    `\nRemoved at the end: ${await removeWritten()}${left.startsWith('0 hazards and 0 residents') ? '' : `; at the start, left by an earlier run: ${left}`}${otherDb ? `; ${againstLabel}: ${await removeWritten(otherDb)}` : ''}.`,
  );
}

/** The last line of a command's output read as JSON (its summary), or {} when it wrote none (its stderr then says why). */
function lastJson(stdout: string): Record<string, unknown> {
  try {
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    return {};
  }
}

if (scenarios.includes('bulk')) {
  // The bulk path (generator + COPY + index rebuild) for one county, rolled back: residents per second.
  const r = spawnSync(node, ['scripts/bench/bulk.ts'], { env: hubEnv, encoding: 'utf8' });
  say(`\n### Bulk registry load\n\n${r.stdout.trim() || r.stderr.trim()}`);
  // The integrators' bulk path: 200,000 generated residents through `npm run import` (gateway, village
  // subgraph, batched upserts with every check), then removed again so runs do not pile up.
  const idCounty = '659201';
  const removeImported = async () => {
    const c = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
    await c.connect();
    await c.query('begin');
    await c.query(`set local hub.skip_changes = 'on'`);
    // Their entries in the change log go too, or every run would leave 200,000 CREATED entries for residents no
    // longer there in the change feed (and in the log's size).
    await c.query(`delete from change_log where kind = 'RESIDENT' and record_id in (select id::text from person where id_number like $1)`, [`${idCounty}%`]);
    await c.query(`delete from person where id_number like $1`, [`${idCounty}%`]);
    await c.query('commit');
    // The scenarios after this one read person through index-only scans, which visit the table for every row on a
    // page not yet marked all-visible: right after 200,000 rows came and went that was every page (a county
    // lookup by surname: 90 ms, 18 ms once vacuumed). Autovacuum does this within minutes; the bench does not wait.
    await c.query('vacuum (analyze) person, change_log');
    await c.end();
  };
  await removeImported(); // left by an interrupted run
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-import-'));
  const file = join(dir, 'residents.csv');
  spawnSync(node, ['scripts/make-residents.ts', '--out', file, '--county', '623021', '--id-county', idCounty, '--rows', '200000'], { encoding: 'utf8' });
  // Where an import's time goes: CPU per process over the import (the import client's own is this process's reaped
  // children's time, since spawnSync waits for it).
  const ownReaped = () => processInfo(process.pid)?.reapedCpuMs ?? 0;
  const [cpuBefore, clientBefore] = [cpu.sample(), ownReaped()];
  const imp = spawnSync(node, ['scripts/import.ts', 'residents', file, '--token', admin, '--url', gatewayUrl.replace('/graphql', '')], {
    env: hubEnv,
    encoding: 'utf8',
  });
  const [cpuAfter, clientAfter] = [cpu.sample(), ownReaped()];
  const done = lastJson(imp.stdout);
  say('\n| path | rows | seconds | rows/s | rejected |\n| --- | ---: | ---: | ---: | ---: |');
  say(
    `| npm run import (residents CSV, new rows) | ${done.inserted ?? '–'} | ${done.seconds ?? '–'} | ${done.rowsPerSecond ?? imp.stderr.trim().slice(0, 200)} | ${done.rejected ?? '–'} |`,
  );
  const importCpu = () => {
    if (typeof done.inserted !== 'number' || done.inserted <= 0) return;
    // µs of CPU per row for each process, and its share of the CPU the import took.
    const spent = { ...perRequest(cpuBefore, cpuAfter, 1), 'import client': clientAfter - clientBefore };
    const all = Object.values(spent).reduce((a, b) => a + b, 0);
    const rows = done.inserted;
    say(`\nCPU over the residents import (${(all / 1000).toFixed(1)} s of CPU for ${done.seconds} s on the clock), per process:\n`);
    say(`| process | CPU s | µs per row | share |\n| --- | ---: | ---: | ---: |`);
    for (const [name, ms] of Object.entries(spent)) {
      say(`| ${name} | ${(ms / 1000).toFixed(2)} | ${((ms * 1000) / rows).toFixed(1)} | ${((100 * ms) / Math.max(1, all)).toFixed(0)}% |`);
    }
  };
  await removeImported();
  // A register of cases from another system: 2,000 disputes whose two parties are residents of the county named by
  // ID number, as a dry run (every check and the whole write, rolled back), so that runs leave no cases behind.
  const people = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
  await people.connect();
  const residents = (
    await people.query<{ id_number: string; grid_code: string }>(
      `select id_number, grid_code from person where county_code = '623021' and status = 'ACTIVE' and id_number is not null order by id limit 4000`,
    )
  ).rows;
  await people.end();
  const cases = join(dir, 'disputes.csv');
  const stamp = Date.now().toString(36);
  writeFileSync(
    cases,
    [
      'external_id,grid_code,category,scale,source,summary,parties',
      ...Array.from({ length: residents.length / 2 }, (_, i) => {
        const [a, b] = [residents[2 * i]!, residents[2 * i + 1]!];
        return `bench-${stamp}-${i},${a.grid_code},NEIGHBOUR,ORDINARY,GRID_INSPECTION,邻里纠纷（性能测试）,APPLICANT:${a.id_number};RESPONDENT:${b.id_number}`;
      }),
    ].join('\n'),
  );
  const dry = spawnSync(node, ['scripts/import.ts', 'disputes', cases, '--dry-run', '--token', admin, '--url', gatewayUrl.replace('/graphql', '')], {
    env: hubEnv,
    encoding: 'utf8',
  });
  const cased = lastJson(dry.stdout);
  say(
    `| npm run import (disputes CSV, new cases with two parties each, dry run) | ${cased.inserted ?? '–'} | ${cased.seconds ?? '–'} | ${cased.rowsPerSecond ?? dry.stderr.trim().slice(0, 200)} | ${cased.rejected ?? '–'} |`,
  );
  importCpu();
  rmSync(dir, { recursive: true, force: true });
}

if (scenarios.includes('reports')) {
  const r = spawnSync(node, ['scripts/bench/reports.ts', gatewayUrl, report], { env: hubEnv, encoding: 'utf8' });
  say(`\n${r.stdout.trim()}${r.status ? `\n${r.stderr}` : ''}`);
}

if (scenarios.includes('lookup')) {
  // Residents to look up, drawn once from the county's own rows: their ID numbers, phones and surnames.
  const c = new pg.Client({ connectionString: ownerUrl(settings, 'village') });
  await c.connect();
  const county = '623021';
  const residents = Number((await c.query(`select count(*) as n from person where county_code = $1`, [county])).rows[0].n);
  const sample = (
    await c.query(
      `select id_number, phone, left(name, 1) as surname from person where county_code = $1 and id_number is not null order by random() limit 2000`,
      [county],
    )
  ).rows as { id_number: string; phone: string | null; surname: string }[];
  await c.end();
  const phones = sample.flatMap((r) => (r.phone ? [r.phone] : []));
  let i = 0;
  const next = <T>(xs: T[]) => xs[i++ % xs.length]!;
  // With --against, each lookup also runs on the other checkout's hub (the same seeded residents), in the same rounds.
  const lookup = (name: string, query: string, variables: () => Record<string, unknown>) => {
    const body = () => JSON.stringify({ query, variables: variables() });
    return [
      { name, target: { url: gatewayUrl, headers: asAdmin, body } },
      ...(against ? [{ name: `${name}, ${againstLabel}`, target: { url: against.url, headers: against.headers, body, cpu: against.cpu } }] : []),
    ];
  };
  const fields = 'id name idNumber phone village { name }';
  const rows = await compare(
    [
      ...lookup(
        'by ID number',
        `query($v: String!) { county(code: "${county}") { residents(filter: { idNumber: $v }, first: 5) { nodes { ${fields} } } } }`,
        () => ({ v: next(sample).id_number }),
      ),
      ...lookup(
        'by name prefix (a surname, first 20 and the total)',
        `query($v: String!) { county(code: "${county}") { residents(filter: { namePrefix: $v }, first: 20) { totalCount nodes { ${fields} } } } }`,
        () => ({ v: next(sample).surname }),
      ),
      ...lookup('by phone', `query($v: String!) { county(code: "${county}") { residents(filter: { phone: $v }, first: 5) { nodes { ${fields} } } } }`, () => ({
        v: next(phones),
      })),
    ],
    4,
  );
  table(`County-level lookups (临潭县, ${residents.toLocaleString('en')} residents, county caller with pii, audited), 4 connections`, rows);
  cpuTable('County-level lookups', rows);
  if (against) {
    const rate = (name: string) => {
      const r = rows.find((x) => x.name === name)!;
      return r.run.requests / r.run.seconds;
    };
    const names = rows.map((r) => r.name).filter((n) => !n.endsWith(againstLabel));
    say(`\nRequests/s of this checkout / ${againstLabel}, same rounds: ${names.map((n) => `${n} ${f2(rate(n) / rate(`${n}, ${againstLabel}`))}`).join('; ')}.`);
  }
}

if (scenarios.includes('soak')) {
  // Memory over a long run: the dashboard and the drill-down (read caller, not cached) at 10 connections each.
  const soakSeconds = Number(values.soak);
  const dash = `{ village(code: "623021200201") { name grids { code name fullyStaffed } population { residents households floating }
    forces { grids gridWorkers jointDefenseGroups householdCoverage patrolTeams }
    disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED] }, first: 20) { totalCount nodes { caseNumber status overdue } }
    patrols(from: "${month}01", to: "${today}") { totalCount } } }`;
  const drill = `{ county(code: "623021") { townships { code population { residents } villages { code population { residents } forces { grids } } } } }`;
  const samples: Record<string, number>[] = [rss()];
  // RSS keeps what V8 once grew its heap to; the heap in use right after a full collection is what a leak would raise.
  // Read every second from each service's /metrics, the lowest reading of each third of the soak stands for it (a
  // subgraph under this load collects its old generation about every 75 s: a third of the default 300 s holds one).
  const heapLows: Record<string, number>[] = [{}];
  const heapOf = async (name: string, port: number) => {
    const mib = Math.round((await metricValue(port, 'nodejs_heap_size_used_bytes')) / 2 ** 20);
    const low = heapLows.at(-1)!;
    if (Number.isFinite(mib)) low[name] = Math.min(low[name] ?? Infinity, mib);
  };
  const heapServices: [string, number][] = [...Object.entries(ports.subgraphs), ['gateway', ports.gateway]];
  const heapSampler = setInterval(() => void Promise.all(heapServices.map(([n, port]) => heapOf(n, port))).catch(() => {}), 1000);
  const sampler = setInterval(() => samples.push(rss()), Math.max(5, soakSeconds / 10) * 1000);
  const thirds = [1, 2].map((i) => setTimeout(() => heapLows.push({}), (i * soakSeconds * 1000) / 3));
  const [a, b] = await Promise.all([
    drive({ url: gatewayUrl, headers: asAdmin, body: gql(dash) }, 10, soakSeconds),
    drive({ url: gatewayUrl, headers: asAdmin, body: gql(drill) }, 10, soakSeconds),
  ]);
  clearInterval(sampler);
  clearInterval(heapSampler);
  thirds.forEach(clearTimeout);
  samples.push(rss());
  say(`\n### Soak: dashboard and drill-down together, 20 connections, ${soakSeconds} s\n`);
  say(`${a.requests + b.requests} requests, ${a.errors + b.errors} errors; RSS in MiB, sampled ${samples.length} times:\n`);
  say(`| process | ${samples.map((_, i) => (i === 0 ? 'start' : i === samples.length - 1 ? 'end' : `${i}`)).join(' | ')} |`);
  say(`| --- | ${samples.map(() => '---:').join(' | ')} |`);
  for (const k of Object.keys(samples.at(-1)!)) say(`| ${k} | ${samples.map((x) => x[k] ?? '–').join(' | ')} |`);
  say(`\nThe V8 heap in use after collections (the lowest of the readings taken each second), MiB, per third of the soak:\n`);
  say(`| service | ${heapLows.map((_, i) => ['first', 'second', 'last'][i]).join(' | ')} |`);
  say(`| --- | ${heapLows.map(() => '---:').join(' | ')} |`);
  for (const [k] of heapServices) say(`| ${k} | ${heapLows.map((x) => x[k] ?? '–').join(' | ')} |`);
}

// Only when named (it installs the peer routers on first use): scripts/bench/peers.ts.
if (scenarios.includes('peers')) await (await import('./bench/peers.ts')).benchPeers({ say, seconds: SECONDS, settings, gatewayUrl, subgraphUrl, free, cpu });

const rssEnd = rss();
say('\n### Memory (RSS, MiB) at start and end of the run\n');
say('| process | start | end |');
say('| --- | ---: | ---: |');
for (const k of Object.keys(rssEnd)) say(`| ${k} | ${rssStart[k] ?? '–'} | ${rssEnd[k]} |`);
mkdirSync('bench', { recursive: true });
const file = `bench/results-${new Date().toISOString().slice(0, 10)}.md`;
// A day's earlier runs stay: this one is added under a heading of its own, to be named like the others.
const earlier = existsSync(file);
if (earlier) appendFileSync(file, `\n${out.join('\n').replace(/^# Benchmark results/, `## Run of ${new Date().toISOString()}`)}\n`);
else writeFileSync(file, `${out.join('\n')}\n`);
console.log(`\n${earlier ? 'Added to' : 'Written to'} ${file}.`);
for (const c of children) c.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 3000));
process.exit(0);
