import type { GraphQLError } from 'graphql';
import { hubError, staleVersion, type Said } from './errors.ts';
import { DISPUTE_STATUS_ZH, LEVEL_CASE_STATUS_ZH } from './labels.ts';
import { VILLAGE_CLOSED } from './case-statuses.ts';
export { OPEN_STATUSES, RESOLVED_STATUSES } from './case-statuses.ts';

/**
 * The case engine: one closed loop (docs/ARCHITECTURE.md, "The case engine")
 * that the 综治中心 of every level runs, declared once as data.
 *
 * accept 受理 → assign 分流转办 → handle 协同办理 (mediation; at the township
 * also 吹哨 to departments, who 报到 and 反馈) → resolve 化解, or escalate one
 * level up (小事不出村，大事不出乡，矛盾不上交) → citizen rating 群众评价 →
 * close 办结归档 → follow-up 回访.
 *
 * Each level keeps its own record (the village's `dispute`, the township's
 * `township_case`, the county's `county_case`) with its own statuses; the
 * village record is also the case's story, rebuilt from every level's steps
 * in the case's own order (`seq`). A step the current status does not allow,
 * or that the caller's role may not take, is refused.
 */
export type Level = 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';
export const LEVELS: readonly Level[] = ['VILLAGE', 'TOWNSHIP', 'COUNTY'];

/** A step's name, as it appears on the timeline. */
export type CaseAction =
  | 'REPORT'
  | 'RECEIVE'
  | 'ACCEPT'
  | 'ASSIGN'
  | 'DISPATCH'
  | 'DEPARTMENT_ACKNOWLEDGE'
  | 'DEPARTMENT_REPORT'
  | 'WITHDRAW_DISPATCH'
  | 'MEDIATE'
  | 'RESOLVE'
  | 'ESCALATE'
  | 'RATE'
  | 'REOPEN'
  | 'CLOSE'
  | 'FOLLOW_UP'
  | 'DECLINE'
  | 'REINSTATE'
  | 'RETURN';

/**
 * Who may take a step:
 * - CENTRE: the 综治中心 of the level handling the case (a caller who may write at that level's division);
 * - DEPARTMENT: the county department a dispatch names (a department caller);
 * - PARTIES: the village where the parties live (rating, closing and follow-up happen there, whichever level resolved it);
 * - EVENT: no caller; the step follows an event from another level.
 */
export type Role = 'CENTRE' | 'DEPARTMENT' | 'PARTIES' | 'EVENT';

/** The deadlines a step may start, each read from `deadline_rule` (the 131 rule). */
export type Clock = 'contact' | 'settle' | 'reply';

/** What a step makes of the case's story (the village record). */
export interface StoryEffect {
  status?: string;
  /**
   * The level handling the case from now on (the one holding it: its next step is that level's); RESOLVED_LEVEL = the
   * level that had resolved it.
   */
  handlingLevel?: Level | 'RESOLVED_LEVEL';
  inTransit?: boolean;
  resolved?: boolean;
  reopened?: boolean;
}

export interface StepRule {
  level: Level;
  action: CaseAction;
  /** Statuses of that level's record that allow the step ([] = the step creates the record). */
  from: readonly string[];
  /** That level's status after it (null = unchanged). */
  to: string | null;
  /** Statuses the step leaves as they are (`statusAfter`). */
  stays?: readonly string[];
  /** The status after it instead of `to` when the record names no one handling the case (`CaseRecord.assignee`). */
  unassigned?: string;
  role: Role;
  /** Deadlines the step (re)starts. */
  starts: readonly Clock[];
  /** Only when the case was resolved at this level (re-handling goes back to the level that resolved it). */
  resolvedAt?: 'VILLAGE' | 'ABOVE';
  /**
   * Another level that learns of the step by event (besides the village, which hears every step of the others): the
   * level above (an escalation), the level that resolved the case (a reopening), or the level below (a county's
   * return: the township handles the case again).
   */
  tells?: 'NEXT_LEVEL' | 'RESOLVED_LEVEL' | 'LEVEL_BELOW';
  story: StoryEffect;
}

const HANDLING = ['ACCEPTED', 'ASSIGNED', 'MEDIATING'] as const;

