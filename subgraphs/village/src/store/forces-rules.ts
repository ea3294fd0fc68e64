import { z } from 'zod';
import { col, row, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import type { Said } from '../../../../platform/errors.ts';

/**
 * One write path for the forces (grid staff, mediation committees,
 * mediators; docs/ARCHITECTURE.md, "Maintaining the forces"). A form
 * (mutation) and a file row (import) are the same staged row: the same
 * columns, checked by the same rules and written by the same statement. Only
 * the relation the row comes from differs: the import's `stage` table (a
 * batch), or a one-row select of the mutation's parameters.
 *
 * Each kind declares, over a source relation `s`:
 * - `rows(src)`: the WITH parts `n0, n` giving each staged row as it would be
 *   written (`n`: a column absent from the file or the input keeps its stored
 *   value; an empty value or null clears it), with `target` (the record it
 *   updates, by id or by external id; null for a new one) and `changed`;
 * - its rules, each a condition on one such row `x` within its batch `n`,
 *   with the field it concerns, the code a mutation answers and the reason a
 *   reject line gives;
 * - `write(src)`: one statement that updates the changed targets and inserts
 *   the new rows.
 */

export type RuleCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

export interface RowRule {
  /** The staged column (a file's column) the rule concerns: the reject's field. */
  field: string;
  /** The mutation's argument for it, when it is not the column's camelCase name. */
  argument?: string;
  /** What a mutation answers (a file row is rejected with the same reason). */
  code: RuleCode;
  /** Why a row fails, after the field's name. */
  reason: Said;
  /** SQL: true when the row `x` (of `n`, the batch as it would be written) breaks the rule. */
  bad: string;
}

/** A staged column: its name and PostgreSQL type. */
export type StageColumn = readonly [name: string, type: string];

/** The columns every kind stages first: the id and version of a record to change, and the source system's key. */
export const KEYS: readonly StageColumn[] = [
  ['id', 'integer'],
  ['version', 'integer'],
  ['external_id', 'text'],
];

/** Which fields a row gives (`given`, last staged column): the others keep their stored values. */
export const GIVEN: StageColumn = ['given', 'text[]'];

/**
 * The first WITH parts of a kind's rows: `s0`, the staged rows with `extra`
 * columns worked out once, and `s1`, which adds `tid`, the id of the stored
 * record the row changes: the one its id names, else the one its external id
 * names within `scope` (a condition on `e`, the table's rows, and `s0`).
 * Join it as `targetOf(table)`.
 *
 * Every lookup of a row is a lateral one kept apart from the query (`offset
 * 0`) and compares plain columns of a materialized part: under row-level
 * security PostgreSQL probes an index only with a leakproof condition, and a
 * function or COALESCE over the row's columns is not one. Written as joins,
 * the lookups scanned every person under the policy (over half a second a
 * row); written so, each is an index probe.
 */
export const stagedRows = (src: string, table: string, scope: string, extra = '') => `
  s0 as materialized (select s.*${extra} from ${src} s),
  s1 as materialized (
    select s0.*, coalesce(s0.id, ke.id) as tid from s0
      left join lateral (select e.id from ${table} e where s0.id is null and ${scope} and e.external_id = s0.external_id offset 0) ke on true)`;

/** The stored record `t` of a row of `s1` (as `s`). */
export const targetOf = (table: string) => `left join lateral (select k.* from ${table} k where k.id = s.tid offset 0) t on true`;

/** The value a row has for `column`: its own for a new record or when given, else the stored one (`t`). */
export const taken = (column: string, flag = column) => `case when t.id is null or '${flag}' = any(s.given) then s.${column} else t.${column} end`;

/**
 * The resident a row links (`person` in `given`): by registry id
 * (`person_id`, forms and exports) or ID number (`id_number`, files), both
 * under row-level security, so a resident outside the caller's jurisdiction
 * is not found. Joins `pi` and `pn`; the columns say which was not found or
 * whether the two name different people, and give the resident's id.
 */
export const PERSON_JOINS = `left join lateral (select q.id from person q where q.id = s.person_id offset 0) pi on true
      left join lateral (select q.id from person q where q.id_number = s.id_number offset 0) pn on true`;
const PERSON_GIVEN = `(t.id is null or 'person' = any(s.given))`;
export const PERSON_COLUMNS = `
  ${PERSON_GIVEN} and s.person_id is not null and pi.id is null as person_id_unknown,
  ${PERSON_GIVEN} and s.id_number is not null and pn.id is null as id_number_unknown,
  ${PERSON_GIVEN} and pi.id <> pn.id as person_mismatch,
  case when ${PERSON_GIVEN} then coalesce(pi.id, pn.id) else t.person_id end as person_id`;

/** The rules of every kind: the record a row names by id exists (for the caller), and its version is current when the row changes it. */
export function recordRules(what: Said): RowRule[] {
  return [
    {
      field: 'id',
      code: 'NOT_FOUND',
      reason: { zh: `在您的辖区内找不到所指的${what.zh}`, en: `names no ${what.en} in your jurisdiction` },
      bad: 'x.id_given is not null and x.target is null',
    },
    {
      field: 'version',
      code: 'CONFLICT',
      reason: {
        zh: '不是当前版本：该记录已被他人修改，请重新读取后再试',
        en: 'is not the current version: the record was changed by someone else; read it again and retry',
      },
      bad: 'x.target is not null and x.version is not null and x.version <> x.current_version and x.changed',
    },
  ];
}

/** The rules of a linked resident (PERSON_COLUMNS): found in the caller's jurisdiction, and one person when named both ways. */
export const PERSON_RULES: readonly RowRule[] = [
  {
    field: 'person_id',
    code: 'NOT_FOUND',
    reason: { zh: '在您的辖区内找不到所指的人员', en: 'names no resident in your jurisdiction' },
    bad: 'x.person_id_unknown',
  },
  {
    field: 'id_number',
    argument: 'personId',
    code: 'NOT_FOUND',
    reason: { zh: '在您的辖区内找不到所指的人员', en: 'names no resident in your jurisdiction' },
    bad: 'x.id_number_unknown',
  },
  {
    field: 'id_number',
    code: 'BAD_USER_INPUT',
    reason: { zh: '与 person_id 所指的不是同一人', en: 'names another resident than person_id' },
    bad: 'x.person_mismatch',
  },
];

/**
 * A one-row relation of `?` parameters in the stage's column order (with
 * `line` 1), for a mutation; text arrays travel as comma-joined text,
 * since an array parameter would expand to a list.
 */
function oneRow(stage: readonly StageColumn[]): string {
  const cols = stage.map(([c, t]) => (t === 'text[]' ? `string_to_array(?::text, ',') as ${c}` : `?::${t} as ${c}`));
  return `(select 1 as line, ${cols.join(', ')})`;
}

/** The lines of the staged rows `src` that break `rule` (for a check that deletes them from the stage). */
export function linesBreaking(rows: (src: string) => string, src: string, rule: RowRule): string {
  return `s.line in (with ${rows(src)} select x.line from n x where ${rule.bad})`;
}

const Failed = z.object({ failed: col.num });
const Written = z.object({ id: col.id, inserted: z.boolean() });
export type Written = z.infer<typeof Written>;

/** A kind's rules and write over one row of parameters: what a mutation runs. */
export interface RowWriter {
  /** The first rule the row breaks, or null. */
  broken(db: Db, values: readonly SqlParam[]): Promise<RowRule | null>;
  /** Writes the row: the record's id and whether it is new; null when an update changed nothing. */
  write(db: Db, values: readonly SqlParam[]): Promise<Written | null>;
}

export interface RowKind {
  name: string;
  stage: readonly StageColumn[];
  rows: (src: string) => string;
  rules: readonly RowRule[];
  write: (src: string) => string;
}

/** The statements a mutation runs for `kind`, declared once. */
export function rowWriter(kind: RowKind): RowWriter {
  const src = oneRow(kind.stage);
  const check = sql(
    `${kind.name}.rules`,
    Failed,
    `with ${kind.rows(src)} select coalesce(array_position(array[${kind.rules.map((r) => `coalesce((${r.bad}), false)`).join(', ')}], true), 0) as failed from n x`,
  );
  const write = sql(`${kind.name}.write`, Written, kind.write(src));
  const params = (values: readonly SqlParam[]) => values.map((v) => (Array.isArray(v) ? v.join(',') : v));
  return {
    async broken(db, values) {
      const r = await row(db, check, params(values));
      return r && r.failed > 0 ? kind.rules[r.failed - 1]! : null;
    },
    write: (db, values) => row(db, write, params(values)),
  };
}
