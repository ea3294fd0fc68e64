import { byKey, byPeriod, groupedBy, lazyLoaders } from '../../../platform/loaders.ts';
import { directoryByKey, directoryGroupedBy } from '../../../platform/directory-cache.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { departmentDispatchStatsLoader, dispatchStatsLoader } from './stats.ts';
import { dispatches } from './store/dispatch.ts';
import { townshipAgencies } from './store/township-agency.ts';
import { townshipCases } from './store/township-case.ts';
import { townshipTeams } from './store/township-team.ts';
import { townshipDirectory } from './store/township-directory.ts';

/**
 * A request's loaders (made when first used). Townships are the public directory: read on the pool, with no
 * transaction and no jurisdiction setting.
 */
export const createLoaders = lazyLoaders<Db>()({
  township: (db) => directoryByKey(db, townshipDirectory.byCodes, (t) => t.code),
  townshipsOfCounty: (db) => directoryGroupedBy(db, townshipDirectory.ofCounties, (t) => t.countyCode),
  agenciesOf: (db) =>
    groupedBy(
      (codes) => townshipAgencies.ofTownships(db, codes),
      (a) => a.townshipCode,
    ),
  caseOf: (db) =>
    byKey(
      (ids) => townshipCases.byDisputeIds(db, ids),
      (c) => c.disputeId,
    ),
  dispatchesOf: (db) =>
    groupedBy(
      (ids) => dispatches.ofDisputes(db, ids),
      (d) => d.disputeId,
    ),
  teamsOf: (db) =>
    groupedBy(
      (codes) => townshipTeams.ofTownships(db, codes),
      (t) => t.townshipCode,
    ),
  /** One loader per period, so townships and counties asked for the same period share one statement per level. */
  dispatchStats: (db) => byPeriod((from, to) => dispatchStatsLoader(db, from, to)),
  /** The same per department (DispatchStats.byDepartment): one statement per level and period. */
  departmentDispatchStats: (db) => byPeriod((from, to) => departmentDispatchStatsLoader(db, from, to)),
});

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
