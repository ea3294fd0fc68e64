import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Counter, Gauge } from 'prom-client';
import { AUDITED_HEADER, ROUTER_HEADER } from '../../platform/auth.ts';
import { hubError } from '../../domain/errors.ts';
import { preferredLanguage } from '../../platform/language.ts';
import { REQUEST_KEY_HEADER } from '../../platform/request-id.ts';
import { log } from '../../platform/log.ts';
import { gatewayMetrics } from '../../platform/metrics.ts';
import { inClientSpan, injectTraceContext } from '../../platform/telemetry.ts';
import { SUBGRAPH_LABEL, type SubgraphName } from '../../platform/settings.ts';
import type { GatewayContext } from './context.ts';
import { leadingOperationCount, markAudited, shareKeyOf, shareScope, sharedOperationCount } from './dedup.ts';
import { subgraphFetcher } from './fetcher.ts';

// One pool for all subgraphs; each subgraph (host:port) gets up to 64 sockets (the gateway's own
// concurrency is bounded by its clients), idle ones closed after 30 s.
export const FETCHER = subgraphFetcher({ maxSockets: 64, idleMs: 30_000 });
/** A counter of this process whose value is read at each scrape. */
function countedAtScrape(name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [gatewayMetrics().registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
countedAtScrape(
  'hub_gateway_shared_fetches_total',
  'Subgraph fetches that waited for an identical one already on the wire instead of sending their own (gateway/src/dedup.ts).',
  () => FETCHER.shared(),
);
countedAtScrape(
  'hub_gateway_subgraph_retries_total',
  'Query fetches sent to a subgraph again because the connection failed before an answer came (gateway/src/fetcher.ts).',
  () => FETCHER.retried(),
);
countedAtScrape(
  'hub_gateway_shared_operations_total',
  'Queries answered with an identical query already running instead of being executed again (gateway/src/dedup.ts).',
  sharedOperationCount,
);
new Gauge({
  name: 'hub_gateway_leading_operations',
  help: 'Queries running now that identical ones may wait for (gateway/src/dedup.ts); back to 0 when the gateway is idle.',
  registers: [gatewayMetrics().registry],
  collect() {
    this.set(leadingOperationCount());
  },
});

/**
 * A fetch's headers as a plain object (names lower-cased, repeated values joined with ", "), what
 * `Object.fromEntries(headers)` gives, read from node-fetch's own map (`raw()`) rather than through its iterator, which
 * sorts and copies the names for every step.
 */
export function plainHeaders(headers: NonNullable<GatewayGraphQLRequest['http']>['headers']): Record<string, string> {
  const raw = (headers as unknown as { raw?: () => Record<string, string[]> }).raw?.();
  if (!raw) return Object.fromEntries(headers);
  const out: Record<string, string> = {};
  for (const name of Object.keys(raw)) out[name.toLowerCase()] = raw[name]!.join(', ');
  return out;
}

type GatewayGraphQLRequest = GraphQLDataSourceProcessOptions<GatewayContext>['request'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/**
 * The gateway's link to one subgraph. When the subgraph cannot be reached,
 * the failure becomes a typed error naming what is missing, and the gateway
 * still returns what the other subgraphs answered (partial data).
 */
export class HubDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly subgraph: SubgraphName;
  /** Sent in `x-hub-router`: the first of HUB_ROUTER_SECRETS. */
  private readonly routerSecret: string;

  constructor(subgraph: SubgraphName, url: string, routerSecret: string) {
    // Cache hints are neither set nor read at the gateway (ApolloServerPluginCacheControlDisabled, gateway.ts); honored,
    // every fetch's answer had its cache-control header parsed into a policy nothing uses.
    super({ url, fetcher: FETCHER, honorSubgraphCacheControlHeader: false });
    this.subgraph = subgraph;
    this.routerSecret = routerSecret;
    // @apollo/gateway's own sendRequest (private, so set here) builds a node-fetch Request of every fetch only to hand it
    // to hooks this class does not override; parsing its URL and headers was about 5% of the gateway's CPU.
    Object.defineProperty(this, 'sendRequest', { value: this.send });
  }

  /** The fetch itself, as @apollo/gateway's `sendRequest` does it, less the unused Request. */
  private readonly send = async (request: GatewayGraphQLRequest): Promise<GatewayGraphQLResponse> => {
    const { http, ...rest } = request;
    if (!http) throw new Error("Internal error: Only 'http' requests are supported.");
    const response = await FETCHER(http.url, { method: http.method, headers: plainHeaders(http.headers), body: JSON.stringify(rest) });
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    return { ...body, http: response };
  };

  /**
   * What any router must send a subgraph (docs/ARCHITECTURE.md §2): the caller's own `Authorization` header,
   * unchanged (the subgraph verifies it again), and the router's secret; plus the request id and the language.
   */
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Health checks and schema loading carry no caller: nothing to forward.
    if (!('incomingRequestContext' in options)) return;
    const { request, context: ctx, incomingRequestContext: incoming } = options;
    const headers = request.http?.headers;
    if (!headers) return;
    headers.set(ROUTER_HEADER, this.routerSecret);
    headers.set('authorization', ctx.authorization);
    headers.set('x-request-id', ctx.requestId);
    headers.set(REQUEST_KEY_HEADER, ctx.requestKey);
    // The caller's language, so the subgraph's errors arrive already in it (platform/language.ts).
    headers.set('accept-language', preferredLanguage(incoming.request.http?.headers.get('accept-language')));
    // The trace goes on at the subgraph (W3C traceparent; nothing is set while tracing is off).
    injectTraceContext((name, value) => headers.set(name, value));
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    try {
      const share =
        'incomingRequestContext' in options
          ? shareKeyOf(
              options.context.caller,
              options.incomingRequestContext.operation?.operation,
              preferredLanguage(options.incomingRequestContext.request.http?.headers.get('accept-language')),
            )
          : undefined;
      // Timed per subgraph (hub_gateway_subgraph_fetch_duration_seconds) and, when tracing, a client span whose traceparent goes out.
      const started = performance.now();
      try {
        const answer = await inClientSpan(`gateway fetch ${this.subgraph}`, { 'hub.service': 'gateway', 'hub.subgraph': this.subgraph }, () =>
          share === undefined ? super.process(options) : shareScope.run(share, () => super.process(options)),
        );
        if (answer.http?.headers.get(AUDITED_HEADER) && 'incomingRequestContext' in options) markAudited(options.context.exchange);
        return answer;
      } finally {
        gatewayMetrics().fetched(this.subgraph, performance.now() - started);
      }
    } catch (error) {
      // A subgraph that answered with an HTTP error (e.g. 400 for an invalid argument) sent
      // GraphQL errors in its body: pass the first one on with its own code.
      const body = (error as GraphQLError).extensions?.response as
        { body?: { errors?: { message: string; extensions?: Record<string, unknown> }[] } } | undefined;
      const first = body?.body?.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: { ...first.extensions, serviceName: this.subgraph } });
      if (error instanceof GraphQLError && error.extensions?.code !== undefined && error.extensions.code !== 'INTERNAL_SERVER_ERROR') {
        throw error;
      }
      // Why the subgraph could not be reached (a socket error) is for the log, not the client.
      const correlationId = crypto.randomUUID();
      log.error({ err: error, subgraph: this.subgraph, correlationId }, 'subgraph unavailable');
      const label = SUBGRAPH_LABEL[this.subgraph];
      throw hubError(
        'SUBGRAPH_UNAVAILABLE',
        {
          zh: `${label.zh}暂时不可用，本次响应缺少它提供的字段，请稍后重试。`,
          en: `The ${label.en} is unavailable; the fields it provides are missing from this response. Try again shortly.`,
        },
        { subgraph: this.subgraph, retryable: true, correlationId },
      );
    }
  }
}
