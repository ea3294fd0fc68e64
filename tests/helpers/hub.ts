/**
 * A whole hub for a test file: the three subgraphs on port 0 and a gateway,
 * talking real HTTP, on the suite's real PostgreSQL. Returns `query()` and
 * `stop()`, plus handles to stop and restart one subgraph.
 */
import { inject } from 'vitest';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway.ts';
import { SUBGRAPHS, type SubgraphName } from '../../subgraphs/shared/config.ts';
import { startModule, type StartedSubgraph } from '../../subgraphs/shared/module.ts';
import { sqlStatementsTotal } from '../../subgraphs/shared/sql-counter.ts';
import { MODULES } from '../../scripts/lib/setup.ts';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestHub {
  gatewayUrl: string;
  subgraphs: Record<SubgraphName, StartedSubgraph>;
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** POSTs straight to a subgraph, bypassing the gateway. */
  querySubgraph<T = any>(name: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Runs `fn` and returns how many SQL statements this process sent meanwhile (all subgraphs run here). */
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

export async function startHub(): Promise<TestHub> {
  const dbs = inject('dbs');
  const subgraphs = {} as Record<SubgraphName, StartedSubgraph>;
  const ports = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) {
    subgraphs[name] = await startModule(MODULES[name], { url: dbs[name].url, poolMax: 4 });
    ports[name] = subgraphs[name].port;
  }
  const gateway: RunningGateway = await startGateway({
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, subgraphs[n].url])) as Record<SubgraphName, string>,
  });
  const hub: TestHub = {
    gatewayUrl: gateway.url,
    subgraphs,
    query: (query, variables, headers) => postJson(gateway.url, { query, variables }, headers),
    querySubgraph: (name, query, variables) => postJson(subgraphs[name].url, { query, variables }),
    async countStatements(fn) {
      const before = sqlStatementsTotal();
      await fn();
      return sqlStatementsTotal() - before;
    },
    async stopSubgraph(name) {
      await subgraphs[name].stop();
    },
    async restartSubgraph(name) {
      subgraphs[name] = await startModule(MODULES[name], { url: dbs[name].url, port: ports[name], poolMax: 4 });
    },
    async stop() {
      await gateway.stop();
      await Promise.allSettled(SUBGRAPHS.map((n) => subgraphs[n].stop()));
    },
  };
  return hub;
}
