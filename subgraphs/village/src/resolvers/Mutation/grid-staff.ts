import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { optText } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { gridStaffFields } from '../../registry/fields.ts';
import { gridWorkerTaken, recordUnknown, ruleError, staleVersion, versionRule, WHAT, workerHolder } from '../../registry/rules.ts';
import { writeForm, type WritableKind } from '../../registry/write.ts';
import type { Staged } from '../../store/row-kinds.ts';
import { GRID_STAFF_KIND, GRID_STAFF_WRITER, gridStaff, type GridStaffRow } from '../../store/grid-staff.ts';
import { forceEnds, keyedCreate, lockedOrEnded, tx } from './write.ts';

/**
 * 网格力量 (1+3+N): assigning people to roles in a grid, changing and ending
 * assignments, through the one write path shared with the `grid-staff`
 * import (docs/ARCHITECTURE.md, "One write path per kind" and "Maintaining
 * the forces").
 */

const STAFF: WritableKind = { kind: GRID_STAFF_KIND, writer: GRID_STAFF_WRITER, fields: gridStaffFields };
const UNKNOWN = recordUnknown(WHAT.gridStaff);

/**
 * The assignment `id`, locked, if the caller may write it; INVALID_TRANSITION (alreadyEnded) when it has ended,
 * NOT_FOUND (the import's reason) when the caller sees no such assignment (row-level security decides which).
 */
const assignment = (em: EntityManager, caller: Caller, id: string, action: 'end' | 'change'): Promise<GridStaffRow> =>
  lockedOrEnded(em, caller, gridStaff, forceEnds(gridStaff.endedOf, WHAT.gridStaff), id, action, {
    unknown: () => ruleError(UNKNOWN),
    sees: () => true,
    place: (r) => r.villageCode,
  });

/** Checks and writes a form's row; the assignment as it is now. */
async function save(em: EntityManager, caller: Caller, input: object, current: GridStaffRow | null, version?: number): Promise<GridStaffRow> {
  const keys: Record<string, Staged> = current ? { id: current.id, version: version ?? null } : { register: true };
  const id = await writeForm(em, caller, STAFF, input, keys, async (broken) => {
    if (broken.name === staleVersion.name) return { extra: { currentVersion: current?.version } };
    if (broken.name !== gridWorkerTaken.name) return undefined;
    // Who holds the post now, so the caller knows whose assignment to end or change.
    const grid = 'gridCode' in input && typeof input.gridCode === 'string' ? input.gridCode.trim() : current?.gridCode;
    const now = grid ? await gridStaff.workerOf(em, grid) : null;
    return now ? { said: workerHolder(now.name, String(now.id)), extra: { currentId: String(now.id) } } : undefined;
  });
  return (await gridStaff.byId(em, id ?? current!.id))!;
}

export const gridStaffMutations = {
  createGridStaff: keyedCreate('createGridStaff', gridStaff, (em, { input }, ctx) => save(em, ctx.caller, input, null)),
  updateGridStaff: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => save(em, ctx.caller, input, await assignment(em, ctx.caller, id, 'change'), version)),
  endGridStaff: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const again = await gridStaff.endedAgain(em, parseId(id, 'id'), version, optText(reason, 'reason', 200));
      if (again) {
        requireWrite(ctx.caller, again.villageCode);
        return again;
      }
      const current = await assignment(em, ctx.caller, id, 'end');
      if (current.version !== version) throw ruleError(versionRule(current.version, version), { extra: { currentVersion: current.version } });
      return gridStaff.end(em, current.id, ctx.caller.name || ctx.caller.subject, optText(reason, 'reason', 200));
    }),
} satisfies MutationResolvers;