/** The loop, as data: one entry per step and level. */
export const STEPS: readonly StepRule[] = [
  // 村/社区
  {
    level: 'VILLAGE',
    action: 'REPORT',
    from: [],
    to: 'REPORTED',
    role: 'CENTRE',
    starts: ['contact', 'settle'],
    story: { status: 'REPORTED', handlingLevel: 'VILLAGE', inTransit: false },
  },
  { level: 'VILLAGE', action: 'ACCEPT', from: ['REPORTED'], to: 'ACCEPTED', role: 'CENTRE', starts: [], story: { status: 'ACCEPTED' } },
  // 不予受理: a report that is no dispute the centre takes (not a dispute, a duplicate of a case already reported,
  // already before a court or arbitration, withdrawn) ends at intake, before any deadline is owed; it counts in no
  // figure of the disputes reported.
  { level: 'VILLAGE', action: 'DECLINE', from: ['REPORTED'], to: 'DECLINED', role: 'CENTRE', starts: [], story: { status: 'DECLINED' } },
  // 恢复受理: a report declined by mistake (judged a duplicate of the wrong case, misread) comes back to the desk as
  // reported, under its own number and with its whole story, rather than reported again as a new case. It reaches the
  // desk again now: a declined case owed no deadline, so the 131 clocks (contact, settle) run afresh from this step, as
  // they ran from the report; counted from the report, a case declined for an hour would come back already late for
  // a time in which nothing was owed.
  {
    level: 'VILLAGE',
    action: 'REINSTATE',
    from: ['DECLINED'],
    to: 'REPORTED',
    role: 'CENTRE',
    starts: ['contact', 'settle'],
    story: { status: 'REPORTED' },
  },
  // 分流 and 改派: a desk hands the case to a mediator, and may hand it to another while it handles it (after the
  // parties rated the first one's work unsatisfactory, or when the first cannot go on).
  { level: 'VILLAGE', action: 'ASSIGN', from: HANDLING, to: 'ASSIGNED', role: 'CENTRE', starts: [], story: { status: 'ASSIGNED' } },
  { level: 'VILLAGE', action: 'MEDIATE', from: ['ASSIGNED', 'MEDIATING'], to: 'MEDIATING', role: 'CENTRE', starts: [], story: { status: 'MEDIATING' } },
  {
    level: 'VILLAGE',
    action: 'RESOLVE',
    from: ['ASSIGNED', 'MEDIATING'],
    to: 'RESOLVED',
    role: 'CENTRE',
    starts: ['reply'],
    story: { status: 'RESOLVED', resolved: true },
  },
  {
    level: 'VILLAGE',
    action: 'ESCALATE',
    from: HANDLING,
    to: 'ESCALATED',
    role: 'CENTRE',
    starts: ['settle'],
    tells: 'NEXT_LEVEL',
    story: { status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: true },
  },
  // Rated, closed or visited (回访), a case is the village's to finish whichever level resolved it (resolvedLevel
  // says which): no step of a level above is left, so the village holds it (handlingLevel). Until rated, a case
  // resolved above stays there, where an unsatisfied rating reopens it.
  {
    level: 'VILLAGE',
    action: 'RATE',
    from: ['RESOLVED'],
    to: 'RATED',
    role: 'PARTIES',
    starts: [],
    story: { status: 'RATED', handlingLevel: 'VILLAGE', inTransit: false },
  },
  // 群众不满意: back to the level that resolved it, for another round (see REHANDLING_LIMIT).
  {
    level: 'VILLAGE',
    action: 'REOPEN',
    from: ['RESOLVED'],
    to: 'ASSIGNED',
    role: 'PARTIES',
    resolvedAt: 'VILLAGE',
    starts: ['settle'],
    story: { status: 'ASSIGNED', reopened: true },
  },
  {
    level: 'VILLAGE',
    action: 'REOPEN',
    from: ['RESOLVED'],
    to: 'ESCALATED',
    role: 'PARTIES',
    resolvedAt: 'ABOVE',
    starts: ['settle'],
    tells: 'RESOLVED_LEVEL',
    story: { status: 'ESCALATED', handlingLevel: 'RESOLVED_LEVEL', inTransit: true, reopened: true },
  },
  // 办结: once rated; or unrated once the reply deadline has passed (the parties could not be reached or would not
  // rate), with the reason noted: the village's storage holds that rule (disputes/steps.ts).
  {
    level: 'VILLAGE',
    action: 'CLOSE',
    from: ['RATED', 'RESOLVED'],
    to: 'CLOSED',
    role: 'PARTIES',
    starts: [],
    story: { status: 'CLOSED', handlingLevel: 'VILLAGE', inTransit: false },
  },
  {
    level: 'VILLAGE',
    action: 'FOLLOW_UP',
    from: ['CLOSED'],
    to: 'FOLLOWED_UP',
    role: 'PARTIES',
    starts: [],
    story: { status: 'FOLLOWED_UP', handlingLevel: 'VILLAGE', inTransit: false },
  },
  // 乡镇
  { level: 'TOWNSHIP', action: 'RECEIVE', from: [], to: 'RECEIVED', role: 'EVENT', starts: [], story: { handlingLevel: 'TOWNSHIP', inTransit: false } },
  { level: 'TOWNSHIP', action: 'ACCEPT', from: ['RECEIVED'], to: 'ACCEPTED', role: 'CENTRE', starts: [], story: {} },
  { level: 'TOWNSHIP', action: 'ASSIGN', from: HANDLING, to: 'ASSIGNED', role: 'CENTRE', starts: [], story: {} },
  // 吹哨: each dispatch starts its own 报到 and 反馈 deadlines (see dispatchDeadlines). Called during mediation, the
  // departments help the mediation that goes on: the case stays MEDIATING.
  { level: 'TOWNSHIP', action: 'DISPATCH', from: HANDLING, to: 'ASSIGNED', stays: ['MEDIATING'], role: 'CENTRE', starts: [], story: {} },
  { level: 'TOWNSHIP', action: 'DEPARTMENT_ACKNOWLEDGE', from: HANDLING, to: null, role: 'DEPARTMENT', starts: [], story: {} },
  { level: 'TOWNSHIP', action: 'DEPARTMENT_REPORT', from: HANDLING, to: null, role: 'DEPARTMENT', starts: [], story: {} },
  // 撤回: the centre takes back a dispatch a department has not reported on (it never answered, or was the wrong
  // department), so that the case can be resolved or escalated without it; the case's status stays.
  { level: 'TOWNSHIP', action: 'WITHDRAW_DISPATCH', from: HANDLING, to: null, role: 'CENTRE', starts: [], story: {} },
  { level: 'TOWNSHIP', action: 'MEDIATE', from: ['ASSIGNED', 'MEDIATING'], to: 'MEDIATING', role: 'CENTRE', starts: [], story: {} },
  {
    level: 'TOWNSHIP',
    action: 'RESOLVE',
    from: ['ASSIGNED', 'MEDIATING'],
    to: 'RESOLVED',
    role: 'CENTRE',
    starts: ['reply'],
    story: { status: 'RESOLVED', resolved: true },
  },
  {
    level: 'TOWNSHIP',
    action: 'ESCALATE',
    from: HANDLING,
    to: 'ESCALATED',
    role: 'CENTRE',
    starts: ['settle'],
    tells: 'NEXT_LEVEL',
    story: { handlingLevel: 'COUNTY', inTransit: true },
  },
  // Re-handling goes back to whoever handled the case. A case the township resolved with its departments alone (吹哨,
  // no 分流), or the county on acceptance, names no one: it goes back to ACCEPTED, for the desk to hand on again,
  // rather than to an ASSIGNED that names no one.
  {
    level: 'TOWNSHIP',
    action: 'REOPEN',
    from: ['RESOLVED'],
    to: 'ASSIGNED',
    unassigned: 'ACCEPTED',
    role: 'EVENT',
    starts: ['settle'],
    story: { status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false },
  },
  // 退回村级办理: a case the village could and should settle (小事不出村) goes back down with the township's reason,
  // from receipt until the township resolves or escalates it (not while a department it called on has still to report
  // back: the storage refuses that, as for RESOLVE and ESCALATE). The township's record ends there (RETURNED). The
  // village handles it again as accepted, with no one assigned (its mediator was named before it went up, and a
  // desk hands it on afresh), and its settle deadline runs afresh from the return: the village owes a settlement
  // from now, as a level does when a case reaches it. It may go up again later; the township then receives it anew.
  {
    level: 'TOWNSHIP',
    action: 'RETURN',
    from: ['RECEIVED', ...HANDLING],
    to: 'RETURNED',
    role: 'CENTRE',
    starts: ['settle'],
    story: { status: 'ACCEPTED', handlingLevel: 'VILLAGE', inTransit: false },
  },
  // 县
  { level: 'COUNTY', action: 'RECEIVE', from: [], to: 'RECEIVED', role: 'EVENT', starts: [], story: { handlingLevel: 'COUNTY', inTransit: false } },
  { level: 'COUNTY', action: 'ACCEPT', from: ['RECEIVED'], to: 'ACCEPTED', role: 'CENTRE', starts: [], story: {} },
  { level: 'COUNTY', action: 'ASSIGN', from: HANDLING, to: 'ASSIGNED', role: 'CENTRE', starts: [], story: {} },
  // 联合调解: the county's desk records its own sessions, as the levels below do.
  { level: 'COUNTY', action: 'MEDIATE', from: ['ASSIGNED', 'MEDIATING'], to: 'MEDIATING', role: 'CENTRE', starts: [], story: {} },
  // The county is the last level, where a case is referred to court or arbitration (诉调对接): it may do so, or
  // resolve the case otherwise, as soon as it accepts it, with no assignment first (the levels below assign first).
  {
    level: 'COUNTY',
    action: 'RESOLVE',
    from: HANDLING,
    to: 'RESOLVED',
    role: 'CENTRE',
    starts: ['reply'],
    story: { status: 'RESOLVED', resolved: true },
  },
  // 退回乡镇办理: a case the township could and should settle (大事不出乡) goes back down with the county's reason,
  // from receipt until the county resolves it (the county calls on no department: 吹哨 is the township's). The
  // county's record ends there (RETURNED). The township's record, ESCALATED since it went up, handles the case again
  // as accepted with no one assigned (a desk hands it on afresh), its settle deadline running afresh from the return
  // (the township's, told to it with the step, not kept on the county record). The village's story shows the case
  // at the township again, still escalated from the village's side. Escalated again, the county receives it anew.
  {
    level: 'COUNTY',
    action: 'RETURN',
    from: ['RECEIVED', ...HANDLING],
    to: 'RETURNED',
    role: 'CENTRE',
    starts: ['settle'],
    tells: 'LEVEL_BELOW',
    story: { status: 'ESCALATED', handlingLevel: 'TOWNSHIP', inTransit: false },
  },
  {
    level: 'COUNTY',
    action: 'REOPEN',
    from: ['RESOLVED'],
    to: 'ASSIGNED',
    unassigned: 'ACCEPTED',
    role: 'EVENT',
    starts: ['settle'],
    story: { status: 'ESCALATED', handlingLevel: 'COUNTY', inTransit: false },
  },
];

