import { z } from 'zod';
import { col } from '../../../../platform/sql.ts';
import { located } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Grid staff (网格员 and the "1+3+N" linked cadres), table `grid_staff` (migration …02Registry). */
const GridStaff = z.object({
  id: col.id,
  role: z.enum(['GRID_LEADER', 'GRID_WORKER', 'LINKED_LEADER', 'LINKED_OFFICE_CADRE', 'LINKED_POLITICAL_LEGAL_CADRE', 'INFORMANT']),
  name: col.text,
  phone: col.text.nullable(),
  personId: col.id.nullable(),
  ...located,
});
export type GridStaffRow = z.infer<typeof GridStaff>;

export const gridStaff = {
  /** A division's grid staff, of one role if given. */
  list: (scope: Scope, role?: string | null): ScopedList<GridStaffRow> =>
    scopedList('gridStaff.list', 'grid_staff', GridStaff, scope, role ? allOf(['t.role = ?'], [role]) : {}),
};
