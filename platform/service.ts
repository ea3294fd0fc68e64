import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parse, type DocumentNode } from 'graphql';
import type { Caller } from './caller.ts';
import { scopedEm } from './jurisdiction.ts';
import { SUBGRAPH_LABEL, type SubgraphName } from './settings.ts';
import { makeFormatError } from './errors.ts';
import { isDatabaseUnavailable } from './unavailable.ts';
import { localizeErrors, preferredLanguage, type Language } from './language.ts';
import { eventsRoute, OutboxRelay, readOutboxBacklog, type ApplyEvent } from './events.ts';
import { log } from './log.ts';
import { ServiceMetrics } from './metrics.ts';
import { HttpError, listen, sendJson, type Route, type RunningHttp } from './http.ts';
import { AuthError, importPublicKey, INTERNAL_HEADER, verifyInternal, type InternalIdentity } from './auth.ts';
import { withRequestCounter } from './sql-counter.ts';

/** What every subgraph's per-request context carries; each subgraph adds its loaders. */
export interface BaseContext {
  requestId: string;
  /** A fresh identity map per request: nothing leaks between callers. */
  em: EntityManager;
  /** SQL statements this request has caused so far. */
  sql: { statements: number };
  /** Who is asking (verified from the gateway's signed forwarding). */
  caller: Caller;
  /** The client's operation, as the gateway names it (for the audit log). */
  operation: string;
  /** Delivers events written to the outbox; nudge it after a transaction that wrote some commits. */
  relay: { nudge(): void };
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
  /** The gateway's internal public key (PEM): requests must carry a token it verifies. */
  internalPublicKey: string;
  /** Called after each request's response is ready (e.g. to write the audit log). */
  onResponse?: (ctx: C) => Promise<void>;
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
  stop(): Promise<void>;
}

export async function startSubgraph<C extends BaseContext>(opts: SubgraphServiceOptions<C>): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema([{ typeDefs: loadSchema(opts.name), resolvers: opts.resolvers as GraphQLResolverMap<C> }]);
  // Requests, errors, latency and the outbox backlog, served at /metrics (docs/ARCHITECTURE.md, "Observability").
  const metrics = new ServiceMetrics(opts.name);
  const counters = new WeakMap<IncomingMessage, { statements: number }>();
  const apollo = new ApolloServer<C>({
    schema,
    introspection: !opts.production,
    includeStacktraceInErrorResponses: false,
    formatError: makeFormatError(opts.name),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      metrics.plugin<C>(),
      localizeErrors<C>(),
      {
        async requestDidStart() {
          let reading = false;
          return {
            // A query's statements share one transaction, which sets the caller's jurisdiction once. Without
            // it every statement ran in its own begin / set_config / … / commit: four round trips where one
            // does (a village dashboard went from 40 statements to 13). Mutations keep their own transactions.
            async executionDidStart({ contextValue, operation }) {
              if (operation.operation !== 'query') return;
              // Apollo masks an error thrown here; with the database down the resolvers meet it and answer SERVICE_UNAVAILABLE.
              reading = await contextValue.em.begin().then(
                () => true,
                (e: unknown) => {
                  if (isDatabaseUnavailable(e)) return false;
                  throw e;
                },
              );
            },
            async willSendResponse({ contextValue }) {
              if (reading) {
                reading = false;
                await contextValue.em.commit().catch(async () => contextValue.em.rollback().catch(() => {}));
              }
              if (opts.onResponse) await opts.onResponse(contextValue);
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const internalKey = await importPublicKey(opts.internalPublicKey);
  const relay = new OutboxRelay({ orm: opts.orm, source: opts.name, targets: opts.events?.targets ?? {}, secret: opts.events?.secret ?? '' });
  metrics.watchOutbox(Object.keys(opts.events?.targets ?? {}), () => readOutboxBacklog(opts.orm));
  const eventRoutes: Record<string, Route> =
    opts.events?.apply && opts.events.secret ? { '/events': eventsRoute(opts.orm, opts.name, opts.events.secret, opts.events.apply, relay) } : {};

  const http: RunningHttp = await listen<C, InternalIdentity>(
    {
      apollo,
      authenticate: async (req) => {
        const token = req.headers[INTERNAL_HEADER];
        if (typeof token !== 'string' || !token) {
          throw new HttpError(401, 'UNAUTHENTICATED', {
            zh: `${SUBGRAPH_LABEL[opts.name].zh}只接受本枢纽网关的请求，请将请求发往网关。`,
            en: `This ${opts.name} subgraph answers only the hub's gateway; send requests to the gateway.`,
          });
        }
        try {
          return await verifyInternal(internalKey, token);
        } catch (e) {
          const why = e instanceof AuthError ? e.said : { zh: '无法验证', en: 'it could not be verified' };
          throw new HttpError(401, 'UNAUTHENTICATED', {
            zh: `网关转发的令牌被拒绝：${why.zh}。`,
            en: `The gateway's forwarding token was refused: ${why.en}.`,
          });
        }
      },
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
        const base: BaseContext = {
          requestId: identity.requestId || String(req.headers['x-request-id'] ?? crypto.randomUUID()),
          em,
          sql: counters.get(req) ?? { statements: 0 },
          caller: identity.caller,
          operation: identity.operation,
          relay,
          language: preferredLanguage(req.headers['accept-language']),
        };
        return opts.context(base, req);
      },
      routes: {
        ...eventRoutes,
        ...(opts.routes ?? {}),
        '/health': async (_req, res) => {
          try {
            await opts.orm.em.getConnection().execute('select 1');
            sendJson(res, 200, { status: 'ok', service: opts.name });
          } catch (e) {
            sendJson(res, 503, { status: 'unavailable', service: opts.name, reason: 'database does not answer' });
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
    stop: async () => {
      await relay.stop();
      await http.close();
      await apollo.stop();
    },
  };
}

/** Stops `stop` on SIGINT/SIGTERM, then exits; for service entry points. */
export function exitOnSignal(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((e) => {
        log.error({ err: e, service: name, signal }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
