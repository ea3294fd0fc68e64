import type { PoolClient } from 'pg';
import { command, type Db } from '../../../../platform/sql.ts';
import { Region, type RegionEntity } from '../entities.ts';

/**
 * Provinces (省) and prefectures (市/州), keyed by their 2- or 4-digit code:
 * the division directory, read through their MikroORM entity (entities.ts).
 */

const upsertDirectory = command(
  'region.upsertDirectory',
  `insert into region (code, name, level, parent_code)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
       on conflict (code) do update set name = excluded.name, level = excluded.level, parent_code = excluded.parent_code`,
);

export const regions = {
  byCodes: (db: Db, codes: readonly string[]): Promise<RegionEntity[]> => db.find(Region, { code: { $in: [...codes] } }),
  /** Every province, by code. */
  provinces: (db: Db): Promise<RegionEntity[]> => db.find(Region, { level: 'PROVINCE' }, { orderBy: { code: 'asc' } }),
  /** The prefectures of each province, by code. */
  ofParents: (db: Db, parentCodes: readonly string[]): Promise<RegionEntity[]> =>
    db.find(Region, { parentCode: { $in: [...parentCodes] } }, { orderBy: { code: 'asc' } }),
  /** Inserts or updates provinces and prefectures from the division directory (in the directory load's transaction). */
  upsertDirectory: async (client: PoolClient, list: readonly { code: string; name: string; level: string; parent: string | null }[]): Promise<void> => {
    await client.query(upsertDirectory.text, [list.map((r) => r.code), list.map((r) => r.name), list.map((r) => r.level), list.map((r) => r.parent)]);
  },
};
