import type { Constructor } from '@mikro-orm/core';
import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Migration } from '@mikro-orm/migrations';
import type { Pool, PoolClient } from 'pg';
import { installSqlCounter } from './sql-counter.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface OrmOptions {
  url: string;
  entities: EntitySchema[];
  migrations?: Constructor<Migration>[];
  poolMax?: number;
  /** Used in PostgreSQL's application_name, visible in pg_stat_activity. */
  name: string;
}

/** One MikroORM instance per service (and one per database for scripts). */
export async function initORM(opts: OrmOptions): Promise<MikroORM> {
  installSqlCounter();
  const config: Options = {
    clientUrl: opts.url,
    entities: opts.entities,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: opts.poolMax ?? 10 },
    driverOptions: { application_name: opts.name },
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
  return MikroORM.init(config);
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
