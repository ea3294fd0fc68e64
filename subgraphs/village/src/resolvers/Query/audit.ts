import { hasScope } from '../../../../../platform/caller.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { badInput, forbidden, quote } from '../../../../../domain/errors.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { AUDITED_TYPES } from '../../store/audit-trail.ts';
import { afterTimeId, CURSOR_IDS, encodeCursor, pageInfoOf, pageSize, parsePage, timeIdKey } from '../../../../../platform/pagination.ts';
import { checkDateRange, periodBounds } from '../../../../../domain/periods.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { auditLog, type AuditFilter } from '../../store/audit-log.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';

/** The record whose readers are asked for: a type the log names and an id of it, both or neither. */
function auditedRecord(args: { recordType?: string | null; recordId?: string | null }): AuditFilter['record'] {
  if (args.recordType == null && args.recordId == null) return null;
  if (args.recordType == null || args.recordId == null) {
    const missing = args.recordType == null ? 'recordType' : 'recordId';
    throw badInput(
      { zh: `请同时给出 recordType 和 recordId（缺 ${missing}）。`, en: `Give recordType and recordId together (${missing} is missing).` },
      { argument: missing },
    );
  }
  const type = args.recordType;
  if (!(AUDITED_TYPES as readonly string[]).includes(type)) {
    throw badInput(
      { zh: `recordType“${quote(type)}”不在 ${AUDITED_TYPES.join(', ')} 之中。`, en: `recordType "${quote(type)}" is not one of ${AUDITED_TYPES.join(', ')}.` },
      { argument: 'recordType' },
    );
  }
  return { type, id: parseId(args.recordId, 'recordId') };
}

/** A fingerprint as `AuditEntry.missedLookups` gives them: 16 lower-case hex digits. */
function missedLookup(given: string | null | undefined): string | null {
  if (given == null) return null;
  if (!/^[0-9a-f]{16}$/.test(given)) {
    throw badInput(
      {
        zh: `missedLookup“${quote(given)}”不是号码指纹：应为 AuditEntry.missedLookups 给出的 16 位十六进制数字。`,
        en: `missedLookup "${quote(given)}" is not a fingerprint: give one of AuditEntry.missedLookups, 16 hex digits.`,
      },
      { argument: 'missedLookup' },
    );
  }
  return given;
}

/** The instants [start, end) of the China days `from`..`to` (inclusive); null when neither is given. */
function entriesBetween(args: { from?: string | null; to?: string | null }): [string, string] | null {
  if (!args.from && !args.to) return null;
  // A filter of entries, not a statistics period: a span of whatever length (no ten-year limit), from the log's start when only `to` is given.
  const [from, to] = [args.from ?? '2000-01-01', args.to ?? chinaDay()];
  checkDateRange(from, to);
  return periodBounds(from, to);
}

function requireAdmin(caller: Parameters<typeof hasScope>[0]): void {
  if (!hasScope(caller, 'admin'))
    throw forbidden({ zh: `读取审计日志需要${scopeNamed('admin')}权限。`, en: 'Reading the audit log needs the "admin" scope.' }, { scope: 'admin' });
}

/** The most callers `auditSummary` answers. */
const MAX_SUMMARY = 500;

export const auditQueries: Pick<QueryResolvers, 'auditLog' | 'auditSummary'> = {
  auditSummary: async (_, args, ctx) => {
    requireAdmin(ctx.caller);
    const limit = pageSize(args.first ?? 50, MAX_SUMMARY);
    return auditLog.summary(ctx.em, { jurisdiction: ctx.caller.jurisdiction, between: entriesBetween(args), found: args.found }, limit);
  },
  auditLog: async (_, args, ctx) => {
    requireAdmin(ctx.caller);
    const page = parsePage(args);
    const between = entriesBetween(args);
    const filter: AuditFilter = {
      jurisdiction: ctx.caller.jurisdiction,
      subject: args.subject,
      record: auditedRecord(args),
      between,
      found: args.found,
      missedLookup: missedLookup(args.missedLookup),
    };
    const rows = await auditLog.page(ctx.em, { ...filter, before: afterTimeId(page, 'audit_log', CURSOR_IDS.integer), limit: page.limit + 1 });
    const hasNextPage = rows.length > page.limit;
    const nodes = rows.slice(0, page.limit);
    const edges = nodes.map((node) => ({ cursor: encodeCursor('audit_log', timeIdKey(node.at, node.id)), node }));
    return {
      edges,
      nodes,
      pageInfo: pageInfoOf(edges, { hasNextPage, hasPreviousPage: page.cursor !== undefined }),
      get totalCount() {
        return auditLog.count(ctx.em, filter);
      },
    };
  },
};
