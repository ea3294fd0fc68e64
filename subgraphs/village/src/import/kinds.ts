import { inJurisdiction, type Caller } from '../../../../platform/caller.ts';
import { parseCitizenId } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { badInput, forbidden, quote } from '../../../../domain/errors.ts';
import { schemaEnum, type SchemaEnum } from '../enums.ts';
import { noParty, onePartyEach } from '../../../../domain/parties.ts';
import { saidOf } from '../../../../platform/language.ts';
import type { PoolClient } from 'pg';
import { checkTagsForAge } from '../../../../domain/tags.ts';
import { birthDates } from '../store/import.ts';
import type { CopyValue } from '../../../../platform/bulk.ts';
import { disputeId, occurredNotInFuture, personName, text } from '../../../../platform/validate.ts';
import { parseFileInstant } from '../../../../platform/scalars.ts';
import { KIND_SQL, type KindName, type KindSql } from '../store/import-kinds.ts';
import { exportKind } from '../store/export.ts';
import { stagedRow, type RowKind } from '../store/row-kinds.ts';
import {
  addressFields,
  committeeFields,
  gridStaffFields,
  groupFields,
  householdFields,
  houseFields,
  mediatorFields,
  oneOf as oneOfEnum,
  personFields,
  siteFields,
  teamFields,
  type FieldContext,
  type FieldValues,
} from '../registry/fields.ts';
import { required, ruleError, villageOfGrid } from '../registry/rules.ts';

/**
 * What each importable kind accepts and how its rows land. Rows are checked
 * in two places: field rules (for the registry's kinds the very functions
 * the mutations call, ../registry/fields.ts), and rules that need the
 * database as set-based checks over the whole batch, declared with the
 * kind's stage and writes in ../store/import-kinds.ts (for the registry's
 * kinds the mutations' own checks, docs/ARCHITECTURE.md "One write path per
 * kind"). Every kind takes the columns its export writes: read-only ones
 * (village_code, case_number, …) are accepted and checked or ignored, `id`
 * names the record to change and `version` must be current when the row
 * changes it. A row is written only when something in it differs, so
 * importing the same file twice, or an export, changes nothing.
 */
export type Fields = Record<string, string | null>;

/** What a row is checked against: the caller, and the grids of its jurisdiction (loaded once per import). */
export interface ParseContext {
  caller: Caller;
  grids: ReadonlySet<string>;
}

/** A kind's field rules; its SQL (stage, checks, writes) comes from ../store/import-kinds.ts. */
interface KindRules {
  /** Columns the file may have (snake_case, as the export writes them); `required` ones must be in the header. */
  columns: readonly string[];
  required: readonly string[];
  /**
   * The header must have one of these sets of key columns (e.g. `id`, or `id_number`). Each set names the key's own
   * column first (a number, an external id) and then what it is unique within (a grid, a village, a committee): a
   * row repeating an earlier one's key is rejected naming that first column.
   */
  keyColumns?: readonly (readonly string[])[];
  /** Turns a record into staged values (in the order of the kind's `stage` columns), throwing a typed error naming the field. */
  parse(f: Fields, ctx: ParseContext): CopyValue[];
  /** The natural key of parsed values, to refuse a second row with the same key in one batch. */
  key(values: CopyValue[]): string;
  /**
   * A second key a row keyed by `key` also holds, named by its column: a resident named by id who is given an ID
   * number holds that number too, which no other row in flight may write (a new resident's insert under it would make
   * the earlier batch's update wait on the unique index for a later batch, which waits for its commit).
   */
  heldKey?(values: CopyValue[]): { key: string; field: string } | undefined;
  /** Completes a batch's parsed rows with what only the registry knows, before they are staged (rows carry `line` first). */
  beforeStage?(client: PoolClient, rows: CopyValue[][]): Promise<void>;
}

export type ImportKind = KindSql & KindRules;

