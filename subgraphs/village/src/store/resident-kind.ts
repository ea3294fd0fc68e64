import { command, type Sql } from '../../../../platform/sql.ts';
import {
  alreadyRegistered,
  bornFixed,
  deregistered,
  deregisteredNumber,
  headIsHead,
  headLeaves,
  headTaken,
  householdFull,
  householdGrid,
  householdLeftBehind,
  postsLeftBehind,
  idNumberDisagrees,
  idNumberElsewhere,
  idNumberFixed,
  leaderLeaves,
  recordUnknown,
  relationshipWithoutHousehold,
  repeated,
  required,
  staleVersion,
  tagsForAge,
} from '../registry/rules.ts';
import { HOUSEHOLD_MAX } from '../../../../domain/registry.ts';
import { servesSql } from './person.ts';
import { refChecks, PERSON } from './registry-kinds.ts';
import {
  changedSql,
  earlierLineShares,
  givenSql,
  rowWriter,
  staleVersionCheck,
  type BatchFacts,
  type RowCheck,
  type RowKind,
  type StageColumn,
} from './row-kinds.ts';

/**
 * Residents (实有人口) on the one write path (./row-kinds.ts). A row names
 * its resident by `id` (as the export writes it) or by ID number, the
 * natural key; an ID number registered outside the caller's jurisdiction is
 * refused (hub_known_people sees past row-level security for exactly that).
 *
 * As written: a field the row does not give keeps its value; a resident who
 * moves to another village leaves the old village's address behind (unless
 * the row gives one) and must be given a household there, or none. The first
 * resident registered into a household without a head becomes its head, and
 * its 与户主关系 HEAD: a relationship is relative to the head, so HEAD is the
 * head's alone (headTaken, headIsHead), none is kept without a household
 * (relationshipWithoutHousehold), and one who joins another household leaves
 * the old one behind unless the row gives the new one.
 */

export const RESIDENT_STAGE: readonly StageColumn[] = [
  ['id', 'integer'],
  ['version', 'integer'],
  ['id_number', 'text'],
  ['name', 'text'],
  ['gender', 'text'],
  ['birth_date', 'date'],
  ['ethnicity', 'text'],
  ['phone', 'text'],
  ['residency', 'text'],
  ['tags', 'text[]'],
  ['grid_code', 'text'],
  ['household_id', 'integer'],
  ['household_number', 'text'],
  ['address_id', 'integer'],
  ['address_number', 'text'],
  ['relationship_to_head', 'text'],
  ['register', 'boolean'],
  // A file's row whose tags break the age rule, with the rule's reason: refused only if it changes the tags.
  ['tags_age', 'jsonb'],
  ['given', 'integer'],
];

export const RESIDENT_FLAGS = ['name', 'ethnicity', 'phone', 'residency', 'tags', 'grid_code', 'household', 'address', 'relationship_to_head'] as const;

const g = (flag: string) => givenSql(RESIDENT_FLAGS, flag);
const taken = (c: string) => `case when t.id is null or ${g(c)} then s.${c} else t.${c} end`;
const SCALARS = ['name', 'ethnicity', 'phone', 'residency', 'tags', 'grid_code'];
/** What a row may change. */
const WRITTEN = [...SCALARS, 'household_id', 'address_id', 'relationship_to_head'];

/**
 * 出生登记 in a file: a row without id or ID number is a newborn's not yet issued a number (newbornWithoutNumber in
 * ../registry/fields.ts), and has no natural key. It is the current resident without a number on the same grid with
 * the same name, birth date and sex, if there is one, so that a file run again updates (or leaves) the record
 * instead of registering the baby a second time; a form registers as asked (its retry key guards a repeated form).
 */
export const NEWBORN_MATCH = `
      left join lateral (select p.id from person p
                          where s.id is null and s.id_number is null and p.id_number is null and p.status = 'ACTIVE'
                            and p.grid_code = s.grid_code and p.name = s.name and p.birth_date = s.birth_date and p.gender = s.gender
                          order by p.id limit 1) b on true`;

/**
 * The staged rows of `src` as they would be written (`n`). `known` is the
 * relation of hub_known_people over the batch's ID numbers (a temp table
 * an import made first, or the function itself for a mutation).
 *
 * `lockTargets` reads each resident a row names with the lock its update takes (`for no key update`), so the rows are
 * built from the resident as they stand once no other write holds them: a form that deregisters one meanwhile commits
 * first and its row is refused as naming a deregistered resident (`deregistered`), or waits for the batch to commit.
 * Read without it, the batch would write the resident as they were before the form (their household and address
 * back on a deregistered record). These are row locks, taken before any other the batch takes (docs/ARCHITECTURE.md,
 * "Lock order").
 */
