import type { Caller } from '../../../../platform/caller.ts';
import { parseCitizenId, parsePhone } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { badInput } from '../../../../platform/errors.ts';
import type { CopyValue } from '../../../../platform/bulk.ts';
import { text } from '../../../../platform/validate.ts';
import { loadSchema } from '../../../../platform/service.ts';
import { Kind } from 'graphql';

/**
 * What each importable kind accepts and how its rows land. Rows are checked
 * in two places: field rules here (the same helpers the mutations use), and
 * rules that need the database (the grid exists, a referenced household is
 * in the same village) as set-based checks over the whole batch. Every kind
 * upserts by its natural key and leaves a row alone when nothing in it
 * differs, so importing the same file twice changes nothing.
 */
export type Fields = Record<string, string | null>;

/** What a row is checked against: the caller, and the grids of its jurisdiction (loaded once per import). */
export interface ParseContext {
  caller: Caller;
  grids: ReadonlySet<string>;
}

export interface SetCheck {
  field: string;
  reason: string;
  /** SQL condition over the staged row `s` that marks it bad. */
  bad: string;
  /** The check concerns only rows whose `field` (a staged column) is filled: a batch with none skips it. */
  onlyIfFilled?: boolean;
  /** The check finds rows only through what `prepare` wrote: a batch whose `prepare` wrote none skips it. */
  afterPrepare?: boolean;
}

interface KindBase {
  table: string;
  /** Columns the file may have (snake_case, as the export writes them); `required` ones must be filled. */
  columns: readonly string[];
  required: readonly string[];
  /** Staged columns after `line integer`, with their types. */
  stage: readonly (readonly [string, string])[];
  /** Turns a record into staged values (stage order), throwing a typed error naming the field. */
  parse(f: Fields, ctx: ParseContext): CopyValue[];
  /** The natural key of parsed values, to refuse a second row with the same key in one batch. */
  key(values: CopyValue[]): string;
  /**
   * SQL run once the batch is staged, before the checks (residents: look up
   * the batch's ID numbers once). Its row count decides whether the checks
   * and writes that depend on it run at all.
   */
  prepare?: string;
  checks: readonly SetCheck[];
}

export type ImportKind = KindBase &
  (
    | {
        /** INSERT … SELECT FROM stage s … ON CONFLICT … DO UPDATE … WHERE (changed) RETURNING (xmax = 0) AS inserted. */
        upsert: string;
        incrementalRollup?: undefined;
      }
    | { upsert?: undefined; incrementalRollup: RollupWrites }
  );

export interface RollupWrites {
  /**
   * Residents only: the rows are written by an UPDATE of the existing ones
   * and a plain INSERT of the new ones, both returning (inserted,
   * village_code, residency, tags, previous village_code), and the village
   * roll-up is adjusted by the inserted rows' counts instead of recounting
   * whole villages after every batch (a recount costs the county's whole
   * population; see route.ts). A plain INSERT skips the speculative insertion
   * that ON CONFLICT does for every row (about a tenth of the insert's time).
   */
  update: string;
  insert: string;
  /** The update finds rows only among those `prepare` found (a batch of new residents skips it). */
  updateAfterPrepare?: boolean;
}

const VILLAGE = 'left(s.grid_code, 12)';
const COUNTY = 'left(s.grid_code, 6)';

/** A reference to another record of the same village by its local number (or a resident by ID number). */
function refCheck(field: string, table: string, column: string, what: string): SetCheck {
  return {
    field,
    reason: `names no ${what} in this village`,
    onlyIfFilled: true,
    bad: `s.${field} is not null and not exists (select 1 from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field})`,
  };
}
const refId = (field: string, table: string, column: string) =>
  `case when s.${field} is not null then (select r.id from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field}) end`;

function grid(f: Fields, { caller, grids }: ParseContext): string {
  // The grids are those of the caller's jurisdiction, so a code among them is valid as it stands (the common case).
  if (f.grid_code && grids.has(f.grid_code)) return f.grid_code;
  const code = parseCodeOfLevel(f.grid_code ?? '', 'GRID', 'grid_code');
  if (!code.startsWith(caller.jurisdiction)) throw badInput(`grid_code ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`, { argument: 'grid_code' });
  if (!grids.has(code)) throw badInput(`grid_code ${code} is not a grid the hub knows.`, { argument: 'grid_code' });
  return code;
}

