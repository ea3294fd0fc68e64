import { hasScope } from '../../../../../platform/caller.ts';
import { badInput, forbidden } from '../../../../../platform/errors.ts';
import { emit } from '../../../../../platform/events.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { assessmentTargets } from '../../store/assessment-target.ts';

export const targetMutations: Pick<MutationResolvers, 'setAssessmentTarget'> = {
  /** Sets an assessment target (admins); the village subgraph, which measures divisions against targets, gets the change. */
  setAssessmentTarget: async (_, a, ctx) => {
    if (!hasScope(ctx.caller, 'admin')) throw forbidden('Setting assessment targets needs the "admin" scope.', { scope: 'admin' });
    if (!(a.target >= 0 && a.target <= 1)) throw badInput('target is a rate from 0 to 1 (e.g. 0.95).', { argument: 'target' });
    const row = await ctx.em.transactional(async (em) => {
      const r = await assessmentTargets.set(em, { indicator: a.indicator, level: a.level, target: a.target, by: ctx.caller.subject });
      // The village subgraph measures divisions against targets: it gets the change in the same transaction's outbox.
      await emit(em, 'village', 'target.set', { indicator: a.indicator, level: a.level, target: a.target, by: ctx.caller.subject, countyCode: '' });
      return r;
    });
    ctx.relay.nudge();
    return row;
  },
};
