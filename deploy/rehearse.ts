/**
 * The multi-host rehearsal on one machine (docs/deploy.md, `npm run rehearse`):
 *  - one PostgreSQL server per subgraph (embedded servers, own ports and data),
 *    migrated and seeded as `npm start` does (scripts/lib/setup.ts);
 *  - two replicas of each subgraph and two gateways, started with the same
 *    settings the hub's start path gives them, each subgraph pair and the
 *    gateway pair behind HAProxy (round robin, checks on /health);
 *  - the examples, then a dispute escalation drill (village → township →
 *    county → result back to the village) through the gateways' frontend,
 *    while one replica of each subgraph is killed (SIGKILL) and restarted;
 *  - the check: every escalation arrived exactly once at each level and every
 *    event left an outbox once into its target's inbox; a summary table.
 * Everything listens on 127.0.0.1, every wait is bounded, and everything it
 * started is stopped at the end (HUB_REHEARSAL_KEEP=1 keeps its folder).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { makeCitizenId } from '../domain/citizen-id.ts';
import { main as countyReport } from '../examples/county-report.ts';
import { main as register } from '../examples/registration-form.ts';
import { main as caseDesk } from '../examples/township-case-desk.ts';
import { main as dashboard } from '../examples/village-dashboard.ts';
import { importPrivateKey, mintCallerToken } from '../platform/auth.ts';
import type { Scope } from '../platform/caller.ts';
import { DEFAULT_DEMO_DATE, parseSettings, SUBGRAPHS, type DatabaseSettings, type SubgraphName } from '../platform/settings.ts';
import { ensureDatabases } from '../scripts/lib/databases.ts';
import { startEmbeddedPg, type EmbeddedPg } from '../scripts/lib/embedded-pg.ts';
import { keyEnv, loadKeys } from '../scripts/lib/keys.ts';
import { loadDirectory, migrateAll, seedDemo } from '../scripts/lib/setup.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOST = '127.0.0.1';
/** The seed's counties the rehearsal loads: 临潭县 (the drill, the dashboard, the desk, the report) and 卓尼县 (the registration form). */
const SCOPE = ['623021', '623022'];
const DISPUTES = Number(process.env.HUB_REHEARSAL_DISPUTES ?? 90);
const WIDTH = 6;
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const log = (m: string) => console.log(`[rehearse ${secs().padStart(6)} s] ${m}`);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `fn` every 200 ms until it returns something truthy, for at most `ms`. */
async function until<T>(what: string, ms: number, fn: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

async function healthy(port: number): Promise<boolean> {
  const res = await fetch(`http://${HOST}:${port}/health`, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
}

/** HAProxy's counters per server: requests it sent there (stot) and how often its checks took it out (chkdown). */
async function haproxyStats(port: number): Promise<Map<string, { requests: number; downs: number }>> {
  const csv = await (await fetch(`http://${HOST}:${port}/stats;csv`)).text();
  const head = csv.split('\n')[0]!.replace(/^# /, '').split(',');
  const out = new Map<string, { requests: number; downs: number }>();
  for (const r of csv
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))) {
    const name = r[head.indexOf('svname')] ?? '';
    if (r.length < 5 || name === 'FRONTEND' || name === 'BACKEND' || r[head.indexOf('pxname')] === 'stats') continue;
    out.set(name, { requests: Number(r[head.indexOf('stot')] ?? 0), downs: Number(r[head.indexOf('chkdown')] ?? 0) });
  }
  return out;
}

// ---- what runs ---------------------------------------------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), 'hub-rehearsal-'));
chmodSync(work, 0o755); // PostgreSQL runs as its own user when we are root
const servers: Partial<Record<SubgraphName, EmbeddedPg>> = {};
const children = new Map<string, ChildProcess>();
let haproxy: ChildProcess | undefined;

/** A Node service of the hub (a subgraph replica or a gateway), its output in the rehearsal's folder. */
interface Service {
  name: string;
  script: string;
  port: number;
  env: NodeJS.ProcessEnv;
  starts: number;
  kills: number;
}

async function start(s: Service): Promise<void> {
  const out = createWriteStream(join(work, `${s.name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(ROOT, s.script)], { env: s.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.set(s.name, child);
  s.starts++;
  let exited = false;
  child.once('exit', () => (exited = true));
  await until(`${s.name} on port ${s.port} to be healthy (log: ${join(work, `${s.name}.log`)})`, 120_000, async () => {
    if (exited) throw new Error(`${s.name} exited while starting; see ${join(work, `${s.name}.log`)}`);
    return healthy(s.port);
  });
}

/** Ends a process as a crash would (SIGKILL), or politely (SIGTERM, then SIGKILL after 10 s). */
async function stopChild(name: string, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const child = children.get(name);
  children.delete(name);
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

/** Stops from the front: the load balancer (no new requests, its kept-alive connections close), the gateways, the subgraphs, the databases. */
async function stopAll(): Promise<void> {
  if (haproxy && haproxy.exitCode === null && haproxy.signalCode === null) {
    const gone = new Promise<void>((ok) => haproxy!.once('exit', () => ok()));
    haproxy.kill('SIGTERM');
    await gone;
  }
  await Promise.all([...children.keys()].filter((n) => n.startsWith('gateway')).map((n) => stopChild(n, 'SIGTERM')));
  await Promise.all([...children.keys()].map((n) => stopChild(n, 'SIGTERM')));
  for (const s of Object.values(servers)) await s.stop().catch(() => {});
  if (process.env.HUB_REHEARSAL_KEEP === '1') log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

// ---- the GraphQL client the drill uses -----------------------------------------------------------------------------

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let gatewayUrl = '';
/** Error codes the drill met, by code (a request that died with its replica is answered, then re-read and repeated as needed). */
const errorCodes = new Map<string, number>();
let requests = 0;

async function gql<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<Answer<T>> {
  requests++;
  try {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'accept-language': 'en' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as Answer<T>;
    for (const e of body.errors ?? []) errorCodes.set(e.extensions?.code ?? 'ERROR', (errorCodes.get(e.extensions?.code ?? 'ERROR') ?? 0) + 1);
    return body;
  } catch (e) {
    // No GraphQL answer: the connection died with a gateway, or the load balancer had no gateway for a moment.
    errorCodes.set('NO_ANSWER', (errorCodes.get('NO_ANSWER') ?? 0) + 1);
    return { errors: [{ message: (e as Error).message, extensions: { code: 'NO_ANSWER' } }] };
  }
}

interface State {
  status: string;
  version: number;
}

/**
 * Moves a record to `target` as a client that cannot trust every answer would:
 * reads its state, runs the mutation its status calls for, and reads again.
 * A mutation whose answer was lost (its replica died) is not repeated blindly:
 * the next read shows whether it ran, and a stale version is refused (CONFLICT).
 */
async function drive(
  what: string,
  read: () => Promise<State | null>,
  next: Record<string, (version: number) => Promise<unknown>>,
  target: string,
): Promise<void> {
  const end = Date.now() + 120_000;
  for (;;) {
    const s = await read().catch(() => null);
    if (s?.status === target) return;
    if (s && next[s.status]) await next[s.status]!(s.version);
    else await sleep(150);
    if (Date.now() > end) throw new Error(`${what}: still ${s?.status ?? 'not there'} after 120 s (want ${target})`);
  }
}

// ---- the run -------------------------------------------------------------------------------------------------------

interface DrillCase {
  id: string;
  village: string;
}

async function main(): Promise<number> {
  log(`folder ${work}`);
  if (spawnSync('haproxy', ['-v']).status !== 0) {
    if (process.getuid?.() !== 0) throw new Error('haproxy is not installed (apt-get install haproxy, as root).');
    log('installing haproxy (apt-get)');
    const apt = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy'], { stdio: 'inherit' });
    if (apt.status !== 0) throw new Error('apt-get install haproxy failed');
  }

  // One PostgreSQL server per subgraph: as on separate database hosts, nothing is shared but the network.
  const dbs = {} as Record<SubgraphName, DatabaseSettings>;
  const pgPorts = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) {
    pgPorts[name] = await freePort();
    const server = await startEmbeddedPg({ dir: join(work, `pg-${name}`), port: pgPorts[name] });
    servers[name] = server;
    const passwords = { owner: randomBytes(18).toString('base64url'), app: randomBytes(18).toString('base64url') };
    dbs[name] = (await ensureDatabases(server.adminUrl, passwords))[name];
    log(`PostgreSQL for ${name} on port ${pgPorts[name]}`);
  }
  await migrateAll(dbs);
  await loadDirectory(dbs, SCOPE);
  await seedDemo(dbs, SCOPE, DEFAULT_DEMO_DATE);
  log(`migrated and seeded ${SCOPE.join(', ')} into the three servers`);

  // Keys and secrets as the start path makes them (scripts/lib/keys.ts), under the rehearsal's folder.
  const keys = await loadKeys(parseSettings({ HUB_DATA_DIR: work }));
  const shared: NodeJS.ProcessEnv = { ...keyEnv(keys) };
  // Routers prove themselves to subgraphs with one of HUB_ROUTER_SECRETS (the first is the one the hub's gateway sends).
  shared.HUB_ROUTER_SECRETS ??= randomBytes(32).toString('base64url');

  const ports = {
    front: { county: await freePort(), township: await freePort(), village: await freePort(), gateway: await freePort() },
    county: [await freePort(), await freePort()],
    township: [await freePort(), await freePort()],
    village: [await freePort(), await freePort()],
    gateway: [await freePort(), await freePort()],
    stats: await freePort(),
  };
  const fill: Record<string, number | string> = {
    HOST,
    COUNTY_FRONT: ports.front.county,
    TOWNSHIP_FRONT: ports.front.township,
    VILLAGE_FRONT: ports.front.village,
    GATEWAY_FRONT: ports.front.gateway,
    STATS: ports.stats,
  };
  for (const n of [...SUBGRAPHS, 'gateway'] as const) for (const i of [0, 1]) fill[`${n.toUpperCase()}_${i + 1}`] = ports[n][i]!;
  const cfg = readFileSync(join(ROOT, 'deploy/haproxy/haproxy.cfg.template'), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(fill[k]));
  const cfgFile = join(work, 'haproxy.cfg');
  writeFileSync(cfgFile, cfg);
  const check = spawnSync('haproxy', ['-c', '-q', '-f', cfgFile], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejects ${cfgFile}: ${check.stderr}`);
  haproxy = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const haproxyLog = createWriteStream(join(work, 'haproxy.log'));
  haproxy.stdout!.pipe(haproxyLog);
  haproxy.stderr!.pipe(haproxyLog);
  await until('HAProxy stats', 20_000, async () => (await fetch(`http://${HOST}:${ports.stats}/stats;csv`)).ok);
  log(`HAProxy: county :${ports.front.county}, township :${ports.front.township}, village :${ports.front.village}, gateway :${ports.front.gateway}`);

  // Every process sees the subgraphs through their frontends: the gateways query them there and the relays send events there.
  const base: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_COMPILE_CACHE: join(work, 'node-compile-cache'),
    NODE_ENV: 'development',
    HUB_HOST: HOST,
    HUB_DATA_DIR: work,
    HUB_GATEWAY_WORKERS: '1',
    ...shared,
    COUNTY_URL: `http://${HOST}:${ports.front.county}/graphql`,
    TOWNSHIP_URL: `http://${HOST}:${ports.front.township}/graphql`,
    VILLAGE_URL: `http://${HOST}:${ports.front.village}/graphql`,
    COUNTY_PORT: String(ports.front.county),
    TOWNSHIP_PORT: String(ports.front.township),
    VILLAGE_PORT: String(ports.front.village),
    GATEWAY_PORT: String(ports.front.gateway),
  };
  for (const n of SUBGRAPHS) {
    base[`${n.toUpperCase()}_DATABASE_URL`] = dbs[n].url;
    base[`${n.toUpperCase()}_MIGRATION_DATABASE_URL`] = dbs[n].migrationUrl;
  }
  const services: Service[] = [];
  for (const n of SUBGRAPHS) {
    for (const i of [0, 1]) {
      const port = ports[n][i]!;
      services.push({
        name: `${n}-${i + 1}`,
        script: `subgraphs/${n}/src/main.ts`,
        port,
        env: { ...base, [`${n.toUpperCase()}_PORT`]: String(port) },
        starts: 0,
        kills: 0,
      });
    }
  }
  for (const i of [0, 1]) {
    const port = ports.gateway[i]!;
    services.push({ name: `gateway-${i + 1}`, script: 'gateway/src/main.ts', port, env: { ...base, GATEWAY_PORT: String(port) }, starts: 0, kills: 0 });
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  await Promise.all(services.filter((s) => !s.name.startsWith('gateway')).map((s) => start(s)));
  await Promise.all(services.filter((s) => s.name.startsWith('gateway')).map((s) => start(s)));
  gatewayUrl = `http://${HOST}:${ports.front.gateway}/graphql`;
  await until('the gateway frontend', 30_000, () => healthy(ports.front.gateway));
  log(`six subgraph replicas and two gateways are up; clients use ${gatewayUrl}`);

  const key = await importPrivateKey(keys.caller.privateKey);
  const token = (subject: string, jurisdiction: string, scopes: Scope[]) => mintCallerToken(key, { subject, name: subject, jurisdiction, scopes, ttl: 3600 });

  // The examples for frontend teams, through the gateways' frontend.
  const examples: [string, string][] = [];
  const runExamples = async (round: number) => {
    const d = await dashboard(gatewayUrl, await token('rehearsal-village', '623021200201', ['read']), '623021200201');
    const id = makeCitizenId('623022', '1992-04-18', 700 + round);
    const r = await register(gatewayUrl, await token('rehearsal-registrar', '623022', ['read', 'write', 'pii']), '623022100001001', id, '卓玛');
    const desk = await caseDesk(gatewayUrl, await token('rehearsal-township', '623021200', ['read']), '623021200');
    const report = await countyReport(gatewayUrl, await token('rehearsal-report', '62', ['report']), '623021', '2026');
    examples.push(
      [`village-dashboard (${round})`, `${d.title}: ${d.residents} residents, ${d.grids} grids`],
      [`registration-form (${round})`, `${r.summary} (version ${r.version})`],
      [`township-case-desk (${round})`, `${desk.township}: ${desk.open} open of ${desk.cases} cases, ${desk.overdue} overdue`],
      [`county-report (${round})`, `${report.county}: ${report.rows.length} rows`],
    );
  };
  await runExamples(1);
  log('the four examples ran through the gateways');

  // The drill's places: villages of three townships of 临潭县, a grid of each.
  const countyToken = await token('rehearsal-county-623021', '623021', ['read', 'write', 'report']);
  const places = await gql<{ county: { townships: { code: string; villages: { code: string; grids: { code: string }[] }[] }[] } }>(
    countyToken,
    `{ county(code: "623021") { townships { code villages { code grids { code } } } } }`,
  );
  const villages = (places.data?.county.townships ?? [])
    .slice(0, 3)
    .flatMap((t) => t.villages.slice(0, 2))
    .filter((v) => v.grids.length > 0);
  if (villages.length < 3) throw new Error(`the drill needs villages: ${JSON.stringify(places.errors ?? places.data)}`);
  const callers = new Map<string, { village: string; township: string; county: string }>();
  for (const v of villages) {
    callers.set(v.code, {
      village: await token(`village-${v.code}`, v.code, ['read', 'write', 'pii']),
      township: await token(`township-${v.code.slice(0, 9)}`, v.code.slice(0, 9), ['read', 'write']),
      county: await token(`county-${v.code.slice(0, 6)}`, v.code.slice(0, 6), ['read', 'write', 'report']),
    });
  }

  type Read = { dispute: { status: string; version: number; townshipCase: State | null; countyCase: State | null } | null };
  const readAs = async (tok: string, id: string, field: 'status' | 'townshipCase' | 'countyCase'): Promise<State | null> => {
    const sel = field === 'status' ? 'status version' : `${field} { status version }`;
    const r = await gql<Read>(tok, `{ dispute(id: "${id}") { ${sel} } }`);
    const d = r.data?.dispute;
    if (!d) return null;
    return field === 'status' ? { status: d.status, version: d.version } : d[field];
  };
  const mutate = (tok: string, m: string) => gql(tok, `mutation { ${m} { __typename } }`);

  const drillCases: DrillCase[] = [];
  let done = 0;
  const oneCase = async (n: number): Promise<void> => {
    const v = villages[n % villages.length]!;
    const c = callers.get(v.code)!;
    // Reporting is repeated with its idempotency key until it answers: a report whose answer was lost is not filed twice.
    const idemKey = `rehearsal-${randomUUID()}`;
    let id: string | undefined;
    await until(`dispute ${n} reported`, 120_000, async () => {
      const r = await gql<{ reportDispute: { id: string } }>(
        c.village,
        `mutation($i: DisputeInput!, $k: String!) { reportDispute(input: $i, idempotencyKey: $k) { id } }`,
        {
          k: idemKey,
          i: {
            gridCode: v.grids[n % v.grids.length]!.code,
            category: 'NEIGHBOUR',
            scale: 'ORDINARY',
            source: 'WALK_IN',
            summary: `演练纠纷 ${n}：两户因院墙排水沟发生争执`,
            parties: [
              { name: '杨卓玛', role: 'APPLICANT' },
              { name: '李永福', role: 'RESPONDENT' },
            ],
          },
        },
      );
      id = r.data?.reportDispute.id;
      return id;
    });
    const d = id!;
    drillCases.push({ id: d, village: v.code });
    await drive(
      `dispute ${n} at the village`,
      () => readAs(c.village, d, 'status'),
      {
        REPORTED: (ver) => mutate(c.village, `acceptDispute(id: "${d}", version: ${ver})`),
        ACCEPTED: (ver) => mutate(c.village, `escalateDispute(id: "${d}", version: ${ver}, reason: "需乡镇协调")`),
      },
      'ESCALATED',
    );
    await drive(
      `dispute ${n} at the township`,
      () => readAs(c.township, d, 'townshipCase'),
      {
        RECEIVED: (ver) => mutate(c.township, `acceptTownshipCase(disputeId: "${d}", version: ${ver})`),
        ACCEPTED: (ver) => mutate(c.township, `escalateTownshipCase(disputeId: "${d}", version: ${ver}, reason: "需县级协调")`),
      },
      'ESCALATED',
    );
    await drive(
      `dispute ${n} at the county`,
      () => readAs(c.county, d, 'countyCase'),
      {
        RECEIVED: (ver) => mutate(c.county, `acceptCountyCase(disputeId: "${d}", version: ${ver})`),
        ACCEPTED: (ver) => mutate(c.county, `resolveCountyCase(disputeId: "${d}", version: ${ver}, outcome: AGREEMENT)`),
      },
      'RESOLVED',
    );
    // The county's result comes back to the village record.
    await drive(`dispute ${n} back at the village`, () => readAs(c.village, d, 'status'), {}, 'RESOLVED');
    done++;
  };

  // Chaos during the drill: one replica of each subgraph, and one gateway, is killed as a crash would end it, and started again.
  // Each waits for its share of the drill to be done, so the kills fall at different stages of the escalations.
  const chaos: string[] = [];
  const chaosRun = Promise.all(
    ['village-1', 'township-1', 'county-1', 'gateway-2'].map(async (name, k) => {
      await until(`drill progress before killing ${name}`, 600_000, async () => done >= Math.floor((DISPUTES * (k + 1)) / 6));
      const s = byName.get(name)!;
      const at = done;
      await stopChild(name, 'SIGKILL');
      s.kills++;
      await sleep(2000);
      await start(s);
      chaos.push(`${name}: SIGKILL with ${at}/${DISPUTES} disputes done, restarted and healthy with ${done}/${DISPUTES} done`);
      log(chaos.at(-1)!);
    }),
  );

  const before = await haproxyStats(ports.stats);
  log(`drill: ${DISPUTES} disputes, ${WIDTH} at a time, over ${villages.length} villages of 临潭县`);
  const drillStart = performance.now();
  const queue = Array.from({ length: DISPUTES }, (_, i) => i);
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: WIDTH }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await oneCase(n).catch((e: Error) => failures.push(e.message));
    }),
  );
  await chaosRun;
  const drillSecs = ((performance.now() - drillStart) / 1000).toFixed(1);
  log(`drill done in ${drillSecs} s (${failures.length} failed)`);
  await runExamples(2);
  log('the examples ran again after the restarts');

  // ---- the check, on each subgraph's own server, as its owner ----
  const ids = drillCases.map((c) => c.id);
  const q = async <R extends object>(name: SubgraphName, text: string, params: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: dbs[name].migrationUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  };
  // Every relay is done once no outbox has an undelivered event (bounded).
  await until('every outbox delivered', 60_000, async () => {
    for (const n of SUBGRAPHS)
      if (Number((await q<{ n: number }>(n, 'select count(*)::int as n from hub_outbox where delivered_at is null'))[0]!.n) > 0) return false;
    return true;
  });
  const perCase = async (name: SubgraphName, table: 'township_case' | 'county_case') => {
    const rows = await q<{ id: string; n: number }>(
      name,
      `select dispute_id::text as id, count(*)::int as n from ${table} where dispute_id = any($1::uuid[]) group by 1`,
      [ids],
    );
    const counts = new Map(rows.map((r) => [r.id, Number(r.n)]));
    return {
      rows: rows.reduce((a, r) => a + Number(r.n), 0),
      lost: ids.filter((i) => !counts.has(i)).length,
      doubled: ids.filter((i) => (counts.get(i) ?? 0) > 1).length,
    };
  };
  const township = await perCase('township', 'township_case');
  const county = await perCase('county', 'county_case');
  // The village record's timeline: each step of each level once.
  const steps = await q<{ id: string; level: string; action: string; n: number }>(
    'village',
    `select dispute_id::text as id, level, action, count(*)::int as n from dispute_step where dispute_id = any($1::uuid[]) group by 1, 2, 3`,
    [ids],
  );
  const want: [string, string][] = [
    ['TOWNSHIP', 'RECEIVE'],
    ['TOWNSHIP', 'ACCEPT'],
    ['TOWNSHIP', 'ESCALATE'],
    ['COUNTY', 'RECEIVE'],
    ['COUNTY', 'ACCEPT'],
    ['COUNTY', 'RESOLVE'],
  ];
  const stepCount = new Map(steps.map((s) => [`${s.id} ${s.level} ${s.action}`, Number(s.n)]));
  const stepsLost = ids.reduce((a, i) => a + want.filter(([l, act]) => !stepCount.has(`${i} ${l} ${act}`)).length, 0);
  const stepsDoubled = steps.filter((s) => Number(s.n) > 1).length;
  const status = await q<{ status: string; n: number }>('village', `select status, count(*)::int as n from dispute where id = any($1::uuid[]) group by 1`, [
    ids,
  ]);
  // Events: every event an outbox sent is in its target's inbox (the inbox keeps an id once).
  const events: { from: SubgraphName; to: SubgraphName; sent: number; lost: number; lagMs: number }[] = [];
  for (const from of SUBGRAPHS) {
    const out = await q<{ target: SubgraphName; id: string; lag: number }>(
      from,
      `select target, event_id::text as id, extract(epoch from delivered_at - created_at) * 1000 as lag from hub_outbox where created_at >= now() - interval '1 hour'`,
    );
    for (const to of SUBGRAPHS) {
      const mine = out.filter((e) => e.target === to);
      if (!mine.length) continue;
      const inbox = await q<{ id: string }>(to, `select event_id::text as id from hub_inbox where source = $1 and event_id = any($2::uuid[])`, [
        from,
        mine.map((e) => e.id),
      ]);
      const have = new Set(inbox.map((r) => r.id));
      events.push({ from, to, sent: mine.length, lost: mine.filter((e) => !have.has(e.id)).length, lagMs: Math.max(...mine.map((e) => Number(e.lag))) });
    }
  }
  const after = await haproxyStats(ports.stats);

  // ---- the summary ----
  const line = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
  const out: string[] = [];
  out.push('', '=== Rehearsal: a multi-host hub on one machine ===', '');
  out.push('What ran where (127.0.0.1):');
  const w1 = [18, 8, 38, 10, 12];
  out.push(line(['process', 'port', 'behind / on', 'requests', 'taken out during the drill'], w1));
  for (const n of SUBGRAPHS) out.push(line([`postgres-${n}`, pgPorts[n], `data ${join('pg-' + n)}`, '-', '-'], w1));
  for (const s of services) {
    const now = after.get(s.name);
    const kind = s.name.split('-')[0] as keyof typeof ports.front;
    const behind = `haproxy :${ports.front[kind]}${s.kills ? `, killed ${s.kills}x, started ${s.starts}x` : ''}`;
    const outs = now ? now.downs - (before.get(s.name)?.downs ?? 0) : '?';
    out.push(line([s.name, s.port, behind, now?.requests ?? '?', outs], w1));
  }
  out.push('', 'Chaos during the drill:', ...chaos.map((c) => `  ${c}`));
  out.push('', 'Examples through the gateways:', ...examples.map(([k, v]) => `  ${k.padEnd(24)} ${v}`));
  out.push(
    '',
    `Drill: ${drillCases.length}/${DISPUTES} disputes filed in ${villages.length} villages, escalated village → township → county, resolved at the county, in ${drillSecs} s`,
  );
  out.push(
    `  final village status: ${status.map((s) => `${s.status} ${s.n}`).join(', ')}; ${failures.length} failed${failures.length ? `: ${failures.slice(0, 3).join(' | ')}` : ''}`,
  );
  out.push(`  GraphQL requests ${requests}; errors met and recovered from: ${[...errorCodes].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  const w2 = [34, 8, 6, 8];
  out.push('', line(['arrived at', 'rows', 'lost', 'doubled'], w2));
  out.push(line(['township_case (township server)', township.rows, township.lost, township.doubled], w2));
  out.push(line(['county_case (county server)', county.rows, county.lost, county.doubled], w2));
  out.push(
    line(['timeline steps back at the village', steps.filter((s) => s.level !== 'VILLAGE').reduce((a, s) => a + Number(s.n), 0), stepsLost, stepsDoubled], w2),
  );
  const w3 = [10, 10, 8, 6, 12];
  out.push('', line(['events', 'to', 'sent', 'lost', 'max lag ms'], w3));
  for (const e of events) out.push(line([e.from, e.to, e.sent, e.lost, Math.round(e.lagMs)], w3));
  const lost = township.lost + county.lost + stepsLost + events.reduce((a, e) => a + e.lost, 0);
  const doubled = township.doubled + county.doubled + stepsDoubled;
  const passed = lost === 0 && doubled === 0 && failures.length === 0 && drillCases.length === DISPUTES;
  out.push('', `RESULT: lost=${lost} doubled=${doubled} failed=${failures.length} → ${passed ? 'PASS' : 'FAIL'}`, '');
  console.log(out.join('\n'));
  return passed ? 0 : 1;
}

let code = 1;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void stopAll().finally(() => process.exit(130));
  });
}
try {
  code = await main();
} catch (e) {
  console.error(`[rehearse] failed: ${(e as Error).stack ?? e}`);
} finally {
  log('stopping everything');
  await stopAll();
  log('stopped');
}
process.exit(code);
