import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Caller } from '../../../../platform/caller.ts';
import { col, row, sql } from '../../../../platform/sql.ts';
import { RESIDENTS } from './kinds.ts';
import { formValues, writeValues } from './write.ts';
import type { ruleError, Rule } from './rules.ts';

/**
 * 迁入: the record of a resident another jurisdiction deregistered as moved
 * out (MOVED_OUT), taken up into `grid` (the caller's) by the database's
 * hub_move_in (migration …71MoveIn), which alone sees it; null when there is
 * none to take up.
 */
const moveIn = sql('person.moveIn', z.object({ id: col.id, version: col.id }), 'select id, version from hub_move_in(?, ?)');

/**
 * Registers a resident from a form. An ID number whose record another
 * jurisdiction deregistered as moved out is that resident moving in: the
 * record is taken up (same id, its history kept) and then written with what
 * the form gives, by the rules of an update, so the registration's facts
 * replace the old village's. Otherwise a new record, as before. One
 * transaction: a form the rules refuse leaves the record where it was.
 */
export async function registerResident(
  em: EntityManager,
  caller: Caller,
  input: object,
  explain?: (rule: Rule) => Promise<Parameters<typeof ruleError>[1]>,
): Promise<number | null> {
  const v = await formValues(em, caller, RESIDENTS, input);
  const { id_number: idNumber, grid_code: grid } = v.values;
  if (typeof idNumber === 'string' && typeof grid === 'string') {
    const moved = await row(em, moveIn, [idNumber, grid]);
    if (moved) return (await writeValues(em, RESIDENTS, v, { id: moved.id, version: moved.version }, explain)) ?? moved.id;
  }
  return writeValues(em, RESIDENTS, v, { register: true }, explain);
}
