/**
 * The inbox of a level above the village: a township's or county's records of
 * the cases escalated to it (`township_case` and `county_case` share these
 * columns). The rules are stated here once, in TypeScript for a record in
 * memory and in SQL for a list, side by side.
 */
export interface InboxCase {
  status: string;
  receivedAt: Date | string;
  /** The case's contact time, from its deadline rule (carried up with the escalation). */
  contactMinutes: number;
  settleBy: Date | string;
}

/**
 * 联系时限 at the level: the case's contact time (the 131 rule's first clock)
 * from its receipt. The desk accepts the case and contacts the parties by
 * then, as a village's desk does from the report.
 */
export const contactByOf = (c: InboxCase): Date => new Date(new Date(c.receivedAt).getTime() + c.contactMinutes * 60_000);

/**
 * When the case falls due next (the DUE_FIRST order): its contact deadline
 * while it waits to be accepted (RECEIVED), or its settle deadline if that
 * comes first; else its settle deadline. `INBOX_DUE_SQL` in SQL.
 */
export function dueAtOf(c: InboxCase): Date {
  const settle = new Date(c.settleBy);
  if (c.status !== 'RECEIVED') return settle;
  const contact = contactByOf(c);
  return contact < settle ? contact : settle;
}
export const INBOX_DUE_SQL = `(case when status = 'RECEIVED' then least(received_at + contact_minutes * interval '1 minute', settle_by) else settle_by end)`;

/**
 * Overdue at the level as `isOverdue` (case-engine.ts) says: past the settle
 * deadline and not closed there, with `CLOSED[level]` as its parameter. A case
 * not accepted by its contact deadline is not overdue for that (the village
 * record, which the statistics count, keeps the case's overdue state) but
 * comes first in DUE_FIRST.
 */
export const INBOX_OVERDUE_SQL = '(status not in (?) and now() > settle_by)';
