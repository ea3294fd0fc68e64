import { z } from 'zod';
import { col, row, preparedRows, sql, sqlText, command, type Db, type Sql, type SqlParam } from '../../../../platform/sql.ts';
import type { Said } from '../../../../domain/errors.ts';
import { FORCES_MIN_AGE, nameOfFormerLink, personUnderage, versionAhead, type Rule, type RuleDetail } from '../registry/rules.ts';

/**
 * One write path per kind (docs/ARCHITECTURE.md, "One write path per kind"):
 * a form (mutation) and a file row (import) are the same staged row, checked
 * by the same SQL conditions and written by the same statement. Only the
 * relation the rows come from differs: an import's batch (the COPY-filled
 * `stage`, then the rows as they would be written materialised as `n`), or a
 * one-row `src` of a mutation's parameters.
 *
 * A kind declares:
 * - `stage`: its staged columns (a row's values come from ../registry/fields.ts
 *   in this order), ending with `given`, a bit set of the fields the row gives
 *   (`flags`): a field absent from the file or the input keeps its stored
 *   value, a given empty one (null) clears it;
 * - `rows(src)`: WITH parts ending in `n`, each staged row as it would be
 *   written, with `target` (the record it changes, by `id` or by natural key;
 *   null for a new one), `changed` and what the checks need;
 * - `checks`: each a rule (../registry/rules.ts: code and reason) and a
 *   condition on one such row `x` (of the batch `n`) that breaks it, in the
 *   order they are checked;
 * - `write`: WITH parts and a final select of `(id, inserted)` that update
 *   the changed targets of `n` (a row that changes nothing is not written:
 *   no version moves, nothing reaches the change feed) and insert the new.
 */

/** A staged column: its name and PostgreSQL type. */
export type StageColumn = readonly [name: string, type: string];

/** What an import knows of a batch before it runs a check, to skip the checks a batch cannot break. */
export interface BatchFacts {
  /** Some row of the batch fills this staged column. */
  filled(column: string): boolean;
  /** Rows that change an existing record. */
  targets: number;
  /** Rows that make a new record. */
  news: number;
}

export interface RowCheck {
  rule: Rule;
  /** SQL: true when the row `x` of `n` breaks the rule. */
  bad: string;
  /** SQL over `x`: the file's column a reject names, when the row may have used another column than the rule's field. */
  field?: string;
  /** SQL over `x`: the reject's whole reason as `{zh, en}` (jsonb) when the row carries it (a field rule whose check waits for the database). */
  reason?: string;
  /**
   * SQL over `x`: what the database says of the broken rule (RuleDetail as jsonb: the words after the name, and what
   * extensions add), for the form's error and the file's reject alike; the rule's own reason when absent.
   */
  detail?: string;
  /** An import runs the check only for batches this holds for (all of them when absent). */
  when?: (b: BatchFacts) => boolean;
}

/**
 * SQL over `x`: a reject's reason (`RowCheck.reason`) naming the record that
 * holds what the row asks for, in the words the form's refusal adds
 * (`holder`), from the first row of `from` (aliased `w`, with `name` and
 * `id`); null when there is none (an earlier line of the file took it).
 */
export function holderReason(rule: Rule, holder: (name: string, id: string) => Said, from: string): string {
  const text = (language: 'zh' | 'en') => {
    const said = holder('\u0000', '\u0001')[language].split(/\u0000|\u0001/);
    return [sqlText(`${rule.field} ${rule.reason[language]}${said[0]}`), 'w.name', sqlText(said[1]!), 'w.id::text', sqlText(said[2]!)].join(' || ');
  };
  return `(select jsonb_build_object('zh', ${text('zh')}, 'en', ${text('en')}) ${from} order by w.id limit 1)`;
}

/**
 * SQL over `x`: a check's `detail` naming the record that holds the key the row gives (`recordId`), the first id of
 * `holders` (a select of `k.id`), as a write that lost the race at the unique index names it
 * (registry/unique-keys.ts `clash`).
 */
