import { z } from 'zod';
import { col, row, rows, sql, command, type Db, type Sql, type SqlParam } from '../../../../platform/sql.ts';
import type { Rule } from '../registry/rules.ts';

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
  /** An import runs the check only for batches this holds for (all of them when absent). */
  when?: (b: BatchFacts) => boolean;
}

export interface RowKind {
  /** Statement names: `<name>.rows`, `<name>.write`, `import.<name>.…`. */
  name: string;
  stage: readonly StageColumn[];
  /** The fields of `given`, bit i for flag i. */
  flags: readonly string[];
  /** WITH parts ending in `n` over the source relation `src` (its columns: `line` and the stage's). */
  rows(src: string): string;
  /** A SELECT … FOR UPDATE over `n` taken before the checks (e.g. the households people join), if any. */
  lock?: string;
  checks: readonly RowCheck[];
  /** WITH parts and the final select of `(id, inserted)`, over `n`. */
  write: string;
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
const Written = z.object({ id: col.id, inserted: z.boolean() });
export type Written = z.infer<typeof Written>;

/** The statements a mutation runs for a kind: its lock, its checks in one statement, its write. */
export interface RowWriter {
  /** Takes the kind's locks for the row. */
  lock(db: Db, values: readonly Staged[]): Promise<void>;
  /** The first check the row breaks, or null. */
  broken(db: Db, values: readonly Staged[]): Promise<RowCheck | null>;
  /** Writes the row: the record's id and whether it is new; none when an update changed nothing. */
  write(db: Db, values: readonly Staged[]): Promise<Written[]>;
}

/** The statements of a kind's mutations, declared once. */
export function rowWriter(kind: RowKind): RowWriter {
  const src = oneRow(kind.stage);
  const lock = kind.lock ? sql(`${kind.name}.lock`, z.object({}), `with ${src}, ${kind.rows('src')} ${kind.lock}`) : null;
  const check = sql(
    `${kind.name}.rules`,
    Failed,
    `with ${src}, ${kind.rows('src')}
     select coalesce(array_position(array[${kind.checks.map((c) => `coalesce((${c.bad}), false)`).join(', ')}]::boolean[], true), 0) as failed from n x`,
  );
  const write = sql(`${kind.name}.write`, Written, `with ${src}, ${kind.rows('src')}, ${kind.write}`);
  const params = (values: readonly Staged[]): SqlParam[] => values.map((v) => (isList(v) ? v.join(',') : v));
  return {
    async lock(db, values) {
      if (lock) await rows(db, lock, params(values));
    },
    async broken(db, values) {
      const r = await row(db, check, params(values));
      return r && r.failed > 0 ? kind.checks[r.failed - 1]! : null;
    },
    write: (db, values) => rows(db, write, params(values)),
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
        `delete from n x where ${c.bad} returning x.line, ${c.field ?? `'${c.rule.field}'`} as field, ${c.reason ?? 'null::jsonb'} as reason`,
      ),
    })),
    upsert: sql(`${name}.upsert`, Written, `with ${kind.write}`),
  };
}
