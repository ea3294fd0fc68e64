import { runSubgraph } from '../../../platform/module.ts';
import { startObservability } from '../../../platform/observability.ts';
import { settingsOrExit } from '../../../platform/settings.ts';
import { villageSubgraph } from './index.ts';

await startObservability('village', settingsOrExit());
await runSubgraph(villageSubgraph);