/** Statuses in which a level's record is done (no deadline runs, no step of that level's centre is open). */
export const CLOSED: Record<Level, readonly string[]> = {
  VILLAGE: VILLAGE_CLOSED,
  TOWNSHIP: ['RESOLVED', 'ESCALATED', 'RETURNED'],
  COUNTY: ['RESOLVED', 'RETURNED'],
};

/** The village record's status for a report declined at intake (不予受理): neither open nor resolved, and not counted. */
export const DECLINED = 'DECLINED';

/**
 * Rounds of re-handling after an unsatisfied rating (群众评价 不满意). Up to
 * this many, a DISSATISFIED rating reopens the case at the level that resolved
 * it; after that the rating stands and the case may close (the parties keep
 * their recourse to 信访 and the courts), counted as unsatisfied.
 */
export const REHANDLING_LIMIT = 2;

/** Deadlines as `deadline_rule` gives them for a category and scale. */
export interface DeadlineRule {
  contactMinutes: number;
  settleHours: number;
  replyHours: number;
}

export interface Deadlines {
  contactBy?: Date;
  settleBy?: Date;
  replyBy?: Date;
}

const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** The deadlines a step starts at `at`. */
export function deadlinesOf(rule: DeadlineRule, clocks: readonly Clock[], at: Date): Deadlines {
  const out: Deadlines = {};
  for (const c of clocks) {
    if (c === 'contact') out.contactBy = addMinutes(at, rule.contactMinutes);
    if (c === 'settle') out.settleBy = addMinutes(at, rule.settleHours * 60);
    if (c === 'reply') out.replyBy = addMinutes(at, rule.replyHours * 60);
  }
  return out;
}