export function holderDetail(rule: Rule, holders: string): string {
  return `(select jsonb_build_object(
    'zh', ${sqlText(rule.reason.zh)} || ${sqlText('（编号 ')} || h.id || ${sqlText('）')},
    'en', ${sqlText(rule.reason.en)} || ${sqlText(' (id ')} || h.id || ')',
    'recordId', h.id::text)
  from (${holders} order by k.id limit 1) h)`;
}

/**
 * SQL over `x`: a reject's reason (`RowCheck.reason`) with the value the row gave (`value`, SQL text) after the rule's
 * words, so a file's reader finds which of its numbers named no one without looking the line up; null when the row
 * gave none. The caller sent that value itself, so it is echoed whole, as a field rule's reason quotes it.
 */
export function reasonWithValue(rule: Rule, value: string, padded?: string): string {
  // A local number a spreadsheet read as a number (户号 007 became 7): the record the zeros named is suggested, as a
  // phone's lost leading 0 is (phoneLeadingZero).
  const hint = (zh: boolean) =>
    padded === undefined
      ? ''
      : ` || coalesce(${
          zh
            ? [sqlText('。开头的 0 可能被表格程序去掉了（把该列当成了数字）：是否为“'), padded, sqlText('”？请把该列设为文本格式后重新填写。')].join(' || ')
            : [
                sqlText('. Its leading zeros were probably dropped by a spreadsheet that read the column as a number: is it "'),
                padded,
                sqlText('"? Set the column to text and type it again.'),
              ].join(' || ')
        }, '')`;
  const zh = [sqlText(`${rule.field} ${rule.reason.zh}，收到的是“`), value, sqlText('”')].join(' || ') + hint(true);
  const en = [sqlText(`${rule.field} ${rule.reason.en}; got "`), value, sqlText('"')].join(' || ') + hint(false);
  return `case when ${value} is null then null else jsonb_build_object('zh', ${zh}, 'en', ${en}) end`;
}

/** SQL over `x`: a reject's reason from a check's `detail`, after the file's column, as the form's error puts it after the argument. */
function detailReason(c: RowCheck): string {
  const field = c.field ?? sqlText(c.rule.field);
  return `(select case when d.v is not null then jsonb_build_object('zh', ${field} || ' ' || (d.v->>'zh') || '。', 'en', ${field} || ' ' || (d.v->>'en') || '.') end
             from (select ${c.detail} as v) d)`;
}

export interface RowKind {
  /** Statement names: `<name>.rows`, `<name>.write`, `import.<name>.…`. */
  name: string;
  stage: readonly StageColumn[];
  /** The fields of `given`, bit i for flag i. */
  flags: readonly string[];
  /** WITH parts ending in `n` over the source relation `src` (its columns: `line` and the stage's). */
  rows(src: string): string;
  /** A SELECT … FOR UPDATE over `n` taken before the checks (e.g. the households people join), where the kind has one. */
  lock?: string;
  checks: readonly RowCheck[];
  /** WITH parts and the final select of `(id, inserted)`, over `n`. */
  write: string;
  /**
   * The pairs of columns that give one reference (its id, or the key a file may give instead: `head_id`,
   * `head_id_number`): a reject naming one of a pair names the other when the file has only that one.
   */
  twins?: readonly (readonly [string, string])[];
}

/** SQL: whether the row `s` gives `flag` (a field of `flags`). */
export function givenSql(flags: readonly string[], flag: string, s = 's'): string {
  const i = flags.indexOf(flag);
  if (i < 0) throw new Error(`row-kinds: no flag ${flag}`);
  return `(${s}.given & ${2 ** i}) <> 0`;
}

