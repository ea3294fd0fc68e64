import { requireRecordAccess } from '../../../../../platform/caller.ts';
import { parseCitizenId } from '../../../../../domain/citizen-id.ts';
import { spendLookup, visible } from '../../access.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { persons } from '../../store/person.ts';
import { auditLookup } from '../lists/registry.ts';
import { byId } from '../refs.ts';

/** Registry records by id: null when missing or outside the caller's jurisdiction; FORBIDDEN without `read`. */
export const registryQueries = {
  person: (_, { id }, ctx) => byId(ctx, ctx.loaders.person, id),
  personByIdNumber: async (_, { idNumber }, ctx, info) => {
    requireRecordAccess(ctx.caller, 'resident');
    const id = parseCitizenId(idNumber).idNumber;
    await spendLookup(ctx);
    const found = visible(ctx.caller, await persons.byIdNumber(ctx.em, id), 'resident');
    auditLookup(ctx.audit, info, { idNumber: id }, found ? [found] : []);
    return found;
  },
  household: (_, { id }, ctx) => byId(ctx, ctx.loaders.household, id),
  house: (_, { id }, ctx) => byId(ctx, ctx.loaders.house, id),
  address: (_, { id }, ctx) => byId(ctx, ctx.loaders.address, id),
  site: (_, { id }, ctx) => byId(ctx, ctx.loaders.site, id),
  jointDefenseGroup: (_, { id }, ctx) => byId(ctx, ctx.loaders.group, id),
  patrolTeam: (_, { id }, ctx) => byId(ctx, ctx.loaders.team, id),
  patrol: (_, { id }, ctx) => byId(ctx, ctx.loaders.patrol, id),
  hazard: (_, { id }, ctx) => byId(ctx, ctx.loaders.hazard, id),
} satisfies QueryResolvers;
