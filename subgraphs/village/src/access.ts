import { hasScope, inJurisdiction, requireRecordAccess, type Caller } from '../../shared/caller.ts';
import { maskIdNumber, maskPhone } from '../../shared/citizen-id.ts';
import { forbidden } from '../../shared/errors.ts';

/** A record is visible when the caller may read records and it lies in their jurisdiction. */
export function visible<T extends { villageCode: string }>(caller: Caller, row: T | null | undefined): T | null {
  if (!row || !caller.scopes.has('read') || !inJurisdiction(caller, row.villageCode)) return null;
  return row;
}

/** Lists under a division: the caller needs `read` and the division must overlap their jurisdiction. */
export function requireListAccess(caller: Caller, code: string, what: string): void {
  requireRecordAccess(caller, what);
  if (!inJurisdiction(caller, code)) {
    throw forbidden(`Division ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`, { jurisdiction: caller.jurisdiction });
  }
}

export const idNumberFor = (caller: Caller, v: string | null) => (hasScope(caller, 'pii') ? v : maskIdNumber(v));
export const phoneFor = (caller: Caller, v: string | null) => (hasScope(caller, 'pii') ? v : maskPhone(v));
