import { z } from 'zod';
import { command, sql, type Sql } from '../../../../platform/sql.ts';
import { copyStatement } from '../../../../platform/bulk.ts';
import type { Said } from '../../../../platform/errors.ts';
import { linesBreaking, type RowKind } from './forces-rules.ts';
import { GRID_STAFF_KIND } from './grid-staff.ts';
import { COMMITTEE_KIND } from './mediation-committee.ts';
import { MEDIATOR_KIND } from './mediator.ts';

/**
 * The SQL of each importable kind (see ../import/kinds.ts for the field rules
 * and ../import/route.ts for how a batch runs): the stage table a batch is
 * copied into, the set-based checks that need the database (the grid exists,
 * a referenced household is in the same village) and the writes. Every kind
 * upserts by its natural key and leaves a row alone when nothing in it
 * differs, so importing the same file twice changes nothing.
 */

/** Rows a check deleted from the stage, by line. */
const Line = z.object({ line: z.number().int() });
export type LineRow = z.infer<typeof Line>;

/** Rows an upsert wrote: whether each was inserted (else updated). */
const Written = z.object({ inserted: z.boolean() });
export type WrittenRow = z.infer<typeof Written>;

export interface StageCheck {
  field: string;
  /** Why a row fails the check, after the field's name. */
  reason: Said;
  /** Deletes the staged rows `s` the check finds bad, returning their lines. */
  st: Sql<LineRow>;
  /** The check concerns only rows whose `field` (a staged column) is filled: a batch with none skips it. */
  onlyIfFilled?: boolean;
  /** The check finds rows only through what `prepare` wrote: a batch whose `prepare` wrote none skips it. */
  afterPrepare?: boolean;
}

export interface RollupWrites {
  /**
   * Residents only: the rows are written by an UPDATE of the existing ones
   * and a plain INSERT of the new ones, both returning (inserted,
   * village_code, residency, tags, previous village_code) into the temp
   * table `done`, and the village roll-up is adjusted by the inserted rows'
   * counts instead of recounting whole villages after every batch (a
   * recount costs the county's whole population; see ../import/route.ts). A
   * plain INSERT skips the speculative insertion that ON CONFLICT does for
   * every row (about a tenth of the insert's time).
   */
  update: Sql<Record<string, never>>;
  insert: Sql<Record<string, never>>;
  /** The update finds rows only among those `prepare` found (a batch of new residents skips it). */
  updateAfterPrepare?: boolean;
}

interface KindSqlBase {
  /** Staged columns after `line integer`, with their types; a kind's `parse` returns its values in this order. */
  stage: readonly (readonly [string, string])[];
  /** `create temp table stage (line integer, …stage) on commit drop`. */
  createStage: Sql<Record<string, never>>;
  /** `copy stage (line, …stage) from stdin`. */
  copyStage: Sql<Record<string, never>>;
  /**
   * Run once the batch is staged, before the checks (residents: look up the
   * batch's ID numbers once). Its row count decides whether the checks and
   * writes that depend on it run at all.
   */
  prepare?: Sql<Record<string, never>>;
  checks: readonly StageCheck[];
}

export type KindSql = KindSqlBase &
  (
    | {
        /** INSERT … SELECT FROM stage s … ON CONFLICT … DO UPDATE … WHERE (changed) RETURNING (xmax = 0) AS inserted. */
        upsert: Sql<WrittenRow>;
        incrementalRollup?: undefined;
      }
    | { upsert?: undefined; incrementalRollup: RollupWrites }
  );

type Stage = readonly (readonly [string, string])[];

/** The stage table of a kind and its COPY. */
function staging(kind: string, stage: Stage): Pick<KindSqlBase, 'stage' | 'createStage' | 'copyStage'> {
  return {
    stage,
    createStage: command(
      `import.${kind}.createStage`,
      `create temp table stage (line integer, ${stage.map(([c, t]) => `${c} ${t}`).join(', ')}) on commit drop`,
    ),
    copyStage: copyStatement('stage', ['line', ...stage.map(([c]) => c)], `import.${kind}.copyStage`),
  };
}

/** A check as a statement that deletes (and returns the lines of) the staged rows `s` for which `bad` holds. */
function check(kind: string, c: { field: string; reason: Said; bad: string; onlyIfFilled?: boolean; afterPrepare?: boolean }): StageCheck {
  const { bad, ...rest } = c;
  return { ...rest, st: sql(`import.${kind}.check.${c.field}`, Line, `delete from stage s where ${bad} returning line`) };
}

const VILLAGE = 'left(s.grid_code, 12)';
const COUNTY = 'left(s.grid_code, 6)';