/** The value of `given` for these fields. */
export function givenBits(flags: readonly string[], given: Iterable<string>): number {
  let bits = 0;
  for (const f of given) {
    const i = flags.indexOf(f);
    if (i >= 0) bits |= 2 ** i;
  }
  return bits;
}

/** A kind's staged column names, worked out once (a file's every row is staged with them). */
const stageNames = new WeakMap<readonly StageColumn[], readonly string[]>();

/** A staged value: what COPY and a mutation's parameters both take. */
export type Staged = string | number | boolean | null | readonly string[];

/** Values by staged column, in the kind's stage order (absent ones null); `given` last. */
export function stagedRow(kind: Pick<RowKind, 'stage' | 'flags'>, values: Readonly<Record<string, Staged | undefined>>, given: Iterable<string>): Staged[] {
  let names = stageNames.get(kind.stage);
  if (!names) stageNames.set(kind.stage, (names = kind.stage.map(([c]) => c)));
  const out: Staged[] = new Array<Staged>(names.length);
  for (let i = 0; i < names.length; i++) {
    const c = names[i]!;
    out[i] = c === 'given' ? givenBits(kind.flags, given) : (values[c] ?? null);
  }
  return out;
}

const isList = (v: Staged): v is readonly string[] => Array.isArray(v);

/** The mutation's source relation: one row of `?` parameters in stage order (text arrays travel comma-joined). */
function oneRow(stage: readonly StageColumn[]): string {
  const cols = stage.map(([c, t]) => (t === 'text[]' ? `string_to_array(?::text, ',') as ${c}` : `?::${t} as ${c}`));
  return `src as (select 1 as line, ${cols.join(', ')})`;
}

const Failed = z.object({ failed: col.num });
const Detail = z.object({ detail: z.object({ zh: z.string(), en: z.string() }).catchall(z.unknown()).nullable() });
const Written = z.object({ id: col.id, inserted: z.boolean() });
export type Written = z.infer<typeof Written>;

/** The statements a mutation runs for a kind: its lock, its checks in one statement, its write. */
export interface RowWriter {
  /** Takes the kind's locks for the row. */
  lock(db: Db, values: readonly Staged[]): Promise<void>;
  /** The first check the row breaks, or null. */
  broken(db: Db, values: readonly Staged[]): Promise<RowCheck | null>;
  /** What the database says of a broken check with a `detail`; null for every other. */
  detail(db: Db, values: readonly Staged[], check: RowCheck): Promise<RuleDetail | null>;
  /** Writes the row: the record's id and whether it is new; none when an update changed nothing. */
  write(db: Db, values: readonly Staged[]): Promise<Written[]>;
}

/** The statements of a kind's mutations, declared once. */
export function rowWriter(kind: RowKind): RowWriter {
  // The form's one row of parameters and the kind's rows over it: what the lock, the checks, a check's detail and the
  // write each start from.
  const rowsOfForm = `with ${oneRow(kind.stage)}, ${kind.rows('src')}`;
  const lock = kind.lock ? sql(`${kind.name}.lock`, z.object({}), `${rowsOfForm} ${kind.lock}`) : null;
  const check = sql(
    `${kind.name}.rules`,
    Failed,
    `${rowsOfForm}
     select coalesce(array_position(array[${kind.checks.map((c) => `coalesce((${c.bad}), false)`).join(', ')}]::boolean[], true), 0) as failed from n x`,
  );
  const write = sql(`${kind.name}.write`, Written, `${rowsOfForm}, ${kind.write}`);
  const details = new Map(
    kind.checks.flatMap((c, i) =>
      c.detail ? [[c, sql(`${kind.name}.detail${i}`, Detail, `${rowsOfForm} select ${c.detail} as detail from n x`)] as const] : [],
    ),
  );
  const params = (values: readonly Staged[]): SqlParam[] => values.map((v) => (isList(v) ? v.join(',') : v));
  // The lock, the checks and the write are long statements over one row of parameters: sent prepared, each is
  // planned once per connection (a generic plan: the row is the same shape every time) rather than on every form,
  // where planning them cost several times their run.
  const first = async <R>(db: Db, st: Sql<R>, values: readonly Staged[]): Promise<R | null> => (await preparedRows(db, st, params(values)))[0] ?? null;
  return {
    async lock(db, values) {
      if (lock) await preparedRows(db, lock, params(values));
    },
    async broken(db, values) {
      const r = await first(db, check, values);
      return r && r.failed > 0 ? kind.checks[r.failed - 1]! : null;
    },
    async detail(db, values, check) {
      const st = details.get(check);
      return st ? ((await first(db, st, values))?.detail ?? null) : null;
    },
    write: (db, values) => preparedRows(db, write, params(values)),
  };
}

