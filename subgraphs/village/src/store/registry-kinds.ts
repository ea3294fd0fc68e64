import {
  alreadyRegistered,
  groupElsewhere,
  membersReadOnly,
  teamDisbanded,
  groupTaken,
  headNotMember,
  headRequired,
  householdAddress,
  householdGridAlone,
  householdHouseGrid,
  householdMoves,
  houseGridAlone,
  houseLivedInOutside,
  houseOccupied,
  houseVacant,
  keyTaken,
  leaderHomeLeaves,
  leaderOutside,
  leaderUnderage,
  recordUnknown,
  refElsewhere,
  refMismatch,
  refUnknown,
  referenceEnded,
  repeated,
  required,
  staleVersion,
  staysInVillage,
  type Rule,
  type What,
} from '../registry/rules.ts';
import {
  changedSql,
  earlierLineShares,
  findsByExternalId,
  givenSql,
  holderDetail,
  reasonWithValue,
  rowWriter,
  staleVersionCheck,
  underageSql,
  type BatchFacts,
  type RowCheck,
  type RowKind,
  type StageColumn,
} from './row-kinds.ts';
import { endedReferenceSql, endsIn } from './ended-refs.ts';
import { sqlText } from '../../../../platform/sql.ts';

/**
 * The registry's kinds on the one write path (./row-kinds.ts): addresses,
 * houses, households, sites, joint-defense groups and patrol teams, keyed in
 * their village by a local number or an external id (residents, keyed by ID
 * number, are in ./resident-kind.ts). A row names its record by `id` (as the
 * export writes it) or by its natural key; references to other records by
 * registry id (`address_id`, as exported) or by local number
 * (`address_number`), both checked.
 */

/** What a reference column may name, and how a message names it. */
interface Ref {
  /** The stored column, e.g. `address_id`; the file's id column is the same. */
  column: string;
  /** The given-flag of the reference (either column). */
  flag: string;
  /** The file's column naming it by local number or ID number, if any. */
  byKey?: string;
  /** The referenced table and its key column for `byKey`. */
  table: string;
  key?: 'number' | 'id_number';
  what: What;
  /** The form's argument. */
  argument: string;
  /** Must lie in the row's village (addresses, houses, groups); people are checked by their own rules. */
  sameVillage: boolean;
  /** The rule for a record of another village, when not refElsewhere. */
  elsewhere?: Rule;
  /**
   * The value another reference's record gives this one when the row names that record and leaves this one out or
   * empty (a household's address is its house's): `flag` is the other reference's, `table.column` the value.
   */
  follows?: { flag: string; table: string; column: string };
}

interface Scalar {
  column: string;
  type: string;
  /** A new record needs it. */
  required?: boolean;
}

interface KeyedSpec {
  name: string;
  table: string;
  key: 'number' | 'external_id';
  what: What;
  scalars: readonly Scalar[];
  refs: readonly Ref[];
  /** The rule for a row that names another village's grid. */
  moves?: Rule;
  /** Checks of the kind's own invariants, after the references. */
  invariants?: readonly RowCheck[];
  /**
   * Staged columns that are not written, carried to `n` for the invariants: a form's households of a new group, a
   * file's read-only members of a team (null where the form or the file does not give them).
   */
  unwritten?: readonly StageColumn[];
  /**
   * WITH parts over `n` written with the kind's rows (before its update), for what follows a changed record in the
   * same statement: a house's households take its corrected address, a household's members its new one.
   */
  alsoWrites?: string;
}

const ADDRESS: What = { zh: '标准地址', en: 'address' };
const HOUSE: What = { zh: '实有房屋', en: 'house' };
const HOUSEHOLD: What = { zh: '户', en: 'household' };
const SITE: What = { zh: '重点场所', en: 'site' };
const GROUP: What = { zh: '十户联防组', en: 'joint-defense group' };
const TEAM: What = { zh: '巡防队', en: 'patrol team' };
export const PERSON: What = { zh: '人员', en: 'resident' };

const some =
  (...columns: string[]) =>
  (b: BatchFacts) =>
    columns.some((c) => b.filled(c));
const withTargets = (b: BatchFacts) => b.targets > 0;

/** The address a record lies at. */
const addressRef = (): Ref => ({
  column: 'address_id',
  flag: 'address',
  byKey: 'address_number',
  table: 'address',
  key: 'number',
  what: ADDRESS,
  argument: 'addressId',
  sameVillage: true,
});

