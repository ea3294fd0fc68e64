import { createHash } from 'node:crypto';
import type { EntityManager, QueryResult } from '@mikro-orm/postgresql';
import { CompiledQuery, type ControlledTransaction, type DatabaseConnection } from 'kysely';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { observeSql } from './metrics.ts';

/**
 * The one way services run SQL (docs/ARCHITECTURE.md, "Data access"). Every
 * statement is declared once in a store module as a named `Sql<Row>`: its
 * name travels in a leading comment (so it shows in pg_stat_statements, logs
 * and traces), and its rows are parsed once into the declared type with zod.
 * Statements run through the request's EntityManager (so they join the
 * current transaction and its row-level-security session context) with `?`
 * placeholders; an array parameter expands to a list, so write `in (?)` and
 * never pass an empty array. Rows come back with camelCase keys.
 *
 * Bulk paths (COPY, import batches) hold a native `pg` client and use `$n`
 * placeholders through `nativeRows` instead.
 */

/** The handle a store works on: the request's (or a transaction's) EntityManager. */
export type Db = EntityManager;

/** What a statement parameter may be (arrays expand to lists; undefined is sent as NULL). */
export type SqlParam = string | number | bigint | boolean | Date | null | undefined | readonly (string | number | bigint | boolean | null)[];

/** A named statement whose rows parse into `R`. */
export interface Sql<R> {
  readonly name: string;
  readonly text: string;
  readonly row: z.ZodType<R>;
}

/** Declares a statement: `name` is `store.purpose` (e.g. `person.byIds`). */
export function sql<R>(name: string, row: z.ZodType<R>, text: string): Sql<R> {
  return { name, row, text: `/* ${name} */ ${text}` };
}

/** Declares a statement that returns no rows worth reading (writes, locks, set_config). */
export function command(name: string, text: string): Sql<Record<string, never>> {
  return { name, row: NO_ROW, text: `/* ${name} */ ${text}` };
}

const NO_ROW = z.object({}).transform(() => ({}) as Record<string, never>);

const camelNames = new Map<string, string>();
// Column names are few and repeat on every row (4–5% of the village subgraph's CPU in the drill-down when not remembered).
function camel(s: string): string {
  let c = camelNames.get(s);
  if (c === undefined) {
    c = s.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    if (camelNames.size < 10_000) camelNames.set(s, c);
  }
  return c;
}

/**
 * The row type of a statement whose caller parses each row itself, into a type it is given per call (the scoped
 * lists of subgraphs/village/src/store/scoped.ts). Such rows come back with camelCase keys and are not parsed here:
 * checking each column against `unknown` proves nothing and copies every row once more.
 */
export const PARSED_BY_CALLER: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown());

/** SQL: the code's own words as a string literal, for text built into a statement (never a caller's value). */
export const sqlText = (t: string): string => `'${t.replaceAll("'", "''")}'`;

/** A field's column, as rows name it before `camel` (`gridCode` → `grid_code`). */
export const columnOf = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Parses raw rows into `st`'s declared type, with camelCase keys. */
export function parseRows<R>(st: Sql<R>, raw: readonly Record<string, unknown>[]): R[] {
  const out: R[] = new Array<R>(raw.length);
  const unparsed = (st.row as unknown) === PARSED_BY_CALLER;
  for (let i = 0; i < raw.length; i++) {
    const row = raw[i]!;
    const obj: Record<string, unknown> = {};
    for (const k in row) obj[camel(k)] = row[k];
    if (unparsed) {
      out[i] = obj as R;
      continue;
    }
    const parsed = st.row.safeParse(obj);
    if (!parsed.success) throw new Error(`SQL ${st.name}: a row does not match its declared shape: ${parsed.error.message}`);
    out[i] = parsed.data;
  }
  return out;
}

/**
 * Times a statement into the SQL histogram by its name (docs/ARCHITECTURE.md, "Observability"); its span,
 * when tracing, comes from the driver's door (platform/sql-counter.ts), which every statement passes.
 */
async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    observeSql(name, performance.now() - started);
  }
}

/** Runs a statement; its rows, parsed. */
export async function rows<R>(db: Db, st: Sql<R>, params: readonly SqlParam[] = []): Promise<R[]> {
  // MikroORM would format an undefined parameter as an identifier; SQL wants NULL.
  const values = params.map((p) => (p === undefined ? null : p));
  const raw = await timed(st.name, () => db.execute<Record<string, unknown>[]>(st.text, values));
  return parseRows(st, raw);
}

const openers = new WeakMap<Db, () => Promise<void>>();

/** Sends a query request's reads a turn of the event loop at a time (platform/jurisdiction.ts `beginOnFirstUse`). */
export interface TurnSender {
  /** False before the request's execution starts and once it ends: statements then take the other paths. */
  readonly active: boolean;
  /** Runs `q`: `scoped` under the request's jurisdiction, otherwise as a public read. */
  send(q: PreparedQuery, scoped: boolean): Promise<readonly Record<string, unknown>[]>;
}

