import type { AuditEntryResolvers } from '../generated/resolvers.ts';

export const AuditEntry: AuditEntryResolvers = {
  id: (a) => String(a.id),
  recordIds: (a) => a.recordIds.map(String),
};
