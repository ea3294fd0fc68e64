import { inJurisdiction, type Caller } from '../../../../platform/caller.ts';
import { parseCitizenId, parsePhone } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { badInput } from '../../../../platform/errors.ts';
import { parseId } from '../../../../platform/scalars.ts';
import { text } from '../../../../platform/validate.ts';
import { GRID_STAFF_ROLES } from '../store/grid-staff.ts';
import { COMMITTEE_KINDS } from '../store/mediation-committee.ts';

/**
 * The field rules of the forces' one write path (docs/ARCHITECTURE.md,
 * "Maintaining the forces"): a form (mutation) and a file row (import) are
 * both a record of values by staged column, checked here by the same
 * functions into the staged row; the rules that need the database run next,
 * in SQL (store/forces-rules.ts). A column absent from the record is not
 * given (the stored value stays); a given empty value or null clears it.
 */
export type RowFields = Readonly<Record<string, string | null>>;

/** A staged value: what a batch's COPY and a mutation's parameters both take. */
export type Staged = string | number | boolean | null | readonly string[];

export interface RowContext {
  caller: Caller;
  /** Whether `code` is a grid the hub knows (in the caller's jurisdiction). */
  knowsGrid(code: string): boolean;
  /** Whether `code` is a village the hub knows (in the caller's jurisdiction). */
  knowsVillage(code: string): boolean;
  /** How the path names a column in messages: a file by the column itself, a form by its argument (`grid_code` → `gridCode`). */
  name(column: string): string;
}

/** A form's argument for a staged column. */
export const argumentOf = (column: string) => (column === 'id_number' ? 'personId' : column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));

const given = (f: RowFields, column: string) => Object.hasOwn(f, column);

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  const v = value.trim().toUpperCase();
  const found = allowed.find((a) => a === v);
  if (!found) {
    throw badInput(
      { zh: `${field}“${value}”不在 ${allowed.join(', ')} 之中。`, en: `${field} "${value}" is not one of ${allowed.join(', ')}.` },
      { argument: field },
    );
  }
  return found;
}

function required(f: RowFields, column: string, ctx: RowContext): void {
  if (given(f, column) && f[column] == null) {
    const field = ctx.name(column);
    throw badInput({ zh: `${field} 为必填项，不能清空。`, en: `${field} is required and cannot be cleared.` }, { argument: field });
  }
}

function outside(field: string, code: string, caller: Caller): never {
  throw badInput(
    {
      zh: `${field} ${code} 不在您的辖区（${caller.jurisdiction || '无'}）内。`,
      en: `${field} ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`,
    },
    { argument: field },
  );
}

/** id, version and external_id: which record a row changes (by registry id or by the source system's key). */
function keys(f: RowFields, ctx: RowContext): Staged[] {
  const id = f.id == null ? null : parseId(f.id, ctx.name('id'));
  let version: number | null = null;
  if (f.version != null) {
    version = Number(f.version.trim());
    if (!Number.isSafeInteger(version) || version < 1 || version > 2_147_483_647) {
      const field = ctx.name('version');
      throw badInput(
        { zh: `${field}“${f.version}”不是版本号（正整数）。`, en: `${field} "${f.version}" is not a version (a positive integer).` },
        { argument: field },
      );
    }
  }
  return [id, version, f.external_id == null ? null : text(f.external_id, ctx.name('external_id'), 64)];
}

function grid(f: RowFields, ctx: RowContext): string | null {
  required(f, 'grid_code', ctx);
  if (f.grid_code == null) return null;
  const field = ctx.name('grid_code');
  const code = parseCodeOfLevel(f.grid_code.trim(), 'GRID', field);
  if (!inJurisdiction(ctx.caller, code)) outside(field, code, ctx.caller);
  if (!ctx.knowsGrid(code))
    throw badInput({ zh: `${field} ${code} 不是本枢纽登记的网格。`, en: `${field} ${code} is not a grid the hub knows.` }, { argument: field });
  return code;
}

function village(f: RowFields, ctx: RowContext): string | null {
  required(f, 'village_code', ctx);
  if (f.village_code == null) return null;
  const field = ctx.name('village_code');
  const code = parseCodeOfLevel(f.village_code.trim(), 'VILLAGE', field);
  if (!inJurisdiction(ctx.caller, code)) outside(field, code, ctx.caller);
  if (!ctx.knowsVillage(code)) {
    throw badInput({ zh: `${field} ${code} 不是本枢纽登记的村（社区）。`, en: `${field} ${code} is not a village the hub knows.` }, { argument: field });
  }
  return code;
}

/** The resident a row links: by registry id (forms) or ID number (files); both null when none is named. */
function person(f: RowFields, ctx: RowContext): [number | null, string | null] {
  return [f.person_id == null ? null : parseId(f.person_id, ctx.name('person_id')), f.id_number == null ? null : parseCitizenId(f.id_number).idNumber];
}

const phone = (f: RowFields) => (f.phone == null ? null : parsePhone(f.phone));
const name = (f: RowFields, ctx: RowContext, max: number) => (f.name == null ? null : text(f.name, ctx.name('name'), max));

const TRUE = ['TRUE', 'T', '1', 'YES', 'Y', '是', '专职'];
const FALSE = ['FALSE', 'F', '0', 'NO', 'N', '否', '兼职'];

function flag(f: RowFields, column: string, ctx: RowContext): boolean | null {
  const v = f[column]?.trim().toUpperCase();
  if (v == null) return null;
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  const field = ctx.name(column);
  throw badInput(
    { zh: `${field}“${f[column]}”应为 true（专职）或 false（兼职）。`, en: `${field} "${f[column]}" must be true (full time) or false (part time).` },
    { argument: field },
  );
}

/** The fields a row gives, among `columns` (`person` stands for person_id and id_number). */
function givenOf(f: RowFields, columns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of Object.keys(f)) {
    const flagName = c === 'person_id' || c === 'id_number' ? 'person' : c;
    if (columns.includes(flagName)) out.add(flagName);
  }
  return [...out].sort();
}

/** A grid staff row, in the order of store/grid-staff.ts GRID_STAFF_STAGE. */
export function gridStaffRow(f: RowFields, ctx: RowContext): Staged[] {
  return [
    ...keys(f, ctx),
    grid(f, ctx),
    f.role == null ? null : oneOf(f.role, GRID_STAFF_ROLES, ctx.name('role')),
    name(f, ctx, 50),
    phone(f),
    ...person(f, ctx),
    givenOf(f, ['external_id', 'grid_code', 'role', 'name', 'phone', 'person']),
  ];
}

/** A mediation committee row, in the order of store/mediation-committee.ts COMMITTEE_STAGE. */
export function committeeRow(f: RowFields, ctx: RowContext): Staged[] {
  return [
    ...keys(f, ctx),
    village(f, ctx),
    name(f, ctx, 100),
    f.kind == null ? null : oneOf(f.kind, COMMITTEE_KINDS, ctx.name('kind')),
    givenOf(f, ['external_id', 'village_code', 'name', 'kind']),
  ];
}

/** A mediator row, in the order of store/mediator.ts MEDIATOR_STAGE. */
export function mediatorRow(f: RowFields, ctx: RowContext): Staged[] {
  required(f, 'committee_id', ctx);
  return [
    ...keys(f, ctx),
    f.committee_id == null ? null : parseId(f.committee_id, ctx.name('committee_id')),
    name(f, ctx, 50),
    flag(f, 'full_time', ctx),
    phone(f),
    ...person(f, ctx),
    givenOf(f, ['external_id', 'committee_id', 'name', 'full_time', 'phone', 'person']),
  ];
}
