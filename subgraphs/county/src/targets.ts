import type { EntityManager } from '@mikro-orm/postgresql';
import { hasScope } from '../../../platform/caller.ts';
import { badInput, forbidden } from '../../../platform/errors.ts';
import { emit } from '../../../platform/events.ts';
import { query, queryOne } from '../../../platform/sql.ts';
import type { CountyContext } from './context.ts';

interface TargetRow {
  indicator: string;
  level: string;
  target: string | number;
  updatedAt: Date;
  updatedBy: string;
}

const shape = (t: TargetRow) => ({ ...t, target: Number(t.target), updatedAt: new Date(t.updatedAt).toISOString() });

export const targetResolvers = {
  Query: {
    assessmentTargets: async (_: unknown, __: unknown, ctx: CountyContext) =>
      (await query<TargetRow>(ctx.em, 'select * from assessment_target order by indicator, level')).map(shape),
  },
  Mutation: {
    setAssessmentTarget: async (_: unknown, a: { indicator: string; level: string; target: number }, ctx: CountyContext) => {
      if (!hasScope(ctx.caller, 'admin')) throw forbidden('Setting assessment targets needs the "admin" scope.', { scope: 'admin' });
      if (!(a.target >= 0 && a.target <= 1)) throw badInput('target is a rate from 0 to 1 (e.g. 0.95).', { argument: 'target' });
      const row = await ctx.em.transactional(async (em) => {
        const tem = em as EntityManager;
        const r = await queryOne<TargetRow>(
          tem,
          `insert into assessment_target (indicator, level, target, updated_at, updated_by) values (?, ?, ?, now(), ?)
           on conflict (indicator, level) do update set target = excluded.target, updated_at = now(), updated_by = excluded.updated_by returning *`,
          [a.indicator, a.level, a.target, ctx.caller.subject],
        );
        // The village subgraph measures divisions against targets: it gets the change in the same transaction's outbox.
        await emit(tem, 'village', 'target.set', { indicator: a.indicator, level: a.level, target: a.target, by: ctx.caller.subject, countyCode: '' });
        return r!;
      });
      ctx.relay.nudge();
      return shape(row);
    },
  },
};
