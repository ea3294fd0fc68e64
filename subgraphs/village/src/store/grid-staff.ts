import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import {
  gridWorkerTaken,
  postHeld,
  informantUnlinked,
  nameNeeded,
  needed,
  personDeregistered,
  personMismatch,
  personUnknown,
  recordUnknown,
  repeated,
  gridStaffExternalTaken,
  staffResidentElsewhere,
  staffStaysInVillage,
  staleVersion,
  WHAT,
  workerHolder,
} from '../registry/rules.ts';
import {
  holderReason,
  changedSql,
  endRecords,
  endedAgain,
  endedOf,
  externalKeyed,
  externalTakenCheck,
  KEYED_STAGE,
  LINKED_PERSON_COLUMNS,
  LINKED_PERSON_JOIN,
  LINKED_PERSON_STAGE,
  keyedRecordChecks,
  linkedNameSql,
  namingTheLink,
  PERSON_JOINS,
  personChecks,
  personColumns,
  rowWriter,
  takenSql,
  targetOf,
  versionCheck,
  type RowCheck,
  type RowKind,
  type StageColumn,
  earlierLineShares,
} from './row-kinds.ts';
import { located, recordTable, ENDABLE } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

export const GRID_STAFF_ROLES = ['GRID_LEADER', 'GRID_WORKER', 'LINKED_LEADER', 'LINKED_OFFICE_CADRE', 'LINKED_POLITICAL_LEGAL_CADRE', 'INFORMANT'] as const;

/**
 * Grid staff (网格员 and the "1+3+N" linked cadres), table `grid_staff`
 * (migrations …02Registry, …22Forces); an ended assignment moves to
 * `grid_staff_ended` with when, by whom and why.
 */
const GridStaff = z.object({
  id: col.id,
  role: z.enum(GRID_STAFF_ROLES),
  name: col.text,
  phone: col.text.nullable(),
  personId: col.id.nullable(),
  ...located,
  ...ENDABLE,
});
export type GridStaffRow = z.infer<typeof GridStaff>;

const table = recordTable<GridStaffRow, Record<never, never>>('grid_staff', GridStaff, {});

/**
 * The staged row (an import's stage, a mutation's parameters), after the
 * keys: the grid, role, name, phone, and the resident record by registry id
 * (forms, exports) or ID number (files); `person` in `given` stands for both
 * (registry/fields.ts gridStaffFields).
 */
export const GRID_STAFF_STAGE: readonly StageColumn[] = [...KEYED_STAGE, ['grid_code', 'text'], ['role', 'text'], ['name', 'text'], ...LINKED_PERSON_STAGE];
const FLAGS = ['external_id', 'grid_code', 'role', 'name', 'phone', 'person'];
const taken = (column: string) => takenSql(FLAGS, column);

const COLUMNS = ['role', 'name', 'phone', 'person_id', 'grid_code', 'external_id'];

/** Each staged row as it would be written (row-kinds.ts). */
const rows = (src: string) => `
  ${externalKeyed(src, 'grid_staff', 'e.village_code = s0.village', `, left(s.grid_code, 12) as village`)},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${taken('grid_code')} as grid_code, ${taken('role')} as role, ${linkedNameSql(FLAGS)} as name_given, ${taken('phone')} as phone,
           ${taken('external_id')} as external_id,
           ${personColumns(FLAGS)},
           ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('grid_staff')}
      ${PERSON_JOINS}),
  n as materialized (
    select n0.*, left(n0.grid_code, 12) as village, coalesce(n0.name_given, p.name) as name, ${LINKED_PERSON_COLUMNS},
           ${changedSql('n0', COLUMNS, { name: 'coalesce(n0.name_given, p.name)' })} as changed
      from n0 ${LINKED_PERSON_JOIN})`;

