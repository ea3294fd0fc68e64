import { personal } from '../access.ts';
import type { MediatorResolvers } from '../generated/resolvers.ts';
import { ref, villageOf } from './refs.ts';
import { disputesOfMediator } from './lists/disputes.ts';

/** 人民调解员: a mediator; the phone is personal data. */
export const Mediator: MediatorResolvers = {
  id: (m) => String(m.id),
  phone: (m, _, ctx, info) => personal(ctx, info, 'Mediator', m.id, 'phone', m.phone),
  person: (m, _, ctx) => ref(ctx, ctx.loaders.person, m.personId),
  // Through the village's committees (one statement per request for all villages asked): an ended committee is not among them.
  committee: async (m, _, ctx) => (await ctx.loaders.committeesOfVillage.load(m.villageCode)).find((c) => c.id === m.committeeId) ?? null,
  village: villageOf,
  disputes: disputesOfMediator,
};
