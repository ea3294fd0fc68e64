import { pageSize } from '../../../../platform/pagination.ts';
import type { AuditEntryResolvers } from '../generated/resolvers.ts';
import { MAX_RECORD_IDS } from '../store/audit-log.ts';

export const AuditEntry: AuditEntryResolvers = {
  id: (a) => String(a.id),
  recordIds: (a, { first }) => a.recordIds.slice(0, pageSize(first, MAX_RECORD_IDS)).map(String),
  recordCount: (a) => a.recordCount,
};
