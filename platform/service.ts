import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parse, type DocumentNode } from 'graphql';
import type { Caller } from './caller.ts';
import { beginOnFirstUse, scopedEm, type LazyTransaction } from './jurisdiction.ts';
import type { SubgraphName } from './settings.ts';
import { makeFormatError } from './errors.ts';
import type { ArgumentLabel } from './argument-labels.ts';
import { compiledExecution } from './compiled-execution.ts';
import { isDatabaseUnavailable } from './unavailable.ts';
import { localizeErrors, preferredLanguage, type Language } from './language.ts';
import { eventsRoute, OutboxRelay, readOutboxBacklog, type ApplyEvent } from './events.ts';
import { ServiceMetrics } from './metrics.ts';
import { listen, sendJson, type Route, type RunningHttp } from './http.ts';
import { AUDITED_HEADER, type RequestIdentity, type SubgraphTrust } from './auth.ts';
import { withRequestCounter } from './sql-counter.ts';
import { requestKeyOf } from './request-id.ts';
import { orAfter } from './timeout.ts';

/** How long /health waits for the database's `select 1`. */
const HEALTH_DB_MS = 2000;

/** What every subgraph's per-request context carries; each subgraph adds its loaders. */
export interface BaseContext {
  requestId: string;
  /**
   * The client request this subgraph request belongs to, as the hub's gateway names it (`x-hub-request`, one per
   * client request however many fetches it makes); a fresh id when no such gateway sent it (another router).
   */
  requestKey: string;
  /** A fresh identity map per request: nothing leaks between callers. */
  em: EntityManager;
  /** SQL statements this request has caused so far. */
  sql: { statements: number };
  /** Who is asking (the caller's own token, forwarded by a trusted router and verified here). */
  caller: Caller;
  /** The client's operation (for the audit log): the subgraph request's operationName without a router's suffix, else its type. */
  operation: string;
  /** Delivers events written to the outbox: after a transaction that wrote some commits, `await delivered(ctx.relay)` (platform/events.ts). */
  relay: { nudge(): Promise<void> };
  /** The language of the request's texts (`Accept-Language`, platform/language.ts): error messages, and data written for people such as early-warning explanations. */
  language: Language;
}

export function loadSchema(name: SubgraphName): DocumentNode {
  return parse(readFileSync(new URL(`../schema/${name}.graphql`, import.meta.url), 'utf8'));
}

export interface SubgraphServiceOptions<C extends BaseContext> {
  name: SubgraphName;
  orm: MikroORM;
  resolvers: unknown;
  /** Adds the subgraph's own per-request state (fresh DataLoaders) to the base context. */
  context: (base: BaseContext, req: IncomingMessage) => C;
  host: string;
  port: number;
  production: boolean;
  /** Which routers and callers this subgraph answers (platform/auth.ts subgraphTrust). */
  trust: SubgraphTrust;
  /** How often a query's shape is seen before it runs compiled (platform/compiled-execution.ts). */
  compileAfter?: number;
  /**
   * Called after each request's response is ready (e.g. to write the audit log); true when it wrote something under
   * the caller's subject, so that the answer is the caller's alone (`AUDITED_HEADER`).
   */
  onResponse?: (ctx: C) => Promise<boolean>;
  /** How its Chinese messages name its arguments (platform/argument-labels.ts); ARGUMENT_ZH's labels by default. */
  argumentLabel?: ArgumentLabel;
  /** Extra HTTP routes of the subgraph. */
  routes?: Record<string, Route>;
  /** Cross-level events: this subgraph's receiver and where its events go. */
  events?: { secret: string; targets: Partial<Record<SubgraphName, string>>; apply?: ApplyEvent };
}

export interface RunningSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  relay: OutboxRelay;
  /** Requests being answered now. */
  inFlight(): number;
  /** Stops the relay, then the HTTP server after the requests being answered finish (platform/http.ts `close`). */
  stop(): Promise<void>;
}

