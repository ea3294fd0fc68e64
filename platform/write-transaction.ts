import type { EntityManager } from '@mikro-orm/postgresql';
import { log, requestFields } from './log.ts';
import { countWriteRerun, countWriteRerunsExhausted } from './metrics.ts';
import { collisionCode } from './unavailable.ts';

/**
 * Write transactions run again when PostgreSQL aborts them for a concurrent one (docs/ARCHITECTURE.md, "Lock order"
 * and the paragraph before it). Apart from platform/unavailable.ts, which tells such an abort from other failures and
 * what a client is told of it (`WRITE_COLLIDED`): that module sits under the HTTP layer (platform/http.ts answers with
 * it), and the counters here are metrics, which serve their route through that layer.
 */

/** How many times a write transaction runs when PostgreSQL aborts it for a concurrent one (`retryCollisions`). */
export const WRITE_ATTEMPTS = 4;

/** When a collision may run a transaction again besides the attempts left (`retryCollisions`). */
export interface RetryOptions {
  /**
   * Asked after an abort for a concurrent one: false when the abort is not this transaction's own (it was waiting on
   * another transaction of the same request that was aborted), thrown as it came, neither run again nor counted.
   */
  own?: (err: unknown) => boolean;
  /**
   * Asked after an abort for a concurrent one, before running again: false answers the abort as it came (and counts
   * it as exhausted). For a transaction whose run again could wait on something PostgreSQL cannot see.
   */
  again?: (err: unknown) => boolean;
}

/**
 * Runs `run` (one whole transaction) again from its start when PostgreSQL aborts it for a concurrent one, up to
 * WRITE_ATTEMPTS times in all, after a short random pause so that the two do not meet again; the failure of the last
 * run is thrown as it came (`WRITE_COLLIDED` once answered). Two desks writing the same records at once may each hold
 * what the other waits for (docs/ARCHITECTURE.md, "Lock order"), and nothing of the aborted one was kept: its rows,
 * history, audit rows, outbox events and idempotency key all rolled back. So only a transaction that reads everything
 * it decides on afresh inside `run`, and does nothing outside the database before it commits, may be given here: its
 * next run sees what the other write committed and may refuse for it (a stale version, a step no longer allowed). A
 * transaction that ran again is logged once, at info, with the SQLSTATEs that aborted it; each run again is counted
 * (`hub_write_transaction_reruns_total`), and so is a transaction still aborted when it may not run again
 * (`hub_write_transaction_reruns_exhausted_total`), both by SQLSTATE under the service answering the request.
 */
export async function retryCollisions<T>(run: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const aborted: string[] = [];
  const service = requestFields()?.service ?? 'unknown';
  for (let attempt = 1; ; attempt++) {
    try {
      const done = await run();
      if (aborted.length)
        log.info({ sqlstate: aborted[0], sqlstates: aborted, runs: attempt, committed: true }, 'write transaction ran again after a concurrent write');
      return done;
    } catch (e) {
      const code = opts.own?.(e) === false ? undefined : collisionCode(e);
      if (code !== undefined && attempt < WRITE_ATTEMPTS && (opts.again?.(e) ?? true)) {
        aborted.push(code);
        countWriteRerun(service, code);
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
        continue;
      }
      if (code !== undefined) countWriteRerunsExhausted(service, code);
      if (aborted.length) {
        log.info(
          { sqlstate: aborted[0], sqlstates: code ? [...aborted, code] : aborted, runs: attempt, committed: false },
          'write transaction ran again after a concurrent write',
        );
      }
      throw e;
    }
  }
}

/**
 * A request's write: `fn` in one transaction of `em`, run again from its start when PostgreSQL aborts it for a
 * concurrent one (`retryCollisions`, whose conditions `fn` must meet). An event a level receives runs again the same
 * way, each in its own transaction with its inbox row (`eventsRoute` in platform/events.ts).
 */
export function writeTransaction<T>(em: EntityManager, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  // Inside another transaction an abort ends that one too: only the outermost may run again.
  if (em.isInTransaction()) return em.transactional((tx) => fn(tx));
  return retryCollisions(() => em.transactional((tx) => fn(tx)));
}
