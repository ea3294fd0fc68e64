import type { Caller } from '../../platform/caller.ts';

/** What every gateway request carries: its id (logs, subgraph calls) and the verified caller. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  /** The caller's `Authorization` header as it arrived, forwarded unchanged to subgraphs (docs/ARCHITECTURE.md §2). */
  authorization: string;
  /**
   * One object per incoming request, which Apollo Server's copies of this context share: what the sharing of
   * identical queries (dedup.ts) knows a request by, from the plugin to the HTTP layer.
   */
  exchange: object;
}
