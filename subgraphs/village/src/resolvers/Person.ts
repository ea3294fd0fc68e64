import { chinaDay } from '../../../../domain/china-day.ts';
import { ageOn } from '../../../../domain/tags.ts';
import { formatDate } from '../../../../platform/scalars.ts';
import { personal } from '../access.ts';
import type { PersonResolvers } from '../generated/resolvers.ts';
import { historyOf } from './lists/history.ts';
import { gridOf, ref, villageOf } from './refs.ts';

/** 实有人口: a resident. ID number and phone are masked without `pii` (and audited with it). */
export const Person: PersonResolvers = {
  id: (p) => String(p.id),
  birthDate: (p) => formatDate(p.birthDate),
  age: (p) => ageOn(formatDate(p.birthDate), chinaDay()),
  idNumber: (p, _, ctx, info) => personal(ctx, info, 'Person', p.id, 'idNumber', p.idNumber),
  phone: (p, _, ctx, info) => personal(ctx, info, 'Person', p.id, 'phone', p.phone),
  household: (p, _, ctx) => ref(ctx, ctx.loaders.household, p.householdId),
  address: (p, _, ctx) => ref(ctx, ctx.loaders.address, p.addressId),
  grid: gridOf,
  village: villageOf,
  history: (p, args, ctx) => historyOf(p, args, ctx),
  disputes: (p, _, ctx) => ctx.loaders.casesOfPerson.load(String(p.id)),
};
