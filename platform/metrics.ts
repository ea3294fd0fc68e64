import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext as ApolloContext } from '@apollo/server';
import cluster from 'node:cluster';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HttpError, type Route } from './http.ts';
import { log, requestFields, requestLine } from './log.ts';
import { sqlStatementsInRequests, sqlStatementsTotal } from './sql-counter.ts';
import { clusterMetrics } from './workers.ts';

/**
 * Prometheus metrics (docs/ARCHITECTURE.md, "Observability"), with prom-client.
 * Each service has its own registry (its requests, errors, latencies, outbox),
 * served at its /metrics together with the process registry (Node process
 * metrics and SQL time by statement name). Label values are bounded: an
 * operation name or error code beyond the first few hundred seen, or longer
 * than a name should be, is counted as "other".
 */

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const SQL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** Keeps a label's distinct values bounded: the first `max` values of at most `maxLength` characters, then "other". */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  private readonly max: number;
  private readonly maxLength: number;
  constructor(max: number, maxLength: number) {
    this.max = max;
    this.maxLength = maxLength;
  }
  of(value: string | null | undefined, fallback = 'anonymous'): string {
    if (!value) return fallback;
    if (this.seen.has(value)) return value;
    if (value.length > this.maxLength || this.seen.size >= this.max || !/^[\w.:[\]-]+$/.test(value)) return 'other';
    this.seen.add(value);
    return value;
  }
}

const processRegistry = new Registry();
let defaultsStarted = false;
const sqlStatements = new BoundedLabel(2000, 120);
const sqlDuration = new Histogram({
  name: 'hub_sql_duration_seconds',
  help: 'Time of each named SQL statement (platform/sql.ts), by statement name, in this process.',
  labelNames: ['statement'],
  buckets: SQL_BUCKETS,
  registers: [processRegistry],
});

const directoryReads = new Counter({
  name: 'hub_directory_reads_total',
  help: 'Directory rows asked for by key (platform/directory-cache.ts), by where they came from: memory, or the database.',
  labelNames: ['service', 'from'],
  registers: [processRegistry],
});
const directoryListening = new Gauge({
  name: 'hub_directory_listening',
  help: '1 while the service hears of directory changes and so keeps the directory in memory; 0 while every directory read goes to the database.',
  labelNames: ['service'],
  // Workers listen each on their own connection: the service keeps the directory only where all of them listen.
  aggregator: 'min',
  registers: [processRegistry],
});

const directoryHeartbeats = new Counter({
  name: 'hub_directory_heartbeats_total',
  help: "The directory listener's own notifications heard back in time: rising every 10 s while it listens, flat while it is lost.",
  labelNames: ['service'],
  registers: [processRegistry],
});

/** Counts a heartbeat of the directory listener that came back in time (platform/directory-cache.ts). */
export function countDirectoryHeartbeat(service: string): void {
  directoryHeartbeats.inc({ service });
}

/** Counts a directory read's keys: `kept` answered from memory, `read` from the database (platform/directory-cache.ts). */
export function countDirectoryReads(service: string, kept: number, read: number): void {
  if (kept) directoryReads.inc({ service, from: 'memory' }, kept);
  if (read) directoryReads.inc({ service, from: 'database' }, read);
}

/** Whether the service's directory listener is in place (platform/directory-cache.ts). */
export function showDirectoryListening(service: string, listening: boolean): void {
  directoryListening.set({ service }, listening ? 1 : 0);
}

const writeReruns = new Counter({
  name: 'hub_write_transaction_reruns_total',
  help: 'Write transactions run again from their start after PostgreSQL aborted a run for a concurrent write (platform/write-transaction.ts), one per run again, by the SQLSTATE of the aborted run: 40P01 deadlock, 40001 serialization failure.',
  labelNames: ['service', 'sqlstate'],
  registers: [processRegistry],
});
const writeRerunsExhausted = new Counter({
  name: 'hub_write_transaction_reruns_exhausted_total',
  help: 'Write transactions PostgreSQL aborted for a concurrent write that were not run again (their last run, or one that may not run again): answered SERVICE_UNAVAILABLE, retryable, by the SQLSTATE of the last abort.',
  labelNames: ['service', 'sqlstate'],
  registers: [processRegistry],
});

/** Counts a write transaction run again after PostgreSQL aborted a run with `sqlstate` (platform/write-transaction.ts). */
export function countWriteRerun(service: string, sqlstate: string): void {
  writeReruns.inc({ service, sqlstate });
}

/** Counts a write transaction still aborted for a concurrent write when it may not run again (platform/write-transaction.ts). */
export function countWriteRerunsExhausted(service: string, sqlstate: string): void {
  writeRerunsExhausted.inc({ service, sqlstate });
}

