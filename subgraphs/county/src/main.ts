import { runSubgraph } from '../../../platform/entry.ts';

await runSubgraph('county', async () => (await import('./index.ts')).countySubgraph);
