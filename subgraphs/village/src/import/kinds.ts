import { inJurisdiction, type Caller } from '../../../../platform/caller.ts';
import { parseCitizenId, parsePhone } from '../../../../domain/citizen-id.ts';
import { parseCodeOfLevel } from '../../../../domain/codes.ts';
import { checkTagsForAge } from '../../../../domain/tags.ts';
import { badInput } from '../../../../platform/errors.ts';
import { saidOf } from '../../../../platform/language.ts';
import type { CopyValue } from '../../../../platform/bulk.ts';
import { text } from '../../../../platform/validate.ts';
import { loadSchema } from '../../../../platform/service.ts';
import { Kind } from 'graphql';
import { KIND_SQL, type KindName, type KindSql } from '../store/import-kinds.ts';
import { committeeRow, gridStaffRow, mediatorRow, type RowContext, type Staged } from '../forces/fields.ts';

/**
 * What each importable kind accepts and how its rows land. Rows are checked
 * in two places: field rules here (the same helpers the mutations use), and
 * rules that need the database (the grid exists, a referenced household is
 * in the same village) as set-based checks over the whole batch, declared
 * with the kind's stage and writes in ../store/import-kinds.ts. Every kind
 * upserts by its natural key and leaves a row alone when nothing in it
 * differs, so importing the same file twice changes nothing.
 */
export type Fields = Record<string, string | null>;

/** What a row is checked against: the caller, and the grids of its jurisdiction (loaded once per import). */
export interface ParseContext {
  caller: Caller;
  grids: ReadonlySet<string>;
}

/** A kind's field rules; its SQL (stage, checks, writes) comes from ../store/import-kinds.ts. */
interface KindRules {
  /** Columns the file may have (snake_case, as the export writes them); `required` ones must be filled. */
  columns: readonly string[];
  required: readonly string[];
  /** Turns a record into staged values (in the order of the kind's `stage` columns), throwing a typed error naming the field. */
  parse(f: Fields, ctx: ParseContext): CopyValue[];
  /** The natural key of parsed values, to refuse a second row with the same key in one batch. */
  key(values: CopyValue[]): string;
}

export type ImportKind = KindSql & KindRules;

function grid(f: Fields, { caller, grids }: ParseContext): string {
  // The grids are those of the caller's jurisdiction, so a code among them is valid as it stands (the common case).
  if (f.grid_code && grids.has(f.grid_code)) return f.grid_code;
  const code = parseCodeOfLevel(f.grid_code ?? '', 'GRID', 'grid_code');
  if (!inJurisdiction(caller, code)) {
    throw badInput(
      {
        zh: `grid_code ${code} 不在您的辖区（${caller.jurisdiction || '无'}）内。`,
        en: `grid_code ${code} is outside your jurisdiction (${caller.jurisdiction || 'none'}).`,
      },
      { argument: 'grid_code' },
    );
  }
  if (!grids.has(code)) {
    throw badInput({ zh: `grid_code ${code} 不是本枢纽登记的网格。`, en: `grid_code ${code} is not a grid the hub knows.` }, { argument: 'grid_code' });
  }
  return code;
}

function oneOf(value: string | null | undefined, allowed: readonly string[], field: string): string {
  const v = (value ?? '').trim().toUpperCase();
  if (!allowed.includes(v)) {
    throw badInput(
      { zh: `${field}“${value ?? ''}”不在 ${allowed.join(', ')} 之中。`, en: `${field} "${value ?? ''}" is not one of ${allowed.join(', ')}.` },
      { argument: field },
    );
  }
  return v;
}

const opt = (v: string | null | undefined, field: string, max: number) => (v == null ? null : text(v, field, max));
const localNumber = (v: string | null | undefined, field: string) => opt(v, field, 50);

