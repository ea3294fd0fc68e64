import { runSubgraph } from '../../shared/module.ts';
import { villageSubgraph } from './index.ts';

await runSubgraph(villageSubgraph);
