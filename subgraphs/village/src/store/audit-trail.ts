import type { PoolClient } from 'pg';
import { nativeExec } from '../../../../platform/bulk.ts';
import { command, exec, type Db } from '../../../../platform/sql.ts';

/**
 * The append-only audit log of unmasked personal reads (table `audit_log`,
 * migration …03Security): what a request read in full, written when it ends.
 */
const insert = command(
  'auditTrail.insert',
  `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields, path)
   values (?, ?, ?, ?, ?, ?, array[?]::int[], array[?]::text[], ?)`,
);
/** The same row from a route's own connection (exports, imports), which its caller's jurisdiction scopes. */
const nativeInsert = command(
  'auditTrail.nativeInsert',
  `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields)
   values ($1, $2, $3, $4, $5, $6, $7::int[], $8::text[])`,
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
  /** Through which GraphQL fields the records were reached (access.ts readPath); null for a route's read (an export, an import). */
  path?: string | null;
}

/** The row of an export: `ids` is a statement giving the ids of the records it writes, as one integer array. */
const exportInsert = (ids: string) =>
  command(
    'auditTrail.exportInsert',
    `insert into audit_log (subject, caller_name, caller_jurisdiction, operation, request_id, record_type, record_ids, fields)
     values ($1, $2, $3, $4, $5, $6, (${ids}), $7::text[])`,
  );

export const auditTrail = {
  /** One row: the record type, which of its records and which fields were read unmasked. */
  insert: (db: Db, e: AuditEntry): Promise<number> =>
    exec(db, insert, [e.subject, e.callerName, e.callerJurisdiction, e.operation, e.requestId, e.recordType, e.recordIds, e.fields, e.path ?? null]),
  /** One row, written on a native client (a streamed route outside a GraphQL request). */
  insertNative: (client: PoolClient, e: AuditEntry): Promise<number | null> =>
    nativeExec(client, nativeInsert, [e.subject, e.callerName, e.callerJurisdiction, e.operation, e.requestId, e.recordType, e.recordIds, e.fields]),
  /** An export's row, naming the records `ids` selects where the client's transaction reads them. */
  insertExport: (client: PoolClient, e: Omit<AuditEntry, 'recordIds'>, ids: string): Promise<number | null> =>
    nativeExec(client, exportInsert(ids), [e.subject, e.callerName, e.callerJurisdiction, e.operation, e.requestId, e.recordType, e.fields]),
};
