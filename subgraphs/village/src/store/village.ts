import { Village, type VillageEntity } from '../entities.ts';
import type { Db } from '../../../../platform/sql.ts';

/**
 * Villages (村/社区), keyed by their 12-digit code: the division directory,
 * read through their MikroORM entity (entities.ts).
 */
export const villages = {
  byCodes: (db: Db, codes: readonly string[]): Promise<VillageEntity[]> => db.find(Village, { code: { $in: [...codes] } }),
  /** Villages of each township, by code. */
  ofTownships: (db: Db, townshipCodes: readonly string[]): Promise<VillageEntity[]> =>
    db.find(Village, { townshipCode: { $in: [...townshipCodes] } }, { orderBy: { code: 'asc' } }),
  /** Every village under a division (its code a prefix of theirs), by code. */
  within: (db: Db, prefix: string): Promise<VillageEntity[]> => db.find(Village, { code: { $like: `${prefix}%` } }, { orderBy: { code: 'asc' } }),
};
