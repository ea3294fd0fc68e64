import type { Constructor } from '@mikro-orm/core';
import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Migration } from '@mikro-orm/migrations';
import pg, { type Pool, type PoolClient } from 'pg';
import { corkTurn, endPipeline, isPipelined, poolSettings, startPipeline } from './pipeline.ts';
import { installSqlCounter } from './sql-counter.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface OrmOptions {
  url: string;
  entities: EntitySchema[];
  migrations?: Constructor<Migration>[];
  poolMax?: number;
  /** Used in PostgreSQL's application_name, visible in pg_stat_activity. */
  name: string;
  /** PostgreSQL's statement_timeout on every connection of the pool (0 or unset: none, as for migrations and loads). */
  statementTimeoutMs?: number;
}

/**
 * How long a pooled connection may sit idle before it is closed (pg's default: 10 s). A new connection is a new
 * PostgreSQL backend, which pays a page fault the first time it touches each page of the shared buffers, however
 * long the page has been cached (docs/ARCHITECTURE.md, "Supervision"): with 10 s, the connections a burst had
 * opened were gone again after any quiet spell (a county office between clicks, a reporting tool's next run),
 * and the next burst started on fresh backends. At most poolMax connections per service stay open.
 */
const IDLE_CONNECTION_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 15_000;