const turnSenders = new WeakMap<Db, TurnSender>();

/** Registers how `db`'s prepared reads travel while its request executes. */
export function sendsInTurns(db: Db, sender: TurnSender): void {
  turnSenders.set(db, sender);
}

/** `db`'s turn sender while its request executes, if it has one. */
export function activeTurnSender(db: Db): TurnSender | undefined {
  const sender = turnSenders.get(db);
  return sender?.active ? sender : undefined;
}

/** Registers what opens `db`'s request transaction on first use (platform/jurisdiction.ts), so `preparedRows` opens it too. */
export function opensOnFirstStatement(db: Db, open: () => Promise<void>): void {
  openers.set(db, open);
}

/**
 * Runs a statement like `rows`, but as a named prepared statement in `db`'s
 * open transaction (docs/ARCHITECTURE.md, "Prepared lists"): under the same
 * jurisdiction setting as every statement of the request, parsed once per
 * connection and planned once per connection too (the request's transaction
 * asks for generic plans, platform/jurisdiction.ts `scopedEm`). MikroORM
 * writes parameter values into a statement's text, so PostgreSQL parses and
 * plans it anew every time: for a dashboard's lists that was most of their
 * time. Where `db` has no transaction (a mutation's outer manager), it runs as
 * `rows` does.
 */
export async function preparedRows<R>(db: Db, st: Sql<R>, params: readonly SqlParam[] = []): Promise<R[]> {
  const turns = activeTurnSender(db);
  if (turns) return runPrepared(st, params, (q) => turns.send(q, true));
  await openers.get(db)?.();
  const tx = db.getTransactionContext<ControlledTransaction<unknown>>();
  if (!tx) return rows(db, st, params);
  return runPrepared(st, params, (q) => sendOn(tx, db, q));
}

/** Runs `q` in `db`'s transaction (opening it first when the request's is armed); undefined when `db` has none. */
export async function sendInTransaction(db: Db, q: PreparedQuery): Promise<readonly Record<string, unknown>[] | undefined> {
  await openers.get(db)?.();
  const tx = db.getTransactionContext<ControlledTransaction<unknown>>();
  return tx ? sendOn(tx, db, q) : undefined;
}

/** Each transaction's first failed statement (platform/jurisdiction.ts turns, the request's transaction). */
const firstFailures = new WeakMap<object, unknown>();

/**
 * What a statement of the transaction `tx` failed for: once one statement has failed, PostgreSQL refuses every later
 * one of the transaction (25P02, "current transaction is aborted"), and those fail for the first one's reason. A
 * statement cancelled past its time limit then answers SERVICE_UNAVAILABLE for each field it took down with it, not
 * an internal error (platform/unavailable.ts).
 */
export function failureIn(tx: object, e: unknown): unknown {
  const first = firstFailures.get(tx);
  if (first === undefined) {
    firstFailures.set(tx, e);
    return e;
  }
  return (e as { code?: unknown } | null)?.code === '25P02' ? first : e;
}

/**
 * Kysely runs a transaction's statements one after another; pg queues them on the connection itself, in the
 * order given, and pipelines them there (platform/orm.ts). Once the transaction ends, Kysely's path refuses them.
 */
async function sendOn(tx: ControlledTransaction<unknown>, db: Db, q: PreparedQuery): Promise<readonly Record<string, unknown>[]> {
  const connection = await transactionConnection(tx);
  // Kysely hands `sql` to pg's Client#query unchanged; pg takes a { name, text } config there and prepares it on the connection.
  const compiled = { ...CompiledQuery.raw(q.text, q.values), sql: { name: q.name, text: q.text } as unknown as string };
  const open = !tx.isCommitted && !tx.isRolledBack && !ending.has(db);
  try {
    return (await (open ? connection.executeQuery<Record<string, unknown>>(compiled) : tx.executeQuery<Record<string, unknown>>(compiled))).rows;
  } catch (e) {
    throw failureIn(tx, e);
  }
}

const connections = new WeakMap<ControlledTransaction<unknown>, Promise<DatabaseConnection>>();

/** The connection `tx` runs on (Kysely hands it out in turn, after the statements sent before). */
function transactionConnection(tx: ControlledTransaction<unknown>): Promise<DatabaseConnection> {
  let found = connections.get(tx);
  if (!found) connections.set(tx, (found = tx.getExecutor().provideConnection(async (c) => c)));
  return found;
}

const ending = new WeakSet<Db>();

/** From now on `db`'s prepared statements wait their turn behind the end of its transaction (platform/jurisdiction.ts `end`). */
export function endingTransaction(db: Db): void {
  ending.add(db);
}

/** A statement ready to run prepared: pg's query config (`name`, `$n` text, values). */
export interface PreparedQuery {
  name: string;
  text: string;
  values: unknown[];
}

