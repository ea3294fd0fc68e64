import { hasScope } from '../../../../../platform/caller.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { forbidden } from '../../../../../domain/errors.ts';
import { afterKey, afterTimeId, CURSOR_IDS, encodeCursor, parsePage, timeIdKey } from '../../../../../platform/pagination.ts';
import { periodBounds, resolvePeriod } from '../../../../../domain/periods.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { auditLog, type AuditFilter } from '../../store/audit-log.ts';

export const auditQueries: Pick<QueryResolvers, 'auditLog'> = {
  auditLog: async (_, args, ctx) => {
    if (!hasScope(ctx.caller, 'admin'))
      throw forbidden({ zh: '读取审计日志需要“admin”权限。', en: 'Reading the audit log needs the "admin" scope.' }, { scope: 'admin' });
    const page = parsePage(args);
    let between: [string, string] | null = null;
    if (args.from || args.to) {
      const p = resolvePeriod({ from: args.from ?? '2000-01-01', to: args.to ?? chinaDay() });
      between = periodBounds(p.from, p.to);
    }
    const filter: AuditFilter = { jurisdiction: ctx.caller.jurisdiction, subject: args.subject, between };
    const rows = await auditLog.page(ctx.em, { ...filter, before: afterTimeId(afterKey(page, 'audit_log'), CURSOR_IDS.integer), limit: page.limit + 1 });
    const hasNextPage = rows.length > page.limit;
    const nodes = rows.slice(0, page.limit);
    const last = nodes.at(-1);
    return {
      nodes,
      pageInfo: { hasNextPage, endCursor: last ? encodeCursor('audit_log', timeIdKey(last.at, last.id)) : null },
      get totalCount() {
        return auditLog.count(ctx.em, filter);
      },
    };
  },
};
