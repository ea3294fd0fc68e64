import { hasScope } from '../../../../../platform/caller.ts';
import { forbidden } from '../../../../../platform/errors.ts';
import { encodeCursor, parsePage } from '../../../../../platform/pagination.ts';
import { periodBounds, resolvePeriod } from '../../../../../domain/periods.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { auditLog } from '../../store/audit-log.ts';

export const auditQueries: Pick<QueryResolvers, 'auditLog'> = {
  auditLog: async (_, args, ctx) => {
    if (!hasScope(ctx.caller, 'admin')) throw forbidden('Reading the audit log needs the "admin" scope.', { scope: 'admin' });
    const page = parsePage(args);
    let between: [string, string] | null = null;
    if (args.from || args.to) {
      const p = resolvePeriod({ from: args.from ?? '2000-01-01', to: args.to ?? new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10) });
      between = periodBounds(p.from, p.to);
    }
    const rows = await auditLog.page(ctx.em, {
      jurisdiction: ctx.caller.jurisdiction,
      subject: args.subject,
      between,
      beforeId: page.after ? Number(page.after) : null,
      limit: page.limit + 1,
    });
    const hasNextPage = rows.length > page.limit;
    const nodes = rows.slice(0, page.limit);
    return { nodes, pageInfo: { hasNextPage, endCursor: nodes.length ? encodeCursor(String(nodes[nodes.length - 1]!.id)) : null } };
  },
};