/** A check as an import runs it: deletes the rows of `n` that break it, returning their lines and the column to name. */
export interface BatchCheck {
  rule: Rule;
  when?: (b: BatchFacts) => boolean;
  st: Sql<{ line: number; field: string; reason: { zh: string; en: string } | null }>;
}

const LineField = z.object({ line: z.number().int(), field: col.text, reason: z.object({ zh: z.string(), en: z.string() }).nullable() });
const Counts = z.object({ targets: col.num, news: col.num });

/** The statements an import runs for a kind over a staged batch (`stage`), declared once. */
export interface BatchStatements {
  /** `create temp table n … as` the rows as they would be written, then `analyze n` (so the update probes its targets by index). */
  materialize: readonly Sql<Record<string, never>>[];
  counts: Sql<z.infer<typeof Counts>>;
  lock: Sql<Record<string, never>> | null;
  checks: readonly BatchCheck[];
  /** Writes the changed and new rows of `n`. */
  upsert: Sql<Written>;
}

export function batchStatements(kind: RowKind, rowsOf: (src: string) => string = kind.rows): BatchStatements {
  const name = `import.${kind.name}`;
  return {
    materialize: [
      command(`${name}.rows`, `create temp table n on commit drop as with ${rowsOf('stage')} select * from n`),
      // Statistics for the planner on the columns the writes and checks join and filter on (all columns took 70 ms a batch).
      command(`${name}.analyze`, `analyze n (line, target, changed)`),
    ],
    counts: sql(
      `${name}.counts`,
      Counts,
      `select count(*) filter (where target is not null) as targets, count(*) filter (where target is null) as news from n`,
    ),
    lock: kind.lock ? command(`${name}.lock`, kind.lock) : null,
    checks: kind.checks.map((c, i) => ({
      rule: c.rule,
      when: c.when,
      st: sql(
        `${name}.check${i}.${c.rule.name}`,
        LineField,
        `delete from n x where ${c.bad} returning x.line, ${c.field ?? `'${c.rule.field}'`} as field, ${c.reason ?? (c.detail ? detailReason(c) : 'null::jsonb')} as reason`,
      ),
    })),
    upsert: sql(`${name}.upsert`, Written, `with ${kind.write}`),
  };
}

/*
 * Kinds keyed by the source system's id within a scope (the forces: grid
 * staff and committees in their village, mediators in their committee;
 * docs/ARCHITECTURE.md, "Maintaining the forces"). Their stage starts with
 * KEYED_STAGE and ends with `given`.
 */

/**
 * The staged columns such a kind starts with: the id and version of a record to change, the source system's key, and
 * whether a form creates the record (`register`; a file's row leaves it null).
 */
export const KEYED_STAGE: readonly StageColumn[] = [
  ['id', 'integer'],
  ['version', 'integer'],
  ['external_id', 'text'],
  ['register', 'boolean'],
];

