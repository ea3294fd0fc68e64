import { disputeId } from '../../../../platform/validate.ts';
import { visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { DisputeRow } from '../store/dispute.ts';

/**
 * A case by its id as the caller reads it (`dispute`, and the case a township's or county's record names). A county
 * department's caller reads only the cases dispatched to its department (吹哨, a DISPATCH step naming it), never
 * withdrawn from the record: the department still answers for what it reported. Anyone else reads as `visible`
 * says. A case it may not read looks like a missing one.
 */
export async function visibleCase(ctx: VillageContext, id: string): Promise<DisputeRow | null> {
  const d = visible(ctx.caller, await ctx.loaders.dispute.load(disputeId(id)), 'dispute');
  const department = ctx.caller.department;
  if (!d || !department) return d;
  const called = await ctx.loaders.dispatchedTo.load(d.id);
  return called.some((s) => s.department === department) ? d : null;
}
