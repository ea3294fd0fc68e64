import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../../../platform/loaders.ts';
import { query } from '../../../../platform/sql.ts';
import type { DisputePartyRow, DisputeRow, DisputeStepRow } from '../rows.ts';

/** Per-request loaders of cases, their parties and their timelines. */
export function createDisputeLoaders(em: EntityManager) {
  return {
    dispute: byKey<string, DisputeRow>((ids) => query<DisputeRow>(em, 'select * from dispute where id in (?)', [[...ids]]), (d) => d.id),
    partiesOf: groupedBy<string, DisputePartyRow>((ids) => query(em, 'select * from dispute_party where dispute_id in (?) order by id', [[...ids]]), (p) => p.disputeId),
    stepsOf: groupedBy<string, DisputeStepRow>((ids) => query(em, 'select * from dispute_step where dispute_id in (?) order by at, id', [[...ids]]), (s) => s.disputeId),
  };
}