/** Records one named statement's time (platform/sql.ts). */
export function observeSql(name: string, ms: number): void {
  sqlDuration.observe({ statement: sqlStatements.of(name, 'unnamed') }, ms / 1000);
}

/** Who may read /metrics: a bearer token when HUB_METRICS_TOKEN is set, else only this machine (loopback). */
let metricsToken: string | undefined;

/** Sets the scrape token (from settings, at a service's start). */
export function configureMetrics(opts: { token?: string }): void {
  metricsToken = opts.token;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function mayScrape(req: IncomingMessage): boolean {
  if (metricsToken) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(metricsToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}

export interface OutboxBacklog {
  target: string;
  depth: number;
  /** Age of the oldest undelivered event, in seconds (0 when none). */
  oldestSeconds: number;
}

/** One service's metrics: its registry and the instruments its request path records into. */
export class ServiceMetrics {
  readonly service: string;
  readonly registry = new Registry();
  private readonly requests: Counter.Internal;
  private readonly errors: Counter<'service' | 'code'>;
  private readonly errorCodes = new BoundedLabel(60, 40);
  /** Gateway: per operation name; subgraph: one series for the service. */
  private readonly duration: Histogram<'service' | 'operation'>;
  private readonly operations = new BoundedLabel(200, 64);
  private readonly fetches?: Histogram<'subgraph'>;
  private outbox?: { targets: readonly string[]; read: () => Promise<OutboxBacklog[]> };

  constructor(service: string) {
    this.service = service;
    const registers = [this.registry];
    const gateway = service === 'gateway';
    if (cluster.isWorker) {
      // One of several workers (platform/workers.ts): the primary gathers these two registries from each of them.
      AggregatorRegistry.setRegistries([this.registry, processRegistry]);
      new AggregatorRegistry();
    }
    this.requests = new Counter({ name: 'hub_graphql_requests_total', help: 'GraphQL requests answered.', labelNames: ['service'], registers }).labels(service);
    // A scraper (and the bench, which subtracts two readings) sees 0 before the first request, not a missing series.
    this.requests.inc(0);
    this.errors = new Counter({
      name: 'hub_graphql_errors_total',
      help: 'Errors in GraphQL answers and refused requests, by extensions.code.',
      labelNames: ['service', 'code'],
      registers,
    });
    this.duration = new Histogram({
      name: gateway ? 'hub_gateway_request_duration_seconds' : 'hub_subgraph_request_duration_seconds',
      help: gateway ? 'Time to answer a client request at the gateway, by operation name.' : "Time to answer a request at this subgraph (the router's fetch).",
      labelNames: gateway ? ['service', 'operation'] : ['service'],
      buckets: REQUEST_BUCKETS,
      registers,
    });
    if (gateway) {
      this.fetches = new Histogram({
        name: 'hub_gateway_subgraph_fetch_duration_seconds',
        help: "Time of the gateway's fetches from each subgraph.",
        labelNames: ['subgraph'],
        buckets: REQUEST_BUCKETS,
        registers,
      });
    } else {
      // Process totals, as the benchmark (scripts/bench.ts) reads them.
      new Counter({
        name: 'hub_sql_statements_total',
        help: 'SQL statements sent by this process.',
        labelNames: ['service'],
        registers,
        collect() {
          this.reset();
          this.inc({ service }, sqlStatementsTotal());
        },
      });
      new Counter({
        name: 'hub_sql_request_statements_total',
        help: "SQL statements sent while answering requests (not the relay's polling): what a benchmark divides by requests.",
        labelNames: ['service'],
        registers,
        collect() {
          this.reset();
          this.inc({ service }, sqlStatementsInRequests());
        },
      });
      // Both gauges come from one query per scrape: the registry collects its metrics concurrently, so they share it.
      let reading: Promise<OutboxBacklog[] | undefined> | undefined;
      const backlog = () =>
        (reading ??= (this.outbox?.read() ?? Promise.resolve(undefined))
          // The database does not answer: the scrape goes on without these two gauges.
          .catch(() => undefined)
          .finally(() => (reading = undefined)));
      const targets = () => this.outbox?.targets ?? [];
      new Gauge({
        name: 'hub_outbox_depth',
        // Every worker reads the same outbox: their figures are one figure, not parts of a sum.
        aggregator: 'max',
        help: 'Events in the outbox not yet delivered, per target.',
        labelNames: ['service', 'target'],
        registers,
        async collect() {
          const rows = await backlog();
          this.reset();
          if (rows) for (const target of targets()) this.set({ service, target }, rows.find((x) => x.target === target)?.depth ?? 0);
        },
      });
      new Gauge({
        name: 'hub_relay_lag_seconds',
        aggregator: 'max', // as the depth
        help: 'Age of the oldest event in the outbox not yet delivered, per target (0 when none waits).',
        labelNames: ['service', 'target'],
        registers,
        async collect() {
          const rows = await backlog();
          this.reset();
          if (rows) for (const target of targets()) this.set({ service, target }, rows.find((x) => x.target === target)?.oldestSeconds ?? 0);
        },
      });
    }
  }

  /** Where the outbox gauges read from on each scrape (one query, platform/events.ts). */
  watchOutbox(targets: readonly string[], read: () => Promise<OutboxBacklog[]>): void {
    this.outbox = { targets, read };
  }

  /** Counts one error of the given code (also for requests refused before GraphQL runs). */
  error(code: string): void {
    this.errors.inc({ service: this.service, code: this.errorCodes.of(code, 'INTERNAL_SERVER_ERROR') });
  }

  /** Counts one error of a GraphQL error's `extensions.code` (internal when it has none); the code counted. */
  private counted(code: unknown): string {
    const known = typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
    this.error(known);
    return known;
  }

  /** Records one of the gateway's fetches from a subgraph. */
  fetched(subgraph: string, ms: number): void {
    this.fetches?.observe({ subgraph }, ms / 1000);
  }

  /**
   * An Apollo Server plugin that counts requests and their errors, times
   * each request, fills the request's log fields (platform/log.ts) and writes
   * its request line.
   */
  plugin<C extends ObservedContext>(): ApolloServerPlugin<C> {
    const gateway = this.service === 'gateway';
    const service = this.service;
    return {
      requestDidStart: async ({ contextValue, request }) => {
        const started = performance.now();
        this.requests.inc();
        const fields = requestFields();
        if (fields) {
          fields.requestId = contextValue.requestId;
          fields.subject = contextValue.caller?.subject;
          fields.operation = request.operationName ?? undefined;
        }
        return {
          didResolveOperation: async ({ operationName, operation }) => {
            if (fields) fields.operation = operationName ?? operation?.operation;
          },
          willSendResponse: async ({ operationName, response }) => {
            // Counted and logged as the client is told, after formatError (platform/errors.ts) has given each error its
            // code: the error Apollo or a resolver raised may carry none yet (a database outage, an APQ hash that does
            // not match its query) or another (a graphql-armor limit, a code the hub does not know). An answer a plugin
            // gave instead of running the operation (the gateway's shared answers, gateway/src/dedup.ts) is counted
            // likewise, once per request it was sent to.
            const body = response.body;
            const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
            const codes = errors?.length ? errors.map((e) => this.counted(e.extensions?.code)) : undefined;
            const ms = performance.now() - started;
            if (gateway) this.duration.observe({ service, operation: this.operations.of(operationName) }, ms / 1000);
            else this.duration.observe({ service }, ms / 1000);
            requestLine(ms, codes);
          },
        };
      },
    };
  }

  /** GET /metrics: this service's registry, then the process's. */
  route(): Route {
    if (!defaultsStarted) {
      defaultsStarted = true;
      collectDefaultMetrics({ register: processRegistry });
    }
    return async (req, res) => {
      if (!mayScrape(req)) {
        throw new HttpError(403, 'FORBIDDEN', {
          zh: '指标只对本机或持有 HUB_METRICS_TOKEN 的采集方开放。',
          en: 'Metrics are served to this machine, or to a scraper holding HUB_METRICS_TOKEN.',
        });
      }
      // With workers, all of them added up (the outbox gauges: the largest), from the primary.
      const gathered = clusterMetrics()?.catch((e: unknown) => {
        log.warn({ err: e, service: this.service }, "metrics: the workers' figures could not be gathered");
        throw new HttpError(503, 'SERVICE_UNAVAILABLE', {
          zh: '暂时无法汇总各工作进程的指标，请稍后重试。',
          en: "The workers' metrics could not be gathered just now; try again.",
        });
      });
      const text = (await gathered) ?? (await this.registry.metrics()) + (await processRegistry.metrics());
      res.writeHead(200, { 'content-type': this.registry.contentType });
      res.end(text);
    };
  }
}

let gateway: ServiceMetrics | undefined;

/** The gateway's metrics: one gateway per process, so its data sources record into the same registry. */
export function gatewayMetrics(): ServiceMetrics {
  gateway ??= new ServiceMetrics('gateway');
  return gateway;
}

/** What the request plugin reads from a service's context. */
export interface ObservedContext extends ApolloContext {
  requestId: string;
  caller?: { subject: string };
}
