import { CLOSED } from './case-engine.ts';

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
 * The receipt of a case that the level's desk returned down (退回, RETURNED) and that has come up again: the same
 * record takes the new receipt, deadlines and desk, its version moving on so that a desk holding the old record's
 * version meets CONFLICT. Only a record returned before this escalation (an earlier `seq`) is taken up: an older
 * escalation sent again under another event id changes nothing. The tail of the level's `insert … on conflict`.
 */
export const receivedAnewSql = (table: 'township_case' | 'county_case'): string => `on conflict (dispute_id) do update
         set case_number = excluded.case_number, category = excluded.category, scale = excluded.scale, summary = excluded.summary,
             status = excluded.status, received_at = excluded.received_at, escalated_at = excluded.escalated_at, settle_by = excluded.settle_by,
             reply_by = null, assignee = null, outcome = null, resolved_at = null, contact_minutes = excluded.contact_minutes,
             settle_hours = excluded.settle_hours, reply_hours = excluded.reply_hours, seq = excluded.seq, rehandled = excluded.rehandled,
             last_step = null, accepted_at = null, version = ${table}.version + 1
       where ${table}.status = 'RETURNED' and ${table}.seq < excluded.seq`;

/**
 * 联系时限 at the level: the case's contact time (the 131 rule's first clock)
 * from its receipt. The desk accepts the case and contacts the parties by
 * then, as a village's desk does from the report.
 */
export const contactByOf = (c: InboxCase): Date => new Date(new Date(c.receivedAt).getTime() + c.contactMinutes * 60_000);

/**
 * 联系超时 at the level: the desk accepted the case (受理, its ACCEPT: `accepted_at`) after its contact deadline here
 * (`contactByOf`), or the case still awaits acceptance (RECEIVED) past it, as the village's `contactLate` reads its own
 * record. A record accepts once per receipt (ACCEPT only from RECEIVED, and a record received anew forgets its
 * acceptance), so the stored time says it. A case returned down unaccepted (退回 from RECEIVED) owed no contact here,
 * and a record whose acceptance time the level does not hold reads false. `INBOX_CONTACT_LATE_SQL` in SQL.
 */
export function contactLateOf(c: InboxCase & { acceptedAt: Date | string | null }, now = new Date()): boolean {
  const contacted = c.acceptedAt != null ? new Date(c.acceptedAt) : c.status === 'RECEIVED' ? now : null;
  return contacted != null && contacted > contactByOf(c);
}
export const INBOX_CONTACT_LATE_SQL = `coalesce(coalesce(accepted_at, case when status = 'RECEIVED' then now() end)
  > received_at + contact_minutes * interval '1 minute', false)`;

/**
 * A list by deadline pages on one time (platform/pagination.ts), so a case
 * with no deadline running, done at its level, is moved about a thousand
 * years on (in hours, so TypeScript and PostgreSQL agree to the
 * millisecond): after every case with one, in the order of its old settle
 * deadline, rather than above the overdue ones by that long-past date.
 */
const DONE_LATER_HOURS = 8_766_000;
export const doneLaterSql = (time: string): string => `(${time} + interval '${DONE_LATER_HOURS} hours')`;
export const doneLater = (time: Date): Date => new Date(time.getTime() + DONE_LATER_HOURS * 3_600_000);

/** Statuses in which a township's or county's record is done (CLOSED of either level: a county record is never ESCALATED). */
const DONE: readonly string[] = CLOSED.TOWNSHIP;

/**
 * When the case falls due next (the DUE_FIRST order): its contact deadline
 * while it waits to be accepted (RECEIVED), or its settle deadline if that
 * comes first; its settle deadline while it is handled; after every such
 * case once done at the level. `INBOX_DUE_SQL` in SQL.
 */
export function dueAtOf(c: InboxCase): Date {
  const settle = new Date(c.settleBy);
  if (DONE.includes(c.status)) return doneLater(settle);
  if (c.status !== 'RECEIVED') return settle;
  const contact = contactByOf(c);
  return contact < settle ? contact : settle;
}
export const INBOX_DUE_SQL = `(case when status in (${DONE.map((s) => `'${s}'`).join(', ')}) then ${doneLaterSql('settle_by')}
  when status = 'RECEIVED' then least(received_at + contact_minutes * interval '1 minute', settle_by) else settle_by end)`;

/**
 * Overdue at the level as `isOverdue` (case-engine.ts) says: past the settle
 * deadline and not closed there, with `CLOSED[level]` as its parameter. A case
 * not accepted by its contact deadline is not overdue for that (the village
 * record, which the statistics count, keeps the case's overdue state) but
 * comes first in DUE_FIRST.
 */
export const INBOX_OVERDUE_SQL = '(status not in (?) and now() > settle_by)';
