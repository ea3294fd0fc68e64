import { runSubgraph } from '../../../platform/module.ts';
import { startObservability } from '../../../platform/observability.ts';
import { settingsOrExit } from '../../../platform/settings.ts';
import { townshipSubgraph } from './index.ts';

await startObservability('township', settingsOrExit());
await runSubgraph(townshipSubgraph);
