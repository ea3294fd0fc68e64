import type { Pool } from 'pg';
import { command, type Db } from '../../../../platform/sql.ts';
import { Township, type TownshipEntity } from '../entities.ts';

/**
 * Townships (乡/镇/街道), keyed by their 9-digit code: the division directory,
 * read through their MikroORM entity (entities.ts).
 */

const upsertDirectory = command(
  'township.upsertDirectory',
  `insert into township (code, name, kind, county_code)
     select code, name, kind, left(code, 6) from unnest($1::text[], $2::text[], $3::text[]) as t(code, name, kind)
     on conflict (code) do update set name = excluded.name, kind = excluded.kind`,
);

export const townships = {
  byCodes: (db: Db, codes: readonly string[]): Promise<TownshipEntity[]> => db.find(Township, { code: { $in: [...codes] } }),
  /** The townships of each county, by code. */
  ofCounties: (db: Db, countyCodes: readonly string[]): Promise<TownshipEntity[]> =>
    db.find(Township, { countyCode: { $in: [...countyCodes] } }, { orderBy: { code: 'asc' } }),
  /** Every township under a division (its code a prefix of theirs), by code. */
  within: (db: Db, prefix: string): Promise<TownshipEntity[]> => db.find(Township, { code: { $like: `${prefix}%` } }, { orderBy: { code: 'asc' } }),
  /** Inserts or renames townships from the division directory (a bulk path on the native pool). */
  upsertDirectory: async (pool: Pool, list: readonly { code: string; name: string; kind: string }[]): Promise<void> => {
    await pool.query(upsertDirectory.text, [list.map((r) => r.code), list.map((r) => r.name), list.map((r) => r.kind)]);
  },
};
