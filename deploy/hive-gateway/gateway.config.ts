/**
 * Hive Gateway in front of the hub's three subgraphs (deploy/routers.md), with the Rust query planner:
 *
 *   COUNTY_URL=… TOWNSHIP_URL=… VILLAGE_URL=… HUB_ROUTER_SECRET=… HIVE_ROUTER_RUNTIME=true \
 *     hive-gateway supergraph schema/supergraph.graphql --config-path deploy/hive-gateway/gateway.config.ts --port 4010
 *
 * (`HIVE_ROUTER_RUNTIME=true`, or `--hive-router-runtime`, loads @graphql-hive/router-runtime installed beside the
 * gateway.) Everything deployment-specific comes from the environment. No imports: the gateway loads this file from
 * here while its packages live where it is installed.
 */

/** Client request headers every subgraph request carries: the caller's own token, correlation, tracing and language. */
const FORWARDED = ['authorization', 'x-request-id', 'traceparent', 'accept-language'];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} for Hive Gateway (deploy/routers.md).`);
  return value;
}

/** The trusted-router secret: one of the subgraphs' HUB_ROUTER_SECRETS. */
const routerSecret = required('HUB_ROUTER_SECRET');

export const gatewayConfig = {
  // Where each subgraph of the supergraph listens in this deployment (the supergraph's own URLs are local defaults).
  transportEntries: {
    county: { location: required('COUNTY_URL') },
    township: { location: required('TOWNSHIP_URL') },
    village: { location: required('VILLAGE_URL') },
  },
  propagateHeaders: {
    fromClientToSubgraphs({ request }: { request: Request }): Record<string, string> {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      // Set here, never taken from the client.
      headers['x-hub-router'] = routerSecret;
      return headers;
    },
  },
};
