import type { PoolClient } from 'pg';
import { command, type Db } from '../../../../platform/sql.ts';
import { County, type CountyEntity } from '../entities.ts';

/**
 * Counties (县/区/县级市), keyed by their 6-digit code: the division directory,
 * read through their MikroORM entity (entities.ts).
 */

const upsertDirectory = command(
  'county.upsertDirectory',
  `insert into county (code, name, prefecture_code, province_code)
       select code, name, left(code, 4), left(code, 2) from unnest($1::text[], $2::text[]) as t(code, name)
       on conflict (code) do update set name = excluded.name`,
);

export const counties = {
  byCodes: (db: Db, codes: readonly string[]): Promise<CountyEntity[]> => db.find(County, { code: { $in: [...codes] } }),
  /** Every county under a division (its code a prefix of theirs), by code. */
  within: (db: Db, prefix: string): Promise<CountyEntity[]> => db.find(County, { code: { $like: `${prefix}%` } }, { orderBy: { code: 'asc' } }),
  /** The counties of provinces or prefectures, whatever the mix of codes: one statement, by code. */
  ofRegions: (db: Db, regionCodes: readonly string[]): Promise<CountyEntity[]> =>
    db.find(County, { $or: [{ prefectureCode: { $in: [...regionCodes] } }, { provinceCode: { $in: [...regionCodes] } }] }, { orderBy: { code: 'asc' } }),
  /** Inserts or renames counties from the division directory (in the directory load's transaction). */
  upsertDirectory: async (client: PoolClient, list: readonly { code: string; name: string }[]): Promise<void> => {
    await client.query(upsertDirectory.text, [list.map((c) => c.code), list.map((c) => c.name)]);
  },
};
