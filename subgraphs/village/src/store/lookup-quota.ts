import type { EntityManager } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { sideRows } from '../../../../platform/jurisdiction.ts';
import type { LookupLimits } from '../../../../platform/settings.ts';
import { col, nativeRows, sql } from '../../../../platform/sql.ts';

/** A window of the lookup quota that more lookups would overrun (migration …43LookupQuota). */
const Exceeded = z.object({ exceeded: z.enum(['MINUTE', 'DAY']), quota: col.num, retryAfter: col.num });
export type ExceededQuota = z.infer<typeof Exceeded>;

const take = sql('lookupQuota.take', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups(?, ?, ?, ?)`);
const inMode = sql('lookupQuota.inMode', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups($1, $2, $3, $4, $5)`);

export const lookupQuota = {
  /**
   * Spends `n` of the caller's lookups, in a transaction of its own beside the request's (platform/jurisdiction.ts
   * `sideRows`): none when they fit (and are counted), else the windows they overrun.
   */
  take: (db: EntityManager, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> =>
    sideRows(db, take, [subject, n, limits.perMinute, limits.perDay]),
  /** Whether the caller has a lookup left (the windows spent, if not), counting nothing; on a route's native client. */
  check: (client: PoolClient, subject: string, limits: LookupLimits): Promise<ExceededQuota[]> =>
    nativeRows(client, inMode, [subject, 1, limits.perMinute, limits.perDay, 'CHECK']),
  /** Counts `n` lookups a file's batch made, whatever the quota (the batch was let through by `check`). */
  count: async (client: PoolClient, subject: string, n: number, limits: LookupLimits): Promise<void> => {
    await nativeRows(client, inMode, [subject, n, limits.perMinute, limits.perDay, 'COUNT']);
  },
};
