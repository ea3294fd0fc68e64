import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Bulk loads with COPY FROM STDIN (text format): the fast path for demo data
 * and registry imports. Values are strings, numbers, booleans, arrays or null.
 */
export type CopyValue = string | number | boolean | null | undefined | readonly (string | number)[];

function escape(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (Array.isArray(v)) return `{${v.map((x) => (typeof x === 'number' ? String(x) : `"${String(x).replace(/["\\]/g, '\\\\$&')}"`)).join(',')}}`.replace(/\\/g, '\\\\');
  const s = String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

export async function copyRows(client: PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
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
    buf.push(`${row.map(escape).join('\t')}\n`);
    count++;
    if (buf.length >= 5000) await flush();
  }
  await flush();
  stream.end();
  await done;
  return count;
}

/** After loading rows with explicit ids, moves an identity column's sequence past them. */
export async function resetIdentity(client: PoolClient, table: string): Promise<void> {
  await client.query(
    `select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`,
  );
}

/** The next free id of a table (ids of bulk-loaded rows are assigned in the loader). */
export async function nextId(client: PoolClient, table: string): Promise<number> {
  const r = await client.query(`select coalesce(max(id), 0) + 1 as n from ${table}`);
  return Number(r.rows[0].n);
}

/**
 * Bulk-load mode for big first loads: inside the caller's transaction, drops
 * the tables' foreign keys, unique constraints and secondary indexes, runs
 * `load`, then recreates them all. Rebuilding an index once and validating a
 * foreign key with one join is far cheaper than maintaining them row by row;
 * the recreated constraints still check every loaded row, and an error rolls
 * the whole load back (PostgreSQL DDL is transactional).
 */
export async function withoutConstraints<T>(client: PoolClient, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const fks = await client.query<{ tbl: string; name: string; def: string }>(
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
       from pg_constraint where contype = 'f' and (conrelid::regclass::text = any($1) or confrelid::regclass::text = any($1))`,
    [tables],
  );
  const uniques = await client.query<{ tbl: string; name: string; def: string }>(
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def
       from pg_constraint where contype = 'u' and conrelid::regclass::text = any($1)`,
    [tables],
  );
  const indexes = await client.query<{ name: string; def: string }>(
    `select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any($1)
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [tables],
  );
  for (const fk of fks.rows) await client.query(`alter table ${fk.tbl} drop constraint ${fk.name}`);
  for (const u of uniques.rows) await client.query(`alter table ${u.tbl} drop constraint ${u.name}`);
  for (const ix of indexes.rows) await client.query(`drop index ${ix.name}`);
  const result = await load();
  await client.query(`set local maintenance_work_mem = '256MB'`);
  for (const ix of indexes.rows) await client.query(ix.def);
  for (const u of uniques.rows) await client.query(`alter table ${u.tbl} add constraint ${u.name} ${u.def}`);
  for (const fk of fks.rows) await client.query(`alter table ${fk.tbl} add constraint ${fk.name} ${fk.def}`);
  return result;
}