function grid(f: Fields, { caller, grids }: ParseContext): string {
  // The grids are those of the caller's jurisdiction, so a code among them is valid as it stands (the common case).
  if (f.grid_code && grids.has(f.grid_code)) return f.grid_code;
  const code = parseCodeOfLevel(f.grid_code ?? '', 'GRID', 'grid_code');
  // FORBIDDEN, as reportDispute and the registry kinds answer a grid outside the jurisdiction.
  if (!inJurisdiction(caller, code)) {
    throw forbidden(
      {
        zh: `grid_code ${code} 不在您的辖区（${caller.jurisdiction || '无'}）内。`,
        en: `grid_code ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`,
      },
      { argument: 'grid_code', rule: 'gridOutside' },
    );
  }
  if (!grids.has(code)) {
    throw badInput(
      { zh: `grid_code ${code} 不是本枢纽登记的网格。`, en: `grid_code ${code} is not a grid the hub knows.` },
      { argument: 'grid_code', rule: 'gridUnknown' },
    );
  }
  return code;
}

const oneOf = (value: string | null | undefined, allowed: SchemaEnum, field: string) => oneOfEnum(value ?? '', allowed, field);

const DISPUTE_CATEGORY = schemaEnum('DisputeCategory');
const DISPUTE_SCALE = schemaEnum('DisputeScale');
const DISPUTE_SOURCE = schemaEnum('DisputeSource');
const PARTY_ROLE = schemaEnum('PartyRole');

/** How a file reads a row of the registry's one write path: fields named by their columns, grids of the caller's jurisdiction. */
const fileContexts = new WeakMap<ParseContext, FieldContext>();
function fileContext(ctx: ParseContext): FieldContext {
  let c = fileContexts.get(ctx);
  if (!c) {
    const knowsVillage = (code: string) => villagesOf(ctx.grids).has(code);
    fileContexts.set(ctx, (c = { caller: ctx.caller, knowsGrid: (code) => ctx.grids.has(code), knowsVillage, name: (column) => column, file: true }));
  }
  return c;
}

/**
 * A registry kind's columns start with `version`: a header of that column
 * alone names no record (the header needs `id` or the natural key).
 *
 * A registry row from a file: the kind's field rules, then its key. A row
 * names the record to change by `id` (as exported) or by its natural key
 * (`keyColumns`), which a new record needs.
 */
function registryRow(kind: RowKind, fields: (f: Fields, ctx: FieldContext) => FieldValues, keyColumns: readonly string[]) {
  return (f: Fields, ctx: ParseContext): CopyValue[] => {
    const v = fields(f, fileContext(ctx));
    if (v.values.id == null) {
      const missing = keyColumns.filter((c) => v.values[c] == null);
      if (missing.length) {
        const field = missing[0]!;
        throw badInput(
          {
            zh: `${field} 为必填项（除非该行以 id 指明要修改的记录）。`,
            en: `${field} is required unless the row names the record to change by its id.`,
          },
          { argument: field, rule: 'required' },
        );
      }
    }
    return stagedRow(kind, v.values, v.given);
  };
}

/** The key of a registry row within a batch: its id, or its natural key in its village. */
const registryKey = (kind: RowKind, keyColumns: readonly string[]) => {
  const at = keyColumns.map((c) => kind.stage.findIndex(([s]) => s === c));
  return (v: CopyValue[]) =>
    v[0] != null ? `id:${v[0]}` : at.map((i, n) => (n === 0 && keyColumns[0] === 'grid_code' ? String(v[i]).slice(0, 12) : String(v[i]))).join('/');
};

/** The villages of the grids an import may name, worked out once per import. */
const villagesOfGrids = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
function villagesOf(grids: ReadonlySet<string>): ReadonlySet<string> {
  let v = villagesOfGrids.get(grids);
  if (!v) villagesOfGrids.set(grids, (v = new Set([...grids].map((g) => g.slice(0, 12)))));
  return v;
}

const RESIDENT_ROW = KIND_SQL.residents.row;
const stageAt = (column: string) => RESIDENT_ROW.stage.findIndex(([c]) => c === column);
const NEWBORN_KEY = ['grid_code', 'name', 'birth_date', 'gender'].map(stageAt);
/**
 * A resident row's key within a file: its id, else its ID number, else (a newborn's, not yet issued a number) its
 * grid, name, birth date and sex, which also find it again on a later run (store/resident-kind.ts).
 */
const residentKey = (v: CopyValue[]): string =>
  v[0] != null ? `id:${v[0]}` : v[2] != null ? String(v[2]) : `newborn:${NEWBORN_KEY.map((i) => String(v[i])).join('/')}`;
/** A village-keyed kind's key columns: its id, or its grid (for the village) and local number or external id. */
const VILLAGE_KEYS = (key: string) => [['id'], [key, 'grid_code']];