/** A reference to another record of the same village by its local number (or a resident by ID number). */
/** The records a reference names, as a Chinese message names them. */
const REFERENCED_ZH: Record<string, string> = { household: '户', address: '标准地址', house: '实有房屋', resident: '人员' };

function refCheck(kind: string, field: string, table: string, column: string, what: string): StageCheck {
  return check(kind, {
    field,
    reason: { zh: `在本村（社区）找不到所指的${REFERENCED_ZH[what] ?? what}`, en: `names no ${what} in this village` },
    onlyIfFilled: true,
    bad: `s.${field} is not null and not exists (select 1 from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field})`,
  });
}
const refId = (field: string, table: string, column: string) =>
  `case when s.${field} is not null then (select r.id from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field}) end`;

/** `cols` compared between the stored row `t` and the incoming one: an update happens only when one differs. */
const changed = (cols: string[], incoming = 'excluded') =>
  `(${cols.map((c) => `t.${c}`).join(', ')}) is distinct from (${cols.map((c) => `${incoming}.${c}`).join(', ')})`;
const sets = (cols: string[]) => cols.map((c) => `${c} = excluded.${c}`).join(', ');

/** Upsert of a registry table keyed on (village_code, key), with the division columns from the grid. */
function villageKeyed(kind: string, table: string, key: string, cols: string[], exprs: string[]): Sql<WrittenRow> {
  const all = [...cols, 'grid_code'];
  return sql(
    `import.${kind}.upsert`,
    Written,
    `insert into ${table} as t (${key}, ${cols.join(', ')}, village_code, grid_code, county_code)
     select s.${key}, ${exprs.join(', ')}, ${VILLAGE}, s.grid_code, ${COUNTY} from stage s
     on conflict (village_code, ${key}) do update set ${sets(all)}, version = t.version + 1
     where ${changed(all)}
     returning (xmax = 0) as inserted`,
  );
}

/**
 * A kind of the forces' one write path (forces-rules.ts): the rules the
 * mutations check, each a check over the stage with the same reason, and the
 * mutations' write statement as the upsert.
 */
function forcesKind(kind: string, k: RowKind): KindSqlBase & { upsert: Sql<WrittenRow> } {
  return {
    ...staging(kind, k.stage),
    checks: k.rules.map((r) => check(kind, { field: r.field, reason: r.reason, bad: linesBreaking(k.rows, 'stage', r) })),
    upsert: sql(`import.${kind}.upsert`, Written, k.write('stage')),
  };
}

const PERSON_COLS = [
  'name',
  'gender',
  'birth_date',
  'ethnicity',
  'phone',
  'residency',
  'tags',
  'household_id',
  'address_id',
  'village_code',
  'grid_code',
  'county_code',
];
const PERSON_VALUES = [
  's.name',
  's.gender',
  's.birth_date',
  's.ethnicity',
  's.phone',
  's.residency',
  's.tags',
  refId('household_number', 'household', 'number'),
  refId('address_number', 'address', 'number'),
  VILLAGE,
  's.grid_code',
  COUNTY,
];
const PERSON_RETURNING = 't.village_code, t.residency, t.tags';

