import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { sqlSpan, tracing } from './telemetry.ts';

/**
 * Counts SQL statements sent to PostgreSQL by this process, in total and per
 * request (through AsyncLocalStorage), so tests and benchmarks can prove that
 * the statements a request causes do not grow with the items it returns.
 * It wraps `pg.Client#query`, the one door every statement (MikroORM's
 * included) goes through.
 */
interface RequestCounter {
  statements: number;
}

const storage = new AsyncLocalStorage<RequestCounter>();
let total = 0;
let inRequests = 0;
let installed = false;

export function installSqlCounter(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype;
  const original: (this: pg.Client, ...args: unknown[]) => unknown = proto.query;
  // Replaced in place (every overload of `query` passes through): defineProperty, as the wrapper's own type is wider than the overloads.
  Object.defineProperty(proto, 'query', {
    value: function countedQuery(this: pg.Client, ...args: unknown[]) {
      total++;
      if (watchingPlans) watchPlans(this, args);
      const current = storage.getStore();
      if (current) {
        current.statements++;
        inRequests++;
      }
      // Traced statements (docs/ARCHITECTURE.md, "Observability"): every one, MikroORM's included, under the request's span.
      if (tracing() && isPromised(args)) return sqlSpan(statementName(args[0]), () => original.apply(this, args) as Promise<unknown>);
      return original.apply(this, args);
    },
  });
}

/**
 * A request's transaction asks PostgreSQL for generic plans (platform/jurisdiction.ts `scopedEm`), which suits the
 * named statements `preparedRows` sends there (docs/ARCHITECTURE.md, "Prepared lists"). A statement sent there with
 * parameters but no name would be bound to a generic plan too, unasked: its name is kept here, for the tests to
 * refuse (tests/helpers/hub.ts, when a hub stops). MikroORM writes values into its statements' text, so only a
 * store that sends parameters itself can do this.
 */
const genericPlans = new WeakSet<pg.Client>();
const unnamedInGenericPlans: string[] = [];
let watchingPlans = false;

/** Starts noting such statements (the tests do; a service's hot path does not pay for it). */
export function watchGenericPlans(): void {
  watchingPlans = true;
}

function watchPlans(client: pg.Client, args: unknown[]): void {
  const first = args[0];
  const text = statementText(first);
  if (/^\s*(begin|select set_config)\b/i.test(text)) {
    // A transaction's begin and settings may travel with its first statement, or with its commit when it sent none
    // (platform/orm.ts): then it is over already.
    if (text.includes('plan_cache_mode') && !/;\s*(commit|rollback)\s*$/i.test(text)) genericPlans.add(client);
    else if (/^\s*begin\b/i.test(text)) genericPlans.delete(client);
  } else if (/^\s*(commit|rollback)\s*(;|$)/i.test(text)) {
    // (Not `rollback to savepoint`: the transaction, and its settings, go on.)
    genericPlans.delete(client);
  } else if (genericPlans.has(client)) {
    const values = Array.isArray(args[1]) ? args[1] : (first as { values?: unknown } | null)?.values;
    const named = typeof first === 'object' && first !== null && typeof (first as { name?: unknown }).name === 'string';
    if (!named && Array.isArray(values) && values.length > 0 && unnamedInGenericPlans.length < 100) unnamedInGenericPlans.push(statementName(first));
  }
}

/** Statements sent with parameters but no prepared name inside a transaction that asked for generic plans (see above); `clear` empties the list. */
export function unnamedStatementsInGenericPlans(clear = false): string[] {
  const found = [...unnamedInGenericPlans];
  if (clear) unnamedInGenericPlans.length = 0;
  return found;
}

/** A call that returns a promise: not a callback, not a submittable (COPY streams), which are left untraced. */
function isPromised(args: unknown[]): boolean {
  const first = args[0];
  if (typeof args[args.length - 1] === 'function') return false;
  return typeof first === 'string' || (typeof first === 'object' && first !== null && typeof (first as { submit?: unknown }).submit !== 'function');
}

/** A statement's text, whether it came as text or as pg's query config. */
function statementText(q: unknown): string {
  return typeof q === 'string' ? q : typeof q === 'object' && q !== null ? String((q as { text?: unknown }).text ?? '') : '';
}

const NAMED = /^\s*\/\* ([\w.:-]+) \*\//;
const TABLE = /\b(?:from|into|update)\s+"?([\w.]+)"?/i;

/** A statement's name for its span: the name a store declared (platform/sql.ts), else its verb and first table (MikroORM's own). */
function statementName(q: unknown): string {
  const text = statementText(q);
  const named = NAMED.exec(text);
  if (named) return named[1]!;
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
  const table = TABLE.exec(text.slice(0, 500))?.[1];
  return table ? `${verb} ${table}` : verb;
}

export function sqlStatementsTotal(): number {
  return total;
}

/** Statements sent while serving GraphQL requests (background work such as the event relay excluded). */
export function sqlStatementsInRequests(): number {
  return inRequests;
}

/** Runs background work outside any request's count. */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** Runs `fn` with a fresh per-request counter; the counter is readable while and after it runs. */
export function withRequestCounter<T>(counter: RequestCounter, fn: () => T): T {
  return storage.run(counter, fn);
}
