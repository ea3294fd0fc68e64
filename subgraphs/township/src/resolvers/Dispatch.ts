import type { DispatchResolvers } from '../generated/resolvers.ts';
import { dispatchOverdue } from '../store/dispatch.ts';

const iso = (t: Date | string) => new Date(t).toISOString();

export const Dispatch: DispatchResolvers = {
  id: (d) => String(d.id),
  /**
   * The township's record of the case. A county department reads a case only through a dispatch it still holds (the
   * village's `visibleCase`): through one the township withdrew from it (often sent to the wrong department), with no
   * other of its dispatches on the case still open or reported on, the record names the case (caseNumber, the
   * dispute's id, the department's own dispatches) and its status and clocks, but not the words that describe the
   * dispute and its people, nor who handles it now: `summary` answers '' and `assignee` null.
   */
  townshipCase: async (d, _, ctx) => {
    const record = (await ctx.loaders.caseOf.load(d.disputeId))!;
    const department = ctx.caller.department;
    if (!department || d.status !== 'WITHDRAWN') return record;
    const held = (await ctx.loaders.dispatchesOf.load(d.disputeId)).some((x) => x.departmentKind === department && x.status !== 'WITHDRAWN');
    return held ? record : { ...record, summary: '', assignee: null };
  },
  /** The township a dispatch names is in the directory: a dispatch is made by a township's centre. */
  township: async (d, _, ctx) => (await ctx.loaders.township.load(d.townshipCode))!,
  dispatchedAt: (d) => iso(d.dispatchedAt),
  acknowledgeBy: (d) => iso(d.acknowledgeBy),
  reportBy: (d) => iso(d.reportBy),
  overdue: (d) => dispatchOverdue(d),
  acknowledgedAt: (d) => (d.acknowledgedAt ? iso(d.acknowledgedAt) : null),
  reportedAt: (d) => (d.reportedAt ? iso(d.reportedAt) : null),
  withdrawnAt: (d) => (d.withdrawnAt ? iso(d.withdrawnAt) : null),
};
