import { z } from 'zod';
import { codePrefix } from '../../../../platform/jurisdiction.ts';
import type { PageInfo } from '../../../../platform/pagination.ts';
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
  recordCount: col.num,
  fields: col.textArray,
  path: col.text.nullable(),
  missedLookups: col.textArray,
});
export type AuditRow = z.infer<typeof AuditEntry>;

/** The most record ids an entry is read with (AuditEntry.recordIds' `first`). */
export const MAX_RECORD_IDS = 100_000;

/** A newest-first page of entries (AuditEntryConnection); the total is counted only when asked for. */
export interface AuditPage {
  edges: { cursor: string; node: AuditRow }[];
  nodes: AuditRow[];
  pageInfo: PageInfo;
  /** Counted only when read (a getter): a query that does not select it costs no count. */
  readonly totalCount: Promise<number>;
}

export interface AuditFilter {
  /** The reading administrator's jurisdiction: entries of callers inside it. */
  jurisdiction: string;
  subject?: string | null;
  /** Entries that read this record (of this type) in full. */
  record?: { type: string; id: number } | null;
  /** Entries written in [start, end) (ISO instants). */
  between?: readonly [string, string] | null;
  /** false: lookups in which a number found nobody; true: lookups that found every number tried. */
  found?: boolean | null;
  /** Entries that tried in vain the number of this fingerprint. */
  missedLookup?: string | null;
}

/** The fields that make an entry a lookup's (a search by a full ID number or phone). */
const LOOKUP_FIELDS = ['idNumberLookup', 'phoneLookup'];

export interface AuditQuery extends AuditFilter {
  /** Entries after this one in the newest-first order (time, then id): the cursor's entry. */
  before?: { at: string; id: string | number } | null;
  limit: number;
}

function conditions(q: AuditFilter): { where: string; params: SqlParam[] } {
  // The range says the same as the LIKE (codes are digits, and ':' follows '9'), but with leakproof operators,
  // which row-level security lets drive the (caller_jurisdiction, id) index; LIKE it does not.
  // The entries made by callers inside the reader's jurisdiction (every entry for the whole country: prefix '').
  const prefix = codePrefix(q.jurisdiction);
  const where: string[] = ['caller_jurisdiction like ?', 'caller_jurisdiction >= ?', 'caller_jurisdiction < ?'];
  const params: SqlParam[] = [`${prefix}%`, prefix, `${prefix}:`];
  if (q.subject) {
    where.push('subject = ?');
    params.push(q.subject);
  }
  if (q.record) {
    // No index serves this: row-level security keeps a non-leakproof operator such as @> from driving one, and the
    // jurisdiction's entries are scanned instead (an administrator's occasional question, not a hot path).
    where.push('record_type = ? and record_ids @> array[?]::int[]');
    params.push(q.record.type, q.record.id);
  }
  if (q.between) {
    where.push('at >= ? and at < ?');
    params.push(...q.between);
  }
  // Scanned within the jurisdiction's entries, as `record` is (array operators are not leakproof).
  if (q.found != null) {
    // A lookup that found nobody names no record; one of several numbers tried in vain leaves its fingerprint.
    const missed = `(cardinality(missed_lookups) > 0 or cardinality(record_ids) = 0)`;
    where.push(`fields && array[?]::text[] and ${q.found ? `not ${missed}` : missed}`);
    params.push(LOOKUP_FIELDS);
  }
  if (q.missedLookup != null) {
    where.push('missed_lookups @> array[?]::text[]');
    params.push([q.missedLookup]);
  }
  return { where: where.join(' and '), params };
}

/** A page of entries, newest first by (at, id): entries that share a time are never skipped between pages. */
function page(db: Db, q: AuditQuery): Promise<AuditRow[]> {
  const c = conditions(q);
  const before = q.before ? ' and (at, id) < (?::timestamptz, ?)' : '';
  // An export's entry names every record it wrote (millions for a province): a page carries at most MAX_RECORD_IDS.
  const st = sql(
    'auditLog.page',
    AuditEntry,
    `select id, at, subject, caller_name, caller_jurisdiction, operation, request_id, record_type, fields, path, missed_lookups,
            record_ids[1:${MAX_RECORD_IDS}] as record_ids, cardinality(record_ids) as record_count
       from audit_log where ${c.where}${before} order by at desc, id desc limit ?`,
  );
  return rows(db, st, [...c.params, ...(q.before ? [q.before.at, q.before.id] : []), q.limit]);
}

const Count = z.object({ n: col.num });

/** How many entries match the filter. */
async function count(db: Db, q: AuditFilter): Promise<number> {
  const c = conditions(q);
  const st = sql('auditLog.count', Count, `select count(*) as n from audit_log where ${c.where}`);
  return (await rows(db, st, c.params))[0]?.n ?? 0;
}

const CallerSummary = z.object({
  subject: col.text,
  callerName: col.text.nullable(),
  callerJurisdiction: col.text,
  entries: col.num,
  lookups: col.num,
  missedLookups: col.num,
  numbersMissed: col.num,
});
export type CallerSummaryRow = z.infer<typeof CallerSummary>;

/**
 * Per caller, the entries the filter selects counted in one statement: the different fingerprints of numbers missed
 * from the entries' arrays unnested once, beside the counts by caller.
 */
async function summary(db: Db, q: AuditFilter, limit: number): Promise<CallerSummaryRow[]> {
  const c = conditions(q);
  const lookup = 'fields && array[?]::text[]';
  const missed = `${lookup} and (cardinality(missed_lookups) > 0 or cardinality(record_ids) = 0)`;
  const st = sql(
    'auditLog.summary',
    CallerSummary,
    `with e as materialized (
       select subject, at, id, caller_name, caller_jurisdiction, fields, record_ids, missed_lookups from audit_log where ${c.where}
     ), per as (
       select subject, count(*) as entries,
              count(*) filter (where ${lookup}) as lookups,
              count(*) filter (where ${missed}) as missed_lookups,
              (array_agg(caller_name order by at desc, id desc))[1] as caller_name,
              (array_agg(caller_jurisdiction order by at desc, id desc))[1] as caller_jurisdiction
         from e group by subject
     ), numbers as (
       select subject, count(distinct m) as numbers_missed from e cross join lateral unnest(e.missed_lookups) as m group by subject
     )
     select per.subject, per.caller_name, per.caller_jurisdiction, per.entries, per.lookups, per.missed_lookups,
            coalesce(numbers.numbers_missed, 0) as numbers_missed
       from per left join numbers using (subject)
      order by numbers_missed desc, per.missed_lookups desc, per.entries desc, per.subject limit ?`,
  );
  return rows(db, st, [...c.params, LOOKUP_FIELDS, LOOKUP_FIELDS, limit]);
}

export const auditLog = { page, count, summary };