function oneOf(value: string | null | undefined, allowed: readonly string[], field: string): string {
  const v = (value ?? '').trim().toUpperCase();
  if (!allowed.includes(v)) throw badInput(`${field} "${value ?? ''}" is not one of ${allowed.join(', ')}.`, { argument: field });
  return v;
}

const opt = (v: string | null | undefined, field: string, max: number) => (v == null ? null : text(v, field, max));
const localNumber = (v: string | null | undefined, field: string) => opt(v, field, 50);

/** An enum's values as the village schema declares them, so a file is checked against exactly what the API accepts. */
const schemaEnums = new Map(
  loadSchema('village').definitions.flatMap((d) => (d.kind === Kind.ENUM_TYPE_DEFINITION ? [[d.name.value, (d.values ?? []).map((v) => v.name.value)] as const] : [])),
);
function enumValues(name: string): readonly string[] {
  const values = schemaEnums.get(name);
  if (!values) throw new Error(`The village schema has no enum ${name}.`);
  return values;
}
const RESIDENCY = enumValues('Residency');
const GENDER = enumValues('Gender');
export const PERSON_TAGS = enumValues('PersonTag');
const HOUSE_USE = enumValues('HouseUse');
const SITE_KIND = enumValues('SiteKind');
const TEAM_KIND = enumValues('PatrolTeamKind');
const DISPUTE_CATEGORY = enumValues('DisputeCategory');
const DISPUTE_SCALE = enumValues('DisputeScale');
const DISPUTE_SOURCE = enumValues('DisputeSource');
const PARTY_ROLE = enumValues('PartyRole');

/** `cols` compared between the stored row `t` and the incoming one: an update happens only when one differs. */
const changed = (cols: string[], incoming = 'excluded') => `(${cols.map((c) => `t.${c}`).join(', ')}) is distinct from (${cols.map((c) => `${incoming}.${c}`).join(', ')})`;
const sets = (cols: string[]) => cols.map((c) => `${c} = excluded.${c}`).join(', ');

/** Upsert of a registry table keyed on (village_code, key), with the division columns from the grid. */
function villageKeyed(table: string, key: string, cols: string[], exprs: string[]): string {
  const all = [...cols, 'grid_code'];
  return `insert into ${table} as t (${key}, ${cols.join(', ')}, village_code, grid_code, county_code)
          select s.${key}, ${exprs.join(', ')}, ${VILLAGE}, s.grid_code, ${COUNTY} from stage s
          on conflict (village_code, ${key}) do update set ${sets(all)}, version = t.version + 1
          where ${changed(all)}
          returning (xmax = 0) as inserted`;
}

const PERSON_COLS = ['name', 'gender', 'birth_date', 'ethnicity', 'phone', 'residency', 'tags', 'household_id', 'address_id', 'village_code', 'grid_code', 'county_code'];
const PERSON_VALUES = [
  's.name', 's.gender', 's.birth_date', 's.ethnicity', 's.phone', 's.residency', 's.tags',
  refId('household_number', 'household', 'number'), refId('address_number', 'address', 'number'), VILLAGE, 's.grid_code', COUNTY,
];
const PERSON_RETURNING = 't.village_code, t.residency, t.tags';

