import type { SubgraphModule } from '../../shared/module.ts';
import { applyCountyEvent } from './cases/index.ts';
import { createLoaders, type CountyContext } from './context.ts';
import { loadCountyDirectory } from './directory.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { seedCountyDemo } from './seed.ts';

/** The county subgraph (县): regions above counties, counties, and (later) county-level work. */
export const countySubgraph: SubgraphModule<CountyContext> = {
  name: 'county',
  entities,
  migrations,
  resolvers,
  context: (base) => ({ ...base, loaders: createLoaders(base.em) }),
  seedDemo: seedCountyDemo,
  loadDirectory: loadCountyDirectory,
  applyEvent: applyCountyEvent,
  eventTargets: ['village'],
};
