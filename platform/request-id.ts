/**
 * A request id that arrives in `x-request-id` (from a client at the gateway, or from a router at a subgraph)
 * only labels logs and the audit log: a malformed or over-long one (over 128 characters) is replaced by a
 * fresh id rather than refused.
 */
export function forwardedRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:/+=@-]{1,128}$/.test(header) ? header : crypto.randomUUID();
}
