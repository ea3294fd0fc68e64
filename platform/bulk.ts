import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import { col, command, nativeRows, sql, type Sql } from './sql.ts';

/**
 * Bulk loads with COPY FROM STDIN (text format): the fast path for demo data
 * and registry imports. Values are strings, numbers, booleans, arrays or null.
 * Bulk paths hold a native `pg` client; their statements are declared and
 * named like every other (platform/sql.ts) and run with `$n` placeholders.
 */
export type CopyValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** Runs a declared `$n` statement on a native client for its effect; the rows it touched (null when PostgreSQL reports none). */
export async function nativeExec(client: PoolClient, st: Sql<unknown>, params: readonly unknown[] = []): Promise<number | null> {
  return (await client.query(st.text, [...params])).rowCount;
}

const tx = {
  begin: command('tx.begin', 'begin'),
  beginReading: command('tx.beginReading', 'begin isolation level repeatable read read only'),
  beginSnapshot: command('tx.beginSnapshot', 'begin isolation level repeatable read'),
  exportSnapshot: sql('tx.exportSnapshot', z.object({ snapshot: col.text }), 'select pg_export_snapshot() as snapshot'),
  commit: command('tx.commit', 'commit'),
  rollback: command('tx.rollback', 'rollback'),
};

/**
 * Opens a transaction on a native client; `snapshot`: read only, every
 * statement on one snapshot (repeatable read), as an export and the feed
 * position it hands out must be.
 */
export async function nativeBegin(client: PoolClient, mode: 'read write' | 'snapshot' = 'read write'): Promise<void> {
  await nativeExec(client, mode === 'snapshot' ? tx.beginReading : tx.begin);
}

/** A `snapshot` transaction whose snapshot another connection can share while it lasts (`onSnapshot`); the snapshot's name. */
export async function nativeBeginShared(client: PoolClient): Promise<string> {
  await nativeBegin(client, 'snapshot');
  return (await nativeRows(client, tx.exportSnapshot))[0]!.snapshot;
}

// PostgreSQL names snapshots in hex digits and dashes; SET TRANSACTION SNAPSHOT takes no parameter, so it is checked.
const SNAPSHOT = /^[0-9A-F]+-[0-9A-F]+-[0-9]+$/;

/** Runs `fn` in a transaction on `client` that sees exactly what the transaction that shared `snapshot` sees; commits it. */
export async function onSnapshot<T>(client: PoolClient, snapshot: string, fn: () => Promise<T>): Promise<T> {
  if (!SNAPSHOT.test(snapshot)) throw new Error(`not a snapshot name: ${snapshot}`);
  await nativeExec(client, tx.beginSnapshot);
  try {
    await nativeExec(client, command('tx.setSnapshot', `set transaction snapshot '${snapshot}'`));
    const result = await fn();
    await nativeExec(client, tx.commit);
    return result;
  } catch (e) {
    await nativeExec(client, tx.rollback).catch(() => {});
    throw e;
  }
}

export async function nativeCommit(client: PoolClient): Promise<void> {
  await nativeExec(client, tx.commit);
}

export async function nativeRollback(client: PoolClient): Promise<void> {
  await nativeExec(client, tx.rollback);
}

const chinaTime = command('tx.chinaTime', `set local time zone 'Asia/Shanghai'`);

/** Until the transaction ends, PostgreSQL writes times as text in China time (+08), as the API does, not in the server's zone. */
export async function inChinaTime(client: PoolClient): Promise<void> {
  await nativeExec(client, chinaTime);
}

const downloadTimeout = command(
  'tx.downloadTimeout',
  `select set_config('statement_timeout', case when current_setting('statement_timeout') = '0' then '0' else '1h' end, true)`,
);

/**
 * Until the transaction ends, a statement may run for an hour instead of the service's statement_timeout (none when
 * that is off): a COPY to a download runs at the pace the client reads it (a province's residents over a slow line);
 * the hour still frees the connection of a client that stopped reading.
 */
export async function asDownload(client: PoolClient): Promise<void> {
  await nativeExec(client, downloadTimeout);
}

function escape(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  // A number's or a boolean's text holds no character COPY would read as a separator or an escape.
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v))
    return `{${v.map((x) => (typeof x === 'number' ? String(x) : `"${String(x).replace(/["\\]/g, '\\\\$&')}"`)).join(',')}}`.replace(/\\/g, '\\\\');
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/** Declares `copy <table> (<columns>) from stdin`, named `name` (by default `bulk.copy.<table>`). */
export function copyStatement(table: string, columns: readonly string[], name = `bulk.copy.${table}`): Sql<Record<string, never>> {
  return command(name, `copy ${table} (${columns.join(', ')}) from stdin`);
}

