import * as steps from '../../cases/steps.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';

/** The county's steps of the case loop (cases/steps.ts). */
export const caseMutations: Pick<
  MutationResolvers,
  'acceptCountyCase' | 'assignCountyCase' | 'recordCountyMediation' | 'resolveCountyCase' | 'returnCountyCase'
> = {
  acceptCountyCase: (_, a, ctx) => steps.acceptCountyCase(ctx, a),
  assignCountyCase: (_, a, ctx) => steps.assignCountyCase(ctx, a),
  recordCountyMediation: (_, a, ctx) => steps.recordCountyMediation(ctx, a),
  resolveCountyCase: (_, a, ctx) => steps.resolveCountyCase(ctx, a),
  returnCountyCase: (_, a, ctx) => steps.returnCountyCase(ctx, a),
};
