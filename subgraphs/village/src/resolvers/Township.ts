import { divisionName } from '../../../../domain/divisions.ts';
import type { TownshipResolvers } from '../generated/resolvers.ts';
import { disputesOf } from './lists/disputes.ts';
import { endedLists, hazardsOf, residentsWithin } from './lists/registry.ts';
import { statFields } from './lists/stats.ts';

/**
 * 乡镇 (owned by the township subgraph): its villages, the search of its
 * residents and the hazards of its villages (lists/registry.ts), the disputes
 * of its villages (lists/disputes.ts) and statistics (lists/stats.ts).
 */
export const Township: TownshipResolvers = {
  /** Only where a village names its township (Village.township provides it): the directory's name, as the township subgraph loads it. */
  name: (t) => divisionName(t.code),
  villages: (t, _, ctx) => ctx.loaders.villagesOfTownship.load(t.code),
  residents: residentsWithin(),
  villageDisputes: disputesOf('township'),
  hazards: hazardsOf('township'),
  ...endedLists('township'),
  ...statFields,
};
