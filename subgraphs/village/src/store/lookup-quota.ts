import type { PoolClient } from 'pg';
import { z } from 'zod';
import type { LookupLimits } from '../../../../platform/settings.ts';
import { col, nativeRows, rows, sql, type Db } from '../../../../platform/sql.ts';

/** A window of the lookup quota that more lookups would overrun (migration …43LookupQuota). */
const Exceeded = z.object({ exceeded: z.enum(['MINUTE', 'DAY']), quota: col.num, retryAfter: col.num });
export type ExceededQuota = z.infer<typeof Exceeded>;

const take = sql('lookupQuota.take', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups(?, ?, ?, ?)`);
const takeNative = sql('lookupQuota.takeNative', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups($1, $2, $3, $4)`);

export const lookupQuota = {
  /** Spends `n` of the caller's lookups in the request's transaction: none when they fit (and are counted), else the windows they overrun. */
  take: (db: Db, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> => rows(db, take, [subject, n, limits.perMinute, limits.perDay]),
  /** The same in a route's transaction on a native client (an import's batch). */
  takeNative: (client: PoolClient, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> =>
    nativeRows(client, takeNative, [subject, n, limits.perMinute, limits.perDay]),
};
