import { hubError } from '../platform/errors.ts';

/**
 * The closed loop every 综治中心 runs (docs/ARCHITECTURE.md): accept 受理 → assign
 * 分流转办 → handle 协同办理 (mediation, at the township also 吹哨 to
 * departments) → resolve, or escalate one level up → citizen rating 群众评价
 * → close 办结归档 → follow-up 回访. Rating, closing and follow-up happen
 * where the parties live (the village record), whichever level resolved it.
 * A step the current status does not allow is refused, naming those it does.
 */
export type Level = 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
export type LoopAction = 'accept' | 'assign' | 'dispatch' | 'mediate' | 'resolve' | 'escalate' | 'rate' | 'close' | 'followUp';

const LOOPS: Record<Level, Partial<Record<LoopAction, { from: string[]; to: string }>>> = {
  VILLAGE: {
    accept: { from: ['REPORTED'], to: 'ACCEPTED' },
    assign: { from: ['ACCEPTED'], to: 'ASSIGNED' },
    mediate: { from: ['ASSIGNED', 'MEDIATING'], to: 'MEDIATING' },
    resolve: { from: ['ASSIGNED', 'MEDIATING'], to: 'RESOLVED' },
    escalate: { from: ['ACCEPTED', 'ASSIGNED', 'MEDIATING'], to: 'ESCALATED' },
    rate: { from: ['RESOLVED'], to: 'RATED' },
    close: { from: ['RATED'], to: 'CLOSED' },
    followUp: { from: ['CLOSED'], to: 'FOLLOWED_UP' },
  },
  TOWNSHIP: {
    accept: { from: ['RECEIVED'], to: 'ACCEPTED' },
    assign: { from: ['ACCEPTED'], to: 'ASSIGNED' },
    dispatch: { from: ['ACCEPTED', 'ASSIGNED', 'MEDIATING'], to: 'ASSIGNED' },
    mediate: { from: ['ASSIGNED', 'MEDIATING'], to: 'MEDIATING' },
    resolve: { from: ['ASSIGNED', 'MEDIATING'], to: 'RESOLVED' },
    escalate: { from: ['ACCEPTED', 'ASSIGNED', 'MEDIATING'], to: 'ESCALATED' },
  },
  COUNTY: {
    accept: { from: ['RECEIVED'], to: 'ACCEPTED' },
    assign: { from: ['ACCEPTED'], to: 'ASSIGNED' },
    resolve: { from: ['ACCEPTED', 'ASSIGNED'], to: 'RESOLVED' },
  },
};

const LABEL: Record<LoopAction, string> = {
  accept: 'accept',
  assign: 'assign',
  dispatch: 'dispatch to departments',
  mediate: 'record mediation',
  resolve: 'resolve',
  escalate: 'escalate',
  rate: 'rate',
  close: 'close',
  followUp: 'follow up',
};

/** Actions a status allows at a level. */
export function allowedActions(level: Level, status: string): LoopAction[] {
  return (Object.entries(LOOPS[level]) as [LoopAction, { from: string[] }][]).filter(([, t]) => t.from.includes(status)).map(([a]) => a);
}

/** The status after `action`, or INVALID_TRANSITION saying what is allowed instead. */
export function transition(level: Level, status: string, action: LoopAction): string {
  const t = LOOPS[level][action];
  if (t && t.from.includes(status)) return t.to;
  const allowed = allowedActions(level, status);
  throw hubError(
    'INVALID_TRANSITION',
    `Cannot ${LABEL[action]} a ${status} case at the ${level.toLowerCase()} level; allowed now: ${allowed.length ? allowed.map((a) => LABEL[a]).join(', ') : 'nothing at this level'}.`,
    { level, status, action, allowed },
  );
}

/** Statuses that count as resolved in statistics. */
export const RESOLVED_STATUSES = ['RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP'] as const;
export const OPEN_STATUSES = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED'] as const;
