import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import {
  GIVEN,
  KEYS,
  PERSON_COLUMNS,
  PERSON_JOINS,
  PERSON_RULES,
  recordRules,
  rowWriter,
  stagedRows,
  taken,
  targetOf,
  type RowKind,
  type RowRule,
} from './forces-rules.ts';
import { located, recordTable } from './record.ts';
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
  version: col.id,
  externalId: col.text.nullable(),
  endedAt: col.instant.nullable().optional(),
  endedBy: col.text.nullable().optional(),
  endReason: col.text.nullable().optional(),
});
export type GridStaffRow = z.infer<typeof GridStaff>;

const table = recordTable<GridStaffRow, Record<never, never>>('grid_staff', GridStaff, {});

/**
 * The staged row (an import's stage, a mutation's parameters), after the
 * keys: the grid, role, name, phone, and the resident record by registry id
 * (forms, exports) or ID number (files); `person` in `given` stands for both.
 */
export const GRID_STAFF_STAGE = [
  ...KEYS,
  ['grid_code', 'text'],
  ['role', 'text'],
  ['name', 'text'],
  ['phone', 'text'],
  ['person_id', 'integer'],
  ['id_number', 'text'],
  GIVEN,
] as const;

const COLUMNS = ['role', 'name', 'phone', 'person_id', 'grid_code', 'external_id'];

/** Each staged row as it would be written (see forces-rules.ts). */
const rows = (src: string) => `
  ${stagedRows(src, 'grid_staff', 'e.village_code = s0.village', `, left(s.grid_code, 12) as village`)},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${taken('grid_code')} as grid_code, ${taken('role')} as role, ${taken('name')} as name_given, ${taken('phone')} as phone,
           ${taken('external_id')} as external_id,
           ${PERSON_COLUMNS},
           ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('grid_staff')}
      ${PERSON_JOINS}),
  n as materialized (
    select n0.*, left(n0.grid_code, 12) as village, coalesce(n0.name_given, p.name) as name, p.village_code as person_village,
           (n0.role, coalesce(n0.name_given, p.name), n0.phone, n0.person_id, n0.grid_code, n0.external_id)
             is distinct from (${COLUMNS.map((c) => `n0.was_${c}`).join(', ')}) as changed
      from n0 left join lateral (select q.name, q.village_code from person q where q.id = n0.person_id offset 0) p on true)`;

/** The rules of a grid staff assignment, in the order they are checked (docs/ARCHITECTURE.md, "Maintaining the forces"). */
export const GRID_STAFF_RULES: readonly RowRule[] = [
  ...recordRules({ zh: '网格力量', en: 'grid staff' }),
  {
    field: 'role',
    code: 'BAD_USER_INPUT',
    reason: { zh: '为必填项', en: 'is required' },
    bad: 'x.role is null',
  },
  {
    field: 'grid_code',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: '不在该任命所属的村（社区）；网格力量只在本村（社区）的网格间调整，请结束该任命后在那里另行任命',
      en: "lies in another village than the assignment's; staff move only between the grids of their village, so end it and appoint anew there",
    },
    bad: 'x.target is not null and x.village <> x.was_village',
  },
  ...PERSON_RULES,
  {
    field: 'id_number',
    argument: 'personId',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: '所指人员不住在该网格所在的村（社区）：网格力量关联的人员须为本村（社区）实有人口',
      en: "names a resident of another village: grid staff linked to a resident record live in the grid's village",
    },
    bad: 'x.person_id is not null and x.person_village <> x.village',
  },
  {
    field: 'id_number',
    argument: 'personId',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: '信息员（INFORMANT）须关联本村（社区）的实有人口记录',
      en: 'is required for an informant (INFORMANT, 信息员): informants are residents of the village, linked to their record',
    },
    bad: `x.role = 'INFORMANT' and x.person_id is null`,
  },
  {
    field: 'name',
    code: 'BAD_USER_INPUT',
    reason: { zh: '未关联实有人口时为必填项', en: 'is required when no resident record is linked' },
    bad: 'x.name is null',
  },
  {
    field: 'external_id',
    code: 'CONFLICT',
    reason: { zh: '已被本村（社区）另一条网格力量记录使用', en: 'is already used by other grid staff of this village' },
    bad: `x.external_id is not null and (
            exists (select 1 from grid_staff k where k.village_code = x.village and k.external_id = x.external_id and k.id is distinct from x.target)
            or exists (select 1 from n o where o.village = x.village and o.external_id = x.external_id and o.line < x.line))`,
  },
  {
    field: 'role',
    code: 'CONFLICT',
    reason: {
      zh: 'GRID_WORKER：该网格已有专职网格员，每个网格只设一名；请先结束或调整现任的任命',
      en: 'GRID_WORKER: the grid already has its grid worker (专职网格员), and a grid has one; end or change the current assignment first',
    },
    bad: `x.role = 'GRID_WORKER' and (
            exists (select 1 from grid_staff w where w.grid_code = x.grid_code and w.role = 'GRID_WORKER' and w.id is distinct from x.target)
            or exists (select 1 from n o where o.grid_code = x.grid_code and o.role = 'GRID_WORKER' and o.line < x.line))`,
  },
];

/** Updates the changed targets and inserts the new rows (`id_given` without a target was refused by the rules). */
const write = (src: string) => `
  with ${rows(src)},
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

/** Grid staff as a kind of the one write path (forces-rules.ts): the import's stage, checks and upsert are built from it too. */
export const GRID_STAFF_KIND: RowKind = { name: 'gridStaff', stage: GRID_STAFF_STAGE, rows, rules: GRID_STAFF_RULES, write };

const end = sql(
  'gridStaff.end',
  GridStaff,
  `with gone as (delete from grid_staff where id = ? returning *)
   insert into grid_staff_ended (id, role, name, phone, person_id, village_code, grid_code, county_code, version, external_id, ended_by, end_reason)
   select id, role, name, phone, person_id, village_code, grid_code, county_code, version + 1, external_id, ?, ? from gone
   returning *`,
);
const workerOf = sql('gridStaff.workerOf', GridStaff, `select * from grid_staff where grid_code = ? and role = 'GRID_WORKER'`);

export const gridStaff = {
  ...table,
  ...rowWriter(GRID_STAFF_KIND),
  /** Ends an assignment: it leaves `grid_staff` (and the figures) for `grid_staff_ended`; the ended row. */
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<GridStaffRow> => (await row(db, end, [id, by, reason]))!,
  /** The grid's grid worker (专职网格员), if it has one. */
  workerOf: (db: Db, gridCode: string): Promise<GridStaffRow | null> => row(db, workerOf, [gridCode]),
  /** A division's grid staff, of one role if given. */
  list: (scope: Scope, role?: string | null): ScopedList<GridStaffRow> =>
    scopedList('gridStaff.list', 'grid_staff', GridStaff, scope, role ? allOf(['t.role = ?'], [role]) : {}),
};
