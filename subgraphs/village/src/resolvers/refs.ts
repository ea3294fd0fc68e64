import type DataLoader from 'dataloader';
import { parseId } from '../../../../platform/scalars.ts';
import { visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { GridEntity, VillageEntity } from '../entities.ts';

/**
 * Reads shared by the record types' resolvers: records by id and by foreign
 * key through the request's loaders (null when missing or not visible to the
 * caller: the two look the same), and the divisions records sit in.
 */

/** A by-id root field: the record if the caller may see it. */
export async function byId<R extends { villageCode: string }>(ctx: VillageContext, loader: DataLoader<string, R | null>, id: string): Promise<R | null> {
  return visible(ctx.caller, await loader.load(String(parseId(id))));
}

/** Follows a nullable foreign key through a loader. */
export async function ref<R extends { villageCode: string }>(ctx: VillageContext, loader: DataLoader<string, R | null>, id: number | null): Promise<R | null> {
  return id == null ? null : visible(ctx.caller, await loader.load(String(id)));
}

/** Records by id, in order, leaving out those missing (people of a team or a patrol). */
export async function existing<R>(loader: DataLoader<string, R | null>, ids: readonly number[]): Promise<R[]> {
  const found = await loader.loadMany(ids.map(String));
  return found.filter((r): r is R => r != null && !(r instanceof Error));
}

// Divisions are not records: every caller may see a village's or grid's name.
export async function villageOf(p: { villageCode: string }, _: unknown, ctx: VillageContext): Promise<VillageEntity> {
  return (await ctx.loaders.village.load(p.villageCode))!;
}

export async function gridOf(p: { gridCode: string }, _: unknown, ctx: VillageContext): Promise<GridEntity> {
  return (await ctx.loaders.grid.load(p.gridCode))!;
}
