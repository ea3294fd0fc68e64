import { parseDivisionCode } from '../../../../../domain/codes.ts';
import { resolvePeriod } from '../../../../../domain/periods.ts';
import { hasScope } from '../../../../../platform/caller.ts';
import { forbidden } from '../../../../../domain/errors.ts';
import { afterKey, encodeCursor, pageInfoOf, parsePage } from '../../../../../platform/pagination.ts';
import { riskThresholds } from '../../../../../platform/settings.ts';
import { requireStatsAccess } from '../../../../../platform/caller.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { findRiskSignals, RISK_KINDS, type RiskKind } from '../../risk-signals.ts';
import { requireDivisionHeld } from '../../directory.ts';
import { listGiven } from '../../../../../platform/validate.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';

/**
 * 苗头预警 Early warnings under a division, down to a grid (docs/ARCHITECTURE.md
 * "Early warnings"). Access as for statistics, so a grid worker's own token reads
 * its grid's; a report-only caller, and a county department's, gets the figures
 * without cases and never the special-population kind.
 */
export const riskQueries: Pick<QueryResolvers, 'riskSignals'> = {
  riskSignals: async (_, args, ctx) => {
    const within = parseDivisionCode(args.within, 'within', ['PROVINCE', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE', 'GRID']);
    requireStatsAccess(ctx.caller, within);
    const period = resolvePeriod(args);
    listGiven(args.kinds, 'kinds');
    const page = parsePage(args);
    const after = afterKey(page, 'risk_signal', /^[\w-]{22}$/); // a signal's id
    // A county department reads the cases dispatched to it, not the county's others: figures only, as a report-only caller.
    const records = hasScope(ctx.caller, 'read') && !ctx.caller.department;
    const asked: readonly RiskKind[] = args.kinds?.length ? RISK_KINDS.filter((k) => args.kinds!.includes(k)) : RISK_KINDS;
    // Special populations are personal facts: a report-only caller sees neither the cases nor their count.
    const kinds = records ? asked : asked.filter((k) => k !== 'SPECIAL_POPULATION_PARTY');
    if (!kinds.length) {
      throw forbidden(
        {
          zh: `涉特殊人群的预警（SPECIAL_POPULATION_PARTY）需要${scopeNamed('read')}权限。`,
          en: 'Early warnings on special populations (SPECIAL_POPULATION_PARTY) need the "read" scope.',
        },
        { scope: 'read' },
      );
    }
    await requireDivisionHeld(ctx.em, within);
    // A grid's signals are named as the grid (its name from the request's directory loader).
    const gridName = within.length === 15 ? (await ctx.loaders.grid.load(within))?.name : undefined;
    const all = await findRiskSignals(ctx.em, within, period, kinds, { records }, riskThresholds(), gridName);
    // After the signal the cursor names; one that no longer holds (the record changed) starts the list again rather than skip any.
    const startAt = after === undefined ? 0 : all.findIndex((s) => s.id === after) + 1;
    const nodes = all.slice(startAt, startAt + page.limit);
    const edges = nodes.map((node) => ({ cursor: encodeCursor('risk_signal', node.id), node }));
    return {
      edges,
      nodes,
      pageInfo: pageInfoOf(edges, { hasNextPage: startAt + page.limit < all.length, hasPreviousPage: startAt > 0 }),
      totalCount: Promise.resolve(all.length),
    };
  },
};
