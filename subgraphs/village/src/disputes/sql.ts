import { OPEN_STATUSES } from '../../../../domain/case-engine.ts';

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/** SQL for "past a 131 deadline without its step", on a dispute row `d` (evaluated now). */
export const OVERDUE_SQL = `(
  (d.status = 'REPORTED' and now() > d.contact_by)
  or (d.status in (${list(OPEN_STATUSES)}) and now() > d.settle_by)
  or (d.status = 'RESOLVED' and d.reply_by is not null and now() > d.reply_by))`;

/** Whether a resolved case's reply deadline has passed: the parties' time to rate it has run out (it is overdue until rated or closed). */
export function replyWindowOver(d: { status: string; replyBy: Date | string | null }, now = new Date()): boolean {
  return d.status === 'RESOLVED' && d.replyBy != null && now > new Date(d.replyBy);
}

/** Overdue, from a row already in memory (same rule as OVERDUE_SQL). */
export function isOverdue(d: { status: string; contactBy: Date | string; settleBy: Date | string; replyBy: Date | string | null }, now = new Date()): boolean {
  if (d.status === 'REPORTED' && now > new Date(d.contactBy)) return true;
  if ((OPEN_STATUSES as readonly string[]).includes(d.status) && now > new Date(d.settleBy)) return true;
  return replyWindowOver(d, now);
}
