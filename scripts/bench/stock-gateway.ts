/**
 * The baseline for the county drill-down: a stock @apollo/gateway in
 * @apollo/server's standalone server, default data sources and settings, on
 * the same supergraph and subgraphs. The only addition is what our subgraphs
 * require: the caller forwarded as a signed internal token.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { importPrivateKey, INTERNAL_HEADER, signInternal } from '../../platform/auth.ts';
import type { Caller, Scope } from '../../platform/caller.ts';

const [port, county, township, village] = process.argv.slice(2);
const key = await importPrivateKey(process.env.HUB_INTERNAL_PRIVATE_KEY!);
const caller: Caller = { subject: 'bench', name: 'bench', jurisdiction: '*', scopes: new Set<Scope>(['read', 'report']) };
const urls: Record<string, string> = { county: county!, township: township!, village: village! };
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  buildService: ({ name }) =>
    new RemoteGraphQLDataSource({
      url: urls[name],
      async willSendRequest({ request }) {
        request.http?.headers.set(INTERNAL_HEADER, await signInternal(key, caller, { requestId: 'stock', operation: 'bench' }));
      },
    }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
console.log(`stock gateway ready at ${url}`);
