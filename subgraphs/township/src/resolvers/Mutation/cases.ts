import * as steps from '../../cases/steps.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';

/** The township's steps of the case loop (cases/steps.ts). */
export const caseMutations: Pick<
  MutationResolvers,
  | 'acceptTownshipCase'
  | 'assignTownshipCase'
  | 'dispatchToDepartments'
  | 'acknowledgeDispatch'
  | 'reportDispatch'
  | 'withdrawDispatch'
  | 'recordTownshipMediation'
  | 'resolveTownshipCase'
  | 'escalateTownshipCase'
  | 'returnTownshipCase'
> = {
  acceptTownshipCase: (_, a, ctx) => steps.acceptTownshipCase(ctx, a),
  assignTownshipCase: (_, a, ctx) => steps.assignTownshipCase(ctx, a),
  dispatchToDepartments: (_, a, ctx) => steps.dispatchToDepartments(ctx, a),
  acknowledgeDispatch: (_, a, ctx) => steps.acknowledgeDispatch(ctx, a),
  reportDispatch: (_, a, ctx) => steps.reportDispatch(ctx, a),
  withdrawDispatch: (_, a, ctx) => steps.withdrawDispatch(ctx, a),
  recordTownshipMediation: (_, a, ctx) => steps.recordTownshipMediation(ctx, a),
  resolveTownshipCase: (_, a, ctx) => steps.resolveTownshipCase(ctx, a),
  escalateTownshipCase: (_, a, ctx) => steps.escalateTownshipCase(ctx, a),
  returnTownshipCase: (_, a, ctx) => steps.returnTownshipCase(ctx, a),
};
