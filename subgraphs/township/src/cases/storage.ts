import { ruleOf, stepSignature, type CaseAction, type DeadlineRule, type StepFact, type StepStorage } from '../../../../domain/case-engine.ts';
import { STEP_ACTIONS } from '../../../../domain/events.ts';
import { emit } from '../../../../platform/events.ts';
import type { Db } from '../../../../platform/sql.ts';
import { dispatches } from '../store/dispatch.ts';
import { townshipCases, type TownshipCaseChanges, type TownshipCaseRow } from '../store/township-case.ts';

/**
 * The township's storage for the case engine (domain/case-engine.ts
 * `takeStep`): its record is `township_case`; every step goes to the village
 * record as a `case.step` event, and an escalation to the county as
 * `case.escalated`, all in the step's transaction (docs/ARCHITECTURE.md).
 */

/** The fields a step sets besides status, order and deadlines. */
export type StepExtras = Pick<TownshipCaseChanges, 'assignee' | 'outcome' | 'resolvedAt' | 'replyBy' | 'rehandled'>;

/** What one step of the township adds to the storage. */
export interface TownshipStep {
  action: CaseAction;
  /** The case, locked, once the caller's right to take the step is checked. */
  lock: () => Promise<TownshipCaseRow>;
  actor: string;
  note: string | null;
  /** Writes the step makes besides the case row (dispatch rows), and the fields it sets; may refuse the step. */
  extras?: (c: TownshipCaseRow, at: Date, rule: DeadlineRule) => Promise<StepExtras> | StepExtras;
  /** A department's 报到/反馈 leaves the case's version alone (the centre works on the version it read). */
  keepVersion?: boolean;
  /** What decides the step when the note does not say it all (an outcome, the dispatch withdrawn), to tell it sent again. */
  sent?: unknown;
  /**
   * A 吹哨's departments, the one a withdrawal takes the case back from, or the one whose 报到 or 反馈 it is, by kind,
   * told to the village record (a department's caller reads the cases it holds through a dispatch not withdrawn from it,
   * and of their 吹哨报到 steps only its own).
   */
  departments?: readonly string[];
}

/** The case's deadline rule, as it came up with the escalation. */
export const ruleOfCase = (c: TownshipCaseRow): DeadlineRule => ({ contactMinutes: c.contactMinutes, settleHours: c.settleHours, replyHours: c.replyHours });

const iso = (d: Date | undefined) => d?.toISOString();

/** A township step's action as the village hears it. */
function stepAction(action: CaseAction): (typeof STEP_ACTIONS)[number] {
  const found = STEP_ACTIONS.find((a) => a === action);
  if (!found) throw new Error(`${action} is not a step the township tells the village.`);
  return found;
}

/** Tells the village record about a township step, with its place in the case's order and what it set. */
export function recordStep(
  em: Db,
  c: TownshipCaseRow,
  fact: StepFact,
  actor: string,
  note: string | null,
  extras: StepExtras = {},
  departments?: readonly string[],
): Promise<void> {
  return emit(em, 'village', 'case.step', {
    disputeId: c.disputeId,
    countyCode: c.countyCode,
    level: 'TOWNSHIP',
    action: stepAction(fact.action),
    seq: fact.seq,
    at: fact.at.toISOString(),
    actor,
    note,
    status: c.status,
    ...(extras.assignee === undefined ? {} : { assignee: extras.assignee }),
    ...(typeof extras.outcome === 'string' ? { outcome: extras.outcome } : {}),
    contactBy: iso(fact.deadlines.contactBy),
    settleBy: iso(fact.deadlines.settleBy),
    replyBy: iso(fact.deadlines.replyBy),
    ...(departments ? { departments: [...departments] } : {}),
  });
}

export function townshipStorage(em: Db, step: TownshipStep): StepStorage<TownshipCaseRow> {
  // Deadlines a step that hands the case to another level starts are that level's, not the township record's: an
  // escalation's are the county's (it receives them with the case), a return's the village's (by the step's event).
  const handedOn = ruleOf('TOWNSHIP', step.action)?.story.handlingLevel;
  const forOtherLevel = handedOn !== undefined && handedOn !== 'TOWNSHIP';
  let extras: StepExtras = {};
  // Read once the case is locked: the lock names the actor and writes the note of some steps.
  const signature = () => stepSignature(step.action, step.actor, step.sent ?? step.note);
  return {
    level: 'TOWNSHIP',
    lock: step.lock,
    sentAgain: (c, version) => c.version === version + 1 && c.lastStep === signature(),
    resolvedLevel: (c) => (c.status === 'RESOLVED' ? 'TOWNSHIP' : null),
    // Open dispatches keep the case at the township (requireDepartmentsReported); none leave nothing to withdraw.
    unavailable: async (c) => ((await dispatches.open(em, c.disputeId)).length ? ['RESOLVE', 'ESCALATE', 'RETURN'] : ['WITHDRAW_DISPATCH']),
    rule: ruleOfCase,
    save: async (c, change) => {
      extras = step.extras ? await step.extras(c, change.at, ruleOfCase(c)) : {};
      const saved = await townshipCases.step(em, c.disputeId, {
        status: change.status,
        seq: change.seq,
        ...(forOtherLevel ? {} : { settleBy: change.deadlines.settleBy, replyBy: change.deadlines.replyBy }),
        ...extras,
        ...(step.action === 'ACCEPT' ? { acceptedAt: change.at } : {}),
        lastStep: signature(),
        bumpVersion: !step.keepVersion,
      });
      if (!saved) throw new Error(`township_case ${c.disputeId} vanished during a step.`);
      return saved;
    },
    record: (c, fact) => recordStep(em, c, fact, step.actor, step.note, extras, step.departments),
    tell: (c, fact) =>
      emit(em, 'county', 'case.escalated', {
        disputeId: c.disputeId,
        caseNumber: c.caseNumber,
        countyCode: c.countyCode,
        townshipCode: c.townshipCode,
        villageCode: c.villageCode,
        category: c.category,
        scale: c.scale,
        summary: c.summary,
        escalatedAt: fact.at.toISOString(),
        // The county's settle deadline: the case rule's settle time from now (takeStep started it).
        settleBy: fact.deadlines.settleBy!.toISOString(),
        seq: fact.seq,
        rule: ruleOfCase(c),
        rehandled: c.rehandled,
        reason: step.note,
        actor: step.actor,
      }),
  };
}
