import type { SubgraphModule } from '../../../platform/module.ts';
import { applyTownshipEvent } from './cases/events.ts';
import { createLoaders, type TownshipContext } from './context.ts';
import { loadTownshipDirectory } from './directory.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';

/** The township subgraph (乡镇): townships and (later) township agencies and case handling. */
export const townshipSubgraph: SubgraphModule<TownshipContext> = {
  name: 'township',
  entities,
  migrations,
  resolvers,
  context: (base) => ({ ...base, loaders: createLoaders(base.em) }),
  loadDirectory: loadTownshipDirectory,
  applyEvent: applyTownshipEvent,
  eventTargets: ['village', 'county'],
};