function residentRows(src: string, known: string, newborns = false, lockTargets = false): string {
  // Each part a later lookup reads is MATERIALIZED, so the lookup compares plain columns: under row-level security
  // only leakproof conditions use an index, and an expression (coalesce, left) inlined into the condition is not one.
  return `
  k0 as materialized (
    select s.*, coalesce(s.id, k.person_id${newborns ? ', b.id' : ''}) as key, coalesce(k.outside, false) as outside, k.person_id as holder
      from ${src} s left join ${known} k on k.id_number = s.id_number${newborns ? NEWBORN_MATCH : ''}),
  n0 as materialized (
    select s.line, s.id as id_given, s.version as version_given, coalesce(s.register, false) as register,
           s.id_number as id_number_in, s.gender as gender_in, s.birth_date as birth_date_in, s.tags_age,
           t.id as target, t.version as current_version, t.village_code as was_village, t.id_number as was_id_number,
           t.gender as was_gender, t.birth_date as was_birth_date, t.status as was_status, s.outside, s.holder,
           -- 补录: a row naming by id a resident registered without a number (a newborn's) gives the number issued.
           t.id is not null and t.id_number is null and s.id_number is not null as adds_number,
           coalesce(t.id_number, s.id_number) as id_number, coalesce(t.gender, s.gender) as gender, coalesce(t.birth_date, s.birth_date) as birth_date,
           ${SCALARS.map((c) => `${taken(c)} as ${c === 'grid_code' ? 'grid_taken' : c}`).join(', ')},
           left(${taken('grid_code')}, 12) as village_code,
           ${g('grid_code')} as grid_given, ${g('household')} as household_given, s.household_id as household_id_in, s.household_number as household_key_in,
           ${g('address')} as address_given, s.address_id as address_id_in, s.address_number as address_key_in,
           ${g('relationship_to_head')} as relationship_given, s.relationship_to_head as relationship_in,
           ${WRITTEN.map((c) => `t.${c} as was_${c}`).join(', ')}
      from k0 s
      -- One index probe per row: a lateral with a LIMIT is not flattened into a join the planner might hash over all of person.
      left join lateral (select p.* from person p where p.id = s.key limit 1${lockTargets ? ' for no key update of p' : ''}) t on true),
  n1 as materialized (
    select n0.*,
           case when n0.household_id_in is not null then (select h.village_code from household h where h.id = n0.household_id_in) end as household_id_village,
           case when n0.household_key_in is not null
                then (select h.id from household h where h.village_code = n0.village_code and h.number = n0.household_key_in) end as household_by_key,
           case when n0.address_id_in is not null then (select a.village_code from address a where a.id = n0.address_id_in) end as address_id_village,
           case when n0.address_key_in is not null
                then (select a.id from address a where a.village_code = n0.village_code and a.number = n0.address_key_in) end as address_by_key
      from n0),
  n2a as materialized (
    select n1.*,
           case when n1.target is null or n1.household_given then coalesce(n1.household_id_in, n1.household_by_key) else n1.was_household_id end as household_id
      from n1),
  n2h as (
    select n2a.*,
           n2a.household_id is distinct from n2a.was_household_id as joins_household,
           h.grid_code as household_grid, h.address_id as household_address, h.head_id as household_head
      from n2a left join lateral (select hh.grid_code, hh.address_id, hh.head_id from household hh where hh.id = n2a.household_id offset 0) h on true),
  n2g as (
    select n2h.*,
           -- The first to join a household without a head becomes its head (\`heads\` below): one who lives there
           -- already before a new resident, then in line order.
           n2h.joins_household and n2h.household_id is not null and n2h.household_head is null
             and row_number() over (partition by n2h.household_id, n2h.joins_household order by n2h.target nulls last, n2h.line) = 1 as becomes_head,
           -- One who joins a household and names no grid takes the household's, in the same village (householdGrid).
           case when n2h.target is not null and not n2h.grid_given and n2h.joins_household
                     and left(n2h.household_grid, 12) = n2h.village_code
                then n2h.household_grid else n2h.grid_taken end as grid_code,
           -- An address lies in the person's village: one who moves to another village leaves the old address behind;
           -- one who joins a household and names no address lives at the household's.
           case when n2h.target is null then coalesce(n2h.address_id_in, n2h.address_by_key, n2h.household_address)
                when n2h.address_given then coalesce(n2h.address_id_in, n2h.address_by_key)
                when n2h.joins_household and n2h.household_address is not null then n2h.household_address
                when n2h.village_code is distinct from n2h.was_village then null
                else n2h.was_address_id end as address_id
      from n2h),
  n2 as (
    select n2g.*,
           n2g.becomes_head or (n2g.target is not null and n2g.household_head = n2g.target) as is_head,
           -- 与户主关系 is relative to the household's head: none without a household; the head's is HEAD; joining
           -- another household leaves the old one behind unless the row gives the new one.
           case when n2g.household_id is null then null
                when n2g.becomes_head or (n2g.target is not null and n2g.household_head = n2g.target) then 'HEAD'
                when n2g.relationship_given then n2g.relationship_in
                when n2g.joins_household then null
                else n2g.was_relationship_to_head end as relationship_to_head
      from n2g),
  n as materialized (
    select n2.*,
           ${changedSql('n2', WRITTEN)} or n2.adds_number as changed,
           -- Who leaves their household: its head (headLeaves), or a group's leader who leaves the group's households (leaderLeaves).
           case when n2.target is not null and n2.was_household_id is not null and n2.household_id is distinct from n2.was_household_id
                then (select h.id from household h where h.id = n2.was_household_id and h.head_id = n2.target) end as head_leaving,
           case when n2.target is not null and n2.household_id is distinct from n2.was_household_id
                then (select g.id from joint_defense_group g where g.leader_id = n2.target limit 1) end as leader_of
      from n2)`;
}

