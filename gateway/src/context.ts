import type { Caller } from '../../platform/caller.ts';

/** What every gateway request carries: its id (logs, subgraph calls) and the verified caller. */
export interface GatewayContext {
  requestId: string;
  caller: Caller;
  /** The caller forwarded to subgraphs, signed once per request (see datasource.ts). */
  internalToken?: Promise<string>;
}