/** An enum's values as the village schema declares them, so a file is checked against exactly what the API accepts. */
const schemaEnums = new Map(
  loadSchema('village').definitions.flatMap((d) =>
    d.kind === Kind.ENUM_TYPE_DEFINITION ? [[d.name.value, (d.values ?? []).map((v) => v.name.value)] as const] : [],
  ),
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

/** The villages of the grids an import may name, worked out once per import. */
const villagesOfGrids = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
function villagesOf(grids: ReadonlySet<string>): ReadonlySet<string> {
  let v = villagesOfGrids.get(grids);
  if (!v) villagesOfGrids.set(grids, (v = new Set([...grids].map((g) => g.slice(0, 12)))));
  return v;
}

/**
 * How a file reads a row of the forces' one write path (../forces/fields.ts,
 * shared with the mutations): fields are named by their columns, and the
 * grids and villages are those of the caller's jurisdiction.
 */
function forcesRow(f: Fields, ctx: ParseContext, row: (f: Fields, rc: RowContext) => Staged[]): Staged[] {
  const values = row(f, {
    caller: ctx.caller,
    knowsGrid: (code) => ctx.grids.has(code),
    knowsVillage: (code) => villagesOf(ctx.grids).has(code),
    name: (column) => column,
  });
  // A file row is matched by its registry id (as exported) or by the source system's id, so the same file imported twice changes nothing.
  if (values[0] == null && values[2] == null) {
    throw badInput(
      {
        zh: 'external_id（外部编号）为必填项，除非该行以 id（系统编号）指明要修改的记录。',
        en: 'external_id is required unless the row names the record to change by its id.',
      },
      { argument: 'external_id' },
    );
  }
  return values;
}

/** The key of a forces row: its registry id, or the source system's id within `scope` (a village or committee). */
const forcesKey = (v: CopyValue[], scope: string) => (v[0] != null ? `id:${v[0]}` : `${scope}/${v[2]}`);

export const KINDS: Record<KindName, ImportKind> = {
  residents: {
    ...KIND_SQL.residents,
    columns: ['id_number', 'name', 'gender', 'birth_date', 'ethnicity', 'phone', 'residency', 'tags', 'grid_code', 'household_number', 'address_number'],
    required: ['id_number', 'name', 'ethnicity', 'residency', 'grid_code'],
    parse(f, ctx) {
      // The ID number is the natural key, so an import needs it even for residents the mutation lets go without.
      const id = parseCitizenId(f.id_number ?? '');
      if (f.gender && oneOf(f.gender, GENDER, 'gender') !== id.gender) {
        throw badInput(
          { zh: `gender（性别）${f.gender} 与公民身份号码（${id.gender}）不符。`, en: `gender ${f.gender} disagrees with the ID number (${id.gender}).` },
          { argument: 'gender' },
        );
      }
      if (f.birth_date && f.birth_date.trim() !== id.birthDate) {
        throw badInput(
          {
            zh: `birth_date（出生日期）${f.birth_date} 与公民身份号码（${id.birthDate}）不符。`,
            en: `birth_date ${f.birth_date} disagrees with the ID number (${id.birthDate}).`,
          },
          { argument: 'birth_date' },
        );
      }
      const tags = f.tags
        ? [
            ...new Set(
              f.tags
                .split(/[;|]/)
                .map((t) => t.trim())
                .filter(Boolean),
            ),
          ].sort()
        : [];
      for (const t of tags) oneOf(t, PERSON_TAGS, 'tags');
      checkTagsForAge(tags, id.birthDate);
      return [
        id.idNumber,
        text(f.name, 'name', 50),
        id.gender,
        id.birthDate,
        text(f.ethnicity, 'ethnicity', 20),
        f.phone == null ? null : parsePhone(f.phone),
        oneOf(f.residency, RESIDENCY, 'residency'),
        tags,
        grid(f, ctx),
        localNumber(f.household_number, 'household_number'),
        localNumber(f.address_number, 'address_number'),
      ];
    },
    key: (v) => String(v[0]),
  },
  addresses: {
    ...KIND_SQL.addresses,
    columns: ['grid_code', 'number', 'text'],
    required: ['grid_code', 'number', 'text'],
    parse: (f, ctx) => [grid(f, ctx), text(f.number, 'number', 50), text(f.text, 'text', 200)],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
  },
  houses: {
    ...KIND_SQL.houses,
    columns: ['grid_code', 'number', 'use', 'area', 'address_number'],
    required: ['grid_code', 'number', 'use'],
    parse(f, ctx) {
      const area = f.area == null ? null : Number(f.area);
      if (area != null && !(area > 0 && area < 100000)) {
        throw badInput(
          {
            zh: `area（建筑面积）“${f.area}”应为大于 0 且小于 100000 的平方米数。`,
            en: `area "${f.area}" must be a number of square metres above 0 and below 100000.`,
          },
          { argument: 'area' },
        );
      }
      return [grid(f, ctx), text(f.number, 'number', 50), oneOf(f.use, HOUSE_USE, 'use'), area, localNumber(f.address_number, 'address_number')];
    },
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
  },
  households: {
    ...KIND_SQL.households,
    columns: ['grid_code', 'number', 'address_number', 'house_number', 'head_id_number'],
    required: ['grid_code', 'number'],
    parse: (f, ctx) => [
      grid(f, ctx),
      text(f.number, 'number', 50),
      localNumber(f.address_number, 'address_number'),
      localNumber(f.house_number, 'house_number'),
      f.head_id_number == null ? null : parseCitizenId(f.head_id_number).idNumber,
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
  },
  sites: {
    ...KIND_SQL.sites,
    columns: ['grid_code', 'external_id', 'name', 'kind', 'contact_name', 'contact_phone', 'address_number'],
    required: ['grid_code', 'external_id', 'name', 'kind'],
    parse: (f, ctx) => [
      grid(f, ctx),
      text(f.external_id, 'external_id', 64),
      text(f.name, 'name', 100),
      oneOf(f.kind, SITE_KIND, 'kind'),
      opt(f.contact_name, 'contact_name', 50),
      f.contact_phone == null ? null : parsePhone(f.contact_phone),
      localNumber(f.address_number, 'address_number'),
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
  },
  'joint-defense-groups': {
    ...KIND_SQL['joint-defense-groups'],
    columns: ['grid_code', 'external_id', 'name', 'leader_id_number'],
    required: ['grid_code', 'external_id', 'name'],
    parse: (f, ctx) => [
      grid(f, ctx),
      text(f.external_id, 'external_id', 64),
      text(f.name, 'name', 100),
      f.leader_id_number == null ? null : parseCitizenId(f.leader_id_number).idNumber,
    ],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
  },
  'patrol-teams': {
    ...KIND_SQL['patrol-teams'],
    columns: ['grid_code', 'external_id', 'name', 'kind'],
    required: ['grid_code', 'external_id', 'name', 'kind'],
    parse: (f, ctx) => [grid(f, ctx), text(f.external_id, 'external_id', 64), text(f.name, 'name', 100), oneOf(f.kind, TEAM_KIND, 'kind')],
    key: (v) => `${String(v[0]).slice(0, 12)}/${v[1]}`,
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
    ...KIND_SQL.disputes,
    columns: ['external_id', 'grid_code', 'category', 'scale', 'source', 'summary', 'occurred_at', 'parties'],
    required: ['external_id', 'grid_code', 'category', 'scale', 'source', 'summary', 'parties'],
    parse(f, ctx) {
      let occurred: string | null = null;
      if (f.occurred_at != null) {
        const at = new Date(f.occurred_at.trim());
        if (!/^\d{4}-\d{2}-\d{2}/.test(f.occurred_at.trim()) || Number.isNaN(at.getTime())) {
          throw badInput(
            { zh: `occurred_at“${f.occurred_at}”不是 ISO 格式的日期时间。`, en: `occurred_at "${f.occurred_at}" is not an ISO date-time.` },
            { argument: 'occurred_at' },
          );
        }
        if (at.getTime() > Date.now() + 5 * 60_000) {
          throw badInput({ zh: 'occurred_at（发生时间）不能晚于当前时间。', en: 'occurred_at is in the future.' }, { argument: 'occurred_at' });
        }
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
              { zh: `parties：“${entry}”不是“角色:姓名”或“角色:公民身份号码”的格式。`, en: `parties: "${entry}" is not ROLE:name or ROLE:ID number.` },
              { argument: 'parties' },
            );
          }
          const role = oneOf(entry.slice(0, at), PARTY_ROLE, 'parties');
          const who = entry.slice(at + 1).trim();
          if (!/^\d{17}[\dXx]$/.test(who)) return { role, name: text(who, 'parties', 50) };
          try {
            return { role, id_number: parseCitizenId(who).idNumber };
          } catch (e) {
            const why = saidOf(e instanceof Error ? e : { message: String(e) });
            throw badInput({ zh: `parties：${why.zh}`, en: `parties: ${why.en}` }, { argument: 'parties' });
          }
        });
      if (!parties.length) throw badInput({ zh: '矛盾纠纷至少要有一名当事人。', en: 'A dispute needs at least one party.' }, { argument: 'parties' });
      return [
        text(f.external_id, 'external_id', 64),
        grid(f, ctx),
        oneOf(f.category, DISPUTE_CATEGORY, 'category'),
        oneOf(f.scale, DISPUTE_SCALE, 'scale'),
        oneOf(f.source, DISPUTE_SOURCE, 'source'),
        text(f.summary, 'summary', 2000),
        occurred,
        JSON.stringify(parties),
      ];
    },
    key: (v) => `${String(v[1]).slice(0, 6)}/${v[0]}`,
  },
  /**
   * Grid staff (1+3+N), mediation committees and mediators: the columns
   * their export writes, through the same field rules, checks and write as
   * createGridStaff / updateGridStaff and the committee and mediator
   * mutations (docs/ARCHITECTURE.md, "Maintaining the forces"). A row with an
   * id changes that record; one without is matched by external_id. A column
   * absent from the file keeps the stored value; an empty cell clears it.
   */
  'grid-staff': {
    ...KIND_SQL['grid-staff'],
    columns: ['id', 'external_id', 'grid_code', 'role', 'name', 'phone', 'person_id', 'id_number', 'version'],
    required: ['grid_code'],
    parse: (f, ctx) => forcesRow(f, ctx, gridStaffRow),
    key: (v) => forcesKey(v, String(v[3]).slice(0, 12)),
  },
  'mediation-committees': {
    ...KIND_SQL['mediation-committees'],
    columns: ['id', 'external_id', 'village_code', 'name', 'kind', 'version'],
    required: ['village_code'],
    parse: (f, ctx) => forcesRow(f, ctx, committeeRow),
    key: (v) => forcesKey(v, String(v[3])),
  },
  mediators: {
    ...KIND_SQL.mediators,
    columns: ['id', 'external_id', 'committee_id', 'name', 'full_time', 'phone', 'person_id', 'id_number', 'version'],
    required: ['committee_id'],
    parse: (f, ctx) => forcesRow(f, ctx, mediatorRow),
    key: (v) => forcesKey(v, String(v[3])),
  },
};

const isKindName = (name: string): name is KindName => Object.hasOwn(KINDS, name);

/** The kind a route segment names, if any. */
export function importKind(name: string): ImportKind | undefined {
  return isKindName(name) ? KINDS[name] : undefined;
}
