import type { MikroORM } from '@mikro-orm/postgresql';
import { townshipKind } from '../../../domain/codes.ts';
import { readDivisions } from '../../../domain/divisions.ts';
import { nativePool } from '../../../platform/orm.ts';

/** Loads the townships (乡/镇/街道) within the scope; idempotent (upsert by code). */
export async function loadTownshipDirectory(orm: MikroORM, scope: readonly string[]): Promise<{ townships: number }> {
  const rows = readDivisions('streets', scope).filter((r) => r.code.length === 9);
  const pool = await nativePool(orm);
  await pool.query(
    `insert into township (code, name, kind, county_code)
     select code, name, kind, left(code, 6) from unnest($1::text[], $2::text[], $3::text[]) as t(code, name, kind)
     on conflict (code) do update set name = excluded.name, kind = excluded.kind`,
    [rows.map((r) => r.code), rows.map((r) => r.name), rows.map((r) => townshipKind(r.code))],
  );
  return { townships: rows.length };
}