/** The file's column a row named its household by (for a reject's field). */
const householdColumn = `case when x.household_id_in is not null then 'household_id' else 'household_number' end`;
const some =
  (...columns: string[]) =>
  (b: BatchFacts) =>
    columns.some((c) => b.filled(c));

/**
 * The members a household would have, counting those the batch adds in line
 * order: the lines of `n` that would take a household past HOUSEHOLD_MAX.
 */
const OVER_FULL = `x.line in (
  with j as (select o.line, o.household_id, row_number() over (partition by o.household_id order by o.line) as k
               from n o where o.household_id is not null and o.household_id is distinct from o.was_household_id),
       m as (select f.household_id, f.members as c
               from hub_household_members(
                      array(select distinct j.household_id from j),
                      array(select l.target from n l where l.target is not null and l.household_id is distinct from l.was_household_id)) f)
  select j.line from j left join m using (household_id) where j.k + coalesce(m.c, 0) > ${HOUSEHOLD_MAX})`;

/** The lines of `n` giving an ID number another line of the batch also gives (set-based: one pass over the batch). */
const NUMBER_SHARED = `select r.line from (select o.line, count(*) over (partition by o.id_number_in) as k from n o where o.id_number_in is not null) r where r.k > 1`;

export const RESIDENT_CHECKS: readonly RowCheck[] = [
  { rule: recordUnknown(PERSON), bad: 'x.id_given is not null and x.target is null', when: some('id') },
  {
    rule: repeated,
    bad: earlierLineShares(['target']),
    when: (b) => b.targets > 1,
  },
  // A row read at an older version is told so before any rule its old copy could not foresee (a household that has
  // moved since is not the row's mistake): re-export, as a stale form re-reads.
  { ...staleVersionCheck(staleVersion, 'x.version_given'), when: (b) => b.targets > 0 && b.filled('version') },
  {
    rule: idNumberFixed,
    bad: 'x.target is not null and x.was_id_number is not null and x.id_number_in is not null and x.id_number_in is distinct from x.was_id_number',
    when: (b) => b.targets > 0 && b.filled('id'),
  },
  // 补录: the number issued to a resident registered without one (a newborn) is told by the sex and birth date
  // recorded at birth, which it must give (the row's gender and birth date are the number's: registry/fields.ts).
  {
    rule: idNumberDisagrees,
    bad: 'x.adds_number and (x.gender_in is distinct from x.was_gender or x.birth_date_in is distinct from x.was_birth_date)',
    when: (b) => b.targets > 0 && b.filled('id') && b.filled('id_number'),
  },
  { rule: idNumberElsewhere, bad: '(x.target is null or x.adds_number) and x.outside', when: some('id_number') },
  // A number added is held by no one else: in the jurisdiction (holder), or on another line of the batch.
  {
    rule: alreadyRegistered('id_number', PERSON),
    bad: `x.adds_number and (case when x.holder is not null then (select p.status from person p where p.id = x.holder) <> 'DEREGISTERED'
                                  else x.line in (${NUMBER_SHARED}) end)`,
    when: (b) => b.targets > 0 && b.filled('id') && b.filled('id_number'),
  },
  {
    rule: deregisteredNumber,
    bad: `x.adds_number and x.holder is not null and (select p.status from person p where p.id = x.holder) = 'DEREGISTERED'`,
    when: (b) => b.targets > 0 && b.filled('id') && b.filled('id_number'),
  },
  {
    rule: alreadyRegistered('id_number', PERSON),
    bad: `x.register and x.target is not null and x.was_status <> 'DEREGISTERED'`,
    when: some('register'),
  },
  { rule: deregisteredNumber, bad: `x.register and x.target is not null and x.was_status = 'DEREGISTERED'`, when: some('register') },
  {
    rule: deregistered,
    bad: `x.target is not null and x.was_status = 'DEREGISTERED' and x.changed`,
    field: `case when x.id_given is not null then 'id' else 'id_number' end`,
    when: (b) => b.targets > 0,
  },
  {
    rule: bornFixed('gender'),
    bad: 'x.target is not null and x.gender_in is not null and x.gender_in <> x.was_gender',
    when: (b) => b.targets > 0 && b.filled('gender'),
  },
  {
    rule: bornFixed('birth_date'),
    bad: 'x.target is not null and x.birth_date_in is not null and x.birth_date_in <> x.was_birth_date',
    when: (b) => b.targets > 0 && b.filled('birth_date'),
  },
  {
    rule: tagsForAge,
    bad: 'x.tags_age is not null and (x.target is null or x.tags is distinct from x.was_tags)',
    reason: 'x.tags_age',
    when: some('tags_age'),
  },
  ...['name', 'ethnicity', 'residency', 'grid_code'].map((c): RowCheck => ({
    rule: required(c),
    bad: `x.target is null and x.${c} is null`,
    when: (b) => b.news > 0,
  })),
  ...refChecks({
    column: 'household_id',
    flag: 'household',
    byKey: 'household_number',
    table: 'household',
    key: 'number',
    what: { zh: '户', en: 'household' },
    argument: 'householdId',
    sameVillage: true,
  }),
  ...refChecks({
    column: 'address_id',
    flag: 'address',
    byKey: 'address_number',
    table: 'address',
    key: 'number',
    what: { zh: '标准地址', en: 'address' },
    argument: 'addressId',
    sameVillage: true,
  }),
  {
    rule: householdGrid,
    // A move to another village that names no household is householdLeftBehind's to tell.
    bad: `x.household_grid is not null and x.grid_code is distinct from x.household_grid
            and (x.joins_household or x.grid_code is distinct from x.was_grid_code)
            and (x.household_given or x.target is null or x.village_code = x.was_village)`,
    field: `case when x.grid_given or x.target is null then 'grid_code' else ${householdColumn} end`,
    when: some('grid_code', 'household_id', 'household_number'),
  },
  {
    rule: householdLeftBehind,
    bad: 'x.target is not null and x.village_code <> x.was_village and x.was_household_id is not null and not x.household_given',
    field: `'household_number'`,
    when: (b) => b.targets > 0 && b.filled('grid_code'),
  },
  {
    rule: postsLeftBehind,
    // A case keeps the lookups to moves.
    bad: `case when x.target is not null and x.village_code <> x.was_village then ${servesSql('x.target')} else false end`,
    when: (b) => b.targets > 0 && b.filled('grid_code'),
  },
  { rule: headLeaves, bad: 'x.head_leaving is not null', field: householdColumn, when: (b) => b.targets > 0 },
  {
    rule: relationshipWithoutHousehold,
    bad: 'x.relationship_given and x.relationship_in is not null and x.household_id is null',
    when: some('relationship_to_head'),
  },
  {
    rule: headTaken,
    bad: `x.relationship_given and x.relationship_in = 'HEAD' and x.household_id is not null and not x.is_head`,
    when: some('relationship_to_head'),
  },
  {
    rule: headIsHead,
    bad: `x.relationship_given and x.relationship_in <> 'HEAD' and x.is_head`,
    when: some('relationship_to_head'),
  },
  {
    rule: leaderLeaves,
    bad: 'x.leader_of is not null and not exists (select 1 from household h where h.id = x.household_id and h.joint_defense_group_id = x.leader_of)',
    field: householdColumn,
    when: (b) => b.targets > 0,
  },
  // Last: it counts the rows the batch still holds, so a row another rule refuses takes no place in its household.
  { rule: householdFull, bad: OVER_FULL, field: householdColumn, when: some('household_id', 'household_number') },
];

