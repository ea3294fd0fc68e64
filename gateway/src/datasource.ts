import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { SubgraphName } from '../../subgraphs/shared/config.ts';

const LEVEL_LABEL: Record<SubgraphName, string> = {
  county: 'county (县) subgraph',
  township: 'township (乡镇) subgraph',
  village: 'village (村/社区) subgraph',
};

/**
 * The gateway's link to one subgraph. When the subgraph cannot be reached,
 * the failure becomes a typed error naming what is missing, and the gateway
 * still returns what the other subgraphs answered (partial data).
 */
export class HubDataSource extends RemoteGraphQLDataSource<Record<string, any>> {
  readonly subgraph: SubgraphName;

  constructor(subgraph: SubgraphName, url: string) {
    super({ url });
    this.subgraph = subgraph;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Record<string, any>>): void {
    const requestId = context?.requestId;
    if (typeof requestId === 'string') request.http?.headers.set('x-request-id', requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<Record<string, any>>) {
    try {
      return await super.process(options);
    } catch (error) {
      // A subgraph that answered with an HTTP error (e.g. 400 for an invalid argument) sent
      // GraphQL errors in its body: pass the first one on with its own code.
      const body = (error as GraphQLError).extensions?.response as { body?: { errors?: { message: string; extensions?: Record<string, unknown> }[] } } | undefined;
      const first = body?.body?.errors?.[0];
      if (first) throw new GraphQLError(first.message, { extensions: { ...first.extensions, serviceName: this.subgraph } });
      if (error instanceof GraphQLError && error.extensions?.code !== undefined && error.extensions.code !== 'INTERNAL_SERVER_ERROR') {
        throw error;
      }
      const reason = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      throw new GraphQLError(
        `The ${LEVEL_LABEL[this.subgraph]} is unavailable${reason ? ` (${reason})` : ''}; the fields it provides are missing from this response. Try again shortly.`,
        { extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: this.subgraph } },
      );
    }
  }
}
