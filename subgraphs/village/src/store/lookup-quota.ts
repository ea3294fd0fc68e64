import { z } from 'zod';
import type { LookupLimits } from '../../../../platform/settings.ts';
import { col, rows, sql, type Db } from '../../../../platform/sql.ts';

/** A window of the lookup quota that more lookups would overrun (migration …43LookupQuota). */
const Exceeded = z.object({ exceeded: z.enum(['MINUTE', 'DAY']), quota: col.num, retryAfter: col.num });
export type ExceededQuota = z.infer<typeof Exceeded>;

const take = sql('lookupQuota.take', Exceeded, `select exceeded, quota, retry_after from hub_take_lookups(?, ?, ?, ?)`);

export const lookupQuota = {
  /** Spends `n` of the caller's lookups in the request's transaction: none when they fit (and are counted), else the windows they overrun. */
  take: (db: Db, subject: string, n: number, limits: LookupLimits): Promise<ExceededQuota[]> => rows(db, take, [subject, n, limits.perMinute, limits.perDay]),
};
