import { ConnectionException } from '@mikro-orm/core';
import type { Said } from '../domain/errors.ts';

/**
 * When PostgreSQL does not answer (stopped, restarting, recovering after a
 * crash, out of connections), a request fails through no fault of its caller
 * and succeeds if sent again shortly. Such failures answer `SERVICE_UNAVAILABLE`
 * (HTTP 503) with `retryable: true` instead of an internal error, and the
 * driver's text stays in the log (docs/ARCHITECTURE.md, "Supervision and
 * database outages").
 */
export const DATABASE_UNAVAILABLE: Readonly<DatabaseTrouble> = {
  zh: '数据库暂时不可用，请稍后重试。',
  en: 'The database is temporarily unavailable; retry shortly.',
  log: 'database unavailable',
};

/** What a client is told of a failure at the database (both languages), and what the log line says it was. */
export interface DatabaseTrouble extends Said {
  log: string;
}

/**
 * A statement PostgreSQL cancelled (57014): past the service's statement_timeout (platform/orm.ts), most often
 * waiting on a lock that maintenance holds, or cancelled by an operator. The connection stays usable; the request
 * may succeed if sent again, and a request over too much data should be narrowed.
 */
export const STATEMENT_CANCELLED: Readonly<DatabaseTrouble> = {
  zh: '数据库查询超时，已被取消：请稍后重试；若一再超时，请缩小查询范围（更小的区划或时段）。',
  en: 'A database statement ran past its time limit and was cancelled; retry shortly, or narrow the request (a smaller division or period).',
  log: 'statement cancelled',
};

/**
 * A transaction PostgreSQL aborted because it met another one writing the same records at once: a deadlock (40P01)
 * or a serialization failure (40001). Nothing of it was kept, and the same request sent again succeeds or is refused
 * for what the other write changed. A request's write transaction runs again by itself (`writeTransaction`,
 * platform/write-transaction.ts); one that still meets another answers this.
 */
export const WRITE_COLLIDED: Readonly<DatabaseTrouble> = {
  zh: '与同时进行的另一次写入冲突，本次未写入任何内容：请稍后重发。',
  en: 'This write collided with another made at the same time and nothing of it was kept; send it again shortly.',
  log: 'transaction aborted by a concurrent write',
};

/** SQLSTATEs of a transaction aborted for a concurrent one: serialization_failure, deadlock_detected. */
const COLLISIONS = new Set(['40001', '40P01']);

/** True when `err` (or anything it wraps) is a transaction PostgreSQL aborted for a concurrent one (`WRITE_COLLIDED`). */
export function isWriteCollision(err: unknown): boolean {
  return collisionCode(err) !== undefined;
}

/** The SQLSTATE of a transaction PostgreSQL aborted for a concurrent one (40001, 40P01), or undefined for any other failure. */
export function collisionCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string' && COLLISIONS.has(e.code)) return e.code;
  }
  return undefined;
}

/** Socket-level failures reaching the server (Node's errno codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that is going away or not ready: class 08 (connection
 * exception) is matched by prefix, but for 08P01; 57P01 admin shutdown (also sent to every
 * connection when the postmaster dies), 57P02 crash shutdown, 57P03 cannot
 * connect now (starting up, in recovery), 53300 too many connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What `pg` and `pg-pool` say when a connection breaks or cannot be had in time; they carry no code. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
];

function causes(err: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue: unknown[] = [err];
  // Bounded: errors wrap each other a few levels deep at most (GraphQLError → DriverException → pg error).
  while (queue.length && seen.length < 16) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.includes(e)) continue;
    seen.push(e);
    if ('originalError' in e) queue.push(e.originalError);
    if ('cause' in e) queue.push(e.cause);
    if (e instanceof AggregateError) queue.push(...(e.errors as unknown[]));
  }
  return seen;
}

/**
 * What a client is told when its request failed at the database through no fault in the request itself (HTTP 503
 * `SERVICE_UNAVAILABLE`, retryable), or undefined for any other failure.
 */
export function databaseTrouble(err: unknown): Readonly<DatabaseTrouble> | undefined {
  if (isDatabaseUnavailable(err)) return DATABASE_UNAVAILABLE;
  if (causes(err).some((e) => e !== null && typeof e === 'object' && 'code' in e && e.code === '57014')) return STATEMENT_CANCELLED;
  if (isWriteCollision(err)) return WRITE_COLLIDED;
  return undefined;
}

/** True when `err` (or anything it wraps) says the database could not be reached or went away mid-request. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some((e) => {
    if (e instanceof ConnectionException) return true;
    if (e === null || typeof e !== 'object') return false;
    const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
    // 08P01 (protocol violation) is class 08 but the client's fault: PostgreSQL answers it to a NUL byte in a string.
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || (/^08[0-9A-Z]{3}$/.test(code) && code !== '08P01')) return true;
    const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
    return DRIVER_MESSAGES.some((re) => re.test(message));
  });
}
