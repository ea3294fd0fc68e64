import { settingsOrExit } from '../../subgraphs/shared/config.ts';
import { exitOnSignal } from '../../subgraphs/shared/service.ts';
import { startGateway } from './gateway.ts';

const settings = settingsOrExit();
const running = await startGateway({
  subgraphUrls: {
    county: settings.subgraphs.county.url,
    township: settings.subgraphs.township.url,
    village: settings.subgraphs.village.url,
  },
  host: settings.host,
  port: settings.gatewayPort,
  production: settings.production,
});
console.log(`[gateway] ready at ${running.url}`);
exitOnSignal('gateway', running.stop);
