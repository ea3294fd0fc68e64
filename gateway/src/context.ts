import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../../platform/caller.ts';
import { forwardedRequestId } from '../../platform/request-id.ts';

/** What every gateway request carries: its id (logs, subgraph calls) and the verified caller. */
export interface GatewayContext {
  requestId: string;
  /**
   * The hub's own id of this client request (`x-hub-request` to every subgraph fetch of it): the request id above may
   * be the client's, reused across its requests, and a subgraph counts the personal data one request reads across
   * the fetches the gateway splits it into.
   */
  requestKey: string;
  caller: Caller;
  /** The caller's `Authorization` header as it arrived, forwarded unchanged to subgraphs (docs/ARCHITECTURE.md §2). */
  authorization: string;
  /**
   * One object per incoming request, which Apollo Server's copies of this context share: what the sharing of
   * identical queries (dedup.ts) knows a request by, from the plugin to the HTTP layer.
   */
  exchange: object;
}

/** A client request's context: the id its logs and subgraph calls carry, the hub's own key of it, and its caller. */
export function gatewayContext(req: IncomingMessage, caller: Caller): GatewayContext {
  return {
    requestId: forwardedRequestId(req.headers['x-request-id']),
    requestKey: randomUUID(),
    caller,
    authorization: req.headers.authorization ?? '',
    exchange: {},
  };
}
