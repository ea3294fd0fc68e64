import { requireListAccess } from '../../../../platform/caller.ts';
import type { VillageResolvers } from '../generated/resolvers.ts';
import { disputesOf } from './lists/disputes.ts';
import { endedLists, registryLists } from './lists/registry.ts';
import { statFields } from './lists/stats.ts';

/**
 * 村/社区: a village or community, its grids and committees, the record
 * lists (residents … hazards, lists/registry.ts) and the statistics
 * (lists/stats.ts) and its disputes (lists/disputes.ts).
 */
export const Village: VillageResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.village.load(ref.code),
  township: (v) => ({ code: v.townshipCode }),
  grids: (v, _, ctx) => ctx.loaders.gridsOfVillage.load(v.code),
  mediationCommittees: (v, _, ctx) => {
    requireListAccess(ctx.caller, v.code, 'mediation committee');
    return ctx.loaders.committeesOfVillage.load(v.code);
  },
  ...registryLists('village'),
  ...endedLists('village'),
  disputes: disputesOf('village'),
  ...statFields,
};
