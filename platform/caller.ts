import { forbidden } from './errors.ts';
import { covers } from './jurisdiction.ts';

/**
 * Who is asking (docs/ARCHITECTURE.md): a subject, a display name, a jurisdiction (a
 * division code of any length; the caller sees that division and everything
 * under it; `*` is the whole country, platform/jurisdiction.ts) and scopes.
 */
export const SCOPES = ['read', 'write', 'pii', 'report', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Caller {
  subject: string;
  name: string;
  jurisdiction: string;
  scopes: ReadonlySet<Scope>;
  /**
   * A county department's caller (吹哨报到): the department's kind (domain/departments.ts,
   * e.g. NATURAL_RESOURCES); the jurisdiction is then its county. Such a caller
   * sees its department's dispatches and acknowledges and reports them itself.
   */
  department?: string;
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}

/** True when `code` (any level) lies inside the caller's jurisdiction. */
export function inJurisdiction(caller: Caller, code: string): boolean {
  return covers(caller.jurisdiction, code);
}

/** Record reads need `read` (a report-only caller sees statistics and names, never records). */
export function requireRecordAccess(caller: Caller, what: string): void {
  if (!caller.scopes.has('read')) {
    throw forbidden(`Reading ${what} records needs the "read" scope; this caller has ${[...caller.scopes].join(', ') || 'no scopes'}.`, {
      scope: 'read',
    });
  }
}

/** A division's lists or figures: it must lie inside the caller's jurisdiction. */
export function requireDivisionAccess(caller: Caller, code: string): void {
  if (!inJurisdiction(caller, code)) {
    throw forbidden(`Division ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`, { jurisdiction: caller.jurisdiction });
  }
}

/** Record lists under a division: the caller needs `read` and the division must be inside their jurisdiction. */
export function requireListAccess(caller: Caller, code: string, what: string): void {
  requireRecordAccess(caller, what);
  requireDivisionAccess(caller, code);
}

/**
 * A department's own step or inbox: only the caller of that department (kind) in
 * that county; everyone else gets FORBIDDEN naming who may.
 */
export function requireDepartment(caller: Caller, what: string, kind?: string, countyCode?: string): { kind: string; countyCode: string } {
  const countyOf = caller.jurisdiction;
  if (!caller.department) {
    throw forbidden(`${what} is for county department callers only (a token with a department claim); this caller has none.`, { department: null });
  }
  if ((kind !== undefined && caller.department !== kind) || (countyCode !== undefined && countyOf !== countyCode)) {
    throw forbidden(
      `${what} is for the ${kind ?? caller.department} department of county ${countyCode ?? countyOf}; this caller is the ${caller.department} department of county ${countyOf}.`,
      { department: caller.department },
    );
  }
  return { kind: caller.department, countyCode: countyOf };
}

export function requireWrite(caller: Caller, code: string): void {
  if (!caller.scopes.has('write')) throw forbidden('Changing records needs the "write" scope.', { scope: 'write' });
  if (!inJurisdiction(caller, code)) {
    throw forbidden(`Division ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`, { jurisdiction: caller.jurisdiction });
  }
}
