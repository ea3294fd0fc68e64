import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../../../platform/loaders.ts';
import { disputes, type DisputeRow } from '../store/dispute.ts';
import { disputeParties, type DisputePartyRow } from '../store/dispute-party.ts';
import { disputeSteps, type DisputeStepRow } from '../store/dispute-step.ts';

/** Per-request loaders of cases, their parties and their timelines. */
export function createDisputeLoaders(em: EntityManager) {
  return {
    dispute: byKey<string, DisputeRow>(
      (ids) => disputes.byIds(em, ids),
      (d) => d.id,
    ),
    partiesOf: groupedBy<string, DisputePartyRow>(
      (ids) => disputeParties.ofDisputes(em, ids),
      (p) => p.disputeId,
    ),
    stepsOf: groupedBy<string, DisputeStepRow>(
      (ids) => disputeSteps.ofDisputes(em, ids),
      (s) => s.disputeId,
    ),
  };
}
