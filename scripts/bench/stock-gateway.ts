/**
 * The baseline for the county drill-down: a stock @apollo/gateway in
 * @apollo/server's standalone server, default data sources and settings, on
 * the same supergraph and subgraphs. The only addition is what our subgraphs
 * require of any router: the caller's token and the router secret (docs/ARCHITECTURE.md §2).
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { ROUTER_HEADER } from '../../platform/auth.ts';

const [port, county, township, village] = process.argv.slice(2);
const token = process.env.BENCH_CALLER_TOKEN!;
const secret = process.env.BENCH_ROUTER_SECRET!;
const urls: Record<string, string> = { county: county!, township: township!, village: village! };
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  buildService: ({ name }) =>
    new RemoteGraphQLDataSource({
      url: urls[name],
      async willSendRequest({ request }) {
        request.http?.headers.set('authorization', `Bearer ${token}`);
        request.http?.headers.set(ROUTER_HEADER, secret);
      },
    }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
console.log(`stock gateway ready at ${url}`);