/**
 * The first WITH parts of such a kind's rows: `s0`, the staged rows with
 * `extra` columns worked out once, and `s1`, which adds `tid`, the id of the
 * stored record the row changes: the one its id names, else the one its
 * external id names within `scope` (a condition on `e`, the table's rows,
 * and `s0`), unless the row registers a new record (`findsByExternalId`).
 * Join the record as
 * `targetOf(table)`. Each lookup is a lateral one kept apart from the query
 * (`offset 0`) over a materialized part, so it compares plain columns (see
 * "Lookups under row-level security").
 */
/**
 * SQL over a staged row `s`: whether a row without `id` finds the record to change by the source system's id it gives.
 * A file's row does: it is that record's next version. A form that registers a record (`register`) makes a new one
 * whatever its key, so that a key the village already uses is `keyTaken` naming the record that holds it, and a
 * create racing another on the same key loses at the unique index (registry/unique-keys.ts).
 */
export const findsByExternalId = (s: string) => `not coalesce(${s}.register, false)`;

export const externalKeyed = (src: string, table: string, scope: string, extra = '') => `
  s0 as materialized (select s.*${extra} from ${src} s),
  s1 as materialized (
    select s0.*, coalesce(s0.id, ke.id) as tid from s0
      left join lateral (select e.id from ${table} e where s0.id is null and ${findsByExternalId('s0')} and ${scope} and e.external_id = s0.external_id offset 0) ke on true)`;

/**
 * SQL: whether the row as it would be written (`alias`'s `columns`, or the
 * expression `values` gives for a column) differs from the stored one
 * (`was_<column>`). A row that changes nothing is not written (no version, no
 * change-feed entry).
 */
export function changedSql(alias: string, columns: readonly string[], values: Readonly<Record<string, string>> = {}): string {
  const now = columns.map((c) => values[c] ?? `${alias}.${c}`).join(', ');
  return `(${now}) is distinct from (${columns.map((c) => `${alias}.was_${c}`).join(', ')})`;
}

/** The stored record `t` of a row of `s1` (as `s`). */
export const targetOf = (table: string) => `left join lateral (select k.* from ${table} k where k.id = s.tid offset 0) t on true`;

/** SQL: the value a row of `s1` has for `column` (a flag of `flags`): its own for a new record or when given, else the stored one (`t`). */
export const takenSql = (flags: readonly string[], column: string, flag = column) =>
  `case when t.id is null or ${givenSql(flags, flag)} then s.${column} else t.${column} end`;

/**
 * The resident a row links (flag `person`): by registry id (`person_id`,
 * forms and exports) or ID number (`id_number`, files), both under row-level
 * security, so a resident outside the caller's jurisdiction is not found.
 * `personJoins` joins `pi` and `pn`; `personColumns` says which was not
 * found or whether the two name different people, and gives the resident's id.
 */
export const PERSON_JOINS = `left join lateral (select q.id from person q where q.id = s.person_id offset 0) pi on true
      left join lateral (select q.id from person q where q.id_number = s.id_number offset 0) pn on true`;
/** The stage columns of a linked resident (after the kind's own): a phone, the resident by id or ID number, and which fields were given. */
export const LINKED_PERSON_STAGE: readonly StageColumn[] = [
  ['phone', 'text'],
  ['person_id', 'integer'],
  ['id_number', 'text'],
  ['given', 'integer'],
];
/** The linked resident of a row of `n0` as `p` (name, village, status, birth date), for a name left empty and the checks of the link. */
export const LINKED_PERSON_JOIN = `left join lateral (select q.name, q.village_code, q.status, q.birth_date from person q where q.id = n0.person_id offset 0) p on true`;
/** What `personChecks` reads of the linked resident, as columns of `n`. */
export const LINKED_PERSON_COLUMNS = 'p.village_code as person_village, p.status as person_status, p.name as person_name, p.birth_date as person_birth';

/**
 * SQL: whether an earlier line of the batch (in `n`) shares `columns` with x,
 * all of them set, among the lines `where` (over `o`) keeps. One uncorrelated
 * pass numbers the lines of each group, which PostgreSQL runs once and hashes;
 * a correlated `exists` over the materialized `n` would scan the whole batch
 * again for every line, quadratic in the batch (10,000 lines took seconds).
 */
