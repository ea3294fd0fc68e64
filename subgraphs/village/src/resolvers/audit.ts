import type { Resolvers } from '../generated/resolvers.ts';
import { AuditEntry } from './AuditEntry.ts';
import { auditQueries } from './Query/audit.ts';

/** The audit log: Query.auditLog and its entries. */
export const auditResolvers: Resolvers = { Query: auditQueries, AuditEntry };
