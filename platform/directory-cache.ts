import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import pg from 'pg';
import { publicRows } from './jurisdiction.ts';
import { log } from './log.ts';
import { poolSettings } from './pipeline.ts';
import { countDirectoryHeartbeat, countDirectoryReads, showDirectoryListening } from './metrics.ts';
import type { Sql, SqlParam } from './sql.ts';

/**
 * The division directory kept in memory (docs/ARCHITECTURE.md, "The directory in memory"). Names and codes of
 * regions, counties, townships, villages and grids are read by nearly every request and change only when an operator
 * loads the national directory again. A service keeps the rows it has read, per statement and key, and drops them all
 * when PostgreSQL says a directory table changed: the tables' statement triggers (`directoryTriggers`, each
 * subgraph's migrations) notify `DIRECTORY_CHANNEL` in the writing transaction, so the news arrives when it commits.
 * Rows are kept only while the service listens: before its LISTEN is in place, and from a lost connection until it
 * listens again, every read goes to the database.
 */
export const DIRECTORY_CHANNEL = 'hub_directory';

/** The SQL a subgraph's migration runs so that any change to `tables` (its directory) reaches every service's cache. */
export function directoryTriggers(tables: readonly string[]): string[] {
  return [
    `create or replace function hub_directory_changed() returns trigger language plpgsql as $$
       begin perform pg_notify('${DIRECTORY_CHANNEL}', tg_table_name); return null; end $$`,
    ...tables.map(
      (t) =>
        `create trigger ${t}_directory_changed after insert or update or delete or truncate on ${t} for each statement execute function hub_directory_changed()`,
    ),
  ];
}

/** Keys held before the cache starts afresh: far above a province's divisions, far below a worry for memory. */
const MAX_KEYS = 200_000;
/** A lost listener is tried again at most this often; meanwhile reads go to the database. */
const RECONNECT_MS = 5_000;
/**
 * This often the listener notifies the channel itself and counts as lost unless the news comes back within
 * HEARTBEAT_WAIT_MS. A connection cut without a word (a network dropping it) would otherwise keep old rows until TCP
 * gave up, and a connection through a pooler in transaction mode (PgBouncer) listens and answers queries but never
 * hears a notification: there the cache stays off and every directory read goes to the database.
 */
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_WAIT_MS = 5_000;
/** A notification's payload that is a listener's heartbeat, not a change (a change's payload is its table's name). */
const PING = 'ping:';

class DirectoryCache {
  private readonly rows = new Map<string, readonly unknown[]>();
  private readonly config: pg.ClientConfig;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private live = false;
  private ended = false;
  private nextAttempt = 0;
  /** Bumped by every drop: a read that began before one stores nothing. */
  private generation = 0;

  /** The service's name in metrics (`village` of `hub-village`). */
  private readonly service: string;

  constructor(config: pg.ClientConfig, service: string) {
    this.config = config;
    this.service = service;
    showDirectoryListening(service, false);
  }

  /**
   * The rows of `st` for each of `keys`, in order: kept ones from memory, the others in one statement whose parameters
   * `params` gives; `keysOf` says which of the asked keys a row belongs to.
   */
  async read<R>(
    st: Sql<R>,
    keys: readonly string[],
    params: (missing: string[]) => readonly SqlParam[],
    fetch: (params: readonly SqlParam[]) => Promise<R[]>,
    keysOf: (r: R) => string | readonly string[],
  ): Promise<R[][]> {
    this.listen();
    const found = new Map<string, R[]>();
    const missing: string[] = [];
    for (const k of keys) {
      const kept = this.live ? (this.rows.get(DirectoryCache.entry(st, k)) as R[] | undefined) : undefined;
      if (kept) found.set(k, kept);
      else missing.push(k);
    }
    countDirectoryReads(this.service, keys.length - missing.length, missing.length);
    if (missing.length) {
      const generation = this.generation;
      const fetched = await fetch(params(missing));
      // Fresh arrays for the missing keys only: a kept key's array is the cache's own.
      for (const k of missing) found.set(k, []);
      const wanted = new Set(missing);
      for (const r of fetched) {
        const ks = keysOf(r);
        for (const k of typeof ks === 'string' ? [ks] : ks) if (wanted.has(k)) found.get(k)!.push(r);
      }
      // Rows read while a change was on its way are answered but not kept.
      if (this.live && generation === this.generation) {
        if (this.rows.size + missing.length > MAX_KEYS) this.rows.clear();
        for (const k of missing) this.rows.set(DirectoryCache.entry(st, k), found.get(k)!);
      }
    }
    return keys.map((k) => found.get(k)!);
  }

  async end(): Promise<void> {
    this.ended = true;
    this.drop();
    await this.connecting?.catch(() => {});
    await this.client?.end().catch(() => {});
  }

  /** A kept entry's key: the statement and the code. */
  private static entry(st: Sql<unknown>, key: string): string {
    return `${st.name}\u0000${key}`;
  }