/** The checks of a grid staff assignment, in the order they run (docs/ARCHITECTURE.md, "Maintaining the forces"). */
const CHECKS: readonly RowCheck[] = namingTheLink([
  ...keyedRecordChecks(recordUnknown(WHAT.gridStaff), repeated),
  versionCheck(staleVersion),
  { rule: needed('role'), bad: 'x.role is null' },
  { rule: staffStaysInVillage, bad: 'x.target is not null and x.village <> x.was_village' },
  ...personChecks({
    unknownById: personUnknown('person_id'),
    unknownByIdNumber: personUnknown('id_number'),
    mismatch: personMismatch,
    deregistered: personDeregistered,
  }),
  { rule: staffResidentElsewhere, bad: 'x.person_id is not null and x.person_village <> x.village' },
  { rule: informantUnlinked, bad: `x.role = 'INFORMANT' and x.person_id is null` },
  { rule: nameNeeded, bad: 'x.name is null' },
  externalTakenCheck(gridStaffExternalTaken, 'grid_staff', 'village_code', 'village'),
  {
    rule: postHeld,
    bad: `x.person_id is not null and x.role is not null and (
            exists (select 1 from grid_staff w where w.grid_code = x.grid_code and w.role = x.role and w.person_id = x.person_id and w.id is distinct from x.target)
            or ${earlierLineShares(['grid_code', 'role', 'person_id'])})`,
  },
  {
    rule: gridWorkerTaken,
    bad: `x.role = 'GRID_WORKER' and (
            exists (select 1 from grid_staff w where w.grid_code = x.grid_code and w.role = 'GRID_WORKER' and w.id is distinct from x.target)
            or ${earlierLineShares(['grid_code'], `o.role = 'GRID_WORKER'`)})`,
    // A file's line names the current grid worker as the form does; one taken by an earlier line has no one to name yet.
    reason: holderReason(
      gridWorkerTaken,
      workerHolder,
      `from grid_staff w where w.grid_code = x.grid_code and w.role = 'GRID_WORKER' and w.id is distinct from x.target`,
    ),
  },
]);

/** Updates the changed targets and inserts the new rows (`id_given` without a target was refused by the checks). */
const write = `
  upd as (
    update grid_staff t set role = x.role, name = x.name, phone = x.phone, person_id = x.person_id, grid_code = x.grid_code,
                            external_id = x.external_id, version = t.version + 1
      from n x where t.id = x.target and x.changed and (x.version is null or t.version = x.version)
    returning t.id, false as inserted),
  ins as (
    insert into grid_staff (role, name, phone, person_id, village_code, grid_code, county_code, external_id)
    select x.role, x.name, x.phone, x.person_id, x.village, x.grid_code, left(x.grid_code, 6), x.external_id
      from n x where x.target is null and x.id_given is null order by x.line
    returning id, true as inserted)
  select id, inserted from upd union all select id, inserted from ins`;

/** Grid staff as a kind of the one write path (row-kinds.ts): the mutations' statements and the import's are built from it. */
export const GRID_STAFF_KIND: RowKind = { name: 'gridStaff', stage: GRID_STAFF_STAGE, flags: FLAGS, rows, checks: CHECKS, write };
export const GRID_STAFF_WRITER = rowWriter(GRID_STAFF_KIND);

const end = endRecords(
  'gridStaff.end',
  'grid_staff',
  GridStaff,
  ['id', 'role', 'name', 'phone', 'person_id', 'village_code', 'grid_code', 'county_code', 'external_id'],
  'id = ?',
);
const workerOf = sql('gridStaff.workerOf', GridStaff, `select * from grid_staff where grid_code = ? and role = 'GRID_WORKER'`);

export const gridStaff = {
  ...table,
  /** Ends an assignment: it leaves `grid_staff` (and the figures) for `grid_staff_ended`; the ended row. */
  /** The record as the same end, sent again from `version` by `by`, left it (row-kinds.ts `endedAgain`). */
  endedAgain: endedAgain<GridStaffRow>('gridStaff.endedAgain', 'grid_staff', GridStaff),
  /** The assignment as it ended, if it has (row-kinds.ts `endedOf`). */
  endedOf: endedOf<GridStaffRow>('gridStaff.endedOf', 'grid_staff', GridStaff),
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<GridStaffRow> => (await row(db, end, [id, by, reason]))!,
  /** The grid's grid worker (专职网格员), if it has one. */
  workerOf: (db: Db, gridCode: string): Promise<GridStaffRow | null> => row(db, workerOf, [gridCode]),
  /** A division's grid staff, of one role if given. */
  list: (scope: Scope, role?: string | null): ScopedList<GridStaffRow> =>
    scopedList('gridStaff.list', 'grid_staff', GridStaff, scope, role ? allOf(['t.role = ?'], [role]) : {}),
};