/** The checks of a reference: found (by id and by key), in the row's village, and one record when named both ways. */
export function refChecks(r: Ref): RowCheck[] {
  const f = r.flag;
  const out: RowCheck[] = [
    // An id the caller's jurisdiction holds ended is told so, before it is taken for one that names nothing.
    ...(endsIn(r.table)
      ? [endedRefCheck(referenceEnded(r.column, r.what, r.argument), `x.${f}_given and x.${f}_id_village is null`, r.table, `x.${f}_id_in`)]
      : []),
    {
      rule: refUnknown(r.column, r.what, r.argument),
      bad: `x.${f}_given and x.${f}_id_in is not null and x.${f}_id_village is null`,
      when: some(r.column),
    },
  ];
  if (r.sameVillage) {
    out.push({
      rule: r.elsewhere ?? refElsewhere(r.column, r.what, r.argument),
      bad: `x.${f}_given and x.${f}_id_village <> x.village_code`,
      when: some(r.column),
    });
  }
  if (r.byKey) {
    out.push(
      r.key === 'id_number'
        ? {
            // A person named by ID number: the reject repeats the number (a file names many people in one row's columns).
            rule: refUnknown(r.byKey, r.what, r.argument),
            bad: `x.${f}_given and x.${f}_key_in is not null and x.${f}_by_key is null`,
            reason: reasonWithValue(refUnknown(r.byKey, r.what, r.argument), `x.${f}_key_in`),
            when: some(r.byKey),
          }
        : {
            // A local number: the reject quotes the number given, and the one it may have lost its leading zeros from.
            rule: refElsewhere(r.byKey, r.what, r.argument),
            bad: `x.${f}_given and x.${f}_key_in is not null and x.${f}_by_key is null`,
            reason: reasonWithValue(
              refElsewhere(r.byKey, r.what, r.argument),
              `x.${f}_key_in`,
              r.key !== 'number'
                ? undefined
                : `(select t.${r.key} from ${r.table} t where t.village_code = x.village_code and x.${f}_key_in ~ '^[1-9][0-9]*$'
                  and t.${r.key} ~ '^0+[1-9][0-9]*$' and ltrim(t.${r.key}, '0') = x.${f}_key_in order by t.${r.key} limit 1)`,
            ),
            when: some(r.byKey),
          },
      {
        rule: refMismatch(r.byKey, r.column, r.what, r.argument),
        bad: `x.${f}_given and x.${f}_id_in is not null and x.${f}_by_key is not null and x.${f}_id_in <> x.${f}_by_key`,
        when: some(r.column, r.byKey),
      },
    );
  }
  return out;
}

/**
 * The check that a reference (`id`, SQL over `x`) names no record of `table` the caller's jurisdiction holds ended,
 * where `unfound` (SQL over `x`) says the current table has none (store/ended-refs.ts).
 */
export function endedRefCheck(rule: Rule, unfound: string, table: string, id: string): RowCheck {
  const detail = endedReferenceSql(table, id);
  return { rule, bad: `${unfound} and ${id} is not null and ${detail} is not null`, detail, when: (b) => b.filled(rule.field) };
}

/** SQL over `x`: the file's column a row used for the reference (for a reject's field). */
const refColumn = (r: Pick<Ref, 'flag' | 'column' | 'byKey'>) =>
  r.byKey ? `case when x.${r.flag}_id_in is not null then '${r.column}' else '${r.byKey}' end` : `'${r.column}'`;

/** The stage of a keyed kind: which record, where, its fields, its references, whether a form registers it, and which fields it gives. */
function keyedStage(spec: KeyedSpec): StageColumn[] {
  return [
    ['id', 'integer'],
    ['version', 'integer'],
    ['grid_code', 'text'],
    [spec.key, 'text'],
    ...spec.scalars.map((c): StageColumn => [c.column, c.type]),
    ...spec.refs.flatMap((r): StageColumn[] => [[r.column, 'integer'], ...(r.byKey ? [[r.byKey, 'text'] as const] : [])]),
    ...(spec.unwritten ?? []),
    ['register', 'boolean'],
    ['given', 'integer'],
  ];
}

const keyedFlags = (spec: KeyedSpec): string[] => ['grid_code', spec.key, ...spec.scalars.map((c) => c.column), ...spec.refs.map((r) => r.flag)];

