import { runSubgraph } from '../../shared/module.ts';
import { townshipSubgraph } from './index.ts';

await runSubgraph(townshipSubgraph);
