/**
 * The README's run command as a user meets it: `scripts/start.ts` on a fresh
 * data folder starts embedded PostgreSQL, migrates, seeds, runs four
 * processes, answers through the gateway, and stops every process (and the
 * database) on SIGTERM; a second start reuses the data, with two workers for
 * the village subgraph and two for the gateway (platform/workers.ts): their
 * metrics add up, a killed worker is replaced, and a stop ends them all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startModule } from '../platform/module.ts';
import { generateKeyPairPem, keyId } from '../platform/auth.ts';
import { MODULES } from '../scripts/lib/setup.ts';
import { startEmbeddedPg } from '../scripts/lib/embedded-pg.ts';
import { freePort } from './setup/global.ts';
import { postJson } from './helpers/hub.ts';
import { suiteScratch } from './helpers/scratch.ts';
import { childrenOf, commandLine, descendantsOf, processInfo } from '../scripts/lib/processes.ts';

const scratch = suiteScratch('hub-start-', 0o755);
let tmpRoot: string;
/**
 * The data folder, made by the hub itself: its keys first, before the database starts. Keys once made along with the
 * folder (by `npm run token` before any start, which makes none now) left it closed to others, and PostgreSQL (run as
 * its own user under root) could then not reach its `pg` folder.
 */
let dataDir: string;
beforeAll(() => {
  tmpRoot = scratch();
  dataDir = join(tmpRoot, 'data');
});
/** Hubs this file started: a test that fails midway leaves its hub to `afterAll`, not running after vitest ends. */
const started: ChildProcess[] = [];
/** Processes a hub left when its supervisor was killed (services, a postmaster), for `afterAll` if a test fails midway. */
const orphans: number[] = [];
afterAll(() => {
  const pids = started.flatMap((child) => (child.exitCode !== null || child.signalCode !== null ? [] : [...descendantsOf(child.pid!), child.pid!]));
  for (const pid of [...pids, ...orphans]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** The demo's administrator token the start log prints (its first county's: 海晏县 here). */
function adminToken(output: string): string {
  return /administrator[^\n]*\n\s+(\S+)/.exec(output)![1]!;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `node <args>` run to its end, answered as spawnSync answers, without holding this process meanwhile: each refusal
 * this file checks is a process start of its own (about a second of CPU), so a test runs its several at once.
 */
function runNode(
  args: string[],
  env: Record<string, string | undefined>,
  timeout?: number,
  as: { uid?: number; gid?: number } = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout, ...as });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * `npm start` on the data folder `dir` with free ports and no demo data, for a start that should refuse: one that does
 * not is stopped after two minutes. A PostgreSQL a failed start left running is stopped after the file's tests.
 */
/**
 * The refusals below run at once (each waits mostly on processes of its own, in folders of its own), after the first
 * test's hubs: a process start is about a second of CPU, so their limit leaves room for several on a busy machine.
 */
const REFUSAL = { timeout: 300_000 };

async function startOn(dir: string, env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof runNode>>> {
  const ports: Record<string, string> = {};
  for (const k of ['HUB_PG_PORT', 'GATEWAY_PORT', 'COUNTY_PORT', 'TOWNSHIP_PORT', 'VILLAGE_PORT']) ports[k] = String(await freePort());
  const r = await runNode(['scripts/start.ts'], { NODE_ENV: 'development', HUB_DEMO_DATA: 'off', HUB_DATA_DIR: dir, ...ports, ...env }, 120_000);
  const lock = join(dir, 'pg', 'postmaster.pid');
  if (existsSync(lock) && r.status !== 2) orphans.push(Number(readFileSync(lock, 'utf8').split('\n')[0]));
  return r;
}

async function startHubProcess(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['scripts/start.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  await new Promise<void>((resolve, reject) => {
    // The first start seeds, which takes over a minute on a busy 2-core machine.
    const timer = setTimeout(() => reject(new Error(`not ready in 300 s:\n${out}`)), 300_000);
    child.stdout!.on('data', () => {
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${out}`));
    });
  });
  return { child, output: () => out };
}

/** The pid of the service whose command line runs `script` (e.g. `subgraphs/village/src/main.ts`), a child of the hub. */
function servicePid(hub: number, script: string): number {
  const pid = childrenOf(hub).find((p) => commandLine(p).includes(script));
  if (!pid) throw new Error(`no ${script} under ${hub}`);
  return pid;
}

/** A counter's or gauge's value in Prometheus text (the first series of that name). */
function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`no ${name} in the metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function stopAndCheck(child: ChildProcess): Promise<void> {
  const services = descendantsOf(child.pid!);
  const pgPid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(services.length).toBeGreaterThanOrEqual(4);
  expect(alive(pgPid)).toBe(true);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  for (const pid of [...services, pgPid]) expect(alive(pid), `process ${pid} still running`).toBe(false);
  expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
}

describe('npm start', () => {
  it('runs the hub from an empty data folder, stops cleanly, and restarts on the same data', { timeout: 600_000 }, async () => {
    const ports = { HUB_PG_PORT: 0, GATEWAY_PORT: 0, COUNTY_PORT: 0, TOWNSHIP_PORT: 0, VILLAGE_PORT: 0 };
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    // NODE_ENV as `npm start` has it on a developer's machine, not vitest's "test" (Apollo Server changes how it stops under "test").
    // One seed county, the smallest, through the first start's own seeding: the suite's setup seeds all five with the
    // same loader (scripts/lib/setup.ts), and the default list is the five (tests/units.test.ts).
    const env = {
      HUB_DATA_DIR: dataDir,
      NODE_ENV: 'development',
      HUB_DEMO_DATA: '632223',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };
    const gateway = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;

    const first = await startHubProcess(env);
    expect(first.output()).toContain('first start, seeding included');
    // The hint to mint more names this hub's data folder: `npm run token` alone reads the default one.
    expect(first.output()).toContain(`mint others with HUB_DATA_DIR=${dataDir} npm run token -- --jurisdiction <code>`);
    // The embedded server's own log is kept for the operator.
    expect(readFileSync(join(dataDir, 'pg.log'), 'utf8')).toMatch(/database system is ready to accept connections/);
    const auth = { authorization: `Bearer ${adminToken(first.output())}` };
    expect((await postJson(gateway, { query: '{ county(code: "632223") { name } }' })).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    const r = await postJson<{ county: { name: string; townships: { code: string }[] }; grids: { totalCount: number } }>(
      gateway,
      { query: '{ county(code: "632223") { name townships { code } } grids(within: "632223") { totalCount } }' },
      auth,
    );
    expect(r.data!.county.name).toBe('海晏县');
    expect(r.data!.county.townships).toHaveLength(6);
    expect(r.data!.grids.totalCount).toBe(189);
    // `npm run token` mints with the same keys the running hub verifies, and refuses what it cannot mint; and a code of
    // the right shape that names no division is refused by the directory's loader, not loaded as nothing.
    const token = (...args: string[]) => runNode(['scripts/token.ts', ...args], env);
    const [minted, refused, expired, help, unknown, noScopes, badCode, nowhere] = await Promise.all([
      token('--jurisdiction', '632223100', '--scopes', 'read,pii'),
      token('--jurisdiction', '623021', '--scopes', 'read,root'),
      token('--jurisdiction', '623021', '--scopes', 'read', '--ttl', '0m'),
      token('--help'),
      token('--bogus'),
      token('--jurisdiction', '623021', '--scopes', ''),
      token('--jurisdiction', '6230211'),
      runNode(['scripts/load-divisions.ts', '99', '623099'], env),
    ]);
    expect(minted.status).toBe(0);
    const asTownship = await postJson<{ village: { residents: { nodes: { idNumber: string }[] } } }>(
      gateway,
      { query: '{ village(code: "632223100001") { residents(first: 1) { nodes { idNumber } } } }' },
      { authorization: `Bearer ${minted.stdout.trim()}` },
    );
    expect(asTownship.data!.village.residents.nodes[0]!.idNumber).toMatch(/^632223\d{11}[\dX]$/);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('unknown scopes root');
    expect(expired.status).toBe(2);
    expect(expired.stderr).toContain('at least 1s');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--jurisdiction');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'[\s\S]*--jurisdiction <code>/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    // An empty scope list and a code of no division's length are refused, in the tool's English.
    expect(noScopes.status).toBe(2);
    expect(noScopes.stderr).toContain('--scopes is empty');
    expect(badCode.status).toBe(2);
    expect(badCode.stderr).toContain("the token's jurisdiction must be a division code");
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toContain('No division 623099, 99 in the national directory');
    await stopAndCheck(first.child);

    // A private key lost from a data folder (a partial restore) is said, not replaced by a new pair, which had made
    // every token issued so far fail with 401; put back, the first start's tokens are still good.
    const privateFile = join(dataDir, 'keys', 'caller.private.pem');
    const publicKey = readFileSync(join(dataDir, 'keys', 'caller.public.pem'), 'utf8');
    const privateKey = readFileSync(privateFile, 'utf8');
    rmSync(privateFile);
    const lost = spawnSync(process.execPath, ['scripts/start.ts'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    expect(lost.status, lost.stdout + lost.stderr).toBe(2);
    expect(lost.stderr).toContain(`缺少 ${privateFile}`);
    expect(readFileSync(join(dataDir, 'keys', 'caller.public.pem'), 'utf8')).toBe(publicKey);
    expect(existsSync(privateFile)).toBe(false);
    writeFileSync(privateFile, privateKey, { mode: 0o600 });

    const second = await startHubProcess({ ...env, HUB_VILLAGE_WORKERS: '2', HUB_GATEWAY_WORKERS: '2' });
    expect(second.output()).not.toContain('Seeded');
    expect(second.output()).toContain('Migrations: up to date');
    const admin = { authorization: `Bearer ${adminToken(second.output())}` };
    const again = await postJson(gateway, { query: '{ villages(within: "632223") { code } }' }, admin);
    expect(again.data!.villages).toHaveLength(36);
    const byFirst = await postJson<{ county: { name: string } }>(gateway, { query: '{ county(code: "632223") { name } }' }, auth);
    expect(byFirst.data!.county.name).toBe('海晏县');

    // Two village workers under the village service, two gateway workers under the gateway.
    const village = servicePid(second.child.pid!, 'subgraphs/village/src/main.ts');
    /** The service's worker pids once there are `n` of them, none of them `gone`. */
    const workersOf = async (pid: number, n: number, gone?: number) => {
      const ready = () => childrenOf(pid).length === n && !childrenOf(pid).includes(gone ?? -1);
      for (let waited = 0; !ready() && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
      return childrenOf(pid);
    };
    const villageWorkers = await workersOf(village, 2);
    expect(villageWorkers).toHaveLength(2);
    const gatewayPrimary = servicePid(second.child.pid!, 'gateway/src/main.ts');
    const gatewayWorkers = await workersOf(gatewayPrimary, 2);
    expect(gatewayWorkers).toHaveLength(2);
    // A scrape reaches one worker and answers for both: the requests they answered, added up, and their memory.
    const villageMetrics = `http://127.0.0.1:${ports.VILLAGE_PORT}/metrics`;
    const scrape = async () => (await fetch(villageMetrics)).text();
    const before = metric(await scrape(), 'hub_graphql_requests_total');
    for (let i = 0; i < 12; i++) expect((await postJson(gateway, { query: `{ village(code: "632223100001") { name } }` }, admin)).errors).toBeUndefined();
    for (let i = 0; i < 4; i++) expect(metric(await scrape(), 'hub_graphql_requests_total') - before).toBe(12);
    const memory = metric(await scrape(), 'process_resident_memory_bytes');
    const [a, b] = villageWorkers.map((pid) => processInfo(pid)!.rssKb * 1024) as [number, number];
    expect(memory, `scraped ${memory} against workers ${a} + ${b}`).toBeGreaterThan(Math.max(a, b) * 1.5);
    expect(memory).toBeLessThan((a + b) * 1.5);
    // A worker killed outright is replaced, and the other answers meanwhile: the queries that were on the killed
    // worker's sockets are sent again to the other (gateway/src/fetcher.ts), so none of sixteen clients sees an error.
    const codes = (await postJson<{ villages: { code: string }[] }>(gateway, { query: '{ villages(within: "632223") { code } }' }, admin)).data!.villages;
    let loading = true;
    let answered = 0;
    const failures: unknown[] = [];
    const load = Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        for (let n = 0; loading && n < 5_000; n++) {
          const code = codes[(i * 7 + n) % codes.length]!.code;
          const query = `{ village(code: "${code}") { name population { residents households } disputeStats(period: "2026") { reported resolved } } }`;
          const r = await postJson(gateway, { query }, admin);
          if (r.errors) failures.push(r.errors);
          else answered++;
        }
      }),
    );
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const gatewayMetrics = `${gateway.replace('/graphql', '')}/metrics`;
    const retries = async () => metric(await (await fetch(gatewayMetrics)).text(), 'hub_gateway_subgraph_retries_total');
    while (answered < 50 && failures.length === 0) await sleep(50);
    // The kill proves the resending only if a query was on the killed worker's sockets at that moment. On a busy machine
    // the gateway's few busy sockets may all lead to the other worker, so the worker is first stopped for a moment (what
    // reaches its sockets waits there), then killed; if still nothing was resent, its replacement is killed the same
    // way, three times at most.
    let replaced = villageWorkers;
    const killed: number[] = [];
    for (let round = 0; round < 3 && failures.length === 0 && (round === 0 || (await retries()) === 0); round++) {
      const victim = replaced[0]!;
      process.kill(victim, 'SIGSTOP');
      const atStop = answered;
      for (let waited = 0; answered < atStop + 30 && waited < 2_000 && failures.length === 0; waited += 50) await sleep(50);
      process.kill(victim, 'SIGKILL');
      killed.push(victim);
      replaced = await workersOf(village, 2, victim);
      const afterKill = answered;
      while (answered < afterKill + 50 && failures.length === 0) await sleep(50);
    }
    loading = false;
    await load;
    expect(failures).toEqual([]);
    expect(await retries()).toBeGreaterThan(0);
    expect(replaced).toHaveLength(2);
    for (const pid of killed) expect(replaced).not.toContain(pid);
    expect(
      (await postJson<{ village: { name: string } }>(gateway, { query: `{ village(code: "632223100001") { name } }` }, admin)).data!.village.name,
    ).toBeTruthy();
    // A worker asked to stop (SIGTERM) ends by itself, as a whole service does, and is replaced; before the services
    // left their signals to the entry point alone, a gateway worker so asked never ended (gateway/src/gateway.ts).
    process.kill(gatewayWorkers[0]!, 'SIGTERM');
    for (let waited = 0; alive(gatewayWorkers[0]!) && waited < 30_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    expect(alive(gatewayWorkers[0]!), 'the gateway worker still runs 30 s after SIGTERM').toBe(false);
    const gatewayReplaced = await workersOf(gatewayPrimary, 2, gatewayWorkers[0]);
    expect(gatewayReplaced).toHaveLength(2);
    expect(gatewayReplaced).not.toContain(gatewayWorkers[0]);
    const report = /report-only tool[^\n]*\n\s+(\S+)/.exec(second.output())![1]!;
    const forbidden = await postJson(
      gateway,
      { query: '{ village(code: "632223100001") { residents { totalCount } } }' },
      { authorization: `Bearer ${report}` },
    );
    expect(forbidden.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    await stopAndCheck(second.child);

    // A supervisor killed outright stops nothing it runs: its services stop by themselves (their channel to it closes),
    // and the next start takes over the PostgreSQL it left, to restart it if it dies and to stop it with the hub.
    const third = await startHubProcess(env);
    const services = childrenOf(third.child.pid!).filter((p) => /(subgraphs\/\w+|gateway)\/src\/main\.ts/.test(commandLine(p)));
    expect(services).toHaveLength(4);
    const leftPg = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    orphans.push(...services, leftPg);
    third.child.kill('SIGKILL');
    for (let waited = 0; services.some(alive) && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    expect(services.filter(alive), 'services still running 60 s after their supervisor was killed').toEqual([]);
    expect(alive(leftPg)).toBe(true);
    const fourth = await startHubProcess(env);
    expect(fourth.output()).toContain('left by a hub or command that was killed: taken over, stopped and started again');
    // Started again as this hub's own, its log kept in pg.log as every start's.
    expect(alive(leftPg)).toBe(false);
    expect((await postJson<{ village: { name: string } }>(gateway, { query: `{ village(code: "632223100001") { name } }` }, admin)).data!.village.name).toBe(
      '三角城社区居民委员会',
    );
    await stopAndCheck(fourth.child);
    expect(alive(leftPg)).toBe(false);
  });

  it('refuses to serve a subgraph on a database its release’s migrations have not all reached, naming the first pending one', async () => {
    class Migration29991231000001Future extends Migration {
      override async up(): Promise<void> {}
    }
    const village = { ...MODULES.village, migrations: [...MODULES.village.migrations, Migration29991231000001Future] };
    const trust = { routerSecrets: [], callerKeys: {}, nationalSubjects: [] };
    const url = inject('dbs').village.url;
    await expect(
      startModule(village, { url, trust, eventsSecret: 'x'.repeat(32), subgraphUrls: { county: url, township: url, village: url } }),
    ).rejects.toThrow(/1 migrations pending, the first Migration29991231000001Future\): run npm run migrate/);
  });

  it.concurrent('mints tokens with HUB_CALLER_PRIVATE_KEY alone, in production too, without the router’s or the events’ secrets', REFUSAL, async () => {
    const next = await generateKeyPairPem();
    const r = await runNode(['scripts/token.ts', '--jurisdiction', '623021', '--scopes', 'read', '--subject', 'rotated'], {
      HUB_DATA_DIR: join(tmpRoot, 'issuer'),
      NODE_ENV: 'production',
      HUB_CALLER_PRIVATE_KEY: next.privateKey,
    });
    expect(r.status, r.stderr).toBe(0);
    const header = JSON.parse(Buffer.from(r.stdout.trim().split('.')[0]!, 'base64url').toString()) as { kid: string };
    // Signed with the new key, not with a key of the data folder (a rotation's tokens would break with the old key).
    expect(header.kid).toBe(await keyId(next.publicKey));
    expect(existsSync(join(tmpRoot, 'issuer', 'keys'))).toBe(false);
  });

  it.concurrent('says a port already taken, or production keys missing, before it starts the database', REFUSAL, async () => {
    const holder = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const dataDir = join(tmpRoot, 'refused');
      const [r, prod] = await Promise.all([
        runNode(['scripts/start.ts'], { HUB_DATA_DIR: dataDir, COUNTY_PORT: String(port) }),
        runNode(['scripts/start.ts'], { HUB_DATA_DIR: dataDir, NODE_ENV: 'production' }),
      ]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`COUNTY_PORT=${port}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(prod.status).toBe(2);
      expect(prod.stderr).toContain('[start] 生产环境不生成任何密钥，须设置：HUB_CALLER_JWKS_URL、HUB_CALLER_JWKS_FILE 或 HUB_CALLER_PUBLIC_KEY');
      expect(prod.stderr).toContain('HUB_EVENTS_SECRET');
      expect(prod.stderr).not.toMatch(/\n\s+at /);
      // Neither started PostgreSQL.
      expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    } finally {
      holder.close();
    }
  });

  /** A data folder whose keys folder holds `files` (a file left out is missing), and the two files' paths. */
  function keysFolder(name: string, files: { public?: string; private?: string }): { dir: string; pub: string; priv: string } {
    const dir = join(tmpRoot, name);
    const [pub, priv] = [join(dir, 'keys', 'caller.public.pem'), join(dir, 'keys', 'caller.private.pem')];
    mkdirSync(join(dir, 'keys'), { recursive: true });
    if (files.public !== undefined) writeFileSync(pub, files.public);
    if (files.private !== undefined) writeFileSync(priv, files.private, { mode: 0o600 });
    return { dir, pub, priv };
  }

  /** A start refused over its keys: exit 2, `says` in the message (Chinese first), no stack, the keys as they were, no PostgreSQL started. */
  async function refusedOverKeys(what: string, files: { public?: string; private?: string }, says: (pub: string, priv: string) => string[]): Promise<void> {
    const { dir, pub, priv } = keysFolder(`keys-${what.replaceAll(' ', '-')}`, files);
    const r = await startOn(dir);
    expect(r.status, `${what}: ${r.stdout}${r.stderr}`).toBe(2);
    for (const said of [...says(pub, priv), `delete ${priv} and ${pub}`, 'invalidates every token issued so far']) expect(r.stderr, what).toContain(said);
    expect(r.stderr.indexOf('[start] 调用方密钥'), what).toBe(0);
    expect(r.stderr, what).not.toMatch(/\n\s+at /);
    expect(existsSync(pub) ? readFileSync(pub, 'utf8') : undefined, what).toBe(files.public);
    expect(existsSync(priv) ? readFileSync(priv, 'utf8') : undefined, what).toBe(files.private);
    expect(existsSync(join(dir, 'pg')), what).toBe(false);
  }

  it.concurrent(
    'refuses half a caller key pair, or two keys of different pairs, naming the files and the ways out, and makes no new pair',
    { timeout: 600_000 },
    async () => {
      const [a, b] = [await generateKeyPairPem(), await generateKeyPairPem()];
      // The probe's case: a private key removed, which a start had answered with a new pair, and no word, so that every
      // token issued before got 401.
      await Promise.all([
        refusedOverKeys('the public key alone', { public: a.publicKey }, (pub, priv) => [
          `调用方密钥不成对：有 ${pub}，缺少 ${priv}`,
          `${priv} is missing`,
          `Restore ${priv} from the backup`,
        ]),
        refusedOverKeys('the private key alone', { private: a.privateKey }, (pub, priv) => [`有 ${priv}，缺少 ${pub}`, `Restore ${pub} from the backup`]),
        refusedOverKeys('keys of two pairs', { public: b.publicKey, private: a.privateKey }, (pub, priv) => [
          `${pub} is not the public key of ${priv}`,
          'Restore both files from the backup',
        ]),
      ]);
    },
  );

  it.concurrent('says a damaged caller key, of a file or a setting, in a line naming it, and leaves no PostgreSQL running', { timeout: 600_000 }, async () => {
    const a = await generateKeyPairPem();
    const damaged = (kind: string) => `-----BEGIN ${kind} KEY-----\ngarbage\n-----END ${kind} KEY-----\n`;
    // The probe's `echo garbage > keys/caller.public.pem`: a raw ERR_OSSL_UNSUPPORTED stack after PostgreSQL had started, which then ran on.
    const setting = async (key: string, value: string) => {
      const dir = join(tmpRoot, `setting-${key}`);
      const r = await startOn(dir, { [key]: value });
      expect(r.status, `${key}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^设置有误（1 项）[^\\n]*\\nInvalid settings \\(1 problem\\)[^\\n]*\\n  - ${key} 无法读取为[^\\n]*\\n    ${key}: cannot be read as a`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(dir, 'pg'))).toBe(false);
    };
    await Promise.all([
      refusedOverKeys('a damaged public key', { public: 'garbage\n', private: a.privateKey }, (pub) => [
        `调用方密钥文件 ${pub} 不是 PEM 格式的公钥`,
        `The caller key file ${pub} must be a PEM public key`,
        `Restore ${pub} from the backup`,
      ]),
      refusedOverKeys('a damaged private key', { public: a.publicKey, private: damaged('PRIVATE') }, (_, priv) => [
        `The caller key file ${priv} cannot be read as a private key`,
      ]),
      setting('HUB_CALLER_PUBLIC_KEY', damaged('PUBLIC')),
      setting('HUB_CALLER_PRIVATE_KEY', damaged('PRIVATE')),
    ]);
  });

  it.concurrent('npm run token makes no keys: without the hub’s data folder it says where it looked, and ends', REFUSAL, async () => {
    const dir = join(tmpRoot, 'not-the-hubs');
    const r = await runNode(['scripts/token.ts', '--jurisdiction', '623021', '--scopes', 'read', '--subject', 'elsewhere'], {
      HUB_DATA_DIR: dir,
      HUB_CALLER_PRIVATE_KEY: '',
    });
    const file = join(dir, 'keys', 'caller.private.pem');
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`npm run token：在 ${file} 没有找到调用方私钥（HUB_DATA_DIR=${dir}）`);
    expect(r.stderr).toContain(`No caller private key at ${file} (HUB_DATA_DIR=${dir})`);
    expect(r.stderr).toContain("set HUB_DATA_DIR to the hub's data folder, or set HUB_CALLER_PRIVATE_KEY");
    // A pair made here signed tokens the hub, on its own pair, answered with 401.
    expect(existsSync(dir)).toBe(false);
  });

  it.concurrent('says a key it may not read is a matter of access, not a missing or damaged key (a folder or a file closed to its user)', REFUSAL, async () => {
    // Root reads every file: the tool runs as `nobody` there, on keys that root owns and keeps to itself.
    const root = process.getuid?.() === 0;
    const as = root ? { uid: 65534, gid: 65534 } : {};
    const user = root ? spawnSync('id', ['-nu', '65534'], { encoding: 'utf8' }).stdout.trim() || 'nobody' : userInfo().username;
    const { privateKey, publicKey } = await generateKeyPairPem();
    const keysOf = (name: string, folderMode: number, fileMode: number) => {
      const dir = join(tmpRoot, name);
      mkdirSync(join(dir, 'keys'), { recursive: true });
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'keys', 'caller.private.pem'), privateKey, { mode: fileMode });
      writeFileSync(join(dir, 'keys', 'caller.public.pem'), publicKey, { mode: 0o644 });
      chmodSync(join(dir, 'keys'), folderMode);
      return dir;
    };
    const token = (dir: string) =>
      runNode(
        ['scripts/token.ts', '--jurisdiction', '623021', '--scopes', 'read', '--subject', 'access'],
        { HUB_DATA_DIR: dir, HUB_CALLER_PRIVATE_KEY: '' },
        60_000,
        as,
      );
    const closedFolder = keysOf('keys-folder-closed', root ? 0o700 : 0o000, 0o600);
    const closedFile = keysOf('key-file-closed', 0o755, root ? 0o600 : 0o000);
    try {
      for (const dir of [closedFolder, closedFile]) {
        const r = await token(dir);
        const file = join(dir, 'keys', 'caller.private.pem');
        expect(r.status, r.stdout + r.stderr).toBe(2);
        expect(r.stderr).toContain(`npm run token：调用方密钥 ${file} 无权读取（EACCES）：本进程以用户 ${user} 运行`);
        expect(r.stderr).toContain('give that user read access (chown/chmod); the keys themselves need no change');
        // Neither "no key here" (it is there) nor "delete both files" (a new pair fails every token issued).
        expect(r.stderr).not.toContain('No caller private key');
        expect(r.stderr).not.toContain('delete');
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    } finally {
      chmodSync(join(closedFolder, 'keys'), 0o700);
      chmodSync(join(closedFile, 'keys', 'caller.private.pem'), 0o600);
    }
  });

  it.concurrent('says that another hub is using the data folder, with its pid, not that the port is taken', REFUSAL, async () => {
    const dir = join(tmpRoot, 'shared');
    const port = await freePort();
    // The other hub's database, on the same data folder.
    const other = await startEmbeddedPg({ dir, port });
    try {
      const pid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const r = await startOn(dir);
      expect(r.status, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`数据文件夹 ${dir} 正被另一个枢纽或 PostgreSQL（进程 ${pid}，端口 ${port}）使用`);
      expect(r.stderr).toContain(`another hub or PostgreSQL, pid ${pid} on port ${port}, is using the data folder ${dir}`);
      expect(r.stderr).not.toContain('another program may be using that port');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await other.stop();
    }
  });

  it.concurrent('says HUB_PG_PORT is taken when another program holds it, not that another hub uses the (fresh) data folder', REFUSAL, async () => {
    const dir = join(tmpRoot, 'pg-port-taken');
    const holder = createServer();
    const port = await new Promise<number>((resolve) => holder.listen(0, '127.0.0.1', () => resolve((holder.address() as { port: number }).port)));
    try {
      const r = await startOn(dir, { HUB_PG_PORT: String(port) });
      expect(r.status, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`[start] 数据库未能启动 (the database did not start): 内置 PostgreSQL 未能在端口 ${port} 启动`);
      expect(r.stderr).toContain('请把 HUB_PG_PORT 设为空闲端口');
      expect(r.stderr).toContain('another program may be using that port; set HUB_PG_PORT to a free one');
      expect(r.stderr).not.toContain('正被另一个枢纽或 PostgreSQL');
      expect(r.stderr).not.toContain('is using the data folder');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      holder.close();
    }
  });

  it.concurrent('refuses a second start on a data folder whose PostgreSQL another hub runs, on its port too', REFUSAL, async () => {
    const dir = join(tmpRoot, 'shared-port');
    const port = await freePort();
    // The other hub's database (this process runs it, as a hub's supervisor runs its own), and a start that changed
    // only the service ports: it had reused that server and run as a second hub on the folder.
    const other = await startEmbeddedPg({ dir, port });
    try {
      const pid = Number(readFileSync(join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const r = await startOn(dir, { HUB_PG_PORT: String(port) });
      expect(r.status, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`数据文件夹 ${dir} 正被另一个枢纽或 PostgreSQL（进程 ${pid}，端口 ${port}）使用`);
      expect(r.stderr).toContain(`another hub or PostgreSQL, pid ${pid} on port ${port}, is using the data folder ${dir}`);
      expect(r.stdout).not.toContain('ready at');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(alive(pid)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it.concurrent('says in a line why a data folder cannot be made, and ends (a file in the way, a folder under /proc)', REFUSAL, async () => {
    const file = join(tmpRoot, 'a-file');
    writeFileSync(file, 'not a folder');
    const refusal = async (dataDir: string, says: string) => {
      const ports = {
        GATEWAY_PORT: String(await freePort()),
        COUNTY_PORT: String(await freePort()),
        TOWNSHIP_PORT: String(await freePort()),
        VILLAGE_PORT: String(await freePort()),
      };
      // `npm run token` makes no folder either: it says where it found no key.
      const [r, token] = await Promise.all([
        runNode(['scripts/start.ts'], { ...ports, HUB_DATA_DIR: dataDir }, 120_000),
        runNode(['scripts/token.ts', '--jurisdiction', '623021', '--scopes', 'read'], { HUB_DATA_DIR: dataDir }, 120_000),
      ]);
      expect(r.status, `${dataDir}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`HUB_DATA_DIR=${dataDir}：${says}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(token.status, `${dataDir}: ${token.stderr}`).toBe(2);
      expect(token.stderr).toContain(`No caller private key at ${join(dataDir, 'keys', 'caller.private.pem')}`);
      expect(token.stderr).not.toMatch(/\n\s+at /);
    };
    await Promise.all([
      refusal(join(file, 'data'), `${file} 已存在但不是文件夹`),
      // mkdir answers ENOENT there although /proc exists: Node's recursive mkdir retried it for ever, unkillable.
      refusal('/proc/hub-data', '无法创建文件夹 /proc/hub-data（ENOENT）'),
    ]);
  });

  it.concurrent('says in a line which database URL it cannot reach, without its password or a stack (npm start, npm run migrate)', REFUSAL, async () => {
    // A port nobody listens on: the connection is refused.
    const closed = await freePort();
    const dbs = {
      COUNTY_DATABASE_URL: `postgresql://hub_app:s3cret-pw@127.0.0.1:${closed}/hub_county`,
      TOWNSHIP_DATABASE_URL: `postgresql://hub_app:s3cret-pw@127.0.0.1:${closed}/hub_township`,
      VILLAGE_DATABASE_URL: `postgresql://hub_app:s3cret-pw@127.0.0.1:${closed}/hub_village`,
    };
    const [start, migrate] = await Promise.all([
      startOn(join(tmpRoot, 'no-db'), dbs),
      runNode(
        ['scripts/migrate.ts', 'village'],
        { ...dbs, VILLAGE_MIGRATION_DATABASE_URL: `postgresql://hub_owner:s3cret-pw@127.0.0.1:${closed}/hub_village` },
        60_000,
      ),
    ]);
    expect(start.status, start.stdout + start.stderr).not.toBe(0);
    expect(start.stderr).toMatch(
      /\[start\] 无法连接[^\n]*子图的数据库（(COUNTY|TOWNSHIP|VILLAGE)_DATABASE_URL="postgresql:\/\/hub_app:\*\*\*@127\.0\.0\.1:\d+\/hub_\w+"）：连接被拒绝/,
    );
    expect(start.stderr).toContain('(ECONNREFUSED). Check that setting, and that the database server is running.');
    expect(migrate.status, migrate.stdout + migrate.stderr).toBe(2);
    expect(migrate.stderr).toContain(
      `[migrate] 无法连接村（社区）级子图的数据库（VILLAGE_MIGRATION_DATABASE_URL="postgresql://hub_owner:***@127.0.0.1:${closed}/hub_village"）`,
    );
    for (const r of [start, migrate]) {
      expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it.concurrent('names a misspelt setting, ignored, with the setting it is closest to, beside the problems it may explain', REFUSAL, async () => {
    const r = await runNode(['scripts/start.ts'], {
      HUB_LOG_LEVL: 'debug',
      HUB_ROUTER_SECRET: 'x'.repeat(40),
      GATEWAY_PROT: '4400',
      HUB_TOKEN: 'an example’s',
      HUB_DB_POOL_MAX: '0',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '[start] 以下变量不是枢纽的设置，已忽略：GATEWAY_PROT（是否应为 GATEWAY_PORT？）、HUB_LOG_LEVL（是否应为 HUB_LOG_LEVEL？）、HUB_ROUTER_SECRET（是否应为 HUB_ROUTER_SECRETS？）',
    );
    expect(r.stderr).toContain('These variables are no settings of the hub and are ignored: GATEWAY_PROT (did you mean GATEWAY_PORT?)');
    // The examples' variable is theirs, not a misspelling; the bad value is refused as before.
    expect(r.stderr).not.toContain('HUB_TOKEN');
    expect(r.stderr).toContain('HUB_DB_POOL_MAX');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.concurrent('refuses bad settings at boot, listing every problem at once', REFUSAL, async () => {
    const r = await runNode(['scripts/start.ts'], { GATEWAY_PORT: 'abc', COUNTY_DATABASE_URL: 'mysql://x', HUB_LOG_LEVEL: 'loud' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('GATEWAY_PORT');
    expect(r.stderr).toContain('COUNTY_DATABASE_URL');
    expect(r.stderr).toContain('HUB_LOG_LEVEL');
    expect(r.stderr).toContain('TOWNSHIP_DATABASE_URL');
    // Each problem Chinese first, naming what the setting takes, then English.
    expect(r.stderr).toContain('\n  - GATEWAY_PORT 应为 0–65535 的端口号，收到“abc”\n    GATEWAY_PORT: must be a port number from 0 to 65535 (got "abc")\n');
    expect(r.stderr).toContain('\n  - HUB_LOG_LEVEL 应为 debug、info、warn、error 之一，收到“loud”\n');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
