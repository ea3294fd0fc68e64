import { runService } from '../../platform/entry.ts';
import { settingsOrExit } from '../../platform/settings.ts';

const settings = settingsOrExit();
const { callerPublicKey, callerJwksFile, callerJwksUrl, routerSecrets } = settings.keys;
const [routerSecret] = routerSecrets;
if (!(callerPublicKey || callerJwksFile || callerJwksUrl) || !routerSecret) {
  console.error(
    'HUB_CALLER_JWKS_URL, HUB_CALLER_JWKS_FILE or HUB_CALLER_PUBLIC_KEY, and HUB_ROUTER_SECRETS (the gateway sends the first to subgraphs) must be set; `npm start` provides them on a development machine.',
  );
  process.exit(2);
}

// HUB_GATEWAY_WORKERS > 1: the gateway plans and merges in JavaScript on one thread, so on a machine with cores to
// spare several workers share its port (platform/workers.ts). Each keeps its own plan and report caches.
await runService('gateway', settings, async () => {
  const { startGateway } = await import('./gateway.ts');
  return startGateway({
    callerKeys: { jwksUrl: callerJwksUrl, jwksFile: callerJwksFile, publicKey: callerPublicKey },
    routerSecret,
    subgraphUrls: {
      county: settings.subgraphs.county.url,
      township: settings.subgraphs.township.url,
      village: settings.subgraphs.village.url,
    },
    host: settings.host,
    port: settings.gatewayPort,
    production: settings.production,
    reportCacheSeconds: settings.reportCacheSeconds,
    nationalSubjects: settings.nationalSubjects,
    corsOrigins: settings.corsOrigins,
  });
});
