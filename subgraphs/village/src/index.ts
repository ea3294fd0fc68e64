import type { SubgraphModule } from '../../../platform/module.ts';
import { writeAudit } from './access.ts';
import { applyVillageEvent } from './disputes/events.ts';
import { exportRoute } from './export.ts';
import { feedRoute } from './feed.ts';
import { importRoute } from './import/route.ts';
import { createLoaders, type VillageContext } from './context.ts';
import { loadVillageDirectory } from './directory.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { resolvers } from './resolvers/index.ts';
import { ScopedPages } from './store/scoped.ts';
import { expireAgedTags } from './registry/aged-tags.ts';
import { villageArgumentLabel } from './labels.ts';

/** The village subgraph (村/社区): villages, grids and (later) people, places, forces and dispute intake. */
export const villageSubgraph: SubgraphModule<VillageContext> = {
  name: 'village',
  entities,
  migrations,
  resolvers,
  context: (base, limits) => ({ ...base, loaders: createLoaders(base.em), pages: new ScopedPages(base.em), audit: new Map(), lookups: limits.lookups }),
  onResponse: writeAudit,
  // A form's field in a Chinese message by the Chinese header a file gives it (身份证号, not idNumber).
  argumentLabel: villageArgumentLabel,
  applyEvent: applyVillageEvent,
  routes: (orm, key, limits) => ({
    '/export/*': exportRoute(orm, key),
    '/changes.ndjson': feedRoute(orm, key),
    '/import/*': importRoute(orm, key, limits.lookups),
  }),
  // Escalations go to the township; a case reopened after an unsatisfied rating goes back to the level that resolved it.
  eventTargets: ['township', 'county'],
  loadDirectory: loadVillageDirectory,
  upkeep: { name: 'expireAgedTags', everyMs: 3_600_000, run: (orm) => expireAgedTags(orm) },
};