/** The households residents join, locked so that concurrent writers count their members one after the other. */
const LOCK = `select 1 from household h where h.id in (select household_id from n where household_id is not null and household_id is distinct from was_household_id) for update of h`;

const SETS = `id_number = x.id_number, name = x.name, ethnicity = x.ethnicity, phone = x.phone, residency = x.residency, tags = x.tags,
              grid_code = x.grid_code, village_code = x.village_code, county_code = left(x.grid_code, 6),
              household_id = x.household_id, address_id = x.address_id, relationship_to_head = x.relationship_to_head, version = t.version + 1`;
const INSERT_COLUMNS =
  'id_number, name, gender, birth_date, ethnicity, phone, residency, tags, household_id, address_id, relationship_to_head, village_code, grid_code, county_code';
const insertValues = (x: string) =>
  `${x}.id_number, ${x}.name, ${x}.gender, ${x}.birth_date, ${x}.ethnicity, ${x}.phone, ${x}.residency, coalesce(${x}.tags, '{}'), ${x}.household_id, ${x}.address_id, ${x}.relationship_to_head,
   left(${x}.grid_code, 12), ${x}.grid_code, left(${x}.grid_code, 6)`;
/**
 * The first resident to join a household without a head becomes its head, registered into it or moved into it
 * (`joined`: the residents and the households they joined, as `(household_id, id)` rows). The first is the lowest
 * id: new residents are inserted in the file's line order (a register lists the 户主 first), so their ids follow it.
 */