/**
 * 吹哨报到: a department acknowledges (报到) within the contact time and
 * reports back (反馈) within the settle time of the case's rule, both counted
 * from the dispatch. While the township's own settle deadline (`caseSettleBy`)
 * is still ahead, the department reports back by it at the latest, so that the
 * township can settle in time with the department's answer; but never sooner
 * than it must acknowledge. Once the township is past its deadline the rule's
 * times stand alone.
 */
export function dispatchDeadlines(rule: DeadlineRule, dispatchedAt: Date, caseSettleBy?: Date | null): { acknowledgeBy: Date; reportBy: Date } {
  const acknowledgeBy = addMinutes(dispatchedAt, rule.contactMinutes);
  let reportBy = addMinutes(dispatchedAt, rule.settleHours * 60);
  if (caseSettleBy && caseSettleBy > dispatchedAt && caseSettleBy < reportBy) {
    reportBy = caseSettleBy > acknowledgeBy ? caseSettleBy : acknowledgeBy;
  }
  return { acknowledgeBy, reportBy };
}

const LABEL: Record<CaseAction, string> = {
  REPORT: '登记 report',
  RECEIVE: '接收 receive',
  ACCEPT: '受理 accept',
  ASSIGN: '分流 assign',
  DISPATCH: '吹哨 dispatch to departments',
  DEPARTMENT_ACKNOWLEDGE: '报到 acknowledge',
  DEPARTMENT_REPORT: '反馈 report back',
  WITHDRAW_DISPATCH: '撤回吹哨 withdraw a dispatch',
  MEDIATE: '调解 record mediation',
  RESOLVE: '化解 resolve',
  ESCALATE: '上报 escalate',
  RATE: '评价 rate',
  REOPEN: '重新办理 reopen',
  CLOSE: '办结 close',
  FOLLOW_UP: '回访 follow up',
  DECLINE: '不予受理 decline',
  REINSTATE: '恢复受理 reinstate',
  RETURN: '退回村级 return to the village',
};
/** A step named otherwise at one level: the county's return goes to the township, not the village. */
const LEVEL_LABEL: Partial<Record<Level, Partial<Record<CaseAction, string>>>> = {
  COUNTY: { RETURN: '退回乡镇 return to the township' },
};

