import type { RegionResolvers } from '../generated/resolvers.ts';

export const Region: RegionResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.region.load(ref.code),
  parent: (r, _, ctx) => (r.parentCode ? ctx.loaders.region.load(r.parentCode) : null),
  prefectures: (r, _, ctx) => (r.level === 'PROVINCE' ? ctx.loaders.prefecturesOf.load(r.code) : []),
  counties: (r, _, ctx) => ctx.loaders.countiesOf.load(r.code),
};
