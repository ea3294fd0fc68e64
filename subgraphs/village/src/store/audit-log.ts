import { z } from 'zod';
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

/** A newest-first page of entries (AuditEntryConnection). */
export interface AuditPage {
  nodes: AuditRow[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface AuditQuery {
  /** The reading administrator's jurisdiction: entries of callers inside it. */
  jurisdiction: string;
  subject?: string | null;
  /** Entries written in [start, end) (ISO instants). */
  between?: readonly [string, string] | null;
  /** Entries older than this id. */
  beforeId?: number | null;
  limit: number;
}

/** A page of entries, newest first. */
function page(db: Db, q: AuditQuery): Promise<AuditRow[]> {
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
  if (q.beforeId != null) {
    where.push('id < ?');
    params.push(q.beforeId);
  }
  const st = sql('auditLog.page', AuditEntry, `select * from audit_log where ${where.join(' and ')} order by id desc limit ?`);
  return rows(db, st, [...params, q.limit]);
}

export const auditLog = { page };