/** WITH parts giving each staged row of a keyed kind as it would be written (`n`). */
function keyedRows(spec: KeyedSpec, flags: readonly string[]) {
  const g = (flag: string) => givenSql(flags, flag);
  const taken = (c: string, flag = c) => `case when t.id is null or ${g(flag)} then s.${c} else t.${c} end`;
  const scalars = spec.scalars.map((c) => c.column);
  const written = ['grid_code', spec.key, ...scalars, ...spec.refs.map((r) => r.column)];
  const list = (items: readonly string[]) => items.map((i) => `,\n           ${i}`).join('');
  const inputs = [
    `${taken('grid_code')} as grid_code`,
    `${taken(spec.key)} as ${spec.key}`,
    ...scalars.map((c) => `${taken(c)} as ${c}`),
    ...spec.refs.flatMap((r) => [
      `${g(r.flag)} as ${r.flag}_given`,
      `s.${r.column} as ${r.flag}_id_in`,
      `${r.byKey ? `s.${r.byKey}` : 'null::text'} as ${r.flag}_key_in`,
    ]),
    ...written.map((c) => `t.${c} as was_${c}`),
    ...(spec.unwritten ?? []).map(([c]) => `s.${c}`),
  ];
  const lookups = spec.refs.flatMap((r) => [
    `case when n0.${r.flag}_id_in is not null then (select r.village_code from ${r.table} r where r.id = n0.${r.flag}_id_in) end as ${r.flag}_id_village`,
    r.byKey
      ? `case when n0.${r.flag}_key_in is not null then (select r.id from ${r.table} r where ${r.key === 'number' ? 'r.village_code = n0.village_code and ' : ''}r.${r.key} = n0.${r.flag}_key_in) end as ${r.flag}_by_key`
      : `null::integer as ${r.flag}_by_key`,
  ]);
  const refValues = spec.refs.map((r) => {
    const given = `coalesce(n1.${r.flag}_id_in, n1.${r.flag}_by_key)`;
    const value = `case when n1.target is null or n1.${r.flag}_given then ${given} else n1.was_${r.column} end`;
    const f = r.follows;
    const followed = f
      ? `coalesce(case when n1.${f.flag}_given and ${given} is null
                       then (select o.${f.column} from ${f.table} o where o.id = coalesce(n1.${f.flag}_id_in, n1.${f.flag}_by_key)) end, ${value})`
      : value;
    return `${followed} as ${r.column}`;
  });
  // Each part a later lookup reads is MATERIALIZED, so the lookup compares plain columns: under row-level security
  // only leakproof conditions use an index, and an expression (left, case) inlined into the condition is not one.
  return (src: string) => `
  k0 as materialized (select s.*, left(s.grid_code, 12) as key_village from ${src} s),
  n0 as materialized (
    select s.line, s.id as id_given, s.version as version_given, coalesce(s.register, false) as register,
           t.id as target, t.version as current_version, t.village_code as was_village${list(inputs)},
           left(${taken('grid_code')}, 12) as village_code
      from k0 s
      left join lateral (
        select k.* from ${spec.table} k where k.id = s.id
        union all
        select k.* from ${spec.table} k where s.id is null and k.village_code = s.key_village and k.${spec.key} = s.${spec.key}${registersNew(spec)}
        limit 1) t on true),
  n1 as materialized (select n0.*${list(lookups)} from n0),
  n2 as (select n1.*${list(refValues)} from n1),
  n as materialized (
    select n2.*, ${changedSql('n2', written)} as changed from n2)`;
}

/**
 * SQL for the lateral lookup of a row without `id`: by a source system's id only where the row finds its record by it
 * (row-kinds.ts `findsByExternalId`). A local number a form registers again is `alreadyRegistered`, naming the record
 * it found.
 */
const registersNew = (spec: KeyedSpec) => (spec.key === 'external_id' ? ` and ${findsByExternalId('s')}` : '');

/** SQL over `x`: the other records of the row's village that hold its key. */
const keyHolder = (spec: KeyedSpec) =>
  `select k.id from ${spec.table} k where k.village_code = x.village_code and k.${spec.key} = x.${spec.key} and k.id is distinct from x.target`;

