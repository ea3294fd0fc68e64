import { createHmac } from 'node:crypto';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { nativeExec } from '../../../../platform/bulk.ts';
import { col, command, exec, rows, sql, type Db } from '../../../../platform/sql.ts';

/**
 * The append-only audit log of unmasked personal reads (table `audit_log`,
 * migration …03Security): what a request read in full, written when it ends.
 */
const insert = command(
  'auditTrail.insert',
  `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields, path, missed_lookups)
   values (?, ?, ?, ?, ?, ?, array[?]::int[], array[?]::text[], ?, array[?]::text[])`,
);
/** The same row from a route's own connection (exports, imports), which its caller's jurisdiction scopes. */
const nativeInsert = command(
  'auditTrail.nativeInsert',
  `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields, path)
   values ($1, $2, $3, $4, $5, $6, $7::int[], $8::text[], $9)`,
);

/** The record types whose personal fields are read in full only under audit, as the audit log names them. */
export const AUDITED_TYPES = ['Person', 'GridStaff', 'Site', 'Mediator'] as const;
export type AuditedType = (typeof AUDITED_TYPES)[number];

export interface AuditEntry {
  subject: string;
  callerName: string;
  callerJurisdiction: string;
  operation: string;
  requestId: string;
  recordType: string;
  recordIds: readonly number[];
  fields: readonly string[];
  /** Through which GraphQL fields the records were reached (access.ts readPath); a route's read names the route (`/export/residents`). */
  path?: string | null;
  /** Fingerprints of the numbers looked up in vain (`fingerprints`), never the numbers. */
  missedLookups?: readonly string[];
}

const LookupKey = z.object({ key: col.text });
const lookupKey = sql('auditTrail.lookupKey', LookupKey, `select key from audit_lookup_key limit 1`);
/** The database's fingerprint key (migration …084AuditMissedLookups), read once per process. */
let keyRead: Promise<string> | undefined;

/**
 * The fingerprints of numbers a lookup tried and found nobody for in the caller's area: the first 16 hex digits of
 * HMAC-SHA-256 under the database's own key, of the number with its kind (`idNumber:…`, `phone:…`). The same number
 * gives the same fingerprint in every entry, so an inspector sees a number tried again, by whom, without the log
 * becoming a list of numbers; without the key, trying every valid number does not find which one it was.
 */
export async function fingerprints(db: Db, numbers: Iterable<string>): Promise<string[]> {
  const list = [...numbers];
  if (!list.length) return [];
  keyRead ??= rows(db, lookupKey, []).then((r) => {
    if (!r[0]) throw new Error('audit_lookup_key holds no key');
    return r[0].key;
  });
  let key: string;
  try {
    key = await keyRead;
  } catch (e) {
    keyRead = undefined;
    throw e;
  }
  return list.map((n) => createHmac('sha256', key).update(n).digest('hex').slice(0, 16));
}

/** The row of an export: `ids` is a statement giving the ids of the records it writes, as one integer array. */
const exportInsert = (ids: string) =>
  command(
    'auditTrail.exportInsert',
    `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields, path)
     values ($1, $2, $3, $4, $5, $6, (${ids}), $7::text[], $8)`,
  );

/** An entry's columns in the order both inserts take them. */
const entryParams = (e: AuditEntry) =>
  [e.subject, e.callerName, e.callerJurisdiction, e.operation, e.requestId, e.recordType, e.recordIds, e.fields, e.path ?? null] as const;

export const auditTrail = {
  /** One row: the record type, which of its records and which fields were read unmasked. */
  insert: (db: Db, e: AuditEntry): Promise<number> => exec(db, insert, [...entryParams(e), e.missedLookups ?? []]),
  /** One row, written on a native client (a streamed route outside a GraphQL request). */
  insertNative: (client: PoolClient, e: AuditEntry): Promise<number | null> => nativeExec(client, nativeInsert, entryParams(e)),
  /** An export's row, naming the records `ids` selects where the client's transaction reads them. */
  insertExport: (client: PoolClient, e: Omit<AuditEntry, 'recordIds'>, ids: string): Promise<number | null> =>
    nativeExec(client, exportInsert(ids), [e.subject, e.callerName, e.callerJurisdiction, e.operation, e.requestId, e.recordType, e.fields, e.path ?? null]),
};
