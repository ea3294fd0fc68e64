import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * HTTP 503 (with `retry-after`) for an answer that carries no data because a
 * database did not answer (`SERVICE_UNAVAILABLE` from a subgraph): the client
 * may send the same request again shortly. An answer with partial data keeps
 * 200, as with `SUBGRAPH_UNAVAILABLE` (docs/ARCHITECTURE.md).
 */
export function unavailableStatus<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          if (data && Object.values(data).some((v) => v !== null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}