function keyedChecks(spec: KeyedSpec): RowCheck[] {
  const required_ = spec.scalars.filter((c) => c.required);
  return [
    { rule: recordUnknown(spec.what), bad: 'x.id_given is not null and x.target is null', when: some('id') },
    {
      rule: repeated,
      bad: earlierLineShares(['target']),
      when: (b) => b.targets > 1,
    },
    // A form registering a local number the village holds finds that record, and names it (`recordId`) as a create
    // that lost the race to it does (registry/write.ts); one keyed by an external id finds none (registersNew), its
    // key held being keyTaken below.
    ...(spec.key === 'number'
      ? [
          {
            rule: alreadyRegistered(spec.key, spec.what),
            bad: 'x.register and x.target is not null',
            detail: holderDetail(alreadyRegistered(spec.key, spec.what), `select k.id from ${spec.table} k where k.id = x.target`),
            when: some('register'),
          } satisfies RowCheck,
        ]
      : []),
    // A row read at an older version is told so before any rule its old copy could not foresee (a household moved
    // since is not the row's mistake), as the residents' rows are (resident-kind.ts).
    { ...staleVersionCheck(staleVersion, 'x.version_given'), when: some('version') },
    ...required_.map((c): RowCheck => ({ rule: required(c.column), bad: `x.target is null and x.${c.column} is null`, when: (b) => b.news > 0 })),
    {
      rule: spec.moves ?? staysInVillage(spec.what),
      bad: 'x.target is not null and x.village_code <> x.was_village',
      when: (b) => withTargets(b) && b.filled('grid_code'),
    },
    {
      rule: keyTaken(spec.key, spec.what),
      bad: `x.${spec.key} is not null and (
              ((x.target is not null or x.register) and x.${spec.key} is distinct from x.was_${spec.key} and exists (${keyHolder(spec)}))
              or x.line in (select d.line from (select o.line, row_number() over (partition by o.village_code, o.${spec.key} order by o.line) as k
                                                  from n o where o.${spec.key} is not null) d where d.k > 1))`,
      ...(spec.key === 'external_id' ? { detail: holderDetail(keyTaken(spec.key, spec.what), keyHolder(spec)) } : {}),
      when: (b) => b.filled(spec.key),
    },
    ...spec.refs.flatMap(refChecks),
    ...(spec.invariants ?? []),
  ];
}

/** Updates the changed targets and inserts the new rows (a row naming an unknown id was refused by the checks). */
function keyedWrite(spec: KeyedSpec): string {
  const cols = [spec.key, ...spec.scalars.map((c) => c.column), ...spec.refs.map((r) => r.column)];
  return `${spec.alsoWrites ? `\n  ${spec.alsoWrites},` : ''}
  upd as (
    update ${spec.table} t set grid_code = x.grid_code, ${cols.map((c) => `${c} = x.${c}`).join(', ')}, version = t.version + 1
      from n x where t.id = x.target and x.changed
    returning t.id, false as inserted),
  ins as (
    insert into ${spec.table} (${cols.join(', ')}, village_code, grid_code, county_code)
    select ${cols.map((c) => `x.${c}`).join(', ')}, x.village_code, x.grid_code, left(x.grid_code, 6) from n x where x.target is null
    returning id, true as inserted)
  select id, inserted from upd union all select id, inserted from ins`;
}

function keyedKind(spec: KeyedSpec): RowKind {
  const flags = keyedFlags(spec);
  return {
    name: spec.name,
    stage: keyedStage(spec),
    flags,
    rows: keyedRows(spec, flags),
    checks: keyedChecks(spec),
    write: keyedWrite(spec),
    twins: spec.refs.flatMap((r) => (r.byKey ? [[r.column, r.byKey] as const] : [])),
  };
}

/** 标准地址: grid, number, text. */
export const ADDRESS_KIND = keyedKind({
  name: 'address',
  table: 'address',
  key: 'number',
  what: ADDRESS,
  scalars: [{ column: 'text', type: 'text', required: true }],
  refs: [],
});

