import { runSubgraph } from '../../../platform/entry.ts';

await runSubgraph('village', async () => (await import('./index.ts')).villageSubgraph);
