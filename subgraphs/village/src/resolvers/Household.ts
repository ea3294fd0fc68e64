import type { HouseholdResolvers } from '../generated/resolvers.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 户: a household, its members and where it lives. */
export const Household: HouseholdResolvers = {
  id: (h) => String(h.id),
  head: (h, _, ctx) => ref(ctx, ctx.loaders.person, h.headId),
  members: (h, _, ctx) => ctx.loaders.membersOfHousehold.load(String(h.id)),
  address: (h, _, ctx) => ref(ctx, ctx.loaders.address, h.addressId),
  house: (h, _, ctx) => ref(ctx, ctx.loaders.house, h.houseId),
  jointDefenseGroup: (h, _, ctx) => ref(ctx, ctx.loaders.group, h.jointDefenseGroupId),
  grid: gridOf,
  village: villageOf,
};