/** Statuses and levels as a Chinese message names them. */
const STATUS_ZH: Record<string, string> = { ...DISPUTE_STATUS_ZH, ...LEVEL_CASE_STATUS_ZH.TOWNSHIP };
/** A status named otherwise at one level: the county returns a case to the township. */
const LEVEL_STATUS_ZH: Partial<Record<Level, Record<string, string>>> = { COUNTY: LEVEL_CASE_STATUS_ZH.COUNTY };
/** A case level as a Chinese message names it (村级, 乡镇级, 县级): every message about where a case is handled. */
export const LEVEL_ZH: Readonly<Record<Level, string>> = { VILLAGE: '村级', TOWNSHIP: '乡镇级', COUNTY: '县级' };

/** A case status as a Chinese message names it (已登记, 调解中, ...). */
export const statusZh = (status: string, level?: Level): string => (level && LEVEL_STATUS_ZH[level]?.[status]) ?? STATUS_ZH[status] ?? status;
const labelZh = (action: CaseAction, level?: Level): string => labelOf(action, level).split(' ')[0]!;
const labelEn = (action: CaseAction, level?: Level): string => labelOf(action, level).split(' ').slice(1).join(' ');

/** A step's name in Chinese and English (`退回村级 return to the village`), as the level that takes it says it. */
export function labelOf(action: CaseAction, level?: Level): string {
  return (level && LEVEL_LABEL[level]?.[action]) ?? LABEL[action] ?? action;
}

/** The rule for a step of a level's record, given where the case was resolved (for REOPEN). */
export function ruleOf(level: Level, action: CaseAction, resolvedLevel: Level | null = null): StepRule | undefined {
  return STEPS.find((s) => s.level === level && s.action === action && (!s.resolvedAt || s.resolvedAt === (resolvedLevel === 'VILLAGE' ? 'VILLAGE' : 'ABOVE')));
}

/** Steps a level's record allows in a status. */
export function allowedActions(level: Level, status: string): CaseAction[] {
  return [...new Set(STEPS.filter((s) => s.level === level && s.from.includes(status)).map((s) => s.action))];
}

/**
 * What a caller can do next with a level's record in a status, as a refusal
 * lists it: steps that follow an event from another level are no one's to
 * take, a reopening is asked for by rating the case DISSATISFIED
 * (rateDispute), so it is listed as that rating, and a department's steps
 * (报到, 反馈) are listed only to a department, theirs only to the others
 * (`asked`: the step the caller tried, which says which of the two it is).
 */
export function callerActions(level: Level, status: string, asked?: CaseAction): CaseAction[] {
  const department = asked !== undefined && STEPS.some((s) => s.action === asked && s.role === 'DEPARTMENT');
  const steps = STEPS.filter(
    (s) => s.level === level && s.from.includes(status) && s.role !== 'EVENT' && (asked === undefined || (s.role === 'DEPARTMENT') === department),
  );
  return [...new Set(steps.map((s) => (s.action === 'REOPEN' ? 'RATE' : s.action)))];
}

/** The rule of a step the status allows, or INVALID_TRANSITION saying what the caller can do instead. */
export function transition(level: Level, status: string, action: CaseAction, resolvedLevel: Level | null = null): StepRule {
  const rule = ruleOf(level, action, resolvedLevel);
  if (rule && rule.from.includes(status)) return rule;
  throw stepNotAllowed(level, status, action);
}

/**
 * INVALID_TRANSITION for a step the status does not allow, listing what the
 * caller can do instead, less any step the record's state `barred` (撤回吹哨 on
 * a case with no dispatch to withdraw).
 */
