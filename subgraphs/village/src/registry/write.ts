import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../platform/caller.ts';
import { grids } from '../store/grid.ts';
import { villages } from '../store/village.ts';
import { stagedRow, type RowKind, type RowWriter, type Staged } from '../store/row-kinds.ts';
import type { FieldContext, Fields, FieldValues } from './fields.ts';
import { argumentOf, ruleError, ruleErrorSaid, staleVersion, versionRule, type Rule } from './rules.ts';
import { columnOf } from '../../../../platform/sql.ts';

/**
 * The forms' side of the registry's one write path (docs/ARCHITECTURE.md,
 * "One write path per kind"): a mutation's input becomes the record of
 * columns a file line is (only the arguments sent: absent ones keep the
 * stored value, null clears), goes through the kind's field rules
 * (./fields.ts) and then through the same SQL checks and write an import
 * runs over its batch (store/row-kinds.ts), as a batch of one row.
 */

/** The property of a write's error that holds the row it wrote, by column. */
export const CLASH_ROW = Symbol('clashRow');

/** A kind of the one write path and the statements its mutations run. */
export interface WritableKind {
  kind: RowKind;
  writer: RowWriter;
  fields(f: Fields, ctx: FieldContext): FieldValues;
}

/** A stale version's error also says which version is current (`explain` of writeForm). */
export const currentVersion = (row: { version: number }) => (rule: Rule) =>
  Promise.resolve(rule.name === 'staleVersion' ? { extra: { currentVersion: row.version } } : undefined);

/** A mutation's input as a record of columns: the arguments sent, under their columns (`gridCode` → `grid_code`); lists as `A;B`. */
export function formFields(input: object): Fields {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    out[columnOf(k)] = v === null ? null : Array.isArray(v) ? v.map(String).join(';') : String(v);
  }
  return out;
}

/** How a form reads a record: names are its arguments, and the grid or village it names was looked up first. */
export async function formContext(em: EntityManager, caller: Caller, f: Fields): Promise<FieldContext> {
  const code = f.grid_code?.trim();
  const grid = code && /^\d{15}$/.test(code) ? await grids.byCode(em, code) : null;
  const villageCode = f.village_code?.trim();
  const village = !code && villageCode && /^\d{12}$/.test(villageCode) ? (await villages.byCodes(em, [villageCode]))[0] : undefined;
  return { caller, knowsGrid: (c) => grid?.code === c, knowsVillage: (c) => village?.code === c, name: argumentOf };
}

/**
 * Runs a form through the kind: field rules, the write scope, locks, the
 * checks (the first one broken is the answer: its code, `<argument>
 * <reason>`) and the write. `extra` adds what the form's other arguments say
 * (the record's id and version, `register` for a new record). The record's
 * id, or null when an update changed nothing (no version moves).
 */
export async function writeForm(
  em: EntityManager,
  caller: Caller,
  k: WritableKind,
  input: object,
  extra: Readonly<Record<string, Staged>> = {},
  explain?: (rule: Rule) => Promise<Parameters<typeof ruleError>[1]>,
): Promise<number | null> {
  return writeValues(em, k, await formValues(em, caller, k, input), extra, explain);
}

/** A form's values through the kind's field rules and the write scope (the first half of writeForm). */
export async function formValues(em: EntityManager, caller: Caller, k: WritableKind, input: object): Promise<FieldValues> {
  const f = formFields(input);
  const v = k.fields(f, await formContext(em, caller, f));
  if (typeof v.values.grid_code === 'string') requireWrite(caller, v.values.grid_code);
  if (typeof v.values.village_code === 'string') requireWrite(caller, v.values.village_code);
  return v;
}

/** Runs checked values through the kind's checks and write (see writeForm). */
export async function writeValues(
  em: EntityManager,
  k: WritableKind,
  v: FieldValues,
  extra: Readonly<Record<string, Staged>> = {},
  explain?: (rule: Rule) => Promise<Parameters<typeof ruleError>[1]>,
): Promise<number | null> {
  const values = stagedRow(k.kind, { ...v.values, ...extra }, v.given);
  await k.writer.lock(em, values);
  const broken = await k.writer.broken(em, values);
  if (broken) {
    const said = await k.writer.detail(em, values, broken);
    if (said) throw ruleErrorSaid(broken.rule, said);
    const detail = await explain?.(broken.rule);
    const current = detail?.extra?.currentVersion;
    const sent = extra.version;
    const rule = broken.rule === staleVersion && typeof current === 'number' && typeof sent === 'number' ? versionRule(current, sent) : broken.rule;
    throw ruleError(rule, detail);
  }
  // A unique key another write took after the checks: the error carries the row's columns, by which the refusal finds
  // the record clashed with (registry/unique-keys.ts `clash`); PostgreSQL leaves the key out of its report on a
  // table under row-level security.
  const written = await k.writer.write(em, values).catch((e: unknown) => {
    if (typeof e === 'object' && e !== null) Object.assign(e, { [CLASH_ROW]: { ...v.values, ...extra } });
    throw e;
  });
  // A new record's local number taken between the checks and the write (another create committed in between, as two
  // grid workers registering one 户号 at once do): the write found that record by its key, as a file's row does to
  // update it. A form that registers is refused as its check would have refused it, naming that record; the
  // transaction rolls the change back. A write that found the record and could not take it wrote nothing: refused
  // the same way, without an id. Only the kinds keyed by a local number or an ID number have the check
  // (alreadyRegistered): a form's record keyed by a source system's id is always inserted, and a race on that key
  // fails at the unique index (registry/unique-keys.ts).
  const registeredRule = extra.register === true ? k.kind.checks.find((c) => c.rule.name === 'alreadyRegistered')?.rule : undefined;
  const taken = registeredRule ? written.find((w) => !w.inserted) : undefined;
  if (registeredRule && taken) {
    const argument = registeredRule.argument === 'idNumber' ? 'personId' : 'recordId';
    throw ruleError(registeredRule, { said: { zh: `（编号 ${taken.id}）。`, en: ` (id ${taken.id}).` }, extra: { [argument]: String(taken.id) } });
  }
  if (registeredRule && written.length === 0) throw ruleError(registeredRule, { said: { zh: '。', en: '.' } });
  return written[0]?.id ?? null;
}