/** One MikroORM instance per service (and one per database for scripts). */
export async function initORM(opts: OrmOptions): Promise<MikroORM> {
  installSqlCounter();
  installBeginFolding();
  const config: Options = {
    clientUrl: opts.url,
    entities: opts.entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    // The migrator's lines go to a terminal, or to a log file where colour codes are noise.
    colors: process.stdout.isTTY === true,
    pool: { min: 0, max: opts.poolMax ?? 10, idleTimeoutMillis: IDLE_CONNECTION_MS },
    // A database that accepts no connection (stopped, its backlog full) fails a request as unavailable (503) after
    // this long, rather than holding it until the client gives up; waiting for a free pooled connection counts too.
    driverOptions: {
      application_name: opts.name,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // A statement stuck on a lock or a runaway plan would hold its pooled connection for good; a few such and the
      // service answers nothing. Cancelled past the limit, it answers SERVICE_UNAVAILABLE (platform/unavailable.ts).
      ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
    },
    allowGlobalContext: false,
    // Row-level security: every query runs in a transaction that first sets the request's
    // hub.jurisdiction (set_config(..., true)). The 'connection' strategy saves two statements per
    // query but applied the wrong request's context in tests here (it resolves the "active" EM,
    // which our per-request forks are not), so it is not used.
    sessionContext: 'transaction',
    migrations: {
      tableName: 'hub_migrations',
      migrationsList: (opts.migrations ?? []).map((m) => ({ name: m.name, class: m })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  };
  const orm = await MikroORM.init(config);
  // A client handed out again never carries the previous holder's deferred begin.
  (await nativePool(orm)).on('acquire', (client) => {
    held.delete(client);
    endPipeline(client);
  });
  return orm;
}

/** Statements held back on a client (its `begin`, then the settings of its transaction), to travel with its next statement. */
const held = new WeakMap<pg.Client, string>();
let folding = false;

/** What a held-back statement answers at once: a pg result of its command, with no rows worth reading. */
const BEGUN = { command: 'BEGIN', rowCount: null, oid: 0, rows: [], fields: [] };
const SETTINGS_SET = { command: 'SELECT', rowCount: 1, oid: 0, rows: [{}], fields: [] };

/** A transaction's settings as MikroORM's session context sets them right after `begin` (platform/jurisdiction.ts). */
const SETTINGS = /^select set_config\(/;

/**
 * Sends a transaction's `begin` and the statement setting its jurisdiction
 * (MikroORM's session context, platform/jurisdiction.ts) together with the
 * transaction's first real statement: one round trip where there were three.
 * A `begin` without parameters is held back, and so is a `set_config`
 * statement right after it; both go as one simple query with the next
 * statement when that has no parameters either (MikroORM formats its
 * parameters into the text), or else just before it, in the same write: a
 * prepared statement (platform/sql.ts `preparedRows`) turns the connection to
 * pipelining until the transaction ends (platform/pipeline.ts). The server runs the same statements in the same order on the same
 * connection: the settings still precede every statement of the transaction
 * (and if they fail, the transaction is aborted and every statement after
 * them fails), so row-level security sees the jurisdiction as before.
 */
/** pg's query config of a named prepared statement (platform/sql.ts `preparedRows`); bulk paths and COPY send none. */
function isNamed(config: unknown): boolean {
  return typeof config === 'object' && config !== null && typeof (config as { name?: unknown }).name === 'string';
}

function installBeginFolding(): void {
  if (folding) return;
  folding = true;
  const proto = pg.Client.prototype;
  const original: (this: pg.Client, ...args: unknown[]) => unknown = proto.query;
  const unparameterized = (args: unknown[]): args is [string] | [string, unknown[]] =>
    typeof args[0] === 'string' && (args.length === 1 || (args.length === 2 && Array.isArray(args[1]) && args[1].length === 0));
  Object.defineProperty(proto, 'query', {
    value: function foldedQuery(this: pg.Client, ...args: unknown[]): unknown {
      const simple = unparameterized(args);
      const pending = held.get(this);
      if (simple && pending === undefined && args[0] === 'begin') {
        held.set(this, 'begin');
        return Promise.resolve(BEGUN);
      }
      if (simple && pending === 'begin' && SETTINGS.test(args[0])) {
        held.set(this, `begin; ${args[0]}`);
        return Promise.resolve(SETTINGS_SET);
      }
      if (isNamed(args[0]) && !isPipelined(this)) {
        // A prepared statement (platform/sql.ts `preparedRows`) turns its connection to pipelining until the
        // transaction ends: it goes out in one write with a held begin and settings, and the statements sent before
        // the answers come join them, also when one is still being answered (pg then queues it behind, where it would
        // otherwise wait in pg's deprecated queue). Named statements never share a connection with COPY, the one
        // exchange pipelining cannot follow.
        startPipeline(this);
      }
      if (isPipelined(this)) {
        corkTurn(this);
        if (simple && (args[0] === 'commit' || args[0] === 'rollback')) {
          const ended = original.apply(this, args) as Promise<unknown>;
          void ended.then(
            () => endPipeline(this),
            () => endPipeline(this),
          );
          return ended;
        }
      }
      if (pending === undefined) return original.apply(this, args);
      held.delete(this);
      if (simple) {
        // A simple query of several statements answers with each one's result: the caller asked for the last.
        return (original.call(this, `${pending}; ${args[0]}`, []) as Promise<unknown>).then((r) => (Array.isArray(r) ? r[r.length - 1] : r));
      }
      // A client runs its queries in the order they were given: the held ones go first, and the statement (a promise,
      // a callback or a stream such as COPY) is handed back just as the caller expects it. If they fail, so does what follows.
      (original.call(this, pending, []) as Promise<unknown>).catch(() => {});
      return original.apply(this, args);
    },
  });
}

/** Applies pending migrations (as the database owner); returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const done = await orm.migrator.up();
  return done.map((m) => m.name);
}

/** The `pg` pool behind MikroORM, for bulk loads with native `$n` parameters and arrays (unnest). */
export async function nativePool(orm: MikroORM): Promise<Pool> {
  return orm.em.getConnection().getNativeClient();
}

const sidePools = new WeakMap<Pool, Pool>();

/**
 * A small pool beside the ORM's, for a connection a route needs while it
 * holds one of the ORM's (an export's audit entry, written on the export's
 * snapshot). Taking both from one pool can wait for ever: every connection
 * held by a route waiting for its second. These are held only for a
 * statement or two, so a route waiting here always gets one.
 */
export async function sidePool(orm: MikroORM): Promise<Pool> {
  const main = await nativePool(orm);
  let side = sidePools.get(main);
  if (!side) {
    side = new pg.Pool({ ...poolSettings(main), max: 2, idleTimeoutMillis: 1_000, allowExitOnIdle: true });
    sidePools.set(main, side);
  }
  return side;
}

/** Runs `fn` in one transaction on a native client: all of a bulk load lands, or none of it. */
export async function nativeTransaction<T>(orm: MikroORM, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = await nativePool(orm);
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (e) {
    failure = e;
    // A connection that broke cannot roll back (the server already did): the first error is the one to report.
    await client.query('rollback').catch(() => {});
    throw e;
  } finally {
    // A client whose connection failed is discarded, not pooled again; the pool opens a new one when needed.
    client.release(isDatabaseUnavailable(failure));
  }
}
