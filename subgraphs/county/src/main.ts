import { runSubgraph } from '../../../platform/module.ts';
import { startObservability } from '../../../platform/observability.ts';
import { settingsOrExit } from '../../../platform/settings.ts';
import { countySubgraph } from './index.ts';

await startObservability('county', settingsOrExit());
await runSubgraph(countySubgraph);
