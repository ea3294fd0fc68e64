import { AsyncLocalStorage } from 'node:async_hooks';
import type { GraphQLFormattedError } from 'graphql';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequest, type GraphQLResponse } from '@apollo/server';
import type { SharedBody } from '../../platform/http.ts';
import type { Caller } from '../../platform/caller.ts';
import { preferredLanguage } from '../../platform/language.ts';
import { orAfter } from '../../platform/timeout.ts';

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
 *   audit log under the subject the subgraph sees, so such a read is never shared;
 * - and never an answer the subgraph marked as audited (AUDITED_HEADER: a lookup by ID
 *   number or phone, audited whatever the caller's scopes): those who waited for it
 *   send their own fetch or run their own query, so each caller's lookup has its entry.
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
  const scopes = scopeList(caller.scopes);
  const who = caller.scopes.has('pii') ? `\u0000${caller.subject}` : '';
  return `${caller.jurisdiction}\u0000${scopes}\u0000${caller.department ?? ''}\u0000${language}${who}`;
}

/**
 * A caller's scopes in one order, worked out once per set: a verified caller (platform/auth.ts keeps them) brings the
 * same set to each of its requests, and a request asks for it at each of its fetches.
 */
const scopeLists = new WeakMap<ReadonlySet<string>, string>();
function scopeList(scopes: ReadonlySet<string>): string {
  let list = scopeLists.get(scopes);
  if (list === undefined) scopeLists.set(scopes, (list = [...scopes].sort().join(',')));
  return list;
}

/**
 * Who may share an incoming operation's answer, and with which others: the same
 * text, operation name and variables from callers who may share (`shareKeyOf`).
 * Undefined when its answer is the caller's alone. The report cache keys on it too.
 */
export function operationKey(caller: Caller, request: GraphQLRequest, operation: string | undefined): string | undefined {
  const share = shareKeyOf(caller, operation, preferredLanguage(request.http?.headers.get('accept-language')));
  return share === undefined ? undefined : JSON.stringify([share, request.query, request.operationName ?? null, request.variables ?? {}]);
}

/** Shared in-flight work, keyed by string; an entry lives only while its first caller waits. */
export class InFlight<T> {
  private readonly pending = new Map<string, Promise<T>>();
  /** Fetches that joined another's (for the gateway's metrics and the tests). */
  shared = 0;

  /** `shareable`: whether a finished result may go to those who waited for it (else each runs `work` itself). */
  run(key: string, work: () => Promise<T>, shareable: (result: T) => boolean = () => true): Promise<T> {
    const running = this.pending.get(key);
    if (running) {
      return running.then((r) => {
        if (!shareable(r)) return work();
        this.shared++;
        return r;
      });
    }
    const started = work().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}

/** Requests one of whose subgraph answers was audited under its caller (AUDITED_HEADER): their answer is theirs alone. */
const audited = new WeakSet<object>();
/** Marks a request (by its `exchange`) as having an audited subgraph answer. */
export const markAudited = (exchange: object): void => void audited.add(exchange);

let sharedAnswers = 0;
/** Requests answered with an identical running request's answer, in this process (for /metrics and the tests). */
export const sharedOperationCount = (): number => sharedAnswers;
let leading = 0;
/** Queries others may wait for that are running now, in this process (for /metrics and the tests; 0 when idle). */
export const leadingOperationCount = (): number => leading;

/** How long a request waits for an identical one already running before it runs itself. */
const SHARE_WAIT_MS = 30_000;

/**
 * The same sharing one level up: identical incoming queries (same text, operation name and
 * variables) of callers who may share (`shareKeyOf`) that arrive while the first is still
 * running get the first one's answer instead of planning and executing the query again:
 * the very bytes it was sent (and them compressed), which the gateway's HTTP layer hands over
 * (platform/http.ts `sharing`). A request whose first could not give an answer (or took
 * longer than SHARE_WAIT_MS) runs itself. Nothing is kept once the first answer is sent:
 * this is not a cache.
 */
export class SharedOperations<C extends { caller: Caller; exchange: object }> {
  private readonly pending = new Map<string, { answer: Promise<SharedBody | null>; waiters: number }>();
  /**
   * The running first of each key, by its request (`exchange`): its key and how to hand its answer over. One per
   * request: a second operation run on the same request's context (executeOperation) runs without sharing, since
   * a leader replaced before it was released would hold its key, and keep every later identical request waiting.
   */
  private readonly leaders = new WeakMap<object, Leader>();

