import type { PoolClient } from 'pg';
import { z } from 'zod';
import type { LookupLimits } from '../../../../platform/settings.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sideRows } from '../../../../platform/jurisdiction.ts';
import { col, nativeRows, sql } from '../../../../platform/sql.ts';

/** A window of the lookup quota that more lookups would overrun (migration …43LookupQuota). */
const Exceeded = z.object({ exceeded: z.enum(['MINUTE', 'DAY']), quota: col.num, retryAfter: col.num });
export type ExceededQuota = z.infer<typeof Exceeded>;

const take = sql('lookupQuota.take', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups(?, ?, ?, ?)`);
const takeNative = sql('lookupQuota.takeNative', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups($1, $2, $3, $4)`);

export const lookupQuota = {
  /**
   * Spends `n` of the caller's lookups, in a transaction of its own beside the request's (platform/jurisdiction.ts
   * `sideRows`): none when they fit (and are counted), else the windows they overrun.
   */
  take: (db: EntityManager, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> =>
    sideRows(db, take, [subject, n, limits.perMinute, limits.perDay]),
  /** The same in a route's transaction on a native client (an import's batch, counted with it). */
  takeNative: (client: PoolClient, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> =>
    nativeRows(client, takeNative, [subject, n, limits.perMinute, limits.perDay]),
};
