/**
 * A whole hub for a test file: the three subgraphs on port 0 and a gateway,
 * talking real HTTP, on the suite's real PostgreSQL. Returns `query()` and
 * `stop()`, plus handles to stop and restart one subgraph.
 */
import { inject } from 'vitest';
import { importPrivateKey, mintCallerToken, ROUTER_HEADER, type TrustSettings } from '../../platform/auth.ts';
import type { Scope } from '../../platform/caller.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway.ts';
import { SUBGRAPHS, type LookupLimits, type SubgraphName } from '../../platform/settings.ts';
import { startModule, type StartedSubgraph, type StartOptions } from '../../platform/module.ts';
import { sqlStatementsInRequests, unnamedStatementsInGenericPlans, watchGenericPlans } from '../../platform/sql-counter.ts';
import { MODULES } from '../../scripts/lib/setup.ts';
import { freePort } from '../setup/global.ts';

/** One error of a GraphQL response, as it arrives in JSON. */
export interface GraphQLErrorJson {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * A GraphQL response as JSON. `T` is the shape of `data` the test's query
 * asks for (declared next to the query); it is not checked at run time.
 */
export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: GraphQLErrorJson[];
  extensions?: Record<string, unknown>;
}

/** A connection's nodes, with `totalCount` and `pageInfo` where a query asks for them. */
export interface Nodes<T> {
  nodes: T[];
}
export interface Counted {
  totalCount: number;
}
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
export interface Paged<T> extends Nodes<T> {
  pageInfo: PageInfo;
}

export interface TokenOptions {
  jurisdiction?: string;
  scopes?: Scope[];
  subject?: string;
  ttl?: number;
}

