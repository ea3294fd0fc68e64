import { runSubgraph } from '../../../platform/module.ts';
import { villageSubgraph } from './index.ts';

await runSubgraph(villageSubgraph);
