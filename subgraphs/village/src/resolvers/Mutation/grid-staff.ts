import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { optText } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { gridStaffRow, type RowFields } from '../../forces/fields.ts';
import { checkedWrite, formContext, formFields, ruleError } from '../../forces/write.ts';
import { GRID_STAFF_RULES, gridStaff, type GridStaffRow } from '../../store/grid-staff.ts';
import type { RowRule } from '../../store/forces-rules.ts';
import { grids } from '../../store/grid.ts';
import { tx } from './write.ts';

/**
 * 网格力量 (1+3+N): assigning people to roles in a grid, changing and ending
 * assignments, through the forces' one write path shared with the
 * `grid-staff` import (docs/ARCHITECTURE.md, "Maintaining the forces").
 */

const rule = (field: string, code: RowRule['code']) => GRID_STAFF_RULES.find((r) => r.field === field && r.code === code)!;
const UNKNOWN = rule('id', 'NOT_FOUND');
const STALE = rule('version', 'CONFLICT');
const SECOND_WORKER = rule('role', 'CONFLICT');

/** The assignment `id`, locked, if the caller may write it; NOT_FOUND (the import's reason) otherwise. */
async function assignment(em: EntityManager, caller: Caller, id: string): Promise<GridStaffRow> {
  const row = await gridStaff.lock(em, parseId(id, 'id'));
  if (!row) throw ruleError(UNKNOWN);
  requireWrite(caller, row.villageCode);
  return row;
}

/** Checks and writes a form's row; the assignment as it is now. */
async function save(em: EntityManager, caller: Caller, f: RowFields, current: GridStaffRow | null): Promise<GridStaffRow> {
  let known: string[] = [];
  let grid = current?.gridCode;
  if (f.grid_code) {
    grid = parseCodeOfLevel(f.grid_code.trim(), 'GRID', 'gridCode');
    requireWrite(caller, grid);
    known = (await grids.byCode(em, grid)) ? [grid] : [];
  }
  const values = gridStaffRow(f, formContext(caller, { grids: known }));
  const id = await checkedWrite(em, gridStaff, values, async (broken) => {
    if (broken === STALE) return { said: { zh: '', en: '' }, extra: { currentVersion: current?.version } };
    if (broken !== SECOND_WORKER) return undefined;
    // Who holds the post now, so the caller knows whose assignment to end or change.
    const now = grid ? await gridStaff.workerOf(em, grid) : null;
    return now
      ? { said: { zh: `（现任：${now.name}，编号 ${now.id}）。`, en: ` (now ${now.name}, id ${now.id}).` }, extra: { currentId: String(now.id) } }
      : undefined;
  });
  return (await gridStaff.byId(em, id ?? current!.id))!;
}

export const gridStaffMutations = {
  createGridStaff: (_, { input }, ctx) => tx(ctx, (em) => save(em, ctx.caller, formFields(input), null)),
  updateGridStaff: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const current = await assignment(em, ctx.caller, id);
      return save(em, ctx.caller, formFields(input, { id: String(current.id), version: String(version) }), current);
    }),
  endGridStaff: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const current = await assignment(em, ctx.caller, id);
      if (current.version !== version) throw ruleError(STALE, { said: { zh: '', en: '' }, extra: { currentVersion: current.version } });
      return gridStaff.end(em, current.id, ctx.caller.name || ctx.caller.subject, optText(reason, 'reason', 200));
    }),
} satisfies MutationResolvers;