export async function startSubgraph<C extends BaseContext>(opts: SubgraphServiceOptions<C>): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema([{ typeDefs: loadSchema(opts.name), resolvers: opts.resolvers as GraphQLResolverMap<C> }]);
  // Requests, errors, latency and the outbox backlog, served at /metrics (docs/ARCHITECTURE.md, "Observability").
  const metrics = new ServiceMetrics(opts.name);
  const counters = new WeakMap<IncomingMessage, { statements: number }>();
  const transactions = new WeakMap<EntityManager, LazyTransaction>();
  const apollo = new ApolloServer<C>({
    // Queries run compiled once their text repeats (platform/compiled-execution.ts).
    gateway: compiledExecution(schema, opts.compileAfter),
    // Signals are the entry point's to handle (platform/workers.ts), as the gateway's (gateway/src/gateway.ts).
    stopOnTerminationSignals: false,
    introspection: !opts.production,
    includeStacktraceInErrorResponses: false,
    formatError: makeFormatError(opts.name, opts.argumentLabel),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No cache hints are set or read anywhere; left on, the plugin wraps every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's own landing page loads Apollo Sandbox from its CDN; the hub's explorer (/explorer) is served whole
      // from the hub. A GET without a query is then answered as GraphQL (400), whatever it accepts.
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin<C>(),
      localizeErrors<C>(),
      {
        async requestDidStart({ request, contextValue }) {
          contextValue.operation = operationLabel(request.operationName);
          return {
            async didResolveOperation({ operation }) {
              if (!contextValue.operation && operation) contextValue.operation = operation.operation;
            },
          };
        },
      },
      {
        async requestDidStart() {
          return {
            // A query's prepared reads go a turn of the event loop at a time, each turn's in one write as one
            // transaction that sets the caller's jurisdiction first; its statements through the ORM share one
            // transaction opened by the first of them (platform/jurisdiction.ts beginOnFirstUse). Without either,
            // every statement ran in its own begin / set_config / … / commit: four round trips where one does.
            // Mutations keep their own transactions.
            async executionDidStart({ contextValue, operation }) {
              if (operation.operation === 'query') transactions.get(contextValue.em)?.arm();
            },
            async willSendResponse({ contextValue, response }) {
              // The audit entries of a query's reads go in its own transaction, before it commits: no second begin / set_config / commit.
              try {
                if (opts.onResponse && (await opts.onResponse(contextValue))) response.http.headers.set(AUDITED_HEADER, '1');
              } finally {
                await transactions.get(contextValue.em)?.end();
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const relay = new OutboxRelay({ orm: opts.orm, source: opts.name, targets: opts.events?.targets ?? {}, secret: opts.events?.secret ?? '' });
  metrics.watchOutbox(Object.keys(opts.events?.targets ?? {}), () => readOutboxBacklog(opts.orm));
  const eventRoutes: Record<string, Route> =
    opts.events?.apply && opts.events.secret ? { '/events': eventsRoute(opts.orm, opts.name, opts.events.secret, opts.events.apply, relay) } : {};

  const http: RunningHttp = await listen<C, RequestIdentity>(
    {
      apollo,
      // A trusted router's secret, then the caller's own token (docs/ARCHITECTURE.md §2).
      authenticate: (req) => opts.trust.identify(req),
      maxBodyBytes: 5_000_000,
      service: opts.name,
      countError: (code) => metrics.error(code),
      around: (req, handle) => {
        const counter = { statements: 0 };
        counters.set(req, counter);
        return withRequestCounter(counter, handle);
      },
      context: async (req, identity) => {
        // Row-level security: every statement of this request runs with the caller's jurisdiction (and names the caller).
        const em = scopedEm(opts.orm.em, identity.caller.jurisdiction, identity.caller);
        transactions.set(em, beginOnFirstUse(em, isDatabaseUnavailable));
        const base: BaseContext = {
          requestId: identity.requestId,
          requestKey: requestKeyOf(req),
          em,
          sql: counters.get(req) ?? { statements: 0 },
          caller: identity.caller,
          // Set from the GraphQL request once it is parsed (the first plugin above).
          operation: '',
          relay,
          language: preferredLanguage(req.headers['accept-language']),
        };
        return opts.context(base, req);
      },
      routes: {
        ...eventRoutes,
        ...(opts.routes ?? {}),
        '/health': async (req, res) => {
          // A router's check sends its x-hub-router secret: the answer says whether this subgraph accepts it (a load
          // balancer's, without one, is told nothing of secrets). The subgraph's own health does not depend on it.
          const accepted = opts.trust.routerAccepted(req);
          const router = accepted === undefined ? {} : { router: accepted ? 'accepted' : 'refused' };
          try {
            // A database that hangs (stopped, not gone) must not hang the check that a load balancer waits on.
            const answered = await orAfter(HEALTH_DB_MS, opts.orm.em.getConnection().execute('select 1'), 'late' as const);
            if (answered === 'late')
              sendJson(res, 503, { status: 'unavailable', service: opts.name, reason: `database does not answer within ${HEALTH_DB_MS} ms`, ...router });
            else sendJson(res, 200, { status: 'ok', service: opts.name, ...router });
          } catch (e) {
            sendJson(res, 503, { status: 'unavailable', service: opts.name, reason: 'database does not answer', ...router });
          }
        },
        '/metrics': metrics.route(),
      },
    },
    opts.host,
    opts.port,
  );
  if (opts.events?.secret && Object.keys(opts.events.targets).length) relay.start();
  return {
    name: opts.name,
    url: http.url,
    port: http.port,
    relay,
    inFlight: () => http.inFlight(),
    stop: async () => {
      await relay.stop();
      await http.close();
      await apollo.stop();
    },
  };
}

/** The longest operation name kept for the audit log; a longer one is cut. */
const MAX_OPERATION_NAME = 100;

/**
 * The client's operation name from a subgraph request's operationName. Routers name their subgraph fetches
 * after the client's operation with a suffix (the hub's gateway: `Dashboard__village__0`); the suffix goes.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return '';
  return name.replace(/__[A-Za-z][\w-]*__\d+$/, '').slice(0, MAX_OPERATION_NAME);
}
