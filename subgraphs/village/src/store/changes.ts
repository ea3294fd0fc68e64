import { z } from 'zod';
import { col, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { instant } from './record.ts';

/**
 * The change feed (migration …09Changes): one row per changed record, ordered
 * by the commit sequence of its transaction, then by its id in the log. An
 * update's entry names the fields it changed; an update that changed nothing
 * but the version has none (…23LifeCycle).
 */
export const CHANGE_KINDS = ['RESIDENT', 'HOUSEHOLD', 'HOUSE', 'ADDRESS', 'SITE', 'JOINT_DEFENSE_GROUP', 'PATROL_TEAM', 'PATROL', 'HAZARD', 'DISPUTE'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

// The log's id and the commit sequence are bigints: they stay text, exact, and make the feed's cursor.
const Change = z.object({
  id: z.string(),
  seq: z.string(),
  kind: z.enum(CHANGE_KINDS),
  op: z.enum(['CREATED', 'UPDATED', 'DELETED', 'TRANSITION', 'MOVED_OUT']),
  recordId: col.text,
  version: col.id.nullable(),
  statusFrom: col.text.nullable(),
  statusTo: col.text.nullable(),
  villageCode: col.text,
  gridCode: col.text,
  at: instant,
  // The columns an update changed (migration …23LifeCycle), named as the API names fields: household_id → householdId.
  changedFields: col.textArray.nullable().transform((fields) => (fields ? [...new Set(fields.map(apiField))].sort() : null)),
});

/**
 * A changed column as the API names what changed: camelCase, and a case's `seq` (its place in the case's own
 * order, which no API field shows) as the `timeline` it grew.
 */
function apiField(column: string): string {
  return column === 'seq' ? 'timeline' : column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
export type ChangeRow = z.infer<typeof Change>;

/** A feed position: the commit sequence number and the log id within it. */
export interface FeedPosition {
  seq: bigint;
  id: bigint;
}

export interface ChangeQuery {
  after: FeedPosition;
  kinds?: readonly string[] | null;
  within?: string | null;
  limit: number;
}

/**
 * Committed changes after a position, in feed order. Row-level security
 * limits them to the session's jurisdiction. `seq >= ?` lets the planner walk
 * the commit-sequence index; the row comparison then skips what was seen.
 */
function after(db: Db, q: ChangeQuery): Promise<ChangeRow[]> {
  const where = ['t.seq >= ?', '(t.seq, l.id) > (?, ?)'];
  const params: SqlParam[] = [String(q.after.seq), String(q.after.seq), String(q.after.id)];
  if (q.kinds?.length) {
    where.push('l.kind in (?)');
    params.push([...q.kinds]);
  }
  if (q.within) {
    where.push('l.grid_code like ?');
    params.push(`${q.within}%`);
  }
  const st = sql(
    'changes.after',
    Change,
    `select l.id::text as id, t.seq::text as seq, l.kind, l.op, l.record_id, l.version, l.status_from, l.status_to, l.village_code, l.grid_code, l.at, l.changed_fields
       from change_tx t join change_log l on l.txid = t.txid
      where ${where.join(' and ')}
      order by t.seq, l.id
      limit ?`,
  );
  return rows(db, st, [...params, q.limit]);
}

export const changeLog = { after };
