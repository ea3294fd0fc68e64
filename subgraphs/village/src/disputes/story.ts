import { nextStory, OPEN_STATUSES, ruleOf, STEPS, type CaseAction, type StepFact } from '../../../../domain/case-engine.ts';
import type { DisputeRow, DisputeStory } from '../store/dispute.ts';

/**
 * The village record as the case's story (docs/ARCHITECTURE.md, "The case
 * engine"; the fields: DisputeStory). The village's own steps and the steps
 * of the township and county are applied by the same function, in the case's
 * order, so the record is the same whatever order the steps arrive in.
 */

const ACTIONS: ReadonlySet<string> = new Set(STEPS.map((s) => s.action));
/** Whether a timeline action is one of the engine's steps (supervision notes are not). */
export const isCaseAction = (action: string): action is CaseAction => ACTIONS.has(action);

const time = (v: Date | string | null): Date | null => (v == null ? null : new Date(v));

/** The story a dispute row holds now. */
export function storyOf(d: DisputeRow): DisputeStory {
  return {
    seq: d.seq,
    status: d.status,
    handlingLevel: d.handlingLevel,
    inTransit: d.inTransit,
    resolvedLevel: d.resolvedLevel,
    rehandled: d.rehandled,
    contactBy: time(d.contactBy),
    settleBy: time(d.settleBy),
    replyBy: time(d.replyBy),
    outcome: d.outcome,
    assignee: d.assignee,
    resolvedAt: time(d.resolvedAt),
    acceptedAt: time(d.acceptedAt),
    escalatedToTownshipAt: time(d.escalatedToTownshipAt),
    escalatedToCountyAt: time(d.escalatedToCountyAt),
    rating: d.rating,
    ratedAt: time(d.ratedAt),
    closedAt: time(d.closedAt),
    followedUpAt: time(d.followedUpAt),
    declineReason: d.declineReason,
    duplicateOf: d.duplicateOf,
    missedDeadline: d.missedDeadline,
    mediatorId: d.mediatorId,
  };
}

/**
 * What a village step sets besides the engine's fields: the parties' rating, why a report was declined (不予受理), or
 * the registered mediator an assignment (分流) names (null: it names whoever handles the case in words).
 */
export interface StepTakenWith {
  rating?: string | null;
  declined?: { reason: string; duplicateOf: string | null };
  mediatorId?: number | null;
}

/**
 * The story after one more step of the case (the next in `seq` order).
 * Besides the engine's fields: a resolution's time (cleared when the case is
 * reopened), the first escalation to each level, and the village's own
 * acceptance, closing and follow-up times. A rating (RATE, or the
 * DISSATISFIED rating that reopens a case) stands until the next one; a
 * decline's reason and the case it duplicates stand while the case stays DECLINED (恢复受理 clears them).
 */
export function advanceStory(s: DisputeStory, fact: StepFact, taken: StepTakenWith = {}): DisputeStory {
  const { rating, declined, mediatorId } = taken;
  const effect = ruleOf(fact.level, fact.action, s.resolvedLevel)?.story ?? {};
  const next: DisputeStory = { ...s, ...nextStory(s, fact) };
  if (effect.resolved) next.resolvedAt = fact.at;
  if (effect.reopened) next.resolvedAt = null;
  const village = fact.level === 'VILLAGE';
  if (village && fact.action === 'ACCEPT') next.acceptedAt = fact.at;
  if (village && fact.action === 'ESCALATE') next.escalatedToTownshipAt ??= fact.at;
  if (fact.level === 'TOWNSHIP' && fact.action === 'ESCALATE') next.escalatedToCountyAt ??= fact.at;
  // 承办调解员 goes with 承办 (the engine's assignee): the handling level's, so a case moving up has none until the village
  // handles it again and assigns it; an assignment by name alone names no registered mediator.
  if (next.handlingLevel !== s.handlingLevel && ruleOf(fact.level, fact.action, s.resolvedLevel)?.role !== 'PARTIES') next.mediatorId = null;
  if (village && fact.action === 'ASSIGN' && mediatorId !== undefined) next.mediatorId = mediatorId;
  if (village && fact.action === 'CLOSE') next.closedAt = fact.at;
  if (village && fact.action === 'FOLLOW_UP') next.followedUpAt = fact.at;
  if (village && fact.action === 'DECLINE' && declined) {
    next.declineReason = declined.reason;
    next.duplicateOf = declined.duplicateOf;
  }
  // 恢复受理: the decline was a mistake, so the case is declined for no reason and duplicates no case any more (the
  // timeline keeps what the decline said).
  if (village && fact.action === 'REINSTATE') {
    next.declineReason = null;
    next.duplicateOf = null;
  }
  if (rating) {
    next.rating = rating;
    next.ratedAt = fact.at;
  }
  // 按期化解: a level's settle deadline restarts when the case moves up, but a case still open past it had already
  // missed it, and is not settled on time wherever it is settled later (a case escalated 67 days after its report
  // counted as on time by the township's fresh deadline). A deadline that restarts after a resolution (a reopened
  // case) was met or missed by that resolution.
  const open = (OPEN_STATUSES as readonly string[]).includes(s.status);
  if (open && s.settleBy && next.settleBy && next.settleBy.getTime() !== s.settleBy.getTime() && fact.at > s.settleBy) next.missedDeadline = true;
  return next;
}
