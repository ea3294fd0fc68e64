import { parseTargetDivision, parseTargetYear } from '../../../../../domain/assessment.ts';
import { hasScope, requireDivisionAccess } from '../../../../../platform/caller.ts';
import { forbidden } from '../../../../../domain/errors.ts';
import { parsePage } from '../../../../../platform/pagination.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { assessmentTargets } from '../../store/assessment-target.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';

export const targetQueries: Pick<QueryResolvers, 'assessmentTargets'> = {
  /** Targets set within a division of the caller's jurisdiction (not personal data: `read`, `report` or `admin`). */
  assessmentTargets: (_, a, ctx) => {
    if (!hasScope(ctx.caller, 'read') && !hasScope(ctx.caller, 'report') && !hasScope(ctx.caller, 'admin')) {
      throw forbidden(
        {
          zh: `查看考核目标需要${scopeNamed('read')}、${scopeNamed('report')}或${scopeNamed('admin')}权限。`,
          en: 'Reading assessment targets needs the "read", "report" or "admin" scope.',
        },
        { scope: 'report' },
      );
    }
    const within = parseTargetDivision(a.within, 'within');
    const year = a.year == null ? null : parseTargetYear(a.year);
    requireDivisionAccess(ctx.caller, within);
    return assessmentTargets.page(ctx.em, { within, year, indicator: a.indicator ?? null }, parsePage(a));
  },
};
