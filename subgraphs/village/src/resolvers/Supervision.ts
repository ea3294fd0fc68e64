import { supervisionReplyOverdue } from '../disputes/sql.ts';
import { visibleCaseNumbered } from '../disputes/visible.ts';
import type { CountyCaseResolvers, DisputeSupervisionResolvers, TownshipCaseResolvers } from '../generated/resolvers.ts';
import type { DisputeRow } from '../store/dispute.ts';

/** 督办 as every level's view of a case shows it: the case's latest order and its reply, or null without one. */
export const supervisionOf = (d: DisputeRow): DisputeRow | null => (d.supervisedAt == null ? null : d);

/** The order's fields are the case's supervision columns. */
export const DisputeSupervision: DisputeSupervisionResolvers = {
  issuedAt: (d) => d.supervisedAt!,
  issuedBy: (d) => d.supervisedBy,
  note: (d) => d.supervisionNote,
  replyBy: (d) => d.supervisionReplyBy,
  reply: (d) => d.supervisionReply,
  repliedAt: (d) => d.supervisionRepliedAt,
  repliedBy: (d) => d.supervisionRepliedBy,
  repliedLevel: (d) => d.supervisionRepliedLevel,
  replyOverdue: (d) => supervisionReplyOverdue(d),
};

// The township's and the county's records of a case name it by number; the village keeps its 督办 for every level.
export const TownshipCase: TownshipCaseResolvers = {
  __resolveReference: (ref, ctx) => visibleCaseNumbered(ctx, ref.caseNumber),
  supervision: supervisionOf,
};

export const CountyCase: CountyCaseResolvers = {
  __resolveReference: (ref, ctx) => visibleCaseNumbered(ctx, ref.caseNumber),
  underSupervision: (d) => d.supervisedAt != null,
  supervision: supervisionOf,
};
