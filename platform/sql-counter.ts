import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

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
      const current = storage.getStore();
      if (current) {
        current.statements++;
        inRequests++;
      }
      return original.apply(this, args);
    },
  });
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
