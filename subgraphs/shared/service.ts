import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { parse, type DocumentNode } from 'graphql';
import type { Caller } from './caller.ts';
import type { SubgraphName } from './config.ts';
import { makeFormatError } from './errors.ts';
import { listen, sendJson, type RunningHttp } from './http.ts';
import { sqlStatementsTotal, withRequestCounter } from './sql-counter.ts';

/** What every subgraph's per-request context carries; each subgraph adds its loaders. */
export interface BaseContext {
  requestId: string;
  /** A fresh identity map per request: nothing leaks between callers. */
  em: EntityManager;
  /** SQL statements this request has caused so far. */
  sql: { statements: number };
  /** Who is asking. */
  caller: Caller;
}

// Until callers are authenticated (see the security work), every request acts with full access.
const FULL_ACCESS: Caller = { subject: 'anonymous', name: 'anonymous', jurisdiction: '', scopes: new Set(['read', 'write', 'pii', 'report', 'admin']) };

export function loadSchema(name: SubgraphName): DocumentNode {
  return parse(readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8'));
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
}

export interface RunningSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSubgraph<C extends BaseContext>(opts: SubgraphServiceOptions<C>): Promise<RunningSubgraph> {
  const schema = buildSubgraphSchema([
    { typeDefs: loadSchema(opts.name), resolvers: opts.resolvers as GraphQLResolverMap<C> },
  ]);
  let requests = 0;
  const counters = new WeakMap<IncomingMessage, { statements: number }>();
  const apollo = new ApolloServer<C>({
    schema,
    introspection: !opts.production,
    includeStacktraceInErrorResponses: false,
    formatError: makeFormatError(opts.name, opts.production),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const http: RunningHttp = await listen<C>(
    {
      apollo,
      maxBodyBytes: 5_000_000,
      around: (req, handle) => {
        const counter = { statements: 0 };
        counters.set(req, counter);
        return withRequestCounter(counter, handle);
      },
      context: async (req) => {
        requests++;
        const base: BaseContext = {
          requestId: String(req.headers['x-request-id'] ?? crypto.randomUUID()),
          em: opts.orm.em.fork(),
          sql: counters.get(req) ?? { statements: 0 },
          caller: FULL_ACCESS,
        };
        return opts.context(base, req);
      },
      routes: {
        '/health': async (_req, res) => {
          try {
            await opts.orm.em.getConnection().execute('select 1');
            sendJson(res, 200, { status: 'ok', service: opts.name });
          } catch (e) {
            sendJson(res, 503, { status: 'unavailable', service: opts.name, reason: 'database does not answer' });
          }
        },
        '/metrics': (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
          res.end(
            `# TYPE hub_sql_statements_total counter\nhub_sql_statements_total{service="${opts.name}"} ${sqlStatementsTotal()}\n` +
              `# TYPE hub_graphql_requests_total counter\nhub_graphql_requests_total{service="${opts.name}"} ${requests}\n`,
          );
        },
      },
    },
    opts.host,
    opts.port,
  );
  return {
    name: opts.name,
    url: http.url,
    port: http.port,
    stop: async () => {
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
        console.error(`[${name}] error while stopping on ${signal}`, e);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