function stepNotAllowed(level: Level, status: string, action: CaseAction, barred: readonly CaseAction[] = []): GraphQLError {
  const allowed = callerActions(level, status, action).filter((a) => !barred.includes(a));
  // A step asked of the status it leads to (a case followed up, followed up again) is refused as a repeat; but not in
  // the status a record opens in, where it may never have been taken (a report never declined, asked to be reinstated).
  const opening = STEPS.some((r) => r.level === level && r.from.length === 0 && r.to === status);
  const again = !opening && STEPS.some((r) => r.level === level && r.action === action && r.to === status) ? '再次' : '';
  const article = /^[AEIOU]/.test(status) ? 'An' : 'A';
  return hubError(
    'INVALID_TRANSITION',
    {
      zh: `在${LEVEL_ZH[level]}，${statusZh(status, level)}的案件不能${again}${labelZh(action, level)}；${allowed.length ? `当前可以：${allowed.map((a) => labelZh(a, level)).join('、')}` : '本级已没有可办理的步骤'}。`,
      en: `${article} ${status} case at the ${level.toLowerCase()} level does not allow “${labelEn(action, level)}” (${labelZh(action, level)}); allowed now: ${allowed.length ? allowed.map((a) => labelOf(a, level)).join(', ') : 'nothing at this level'}.`,
    },
    { level, status, action, allowed },
  );
}

/**
 * INVALID_TRANSITION for a step the status allows but a rule of the level
 * refuses (departments still to report back, a case handled at another
 * level): the reason, and in `allowed` what the caller can do instead (the
 * refused step left out, and any other `barred` by the same reason).
 */
export function caseRefusal(
  level: Level,
  status: string,
  action: CaseAction,
  message: Said,
  extra: Record<string, unknown> = {},
  barred: readonly CaseAction[] = [],
): GraphQLError {
  const allowed = callerActions(level, status, action).filter((a) => a !== action && !barred.includes(a));
  return hubError('INVALID_TRANSITION', message, { level, status, action, allowed, ...extra });
}

/** A level's status after a step its status allows, on a record that names `assignee` (or no one). */
export function statusAfter(rule: StepRule, status: string, assignee?: string | null): string {
  if (rule.to === null || rule.stays?.includes(status)) return status;
  return rule.unassigned && !assignee ? rule.unassigned : rule.to;
}

/** The level above (escalation). */
export function nextLevel(level: Level): Level | null {
  return level === 'VILLAGE' ? 'TOWNSHIP' : level === 'TOWNSHIP' ? 'COUNTY' : null;
}

/** The case's story as the village record holds it: derived from every level's steps, in `seq` order. */
export interface Story {
  seq: number;
  status: string;
  handlingLevel: Level;
  inTransit: boolean;
  resolvedLevel: Level | null;
  rehandled: number;
  contactBy: Date | null;
  settleBy: Date | null;
  replyBy: Date | null;
  outcome: string | null;
  assignee: string | null;
}

/** One step as it travels to the village: the level and action, its place in the case's order, and what it set. */
export interface StepFact {
  seq: number;
  level: Level;
  action: CaseAction;
  at: Date;
  deadlines: Deadlines;
  outcome?: string | null;
  assignee?: string | null;
}

/** The story after one more step (steps must come in `seq` order: the caller holds early ones back). */
export function nextStory(story: Story, fact: StepFact): Story {
  const rule = ruleOf(fact.level, fact.action, story.resolvedLevel);
  if (!rule) throw new Error(`No ${fact.action} step at the ${fact.level} level.`);
  const e = rule.story;
  const next: Story = { ...story, seq: fact.seq };
  if (e.status) next.status = e.status;
  if (e.handlingLevel) next.handlingLevel = e.handlingLevel === 'RESOLVED_LEVEL' ? (story.resolvedLevel ?? story.handlingLevel) : e.handlingLevel;
  if (e.inTransit !== undefined) next.inTransit = e.inTransit;
  if (e.resolved) {
    next.resolvedLevel = fact.level;
    if (fact.outcome !== undefined) next.outcome = fact.outcome;
  }
  if (e.reopened) {
    next.resolvedLevel = null;
    next.outcome = null;
    next.replyBy = null;
    next.rehandled = story.rehandled + 1;
  }
  if (fact.deadlines.contactBy) next.contactBy = fact.deadlines.contactBy;
  if (fact.deadlines.settleBy) next.settleBy = fact.deadlines.settleBy;
  if (fact.deadlines.replyBy) next.replyBy = fact.deadlines.replyBy;
  // 承办 is the handling level's: a case moving up has no one assigned until that level assigns it. The parties' steps
  // (rating, closing, 回访) bring a case resolved above back to the village to finish, and whoever settled it stays named.
  if (next.handlingLevel !== story.handlingLevel && rule.role !== 'PARTIES') next.assignee = null;
  if (fact.assignee !== undefined && fact.assignee !== null) next.assignee = fact.assignee;
  return next;
}

