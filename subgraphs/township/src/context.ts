import { byKey, groupedBy } from '../../../platform/loaders.ts';
import type { BaseContext } from '../../../platform/service.ts';
import type { Db } from '../../../platform/sql.ts';
import { dispatches } from './store/dispatch.ts';
import { townshipAgencies } from './store/township-agency.ts';
import { townshipCases } from './store/township-case.ts';
import { townshipTeams } from './store/township-team.ts';
import { townships } from './store/township.ts';

export function createLoaders(db: Db) {
  return {
    township: byKey(
      (codes) => townships.byCodes(db, codes),
      (t) => t.code,
    ),
    townshipsOfCounty: groupedBy(
      (codes) => townships.ofCounties(db, codes),
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
  };
}

export interface TownshipContext extends BaseContext {
  loaders: ReturnType<typeof createLoaders>;
}