export const KIND_SQL = {
  residents: {
    ...staging('residents', [
      ['id_number', 'text'],
      ['name', 'text'],
      ['gender', 'text'],
      ['birth_date', 'date'],
      ['ethnicity', 'text'],
      ['phone', 'text'],
      ['residency', 'text'],
      ['tags', 'text[]'],
      ['grid_code', 'text'],
      ['household_number', 'text'],
      ['address_number', 'text'],
    ]),
    incrementalRollup: {
      // `o` is the row as it was (the statement's snapshot), so `was` is the village a resident moves away from.
      // (Joined through `person` by ID number rather than through `known`: without statistics on the temporary
      // table the planner then estimated a large join and scanned all of `person`, 1 s a batch.)
      update: command(
        'import.residents.update',
        `with u as (
           update person t set (${PERSON_COLS.join(', ')}) = (${PERSON_COLS.map((c) => `n.${c}`).join(', ')}), version = t.version + 1
             from (select o.id, o.village_code as was, ${PERSON_VALUES.map((v, i) => `${v} as ${PERSON_COLS[i]}`).join(', ')}
                     from stage s join person o on o.id_number = s.id_number) n
            where t.id = n.id and ${changed(PERSON_COLS, 'n')}
            returning false, ${PERSON_RETURNING}, n.was)
         insert into done select * from u`,
      ),
      insert: command(
        'import.residents.insert',
        `with u as (
           insert into person as t (id_number, ${PERSON_COLS.join(', ')})
           select s.id_number, ${PERSON_VALUES.join(', ')} from stage s where not exists (select 1 from known k where k.id_number = s.id_number)
           returning true, ${PERSON_RETURNING}, null::text)
         insert into done select * from u`,
      ),
      // A resident to update is one whose ID number the hub knows, which `known` lists.
      updateAfterPrepare: true,
    },
    prepare: command('import.residents.known', `create temp table known on commit drop as select * from hub_known_people(array(select id_number from stage))`),
    checks: [
      refCheck('residents', 'household_number', 'household', 'number', 'household'),
      refCheck('residents', 'address_number', 'address', 'number', 'address'),
      check('residents', {
        field: 'id_number',
        reason: {
          zh: '已登记为您辖区以外的人员；须由登记所在县办理迁移',
          en: 'is registered to a resident outside your jurisdiction; the registering county must move them',
        },
        bad: 's.id_number in (select k.id_number from known k where k.outside)',
        afterPrepare: true,
      }),
    ],
  },
  addresses: {
    ...staging('addresses', [
      ['grid_code', 'text'],
      ['number', 'text'],
      ['text', 'text'],
    ]),
    checks: [],
    upsert: villageKeyed('addresses', 'address', 'number', ['text'], ['s.text']),
  },
  houses: {
    ...staging('houses', [
      ['grid_code', 'text'],
      ['number', 'text'],
      ['use', 'text'],
      ['area', 'numeric'],
      ['address_number', 'text'],
    ]),
    checks: [refCheck('houses', 'address_number', 'address', 'number', 'address')],
    upsert: villageKeyed('houses', 'house', 'number', ['use', 'area', 'address_id'], ['s.use', 's.area', refId('address_number', 'address', 'number')]),
  },
  households: {
    ...staging('households', [
      ['grid_code', 'text'],
      ['number', 'text'],
      ['address_number', 'text'],
      ['house_number', 'text'],
      ['head_id_number', 'text'],
    ]),
    checks: [
      refCheck('households', 'address_number', 'address', 'number', 'address'),
      refCheck('households', 'house_number', 'house', 'number', 'house'),
      refCheck('households', 'head_id_number', 'person', 'id_number', 'resident'),
    ],
    upsert: villageKeyed(
      'households',
      'household',
      'number',
      ['address_id', 'house_id', 'head_id'],
      [refId('address_number', 'address', 'number'), refId('house_number', 'house', 'number'), refId('head_id_number', 'person', 'id_number')],
    ),
  },
  sites: {
    ...staging('sites', [
      ['grid_code', 'text'],
      ['external_id', 'text'],
      ['name', 'text'],
      ['kind', 'text'],
      ['contact_name', 'text'],
      ['contact_phone', 'text'],
      ['address_number', 'text'],
    ]),
    checks: [refCheck('sites', 'address_number', 'address', 'number', 'address')],
    upsert: villageKeyed(
      'sites',
      'site',
      'external_id',
      ['name', 'kind', 'contact_name', 'contact_phone', 'address_id'],
      ['s.name', 's.kind', 's.contact_name', 's.contact_phone', refId('address_number', 'address', 'number')],
    ),
  },
  'joint-defense-groups': {
    ...staging('joint-defense-groups', [
      ['grid_code', 'text'],
      ['external_id', 'text'],
      ['name', 'text'],
      ['leader_id_number', 'text'],
    ]),
    checks: [refCheck('joint-defense-groups', 'leader_id_number', 'person', 'id_number', 'resident')],
    upsert: villageKeyed(
      'joint-defense-groups',
      'joint_defense_group',
      'external_id',
      ['name', 'leader_id'],
      ['s.name', refId('leader_id_number', 'person', 'id_number')],
    ),
  },
  'patrol-teams': {
    ...staging('patrol-teams', [
      ['grid_code', 'text'],
      ['external_id', 'text'],
      ['name', 'text'],
      ['kind', 'text'],
    ]),
    checks: [],
    upsert: villageKeyed('patrol-teams', 'patrol_team', 'external_id', ['name', 'kind'], ['s.name', 's.kind']),
  },
  /**
   * Reported disputes taken in from another system's register (see
   * ../import/kinds.ts): numbered from the county's yearly counter, with
   * deadlines from the rules, status REPORTED, their parties and a REPORT
   * step. A case that exists is left alone when the row matches it and
   * rejected when it does not.
   */
  disputes: {
    ...staging('disputes', [
      ['external_id', 'text'],
      ['grid_code', 'text'],
      ['category', 'text'],
      ['scale', 'text'],
      ['source', 'text'],
      ['summary', 'text'],
      ['occurred_at', 'timestamptz'],
      ['parties', 'jsonb'],
    ]),
    checks: [
      check('disputes', {
        field: 'parties',
        reason: { zh: '含有您辖区内没有登记的公民身份号码', en: 'names an ID number of no resident in your jurisdiction' },
        bad: `exists (select 1 from jsonb_array_elements(s.parties) e
                      where e->>'id_number' is not null and not exists (select 1 from person r where r.id_number = e->>'id_number'))`,
      }),
      check('disputes', {
        field: 'external_id',
        reason: {
          zh: '对应的案件已按不同内容登记；已登记的案件只能通过办理步骤变更',
          en: 'is a case already reported with other details; a reported case changes only through its handling steps',
        },
        bad: `exists (select 1 from dispute d where d.county_code = ${COUNTY} and d.idempotency_key = 'import:' || s.external_id
                and (d.grid_code, d.category, d.scale, d.source, d.summary, d.occurred_at) is distinct from (s.grid_code, s.category, s.scale, s.source, s.summary, s.occurred_at))`,
      }),
    ],
    // One statement: number the new cases per county from the yearly counter (China Standard Time year, as
    // reportDispute does), insert them with their deadlines, parties and REPORT step, the first of each case's order (seq 1; data-modifying WITH
    // parts always run to completion, read or not).
    upsert: sql(
      'import.disputes.upsert',
      Written,
      `with fresh as (
         select s.*, ${COUNTY} as county, row_number() over (partition by ${COUNTY} order by s.line) as rn
           from stage s
          where not exists (select 1 from dispute d where d.county_code = ${COUNTY} and d.idempotency_key = 'import:' || s.external_id)),
       per_county as (select county, count(*) as n from fresh group by 1),
       year as (select extract(year from now() at time zone 'Asia/Shanghai')::int as y),
       counter as (
         insert into dispute_counter (county_code, year, n) select county, (select y from year), n from per_county
         on conflict (county_code, year) do update set n = dispute_counter.n + excluded.n
         returning county_code, n as upto),
       ins as (
         insert into dispute (id, case_number, idempotency_key, category, scale, source, summary, village_code, grid_code, county_code,
                              occurred_at, reported_at, status, seq, contact_by, settle_by, created_by)
         select gen_random_uuid(), f.county || '-' || (select y from year) || '-' || lpad((c.upto - pc.n + f.rn)::text, 6, '0'),
                'import:' || f.external_id, f.category, f.scale, f.source, f.summary, left(f.grid_code, 12), f.grid_code, f.county,
                f.occurred_at, now(), 'REPORTED', 1, now() + make_interval(mins => r.contact_minutes), now() + make_interval(hours => r.settle_hours),
                current_setting('hub.import_subject')
           from fresh f join counter c on c.county_code = f.county join per_county pc on pc.county = f.county
           cross join lateral (
             select coalesce(min(x.contact_minutes), 60) as contact_minutes, coalesce(min(x.settle_hours), 72) as settle_hours from (
               select contact_minutes, settle_hours from deadline_rule
                where (category = f.category or category is null) and (scale = f.scale or scale is null)
                order by (category is not null) desc, (scale is not null) desc limit 1) x) r
         returning id, idempotency_key, county_code, source, summary, village_code, grid_code, contact_by, settle_by),
       parties as (
         insert into dispute_party (dispute_id, person_id, name, role, village_code, grid_code)
         select i.id, p.id, coalesce(p.name, e->>'name'), e->>'role', i.village_code, i.grid_code
           from ins i join fresh f on f.county = i.county_code and 'import:' || f.external_id = i.idempotency_key
           cross join jsonb_array_elements(f.parties) e
           left join person p on p.id_number = e->>'id_number'
         returning 1),
       steps as (
         insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code, seq, contact_by, settle_by)
         select i.id, now(), 'VILLAGE', 'REPORT', current_setting('hub.import_actor'), i.source || ': ' || left(i.summary, 200), 'REPORTED', i.village_code, i.grid_code,
                1, i.contact_by, i.settle_by
           from ins i
         returning 1)
       select true as inserted from ins`,
    ),
  },
  /** Grid staff (1+3+N), committees and mediators: see forcesKind. */
  'grid-staff': forcesKind('grid-staff', GRID_STAFF_KIND),
  'mediation-committees': forcesKind('mediation-committees', COMMITTEE_KIND),
  mediators: forcesKind('mediators', MEDIATOR_KIND),
} satisfies Record<string, KindSql>;

export type KindName = keyof typeof KIND_SQL;
