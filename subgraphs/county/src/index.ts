import type { SubgraphModule } from '../../../platform/module.ts';
import { applyCountyEvent } from './cases/events.ts';
import { createLoaders, type CountyContext } from './context.ts';
import { loadCountyDirectory } from './directory.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';

/** The county subgraph (县): regions above counties, counties, and (later) county-level work. */
export const countySubgraph: SubgraphModule<CountyContext> = {
  name: 'county',
  entities,
  migrations,
  resolvers,
  context: (base) => ({ ...base, loaders: createLoaders(base.em) }),
  loadDirectory: loadCountyDirectory,
  applyEvent: applyCountyEvent,
  // Every step goes to the village's record; a return (退回乡镇) also to the township, which handles the case again.
  eventTargets: ['village', 'township'],
};
