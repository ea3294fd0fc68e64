import { ruleOf, stepSignature, type CaseAction, type DeadlineRule, type StepFact, type StepStorage } from '../../../../domain/case-engine.ts';
import { STEP_ACTIONS } from '../../../../domain/events.ts';
import { emit } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { countyCases, type CountyCaseChanges, type CountyCaseRow } from '../store/county-case.ts';

/**
 * The county's storage for the case engine (domain/case-engine.ts
 * `takeStep`): its record is `county_case`, and the village record hears of
 * every step by a `case.step` event in the step's transaction
 * (docs/ARCHITECTURE.md). The county is the top level: it escalates to no
 * one; a return (退回乡镇) also tells the township, which handles the case again.
 */

/** The fields a step sets besides status, order and deadlines. */
export type CountyExtras = Omit<CountyCaseChanges, 'status' | 'seq' | 'settleBy' | 'lastStep'>;

/** One step at the county: the locked case (after the caller's right is checked), who took it and why, and what it sets. */
export interface CountyStep {
  action: CaseAction;
  lock: () => Promise<CountyCaseRow>;
  actor: string;
  note: string | null;
  extras?: (at: Date) => CountyExtras;
  /** What decides the step when the note does not say it all (an outcome), to tell it sent again. */
  sent?: unknown;
}

const ruleOfCase = (c: CountyCaseRow): DeadlineRule => ({ contactMinutes: c.contactMinutes, settleHours: c.settleHours, replyHours: c.replyHours });

/** The village hears the county's step: its order, the county's status after it, what it set, and the deadlines it started. */
export async function toVillage(em: Db, c: CountyCaseRow, fact: StepFact, who: { actor: string; note: string | null }, set: CountyExtras = {}) {
  const action = STEP_ACTIONS.find((a) => a === fact.action);
  if (!action) throw new Error(`The county does not take ${fact.action} steps.`);
  const { contactBy, settleBy, replyBy } = fact.deadlines;
  await emit(em, 'village', 'case.step', {
    ...who,
    disputeId: c.disputeId,
    countyCode: c.countyCode,
    level: 'COUNTY',
    action,
    seq: fact.seq,
    at: fact.at.toISOString(),
    status: c.status,
    assignee: set.assignee,
    outcome: set.outcome ?? undefined,
    contactBy: contactBy?.toISOString(),
    settleBy: settleBy?.toISOString(),
    replyBy: replyBy?.toISOString(),
  });
}

export function countyStorage(em: Db, step: CountyStep): StepStorage<CountyCaseRow> {
  let set: CountyExtras = {};
  const signature = stepSignature(step.action, step.actor, step.sent ?? step.note);
  // The settle deadline a return starts is the township's (told to it with the step), not the county record's.
  const handedOn = ruleOf('COUNTY', step.action)?.story.handlingLevel;
  const forOtherLevel = handedOn !== undefined && handedOn !== 'COUNTY';
  return {
    level: 'COUNTY',
    lock: step.lock,
    sentAgain: (c, version) => c.version === version + 1 && c.lastStep === signature,
    resolvedLevel: (c) => (c.status === 'RESOLVED' ? 'COUNTY' : null),
    rule: ruleOfCase,
    save: async (c, { status, seq, deadlines, at }) => {
      set = step.extras?.(at) ?? {};
      const saved = await countyCases.step(em, c.disputeId, {
        status,
        seq,
        ...(forOtherLevel ? {} : { settleBy: deadlines.settleBy, replyBy: deadlines.replyBy }),
        ...set,
        ...(step.action === 'ACCEPT' ? { acceptedAt: at } : {}),
        lastStep: signature,
      });
      if (!saved) throw new Error(`county_case ${c.disputeId} vanished during a step.`);
      return saved;
    },
    record: (c, fact) => toVillage(em, c, fact, step, set),
    // 退回乡镇: the township's record, escalated until now, handles the case again from the step's place in the order.
    tell: async (c, fact, rule) => {
      if (rule.tells !== 'LEVEL_BELOW') throw new Error(`The county tells no other level of ${fact.action} steps.`);
      await emit(em, 'township', 'case.returned', {
        disputeId: c.disputeId,
        countyCode: c.countyCode,
        seq: fact.seq,
        at: fact.at.toISOString(),
        settleBy: fact.deadlines.settleBy!.toISOString(),
        reason: step.note ?? '',
        actor: step.actor,
      });
    },
  };
}