  /** The answers waiting requests were given, by their request. */
  private readonly answers = new WeakMap<object, SharedBody>();

  /** The Apollo Server plugin that finds who runs and who waits. */
  plugin(): ApolloServerPlugin<C> {
    return {
      requestDidStart: async ({ contextValue }) => {
        let mine: Leader | undefined;
        return {
          responseForOperation: async ({ request, operation }): Promise<GraphQLResponse | null> => {
            const key = operationKey(contextValue.caller, request, operation.operation);
            if (key === undefined) return null;
            const running = this.pending.get(key);
            if (running) {
              running.waiters++;
              const answer = await orAfter(SHARE_WAIT_MS, running.answer, null);
              if (!answer) return null;
              sharedAnswers++;
              this.answers.set(contextValue.exchange, answer);
              // The body is the first request's, sent as it was; this one carries the status through the pipeline, and the
              // answer's errors, which it counts and logs as its own (platform/metrics.ts): each asker was given them.
              const errors = errorsOf(answer.text);
              return { http: { status: answer.status, headers: new HeaderMap() }, body: { kind: 'single', singleResult: errors ? { errors } : {} } };
            }
            if (this.leaders.has(contextValue.exchange)) return null;
            let finish: (answer: SharedBody | null) => void = () => {};
            this.pending.set(key, { answer: new Promise((resolve) => (finish = resolve)), waiters: 0 });
            leading++;
            this.leaders.set(contextValue.exchange, (mine = { key, finish }));
            return null;
          },
          willSendResponse: async () => {
            // The HTTP layer offers the answer right after this (in the same turn); a request run another way (a report's
            // executeOperation) has no bytes to offer, and those waiting for it run themselves.
            const leader = mine;
            if (leader) setImmediate(() => this.release(contextValue, leader, null));
          },
        };
      },
    };
  }

  /** The answer a waiting request was given, if it was given one. */
  answerFor(ctx: C): SharedBody | undefined {
    return this.answers.get(ctx.exchange);
  }

  /** A request's own answer, once written: handed to those waiting for it (if any), and the key is free again. */
  publish(ctx: C, body: SharedBody | null): void {
    const leader = this.leaders.get(ctx.exchange);
    if (leader) this.release(ctx, leader, body);
  }

  /** Ends `leader`'s turn once (the HTTP layer's answer or, after it, the fallback with none). */
  private release(ctx: C, leader: Leader, body: SharedBody | null): void {
    if (this.leaders.get(ctx.exchange) !== leader) return;
    this.leaders.delete(ctx.exchange);
    const waited = (this.pending.get(leader.key)?.waiters ?? 0) > 0;
    this.pending.delete(leader.key);
    leading--;
    leader.finish(waited && !audited.has(ctx.exchange) ? body : null);
  }
}

interface Leader {
  key: string;
  finish: (answer: SharedBody | null) => void;
}

/** The errors of a GraphQL answer's text, if it holds some (parsed only when the text could hold some). */
function errorsOf(text: string): GraphQLFormattedError[] | undefined {
  if (!text.includes('"errors"')) return undefined;
  const parsed = JSON.parse(text) as { errors?: unknown };
  return Array.isArray(parsed.errors) && parsed.errors.length > 0 ? (parsed.errors as GraphQLFormattedError[]) : undefined;
}
