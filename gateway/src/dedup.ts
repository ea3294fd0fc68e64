import { AsyncLocalStorage } from 'node:async_hooks';
import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import type { Caller } from '../../platform/caller.ts';
import { preferredLanguage } from '../../platform/language.ts';

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

let sharedAnswers = 0;
/** Requests answered with an identical running request's answer, in this process (for /metrics and the tests). */
export const sharedOperationCount = (): number => sharedAnswers;

interface SharedAnswer {
  status: number | undefined;
  /** The answer as JSON text: every request that shares it parses its own copy. */
  json: string;
}

/** How long a request waits for an identical one already running before it runs itself. */
const SHARE_WAIT_MS = 30_000;

/**
 * The same sharing one level up: identical incoming queries (same text, operation name and
 * variables) of callers who may share (`shareKeyOf`) that arrive while the first is still
 * running get the first one's answer instead of planning and executing the query again.
 * A request whose first could not give a single answer (or took longer than SHARE_WAIT_MS)
 * runs itself. Nothing is kept once the first answer is sent: this is not a cache.
 */
export function sharedOperations<C extends { caller: Caller }>(): ApolloServerPlugin<C> {
  const pending = new Map<string, { answer: Promise<SharedAnswer | null>; waiters: number }>();
  return {
    async requestDidStart({ contextValue }) {
      let key: string | undefined;
      let finish: ((answer: SharedAnswer | null) => void) | undefined;
      return {
        async responseForOperation({ request, operation }): Promise<GraphQLResponse | null> {
          const share = shareKeyOf(contextValue.caller, operation.operation, preferredLanguage(request.http?.headers.get('accept-language')));
          if (share === undefined) return null;
          key = JSON.stringify([share, request.query, request.operationName ?? null, request.variables ?? {}]);
          const running = pending.get(key);
          if (running) {
            running.waiters++;
            let timer: NodeJS.Timeout | undefined;
            const answer = await Promise.race([running.answer, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), SHARE_WAIT_MS)))]);
            clearTimeout(timer);
            if (!answer) return null;
            sharedAnswers++;
            return { http: { status: answer.status, headers: new HeaderMap() }, body: { kind: 'single', singleResult: JSON.parse(answer.json) } };
          }
          pending.set(key, { answer: new Promise((resolve) => (finish = resolve)), waiters: 0 });
          return null;
        },
        async willSendResponse({ response }) {
          if (!finish || key === undefined) return;
          const done = finish;
          finish = undefined;
          const waited = (pending.get(key)?.waiters ?? 0) > 0;
          pending.delete(key);
          // Only an answer someone waits for is copied (no one can join once the entry is gone).
          done(waited && response.body.kind === 'single' ? { status: response.http.status, json: JSON.stringify(response.body.singleResult) } : null);
        },
      };
    },
  };
}
