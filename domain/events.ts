import { z } from 'zod';

/**
 * The events the levels send each other (docs/ARCHITECTURE.md), by type: what
 * each carries. Every payload names its county (`countyCode`, '' for the whole
 * country): the receiver acts within it. Receivers get payloads parsed against
 * these shapes; senders are checked against them when they compile.
 */

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
  reason: z.string().nullish(),
  actor: z.string().nullish(),
});

/** The county's supervision order (督办) on a case a township handles. */
const CaseSupervised = z.object({ disputeId: z.string(), countyCode: z.string(), at: z.string(), note: z.string() });

/** Step actions that carry nothing beyond the common fields. */
export const PLAIN_STEP_ACTIONS = ['RECEIVE', 'ACCEPT', 'ASSIGN', 'DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT', 'MEDIATE'] as const;

const StepBase = z.object({
  disputeId: z.string(),
  countyCode: z.string(),
  level: z.enum(['TOWNSHIP', 'COUNTY']),
  at: z.string(),
  actor: z.string(),
  note: z.string().nullable(),
  status: z.string(),
  assignee: z.string().nullish(),
});

/** A step taken at the township or county, for the village record's timeline; escalation and resolution also change the record. */
const CaseStep = z.discriminatedUnion('action', [
  StepBase.extend({ action: z.literal('ESCALATE'), settleBy: z.string() }),
  StepBase.extend({ action: z.literal('RESOLVE'), outcome: z.string() }),
  StepBase.extend({ action: z.enum(PLAIN_STEP_ACTIONS) }),
]);

/** An assessment target changed at the county (its system of record). */
const TargetSet = z.object({ indicator: z.string(), level: z.string(), target: z.number(), by: z.string(), countyCode: z.string() });

/** Every event: its type and payload. */
export const DomainEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('case.escalated'), payload: CaseEscalated }),
  z.object({ type: z.literal('case.supervised'), payload: CaseSupervised }),
  z.object({ type: z.literal('case.step'), payload: CaseStep }),
  z.object({ type: z.literal('target.set'), payload: TargetSet }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type EventType = DomainEvent['type'];
/** What a sender writes for an event of type `T`. */
export type EventPayload<T extends EventType> = Extract<z.input<typeof DomainEvent>, { type: T }>['payload'];
export type CaseStepPayload = EventPayload<'case.step'>;
/** What a step adds to the common fields, by action. */
export type StepDetail = { action: 'ESCALATE'; settleBy: string } | { action: 'RESOLVE'; outcome: string } | { action: (typeof PLAIN_STEP_ACTIONS)[number] };