export const KINDS: Record<KindName, ImportKind> = {
  /**
   * 实有人口, by `id` or ID number. The columns of the residents export;
   * links by registry id (household_id, address_id, as exported) or by
   * local number (household_number, address_number). Sex and birth date
   * follow from the ID number (given ones must agree).
   */
  residents: {
    ...KIND_SQL.residents,
    columns: [
      'version',
      'id',
      'id_number',
      'name',
      'gender',
      'birth_date',
      'ethnicity',
      'phone',
      'residency',
      'tags',
      'grid_code',
      'village_code',
      'household_id',
      'household_number',
      'address_id',
      'address_number',
      'relationship_to_head',
    ],
    required: [],
    keyColumns: [['id'], ['id_number']],
    // A new row without an ID number is a newborn's, which personFields asks of it (newbornWithoutNumber).
    parse: registryRow(RESIDENT_ROW, personFields, []),
    key: residentKey,
    heldKey: (v) => (v[0] != null && v[2] != null ? { key: String(v[2]), field: 'id_number' } : undefined),
    beforeStage: registeredAges,
  },
  addresses: {
    ...KIND_SQL.addresses,
    columns: ['version', 'id', 'grid_code', 'village_code', 'number', 'text'],
    required: [],
    keyColumns: VILLAGE_KEYS('number'),
    parse: registryRow(KIND_SQL.addresses.row, addressFields, ['grid_code', 'number']),
    key: registryKey(KIND_SQL.addresses.row, ['grid_code', 'number']),
  },
  houses: {
    ...KIND_SQL.houses,
    columns: ['version', 'id', 'grid_code', 'village_code', 'number', 'use', 'area', 'address_id', 'address_number'],
    required: [],
    keyColumns: VILLAGE_KEYS('number'),
    parse: registryRow(KIND_SQL.houses.row, houseFields, ['grid_code', 'number']),
    key: registryKey(KIND_SQL.houses.row, ['grid_code', 'number']),
  },
  /** 户: links by registry id or local number (the head by registry id or ID number); the 十户联防 group by registry id. */
  households: {
    ...KIND_SQL.households,
    columns: [
      'version',
      'id',
      'grid_code',
      'village_code',
      'number',
      'address_id',
      'address_number',
      'house_id',
      'house_number',
      'head_id',
      'head_id_number',
      'joint_defense_group_id',
    ],
    required: [],
    keyColumns: VILLAGE_KEYS('number'),
    parse: registryRow(KIND_SQL.households.row, householdFields, ['grid_code', 'number']),
    key: registryKey(KIND_SQL.households.row, ['grid_code', 'number']),
  },
  sites: {
    ...KIND_SQL.sites,
    columns: ['version', 'id', 'grid_code', 'village_code', 'external_id', 'name', 'kind', 'contact_name', 'contact_phone', 'address_id', 'address_number'],
    required: [],
    keyColumns: VILLAGE_KEYS('external_id'),
    parse: registryRow(KIND_SQL.sites.row, siteFields, ['grid_code', 'external_id']),
    key: registryKey(KIND_SQL.sites.row, ['grid_code', 'external_id']),
  },
  /** 十户联防组: the leader (联户长) by registry id or ID number, living in one of the group's households. */
  'joint-defense-groups': {
    ...KIND_SQL['joint-defense-groups'],
    columns: ['version', 'id', 'grid_code', 'village_code', 'external_id', 'name', 'leader_id', 'leader_id_number'],
    required: [],
    keyColumns: VILLAGE_KEYS('external_id'),
    parse: registryRow(KIND_SQL['joint-defense-groups'].row, groupFields, ['grid_code', 'external_id']),
    key: registryKey(KIND_SQL['joint-defense-groups'].row, ['grid_code', 'external_id']),
  },
  'patrol-teams': {
    ...KIND_SQL['patrol-teams'],
    // member_ids, as the export writes them, is read only: members change by addPatrolTeamMembers and removePatrolTeamMembers.
    columns: ['version', 'id', 'grid_code', 'village_code', 'external_id', 'name', 'kind', 'member_ids'],
    required: [],
    keyColumns: VILLAGE_KEYS('external_id'),
    parse: registryRow(KIND_SQL['patrol-teams'].row, teamFields, ['grid_code', 'external_id']),
    key: registryKey(KIND_SQL['patrol-teams'].row, ['grid_code', 'external_id']),
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
   * A row with the case's `id` (as the export writes it) names that case,
   * however it was reported, and needs neither external id nor parties; the
   * export's other columns (case number, status, outcome, …) are the case's
   * handling and are read only.
   */
  disputes: {
    ...KIND_SQL.disputes,
    columns: [
      'id',
      'case_number',
      'external_id',
      'category',
      'scale',
      'source',
      'summary',
      'village_code',
      'grid_code',
      'occurred_at',
      'reported_at',
      'status',
      'handling_level',
      'outcome',
      'resolved_level',
      'resolved_at',
      'rating',
      'version',
      'parties',
      'decline_reason',
      'duplicate_of',
    ],
    required: ['grid_code', 'category', 'scale', 'source', 'summary'],
    keyColumns: [['id'], ['external_id', 'parties']],
    parse(f, ctx) {
      const id = f.id == null ? null : disputeId(f.id.trim(), 'id');
      let occurred: string | null = null;
      if (f.occurred_at != null) {
        const at = parseFileInstant(f.occurred_at, 'occurred_at');
        occurredNotInFuture(at, 'occurred_at');
        occurred = at.toISOString();
      }
      const parties = (f.parties ?? '')
        .split(';')
        .map((p) => p.trim())
        .filter(Boolean)
        .map((entry) => {
          const at = entry.search(/[:：]/);
          if (at < 0) {
            throw badInput(
              {
                zh: `parties：“${quote(entry)}”不是“角色:姓名”或“角色:公民身份号码”的格式。`,
                en: `parties: "${quote(entry)}" is not ROLE:name or ROLE:ID number.`,
              },
              { argument: 'parties', rule: 'partyFormat' },
            );
          }
          const role = oneOf(entry.slice(0, at), PARTY_ROLE, 'parties');
          const who = entry.slice(at + 1).trim();
          if (!/^\d{17}[\dXx]$/.test(who)) return { role, name: personName(who, 'parties', 50) };
          return { role, id_number: parseCitizenId(who, undefined, 'parties').idNumber };
        });
      if (!parties.length && !id) throw noParty('parties');
      onePartyEach(
        parties.map((p) => p.id_number),
        { zh: '公民身份号码', en: 'ID number' },
        'parties',
      );
      // A new case is keyed by its external id: a row without one lacks a required value, as a row of every import does.
      if (!id && f.external_id == null) throw ruleError(required('external_id'), { name: 'external_id' });
      const code = grid(f, ctx);
      if (f.village_code != null && f.village_code.trim() !== code.slice(0, 12)) throw ruleError(villageOfGrid, { name: 'village_code' });
      return [
        id,
        f.external_id == null ? null : text(f.external_id, 'external_id', 64),
        code,
        oneOf(f.category, DISPUTE_CATEGORY, 'category'),
        oneOf(f.scale, DISPUTE_SCALE, 'scale'),
        oneOf(f.source, DISPUTE_SOURCE, 'source'),
        text(f.summary, 'summary', 2000),
        occurred,
        JSON.stringify(parties),
      ];
    },
    key: (v) => (v[0] != null ? `id:${v[0]}` : `${String(v[2]).slice(0, 6)}/${v[1]}`),
  },
  /**
   * Grid staff (1+3+N), mediation committees and mediators: the columns
   * their export writes, through the same field rules, checks and write as
   * createGridStaff / updateGridStaff and the committee and mediator
   * mutations (docs/ARCHITECTURE.md, "One write path per kind"). A row with
   * an id changes that record; one without is matched by external_id (which
   * a new record needs) in its village or committee. A column absent from
   * the file keeps the stored value; an empty cell clears it.
   */
  'grid-staff': {
    ...KIND_SQL['grid-staff'],
    columns: ['id', 'external_id', 'grid_code', 'role', 'name', 'phone', 'person_id', 'id_number', 'version'],
    // A row changing a post by its id may give only the columns it changes (as for the registry kinds).
    required: [],
    keyColumns: [['id'], ['external_id', 'grid_code']],
    parse: registryRow(KIND_SQL['grid-staff'].row, gridStaffFields, ['grid_code', 'external_id']),
    key: registryKey(KIND_SQL['grid-staff'].row, ['grid_code', 'external_id']),
  },
  'mediation-committees': {
    ...KIND_SQL['mediation-committees'],
    columns: ['id', 'external_id', 'village_code', 'name', 'kind', 'version'],
    required: [],
    keyColumns: [['id'], ['external_id', 'village_code']],
    parse: registryRow(KIND_SQL['mediation-committees'].row, committeeFields, ['village_code', 'external_id']),
    key: registryKey(KIND_SQL['mediation-committees'].row, ['village_code', 'external_id']),
  },
  mediators: {
    ...KIND_SQL.mediators,
    columns: ['id', 'external_id', 'committee_id', 'name', 'full_time', 'phone', 'person_id', 'id_number', 'version'],
    required: [],
    keyColumns: [['id'], ['external_id', 'committee_id']],
    parse: registryRow(KIND_SQL.mediators.row, mediatorFields, ['committee_id', 'external_id']),
    key: registryKey(KIND_SQL.mediators.row, ['committee_id', 'external_id']),
  },
};

/**
 * A row changing a resident's tags by id alone, with no ID number or birth
 * date: the tags' age rules (domain/tags.ts) read the registered birth date,
 * as tagPerson does. The row's field rules could not (personFields leaves
 * their "give the birth date" refusal in tags_age); with the registered date
 * the refusal is the age rule's own, or none.
 */
async function registeredAges(client: PoolClient, rows: CopyValue[][]): Promise<void> {
  const at = (column: string) => RESIDENT_ROW.stage.findIndex(([c]) => c === column) + 1; // after `line`
  const [id, idNumber, born, tags, age] = ['id', 'id_number', 'birth_date', 'tags', 'tags_age'].map(at) as [number, number, number, number, number];
  const waiting = rows.filter((r) => r[id] != null && r[age] != null && r[idNumber] == null && r[born] == null);
  if (!waiting.length) return;
  const registered = await birthDates(
    client,
    waiting.map((r) => Number(r[id])),
  );
  for (const r of waiting) {
    const birth = registered.get(Number(r[id]));
    if (!birth) continue; // not a resident the caller holds: the row's own checks answer for it
    try {
      checkTagsForAge((r[tags] ?? []) as string[], birth);
      r[age] = null;
    } catch (e) {
      r[age] = JSON.stringify(saidOf(e instanceof Error ? e : { message: String(e) }));
    }
  }
}

const isKindName = (name: string): name is KindName => Object.hasOwn(KINDS, name);

/** The kind a route segment names, or undefined. */
export function importKind(name: string): ImportKind | undefined {
  return isKindName(name) ? KINDS[name] : undefined;
}

/**
 * The header names a kind's file may also use: the Chinese labels its XLSX
 * export writes (身份证号 for id_number), so a sheet exported, edited and
 * saved as CSV comes back as it went out.
 */
export function headerLabels(name: string, kind: ImportKind): ReadonlyMap<string, string> {
  const columns = exportKind(name)?.columns ?? [];
  const labels = new Map(columns.filter((c) => kind.columns.includes(c.key)).map((c) => [c.zh, c.key]));
  // Columns a file may give that no export writes (links by natural key, a case's parties): their Chinese headers, so
  // that a sheet with Chinese headers can add them too.
  for (const [key, zh] of IMPORT_ONLY_LABELS) if (kind.columns.includes(key) && !labels.has(zh)) labels.set(zh, key);
  // The other names registers and forms commonly give these columns, taken as the export's own.
  for (const [key, names] of HEADER_SYNONYMS) if (kind.columns.includes(key)) for (const zh of names) if (!labels.has(zh)) labels.set(zh, key);
  return labels;
}

const HEADER_SYNONYMS: readonly (readonly [string, readonly string[]])[] = [
  ['id_number', ['身份证号码', '公民身份号码', '公民身份证号码', '身份证']],
  ['phone', ['电话', '手机', '手机号', '手机号码', '联系方式']],
];

const IMPORT_ONLY_LABELS: readonly (readonly [string, string])[] = [
  ['household_number', '户号'],
  ['address_number', '地址号'],
  ['house_number', '房屋号'],
  ['head_id_number', '户主身份证号'],
  ['leader_id_number', '组长身份证号'],
  ['parties', '当事人'],
];
