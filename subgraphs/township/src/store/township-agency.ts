import type { Db } from '../../../../platform/sql.ts';
import { TownshipAgency, type TownshipAgencyEntity } from '../entities.ts';

/** Township agencies (司法所, 派出所, ...), read through their MikroORM entity (entities.ts). */
export const townshipAgencies = {
  /** The agencies of each township, by kind. */
  ofTownships: (db: Db, townshipCodes: readonly string[]): Promise<TownshipAgencyEntity[]> =>
    db.find(TownshipAgency, { townshipCode: { $in: [...townshipCodes] } }, { orderBy: { kind: 'asc' } }),
};
