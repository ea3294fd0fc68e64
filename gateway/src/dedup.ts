import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../../platform/caller.ts';

/**
 * In-flight deduplication of subgraph fetches (docs/ARCHITECTURE.md, "In-flight deduplication").
 *
 * Many people of one county open the same dashboard at the same moment. When two
 * incoming queries need the very same subgraph fetch (same subgraph, same query text,
 * same variables) while the first is still on the wire, the second waits for the
 * first one's answer instead of sending its own.
 *
 * Sharing is allowed only between callers whose answer cannot differ:
 * - the same jurisdiction and the same scopes (row-level security and masking depend on them);
 * - the same department (a department caller sees its own dispatches);
 * - the same language (error messages are localized by the subgraph);
 * - for a caller with `pii`, the same subject too: every unmasked read is written to the
 *   audit log under the subject the subgraph sees, so such a read is never shared.
 * Only fetches made for an incoming query are shared, never those of a mutation
 * (their entity fetches must see the mutation's own writes).
 *
 * The share key travels from the data source to the fetcher in an AsyncLocalStorage; the
 * fetcher shares the raw response (status, headers, bytes), and each waiting request parses
 * its own copy, so no two requests hold the same objects.
 */
export const shareScope = new AsyncLocalStorage<string>();

/** The part of the share key that says who may share: undefined when this fetch must not be shared. */
export function shareKeyOf(caller: Caller, operation: string | undefined, language: string): string | undefined {
  if (operation !== 'query') return undefined;
  const scopes = [...caller.scopes].sort().join(',');
  const who = caller.scopes.has('pii') ? `\u0000${caller.subject}` : '';
  return `${caller.jurisdiction}\u0000${scopes}\u0000${caller.department ?? ''}\u0000${language}${who}`;
}

/** Shared in-flight work, keyed by string; an entry lives only while its first caller waits. */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();
  /** Fetches that joined another's (for the gateway's metrics and the tests). */
  shared = 0;

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key);
    if (running) {
      this.shared++;
      return running;
    }
    const started = work().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}