/** 实有房屋: grid, number, use, area, address. */
export const HOUSE_KIND = keyedKind({
  name: 'house',
  table: 'house',
  key: 'number',
  what: HOUSE,
  scalars: [
    { column: 'use', type: 'text', required: true },
    { column: 'area', type: 'numeric', required: false },
  ],
  refs: [addressRef()],
  invariants: [
    {
      // Counted whatever the caller's jurisdiction (hub_record_ties sees every household of the house): a count, never a record.
      rule: houseOccupied,
      bad: `x.target is not null and x.use = 'VACANT' and x.was_use is distinct from 'VACANT'
              and exists (select 1 from hub_record_ties('house', x.target))`,
      when: (b) => withTargets(b) && b.filled('use'),
    },
    {
      rule: houseGridAlone,
      bad: `x.target is not null and x.grid_code <> x.was_grid_code and exists (select 1 from hub_record_ties('house', x.target))`,
      when: (b) => withTargets(b) && b.filled('grid_code'),
    },
    {
      // The households that follow the address (alsoWrites) are those the caller sees: one it cannot see refuses the correction.
      rule: houseLivedInOutside,
      bad: `x.target is not null and x.address_id is not null and x.address_id is distinct from x.was_address_id
              and exists (select 1 from hub_record_ties('house', x.target) t where not exists (select 1 from household h where h.id = t.id))`,
      field: refColumn(addressRef()),
      when: (b) => withTargets(b) && some('address_id', 'address_number')(b),
    },
  ],
  // A house's address corrected (it did not move: its address was wrong or renamed) takes the households living in it
  // along, as householdAddress has them at its address, and those of their current members who were at the
  // household's old address; members recorded elsewhere stay. In the same statement as the house, form and file alike.
  alsoWrites: `
  house_readdressed as materialized (
    select x.target as house_id, x.address_id from n x
     where x.target is not null and x.changed and x.address_id is not null and x.address_id is distinct from x.was_address_id),
  house_members as (
    update person p set address_id = m.address_id, version = p.version + 1
      from house_readdressed m join household h on h.house_id = m.house_id
     where p.household_id = h.id and p.status = 'ACTIVE' and p.address_id is not distinct from h.address_id and p.address_id is distinct from m.address_id
    returning p.id),
  house_households as (
    update household h set address_id = m.address_id, version = h.version + 1
      from house_readdressed m where h.house_id = m.house_id and h.address_id is distinct from m.address_id
    returning h.id)`,
});

const headRef: Ref = {
  column: 'head_id',
  flag: 'head',
  byKey: 'head_id_number',
  table: 'person',
  key: 'id_number',
  what: PERSON,
  argument: 'headId',
  sameVillage: false,
};
const groupRef: Ref = {
  column: 'joint_defense_group_id',
  flag: 'group',
  table: 'joint_defense_group',
  what: GROUP,
  argument: 'householdIds',
  sameVillage: true,
  elsewhere: groupElsewhere,
};

const houseRef: Ref = {
  column: 'house_id',
  flag: 'house',
  byKey: 'house_number',
  table: 'house',
  key: 'number',
  what: HOUSE,
  argument: 'houseId',
  sameVillage: true,
};

/**
 * SQL over `x`: householdAddress's words, naming the house's address and the one given (id and 门牌 number), with
 * their ids for extensions.
 */
const householdAddressDetail = `(select jsonb_build_object(
    'zh', ${sqlText(householdAddress.reason.zh)} || ${sqlText('（房屋 ')} || hs.number || ${sqlText(' 的地址为 ')} || ha.id::text || ${sqlText('（')} || ha.number
          || ${sqlText('），所给地址为 ')} || ga.id::text || ${sqlText('（')} || coalesce(ga.number, '') || ${sqlText('））')},
    'en', ${sqlText(householdAddress.reason.en)} || ${sqlText(' (house ')} || hs.number || ${sqlText(' is at address ')} || ha.id::text || ' (' || ha.number
          || ${sqlText('), the address given is ')} || ga.id::text || ' (' || coalesce(ga.number, '') || '))',
    'houseId', hs.id::text, 'houseAddressId', ha.id::text, 'addressId', ga.id::text)
  from house hs join address ha on ha.id = hs.address_id left join address ga on ga.id = x.address_id
  where hs.id = x.house_id)`;

/**
 * SQL over `x`: householdHouseGrid's words, naming the house and the grid it is on (code and name) and the household's.
 */
const householdHouseGridDetail = `(select jsonb_build_object(
    'zh', ${sqlText(householdHouseGrid.reason.zh)} || ${sqlText('（房屋 ')} || hs.number || ${sqlText(' 在网格 ')} || hs.grid_code || ${sqlText('（')} || g.name
          || ${sqlText('），户在网格 ')} || x.grid_code || ${sqlText('）')},
    'en', ${sqlText(householdHouseGrid.reason.en)} || ${sqlText(' (house ')} || hs.number || ${sqlText(' is on grid ')} || hs.grid_code || ' (' || g.name
          || ${sqlText('), the household on grid ')} || x.grid_code || ')',
    'houseId', hs.id::text, 'houseGridCode', hs.grid_code, 'gridCode', x.grid_code)
  from house hs join grid g on g.code = hs.grid_code
  where hs.id = x.house_id)`;

