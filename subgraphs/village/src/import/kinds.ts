import type { Caller } from '../../../shared/caller.ts';
import { parseCitizenId, parsePhone } from '../../../shared/citizen-id.ts';
import { parseCodeOfLevel } from '../../../shared/codes.ts';
import { badInput } from '../../../shared/errors.ts';
import type { CopyValue } from '../../../shared/bulk.ts';
import { text } from '../../../shared/validate.ts';

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
  /** SQL run once the batch is staged, before the checks (residents: look up the batch's ID numbers once). */
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
}

const VILLAGE = 'left(s.grid_code, 12)';
const COUNTY = 'left(s.grid_code, 6)';

/** A reference to another record of the same village by its local number (or a resident by ID number). */
function refCheck(field: string, table: string, column: string, what: string): SetCheck {
  return {
    field,
    reason: `names no ${what} in this village`,
    bad: `s.${field} is not null and not exists (select 1 from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field})`,
  };
}
const refId = (field: string, table: string, column: string) =>
  `case when s.${field} is not null then (select r.id from ${table} r where r.village_code = ${VILLAGE} and r.${column} = s.${field}) end`;

function grid(f: Fields, { caller, grids }: ParseContext): string {
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

const RESIDENCY = ['REGISTERED', 'FLOATING', 'OVERSEAS'];
const GENDER = ['MALE', 'FEMALE'];
export const PERSON_TAGS = [
  'RELEASED_PRISONER', 'COMMUNITY_CORRECTION', 'SEVERE_MENTAL_DISORDER', 'DRUG_USER', 'HIV_RISK', 'KEY_YOUTH_IDLE', 'KEY_YOUTH_BAD_BEHAVIOUR',
  'KEY_YOUTH_VAGRANT', 'KEY_YOUTH_CHILD_OF_INMATE', 'LEFT_BEHIND_CHILD', 'LEFT_BEHIND_ELDERLY', 'EXTREME_POVERTY',
];
const HOUSE_USE = ['SELF_OCCUPIED', 'RENTED', 'VACANT', 'COMMERCIAL'];
const SITE_KIND = ['SCHOOL', 'RELIGIOUS_SITE', 'MARKET', 'SCENIC_AREA', 'HOSPITAL', 'ENTERPRISE', 'RAILWAY_LINE'];
const TEAM_KIND = ['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER'];

/** `cols` compared between the stored row `t` and the incoming one: an update happens only when one differs. */
const changed = (cols: string[]) => `(${cols.map((c) => `t.${c}`).join(', ')}) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')})`;
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
                where t.id = n.id and (${PERSON_COLS.map((c) => `t.${c}`).join(', ')}) is distinct from (${PERSON_COLS.map((c) => `n.${c}`).join(', ')})
                returning false, ${PERSON_RETURNING}, n.was`,
      insert: `insert into person as t (id_number, ${PERSON_COLS.join(', ')})
               select s.id_number, ${PERSON_VALUES.join(', ')} from stage s where not exists (select 1 from known k where k.id_number = s.id_number)
               returning true, ${PERSON_RETURNING}, null::text`,
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
};