/** Whether a record of `level` in `status` with these deadlines is overdue now. */
export function isOverdue(level: Level, status: string, settleBy: Date | string | null, now = new Date()): boolean {
  return settleBy != null && !CLOSED[level].includes(status) && now.getTime() > new Date(settleBy).getTime();
}

/**
 * The deadline a township's or county's record has missed (超期起算): its settle deadline, once past while the record
 * is not closed at its level (`isOverdue`); null otherwise. The contact deadline at those levels only orders the
 * desk's inbox, so it is never the one missed.
 */
export function missedSettle(level: Level, status: string, settleBy: Date | string | null, now = new Date()): Date | null {
  return isOverdue(level, status, settleBy, now) ? new Date(settleBy!) : null;
}

/**
 * A township's or county's record's lateness fields (TownshipCase, CountyCase), read as the village's Dispute reads
 * them from the record already loaded: the settle deadline is the only one missed at those levels, so the deadline is
 * SETTLE whenever the record is overdue.
 */
export function settleLateness(level: Level) {
  type Held = { status: string; settleBy: Date | string | null };
  const since = (c: Held) => missedSettle(level, c.status, c.settleBy);
  return {
    overdueSince: (c: Held) => since(c)?.toISOString() ?? null,
    overdueDeadline: (c: Held) => (since(c) ? ('SETTLE' as const) : null),
    overdueHours: (c: Held) => lateBy(since(c), 'hour'),
    overdueDays: (c: Held) => lateBy(since(c), 'day'),
  };
}

const HOUR_MS = 3_600_000;

/**
 * How late a case is, from the deadline it missed (`since`), in whole `unit`s begun (an hour or a day: 1 from its
 * first minute past it), as every level's 超期小时数 and 超期天数 read; null while none has passed.
 */
export function lateBy(since: Date | null, unit: 'hour' | 'day', now = new Date()): number | null {
  if (!since) return null;
  const ms = unit === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  return Math.max(1, Math.ceil((now.getTime() - since.getTime()) / ms));
}

/** A case escalated to a township or county, as the level below's event carries it: what its RECEIVE step records. */
export interface ReceivedCase {
  disputeId: string;
  caseNumber: string;
  countyCode: string;
  townshipCode: string;
  villageCode: string;
  category: string;
  scale: string;
  summary: string;
  status: string;
  receivedAt: Date;
  escalatedAt: Date;
  settleBy: Date;
  rule: DeadlineRule;
  seq: number;
  rehandled: number;
}

/** Filters on a township's or county's inbox of received cases. */
export interface InboxFilter {
  status?: readonly string[] | null;
  overdue?: boolean | null;
  /** Accepted after the contact deadline at the level, or awaiting acceptance past it (domain/case-inbox.ts `contactLateOf`), or not. */
  contactLate?: boolean | null;
}

/** What every level's case record has for the engine. */
export interface CaseRecord {
  status: string;
  version: number;
  /** Who handles the case at that level (承办), when the level has named someone. */
  assignee?: string | null;
  /** The last step of the case this record has taken or applied. */
  seq: number;
}

/** What a level's store does for a step (the only part that differs between levels). */
export interface StepStorage<R extends CaseRecord> {
  level: Level;
  /** The record, locked for the transaction, after the caller's right to act on it is checked (NOT_FOUND/FORBIDDEN otherwise). */
  lock(): Promise<R>;
  /**
   * The level's own refusals of a step (a case handled at another level): after the version check for a step the
   * status allows, and whatever the version for one it does not, before the engine's own refusal of it.
   */
  check?(r: R): void;
  /**
   * Whether this very step (the same action by the same actor with the same details, `stepSignature`) was taken on
   * the record from `version`, the one the client sent, and nothing but the steps that follow from it changed the
   * record since: a client retrying after its answer was lost. The record's version is past `version`.
   */
  sentAgain?(r: R, version: number): Promise<boolean> | boolean;
  /** Where the case was resolved, for REOPEN (null when it is not). */
  resolvedLevel?(r: R): Level | null;
  /** Steps the status allows that the record's state does not (nothing to act on), left out of a refusal's `allowed`. */
  unavailable?(r: R): Promise<CaseAction[]>;
  /** The case's deadline rule. */
  rule(r: R): Promise<DeadlineRule> | DeadlineRule;
  /** Writes the step's result: the new status, the step's seq and the deadlines it started. */
  save(r: R, change: { status: string; seq: number; deadlines: Deadlines; at: Date }): Promise<R>;
  /** Records the step where the case's story is kept (the village's timeline, directly or by event). */
  record(r: R, fact: StepFact, rule: StepRule): Promise<void>;
  /** Tells another level (escalation, re-handling), in the same transaction. */
  tell?(r: R, fact: StepFact, rule: StepRule): Promise<void>;
}

