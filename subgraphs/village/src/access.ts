import { hasScope, holdsRecord, requireDivisionAccess, requireRecordAccess, type Caller } from '../../../platform/caller.ts';
import { maskIdNumber, maskPhone } from '../../../domain/citizen-id.ts';
import { forbidden } from '../../../domain/errors.ts';
import type { BaseContext } from '../../../platform/service.ts';
import { auditTrail, type AuditedType } from './store/audit-trail.ts';

/**
 * Access rules of the village subgraph, in code. The database enforces the
 * jurisdiction again underneath (row-level security), so a missed check here
 * cannot leak a row.
 */

/** By-id reads: FORBIDDEN without `read`; a record outside the jurisdiction looks like a missing one. */
export function visible<T extends { villageCode: string; gridCode?: string | null }>(caller: Caller, row: T | null | undefined, what = 'registry'): T | null {
  requireRecordAccess(caller, what);
  if (!row || !holdsRecord(caller, row)) return null;
  return row;
}

/** Statistics need `read` or `report` (aggregates only) and a division inside the jurisdiction. */
export function requireStatsAccess(caller: Caller, code: string): void {
  if (!hasScope(caller, 'read') && !hasScope(caller, 'report')) {
    throw forbidden({ zh: '统计数据需要“report”或“read”权限。', en: 'Statistics need the "report" or "read" scope.' }, { scope: 'report' });
  }
  requireDivisionAccess(caller, code);
}

/** Reads of unmasked personal data this request made, written to the audit log when it ends. */
export type AuditTrail = Map<AuditedType, { ids: Set<number>; fields: Set<string> }>;

/**
 * A personal field (ID number, phone): in full for callers with `pii`, and
 * then recorded for the audit log; masked otherwise.
 */
export function personal(
  ctx: BaseContext & { audit: AuditTrail },
  recordType: AuditedType,
  id: number,
  field: 'idNumber' | 'phone',
  value: string | null,
): string | null {
  if (value == null) return null;
  if (!hasScope(ctx.caller, 'pii')) return field === 'idNumber' ? maskIdNumber(value) : maskPhone(value);
  let entry = ctx.audit.get(recordType);
  if (!entry) ctx.audit.set(recordType, (entry = { ids: new Set(), fields: new Set() }));
  entry.ids.add(id);
  entry.fields.add(field);
  return value;
}

/** One append-only audit row per record type read unmasked (or looked up) in the request; true when it wrote any. */
export async function writeAudit(ctx: BaseContext & { audit: AuditTrail }): Promise<boolean> {
  if (!ctx.audit.size) return false;
  const c = ctx.caller;
  for (const [type, { ids, fields }] of ctx.audit) {
    await auditTrail.insert(ctx.em, {
      subject: c.subject,
      callerName: c.name,
      callerJurisdiction: c.jurisdiction,
      operation: ctx.operation || 'unknown',
      requestId: ctx.requestId,
      recordType: type,
      recordIds: [...ids],
      fields: [...fields],
    });
  }
  ctx.audit.clear();
  return true;
}