export function earlierLineShares(columns: readonly string[], where = 'true'): string {
  const set = columns.map((c) => `o.${c} is not null`).join(' and ');
  return `x.line in (select r.line from (select o.line, row_number() over (partition by ${columns.map((c) => `o.${c}`).join(', ')} order by o.line) as k
                                           from n o where ${set} and ${where}) r where r.k > 1)`;
}

export function personColumns(flags: readonly string[]): string {
  const given = `(t.id is null or ${givenSql(flags, 'person')})`;
  return `
  ${given} and s.person_id is not null and pi.id is null as person_id_unknown,
  ${given} and s.id_number is not null and pn.id is null as id_number_unknown,
  ${given} and pi.id <> pn.id as person_mismatch,
  ${given} and s.id_number is null and s.person_id is not null as person_by_id,
  case when ${given} then coalesce(pi.id, pn.id) else t.person_id end as person_id`;
}

/**
 * SQL: the name a row gives, or keeps. A record linked to another resident
 * without a name given takes the new resident's (null here, the resident's
 * name downstream), not the name it held for the resident it was linked to;
 * one unlinked keeps its name.
 */
export function linkedNameSql(flags: readonly string[]): string {
  return `case when t.id is null or ${givenSql(flags, 'name')} then s.name
               when ${givenSql(flags, 'person')} and coalesce(pi.id, pn.id) is not null and coalesce(pi.id, pn.id) is distinct from t.person_id then null
               else t.name end`;
}

/**
 * The checks of a kind that links a resident, naming in a file's reject the
 * column the row named the resident by (`person_id` or `id_number`) when a
 * rule of the link is broken; a row naming both is told by `id_number`.
 */
export function namingTheLink(checks: readonly RowCheck[]): RowCheck[] {
  return checks.map((c) => (c.rule.field === 'id_number' && !c.field ? { ...c, field: `case when x.person_by_id then 'person_id' else 'id_number' end` } : c));
}

/**
 * The check that no other record of the row's scope holds its external id, nor an earlier line of the batch: the
 * scope is `scope` of the table's records and `rowScope` of the row (`x`). The record that holds it is named
 * (`recordId`), as a write that lost the race to it at the unique index names it.
 */
export function externalTakenCheck(rule: Rule, table: string, scope: string, rowScope: string): RowCheck {
  const holders = `select k.id from ${table} k where k.${scope} = x.${rowScope} and k.external_id = x.external_id and k.id is distinct from x.target`;
  return {
    rule,
    bad: `x.external_id is not null and (exists (${holders}) or ${earlierLineShares([rowScope, 'external_id'])})`,
    detail: holderDetail(rule, holders),
  };
}

/** The checks every such kind starts with: the record a row names by id exists (for the caller) and is named once in a batch. */
export function keyedRecordChecks(unknown: Rule, repeated: Rule): RowCheck[] {
  return [
    { rule: unknown, bad: 'x.id_given is not null and x.target is null', when: (b) => b.filled('id') },
    {
      rule: repeated,
      bad: earlierLineShares(['target']),
      when: (b) => b.targets > 1,
    },
  ];
}

/** The version a row was read at is current, when the row changes the record (the last check). */
export const versionCheck = (stale: Rule): RowCheck => staleVersionCheck(stale, 'x.version');

/**
 * The check of a row's version (`sent`, SQL over `x`) against the record's,
 * when the row changes it. A version ahead of the record's is told by the
 * versionAhead rule's words, as a form is told (registry/rules.ts).
 */
export function staleVersionCheck(stale: Rule, sent: string): RowCheck {
  const said = (language: 'zh' | 'en') => sqlText(`${versionAhead.field} ${versionAhead.reason[language]}`);
  return {
    rule: stale,
    bad: `x.target is not null and ${sent} is not null and ${sent} <> x.current_version and x.changed`,
    reason: `case when ${sent} > x.current_version then jsonb_build_object('zh', ${said('zh')}, 'en', ${said('en')}) end`,
  };
}

