import type { EntityManager } from '@mikro-orm/postgresql';
import { byKey, groupedBy } from '../../../../platform/loaders.ts';
import { disputes, type DisputeRow } from '../store/dispute.ts';
import { disputeParties, type DisputePartyRow } from '../store/dispute-party.ts';
import { disputeSteps, type DisputeStepRow } from '../store/dispute-step.ts';

/** The factories of a request's loaders of cases, their parties and their timelines (made when first used, context.ts). */
export const disputeLoaders = {
  dispute: (em: EntityManager) =>
    byKey<string, DisputeRow>(
      (ids) => disputes.byIds(em, ids),
      (d) => d.id,
    ),
  /** Cases by their number (a township's or county's record names its case by number, for its 督办 fields). */
  disputeByNumber: (em: EntityManager) =>
    byKey<string, DisputeRow>(
      (numbers) => disputes.byCaseNumbers(em, numbers),
      (d) => d.caseNumber,
    ),
  /** A resident's cases as a party, by person id. */
  casesOfPerson: (em: EntityManager) =>
    groupedBy<string, DisputeRow & { partyPersonId: string }>(
      (ids) => disputes.ofParties(em, ids),
      (d) => d.partyPersonId,
    ),
  partiesOf: (em: EntityManager) =>
    groupedBy<string, DisputePartyRow>(
      (ids) => disputeParties.ofDisputes(em, ids),
      (p) => p.disputeId,
    ),
  /** The departments (kinds) holding each case through a dispatch (吹哨) not withdrawn from them. */
  dispatchedTo: (em: EntityManager) =>
    groupedBy<string, { disputeId: string; department: string }>(
      (ids) => disputeSteps.dispatchedTo(em, ids),
      (s) => s.disputeId,
    ),
  stepsOf: (em: EntityManager) =>
    groupedBy<string, DisputeStepRow>(
      (ids) => disputeSteps.ofDisputes(em, ids),
      (s) => s.disputeId,
    ),
};
