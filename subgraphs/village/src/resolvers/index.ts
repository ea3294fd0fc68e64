import { mergeResolvers } from '../../../../platform/resolvers.ts';
import { DateScalar, DateTimeScalar } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { auditResolvers } from './audit.ts';
import { changeResolvers } from './changes.ts';
import { disputeResolvers } from './disputes.ts';
import { divisionResolvers } from './divisions.ts';
import { mutationResolvers } from './mutations.ts';
import { recordResolvers } from './records.ts';
import { scopedLists } from './scoped.ts';
import { statResolvers } from './stats.ts';

export const resolvers: Resolvers = mergeResolvers<Resolvers>(
  { Date: DateScalar, DateTime: DateTimeScalar },
  divisionResolvers,
  recordResolvers,
  { Village: scopedLists('village_code'), Grid: scopedLists('grid_code') } as Resolvers,
  statResolvers as Resolvers,
  mutationResolvers,
  auditResolvers,
  disputeResolvers,
  changeResolvers,
);