/**
 * Runs `st` (`?` placeholders, as for `rows`) as a named prepared statement
 * through `send`, which runs pg's query config on a connection of its
 * choosing (`preparedRows`: the request's transaction; platform/jurisdiction.ts
 * `publicRows`: a public read). The one place statements get their prepared
 * names, so both share the renaming after a stale plan.
 */
export async function runPrepared<R>(
  st: Sql<R>,
  params: readonly SqlParam[],
  send: (q: PreparedQuery) => Promise<readonly Record<string, unknown>[]>,
): Promise<R[]> {
  const values = params.map((p) => (p === undefined ? null : p));
  const named = prepared(st.text, values);
  try {
    return parseRows(st, await timed(st.name, () => send({ name: named.name, text: named.text, values })));
  } catch (e) {
    if (isStalePlan(e)) renamePrepared();
    throw e;
  }
}

/**
 * A migration that adds or drops a column of a table a prepared statement reads
 * with `t.*` leaves that statement unusable on every connection that prepared it
 * ("cached plan must not change result type", SQLSTATE 0A000) until it is
 * deallocated. The request that meets it fails; statements are prepared under
 * new names from then on, so the next ones are parsed afresh.
 */
function isStalePlan(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '0A000' && /cached plan must not change result type/.test(String((e as Error).message));
}

let generation = 0;

function renamePrepared(): void {
  generation++;
  preparedTexts.clear();
}

/**
 * A `?` statement text in `$n` form, for a statement sent with its parameters
 * apart (prepared): a list in `in (?)` becomes `= any($n)` and one in
 * `array[?]::text[]` a `$n::text[]`, so the text stays the same whatever a
 * list's length. `lists` says which parameters must be lists.
 */
export function numberedText(text: string): { text: string; lists: boolean[] } {
  const lists: boolean[] = [];
  const out = text.replace(/\bin \(\?\)|array\[\?\]::text\[\]|\?/g, (m) => {
    lists.push(m !== '?');
    const n = lists.length;
    return m === '?' ? `$${n}` : m === 'in (?)' ? `= any($${n})` : `$${n}::text[]`;
  });
  return { text: out, lists };
}

const preparedTexts = new Map<string, { name: string; text: string; lists: boolean[] }>();

/** `text` as a named prepared statement: its `$n` form and a name per text; a parameter of the wrong kind is refused. */
function prepared(text: string, values: readonly unknown[]): { name: string; text: string } {
  let found = preparedTexts.get(text);
  if (!found) {
    const { text: out, lists } = numberedText(text);
    found = { name: `hub_${generation}_${createHash('sha1').update(out).digest('base64url')}`, text: out, lists };
    // Texts come from code (a few per list and filter); the bound only guards against a caller that builds them from data.
    if (preparedTexts.size >= 5_000) preparedTexts.clear();
    preparedTexts.set(text, found);
  }
  if (values.length !== found.lists.length) throw new Error(`The statement takes ${found.lists.length} parameters; ${values.length} were given.`);
  found.lists.forEach((list, i) => {
    if (Array.isArray(values[i]) !== list) throw new Error(`Parameter $${i + 1} must ${list ? '' : 'not '}be a list.`);
  });
  return found;
}

/** Runs a statement; its first row, parsed, or null. */
export async function row<R>(db: Db, st: Sql<R>, params: readonly SqlParam[] = []): Promise<R | null> {
  return (await rows(db, st, params))[0] ?? null;
}

/** Runs a statement for its effect; the number of rows it touched. */
export async function exec(db: Db, st: Sql<Record<string, never>>, params: readonly SqlParam[] = []): Promise<number> {
  const values = params.map((p) => (p === undefined ? null : p));
  const res = await timed(st.name, () => db.execute<QueryResult>(st.text, values, 'run'));
  return res.affectedRows;
}

/** Runs a `$n` statement on a native client (bulk paths); its rows, parsed. */
export async function nativeRows<R>(client: PoolClient, st: Sql<R>, params: readonly unknown[] = []): Promise<R[]> {
  const res = await timed(st.name, () => client.query<Record<string, unknown>>(st.text, params as unknown[]));
  return parseRows(st, res.rows);
}

/** Escapes LIKE wildcards in user text. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** Column parsers shared by the stores' row declarations (pg returns bigint and numeric as text). */
export const col = {
  /** A bigint or integer id, as a JS number (ids stay below 2^53). */
  id: z.coerce.number().int(),
  /** A numeric or bigint count or amount, as a JS number. */
  num: z.coerce.number(),
  text: z.string(),
  /**
   * A `timestamptz` column. MikroORM's pool keeps date and time types as text
   * (its pg type parsers), native clients of that pool too; a Date appears only
   * where a statement's own expression produces one. The DateTime scalar takes both.
   */
  instant: z.union([z.date(), z.string()]),
  /** A `date` column: text (`2026-09-30`) through MikroORM's pool, a Date elsewhere. */
  day: z.union([z.date(), z.string()]),
  textArray: z.array(z.string()),
};
