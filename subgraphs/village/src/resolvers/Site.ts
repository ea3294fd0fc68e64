import { personal } from '../access.ts';
import type { SiteResolvers } from '../generated/resolvers.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 重点场所: a key site; its contact's phone is personal data. */
export const Site: SiteResolvers = {
  id: (s) => String(s.id),
  address: (s, _, ctx) => ref(ctx, ctx.loaders.address, s.addressId),
  contactPhone: (s, _, ctx, info) => personal(ctx, info, 'Site', s.id, 'phone', s.contactPhone),
  grid: gridOf,
  village: villageOf,
};
