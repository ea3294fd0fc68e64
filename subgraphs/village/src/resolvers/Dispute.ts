import { visibleCase } from '../disputes/visible.ts';
import { stepsForCaller } from '../disputes/department-steps.ts';
import { contactLate, isOverdue, missedDeadline, missedKind, overdueFor } from '../disputes/sql.ts';
import { supervisionOf } from './Supervision.ts';
import { IMPORT_KEY } from '../store/dispute.ts';
import type { DisputeResolvers } from '../generated/resolvers.ts';

export const Dispute: DisputeResolvers = {
  __resolveReference: (ref, ctx) => visibleCase(ctx, ref.id),
  parties: (d, _, ctx) => ctx.loaders.partiesOf.load(d.id),
  village: async (d, _, ctx) => (await ctx.loaders.village.load(d.villageCode))!,
  grid: async (d, _, ctx) => (await ctx.loaders.grid.load(d.gridCode))!,
  deadlines: (d) => ({ contactBy: d.contactBy, settleBy: d.settleBy, replyBy: d.replyBy }),
  overdue: (d) => isOverdue(d),
  overdueSince: (d) => missedDeadline(d),
  overdueDeadline: (d) => missedKind(d),
  overdueHours: (d) => overdueFor(d, 'hour'),
  overdueDays: (d) => overdueFor(d, 'day'),
  contactLate: (d) => contactLate(d),
  underSupervision: (d) => d.supervisedAt != null,
  supervision: supervisionOf,
  // A file's external id keys its case as `import:<external_id>`; a form's idempotency key is the client's own, not shown.
  externalId: (d) => (d.idempotencyKey.startsWith(IMPORT_KEY) ? d.idempotencyKey.slice(IMPORT_KEY.length) : null),
  // A department's caller reads of 吹哨报到 only its own department's steps (disputes/department-steps.ts).
  timeline: async (d, _, ctx) => stepsForCaller(ctx.caller, d.villageCode.slice(0, 6), await ctx.loaders.stepsOf.load(d.id)),
  // Every case's mediator of a request from one statement; one the caller's jurisdiction does not hold reads as none.
  mediator: async (d, _, ctx) => (d.mediatorId == null ? null : ((await ctx.loaders.mediator.load(String(d.mediatorId))) ?? null)),
};
