/**
 * A request id that arrives in `x-request-id` (from a client at the gateway, or from a router at a subgraph)
 * only labels logs and the audit log: a malformed or over-long one (over 128 characters) is replaced by a
 * fresh id rather than refused.
 */
export function forwardedRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:/+=@-]{1,128}$/.test(header) ? header : crypto.randomUUID();
}

/** The header in which the hub's gateway names the client request a subgraph fetch belongs to (GatewayContext `requestKey`). */
export const REQUEST_KEY_HEADER = 'x-hub-request';

/**
 * The client request a subgraph request belongs to: the gateway's `x-hub-request` (a UUID; subgraphs answer only
 * trusted routers), else a fresh id, so that a fetch of another router counts as a request of its own.
 */
export function requestKeyOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const h = req.headers[REQUEST_KEY_HEADER];
  return typeof h === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(h) ? h : crypto.randomUUID();
}
