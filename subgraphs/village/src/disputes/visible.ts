import { notFound } from '../../../../domain/errors.ts';
import { disputeId } from '../../../../platform/validate.ts';
import { visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { DisputeRow } from '../store/dispute.ts';

/**
 * A case by its id as the caller reads it (`dispute`, and the case a township's or county's record names). A county
 * department's caller reads only the cases its department holds through a dispatch (吹哨) still open or reported on:
 * the department answers for what it reported, but a dispatch withdrawn from it (撤回吹哨, often 派错部门: sent to
 * the wrong department) gives it no reason to read the parties or the steps after. Anyone else reads as `visible`
 * says. A case it may not read looks like a missing one.
 */
export async function visibleCase(ctx: VillageContext, id: string): Promise<DisputeRow | null> {
  const d = visible(ctx.caller, await ctx.loaders.dispute.load(disputeId(id)), 'dispute');
  const department = ctx.caller.department;
  if (!d || !department) return d;
  const called = await ctx.loaders.dispatchedTo.load(d.id);
  return called.some((s) => s.department === department) ? d : null;
}

/**
 * The case a township's or county's record names by its number, as `visibleCase` reads it (their 督办 fields): a case
 * the caller may not read is NOT_FOUND, as a missing one.
 */
export async function visibleCaseNumbered(ctx: VillageContext, caseNumber: string): Promise<DisputeRow> {
  const byNumber = await ctx.loaders.disputeByNumber.load(caseNumber);
  const d = byNumber ? await visibleCase(ctx, byNumber.id) : null;
  if (!d) throw notFound({ zh: `没有编号为 ${caseNumber} 的案件。`, en: `No case numbered ${caseNumber}.` });
  return d;
}
