import { z } from 'zod';
import { col, command, exec, likeContains, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { located, recordTable, type Location } from './record.ts';
import { allOf, scopedList, type ListFilter, type Scope, type ScopedList } from './scoped.ts';

/**
 * Residents (实有人口), table `person` (migration …02Registry). A deregistered
 * person (…23LifeCycle) stays, with `status` DEREGISTERED: readable by id and
 * ID number, left out of every list and search here unless asked for.
 */
/**
 * 与户主关系 (HouseholdRelationship), in the order of GB/T 4761 家庭关系代码, which is the order a household
 * register lists its members in.
 */
export const RELATIONSHIPS = [
  'HEAD',
  'SPOUSE',
  'SON',
  'DAUGHTER',
  'GRANDCHILD',
  'PARENT',
  'GRANDPARENT',
  'SIBLING',
  'CHILD_IN_LAW',
  'OTHER_RELATIVE',
  'NON_RELATIVE',
] as const;

export const Person = z.object({
  id: col.id,
  name: col.text,
  gender: z.enum(['MALE', 'FEMALE']),
  birthDate: col.day,
  ethnicity: col.text,
  idNumber: col.text.nullable(),
  phone: col.text.nullable(),
  residency: z.enum(['REGISTERED', 'FLOATING', 'OVERSEAS']),
  tags: col.textArray,
  householdId: col.id.nullable(),
  addressId: col.id.nullable(),
  relationshipToHead: z.enum(RELATIONSHIPS).nullable(),
  ...located,
  version: col.id,
  status: z.enum(['ACTIVE', 'DEREGISTERED']),
  deregisteredAt: col.instant.nullable(),
  deregistrationReason: z.enum(['DIED', 'MOVED_OUT', 'DUPLICATE']).nullable(),
  deregistrationNote: col.text.nullable(),
});
export type PersonRow = z.infer<typeof Person>;

/** What `updatePerson` and moves may change. */
export interface PersonChanges {
  name?: string;
  ethnicity?: string;
  phone?: string;
  residency?: PersonRow['residency'];
  villageCode?: string;
  gridCode?: string;
  countyCode?: string;
  householdId?: number | null;
  addressId?: number | null;
}

const table = recordTable<PersonRow, PersonChanges>('person', Person, {
  name: 'name',
  ethnicity: 'ethnicity',
  phone: 'phone',
  residency: 'residency',
  villageCode: 'village_code',
  gridCode: 'grid_code',
  countyCode: 'county_code',
  householdId: 'household_id',
  addressId: 'address_id',
});

// A deregistered person has left their household; the status is stated as well, so no path can list one as a member.
// Members as the register lists them: the head, then by relationship in GB/T 4761's order (not entered last), eldest first.
const ofHouseholds = sql(
  'person.ofHouseholds',
  Person,
  `select * from person where household_id in (?) and status = 'ACTIVE'
    order by array_position(array[${RELATIONSHIPS.map((r) => `'${r}'`).join(', ')}]::text[], relationship_to_head) nulls last, birth_date, id`,
);
const byId = sql('person.byIdAfterWrite', Person, 'select * from person where id = ?');
const villagesOf = sql(
  'person.villages',
  z.object({ id: col.id, villageCode: col.text, gridCode: col.text, status: col.text, birthDate: col.day }),
  'select id, village_code, grid_code, status, birth_date from person where id in (?)',
);
const byIdNumber = sql('person.byIdNumber', Person, 'select * from person where id_number = ?');
/** Who holds an ID number anywhere (hub_known_people: across jurisdictions, the id only of one the caller holds). */
const holderOf = sql(
  'person.holderOf',
  z.object({ personId: col.id.nullable(), outside: z.boolean() }),
  'select person_id, outside from hub_known_people(array[?]::text[])',
);
const correctIdNumber = sql(
  'person.correctIdNumber',
  Person,
  'update person set id_number = ?, gender = ?, birth_date = ?, version = version + 1 where id = ? and version = ? returning *',
);
const livesIn = sql('person.livesIn', z.object({}), 'select 1 from person where id = ? and household_id = ?');
// Tags change (and the version moves) only when the set differs: tagging with a tag the person has is no change.
const tag = sql(
  'person.tag',
  Person,
  `update person p set tags = x.tags, version = p.version + 1
     from (select q.id, array(select distinct t from unnest(q.tags || array[?]::text[]) t where t is not null order by 1) as tags from person q where q.id = ?) x
    where p.id = x.id and p.tags is distinct from x.tags
   returning p.*`,
);
const untag = sql(
  'person.untag',
  Person,
  `update person p set tags = x.tags, version = p.version + 1
     from (select q.id, array(select t from unnest(q.tags) t where t <> all(array[?]::text[])) as tags from person q where q.id = ?) x
    where p.id = x.id and p.tags is distinct from x.tags
   returning p.*`,
);
/**
 * The resident `id` (an SQL expression) serves in their village as grid
 * staff, a mediator or a patrol member: posts a move to another village
 * would leave behind (rule postsLeftBehind). hub_record_ties sees posts in
 * every jurisdiction.
 */
export const servesSql = (id: string) =>
  `(exists (select 1 from hub_record_ties('person', ${id}) t where t.tie in ('GRID_STAFF', 'MEDIATOR'))
    or exists (select 1 from patrol_team_member m where m.person_id = ${id}))`;
const withPosts = sql(
  'person.withPosts',
  z.object({ id: col.id, name: col.text }),
  `select p.id, p.name from person p where p.household_id = ? and p.status = 'ACTIVE' and ${servesSql('p.id')} order by p.id`,
);
const followHousehold = command(
  'person.followHousehold',
  `update person set village_code = ?, grid_code = ?, county_code = ?, address_id = case when ?::boolean then ?::integer else address_id end,
          version = version + 1 where household_id = ?`,
);

/** The residents' filter of a list (all given must hold). */
export interface ResidentConditions {
  tags?: readonly string[] | null;
  residency?: string | null;
  /** Text the name contains. */
  nameContains?: string | null;
  /** Text the name starts with. */
  namePrefix?: string | null;
  /** An exact (valid, normalised) citizen ID number. */
  idNumber?: string | null;
  /** An exact (normalised) phone. */
  phone?: string | null;
  /** Born on or before this day (ISO date). */
  bornBy?: string | null;
  /** Born after this day (ISO date). */
  bornAfter?: string | null;
  /** Current residents (ACTIVE, the default) or the deregistered ones. */
  status?: PersonRow['status'] | null;
  /** Of the deregistered: why (迁出, 死亡, 重复登记). */
  deregistrationReason?: PersonRow['deregistrationReason'] | null;
  /** Of the deregistered: deregistered in [from, to) (instants). */
  deregisteredBetween?: readonly [string, string] | null;
  /** Without a citizen ID number (true: newborns waiting for it, overseas residents without one) or with one (false). */
  withoutIdNumber?: boolean | null;
}

export const persons = {
  ...table,
  /** Members of each household, by id. */
  ofHouseholds: (db: Db, householdIds: readonly number[]): Promise<PersonRow[]> => rows(db, ofHouseholds, [householdIds]),
  /** Each found person's village, status and birth date (for the checks of a post; never shown). */
  villagesOf: (db: Db, ids: readonly number[]) => rows(db, villagesOf, [ids]),
  livesIn: async (db: Db, personId: number, householdId: number): Promise<boolean> => (await row(db, livesIn, [personId, householdId])) !== null,
  /** Adds tags (kept sorted and distinct) and bumps the version. */
  tag: async (db: Db, id: number, tags: readonly string[]): Promise<PersonRow> =>
    (await row(db, tag, [tags.length ? tags : [null], id])) ?? (await row(db, byId, [id]))!,
  /** Removes tags and bumps the version (unless it had none of them). */
  untag: async (db: Db, id: number, tags: readonly string[]): Promise<PersonRow> =>
    (await row(db, untag, [tags.length ? tags : [''], id])) ?? (await row(db, byId, [id]))!,
  /** The household's members who serve as grid staff, mediators or patrol members (posts tied to their village). */
  withPosts: (db: Db, householdId: number): Promise<{ id: number; name: string }[]> => rows(db, withPosts, [householdId]),
  /** Moves a household's members with it, to its new address (`undefined`: each keeps their own). */
  followHousehold: (db: Db, householdId: number, to: Location, addressId: number | null | undefined): Promise<number> =>
    exec(db, followHousehold, [to.villageCode, to.gridCode, to.countyCode, addressId !== undefined, addressId ?? null, householdId]),
  /** A division's residents, filtered. */
  list: (scope: Scope, c: ResidentConditions): ScopedList<PersonRow> => scopedList('person.residents', 'person', Person, scope, residentFilter(c)),
  /**
   * 已注销人员: a division's deregistered residents, through the residents' one filter (as `residents(filter: { status:
   * DEREGISTERED })` reads them), of one reason and deregistered in [from, to) (instants), each if given; newest
   * deregistration first.
   */
  deregistered: (
    scope: Scope,
    reason: PersonRow['deregistrationReason'] | null | undefined,
    between: readonly [string, string] | null,
  ): ScopedList<PersonRow> => ({
    ...scopedList(
      'person.deregistered',
      'person',
      Person,
      scope,
      residentFilter({ status: 'DEREGISTERED', deregistrationReason: reason, deregisteredBetween: between }),
    ),
    order: { column: 'id', time: 'deregistered_at', desc: true },
    cursor: 'person:deregistered',
  }),
  /** The resident with this ID number, if the caller's jurisdiction holds one (row-level security). */
  byIdNumber: (db: Db, idNumber: string): Promise<PersonRow | null> => row(db, byIdNumber, [idNumber]),
  /** Whoever holds the ID number, in the caller's jurisdiction (their id) or outside it; null when no one does. */
  holderOf: (db: Db, idNumber: string) => row(db, holderOf, [idNumber]),
  /** Corrects the ID number and what follows from it (gender, birth date) at `version`; null when that is stale. */
  correctIdNumber: (db: Db, id: number, version: number, n: { idNumber: string; gender: string; birthDate: string }) =>
    row(db, correctIdNumber, [n.idNumber, n.gender, n.birthDate, id, version]),
};

/**
 * The residents' filter as SQL on `t`. Every search condition is one that an
 * index can drive under row-level security (docs/ARCHITECTURE.md, "Finding
 * people"): equality and `^@` (starts_with) are leakproof, LIKE is not.
 */
export function residentFilter(c: ResidentConditions): ListFilter {
  // Always stated, as a literal so that the partial indexes of current residents (…23LifeCycle) match in any plan.
  const where: string[] = [c.status === 'DEREGISTERED' ? `t.status = 'DEREGISTERED'` : `t.status = 'ACTIVE'`];
  const params: (string | readonly string[])[] = [];
  if (c.idNumber != null) {
    where.push('t.id_number = ?');
    params.push(c.idNumber);
  }
  if (c.phone != null) {
    where.push('t.phone = ?');
    params.push(c.phone);
  }
  if (c.namePrefix != null) {
    where.push('t.name ^@ ?');
    params.push(c.namePrefix);
  }
  if (c.tags?.length) {
    // `tags <> '{}'` is implied by the overlap; stated so the tag index, which leaves untagged residents out, applies.
    where.push(`t.tags <> '{}' and t.tags && array[?]::text[]`);
    params.push(c.tags);
  }
  if (c.residency) {
    where.push('t.residency = ?');
    params.push(c.residency);
  }
  if (c.nameContains != null) {
    where.push(`t.name like ? escape '\\'`);
    params.push(likeContains(c.nameContains));
  }
  if (c.bornBy != null) {
    where.push('t.birth_date <= ?');
    params.push(c.bornBy);
  }
  if (c.bornAfter != null) {
    where.push('t.birth_date > ?');
    params.push(c.bornAfter);
  }
  if (c.deregistrationReason) {
    where.push('t.deregistration_reason = ?');
    params.push(c.deregistrationReason);
  }
  if (c.withoutIdNumber != null) where.push(c.withoutIdNumber ? 't.id_number is null' : 't.id_number is not null');
  if (c.deregisteredBetween) {
    where.push('t.deregistered_at >= ?::timestamptz and t.deregistered_at < ?::timestamptz');
    params.push(...c.deregisteredBetween);
  }
  return { ...allOf(where, params), plannedWithValues: c.namePrefix != null || c.nameContains != null };
}