/** SQL over `x`: houseVacant's words, naming the house. */
const houseVacantDetail = `(select jsonb_build_object(
    'zh', ${sqlText(houseVacant.reason.zh)} || ${sqlText('（房屋 ')} || hs.number || ${sqlText('）')},
    'en', ${sqlText(houseVacant.reason.en)} || ${sqlText(' (house ')} || hs.number || ')',
    'houseId', hs.id::text)
  from house hs where hs.id = x.house_id)`;

/**
 * 户: grid, number, address (a household in a house is at its address: the house's when left out, householdAddress), house, head (a member: headNotMember) and
 * 十户联防 group (at most one: groupTaken; the leader's household stays in
 * it: leaderHomeLeaves). A household with members changes village or grid
 * only with them (moveHousehold).
 */
export const HOUSEHOLD_KIND = keyedKind({
  name: 'household',
  table: 'household',
  key: 'number',
  what: HOUSEHOLD,
  scalars: [],
  refs: [{ ...addressRef(), follows: { flag: 'house', table: 'house', column: 'address_id' } }, houseRef, headRef, groupRef],
  moves: householdMoves,
  invariants: [
    {
      rule: householdAddress,
      bad: `x.house_id is not null and x.address_id is not null
              and (x.house_id is distinct from x.was_house_id or x.address_id is distinct from x.was_address_id)
              and exists (select 1 from house hs where hs.id = x.house_id and hs.address_id <> x.address_id)`,
      field: refColumn(addressRef()),
      detail: householdAddressDetail,
      when: some('address_id', 'address_number', 'house_id', 'house_number'),
    },
    {
      // Counted whatever the caller's jurisdiction, as headRequired's members are: a count, never a record.
      rule: householdGridAlone,
      bad: `x.target is not null and x.grid_code <> x.was_grid_code
              and exists (select 1 from hub_household_members(array[x.target], null) m where m.members > 0)`,
      when: (b) => withTargets(b) && b.filled('grid_code'),
    },
    {
      // Checked when the house or the grid changes: a household kept in its house is not asked again.
      rule: householdHouseGrid,
      bad: `x.house_id is not null and (x.house_id is distinct from x.was_house_id or x.grid_code is distinct from x.was_grid_code)
              and exists (select 1 from house hs where hs.id = x.house_id and hs.grid_code <> x.grid_code)`,
      field: `case when x.house_given then ${refColumn(houseRef)} else 'grid_code' end`,
      detail: householdHouseGridDetail,
      when: some('house_id', 'house_number', 'grid_code'),
    },
    {
      rule: houseVacant,
      bad: `x.house_id is not null and x.house_id is distinct from x.was_house_id
              and exists (select 1 from house hs where hs.id = x.house_id and hs.use = 'VACANT')`,
      field: refColumn(houseRef),
      detail: houseVacantDetail,
      when: some('house_id', 'house_number'),
    },
    {
      rule: headNotMember,
      bad: `x.head_id is not null and x.head_id is distinct from x.was_head_id
              and not exists (select 1 from person p where p.id = x.head_id and p.household_id = x.target)`,
      field: refColumn(headRef),
      when: some('head_id', 'head_id_number'),
    },
    {
      // Counted whatever the caller's jurisdiction (a grid's caller does not see members on other grids): a count, never a record.
      rule: headRequired,
      bad: `x.target is not null and x.head_id is null and x.was_head_id is not null
              and exists (select 1 from hub_household_members(array[x.target], array[x.was_head_id]) m where m.members > 0)`,
      // A cleared head is an empty cell, which fills nothing: every batch that changes households is checked.
      when: withTargets,
    },
    {
      rule: groupTaken,
      bad: 'x.target is not null and x.was_joint_defense_group_id is not null and x.joint_defense_group_id <> x.was_joint_defense_group_id',
      when: (b) => withTargets(b) && b.filled('joint_defense_group_id'),
    },
    {
      rule: leaderHomeLeaves,
      bad: `x.target is not null and x.was_joint_defense_group_id is not null and x.joint_defense_group_id is distinct from x.was_joint_defense_group_id
              and exists (select 1 from joint_defense_group g join person p on p.id = g.leader_id
                           where g.id = x.was_joint_defense_group_id and p.household_id = x.target)`,
      when: withTargets,
    },
  ],
  // A household's new address (a row that changes it, or the address of the house it now names) is its current
  // members' too, as moveHousehold moves them; the form has no address to change (updateHousehold), so only a file
  // row reaches this.
  alsoWrites: `
  household_members as (
    update person p set address_id = x.address_id, version = p.version + 1
      from n x
     where x.target is not null and x.changed and x.address_id is distinct from x.was_address_id
       and p.household_id = x.target and p.status = 'ACTIVE' and p.address_id is distinct from x.address_id
    returning p.id)`,
});

