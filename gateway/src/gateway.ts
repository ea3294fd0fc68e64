import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { SUBGRAPHS, type SubgraphName } from '../../platform/settings.ts';
import { makeFormatError } from '../../platform/errors.ts';
import { localizeErrors } from '../../platform/language.ts';
import { listen, sendJson } from '../../platform/http.ts';
import { gatewayMetrics } from '../../platform/metrics.ts';
import { callerVerifier, loadCallerKeys, ROUTER_HEADER, type CallerKeySource } from '../../platform/auth.ts';
import type { Caller } from '../../platform/caller.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';
import { gatewayContext, type GatewayContext } from './context.ts';
import { readSupergraph } from './compose.ts';
import { COMPRESS_FROM_BYTES, MAX_BODY_BYTES, MAX_TOKENS, operationChecks, queryLimits } from './limits.ts';
import { villageStreamProxy } from './proxy.ts';
import { explorerRoute } from './explorer.ts';
import { labelsRoute } from './labels.ts';
import { schemaTextRoute } from './schema-text.ts';
import { appRoute } from './app.ts';
import { reportsRoute } from './reports.ts';
import { HubDataSource } from './datasource.ts';
import { reportCache } from './report-cache.ts';
import { SharedOperations } from './dedup.ts';
import { unavailableStatus } from './unavailable.ts';
import { installCompiledShaping } from './shaping.ts';

export interface GatewayOptions {
  subgraphUrls: Record<SubgraphName, string>;
  /** Where the keys that verify callers' tokens are (a JWKS URL or file, or one PEM public key). */
  callerKeys: CallerKeySource;
  /** Token subjects an operator allows a whole-country jurisdiction (`*`), from HUB_NATIONAL_SUBJECTS; none by default. */
  nationalSubjects?: readonly string[];
  /** Origins whose browser pages may call the gateway (HUB_CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
  /** Sent to subgraphs in `x-hub-router` (the first of HUB_ROUTER_SECRETS; docs/ARCHITECTURE.md §2). */
  routerSecret: string;
  host?: string;
  port?: number;
  production?: boolean;
  /** Seconds a report-only caller's answer may be served again (0: never); see report-cache.ts. */
  reportCacheSeconds?: number;
  /** Defaults to the checked-in schema/supergraph.graphql (never introspects subgraphs at run time). */
  supergraphSdl?: string;
}

export interface RunningGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const production = opts.production ?? false;
  // Results shaped by a walk compiled once per operation (gateway/src/shaping.ts).
  installCompiledShaping();
  const callers: CallerCheck = callerVerifier(await loadCallerKeys(opts.callerKeys), new Set(opts.nationalSubjects ?? []));
  const supergraphSdl = opts.supergraphSdl ?? readSupergraph();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const sub = name as SubgraphName;
      if (!SUBGRAPHS.includes(sub)) throw new Error(`The supergraph names an unknown subgraph "${name}".`);
      return new HubDataSource(sub, opts.subgraphUrls[sub], opts.routerSecret);
    },
  });
  const armor = queryLimits(production);
  // Requests by operation, errors by code, fetches by subgraph, served at /metrics (docs/ARCHITECTURE.md, "Observability").
  const metrics = gatewayMetrics();
  // Identical queries running at the same time share one execution and its bytes (gateway/src/dedup.ts).
  const shared = new SharedOperations<GatewayContext>();
  const reports = reportCache<GatewayContext>({ seconds: opts.reportCacheSeconds ?? 30 });
  /** An import writes what reports count: the cached answers go once it has ended (committed or not). */
  const afterImport =
    (route: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
      try {
        await route(req, res, url);
      } finally {
        reports.forget();
      }
    };
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    // The process's signals are handled once, by its entry point (platform/workers.ts), which closes the HTTP server
    // and then stops Apollo; Apollo's own handler stopped it a second time at once, and a gateway worker so stopped
    // never exited.
    stopOnTerminationSignals: false,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // A browser cannot send Authorization cross-site without a CORS preflight, so a request that carries it is no CSRF
    // risk; every call to the hub carries a token, so GET queries work too (GraphQL over HTTP).
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    formatError: makeFormatError('gateway'),
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      // No cache hints are set or read anywhere; left on, the plugin wraps every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's own landing page loads Apollo Sandbox from its CDN; the hub's explorer (/explorer) is served whole
      // from the hub. A GET without a query is then answered as GraphQL (400), whatever it accepts.
      ApolloServerPluginLandingPageDisabled(),
      metrics.plugin<GatewayContext>(),
      localizeErrors<GatewayContext>(),
      operationChecks,
      ...armor.plugins,
      reports,
      shared.plugin(),
      unavailableStatus<GatewayContext>(),
    ],
  });
  await apollo.start();

  const analysisRoom = appRoute();
  const http = await listen<GatewayContext, Caller>(
    {
      apollo,
      maxBodyBytes: MAX_BODY_BYTES,
      service: 'gateway',
      countError: (code) => metrics.error(code),
      compressFrom: COMPRESS_FROM_BYTES,
      sharing: shared,
      corsOrigins: opts.corsOrigins ?? [],
      // The explorer is off in production (explorer.ts): there a browser at /graphql is told, in JSON, to sign in.
      landings: production ? { '/': '/app' } : { '/': '/app', '/graphql': '/explorer' },
      authenticate: (req) => authenticate(callers, req.headers.authorization),
      context: async (req, caller) => gatewayContext(req, caller),
      routes: {
        '/reports/*': reportsRoute(apollo, callers),
        '/export/*': villageStreamProxy(callers, opts.routerSecret, opts.subgraphUrls.village, 'export'),
        '/changes.ndjson': villageStreamProxy(callers, opts.routerSecret, opts.subgraphUrls.village, 'changes'),
        '/import/*': afterImport(villageStreamProxy(callers, opts.routerSecret, opts.subgraphUrls.village, 'import')),
        '/app': analysisRoom,
        '/app/*': analysisRoom,
        '/explorer': explorerRoute(production),
        '/explorer/*': explorerRoute(production),
        '/labels.json': labelsRoute(callers),
        '/schema.graphql': schemaTextRoute(callers, supergraphSdl),
        '/metrics': metrics.route(),
        '/health': async (_req, res) => {
          const checks = await Promise.all(
            SUBGRAPHS.map(async (name) => {
              const url = new URL('/health', opts.subgraphUrls[name]);
              try {
                // Longer than a subgraph waits for its database (2 s, platform/service.ts): one whose database hangs
                // answers that it is unhealthy before this gives up and calls it unreachable.
                const r = await fetch(url, { headers: { [ROUTER_HEADER]: opts.routerSecret }, signal: AbortSignal.timeout(3500) });
                // A subgraph that refuses this gateway's router secret (HUB_ROUTER_SECRETS differ between hosts) is
                // healthy itself, yet every request forwarded to it fails: the gateway is not.
                const body = (await r.json().catch(() => ({}))) as { router?: string };
                if (body.router === 'refused') return [name, 'router secret refused (x-hub-router is not one of its HUB_ROUTER_SECRETS)'] as const;
                return [name, r.ok ? 'ok' : `unhealthy (HTTP ${r.status})`] as const;
              } catch {
                return [name, 'unreachable'] as const;
              }
            }),
          );
          const ok = checks.every(([, s]) => s === 'ok');
          sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', service: 'gateway', subgraphs: Object.fromEntries(checks) });
        },
      },
    },
    opts.host ?? '127.0.0.1',
    opts.port ?? 0,
  );
  return {
    url: http.url,
    port: http.port,
    stop: async () => {
      await http.close();
      await apollo.stop();
    },
  };
}
