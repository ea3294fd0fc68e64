import type { MediationCommitteeResolvers } from '../generated/resolvers.ts';
import { villageOf } from './refs.ts';

/** 人民调解委员会: a mediation committee and its mediators. */
export const MediationCommittee: MediationCommitteeResolvers = {
  id: (c) => String(c.id),
  mediators: (c, _, ctx) => ctx.loaders.mediatorsOfCommittee.load(String(c.id)),
  village: villageOf,
};