/** 重点场所: grid, external id, name, kind, contact, address. */
export const SITE_KIND = keyedKind({
  name: 'site',
  table: 'site',
  key: 'external_id',
  what: SITE,
  scalars: [
    { column: 'name', type: 'text', required: true },
    { column: 'kind', type: 'text', required: true },
    { column: 'contact_name', type: 'text' },
    { column: 'contact_phone', type: 'text' },
  ],
  refs: [addressRef()],
});

const leaderRef: Ref = {
  column: 'leader_id',
  flag: 'leader',
  byKey: 'leader_id_number',
  table: 'person',
  key: 'id_number',
  what: PERSON,
  argument: 'leaderId',
  sameVillage: false,
};

/**
 * 十户联防组: grid, external id, name, leader (联户长: an adult,
 * leaderUnderage, who lives in one of the group's households, leaderOutside). A form forming a group names its
 * households (`household_ids`, joined once the group is written), so the new
 * group is written with its leader: one record, one CREATED in the change
 * feed. A file's new group has no households yet, so it names its leader
 * once its households' rows have joined it.
 */
export const GROUP_KIND = keyedKind({
  name: 'jointDefenseGroup',
  table: 'joint_defense_group',
  key: 'external_id',
  what: GROUP,
  scalars: [{ column: 'name', type: 'text', required: true }],
  refs: [leaderRef],
  unwritten: [['household_ids', 'text[]']],
  invariants: [
    {
      rule: leaderUnderage,
      bad: `x.leader_id is not null and x.leader_id is distinct from x.was_leader_id
              and exists (select 1 from person p where p.id = x.leader_id and ${underageSql('p.birth_date')})`,
      field: refColumn(leaderRef),
      when: some('leader_id', 'leader_id_number'),
    },
    {
      rule: leaderOutside,
      bad: `x.leader_id is not null and x.leader_id is distinct from x.was_leader_id
              and not exists (select 1 from person p join household h on h.id = p.household_id
                               where p.id = x.leader_id and (h.joint_defense_group_id = x.target or (x.target is null and h.id = any(x.household_ids::integer[]))))`,
      field: refColumn(leaderRef),
      when: some('leader_id', 'leader_id_number'),
    },
  ],
});

/** 巡防队: grid, external id, name, kind. */
export const TEAM_KIND = keyedKind({
  name: 'patrolTeam',
  table: 'patrol_team',
  key: 'external_id',
  what: TEAM,
  scalars: [
    { column: 'name', type: 'text', required: true },
    { column: 'kind', type: 'text', required: true },
  ],
  refs: [],
  unwritten: [['member_ids', 'text']],
  invariants: [
    // A row naming a disbanded team, by id or by its external id (which stays its own), changes nothing of it.
    { rule: teamDisbanded, bad: 'x.target is not null and exists (select 1 from patrol_team e where e.id = x.target and e.ended_at is not null)' },
    // The export's members, in any order and spacing, are no change; any other list would be silently ignored.
    {
      rule: membersReadOnly,
      bad: `x.member_ids is not null
              and array(select trim(v) from unnest(string_to_array(x.member_ids, ';')) v where trim(v) <> '' order by 1)
                  is distinct from array(select m.person_id::text from patrol_team_member m where m.team_id = x.target order by 1)`,
    },
  ],
});

/** The statements of each kind's mutations (row-kinds.ts `rowWriter`). */
export const ADDRESS_WRITER = rowWriter(ADDRESS_KIND);
export const HOUSE_WRITER = rowWriter(HOUSE_KIND);
export const HOUSEHOLD_WRITER = rowWriter(HOUSEHOLD_KIND);
export const SITE_WRITER = rowWriter(SITE_KIND);
export const GROUP_WRITER = rowWriter(GROUP_KIND);
export const TEAM_WRITER = rowWriter(TEAM_KIND);
