import { lateBy, OPEN_STATUSES } from '../../../../domain/case-engine.ts';
import { doneLaterSql } from '../../../../domain/case-inbox.ts';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** SQL for "past a 131 deadline without its step", on a dispute row `d` (evaluated now). */
export const OVERDUE_SQL = `(
  (d.status = 'REPORTED' and now() > d.contact_by)
  or (d.status in (${list(OPEN_STATUSES)}) and now() > d.settle_by)
  or (d.status = 'RESOLVED' and d.reply_by is not null and now() > d.reply_by))`;

/**
 * When a case falls due next, from the deadlines OVERDUE_SQL reads: contact for a case not yet accepted, the reply
 * for a resolved one awaiting its rating, else settle. Over `t`.
 */
const NEXT_DEADLINE_SQL = `(case when t.status = 'REPORTED' then least(t.contact_by, t.settle_by)
  when t.status = 'RESOLVED' and t.reply_by is not null then t.reply_by else t.settle_by end)`;

/**
 * The same deadline, only while one runs (a case open, or resolved and awaiting its rating), else null: when
 * `overdue` would count a case not yet overdue without any write (the statistics' cache, store/stats.ts).
 */
export const RUNNING_DEADLINE_SQL = `(case when t.status in (${list(OPEN_STATUSES)}) or (t.status = 'RESOLVED' and t.reply_by is not null) then ${NEXT_DEADLINE_SQL} end)`;

/**
 * The DUE_FIRST order's time: the running deadline, so an overdue case sorts before every case not yet due; a case
 * with none running (closed, rated, declined) after all of them (`doneLaterSql`, domain/case-inbox.ts).
 */
export const DUE_SQL = `coalesce(${RUNNING_DEADLINE_SQL}, ${doneLaterSql('t.settle_by')})`;

/** Whether a resolved case's reply deadline has passed: the parties' time to rate it has run out (it is overdue until rated or closed). */
export function replyWindowOver(d: { status: string; replyBy: Date | string | null }, now = new Date()): boolean {
  return d.status === 'RESOLVED' && d.replyBy != null && now > new Date(d.replyBy);
}

type Deadlines = { status: string; contactBy: Date | string; settleBy: Date | string; replyBy: Date | string | null };

/**
 * The deadline a case has missed, from a row already in memory (same rule as OVERDUE_SQL): the contact deadline of a
 * case not yet accepted, else the settle deadline of an open case, else the reply deadline of a resolved case awaiting
 * its rating; null while none has passed. 超期天数 count from it (Dispute.overdueSince).
 */
export function missedDeadline(d: Deadlines, now = new Date()): Date | null {
  if (d.status === 'REPORTED' && now > new Date(d.contactBy)) return new Date(d.contactBy);
  if ((OPEN_STATUSES as readonly string[]).includes(d.status) && now > new Date(d.settleBy)) return new Date(d.settleBy);
  return replyWindowOver(d, now) ? new Date(d.replyBy!) : null;
}

/** Which 131 deadline a case has missed (`Dispute.overdueDeadline`): the one `missedDeadline` names. */
export type MissedKind = 'CONTACT' | 'SETTLE' | 'REPLY';

/** The kind of the deadline `missedDeadline` gives, by the same rule; null while none has passed. */
export function missedKind(d: Deadlines, now = new Date()): MissedKind | null {
  if (d.status === 'REPORTED' && now > new Date(d.contactBy)) return 'CONTACT';
  if ((OPEN_STATUSES as readonly string[]).includes(d.status) && now > new Date(d.settleBy)) return 'SETTLE';
  return replyWindowOver(d, now) ? 'REPLY' : null;
}

/**
 * How long a case is past the deadline it missed, in whole `unit`s begun (an hour or a day: 1 from its first minute
 * past it), as 超期小时数 and 超期天数 read (`lateBy`, the rule every level counts by); null while none has passed.
 */
export function overdueFor(d: Deadlines, unit: 'hour' | 'day', now = new Date()): number | null {
  return lateBy(missedDeadline(d, now), unit, now);
}

/**
 * 联系超时, on a dispute row `d`: the parties were contacted (受理, `accepted_at`) after the contact deadline, or a case
 * still awaiting 受理 is past it. The deadline is the one running when the case was accepted: REINSTATE restarts it,
 * and a case is accepted once at most (only a REPORTED case is, and only a REPORTED one is declined). A case declined
 * at intake owed no contact (false). Evaluated now for a case not yet accepted.
 */
export const CONTACT_LATE_SQL = `coalesce(coalesce(d.accepted_at, case when d.status = 'REPORTED' then now() end) > d.contact_by, false)`;

/** The same rule on a row already in memory. */
export function contactLate(d: { status: string; acceptedAt: Date | string | null; contactBy: Date | string }, now = new Date()): boolean {
  const contacted = d.acceptedAt != null ? new Date(d.acceptedAt) : d.status === 'REPORTED' ? now : null;
  return contacted != null && contacted > new Date(d.contactBy);
}

/** Overdue, from a row already in memory (same rule as OVERDUE_SQL). */
export function isOverdue(d: Deadlines, now = new Date()): boolean {
  return missedDeadline(d, now) !== null;
}

/**
 * 督办回复超期, on a dispute row `d`: its order has a deadline, and it passed without a reply or the reply came after
 * it. Orders issued before they had a deadline are never overdue. Same rule as supervisionReplyOverdue.
 */
export const SUPERVISION_REPLY_OVERDUE_SQL = `(d.supervision_reply_by is not null
  and coalesce(d.supervision_replied_at, now()) > d.supervision_reply_by)`;

/** The same rule on a row already in memory. */
export function supervisionReplyOverdue(
  d: { supervisionReplyBy: Date | string | null; supervisionRepliedAt: Date | string | null },
  now = new Date(),
): boolean {
  if (d.supervisionReplyBy == null) return false;
  return (d.supervisionRepliedAt == null ? now : new Date(d.supervisionRepliedAt)) > new Date(d.supervisionReplyBy);
}
