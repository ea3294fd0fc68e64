import { z } from 'zod';
import { badInput } from '../../../../platform/errors.ts';
import { col, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { instant } from './record.ts';

/**
 * The audit log (table `audit_log`, migration …03Security) as administrators
 * read it: row-level security shows them the entries of callers inside their
 * jurisdiction. (Entries are written by audit-trail.ts.)
 */
const AuditEntry = z.object({
  id: col.id,
  at: instant,
  subject: col.text,
  callerName: col.text.nullable(),
  callerJurisdiction: col.text,
  operation: col.text,
  requestId: col.text.nullable(),
  recordType: col.text,
  recordIds: z.array(col.id),
  fields: col.textArray,
});
export type AuditRow = z.infer<typeof AuditEntry>;

/**
 * The page cursor: `<time>|<id>` of a page's last entry; the next page starts
 * after it in the (at, id) order. The time is kept as the database wrote it
 * (ISO 8601, to the microsecond, as `now()` gives it), so entries that share
 * a millisecond are not skipped either.
 */
export const auditCursor = (r: Pick<AuditRow, 'at' | 'id'>): string => `${typeof r.at === 'string' ? r.at : r.at.toISOString()}|${r.id}`;

const CURSOR = /^(([1-9]\d{3})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5])(:?[0-5]\d)?))\|(\d{1,15})$/;

/** The entry a page starts after (a decoded cursor), or BAD_USER_INPUT when the text is not an audit cursor. */
export function afterAuditCursor(key: string | undefined): { at: string; id: number } | null {
  if (key === undefined) return null;
  const m = CURSOR.exec(key);
  const [month, day] = [Number(m?.[3]), Number(m?.[4])];
  const date = new Date(Date.UTC(Number(m?.[2]), month - 1, day));
  if (!m || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw badInput('after: this is not a cursor returned by auditLog.', { argument: 'after' });
  }
  return { at: m[1]!, id: Number(m[10]) };
}

/** A newest-first page of entries (AuditEntryConnection); the total is counted only when asked for. */
export interface AuditPage {
  nodes: AuditRow[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: () => Promise<number>;
}

export interface AuditFilter {
  /** The reading administrator's jurisdiction: entries of callers inside it. */
  jurisdiction: string;
  subject?: string | null;
  /** Entries written in [start, end) (ISO instants). */
  between?: readonly [string, string] | null;
}

export interface AuditQuery extends AuditFilter {
  /** Entries after this one in the newest-first order (time, then id): the cursor's entry. */
  before?: { at: string; id: number } | null;
  limit: number;
}

function conditions(q: AuditFilter): { where: string; params: SqlParam[] } {
  // The range says the same as the LIKE (codes are digits, and ':' follows '9'), but with leakproof operators,
  // which row-level security lets drive the (caller_jurisdiction, id) index; LIKE it does not.
  const where: string[] = ['caller_jurisdiction like ?', 'caller_jurisdiction >= ?', 'caller_jurisdiction < ?'];
  const params: SqlParam[] = [`${q.jurisdiction}%`, q.jurisdiction, `${q.jurisdiction}:`];
  if (q.subject) {
    where.push('subject = ?');
    params.push(q.subject);
  }
  if (q.between) {
    where.push('at >= ? and at < ?');
    params.push(...q.between);
  }
  return { where: where.join(' and '), params };
}

/** A page of entries, newest first by (at, id): entries that share a time are never skipped between pages. */
function page(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  const c = conditions(q);
  const before = q.before ? ' and (at, id) < (?::timestamptz, ?)' : '';
  const st = sql('auditLog.page', AuditEntry, `select * from audit_log where ${c.where}${before} order by at desc, id desc limit ?`);
  return rows(db, st, [...c.params, ...(q.before ? [q.before.at, q.before.id] : []), q.limit]);
}

const Count = z.object({ n: col.num });

/** How many entries match the filter. */
async function count(db: Db, q: AuditFilter): Promise<number> {
  const c = conditions(q);
  const st = sql('auditLog.count', Count, `select count(*) as n from audit_log where ${c.where}`);
  return (await rows(db, st, c.params))[0]?.n ?? 0;
}

export const auditLog = { page, count };
