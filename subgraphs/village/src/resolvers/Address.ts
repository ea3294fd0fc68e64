import type { AddressResolvers } from '../generated/resolvers.ts';
import { gridOf, villageOf } from './refs.ts';

/** 标准地址: a standard address. */
export const Address: AddressResolvers = {
  id: (a) => String(a.id),
  grid: gridOf,
  village: villageOf,
};
