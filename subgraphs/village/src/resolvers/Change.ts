import { visible } from '../access.ts';
import { changeCursor } from '../changes/query.ts';
import type { VillageContext } from '../context.ts';
import type { ChangeResolvers } from '../generated/resolvers.ts';
import type { ChangeKind } from '../store/changes.ts';
import { tagged, type ChangedRecordRow } from './ChangedRecord.ts';

/** Each kind of the feed: its record as it is now (through the request's loaders), as its member of the ChangedRecord union. */
const RECORD: { readonly [K in ChangeKind]: (ctx: VillageContext, id: string) => Promise<ChangedRecordRow | null> } = {
  RESIDENT: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.person.load(id)), 'Person'),
  HOUSEHOLD: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.household.load(id)), 'Household'),
  HOUSE: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.house.load(id)), 'House'),
  ADDRESS: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.address.load(id)), 'Address'),
  SITE: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.site.load(id)), 'Site'),
  GRID_STAFF: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.gridStaff.load(id)), 'GridStaff'),
  JOINT_DEFENSE_GROUP: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.group.load(id)), 'JointDefenseGroup'),
  PATROL_TEAM: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.team.load(id)), 'PatrolTeam'),
  PATROL: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.patrol.load(id)), 'Patrol'),
  HAZARD: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.hazard.load(id)), 'Hazard'),
  DISPUTE: async (ctx, id) => tagged(visible(ctx.caller, await ctx.loaders.dispute.load(id)), 'Dispute'),
};

export const Change: ChangeResolvers = {
  cursor: (c) => changeCursor(c),
  recordId: (c) => c.recordId,
  village: async (c, _, ctx) => (await ctx.loaders.village.load(c.villageCode))!,
  grid: async (c, _, ctx) => (await ctx.loaders.grid.load(c.gridCode))!,
  record: (c, _, ctx) => (c.op === 'DELETED' ? null : RECORD[c.kind](ctx, c.recordId)),
};
