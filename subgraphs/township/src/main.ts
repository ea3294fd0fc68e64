import { runSubgraph } from '../../../platform/entry.ts';

await runSubgraph('township', async () => (await import('./index.ts')).townshipSubgraph);
