import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../../../platform/caller.ts';
import { hubError, type Said } from '../../../../platform/errors.ts';
import type { RowRule, RowWriter } from '../store/forces-rules.ts';
import { argumentOf, type RowContext, type RowFields, type Staged } from './fields.ts';

/**
 * The forms' side of the forces' one write path (docs/ARCHITECTURE.md,
 * "Maintaining the forces"): a mutation's input becomes the same staged row
 * a file line does (./fields.ts), is checked by the same rules and written by
 * the same statement (store/forces-rules.ts). A broken rule is the error the
 * import's reject line gives, with the mutation's argument in front and the
 * rule's code.
 */

/**
 * A mutation's input as a row of staged columns: only the arguments the
 * client sent (an absent one is not given; an explicit null clears), under
 * their columns (`gridCode` → `grid_code`, `personId` → `person_id`).
 */
export function formFields(input: object, extra: Record<string, string | null> = {}): RowFields {
  const out: Record<string, string | null> = { ...extra };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined) continue;
    const column = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    out[column] = v === null ? null : typeof v === 'string' ? v : String(v);
  }
  return out;
}

/** How a form reads a row: names are its arguments, and the grids and villages it may name were looked up first. */
export function formContext(caller: Caller, known: { grids?: readonly string[]; villages?: readonly string[] } = {}): RowContext {
  return {
    caller,
    knowsGrid: (code) => known.grids?.includes(code) ?? false,
    knowsVillage: (code) => known.villages?.includes(code) ?? false,
    name: argumentOf,
  };
}

/** The rule's error as a mutation answers it: `<argument> <reason>`, then what `detail` adds (e.g. who holds the post now). */
export function ruleError(rule: RowRule, detail?: { said: Said; extra?: Record<string, unknown> }) {
  const argument = rule.argument ?? argumentOf(rule.field);
  const message = { zh: `${argument} ${rule.reason.zh}${detail?.said.zh ?? ''}`, en: `${argument} ${rule.reason.en}${detail?.said.en ?? ''}` };
  return hubError(rule.code, message, { argument, ...detail?.extra });
}

/**
 * Checks a staged row against the kind's rules and writes it: the record's
 * id (null when an update changed nothing). `explain` may add to a broken
 * rule's message.
 */
export async function checkedWrite(
  em: EntityManager,
  writer: RowWriter,
  values: readonly Staged[],
  explain?: (rule: RowRule) => Promise<{ said: Said; extra?: Record<string, unknown> } | undefined>,
): Promise<number | null> {
  const broken = await writer.broken(em, values);
  if (broken) throw ruleError(broken, await explain?.(broken));
  return (await writer.write(em, values))?.id ?? null;
}
