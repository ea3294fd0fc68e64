/**
 * A whole hub for a test file: the three subgraphs on port 0 and a gateway,
 * talking real HTTP, on the suite's real PostgreSQL. Returns `query()` and
 * `stop()`, plus handles to stop and restart one subgraph.
 */
import { inject } from 'vitest';
import { importPrivateKey, INTERNAL_HEADER, mintCallerToken, signInternal } from '../../platform/auth.ts';
import type { Scope } from '../../platform/caller.ts';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway.ts';
import { SUBGRAPHS, type SubgraphName } from '../../platform/settings.ts';
import { startModule, type StartedSubgraph } from '../../platform/module.ts';
import { sqlStatementsInRequests } from '../../platform/sql-counter.ts';
import { MODULES } from '../../scripts/lib/setup.ts';
import { freePort } from '../setup/global.ts';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
  extensions?: Record<string, any>;
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
  queryAs<T = any>(token: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  subgraphs: Record<SubgraphName, StartedSubgraph>;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** POSTs straight to a subgraph, signed as the gateway would for a whole-country caller. */
  querySubgraph<T = any>(name: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Runs `fn` and returns how many SQL statements the subgraphs' request handling sent meanwhile (all subgraphs run here). */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  stopSubgraph(name: SubgraphName): Promise<void>;
  restartSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return res.json();
}

export const ALL_SCOPES: Scope[] = ['read', 'write', 'pii', 'report', 'admin'];

export async function startHub(): Promise<TestHub> {
  const dbs = inject('dbs');
  const keys = inject('keys');
  const callerKey = await importPrivateKey(keys.caller.privateKey);
  const internalKey = await importPrivateKey(keys.internal.privateKey);
  const token = (o: TokenOptions = {}) =>
    mintCallerToken(callerKey, {
      subject: o.subject ?? 'test',
      name: 'test caller',
      jurisdiction: o.jurisdiction ?? '',
      scopes: o.scopes ?? ALL_SCOPES,
      ttl: o.ttl ?? 3600,
    });
  const national = await token();
  const internal = await signInternal(internalKey, { subject: 'test', name: 'test', jurisdiction: '', scopes: new Set(ALL_SCOPES) }, { requestId: 'test', operation: 'test' });
  // Ports are chosen first so every subgraph knows where the others receive events.
  const ports = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) ports[name] = await freePort();
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`])) as Record<SubgraphName, string>;
  const startOpts = { internalPublicKey: keys.internal.publicKey, eventsSecret: keys.eventsSecret, subgraphUrls, poolMax: 4 };
  const subgraphs = {} as Record<SubgraphName, StartedSubgraph>;
  for (const name of SUBGRAPHS) subgraphs[name] = await startModule(MODULES[name], { ...startOpts, url: dbs[name].url, port: ports[name] });
  const gateway: RunningGateway = await startGateway({
    callerPublicKey: keys.caller.publicKey,
    internalPrivateKey: keys.internal.privateKey,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, subgraphs[n].url])) as Record<SubgraphName, string>,
  });
  const hub: TestHub = {
    gatewayUrl: gateway.url,
    subgraphs,
    token,
    query: (query, variables, headers) => postJson(gateway.url, { query, variables }, { authorization: `Bearer ${national}`, ...headers }),
    queryAs: (t, query, variables) => postJson(gateway.url, { query, variables }, { authorization: `Bearer ${t}` }),
    querySubgraph: (name, query, variables) => postJson(subgraphs[name].url, { query, variables }, { [INTERNAL_HEADER]: internal }),
    async countStatements(fn) {
      const before = sqlStatementsInRequests();
      await fn();
      return sqlStatementsInRequests() - before;
    },
    async stopSubgraph(name) {
      await subgraphs[name].stop();
    },
    async restartSubgraph(name) {
      subgraphs[name] = await startModule(MODULES[name], { ...startOpts, url: dbs[name].url, port: ports[name] });
    },
    async stop() {
      await gateway.stop();
      await Promise.allSettled(SUBGRAPHS.map((n) => subgraphs[n].stop()));
    },
  };
  return hub;
}
