import type { PersonHistoryEntryResolvers, PersonPlaceResolvers } from '../generated/resolvers.ts';
import { placeOf } from '../store/person-history.ts';
import { gridOf, ref } from './refs.ts';

/** 变动记录: one change of a person's place, tags or status, with who and when (docs/ARCHITECTURE.md, "Life cycle and history"). */
export const PersonHistoryEntry: PersonHistoryEntryResolvers = {
  id: (h) => String(h.id),
  by: (h) => h.bySubject,
  changedFields: (h) => h.changed,
  before: (h) => placeOf(h, 'from'),
  after: (h) => placeOf(h, 'to'),
  deregistrationReason: (h) => h.reason,
};

/** A person's place before or after a change; the household and address while they exist and the caller may see them. */
export const PersonPlace: PersonPlaceResolvers = {
  grid: gridOf,
  householdId: (p) => (p.householdId == null ? null : String(p.householdId)),
  household: (p, _, ctx) => ref(ctx, ctx.loaders.household, p.householdId),
  addressId: (p) => (p.addressId == null ? null : String(p.addressId)),
  address: (p, _, ctx) => ref(ctx, ctx.loaders.address, p.addressId),
};
