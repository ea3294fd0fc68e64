import type { DeregisteredResidentResolvers } from '../generated/resolvers.ts';
import { gridOf, villageOf } from './refs.ts';

/**
 * 已注销人员: a deregistered resident of a division's list. The person is the same `Person` (ID number and phone
 * masked without `pii`); who deregistered them comes from their history, for a page's people at once.
 */
export const DeregisteredResident: DeregisteredResidentResolvers = {
  person: (p) => p,
  reason: (p) => p.deregistrationReason!,
  deregisteredAt: (p) => p.deregisteredAt!,
  deregisteredBy: async (p, _, ctx) => (await ctx.loaders.deregistration.load(String(p.id)))?.bySubject ?? null,
  deregisteredByName: async (p, _, ctx) => (await ctx.loaders.deregistration.load(String(p.id)))?.byName ?? null,
  note: (p) => p.deregistrationNote,
  grid: gridOf,
  village: villageOf,
};
