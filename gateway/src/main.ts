import { settingsOrExit } from '../../subgraphs/shared/config.ts';
import { exitOnSignal } from '../../subgraphs/shared/service.ts';
import { startGateway } from './gateway.ts';

const settings = settingsOrExit();
const { callerPublicKey, internalPrivateKey } = settings.keys;
if (!callerPublicKey || !internalPrivateKey) {
  console.error('HUB_CALLER_PUBLIC_KEY and HUB_INTERNAL_PRIVATE_KEY must be set; `npm start` provides them on a development machine.');
  process.exit(2);
}
const running = await startGateway({
  callerPublicKey,
  internalPrivateKey,
  subgraphUrls: {
    county: settings.subgraphs.county.url,
    township: settings.subgraphs.township.url,
    village: settings.subgraphs.village.url,
  },
  host: settings.host,
  port: settings.gatewayPort,
  production: settings.production,
  reportCacheSeconds: settings.reportCacheSeconds,
});
console.log(`[gateway] ready at ${running.url}`);
exitOnSignal('gateway', running.stop);