/**
 * What tells a step sent again from another one: its action, who took it and
 * what they sent (the note, or the arguments that decide the step). A level
 * keeps the signature of its record's last step (`StepStorage.sentAgain`).
 */
export const stepSignature = (action: CaseAction, actor: string, sent: unknown): string => JSON.stringify([action, actor, sent ?? null]);

/** A level's record of the case as a stale version names it: a desk that sent `Dispute.version` learns which version it owes. */
export const RECORD_NOUN: Record<Level, { zh: string; en: string }> = {
  VILLAGE: { zh: '案件', en: 'case' },
  TOWNSHIP: { zh: '乡镇级案件', en: 'township case (TownshipCase)' },
  COUNTY: { zh: '县级案件', en: 'county case (CountyCase)' },
};

/** A step taken, or (`fact` null) one found already taken: the same step sent again from the version it was taken on. */
export type StepTaken<R> = { record: R; fact: StepFact; rule: StepRule } | { record: R; fact: null; rule: null };

/**
 * One step of the loop at one level, inside the caller's transaction: the
 * engine checks the status allows it and that the client read the current
 * version (`null` for steps that follow an event; a stale version is
 * CONFLICT only for a step the status allows), starts its deadlines,
 * numbers it in the case's order, and has the level's storage save, record
 * and tell.
 */
export async function takeStep<R extends CaseRecord>(
  storage: StepStorage<R>,
  action: CaseAction,
  version: number | null,
  at = new Date(),
): Promise<StepTaken<R>> {
  const r = await storage.lock();
  // The same step sent again after its answer was lost: the case took it from the version the caller read, and no
  // one changed the case since but as that step made them (an escalation's receipt), so the retry is answered with
  // the case as it is rather than told it is stale.
  if (version !== null && r.version > version && (await storage.sentAgain?.(r, version))) return { record: r, fact: null, rule: null };
  const rule = ruleOf(storage.level, action, storage.resolvedLevel?.(r) ?? null);
  const allowed = rule?.from.includes(r.status) === true;
  // A stale copy is CONFLICT only for a step the case's status allows: the caller re-reads and may take it then. A
  // step the status does not allow is refused as such whatever version was sent (below, with what is allowed now),
  // since re-reading would never make it allowed. A version below 1 was never any record's: a wrong argument.
  if (version !== null && r.version !== version && (allowed || version < 1)) {
    throw staleVersion(RECORD_NOUN[storage.level], r.version, version);
  }
  storage.check?.(r);
  if (!rule || !allowed) throw stepNotAllowed(storage.level, r.status, action, (await storage.unavailable?.(r)) ?? []);
  // The rule is read only for a step that starts a deadline.
  const deadlines = rule.starts.length ? deadlinesOf(await storage.rule(r), rule.starts, at) : {};
  const seq = r.seq + 1;
  const saved = await storage.save(r, { status: statusAfter(rule, r.status, r.assignee), seq, deadlines, at });
  const fact: StepFact = { seq, level: storage.level, action, at, deadlines };
  await storage.record(saved, fact, rule);
  if (rule.tells && storage.tell) await storage.tell(saved, fact, rule);
  return { record: saved, fact, rule };
}

/**
 * A step that creates a level's record (REPORT at the village, RECEIVE above
 * it): its status, the deadlines it starts and its fact. `seq` is the case's
 * next number (1 for a report; the escalation's seq + 1 for a receipt).
 */
export function openingStep(
  level: Level,
  action: CaseAction,
  caseRule: DeadlineRule,
  seq: number,
  at = new Date(),
): { status: string; fact: StepFact; rule: StepRule } {
  const rule = ruleOf(level, action);
  if (!rule || rule.from.length || !rule.to) throw new Error(`${action} does not open a record at the ${level} level.`);
  const fact: StepFact = { seq, level, action, at, deadlines: deadlinesOf(caseRule, rule.starts, at) };
  return { status: rule.to, fact, rule };
}
