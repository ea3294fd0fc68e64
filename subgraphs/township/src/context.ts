import { byKey, groupedBy } from '../../../platform/loaders.ts';
import { publicRows } from '../../../platform/jurisdiction.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { dispatchStatsLoader, type DispatchFigures } from './stats.ts';
import { dispatches } from './store/dispatch.ts';
import { townshipAgencies } from './store/township-agency.ts';
import { townshipCases } from './store/township-case.ts';
import { townshipTeams } from './store/township-team.ts';
import { townshipDirectory } from './store/township-directory.ts';
import type DataLoader from 'dataloader';

export function createLoaders(db: Db) {
  const dispatchStats = new Map<string, DataLoader<string, DispatchFigures>>();
  // Townships are the public directory: read on the pool, with no transaction and no jurisdiction setting.
  return {
    township: byKey(
      (codes) => publicRows(db, townshipDirectory.byCodes, [codes]),
      (t) => t.code,
    ),
    townshipsOfCounty: groupedBy(
      (codes) => publicRows(db, townshipDirectory.ofCounties, [codes]),
      (t) => t.countyCode,
    ),
    agenciesOf: groupedBy(
      (codes) => townshipAgencies.ofTownships(db, codes),
      (a) => a.townshipCode,
    ),
    caseOf: byKey(
      (ids) => townshipCases.byDisputeIds(db, ids),
      (c) => c.disputeId,
    ),
    dispatchesOf: groupedBy(
      (ids) => dispatches.ofDisputes(db, ids),
      (d) => d.disputeId,
    ),
    teamsOf: groupedBy(
      (codes) => townshipTeams.ofTownships(db, codes),
      (t) => t.townshipCode,
    ),
    /** One loader per period, so townships and counties asked for the same period share one statement per level. */
    dispatchStats(from: string, to: string): DataLoader<string, DispatchFigures> {
      const key = `${from}|${to}`;
      let loader = dispatchStats.get(key);
      if (!loader) dispatchStats.set(key, (loader = dispatchStatsLoader(db, from, to)));
      return loader;
    },
  };
}

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