  private drop(): void {
    this.generation++;
    this.rows.clear();
  }

  private listen(): void {
    if (this.live || this.connecting || this.ended || Date.now() < this.nextAttempt) return;
    // Every query of the listener (its LISTEN included) gives up after HEARTBEAT_WAIT_MS rather than hang.
    const client = new pg.Client({ ...this.config, keepAlive: true, query_timeout: HEARTBEAT_WAIT_MS });
    let heartbeat: NodeJS.Timeout | undefined;
    /** The heartbeat waiting for its own notification, by its payload. */
    const waiting = new Map<string, NodeJS.Timeout>();
    const lost = (e?: Error) => {
      if (this.client !== client) return;
      clearInterval(heartbeat);
      for (const late of waiting.values()) clearTimeout(late);
      this.client = undefined;
      this.live = false;
      showDirectoryListening(this.service, false);
      this.drop();
      this.nextAttempt = Date.now() + RECONNECT_MS;
      if (!this.ended) log.warn({ err: e?.message }, 'directory listener lost: directory reads go to the database until it listens again');
      void client.end().catch(() => {});
      // A connection the network dropped may never answer the goodbye: its socket goes now.
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    };
    client.on('notification', (n) => {
      if (!n.payload?.startsWith(PING)) return this.drop();
      const late = waiting.get(n.payload);
      if (!late) return;
      clearTimeout(late);
      waiting.delete(n.payload);
      countDirectoryHeartbeat(this.service);
    });
    client.on('error', lost);
    client.on('end', () => lost());
    this.client = client;
    this.connecting = (async () => {
      try {
        await client.connect();
        await client.query(`listen ${DIRECTORY_CHANNEL}`);
        // An idle listener must not keep a process (a test, a script) running.
        (client as unknown as { unref(): void }).unref();
        if (this.client === client && !this.ended) {
          this.drop();
          this.live = true;
          showDirectoryListening(this.service, true);
          let beat = 0;
          const tag = `${PING}${process.pid}:${Math.random().toString(36).slice(2)}:`;
          heartbeat = setInterval(() => {
            const payload = `${tag}${++beat}`;
            waiting.set(
              payload,
              setTimeout(() => lost(new Error(`its own notification did not come back within ${HEARTBEAT_WAIT_MS} ms`)), HEARTBEAT_WAIT_MS).unref(),
            );
            client.query('select pg_notify($1, $2)', [DIRECTORY_CHANNEL, payload]).catch((e: unknown) => lost(e as Error));
          }, HEARTBEAT_MS).unref();
        }
      } catch (e) {
        lost(e as Error);
      } finally {
        this.connecting = undefined;
      }
    })();
  }
}

const caches = new WeakMap<pg.Pool, DirectoryCache>();

async function cacheOf(db: EntityManager): Promise<DirectoryCache> {
  const pool = await db.getConnection().getNativeClient();
  let cache = caches.get(pool);
  if (!cache) {
    const name = pool.options.application_name ?? 'hub';
    caches.set(pool, (cache = new DirectoryCache({ ...poolSettings(pool), application_name: `${name} (directory)` }, name.replace(/^hub-/, ''))));
  }
  return cache;
}

/**
 * A request's loader of directory rows by key (a code), one row or null per key, from memory where kept (see above):
 * `st` is a statement over public directory tables that takes the keys as its one list parameter.
 */
export function directoryByKey<R>(db: EntityManager, st: Sql<R>, keyOf: (r: R) => string): DataLoader<string, R | null> {
  return new DataLoader<string, R | null>(async (keys) => (await directoryRows(db, st, keys, keyOf)).map((rs) => rs[0] ?? null));
}

/**
 * A request's loader of directory rows grouped by key (the villages of a township, the grids of a village), as
 * `directoryByKey`; a row may belong to several keys (`keysOf`), and `params` turns the keys into the statement's
 * parameters when it takes them more than once.
 */
export function directoryGroupedBy<R>(
  db: EntityManager,
  st: Sql<R>,
  keysOf: (r: R) => string | readonly string[],
  params?: (keys: string[]) => readonly SqlParam[],
): DataLoader<string, R[]> {
  return new DataLoader<string, R[]>((keys) => directoryRows(db, st, keys, keysOf, params));
}

async function directoryRows<R>(
  db: EntityManager,
  st: Sql<R>,
  keys: readonly string[],
  keysOf: (r: R) => string | readonly string[],
  params: (missing: string[]) => readonly SqlParam[] = (missing) => [missing],
): Promise<R[][]> {
  const cache = await cacheOf(db);
  return cache.read(st, keys, params, (p) => publicRows(db, st, p), keysOf);
}

/**
 * Stops listening for directory changes beside `db`'s pool (a service's stop). The ended cache stays in place, so a
 * request still finishing reads the database rather than open a listener nothing would close.
 */
export async function endDirectoryCache(db: EntityManager): Promise<void> {
  const pool = await db.getConnection().getNativeClient();
  await caches.get(pool)?.end();
}