const heads = (joined: string) => `heads as (
    update household h set head_id = f.id, version = h.version + 1
      from (select distinct on (household_id) household_id, id from (${joined}) j where household_id is not null order by household_id, id) f
     where h.id = f.household_id and h.head_id is null
    returning 1)`;
const JOINED_BY_UPDATE = 'select household_id, id from upd where household_id is distinct from was_household_id';

export const RESIDENT_KIND: RowKind = {
  name: 'person',
  stage: RESIDENT_STAGE,
  flags: RESIDENT_FLAGS,
  rows: (src) => `known as (select * from hub_known_people(array(select id_number from ${src} where id_number is not null))), ${residentRows(src, 'known')}`,
  lock: LOCK,
  checks: RESIDENT_CHECKS,
  twins: [
    ['household_id', 'household_number'],
    ['address_id', 'address_number'],
  ],
  write: `
  upd as (update person t set ${SETS} from n x where t.id = x.target and x.changed
          returning t.id, false as inserted, t.household_id, x.was_household_id),
  ins as (insert into person as t (${INSERT_COLUMNS}) select ${insertValues('x')} from n x where x.target is null returning t.id, t.household_id, true as inserted),
  ${heads(`select household_id, id from ins union all ${JOINED_BY_UPDATE}`)}
  select id, inserted from upd union all select id, inserted from ins`,
};

/**
 * An import's rows: `known` is the temp table its `prepare` made. The
 * writes put what they wrote into the temp table `done` for the village
 * roll-up's deltas (../import/route.ts).
 */
export const RESIDENT_IMPORT = {
  rows: (src: string) => residentRows(src, 'known', true, true),
  prepare: command(
    'import.residents.known',
    `create temp table known on commit drop as select * from hub_known_people(array(select id_number from stage where id_number is not null))`,
  ),
  update: command(
    'import.residents.update',
    `with upd as (update person t set ${SETS} from n x where t.id = x.target and x.changed
                  returning t.id, t.household_id, x.was_household_id, t.village_code, t.residency, t.tags, x.was_village),
     ${heads(JOINED_BY_UPDATE)}
     insert into done select false, village_code, residency, tags, was_village from upd`,
  ),
  insert: command(
    'import.residents.insert',
    `with ins as (insert into person as t (${INSERT_COLUMNS}) select ${insertValues('x')} from n x where x.target is null order by x.line
                  returning t.id, t.household_id, t.village_code, t.residency, t.tags),
     ${heads('select household_id, id from ins')}
     insert into done select true, village_code, residency, tags, null::text from ins`,
  ),
  /**
   * A batch of new residents only (no ID number known, no id, no household
   * or address, every required field filled): the same insert straight from
   * the stage, skipping the rows-as-written and the checks it cannot need.
   */
  fastInsert: command(
    'import.residents.fastInsert',
    `with ins as (insert into person (${INSERT_COLUMNS}) select ${insertValues('s')} from stage s
                  returning village_code, residency, tags)
     insert into done select true, village_code, residency, tags, null::text from ins`,
  ),
} satisfies Record<string, Sql<Record<string, never>> | ((src: string) => string)>;

/** The statements of the residents' mutations. */
export const RESIDENT_WRITER = rowWriter(RESIDENT_KIND);