export interface TestHub {
  gatewayUrl: string;
  /** Mints a caller token (default: the whole country, every scope). */
  token(opts?: TokenOptions): Promise<string>;
  /** POSTs to the gateway as the caller of `token`. */
  queryAs<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** The same request's data, failing the test with its errors when it has some. */
  dataAs<T = Record<string, unknown>>(token: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  subgraphs: Record<SubgraphName, StartedSubgraph>;
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** POSTs straight to a subgraph as a trusted router would, for the whole-country caller. */
  querySubgraph<T = Record<string, unknown>>(name: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** The same request as `querySubgraph`, its HTTP response unread (for its status and headers). */
  fetchSubgraph(name: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<Response>;
  /** Runs `fn` and returns how many SQL statements the subgraphs' request handling sent meanwhile (all subgraphs run here). */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  stopSubgraph(name: SubgraphName): Promise<void>;
  restartSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * POSTs JSON. Asks for English messages (`accept-language: en`) unless `headers` says otherwise: tests match
 * on the English text; tests/language.test.ts covers the Chinese default.
 */
export async function postJson<T = Record<string, unknown>>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'accept-language': 'en',
      ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    },
    body: JSON.stringify(body),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** One NDJSON line of an import's answer: `reject` (line, field, code, reason), `progress`, `done` or `error`. */
export type ImportEvent = { type: string; line: number; field: string; reason: string; code?: string } & Record<string, unknown>;

/**
 * POSTs a file to the gateway's import (`/import/<kind>?job=…`, English reasons) the way a client does, and reads
 * its NDJSON answer; `events` is empty when the whole answer is an error (status 4xx).
 */
export async function postImport(
  gatewayUrl: string,
  token: string,
  kind: string,
  body: string,
  job: string,
  language: 'en' | 'zh' = 'en',
): Promise<{ status: number; events: ImportEvent[]; rejects: ImportEvent[]; done: ImportEvent | undefined }> {
  const res = await fetch(new URL(`/import/${kind}?job=${encodeURIComponent(job)}`, gatewayUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8', 'accept-language': language },
    body,
  });
  const text = await res.text();
  const events =
    res.status === 200
      ? text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as ImportEvent)
      : [];
  return { status: res.status, events, rejects: events.filter((e) => e.type === 'reject'), done: events.find((e) => e.type === 'done') };
}

/** Starts each subgraph from its own module (one starter per name keeps each module's context type). */
const START: Record<SubgraphName, (opts: StartOptions) => Promise<StartedSubgraph>> = {
  county: (opts) => startModule(MODULES.county, opts),
  township: (opts) => startModule(MODULES.township, opts),
  village: (opts) => startModule(MODULES.village, opts),
};

/** The subject of the test hub's default token, which the hub's settings make national. */
export const NATIONAL_TEST_SUBJECT = 'test';

export const ALL_SCOPES: Scope[] = ['read', 'write', 'pii', 'report', 'admin'];

type SubgraphStart = Omit<StartOptions, 'url' | 'port'>;

/**
 * Starts the three subgraphs on ports chosen first, so every subgraph knows where the others receive events. A port
 * found free can be taken (by an outgoing connection of a test running beside this one) before a subgraph listens on
 * it: then all start again on fresh ports, at most three times.
 */
async function startSubgraphs(
  dbs: Record<SubgraphName, { url: string }>,
  common: Omit<SubgraphStart, 'subgraphUrls'>,
): Promise<{ ports: Record<SubgraphName, number>; startOpts: SubgraphStart; subgraphs: Record<SubgraphName, StartedSubgraph> }> {
  for (let attempt = 1; ; attempt++) {
    const ports = {} as Record<SubgraphName, number>;
    for (const name of SUBGRAPHS) ports[name] = await freePort();
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`])) as Record<SubgraphName, string>;
    const startOpts: SubgraphStart = { ...common, subgraphUrls };
    const subgraphs = {} as Record<SubgraphName, StartedSubgraph>;
    try {
      for (const name of SUBGRAPHS) subgraphs[name] = await START[name]({ ...startOpts, url: dbs[name].url, port: ports[name] });
      return { ports, startOpts, subgraphs };
    } catch (e) {
      await Promise.allSettled(Object.values(subgraphs).map((s) => s.stop()));
      if ((e as { code?: unknown }).code !== 'EADDRINUSE' || attempt >= 3) throw e;
    }
  }
}

/** What a test may set on the gateway it starts (HUB_CORS_ORIGINS as `corsOrigins`). */
export interface HubOptions {
  corsOrigins?: readonly string[];
  /** The village subgraph's lookup quota (HUB_LOOKUPS_*); default the settings' defaults. */
  lookups?: LookupLimits;
  /** The subgraphs' statement_timeout (HUB_STATEMENT_TIMEOUT_SECONDS); default the settings' default. */
  statementTimeoutMs?: number;
}

export async function startHub(opts: HubOptions = {}): Promise<TestHub> {
  // Its stop refuses a statement sent with parameters but no prepared name where generic plans are asked for.
  watchGenericPlans();
  const dbs = inject('dbs');
  const keys = inject('keys');
  const callerKey = await importPrivateKey(keys.caller.privateKey);
  const token = (o: TokenOptions = {}) =>
    mintCallerToken(callerKey, {
      subject: o.subject ?? NATIONAL_TEST_SUBJECT,
      name: 'test caller',
      jurisdiction: o.jurisdiction ?? '*',
      scopes: o.scopes ?? ALL_SCOPES,
      ttl: o.ttl ?? 3600,
    });
  const national = await token();
  // The operator's grant of the whole country: only the default test subject has it, at the gateway and in every subgraph.
  const trust: TrustSettings = {
    routerSecrets: keys.routerSecrets,
    callerKeys: { publicKey: keys.caller.publicKey },
    nationalSubjects: [NATIONAL_TEST_SUBJECT],
  };
  const { ports, startOpts, subgraphs } = await startSubgraphs(dbs, {
    trust,
    eventsSecret: keys.eventsSecret,
    poolMax: 4,
    compileAfter: 1,
    lookups: opts.lookups,
    statementTimeoutMs: opts.statementTimeoutMs,
  });
  const gateway: RunningGateway = await startGateway({
    callerKeys: trust.callerKeys,
    routerSecret: keys.routerSecrets[0]!,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, subgraphs[n].url])) as Record<SubgraphName, string>,
    nationalSubjects: trust.nationalSubjects,
    corsOrigins: opts.corsOrigins,
  });
  const hub: TestHub = {
    gatewayUrl: gateway.url,
    subgraphs,
    token,
    query: <T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
      postJson<T>(gateway.url, { query, variables }, { authorization: `Bearer ${national}`, ...headers }),
    queryAs: <T>(t: string, query: string, variables?: Record<string, unknown>) =>
      postJson<T>(gateway.url, { query, variables }, { authorization: `Bearer ${t}` }),
    dataAs: async <T>(t: string, query: string, variables?: Record<string, unknown>) => {
      const r = await postJson<T>(gateway.url, { query, variables }, { authorization: `Bearer ${t}` });
      if (r.errors !== undefined) throw new Error(`${query.trim().slice(0, 120)}: ${JSON.stringify(r.errors)}`);
      return r.data!;
    },
    fetchSubgraph: (name: SubgraphName, query: string, variables?: Record<string, unknown>) =>
      fetch(subgraphs[name].url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'en', authorization: `Bearer ${national}`, [ROUTER_HEADER]: keys.routerSecrets[0]! },
        body: JSON.stringify({ query, variables }),
      }),
    querySubgraph: async <T>(name: SubgraphName, query: string, variables?: Record<string, unknown>) =>
      (await hub.fetchSubgraph(name, query, variables)).json() as Promise<GraphQLResponse<T>>,
    async countStatements(fn) {
      const before = sqlStatementsInRequests();
      await fn();
      return sqlStatementsInRequests() - before;
    },
    async stopSubgraph(name) {
      await subgraphs[name].stop();
    },
    async restartSubgraph(name) {
      subgraphs[name] = await START[name]({ ...startOpts, url: dbs[name].url, port: ports[name] });
    },
    async stop() {
      await gateway.stop();
      await Promise.allSettled(SUBGRAPHS.map((n) => subgraphs[n].stop()));
      // Every statement with parameters in a request's transaction went as a named prepared statement (platform/sql-counter.ts).
      const unnamed = unnamedStatementsInGenericPlans(true);
      if (unnamed.length) throw new Error(`Statements sent with parameters but no prepared name in a transaction with generic plans: ${unnamed.join(', ')}`);
    },
  };
  return hub;
}
