import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/**
 * HTTP 503 (with `retry-after`) for an answer that carries no data because a
 * database or a whole subgraph did not answer (`SERVICE_UNAVAILABLE`,
 * `SUBGRAPH_UNAVAILABLE`, both `retryable`): the client may send the same
 * request again shortly. An answer with partial data keeps 200, with the
 * error naming what is missing (docs/ARCHITECTURE.md).
 */
const RETRYABLE = new Set(['SERVICE_UNAVAILABLE', 'SUBGRAPH_UNAVAILABLE']);

export function unavailableStatus<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (!errors?.some((e) => RETRYABLE.has(String(e.extensions?.code)))) return;
          if (data && Object.values(data).some((v) => v !== null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        },
      };
    },
  };
}
