import { z } from 'zod';

/**
 * The events the levels send each other (docs/ARCHITECTURE.md), by type: what
 * each carries. Every payload names the jurisdiction its receiver acts within
 * (`countyCode`: a county, or for a target event the target's division). Receivers get payloads parsed against
 * these shapes; senders are checked against them when they compile.
 */

/** The deadline rule of a case (`deadline_rule` of the village, which owns it), carried up with the case. */
const Rule = z.object({ contactMinutes: z.number(), settleHours: z.number(), replyHours: z.number() });

/** A village (to its township) or a township (to its county) passes a case one level up. */
const CaseEscalated = z.object({
  disputeId: z.string(),
  caseNumber: z.string(),
  countyCode: z.string(),
  townshipCode: z.string(),
  villageCode: z.string(),
  category: z.string(),
  scale: z.string(),
  summary: z.string(),
  escalatedAt: z.string(),
  /** The receiving level's deadline (ISO time). */
  settleBy: z.string(),
  /** The ESCALATE step's place in the case's order; the receiver's RECEIVE is the next. */
  seq: z.number().int(),
  rule: Rule,
  /** Rounds of re-handling so far. */
  rehandled: z.number().int(),
  reason: z.string().nullish(),
  actor: z.string().nullish(),
});

/** The parties were not satisfied (群众评价 不满意): the level that resolved the case handles it again. */
const CaseReopened = z.object({
  disputeId: z.string(),
  countyCode: z.string(),
  /** The village's REOPEN step's place in the case's order; the receiver's REOPEN is the next. */
  seq: z.number().int(),
  at: z.string(),
  /** The new settle deadline (ISO time). */
  settleBy: z.string(),
  rehandled: z.number().int(),
  note: z.string().nullable(),
  actor: z.string(),
});

/**
 * The county sent a case back to its township (退回乡镇): the township's record, escalated until then, handles it
 * again. The county's RETURN step itself reaches the village as a `case.step`; this tells the township.
 */
const CaseReturned = z.object({
  disputeId: z.string(),
  countyCode: z.string(),
  /** The county's RETURN step's place in the case's order; the township's next step follows it. */
  seq: z.number().int(),
  at: z.string(),
  /** The township's new settle deadline (ISO time): the case rule's settle time from the return. */
  settleBy: z.string(),
  reason: z.string(),
  actor: z.string(),
});

/** The county's supervision order (督办) on a case a township handles. */
const CaseSupervised = z.object({ disputeId: z.string(), countyCode: z.string(), at: z.string(), note: z.string() });

/** Steps of the township or county that travel to the village record. */
export const STEP_ACTIONS = [
  'RECEIVE',
  'ACCEPT',
  'ASSIGN',
  'DISPATCH',
  'DEPARTMENT_ACKNOWLEDGE',
  'DEPARTMENT_REPORT',
  'WITHDRAW_DISPATCH',
  'MEDIATE',
  'RESOLVE',
  'ESCALATE',
  'REOPEN',
  'RETURN',
] as const;

/**
 * A step taken at the township or county, for the village record: its place
 * in the case's own order (`seq`), the deadlines it started (ISO times), and
 * what it set. The village applies a case's steps in `seq` order, whatever
 * order they arrive in.
 */
const CaseStep = z.object({
  disputeId: z.string(),
  countyCode: z.string(),
  level: z.enum(['TOWNSHIP', 'COUNTY']),
  action: z.enum(STEP_ACTIONS),
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  note: z.string().nullable(),
  /** The case's status at that level after the step. */
  status: z.string(),
  assignee: z.string().nullish(),
  outcome: z.string().nullish(),
  contactBy: z.string().nullish(),
  settleBy: z.string().nullish(),
  replyBy: z.string().nullish(),
  /**
   * A 吹哨's departments, the one a withdrawal (WITHDRAW_DISPATCH) takes the case back from, or the one whose 报到 or 反馈
   * (DEPARTMENT_ACKNOWLEDGE, DEPARTMENT_REPORT) it is, by kind: a department's caller reads the cases it holds through a
   * dispatch not withdrawn from it, and of their 吹哨报到 steps only its own. A township that sends none with a 报到 or
   * 反馈 leaves the village to tell the department by the step's actor.
   */
  departments: z.array(z.string()).nullish(),
});

/**
 * A division's assessment target for a year was set or cleared at the county
 * subgraph (its system of record); `target` null means cleared (the division
 * inherits again). `countyCode` is the jurisdiction the receiver acts within:
 * the target's own division code, of whatever level.
 */
const TargetSet = z.object({
  divisionCode: z.string(),
  year: z.number().int(),
  indicator: z.string(),
  target: z.number().nullable(),
  by: z.string(),
  at: z.string(),
  countyCode: z.string(),
});

/** Every event: its type and payload. */
export const DomainEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case.escalated'), payload: CaseEscalated }),
  z.object({ type: z.literal('case.reopened'), payload: CaseReopened }),
  z.object({ type: z.literal('case.returned'), payload: CaseReturned }),
  z.object({ type: z.literal('case.supervised'), payload: CaseSupervised }),
  z.object({ type: z.literal('case.step'), payload: CaseStep }),
  z.object({ type: z.literal('target.set'), payload: TargetSet }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type EventType = DomainEvent['type'];
/** What a sender writes for an event of type `T`. */
export type EventPayload<T extends EventType> = Extract<z.input<typeof DomainEvent>, { type: T }>['payload'];
export type CaseStepPayload = EventPayload<'case.step'>;
