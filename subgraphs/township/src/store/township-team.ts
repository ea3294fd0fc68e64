import type { Db } from '../../../../platform/sql.ts';
import { TownshipTeam, type TownshipTeamEntity } from '../entities.ts';

/** Township teams (民兵应急分队, 联防联控队), read through their MikroORM entity (entities.ts). */
export const townshipTeams = {
  /** The teams of each township, in the order they were registered. */
  ofTownships: (db: Db, townshipCodes: readonly string[]): Promise<TownshipTeamEntity[]> =>
    db.find(TownshipTeam, { townshipCode: { $in: [...townshipCodes] } }, { orderBy: { id: 'asc' } }),
};
