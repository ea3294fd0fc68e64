import { runSubgraph } from '../../../platform/module.ts';
import { townshipSubgraph } from './index.ts';

await runSubgraph(townshipSubgraph);