/** Streams `rows` into a declared COPY … FROM STDIN (values in its column order); the number of rows sent. */
export async function copyInto(client: PoolClient, st: Sql<Record<string, never>>, rows: Iterable<readonly CopyValue[]>): Promise<number> {
  const stream = client.query(copyFrom(st.text));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let count = 0;
  let buf: string[] = [];
  const flush = async () => {
    if (!buf.length) return;
    const ok = stream.write(buf.join(''));
    buf = [];
    if (!ok) await new Promise<void>((r) => stream.once('drain', () => r()));
  };
  for (const row of rows) {
    let line = row.length ? escape(row[0]) : '';
    for (let i = 1; i < row.length; i++) line += `\t${escape(row[i])}`;
    buf.push(`${line}\n`);
    count++;
    if (buf.length >= 5000) await flush();
  }
  await flush();
  stream.end();
  await done;
  return count;
}

export async function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
  return copyInto(client, copyStatement(table, columns), rows);
}

/** After loading rows with explicit ids, moves an identity column's sequence past them. */
export async function resetIdentity(client: PoolClient, table: string): Promise<void> {
  await nativeExec(
    client,
    command('bulk.resetIdentity', `select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`),
  );
}

const NextId = z.object({ n: col.id });

/** The next free id of a table (ids of bulk-loaded rows are assigned in the loader). */
export async function nextId(client: PoolClient, table: string): Promise<number> {
  const [r] = await nativeRows(client, sql('bulk.nextId', NextId, `select coalesce(max(id), 0) + 1 as n from ${table}`));
  return r!.n;
}

const Constraint = z.object({ tbl: col.text, name: col.text, def: col.text });
const Index = z.object({ name: col.text, def: col.text });

const foreignKeys = sql(
  'bulk.foreignKeys',
  Constraint,
  `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
     from pg_constraint where contype = 'f' and (conrelid::regclass::text = any($1) or confrelid::regclass::text = any($1))`,
);
const uniqueConstraints = sql(
  'bulk.uniqueConstraints',
  Constraint,
  `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
     from pg_constraint where contype = 'u' and conrelid::regclass::text = any($1)`,
);
const secondaryIndexes = sql(
  'bulk.secondaryIndexes',
  Index,
  `select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename = any($1)
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
);
const moreMaintenanceMemory = command('bulk.maintenanceMemory', `set local maintenance_work_mem = '256MB'`);

/**
 * Bulk-load mode for big first loads: inside the caller's transaction, drops
 * the tables' foreign keys, unique constraints and secondary indexes, runs
 * `load`, then recreates them all. Rebuilding an index once and validating a
 * foreign key with one join is far cheaper than maintaining them row by row;
 * the recreated constraints still check every loaded row, and an error rolls
 * the whole load back (PostgreSQL DDL is transactional).
 */
export async function withoutConstraints<T>(client: PoolClient, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const fks = await nativeRows(client, foreignKeys, [tables]);
  const uniques = await nativeRows(client, uniqueConstraints, [tables]);
  const indexes = await nativeRows(client, secondaryIndexes, [tables]);
  // The definitions come from the catalog just read, so these statements are built here, one per constraint or index.
  for (const fk of fks) await nativeExec(client, command('bulk.dropForeignKey', `alter table ${fk.tbl} drop constraint ${fk.name}`));
  for (const u of uniques) await nativeExec(client, command('bulk.dropUnique', `alter table ${u.tbl} drop constraint ${u.name}`));
  for (const ix of indexes) await nativeExec(client, command('bulk.dropIndex', `drop index ${ix.name}`));
  const result = await load();
  await nativeExec(client, moreMaintenanceMemory);
  for (const ix of indexes) await nativeExec(client, command('bulk.createIndex', ix.def));
  for (const u of uniques) await nativeExec(client, command('bulk.addUnique', `alter table ${u.tbl} add constraint ${u.name} ${u.def}`));
  for (const fk of fks) await nativeExec(client, command('bulk.addForeignKey', `alter table ${fk.tbl} add constraint ${fk.name} ${fk.def}`));
  return result;
}
