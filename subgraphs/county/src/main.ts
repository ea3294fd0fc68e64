import { runSubgraph } from '../../shared/module.ts';
import { countySubgraph } from './index.ts';

await runSubgraph(countySubgraph);
