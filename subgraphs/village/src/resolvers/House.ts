import type { HouseResolvers } from '../generated/resolvers.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 实有房屋: a house and who lives in it. */
export const House: HouseResolvers = {
  id: (h) => String(h.id),
  area: (h) => (h.area == null ? null : Number(h.area)),
  address: (h, _, ctx) => ref(ctx, ctx.loaders.address, h.addressId),
  occupants: async (h, _, ctx) => {
    const households = await ctx.loaders.householdsOfHouse.load(String(h.id));
    return (await ctx.loaders.membersOfHousehold.loadMany(households.map((x) => String(x.id)))).flatMap((m) => (Array.isArray(m) ? m : []));
  },
  grid: gridOf,
  village: villageOf,
};