/**
 * SQL: someone born on `birth` (a date) is under FORCES_MIN_AGE today: their age on today's date in China, as the
 * tags' age rule and the patrol members' (domain/tags.ts `ageOn` on `chinaDay`) count it, a 29 February birthday
 * reached on 1 March.
 */
export const underageSql = (birth: string): string => `${birth} > ((now() at time zone 'Asia/Shanghai')::date - interval '${FORCES_MIN_AGE} years')::date`;

/** The checks of a linked resident (personColumns): found in the caller's jurisdiction, and one person when named both ways. */
export function personChecks(rules: { unknownById: Rule; unknownByIdNumber: Rule; mismatch: Rule; deregistered: Rule }): RowCheck[] {
  return [
    { rule: rules.unknownById, bad: 'x.person_id_unknown' },
    { rule: rules.unknownByIdNumber, bad: 'x.id_number_unknown' },
    { rule: rules.mismatch, bad: 'x.person_mismatch' },
    // A post kept from before the deregistration is history; a new or changed link to such a record is refused.
    { rule: rules.deregistered, bad: `x.person_status = 'DEREGISTERED' and x.person_id is distinct from x.was_person_id` },
    { rule: personUnderage, bad: `x.person_id is distinct from x.was_person_id and ${underageSql('x.person_birth')}` },
    {
      rule: nameOfFormerLink,
      bad: `x.target is not null and x.was_person_id is not null and x.person_id is not null and x.person_id <> x.was_person_id
              and x.name_given = x.was_name and x.name_given is distinct from x.person_name`,
    },
  ];
}

/**
 * A record's end: it leaves `table` for `<table>_ended` with its columns, the
 * version after the last, by whom and why (the ended rows are returned).
 * `where` picks the records by one parameter (`id = ?`, `committee_id = ?`);
 * the parameters are then who ends it and why.
 */
/**
 * The record `id` as its end left it in `<table>_ended`, when that end came
 * from `version` (the ended row holds the next), by the transaction's caller
 * (`ended_by_subject`, …58EndedBySubject) and for the same reason: the same
 * end sent again after its answer was lost, answered with the ended record
 * rather than told the record is not there.
 */
export function endedAgain<R>(
  name: string,
  table: string,
  shape: z.ZodType<R>,
): (db: Db, id: number, version: number, reason: string | null) => Promise<R | null> {
  const st = sql(
    name,
    shape,
    `select * from ${table}_ended
      where id = ? and version = ? and ended_by_subject = nullif(current_setting('hub.subject', true), '') and end_reason is not distinct from ?`,
  );
  return (db, id, version, reason) => row(db, st, [id, version + 1, reason]);
}

/**
 * The record `id` in `<table>_ended`, however it ended: a record is ended once, so an end or a change that names
 * it is told when, by whom and why it ended rather than that it is not there (`alreadyEnded`, registry/rules.ts).
 * Row-level security keeps another jurisdiction's out, as it does the current records.
 */
export function endedOf<R>(name: string, table: string, shape: z.ZodType<R>): (db: Db, id: number) => Promise<R | null> {
  const st = sql(name, shape, `select * from ${table}_ended where id = ?`);
  return (db, id) => row(db, st, [id]);
}

export function endRecords<R>(name: string, table: string, shape: z.ZodType<R>, columns: readonly string[], where: string): Sql<R> {
  const cols = columns.join(', ');
  return sql(
    name,
    shape,
    `with gone as (delete from ${table} where ${where} returning *)
     insert into ${table}_ended (${cols}, version, ended_by, end_reason)
     select ${cols}, version + 1, ?, ? from gone
     returning *`,
  );
}