export const KINDS: Record<string, ImportKind> = {
  residents: {
    table: 'person',
    incrementalRollup: {
      // `o` is the row as it was (the statement's snapshot), so `was` is the village a resident moves away from.
      // (Joined through `person` by ID number rather than through `known`: without statistics on the temporary
      // table the planner then estimated a large join and scanned all of `person`, 1 s a batch.)
      update: `update person t set (${PERSON_COLS.join(', ')}) = (${PERSON_COLS.map((c) => `n.${c}`).join(', ')}), version = t.version + 1
                 from (select o.id, o.village_code as was, ${PERSON_VALUES.map((v, i) => `${v} as ${PERSON_COLS[i]}`).join(', ')}
                         from stage s join person o on o.id_number = s.id_number) n
                where t.id = n.id and ${changed(PERSON_COLS, 'n')}
                returning false, ${PERSON_RETURNING}, n.was`,
      insert: `insert into person as t (id_number, ${PERSON_COLS.join(', ')})
               select s.id_number, ${PERSON_VALUES.join(', ')} from stage s where not exists (select 1 from known k where k.id_number = s.id_number)
               returning true, ${PERSON_RETURNING}, null::text`,
      // A resident to update is one whose ID number the hub knows, which `known` lists.
      updateAfterPrepare: true,
    },
    columns: ['id_number', 'name', 'gender', 'birth_date', 'ethnicity', 'phone', 'residency', 'tags', 'grid_code', 'household_number', 'address_number'],
    required: ['id_number', 'name', 'ethnicity', 'residency', 'grid_code'],
    stage: [
      ['id_number', 'text'], ['name', 'text'], ['gender', 'text'], ['birth_date', 'date'], ['ethnicity', 'text'], ['phone', 'text'], ['residency', 'text'],
      ['tags', 'text[]'], ['grid_code', 'text'], ['household_number', 'text'], ['address_number', 'text'],
    ],
    parse(f, ctx) {
      // The ID number is the natural key, so an import needs it even for residents the mutation lets go without.
      const id = parseCitizenId(f.id_number ?? '');
      if (f.gender && oneOf(f.gender, GENDER, 'gender') !== id.gender) throw badInput(`gender ${f.gender} disagrees with the ID number (${id.gender}).`, { argument: 'gender' });
      if (f.birth_date && f.birth_date.trim() !== id.birthDate) throw badInput(`birth_date ${f.birth_date} disagrees with the ID number (${id.birthDate}).`, { argument: 'birth_date' });
      const tags = f.tags ? [...new Set(f.tags.split(/[;|]/).map((t) => t.trim()).filter(Boolean))].sort() : [];
      for (const t of tags) oneOf(t, PERSON_TAGS, 'tags');
      return [
        id.idNumber, text(f.name, 'name', 50), id.gender, id.birthDate, text(f.ethnicity, 'ethnicity', 20), f.phone == null ? null : parsePhone(f.phone),
        oneOf(f.residency, RESIDENCY, 'residency'), tags, grid(f, ctx), localNumber(f.household_number, 'household_number'), localNumber(f.address_number, 'address_number'),
      ];
    },
    key: (v) => String(v[0]),
    prepare: `create temp table known on commit drop as select * from hub_known_people(array(select id_number from stage))`,
    checks: [
      refCheck('household_number', 'household', 'number', 'household'),
      refCheck('address_number', 'address', 'number', 'address'),
      {
        field: 'id_number',
        reason: 'is registered to a resident outside your jurisdiction; the registering county must move them',
        bad: 's.id_number in (select k.id_number from known k where k.outside)',
        afterPrepare: true,
      },
    ],
  },
  addresses: {
    table: 'address',
    columns: ['grid_code', 'number', 'text'],
    required: ['grid_code', 'number', 'text'],
    stage: [['grid_code', 'text'], ['number', 'text'], ['text', 'text']],
    parse: (f, ctx) => [grid(f, ctx), text(f.number, 'number', 50), text(f.text, 'text', 200)],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [],
    upsert: villageKeyed('address', 'number', ['text'], ['s.text']),
  },
  houses: {
    table: 'house',
    columns: ['grid_code', 'number', 'use', 'area', 'address_number'],
    required: ['grid_code', 'number', 'use'],
    stage: [['grid_code', 'text'], ['number', 'text'], ['use', 'text'], ['area', 'numeric'], ['address_number', 'text']],
    parse(f, ctx) {
      const area = f.area == null ? null : Number(f.area);
      if (area != null && !(area > 0 && area < 100000)) throw badInput(`area "${f.area}" must be a number of square metres above 0 and below 100000.`, { argument: 'area' });
      return [grid(f, ctx), text(f.number, 'number', 50), oneOf(f.use, HOUSE_USE, 'use'), area, localNumber(f.address_number, 'address_number')];
    },
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [refCheck('address_number', 'address', 'number', 'address')],
    upsert: villageKeyed('house', 'number', ['use', 'area', 'address_id'], ['s.use', 's.area', refId('address_number', 'address', 'number')]),
  },
  households: {
    table: 'household',
    columns: ['grid_code', 'number', 'address_number', 'house_number', 'head_id_number'],
    required: ['grid_code', 'number'],
    stage: [['grid_code', 'text'], ['number', 'text'], ['address_number', 'text'], ['house_number', 'text'], ['head_id_number', 'text']],
    parse: (f, ctx) => [
      grid(f, ctx), text(f.number, 'number', 50), localNumber(f.address_number, 'address_number'), localNumber(f.house_number, 'house_number'),
      f.head_id_number == null ? null : parseCitizenId(f.head_id_number).idNumber,
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [
      refCheck('address_number', 'address', 'number', 'address'),
      refCheck('house_number', 'house', 'number', 'house'),
      refCheck('head_id_number', 'person', 'id_number', 'resident'),
    ],
    upsert: villageKeyed(
      'household', 'number', ['address_id', 'house_id', 'head_id'],
      [refId('address_number', 'address', 'number'), refId('house_number', 'house', 'number'), refId('head_id_number', 'person', 'id_number')],
    ),
  },
  sites: {
    table: 'site',
    columns: ['grid_code', 'external_id', 'name', 'kind', 'contact_name', 'contact_phone', 'address_number'],
    required: ['grid_code', 'external_id', 'name', 'kind'],
    stage: [['grid_code', 'text'], ['external_id', 'text'], ['name', 'text'], ['kind', 'text'], ['contact_name', 'text'], ['contact_phone', 'text'], ['address_number', 'text']],
    parse: (f, ctx) => [
      grid(f, ctx), text(f.external_id, 'external_id', 64), text(f.name, 'name', 100), oneOf(f.kind, SITE_KIND, 'kind'), opt(f.contact_name, 'contact_name', 50),
      f.contact_phone == null ? null : parsePhone(f.contact_phone), localNumber(f.address_number, 'address_number'),
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [refCheck('address_number', 'address', 'number', 'address')],
    upsert: villageKeyed(
      'site', 'external_id', ['name', 'kind', 'contact_name', 'contact_phone', 'address_id'],
      ['s.name', 's.kind', 's.contact_name', 's.contact_phone', refId('address_number', 'address', 'number')],
    ),
  },
  'joint-defense-groups': {
    table: 'joint_defense_group',
    columns: ['grid_code', 'external_id', 'name', 'leader_id_number'],
    required: ['grid_code', 'external_id', 'name'],
    stage: [['grid_code', 'text'], ['external_id', 'text'], ['name', 'text'], ['leader_id_number', 'text']],
    parse: (f, ctx) => [
      grid(f, ctx), text(f.external_id, 'external_id', 64), text(f.name, 'name', 100),
      f.leader_id_number == null ? null : parseCitizenId(f.leader_id_number).idNumber,
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [refCheck('leader_id_number', 'person', 'id_number', 'resident')],
    upsert: villageKeyed('joint_defense_group', 'external_id', ['name', 'leader_id'], ['s.name', refId('leader_id_number', 'person', 'id_number')]),
  },
  'patrol-teams': {
    table: 'patrol_team',
    columns: ['grid_code', 'external_id', 'name', 'kind'],
    required: ['grid_code', 'external_id', 'name', 'kind'],
    stage: [['grid_code', 'text'], ['external_id', 'text'], ['name', 'text'], ['kind', 'text']],
    parse: (f, ctx) => [grid(f, ctx), text(f.external_id, 'external_id', 64), text(f.name, 'name', 100), oneOf(f.kind, TEAM_KIND, 'kind')],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
    checks: [],
    upsert: villageKeyed('patrol_team', 'external_id', ['name', 'kind'], ['s.name', 's.kind']),
  },
  /**
   * Reported disputes (矛盾纠纷) taken in from another system's register, each
   * as `reportDispute` would: a case number from the county's yearly counter,
   * deadlines from the rules, status REPORTED, its parties and a REPORT step
   * on the timeline. The external id is the case's idempotency key (prefixed
   * `import:`), so a file imported twice reports each case once. A case that
   * exists is left alone when the row matches it and rejected when it does
   * not: once reported, a case changes only through its handling steps.
   * Parties: `ROLE:name` or `ROLE:<ID number of a resident>`, separated by `;`.
   */
  disputes: {
    table: 'dispute',
    columns: ['external_id', 'grid_code', 'category', 'scale', 'source', 'summary', 'occurred_at', 'parties'],
    required: ['external_id', 'grid_code', 'category', 'scale', 'source', 'summary', 'parties'],
    stage: [
      ['external_id', 'text'], ['grid_code', 'text'], ['category', 'text'], ['scale', 'text'], ['source', 'text'], ['summary', 'text'],
      ['occurred_at', 'timestamptz'], ['parties', 'jsonb'],
    ],
    parse(f, ctx) {
      let occurred: string | null = null;
      if (f.occurred_at != null) {
        const at = new Date(f.occurred_at.trim());
        if (!/^\d{4}-\d{2}-\d{2}/.test(f.occurred_at.trim()) || Number.isNaN(at.getTime())) throw badInput(`occurred_at "${f.occurred_at}" is not an ISO date-time.`, { argument: 'occurred_at' });
        if (at.getTime() > Date.now() + 5 * 60_000) throw badInput('occurred_at is in the future.', { argument: 'occurred_at' });
        occurred = at.toISOString();
      }
      const parties = (f.parties ?? '').split(';').map((p) => p.trim()).filter(Boolean).map((entry) => {
        const at = entry.search(/[:：]/);
        if (at < 0) throw badInput(`parties: "${entry}" is not ROLE:name or ROLE:ID number.`, { argument: 'parties' });
        const role = oneOf(entry.slice(0, at), PARTY_ROLE, 'parties');
        const who = entry.slice(at + 1).trim();
        if (!/^\d{17}[\dXx]$/.test(who)) return { role, name: text(who, 'parties', 50) };
        try {
          return { role, id_number: parseCitizenId(who).idNumber };
        } catch (e) {
          throw badInput(`parties: ${(e as Error).message}`, { argument: 'parties' });
        }
      });
      if (!parties.length) throw badInput('A dispute needs at least one party.', { argument: 'parties' });
      return [
        text(f.external_id, 'external_id', 64), grid(f, ctx), oneOf(f.category, DISPUTE_CATEGORY, 'category'), oneOf(f.scale, DISPUTE_SCALE, 'scale'),
        oneOf(f.source, DISPUTE_SOURCE, 'source'), text(f.summary, 'summary', 2000), occurred, JSON.stringify(parties),
      ];
    },
    key: (v) => `${String(v[1]).slice(0, 6)}/${v[0]}`,
    checks: [
      {
        field: 'parties',
        reason: 'names an ID number of no resident in your jurisdiction',
        bad: `exists (select 1 from jsonb_array_elements(s.parties) e
                      where e->>'id_number' is not null and not exists (select 1 from person r where r.id_number = e->>'id_number'))`,
      },
      {
        field: 'external_id',
        reason: 'is a case already reported with other details; a reported case changes only through its handling steps',
        bad: `exists (select 1 from dispute d where d.county_code = ${COUNTY} and d.idempotency_key = 'import:' || s.external_id
                and (d.grid_code, d.category, d.scale, d.source, d.summary, d.occurred_at) is distinct from (s.grid_code, s.category, s.scale, s.source, s.summary, s.occurred_at))`,
      },
    ],
    // One statement: number the new cases per county from the yearly counter (China Standard Time year, as
    // reportDispute does), insert them with their deadlines, parties and REPORT step (data-modifying WITH
    // parts always run to completion, read or not).
    upsert: `with fresh as (
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
                                    occurred_at, reported_at, status, contact_by, settle_by, created_by)
               select gen_random_uuid(), f.county || '-' || (select y from year) || '-' || lpad((c.upto - pc.n + f.rn)::text, 6, '0'),
                      'import:' || f.external_id, f.category, f.scale, f.source, f.summary, left(f.grid_code, 12), f.grid_code, f.county,
                      f.occurred_at, now(), 'REPORTED', now() + make_interval(mins => r.contact_minutes), now() + make_interval(hours => r.settle_hours),
                      current_setting('hub.import_subject')
                 from fresh f join counter c on c.county_code = f.county join per_county pc on pc.county = f.county
                 cross join lateral (
                   select coalesce(min(x.contact_minutes), 60) as contact_minutes, coalesce(min(x.settle_hours), 72) as settle_hours from (
                     select contact_minutes, settle_hours from deadline_rule
                      where (category = f.category or category is null) and (scale = f.scale or scale is null)
                      order by (category is not null) desc, (scale is not null) desc limit 1) x) r
               returning id, idempotency_key, county_code, source, summary, village_code, grid_code),
             parties as (
               insert into dispute_party (dispute_id, person_id, name, role, village_code, grid_code)
               select i.id, p.id, coalesce(p.name, e->>'name'), e->>'role', i.village_code, i.grid_code
                 from ins i join fresh f on f.county = i.county_code and 'import:' || f.external_id = i.idempotency_key
                 cross join jsonb_array_elements(f.parties) e
                 left join person p on p.id_number = e->>'id_number'
               returning 1),
             steps as (
               insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code)
               select i.id, now(), 'VILLAGE', 'REPORT', current_setting('hub.import_actor'), i.source || ': ' || left(i.summary, 200), 'REPORTED', i.village_code, i.grid_code
                 from ins i
               returning 1)
             select true as inserted from ins`,
  },
};
