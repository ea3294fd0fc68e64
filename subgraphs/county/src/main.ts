import { runSubgraph } from '../../../platform/module.ts';
import { countySubgraph } from './index.ts';

await runSubgraph(countySubgraph);
