import { badInput } from '../../../../domain/errors.ts';
import type { AuditEntryResolvers } from '../generated/resolvers.ts';
import { MAX_RECORD_IDS } from '../store/audit-log.ts';

export const AuditEntry: AuditEntryResolvers = {
  id: (a) => String(a.id),
  recordIds: (a, { first }) => {
    if (!Number.isInteger(first) || first < 0 || first > MAX_RECORD_IDS) {
      throw badInput(
        { zh: `first 应为 0 到 ${MAX_RECORD_IDS} 之间的整数，收到的是 ${first}。`, en: `first must be an integer from 0 to ${MAX_RECORD_IDS}; got ${first}.` },
        { argument: 'first' },
      );
    }
    return a.recordIds.slice(0, first).map(String);
  },
  recordCount: (a) => a.recordCount,
};
